// The KV cache of one session: keys and values of every layer and position,
// stored [layer][kv_head][pos][head_dim] in F16 (default), F32 or Q8_0. Each
// head's rows are contiguous, so attention streams one head's keys and values
// in order and they occupy every cache set (interleaving the heads put a head's
// rows 2 of every 8 cache lines apart and used a quarter of the L2's sets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lumen/model.hpp"
#include "lumen/tensor_type.hpp"
#include "ops/norm_rope.hpp"
#include "platform/large_buffer.hpp"

namespace lumen {

class KvCache {
public:
    KvCache(const ModelConfig& c, int n_ctx, TensorType k_type, TensorType v_type);

    // Stores the keys and values ([n_head_kv * head_dim] floats each) of one position.
    void store(int layer, int pos, const float* k, const float* v);

    // A cached row of head_dim elements, in the cache's type.
    const std::byte* k_row(int layer, int pos, int kv_head) const { return k_.data() + offset(layer, pos, kv_head, k_row_); }
    const std::byte* v_row(int layer, int pos, int kv_head) const { return v_.data() + offset(layer, pos, kv_head, v_row_); }

    // Moves positions [n_keep + n_discard, n_used) down by n_discard and rotates
    // the moved keys by -n_discard positions.
    void shift(int n_keep, int n_discard, int n_used, const ops::Rope& rope);

    // The cached keys and values of positions [0, n_used) with a header
    // describing the cache's shape (kv_state.cpp), and back: restore() checks
    // the header against this cache and returns n_used.
    std::vector<std::byte> snapshot(int n_used) const;
    int restore(std::span<const std::byte> state);

    // Bytes from one position's row of a head to the next position's.
    size_t k_pos_stride() const { return k_row_; }
    size_t v_pos_stride() const { return v_row_; }
    TensorType k_type() const { return k_type_; }
    TensorType v_type() const { return v_type_; }
    int n_ctx() const { return n_ctx_; }
    uint64_t bytes() const { return k_.size() + v_.size(); }

private:
    size_t offset(int layer, int pos, int kv_head, size_t row) const {
        return ((size_t(layer) * size_t(n_head_kv_) + size_t(kv_head)) * size_t(n_ctx_) + size_t(pos)) * row;
    }

    int n_layer_, n_ctx_, n_head_kv_, head_dim_;
    TensorType k_type_, v_type_;
    size_t k_row_, v_row_;  // bytes per head row
    platform::LargeBuffer k_, v_;  // zero-filled; huge pages where the OS gives them
};

}  // namespace lumen

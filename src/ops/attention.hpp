// Scaled dot-product attention of one query head over the cached keys/values
// of its KV head (grouped-query attention shares a KV head between several
// query heads; nothing is copied per query head).
#pragma once

#include <cstddef>
#include <vector>

#include "dispatch.hpp"
#include "model/kv_cache.hpp"

namespace lumen::ops {

// Per-thread buffers, sized once per session.
struct AttentionScratch {
    std::vector<float> scores;       // [n_ctx]
    std::vector<std::byte> q_cache;  // q converted to the K cache's dot format
    std::vector<float> v_row;        // [head_dim]
    std::vector<float> v_lanes;      // [64 x head_dim] partial sums (reference order)
    std::vector<double> v_rest;      // [head_dim]
    std::vector<float> v_sum;        // [head_dim] the lanes' tree sum
};

// out[head_dim] = sum_j softmax(scale * q.k_j)_j * v_j over positions j < n_pos.
// Follows the reference arithmetic for an F16 cache: q and the probabilities are
// rounded to F16 before their products with K and V.
void attend(const kernels::KernelSet& ks, const KvCache& cache, int layer, int kv_head, const float* q, int n_pos,
            int head_dim, float scale, AttentionScratch& scratch, float* out);

}  // namespace lumen::ops

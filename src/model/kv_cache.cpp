#include "model/kv_cache.hpp"

#include <cstring>
#include <string>

#include "lumen/error.hpp"

namespace lumen {

KvCache::KvCache(const ModelConfig& c, int n_ctx, TensorType k_type, TensorType v_type)
    : n_layer_(c.n_layer), n_ctx_(n_ctx), n_head_kv_(c.n_head_kv), head_dim_(c.head_dim), k_type_(k_type),
      v_type_(v_type) {
    for (TensorType t : {k_type, v_type}) {
        if (t != TensorType::F16 && t != TensorType::F32 && t != TensorType::Q8_0)
            throw Error(std::string("KV cache type ") + type_name(t) + " is not supported (use f16, f32 or q8_0)");
        if (head_dim_ % type_traits(t).block_size != 0)
            throw Error(std::string("KV cache type ") + type_name(t) + " needs a head size divisible by " +
                        std::to_string(type_traits(t).block_size) + "; this model's is " + std::to_string(head_dim_));
    }
    k_row_ = row_bytes(k_type, head_dim_);
    v_row_ = row_bytes(v_type, head_dim_);
    const size_t rows = size_t(n_layer_) * size_t(n_ctx_) * size_t(n_head_kv_);
    k_ = platform::LargeBuffer(rows * k_row_, "KV cache (keys)");
    v_ = platform::LargeBuffer(rows * v_row_, "KV cache (values)");
}

void KvCache::store(int layer, int pos, const float* k, const float* v) {
    const auto kq = type_traits(k_type_).quantize;
    const auto vq = type_traits(v_type_).quantize;
    for (int h = 0; h < n_head_kv_; ++h) {
        kq(k + size_t(h) * size_t(head_dim_), k_.data() + offset(layer, pos, h, k_row_), head_dim_);
        vq(v + size_t(h) * size_t(head_dim_), v_.data() + offset(layer, pos, h, v_row_), head_dim_);
    }
}

void KvCache::shift(int n_keep, int n_discard, int n_used, const ops::Rope& rope) {
    const auto& kt = type_traits(k_type_);
    std::vector<float> head(static_cast<size_t>(head_dim_));
    for (int l = 0; l < n_layer_; ++l) {
        for (int src = n_keep + n_discard; src < n_used; ++src) {
            const int dst = src - n_discard;
            for (int h = 0; h < n_head_kv_; ++h) {
                kt.dequantize(k_.data() + offset(l, src, h, k_row_), head.data(), head_dim_);
                rope.apply(head.data(), -n_discard);
                kt.quantize(head.data(), k_.data() + offset(l, dst, h, k_row_), head_dim_);
                std::memcpy(v_.data() + offset(l, dst, h, v_row_), v_.data() + offset(l, src, h, v_row_), v_row_);
            }
        }
    }
}

}  // namespace lumen

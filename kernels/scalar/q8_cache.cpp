// Scalar twins of the attention kernels over a Q8_0 KV cache (dispatch.hpp:
// DotsQ8_0Fn, WeightedSumQ8_0Fn; the steps are q8_cache_math.hpp's).
#include "blocks.hpp"
#include "fp16.hpp"
#include "q8_cache_math.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::ref {

void dots_q8_0(int n, const void* q, int n_q, const void* k, size_t k_stride, int count, float* out, size_t out_stride) {
    const auto* queries = static_cast<const BlockQ8_0*>(q);
    const auto* keys = static_cast<const std::byte*>(k);
    for (int g = 0; g < n_q; ++g)
        for (int j = 0; j < count; ++j)
            out[size_t(g) * out_stride + size_t(j)] = dot_q8_0(n, keys + size_t(j) * k_stride, queries + size_t(g) * size_t(n / QK));
}

void weighted_sum_q8_0(float* out, const float* p, size_t p_stride, const float* scale, int n_q, const void* v,
                       size_t v_stride, int count, int n) {
    const auto* rows = static_cast<const std::byte*>(v);
    for (int j = 0; j < count; ++j) {
        const auto* row = reinterpret_cast<const BlockQ8_0*>(rows + size_t(j) * v_stride);
        for (int g = 0; g < n_q; ++g) {
            const float pg = p[size_t(g) * p_stride + size_t(j)] * scale[g];
            float* o = out + size_t(g) * size_t(n);
            for (int b = 0; b < n / QK; ++b) {
                const float w = round_to_16_bits(pg * fp16_to_fp32(row[b].d));
                for (int i = 0; i < QK; ++i) o[b * QK + i] += w * float(row[b].qs[i]);
            }
        }
    }
}

}  // namespace lumen::kernels::ref

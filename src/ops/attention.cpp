#include "ops/attention.hpp"

#include <algorithm>
#include <cmath>

#include "fp16.hpp"
#include "ops/norm_rope.hpp"

namespace lumen::ops {

void attend(const kernels::KernelSet& ks, const KvCache& cache, int layer, int kv_head, const float* q,
            const AttendSpan& span, int head_dim, AttentionScratch& s, float* out) {
    const int n_pos = span.n_pos;
    // Scores: q . k_j, with q in the K cache's activation format.
    const TensorType k_dot_type = type_traits(cache.k_type()).vec_dot_type;
    ks.activation_quantizer(k_dot_type)(q, s.q_cache.data(), head_dim);
    const VecDotFn dot = ks.dot(cache.k_type());
    const bool f16_k = cache.k_type() == TensorType::F16;
    const auto* q16 = reinterpret_cast<const uint16_t*>(s.q_cache.data());
    if (f16_k) {
        ks.dots_f16_ordered(head_dim, q16, reinterpret_cast<const uint16_t*>(cache.k_row(layer, 0, kv_head)),
                            cache.k_pos_stride() / sizeof(uint16_t), n_pos, s.scores.data());
    } else {
        for (int j = 0; j < n_pos; ++j) s.scores[size_t(j)] = dot(head_dim, cache.k_row(layer, j, kv_head), s.q_cache.data());
    }
    if (span.softcap > 0.f) soft_cap(s.scores.data(), n_pos, span.softcap);
    float max = -INFINITY;
    for (int j = 0; j < n_pos; ++j) {
        s.scores[size_t(j)] = j < span.first ? -INFINITY : s.scores[size_t(j)] * span.scale;
        max = std::max(max, s.scores[size_t(j)]);
    }
    // Softmax: exponentials in float, their sum in the reference's order (dispatch.hpp).
    const double sum = ks.exp_sum(s.scores.data(), s.scores.data(), max, n_pos);
    const float inv = float(1.0 / sum);
    const auto dequant_v = type_traits(cache.v_type()).dequantize;
    if (cache.v_type() != TensorType::F16) {
        std::fill(out, out + head_dim, 0.f);
        for (int j = 0; j < n_pos; ++j) {
            const float p = s.scores[size_t(j)] * inv;
            dequant_v(cache.v_row(layer, j, kv_head), s.v_row.data(), head_dim);
            for (int d = 0; d < head_dim; ++d) out[d] += p * s.v_row[size_t(d)];
        }
        return;
    }
    // F16 V: probabilities rounded to F16, summed in the reference's order over
    // the reference's KV length (used positions padded to 32; padding adds
    // zeros): position j goes to lane j % 64 while whole chunks of 64 last, the
    // rest is summed in double; the 64 lanes are then added as a tree.
    const int n_kv = (n_pos + 31) & ~31;
    const int n_lanes_part = n_kv & ~63;
    const size_t hd = size_t(head_dim);
    // Lane l holds positions l, l + 64, ... below min(n_pos, n_lanes_part),
    // summed in that order; one kernel call per lane.
    const int lane_end = std::min(n_pos, n_lanes_part);
    const auto* v0 = reinterpret_cast<const uint16_t*>(cache.v_row(layer, 0, kv_head));
    const size_t v_stride = cache.v_pos_stride() / sizeof(uint16_t);
    std::fill(s.v_rest.begin(), s.v_rest.end(), 0.0);
    for (int l = 0; lane_end > 0 && l < 64; ++l) {  // (no lanes at all below 64 kv positions)
        float* row = &s.v_lanes[size_t(l) * hd];
        std::fill(row, row + hd, 0.f);
        const int count = l < lane_end ? (lane_end - l + 63) / 64 : 0;
        if (count > 0)
            ks.weighted_sum_f16(row, &s.scores[size_t(l)], 64, inv, v0 + size_t(l) * v_stride, 64 * v_stride, count,
                                head_dim);
    }
    for (int j = std::max(lane_end, 0); j < n_pos; ++j) {
        const float p = kernels::fp16_to_fp32(kernels::fp32_to_fp16(s.scores[size_t(j)] * inv));
        ks.axpy_f16_f64(s.v_rest.data(), p, v0 + size_t(j) * v_stride, head_dim);
    }
    if (lane_end > 0) ks.reduce_lanes64(s.v_lanes.data(), head_dim, s.v_sum.data());
    else std::fill(s.v_sum.begin(), s.v_sum.end(), 0.f);  // every lane is empty
    for (size_t d = 0; d < hd; ++d) out[d] = float(double(s.v_sum[d]) + s.v_rest[d]);
}

}  // namespace lumen::ops

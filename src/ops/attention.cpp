#include "ops/attention.hpp"

#include <algorithm>
#include <cmath>

#include "fp16.hpp"
#include "ops/norm_rope.hpp"

namespace lumen::ops {

namespace {

// The reference's prompt GEMM over the F16 V cache: lane l of 16 sums
// f16(p_j) * v_j for j = l, l + 16, ... (exact products, so multiply-add gives
// the FMA's bits), the lanes then halved 8, 4, 2, 1. Positions past n_pos up
// to the padded KV length would add zeros: left out.
void weighted_v_lanes16(const kernels::KernelSet& ks, const float* p, float inv, const uint16_t* v0, size_t v_stride,
                        int n_pos, int head_dim, float* lanes, float* out) {
    const size_t hd = size_t(head_dim);
    std::fill(lanes, lanes + 16 * hd, 0.f);
    ks.weighted_lanes_f16(lanes, 16, p, inv, v0, v_stride, n_pos, head_dim);
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; ++l)
            for (size_t d = 0; d < hd; ++d) lanes[size_t(l) * hd + d] = lanes[size_t(l + w) * hd + d] + lanes[size_t(l) * hd + d];
    std::copy(lanes, lanes + hd, out);
}

}  // namespace

void attend(const kernels::KernelSet& ks, const KvCache& cache, int layer, int kv_head, const float* q,
            const AttendSpan& span, int head_dim, AttentionScratch& s, float* out) {
    const int n_pos = span.n_pos;
    // Scores: q . k_j, with q in the K cache's activation format.
    const TensorType k_dot_type = type_traits(cache.k_type()).vec_dot_type;
    ks.activation_quantizer(k_dot_type)(q, s.q_cache.data(), head_dim);
    const VecDotFn dot = ks.dot(cache.k_type());
    const bool f16_k = cache.k_type() == TensorType::F16;
    const auto* q16 = reinterpret_cast<const uint16_t*>(s.q_cache.data());
    // (the GEMM needs the dot length % 16 == 0 and the output rows % 4 == 0;
    // the reference's KV length is padded to 32)
    if (f16_k && span.batch && head_dim % 16 == 0) {
        ks.dots_f16_gemm(head_dim, q16, reinterpret_cast<const uint16_t*>(cache.k_row(layer, 0, kv_head)),
                         cache.k_pos_stride() / sizeof(uint16_t), n_pos, s.scores.data());
    } else if (f16_k) {
        ks.dots_f16_ordered(head_dim, q16, reinterpret_cast<const uint16_t*>(cache.k_row(layer, 0, kv_head)),
                            cache.k_pos_stride() / sizeof(uint16_t), n_pos, s.scores.data());
    } else {
        for (int j = 0; j < n_pos; ++j) s.scores[size_t(j)] = dot(head_dim, cache.k_row(layer, j, kv_head), s.q_cache.data());
    }
    if (span.softcap > 0.f) soft_cap(s.scores.data(), n_pos, span.softcap);
    // Positions before `first` (outside a sliding window) are masked.
    std::fill(s.scores.begin(), s.scores.begin() + span.first, -INFINITY);
    const float max = ks.scale_max(s.scores.data() + span.first, n_pos - span.first, span.scale);
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
    const auto* v0 = reinterpret_cast<const uint16_t*>(cache.v_row(layer, 0, kv_head));
    const size_t v_stride = cache.v_pos_stride() / sizeof(uint16_t);
    if (span.batch && head_dim % 4 == 0) {
        weighted_v_lanes16(ks, s.scores.data(), inv, v0, v_stride, n_pos, head_dim, s.v_lanes.data(), out);
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
    // summed in that order.
    const int lane_end = std::min(n_pos, n_lanes_part);
    std::fill(s.v_rest.begin(), s.v_rest.end(), 0.0);
    if (lane_end > 0) {  // (no lanes at all below 64 kv positions)
        std::fill(s.v_lanes.begin(), s.v_lanes.begin() + long(64 * hd), 0.f);
        ks.weighted_lanes_f16(s.v_lanes.data(), 64, s.scores.data(), inv, v0, v_stride, lane_end, head_dim);
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

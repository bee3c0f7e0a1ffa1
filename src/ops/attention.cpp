#include "ops/attention.hpp"

#include <algorithm>
#include <cmath>

#include "fp16.hpp"
#include "ops/norm_rope.hpp"

namespace lumen::ops {

namespace {

// The scores of n_q F16 queries (q16 + g * head_dim) against one head's F16
// keys, into scores + g * stride: the group kernel when the set has one, else
// the one-head kernel per head (the same bits).
void f16_scores(const kernels::KernelSet& ks, bool gemm_order, int head_dim, const uint16_t* q16, int n_q,
                const uint16_t* k0, size_t k_stride, int n_pos, float* scores, size_t stride) {
    const auto group = gemm_order ? ks.dots_f16_gemm_group : ks.dots_f16_ordered_group;
    if (group != nullptr && n_q > 1) return group(head_dim, q16, n_q, k0, k_stride, n_pos, scores, stride);
    const auto one = gemm_order ? ks.dots_f16_gemm : ks.dots_f16_ordered;
    for (int g = 0; g < n_q; ++g) one(head_dim, q16 + size_t(g) * size_t(head_dim), k0, k_stride, n_pos, scores + size_t(g) * stride);
}

// n_lanes lanes of the weighted V sum per head (lanes + g * lanes_stride).
void f16_weighted_lanes(const kernels::KernelSet& ks, float* lanes, size_t lanes_stride, int n_lanes, const float* p,
                        size_t p_stride, const float* inv, int n_q, const uint16_t* v0, size_t v_stride, int n_pos,
                        int head_dim) {
    if (ks.weighted_lanes_f16_group != nullptr && n_q > 1)
        return ks.weighted_lanes_f16_group(lanes, lanes_stride, n_lanes, p, p_stride, inv, n_q, v0, v_stride, n_pos, head_dim);
    for (int g = 0; g < n_q; ++g)
        ks.weighted_lanes_f16(lanes + size_t(g) * lanes_stride, n_lanes, p + size_t(g) * p_stride, inv[g], v0, v_stride,
                              n_pos, head_dim);
}

}  // namespace

void attend(const kernels::KernelSet& ks, const KvCache& cache, int layer, int kv_head, const float* q, int n_q,
            const AttendSpan& span, int head_dim, AttentionScratch& s, float* out) {
    const int n_pos = span.n_pos;
    const size_t hd = size_t(head_dim), ctx = s.scores.size() / size_t(n_q);
    auto scores = [&](int g) { return s.scores.data() + size_t(g) * ctx; };
    // Scores: q . k_j, with q in the K cache's activation format.
    const TensorType k_dot_type = type_traits(cache.k_type()).vec_dot_type;
    const size_t q_row = row_bytes(k_dot_type, head_dim);
    for (int g = 0; g < n_q; ++g)
        ks.activation_quantizer(k_dot_type)(q + size_t(g) * hd, s.q_cache.data() + size_t(g) * q_row, head_dim);
    if (cache.k_type() == TensorType::F16) {
        // (the GEMM needs the dot length % 16 == 0 and the output rows % 4 == 0;
        // the reference's KV length is padded to 32)
        f16_scores(ks, span.batch && head_dim % 16 == 0, head_dim, reinterpret_cast<const uint16_t*>(s.q_cache.data()),
                   n_q, reinterpret_cast<const uint16_t*>(cache.k_row(layer, 0, kv_head)),
                   cache.k_pos_stride() / sizeof(uint16_t), n_pos, scores(0), ctx);
    } else if (cache.k_type() == TensorType::Q8_0) {
        ks.dots_q8_0(head_dim, s.q_cache.data(), n_q, cache.k_row(layer, 0, kv_head), cache.k_pos_stride(), n_pos,
                     scores(0), ctx);
    } else {
        const VecDotFn dot = ks.dot(cache.k_type());
        for (int g = 0; g < n_q; ++g)
            for (int j = 0; j < n_pos; ++j)
                scores(g)[j] = dot(head_dim, cache.k_row(layer, j, kv_head), s.q_cache.data() + size_t(g) * q_row);
    }
    // Softmax per head: exponentials in float, their sum in the reference's order (dispatch.hpp).
    float* inv = s.inv.data();
    for (int g = 0; g < n_q; ++g) {
        float* sc = scores(g);
        if (span.softcap > 0.f) soft_cap(sc, n_pos, span.softcap);
        // Positions before `first` (outside a sliding window) are masked.
        std::fill(sc, sc + span.first, -INFINITY);
        const float max = ks.scale_max(sc + span.first, n_pos - span.first, span.scale);
        inv[g] = float(1.0 / ks.exp_sum(sc, sc, max, n_pos));
    }
    if (cache.v_type() == TensorType::Q8_0) {
        std::fill(out, out + size_t(n_q) * hd, 0.f);
        ks.weighted_sum_q8_0(out, scores(0), ctx, inv, n_q, cache.v_row(layer, 0, kv_head), cache.v_pos_stride(), n_pos,
                             head_dim);
        return;
    }
    if (cache.v_type() != TensorType::F16) {  // F32
        const auto dequant_v = type_traits(cache.v_type()).dequantize;
        std::fill(out, out + size_t(n_q) * hd, 0.f);
        for (int j = 0; j < n_pos; ++j) {
            dequant_v(cache.v_row(layer, j, kv_head), s.v_row.data(), head_dim);
            for (int g = 0; g < n_q; ++g) {
                const float p = scores(g)[j] * inv[g];
                for (size_t d = 0; d < hd; ++d) out[size_t(g) * hd + d] += p * s.v_row[d];
            }
        }
        return;
    }
    const auto* v0 = reinterpret_cast<const uint16_t*>(cache.v_row(layer, 0, kv_head));
    const size_t v_stride = cache.v_pos_stride() / sizeof(uint16_t);
    const size_t lanes_stride = 64 * hd;
    if (span.batch && head_dim % 4 == 0) {
        // The reference's prompt GEMM over the F16 V cache: lane l of 16 sums
        // f16(p_j) * v_j for j = l, l + 16, ..., the lanes then halved 8, 4, 2, 1.
        // Positions past n_pos up to the padded KV length would add zeros: left out.
        std::fill(s.v_lanes.begin(), s.v_lanes.begin() + long(size_t(n_q) * lanes_stride), 0.f);
        f16_weighted_lanes(ks, s.v_lanes.data(), lanes_stride, 16, scores(0), ctx, inv, n_q, v0, v_stride, n_pos, head_dim);
        for (int g = 0; g < n_q; ++g) {
            float* lanes = s.v_lanes.data() + size_t(g) * lanes_stride;
            for (int w = 8; w >= 1; w /= 2)
                for (int l = 0; l < w; ++l)
                    for (size_t d = 0; d < hd; ++d) lanes[size_t(l) * hd + d] = lanes[size_t(l + w) * hd + d] + lanes[size_t(l) * hd + d];
            std::copy(lanes, lanes + hd, out + size_t(g) * hd);
        }
        return;
    }
    // F16 V: probabilities rounded to F16, summed in the reference's order over
    // the reference's KV length (used positions padded to 32; padding adds
    // zeros): position j goes to lane j % 64 while whole chunks of 64 last, the
    // rest is summed in double; the 64 lanes are then added as a tree.
    const int n_kv = (n_pos + 31) & ~31;
    const int n_lanes_part = n_kv & ~63;
    // Lane l holds positions l, l + 64, ... below min(n_pos, n_lanes_part),
    // summed in that order.
    const int lane_end = std::min(n_pos, n_lanes_part);
    if (lane_end > 0) {  // (no lanes at all below 64 kv positions)
        std::fill(s.v_lanes.begin(), s.v_lanes.begin() + long(size_t(n_q) * lanes_stride), 0.f);
        f16_weighted_lanes(ks, s.v_lanes.data(), lanes_stride, 64, scores(0), ctx, inv, n_q, v0, v_stride, lane_end,
                           head_dim);
    }
    for (int g = 0; g < n_q; ++g) {
        std::fill(s.v_rest.begin(), s.v_rest.end(), 0.0);
        for (int j = std::max(lane_end, 0); j < n_pos; ++j) {
            const float p = kernels::fp16_to_fp32(kernels::fp32_to_fp16(scores(g)[j] * inv[g]));
            ks.axpy_f16_f64(s.v_rest.data(), p, v0 + size_t(j) * v_stride, head_dim);
        }
        if (lane_end > 0) ks.reduce_lanes64(s.v_lanes.data() + size_t(g) * lanes_stride, head_dim, s.v_sum.data());
        else std::fill(s.v_sum.begin(), s.v_sum.end(), 0.f);  // every lane is empty
        for (size_t d = 0; d < hd; ++d) out[size_t(g) * hd + d] = float(double(s.v_sum[d]) + s.v_rest[d]);
    }
}

}  // namespace lumen::ops

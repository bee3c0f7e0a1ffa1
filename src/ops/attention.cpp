#include "ops/attention.hpp"

#include <algorithm>
#include <cmath>

#include "fp16.hpp"

namespace lumen::ops {

namespace {

// Sums of F16 x F16 products in the reference's order (its AVX-512 build):
// whole chunks of 64 go to 64 float lanes (4 vectors x 16) that are then added
// as a tree (vector 0+2, 1+3, 0+1, then halves 8, 4, 2, 1); the remainder is
// added in double. The products themselves are exact in float. Matching this
// order keeps attention bit-compatible, so rounding flips downstream are rare.
class ReferenceOrderSum {
public:
    explicit ReferenceOrderSum(int n) : n_simd_(n & ~63) {}
    bool in_lanes(int i) const { return i < n_simd_; }
    static int lane(int i) { return i & 63; }

    static float reduce_lanes(float* lanes) {
        for (int l = 0; l < 16; ++l) lanes[l] += lanes[32 + l];
        for (int l = 0; l < 16; ++l) lanes[16 + l] += lanes[48 + l];
        for (int l = 0; l < 16; ++l) lanes[l] += lanes[16 + l];
        for (int w = 8; w >= 1; w /= 2)
            for (int l = 0; l < w; ++l) lanes[l] = lanes[l + w] + lanes[l];
        return lanes[0];
    }

private:
    int n_simd_;
};

float dot_f16_reference_order(int n, const uint16_t* x, const uint16_t* y) {
    const ReferenceOrderSum order(n);
    float lanes[64] = {};
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        const float prod = kernels::fp16_to_fp32(x[i]) * kernels::fp16_to_fp32(y[i]);
        if (order.in_lanes(i)) lanes[ReferenceOrderSum::lane(i)] += prod;
    }
    sum = double(ReferenceOrderSum::reduce_lanes(lanes));
    for (int i = 0; i < n; ++i)
        if (!order.in_lanes(i)) sum += double(kernels::fp16_to_fp32(x[i]) * kernels::fp16_to_fp32(y[i]));
    return float(sum);
}

}  // namespace

void attend(const kernels::KernelSet& ks, const KvCache& cache, int layer, int kv_head, const float* q, int n_pos,
            int head_dim, float scale, AttentionScratch& s, float* out) {
    // Scores: q . k_j, with q in the K cache's activation format.
    const TensorType k_dot_type = type_traits(cache.k_type()).vec_dot_type;
    ks.activation_quantizer(k_dot_type)(q, s.q_cache.data(), head_dim);
    const VecDotFn dot = ks.dot(cache.k_type());
    const bool f16_k = cache.k_type() == TensorType::F16;
    const auto* q16 = reinterpret_cast<const uint16_t*>(s.q_cache.data());
    float max = -INFINITY;
    for (int j = 0; j < n_pos; ++j) {
        const std::byte* k = cache.k_row(layer, j, kv_head);
        const float qk = f16_k ? dot_f16_reference_order(head_dim, q16, reinterpret_cast<const uint16_t*>(k))
                               : dot(head_dim, k, s.q_cache.data());
        s.scores[size_t(j)] = qk * scale;
        max = std::max(max, s.scores[size_t(j)]);
    }
    // Softmax: exponentials in float, their sum in double (as the reference).
    double sum = 0.0;
    for (int j = 0; j < n_pos; ++j) {
        const float e = std::exp(s.scores[size_t(j)] - max);
        s.scores[size_t(j)] = e;
        sum += double(e);
    }
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
    // the reference's KV length (used positions padded to 32; padding adds zeros).
    const ReferenceOrderSum order((n_pos + 31) & ~31);
    std::fill(s.v_lanes.begin(), s.v_lanes.end(), 0.f);
    std::fill(s.v_rest.begin(), s.v_rest.end(), 0.0);
    for (int j = 0; j < n_pos; ++j) {
        const float p = kernels::fp16_to_fp32(kernels::fp32_to_fp16(s.scores[size_t(j)] * inv));
        dequant_v(cache.v_row(layer, j, kv_head), s.v_row.data(), head_dim);
        if (order.in_lanes(j)) {
            float* lanes = &s.v_lanes[size_t(ReferenceOrderSum::lane(j))];
            for (int d = 0; d < head_dim; ++d) lanes[size_t(d) * 64] += p * s.v_row[size_t(d)];
        } else {
            for (int d = 0; d < head_dim; ++d) s.v_rest[size_t(d)] += double(p * s.v_row[size_t(d)]);
        }
    }
    for (int d = 0; d < head_dim; ++d)
        out[d] = float(double(ReferenceOrderSum::reduce_lanes(&s.v_lanes[size_t(d) * 64])) + s.v_rest[size_t(d)]);
}

}  // namespace lumen::ops

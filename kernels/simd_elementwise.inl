// Element-wise float kernels written once for every SIMD variant with xsimd.
// The including file defines `using SimdArch = xsimd::<arch>;` (the arch it is
// compiled for, with fused fma and at most 8 float lanes: see below) and
// exact_div(a, b) (IEEE division of two batches) before including this body,
// inside its own namespace. The arithmetic is elementwise_math.hpp's, step for step, so
// the results equal the scalar twins' (scalar/elementwise.cpp) bit for bit.

namespace simd_elementwise {

using FloatBatch = xsimd::batch<float, SimdArch>;
constexpr int kW = int(FloatBatch::size);

// exp_same_bits (elementwise_math.hpp) on a batch (xsimd::fma is fused on
// every arch named here: FMA3, AVX-512, NEON).
template <class B>
inline B exp_batch(B x) {
    using namespace expf_steps;
    using I = xsimd::batch<int32_t, typename B::arch_type>;
    const B n = xsimd::fma(x, B(kLog2e), B(kShift)) - B(kShift);
    const B b = xsimd::fma(-n, B(kLn2Lo), xsimd::fma(-n, B(kLn2Hi), x));
    const B u = b * b;
    const B j = xsimd::fma(xsimd::fma(xsimd::fma(B(kC5), b, B(kC4)), u, xsimd::fma(B(kC3), b, B(kC2))), u,
                           xsimd::fma(B(kC1), b, B(1.0f)));
    const auto in_range = xsimd::abs(n) <= B(kMaxN);
    const I k = xsimd::to_int(xsimd::select(in_range, n, B(0.f))), k1 = k >> 1;
    const auto pow2 = [](I e) { return xsimd::bitwise_cast<B>((e + I(127)) << 23); };
    const B scaled = j * pow2(k1) * pow2(k - k1);
    return xsimd::select(in_range, scaled, xsimd::select(n <= B(0.f), B(0.f), B(INFINITY)));
}

// The softmax works in batches of at most 8 floats: the first steps of the
// 16-float tree of elementwise_math.hpp are then whole-batch adds, lanes
// i + (i + 8) and so on, and only the last 8 (or 4) lanes are summed one by
// one, as the tree orders them.
using SumBatch = FloatBatch;
constexpr int kSW = kW;
static_assert(kSW <= 8 && 16 % kSW == 0, "the softmax chunk of 16 must be whole batches of at most 8");

inline float sum16_batches(SumBatch* b) {
    for (int count = 16 / kSW; count > 1; count /= 2)
        for (int k = 0; k < count / 2; ++k) b[k] = b[k] + b[k + count / 2];
    alignas(32) float t[kSW];
    b[0].store_aligned(t);
    for (int w = kSW / 2; w >= 1; w /= 2)
        for (int i = 0; i < w; ++i) t[i] = t[i] + t[i + w];
    return t[0];
}

inline double exp_sum(float* y, const float* x, float shift, int n) {
    const SumBatch s(shift);
    double sum = 0.0;
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        SumBatch b[16 / kSW];
        for (int k = 0; k < 16 / kSW; ++k) {
            b[k] = exp_batch(SumBatch::load_unaligned(x + i + k * kSW) - s);
            b[k].store_unaligned(y + i + k * kSW);
        }
        sum += double(sum16_batches(b));
    }
    if (i < n) {  // a last partial row, padded with zeros
        float row[16] = {};
        for (int k = 0; i + k < n; ++k) row[k] = y[i + k] = exp_same_bits(x[i + k] - shift);
        sum += double(sum16_halving(row));
    }
    return sum;
}

inline void silu_mul(float* gate, const float* up, int64_t n) {
    const FloatBatch one(1.0f);
    int64_t i = 0;
    for (; i + kW <= n; i += kW) {
        const FloatBatch g = FloatBatch::load_unaligned(gate + i);
        (exact_div(g, one + exp_batch(-g)) * FloatBatch::load_unaligned(up + i)).store_unaligned(gate + i);
    }
    for (; i < n; ++i) gate[i] = gate[i] / (1.0f + exp_same_bits(-gate[i])) * up[i];
}

inline float scale_max(float* x, int n, float scale) {
    const FloatBatch s(scale);
    FloatBatch m(-INFINITY);
    int i = 0;
    for (; i + kW <= n; i += kW) {
        const FloatBatch v = FloatBatch::load_unaligned(x + i) * s;
        v.store_unaligned(x + i);
        m = xsimd::max(m, v);
    }
    alignas(64) float lanes[kW];
    m.store_aligned(lanes);
    float max = -INFINITY;
    for (float v : lanes) max = std::max(max, v);
    for (; i < n; ++i) {
        x[i] *= scale;
        max = std::max(max, x[i]);
    }
    return max;
}

inline void fill(KernelSet& ks) {
    ks.exp_sum = exp_sum;
    ks.silu_mul = silu_mul;
    ks.scale_max = scale_max;
}

}  // namespace simd_elementwise

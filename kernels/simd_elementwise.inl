// Element-wise float kernels written once for every SIMD variant with xsimd.
// The including file defines `using SimdArch = xsimd::<arch>;` (the arch it is
// compiled for) before including this body, inside its own namespace; the
// scalar twins are in scalar/elementwise.cpp. exp is xsimd's (within 2 ulp of
// std::exp); every sum keeps the scalar kernel's order (exp_tree.hpp).

namespace simd_elementwise {

using FloatBatch = xsimd::batch<float, SimdArch>;
constexpr int kW = int(FloatBatch::size);

// The softmax works in batches of at most 8 floats (16-wide files name a
// narrower SoftmaxArch): the first steps of the 16-float tree of exp_tree.hpp
// are then whole-batch adds, lanes i + (i + 8) and so on, and only the last
// 8 (or 4) lanes are summed one by one, as the tree orders them.
using SumBatch = xsimd::batch<float, SoftmaxArch>;
constexpr int kSW = int(SumBatch::size);
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
            b[k] = xsimd::exp(SumBatch::load_unaligned(x + i + k * kSW) - s);
            b[k].store_unaligned(y + i + k * kSW);
        }
        sum += double(sum16_batches(b));
    }
    for (; i < n; ++i) {
        y[i] = std::exp(x[i] - shift);
        sum += double(y[i]);
    }
    return sum;
}

inline void silu_mul(float* gate, const float* up, int64_t n) {
    const FloatBatch one(1.0f);
    int64_t i = 0;
    for (; i + kW <= n; i += kW) {
        const FloatBatch g = FloatBatch::load_unaligned(gate + i);
        (g / (one + xsimd::exp(-g)) * FloatBatch::load_unaligned(up + i)).store_unaligned(gate + i);
    }
    for (; i < n; ++i) gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

inline void fill(KernelSet& ks) {
    ks.exp_sum = exp_sum;
    ks.silu_mul = silu_mul;
}

}  // namespace simd_elementwise

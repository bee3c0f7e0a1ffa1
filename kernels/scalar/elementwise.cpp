// Scalar element-wise float kernels: the twins of kernels/simd_elementwise.inl,
// with the same arithmetic (elementwise_math.hpp), so the same bits.
#include "elementwise_math.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::ref {

double exp_sum(float* y, const float* x, float shift, int n) {
    double sum = 0.0;
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int k = 0; k < 16; ++k) y[i + k] = exp_same_bits(x[i + k] - shift);
        sum += double(sum16_halving(y + i));
    }
    for (; i < n; ++i) {
        y[i] = exp_same_bits(x[i] - shift);
        sum += double(y[i]);
    }
    return sum;
}

void silu_mul(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gate[i] = gate[i] / (1.0f + exp_same_bits(-gate[i])) * up[i];
}

}  // namespace lumen::kernels::ref

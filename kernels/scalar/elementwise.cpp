// Scalar element-wise float kernels: the twins of kernels/simd_elementwise.inl,
// with the same arithmetic (elementwise_math.hpp), so the same bits.
#include <algorithm>
#include <cmath>

#include "elementwise_math.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::ref {

double exp_sum(float* y, const float* x, float shift, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; i += 16) {
        float row[16] = {};  // a last partial row is padded with zeros
        for (int k = 0; k < 16 && i + k < n; ++k) row[k] = y[i + k] = exp_same_bits(x[i + k] - shift);
        sum += double(sum16_halving(row));
    }
    return sum;
}

void silu_mul(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gate[i] = gate[i] / (1.0f + exp_same_bits(-gate[i])) * up[i];
}

float scale_max(float* x, int n, float scale) {
    float max = -INFINITY;
    for (int i = 0; i < n; ++i) {
        x[i] *= scale;
        max = std::max(max, x[i]);
    }
    return max;
}

}  // namespace lumen::kernels::ref

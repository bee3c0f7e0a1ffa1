#include "ops/norm_rope.hpp"

#include <cmath>

namespace lumen::ops {

void rms_norm(const float* x, const float* weight, float* out, int n, float eps) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += double(x[i] * x[i]);
    const float mean = float(sum / n);
    const float scale = 1.0f / std::sqrt(mean + eps);
    for (int i = 0; i < n; ++i) out[i] = (x[i] * scale) * weight[i];
}

Rope::Rope(const ModelConfig& c, std::span<const float> freq_factors)
    : n_rot_(c.n_rot), style_(c.rope), theta_scale_(std::pow(c.rope_base, -2.0f / float(c.n_rot))),
      freq_factors_(freq_factors) {}

void Rope::apply(float* x, int pos) const {
    // The angle of pair i is built as a running product in float, as the
    // reference computes it, so positions rotate bit-compatibly.
    float theta = float(pos);
    const int half = n_rot_ / 2;
    for (int i = 0; i < half; ++i) {
        const float ff = freq_factors_.empty() ? 1.0f : freq_factors_[size_t(i)];
        const float angle = theta / ff;
        const float c = std::cos(angle), s = std::sin(angle);
        float* a = style_ == RopeStyle::adjacent ? x + 2 * i : x + i;
        float* b = style_ == RopeStyle::adjacent ? x + 2 * i + 1 : x + i + half;
        const float x0 = *a, x1 = *b;
        *a = x0 * c - x1 * s;
        *b = x0 * s + x1 * c;
        theta *= theta_scale_;
    }
}

void swiglu(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

}  // namespace lumen::ops

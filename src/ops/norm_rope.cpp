#include "ops/norm_rope.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include "fp16.hpp"

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
      mscale_(c.rope_attn_factor),
      freq_factors_(freq_factors) {}

void Rope::apply(float* x, int pos) const {
    // The angle of pair i is built as a running product in float, as the
    // reference computes it, so positions rotate bit-compatibly.
    float theta = float(pos);
    const int half = n_rot_ / 2;
    for (int i = 0; i < half; ++i) {
        const float ff = freq_factors_.empty() ? 1.0f : freq_factors_[size_t(i)];
        const float angle = theta / ff;
        const float c = std::cos(angle) * mscale_, s = std::sin(angle) * mscale_;
        float* a = style_ == RopeStyle::adjacent ? x + 2 * i : x + i;
        float* b = style_ == RopeStyle::adjacent ? x + 2 * i + 1 : x + i + half;
        const float x0 = *a, x1 = *b;
        // The reference's compiler fuses the first product of each line into an
        // FMA (GCC contracts by default; its build has FMA): one rounding less
        // than two products and a sum. Spelled out, so lumen's own
        // -ffp-contract=off build gives those bits on every ISA (docs/accuracy.md).
        *a = std::fma(x0, c, -(x1 * s));
        *b = std::fma(x0, s, x1 * c);
        theta *= theta_scale_;
    }
}

}  // namespace lumen::ops

namespace lumen::ops {

namespace {

// GELU of every F16 value, rounded to F16 (built once, read-only after). The
// reference's table has 1 + a*x*x contracted to fma(a*x, x, 1) by its
// compiler, as here: one entry (x = -1.999) differs from the unfused form.
const std::array<uint16_t, 65536>& gelu_table() {
    static const std::array<uint16_t, 65536> table = [] {
        std::array<uint16_t, 65536> t{};
        constexpr float sqrt_2_over_pi = 0.79788456080286535587989211986876f, coef_a = 0.044715f;
        for (uint32_t i = 0; i < t.size(); ++i) {
            const float x = kernels::fp16_to_fp32(uint16_t(i));
            t[i] = kernels::fp32_to_fp16(0.5f * x * (1.0f + std::tanh(sqrt_2_over_pi * x * std::fma(coef_a * x, x, 1.0f))));
        }
        return t;
    }();
    return table;
}

}  // namespace

void geglu(float* gate, const float* up, int64_t n) {
    const auto& table = gelu_table();
    for (int64_t i = 0; i < n; ++i) {
        const float x = gate[i];
        const float g = x <= -10.0f ? 0.0f : x >= 10.0f ? x : kernels::fp16_to_fp32(table[kernels::fp32_to_fp16(x)]);
        gate[i] = g * up[i];
    }
}

void soft_cap(float* x, int64_t n, float cap) {
    const float inv = 1.0f / cap;
    for (int64_t i = 0; i < n; ++i) x[i] = std::tanh(x[i] * inv) * cap;
}

}  // namespace lumen::ops

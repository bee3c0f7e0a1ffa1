// Element-wise pieces of the transformer: RMSNorm, RoPE, SwiGLU/GeGLU, soft-capping.
#pragma once

#include <cstdint>
#include <span>

#include "lumen/model.hpp"

namespace lumen::ops {

// out = (x / sqrt(mean(x^2) + eps)) * weight; the mean is accumulated in double
// as the reference does. `out` may alias `x`.
void rms_norm(const float* x, const float* weight, float* out, int n, float eps);

// Rotary position embedding of one head (length head_dim; the first n_rot
// elements rotate) by `pos` positions: angle_i = pos * base^(-2i/n_rot) / freq_factor_i.
// `pos` may be negative (used to re-rotate cached keys when shifting the context).
class Rope {
public:
    Rope(const ModelConfig& c, std::span<const float> freq_factors);
    void apply(float* head, int pos) const;

private:
    int n_rot_;
    RopeStyle style_;
    float theta_scale_;
    float mscale_;  // attention factor on cos and sin
    std::span<const float> freq_factors_;
};

// (SwiGLU, silu(gate) * up, is a kernel: KernelSet::silu_mul.)

// gate[i] = gelu(gate[i]) * up[i], GELU with the tanh approximation evaluated as
// the reference's CPU backend does: looked up by the F16 rounding of the input,
// result rounded to F16 (inputs beyond +-10 are 0 or themselves).
void geglu(float* gate, const float* up, int64_t n);

// x[i] = cap * tanh(x[i] * (1/cap)), in the reference's float steps.
void soft_cap(float* x, int64_t n, float cap);

}  // namespace lumen::ops

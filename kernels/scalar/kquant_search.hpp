// Scale searches for the K-quant quantizers (see kquant_search.cpp).
#pragma once

#include <cstdint>

namespace lumen::kernels {

// Asymmetric fit x ≈ scale*L - min with L in [0, nmax], minimizing the weighted
// error (absolute if use_mad, else squared) over nstep+1 trial scales starting at
// (nmax + rmin) and stepping by rdelta. Returns the scale; *the_min = the offset.
float fit_scale_min(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min,
                    uint8_t* Laux, float rmin, float rdelta, int nstep, bool use_mad);

// Symmetric fit for Q3_K: L in [0, 2*nmax) meaning L - nmax, refined by
// coordinate descent with weights x^2. Returns the scale.
float fit_scale_q3(int n, int nmax, const float* x, int8_t* L);

// Symmetric fit for Q6_K: 19 trial scales around nmax/max, weights qw (x^2
// when qw is nullptr); L in [0, 2*nmax) meaning L - nmax. Returns the scale.
float fit_scale_symmetric(int n, int nmax, const float* x, int8_t* L, const float* qw = nullptr);

// Fit of non-negative values (the group scales and minimums of the K-quants
// with importance weights) as scale * L, L in [0, nmax]: 9 trial scales, then
// coordinate descent, weights qw. Returns the scale.
float fit_scale_positive(int n, int nmax, const float* x, uint8_t* L, const float* qw);

}  // namespace lumen::kernels

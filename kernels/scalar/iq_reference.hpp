// Scalar reference kernels of the i-quants and TQ1_0: dequantization (bit-exact
// with the reference) and the dot product against Q8_K activations (exact
// integer sums, then the reference's float combination per block). Signatures
// match lumen/tensor_type.hpp; the SIMD kernels are tested against these.
#pragma once

#include <cstdint>

namespace lumen::kernels::ref {

#define LUMEN_DECLARE_IQ_KERNELS(t)                                   \
    void dequant_##t(const void* src, float* dst, int64_t n);         \
    float dot_##t(int64_t n, const void* w, const void* a);

LUMEN_DECLARE_IQ_KERNELS(iq2_xxs)
LUMEN_DECLARE_IQ_KERNELS(iq2_xs)
LUMEN_DECLARE_IQ_KERNELS(iq2_s)
LUMEN_DECLARE_IQ_KERNELS(iq3_xxs)
LUMEN_DECLARE_IQ_KERNELS(iq3_s)
LUMEN_DECLARE_IQ_KERNELS(iq1_s)
LUMEN_DECLARE_IQ_KERNELS(iq1_m)
LUMEN_DECLARE_IQ_KERNELS(iq4_xs)
LUMEN_DECLARE_IQ_KERNELS(tq1_0)
#undef LUMEN_DECLARE_IQ_KERNELS

}  // namespace lumen::kernels::ref

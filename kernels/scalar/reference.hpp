// Scalar reference kernels: the portable definition of every format and the
// oracle that each SIMD kernel is tested against. Signatures match the
// function-pointer types in lumen/tensor_type.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lumen::kernels::ref {

#define LUMEN_DECLARE_TYPE_KERNELS(t)                                 \
    void dequant_##t(const void* src, float* dst, int64_t n);         \
    void quant_##t(const float* src, void* dst, int64_t n);           \
    float dot_##t(int64_t n, const void* w, const void* a);

LUMEN_DECLARE_TYPE_KERNELS(f32)
LUMEN_DECLARE_TYPE_KERNELS(f16)
LUMEN_DECLARE_TYPE_KERNELS(bf16)
LUMEN_DECLARE_TYPE_KERNELS(q4_0)
LUMEN_DECLARE_TYPE_KERNELS(q4_1)
LUMEN_DECLARE_TYPE_KERNELS(q5_0)
LUMEN_DECLARE_TYPE_KERNELS(q5_1)
LUMEN_DECLARE_TYPE_KERNELS(q8_0)
LUMEN_DECLARE_TYPE_KERNELS(q8_1)
LUMEN_DECLARE_TYPE_KERNELS(iq4_nl)
LUMEN_DECLARE_TYPE_KERNELS(q2_k)
LUMEN_DECLARE_TYPE_KERNELS(q3_k)
LUMEN_DECLARE_TYPE_KERNELS(q4_k)
LUMEN_DECLARE_TYPE_KERNELS(q5_k)
LUMEN_DECLARE_TYPE_KERNELS(q6_k)
LUMEN_DECLARE_TYPE_KERNELS(q8_k)
LUMEN_DECLARE_TYPE_KERNELS(tq2_0)
#undef LUMEN_DECLARE_TYPE_KERNELS

// Attention helpers over the F16 KV cache (see dispatch.hpp).
void axpy_f16_f64(double* acc, float p, const uint16_t* v, int n);
void reduce_lanes64(float* lanes, int n, float* out);
// Attention over a Q8_0 KV cache (see dispatch.hpp, q8_cache_math.hpp).
void dots_q8_0(int n, const void* q, int n_q, const void* k, size_t k_stride, int count, float* out, size_t out_stride);
void weighted_sum_q8_0(float* out, const float* p, size_t p_stride, const float* scale, int n_q, const void* v,
                       size_t v_stride, int count, int n);
// F32 and F16 dots in the order of the reference's prompt GEMM (KernelSet::batch_dot);
// n must be a multiple of 16.
float dot_f32_lanes16(int64_t n, const void* w, const void* a);
float dot_f16_lanes16(int64_t n, const void* w, const void* a);
void dots_f16_ordered(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out);
void dots_f16_gemm(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out);
void weighted_lanes_f16(float* lanes, int n_lanes, const float* p, float scale, const uint16_t* v, size_t v_stride,
                        int n_pos, int n);

// Element-wise float kernels (see dispatch.hpp): std::exp, element by element.
double exp_sum(float* y, const float* x, float shift, int n);
void silu_mul(float* gate, const float* up, int64_t n);
float scale_max(float* x, int n, float scale);

// Activation quantizers used at run time (the quantize_* above reproduce the
// reference *file* quantizer; these follow the reference runtime, which scales
// by 127/amax and rounds half to even, as its SIMD code does).
void quant_act_q8_0(const float* src, void* dst, int64_t n);
void quant_act_q8_1(const float* src, void* dst, int64_t n);

}  // namespace lumen::kernels::ref

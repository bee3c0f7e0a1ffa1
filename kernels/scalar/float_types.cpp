// F32, F16 and BF16: element-wise formats (block size 1).
#include "fp16.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::ref {

void dequant_f32(const void* src, float* dst, int64_t n) { std::memcpy(dst, src, size_t(n) * sizeof(float)); }
void quant_f32(const float* src, void* dst, int64_t n) { std::memcpy(dst, src, size_t(n) * sizeof(float)); }
float dot_f32(int64_t n, const void* w, const void* a) {
    const float* x = static_cast<const float*>(w);
    const float* y = static_cast<const float*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n; ++i) sum += x[i] * y[i];
    return sum;
}

void dequant_f16(const void* src, float* dst, int64_t n) {
    const uint16_t* h = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(h[i]);
}
void quant_f16(const float* src, void* dst, int64_t n) {
    uint16_t* h = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) h[i] = fp32_to_fp16(src[i]);
}
float dot_f16(int64_t n, const void* w, const void* a) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const uint16_t* y = static_cast<const uint16_t*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n; ++i) sum += fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]);
    return sum;
}

void dequant_bf16(const void* src, float* dst, int64_t n) {
    const uint16_t* h = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(h[i]);
}
void quant_bf16(const float* src, void* dst, int64_t n) {
    uint16_t* h = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) h[i] = fp32_to_bf16(src[i]);
}
float dot_bf16(int64_t n, const void* w, const void* a) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const uint16_t* y = static_cast<const uint16_t*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n; ++i) sum += bf16_to_fp32(x[i]) * bf16_to_fp32(y[i]);
    return sum;
}

}  // namespace lumen::kernels::ref

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

void axpy_f16(float* acc, float p, const uint16_t* v, int n) {
    for (int i = 0; i < n; ++i) acc[i] += p * fp16_to_fp32(v[i]);
}

void axpy_f16_f64(double* acc, float p, const uint16_t* v, int n) {
    for (int i = 0; i < n; ++i) acc[i] += double(p * fp16_to_fp32(v[i]));
}

// The reference's order: products go to lane i % 64 of 64 float lanes (whole
// chunks of 64 only); the lanes are added as 16-lane vectors 0+2, 1+3, 0+1,
// then the 16 lanes by halves; the remainder is added in double.
float dot_f16_ordered(int n, const uint16_t* x, const uint16_t* y) {
    const int n_simd = n & ~63;
    float lanes[64] = {};
    for (int i = 0; i < n_simd; ++i) lanes[i & 63] += fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]);
    for (int l = 0; l < 16; ++l) lanes[l] += lanes[32 + l];
    for (int l = 0; l < 16; ++l) lanes[16 + l] += lanes[48 + l];
    for (int l = 0; l < 16; ++l) lanes[l] += lanes[16 + l];
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; ++l) lanes[l] = lanes[l + w] + lanes[l];
    double sum = double(lanes[0]);
    for (int i = n_simd; i < n; ++i) sum += double(fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]));
    return float(sum);
}

// Row-wise tree shared by every ISA: `add(dst, src, n)` does dst[d] = src[d] + dst[d].
template <class AddRows>
void lane_tree(float* lanes, int n, AddRows add) {
    auto row = [&](int l) { return lanes + size_t(l) * size_t(n); };
    for (int l = 0; l < 16; ++l) add(row(l), row(32 + l), n);
    for (int l = 0; l < 16; ++l) add(row(16 + l), row(48 + l), n);
    for (int l = 0; l < 16; ++l) add(row(l), row(16 + l), n);
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; ++l) add(row(l), row(l + w), n);
}

void reduce_lanes64(float* lanes, int n, float* out) {
    lane_tree(lanes, n, [](float* dst, const float* src, int m) {
        for (int d = 0; d < m; ++d) dst[d] = src[d] + dst[d];
    });
    for (int d = 0; d < n; ++d) out[d] = lanes[d];
}

void dots_f16_ordered(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    for (int j = 0; j < count; ++j) out[j] = dot_f16_ordered(n, q, k + size_t(j) * k_stride);
}

void weighted_sum_f16(float* acc, const float* p, int p_stride, float scale, const uint16_t* v, size_t v_stride,
                      int count, int n) {
    for (int i = 0; i < count; ++i)
        axpy_f16(acc, fp16_to_fp32(fp32_to_fp16(p[size_t(i) * size_t(p_stride)] * scale)), v + size_t(i) * v_stride, n);
}

}  // namespace lumen::kernels::ref

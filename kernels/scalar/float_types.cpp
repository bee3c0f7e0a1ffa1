// F32, F16 and BF16: element-wise formats (block size 1).
#include <cmath>

#include "elementwise_math.hpp"
#include "fp16.hpp"
#include "lane_tree.hpp"
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

namespace {

void axpy_f16(float* acc, float p, const uint16_t* v, int n) {
    for (int i = 0; i < n; ++i) acc[i] += p * fp16_to_fp32(v[i]);
}

void add_rows(float* dst, const float* src, int n) {
    for (int d = 0; d < n; ++d) dst[d] = src[d] + dst[d];
}

// The reference's order: products go to lane i % 64 of 64 float lanes (whole
// chunks of 64 only); the lanes are added as the reference's tree
// (lane_tree.hpp); the remainder is added in double.
float dot_f16_ordered(int n, const uint16_t* x, const uint16_t* y) {
    const int n_simd = n & ~63;
    float lanes[64] = {};
    for (int i = 0; i < n_simd; ++i) lanes[i & 63] += fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]);
    lane_tree(lanes, 1, add_rows);
    double sum = double(lanes[0]);
    for (int i = n_simd; i < n; ++i) sum += double(fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]));
    return float(sum);
}

// The reference's prompt GEMM order: lane l of 16 accumulates x[i] * y[i] for
// i % 16 == l with fused multiply-adds; the lanes are then halved 8, 4, 2, 1.
template <class Load>
float dot_lanes16(int64_t n, Load load) {
    float lanes[16] = {};
    for (int64_t i = 0; i < n; i += 16)
        for (int l = 0; l < 16; ++l) lanes[l] = std::fma(load(i + l, 0), load(i + l, 1), lanes[l]);
    return sum16_halving(lanes);
}

}  // namespace

float dot_f32_lanes16(int64_t n, const void* w, const void* a) {
    const float* rows[2] = {static_cast<const float*>(w), static_cast<const float*>(a)};
    return dot_lanes16(n, [&rows](int64_t i, int r) { return rows[r][i]; });
}

float dot_f16_lanes16(int64_t n, const void* w, const void* a) {
    const uint16_t* rows[2] = {static_cast<const uint16_t*>(w), static_cast<const uint16_t*>(a)};
    return dot_lanes16(n, [&rows](int64_t i, int r) { return fp16_to_fp32(rows[r][i]); });
}

void axpy_f16_f64(double* acc, float p, const uint16_t* v, int n) {
    for (int i = 0; i < n; ++i) acc[i] += double(p * fp16_to_fp32(v[i]));
}

void reduce_lanes64(float* lanes, int n, float* out) {
    lane_tree(lanes, n, add_rows);
    for (int d = 0; d < n; ++d) out[d] = lanes[d];
}

void dots_f16_ordered(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    for (int j = 0; j < count; ++j) out[j] = dot_f16_ordered(n, q, k + size_t(j) * k_stride);
}

void dots_f16_gemm(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    for (int j = 0; j < count; ++j) out[j] = dot_f16_lanes16(n, k + size_t(j) * k_stride, q);
}

void weighted_lanes_f16(float* lanes, int n_lanes, const float* p, float scale, const uint16_t* v, size_t v_stride,
                        int n_pos, int n) {
    for (int j = 0; j < n_pos; ++j)
        axpy_f16(lanes + size_t(j % n_lanes) * size_t(n), fp16_to_fp32(fp32_to_fp16(p[j] * scale)),
                 v + size_t(j) * v_stride, n);
}

}  // namespace lumen::kernels::ref

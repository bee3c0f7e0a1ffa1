// The file quantizers: what `lumen quantize` writes for each type, with the
// reference quantizer's arithmetic (identical bytes). Each takes `n` values (a
// whole number of blocks; normally one row) and optional importance weights
// `qw` (one per value of the row, from an imatrix; nullptr: none). Types whose
// quantizer ignores the weights use the traits table's quantize.
#pragma once

#include <cstdint>

#include "lumen/tensor_type.hpp"

namespace lumen::kernels {

using FileQuantizeFn = void (*)(const float* x, void* dst, int64_t n, const float* qw);

// The quantizer of `type`, or nullptr when lumen cannot write it.
FileQuantizeFn file_quantizer(TensorType type);

void quantize_q4_0_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q4_1_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q5_0_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q5_1_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q2_k_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q3_k_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q4_k_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q5_k_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_q6_k_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq4_nl_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq4_xs_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq2_xxs_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq2_xs_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq2_s_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq1_s_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq1_m_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq3_xxs_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_iq3_s_rows(const float* x, void* dst, int64_t n, const float* qw);
void quantize_tq1_0_rows(const float* x, void* dst, int64_t n, const float* qw);

}  // namespace lumen::kernels

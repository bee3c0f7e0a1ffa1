// Matrix x vector / matrix x matrix over quantized weights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dispatch.hpp"
#include "lumen/tensor_type.hpp"
#include "ops/thread_pool.hpp"

namespace lumen::ops {

// A weight matrix as stored: `rows` rows of `cols` elements of `type`
// (ggml ne = [cols, rows]), row-major, rows `row_bytes` apart.
struct WeightView {
    TensorType type = TensorType::F32;
    const void* data = nullptr;
    int64_t rows = 0, cols = 0;
    size_t row_bytes = 0;
    const char* name = "";  // tensor name in the file (for adapters and messages)
    const void* packed = nullptr;  // the same matrix in 8-row interleaved layout (packed.hpp), if made

    const std::byte* row(int64_t r) const { return static_cast<const std::byte*>(data) + size_t(r) * row_bytes; }
};

// y[t * ldy + r] = W[r] . x[t * cols ...] for r < rows, t < n_tokens.
// x is quantized once into the weight type's activation format (in `scratch`,
// grown as needed) and shared by all rows and threads. Each output is produced
// by exactly one dot product, so results do not depend on the thread count
// (the pool's threads share the rows).
// batch_rows[t] != 0: token t is one of a batch of 2+ tokens of one sequence,
// which the reference multiplies by float (F32/F16) weights with its prompt
// GEMM, whose sums run in another order (KernelSet::batch_dot; used where the
// GEMM applies: cols % 16 == 0, rows % 4 == 0). nullptr: n_tokens >= 2.
void matmul(const kernels::KernelSet& ks, const WeightView& w, const float* x, int64_t n_tokens, float* y,
            int64_t ldy, std::vector<std::byte>& scratch, ThreadPool& pool, const uint8_t* batch_rows = nullptr);

// Several matrices applied to one input (Q, K and V; FFN gate and up): y of
// each = its W x, the same numbers matmul() gives. Where every matrix is
// packed, of one width and one activation format, x is quantized once and
// all their rows are split across the threads in one parallel step (one
// wake-up and one join instead of one per matrix); otherwise one matmul each.
struct MatmulOutput {
    const WeightView* w;
    float* y;
    int64_t ldy;
};
void matmul_shared_input(const kernels::KernelSet& ks, std::span<const MatmulOutput> outs, const float* x,
                         int64_t n_tokens, std::vector<std::byte>& scratch, ThreadPool& pool,
                         const uint8_t* batch_rows = nullptr);

}  // namespace lumen::ops

#include "ops/matmul.hpp"

#include <algorithm>

#include "lumen/error.hpp"

namespace lumen::ops {

void matmul(const kernels::KernelSet& ks, const WeightView& w, const float* x, int64_t n_tokens, float* y,
            int64_t ldy, std::vector<std::byte>& scratch, int n_threads) {
    const TypeTraits& wt = type_traits(w.type);
    const VecDotFn dot = ks.dot(w.type);
    const QuantizeRowFn quantize = ks.activation_quantizer(wt.vec_dot_type);
    if (dot == nullptr || quantize == nullptr)
        throw Error(std::string("matrix multiplication with ") + wt.name + " weights is not supported");
    const size_t act_row = row_bytes(wt.vec_dot_type, w.cols);
    if (scratch.size() < act_row * size_t(n_tokens)) scratch.resize(act_row * size_t(n_tokens));
    std::byte* xq = scratch.data();
    const int64_t cols = w.cols;

#pragma omp parallel num_threads(n_threads) if (n_threads > 1)
    {
#pragma omp for schedule(static)
        for (int64_t t = 0; t < n_tokens; ++t) quantize(x + t * cols, xq + size_t(t) * act_row, cols);

        // Tiles of rows: a tile's weights stay in cache while every token passes,
        // four tokens at a time where the ISA has a 4-token kernel (one decode of
        // each weight block serves four tokens; results equal four single dots).
        constexpr int64_t kTile = 8;
        const int64_t n_tiles = (w.rows + kTile - 1) / kTile;
        const kernels::VecDot4Fn dot4 = ks.dot4(w.type);
        const int64_t n_quads = dot4 != nullptr ? n_tokens / 4 : 0;
#pragma omp for schedule(static)
        for (int64_t tile = 0; tile < n_tiles; ++tile) {
            const int64_t r0 = tile * kTile, r1 = std::min(w.rows, r0 + kTile);
            for (int64_t q = 0; q < n_quads; ++q) {
                const void* acts[4];
                for (int c = 0; c < 4; ++c) acts[c] = xq + size_t(4 * q + c) * act_row;
                float res[4];
                for (int64_t r = r0; r < r1; ++r) {
                    dot4(cols, w.row(r), acts, res);
                    for (int c = 0; c < 4; ++c) y[(4 * q + c) * ldy + r] = res[c];
                }
            }
            for (int64_t t = 4 * n_quads; t < n_tokens; ++t) {
                const std::byte* a = xq + size_t(t) * act_row;
                float* out = y + t * ldy;
                for (int64_t r = r0; r < r1; ++r) out[r] = dot(cols, w.row(r), a);
            }
        }
    }
}

}  // namespace lumen::ops

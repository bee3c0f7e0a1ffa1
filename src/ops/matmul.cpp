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

        // Tiles of rows: a tile's weights stay in cache while every token passes.
        constexpr int64_t kTile = 8;
        const int64_t n_tiles = (w.rows + kTile - 1) / kTile;
#pragma omp for schedule(static)
        for (int64_t tile = 0; tile < n_tiles; ++tile) {
            const int64_t r0 = tile * kTile, r1 = std::min(w.rows, r0 + kTile);
            for (int64_t t = 0; t < n_tokens; ++t) {
                const std::byte* a = xq + size_t(t) * act_row;
                float* out = y + t * ldy;
                for (int64_t r = r0; r < r1; ++r) out[r] = dot(cols, w.row(r), a);
            }
        }
    }
}

}  // namespace lumen::ops

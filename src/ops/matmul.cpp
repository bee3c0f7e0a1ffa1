#include "ops/matmul.hpp"

#include <algorithm>

#include "fp16.hpp"
#include "packed.hpp"
#include "ops/parallel.hpp"
#include "lumen/error.hpp"

namespace lumen::ops {

namespace {

// Packed weights: 8 rows per kernel call (16, two adjacent groups, where the
// kernel set has a 16-row kernel for the type), all tokens of the batch at
// once (the kernel takes them four at a time and writes into y), rows split
// across threads. Wide matrices come in column tiles (kernels/packed.hpp):
// each thread walks its groups tile after tile, the first tile's sums go
// straight into y and each later tile's are added to them, so y is
// ((tile 0 + tile 1) + tile 2) + ... whatever the thread count.
void matmul_packed(const kernels::KernelSet& ks, const WeightView& w, const std::byte* xq, size_t act_row,
                   const kernels::ActBlockInfo* info, int64_t n_tokens, float* y, int64_t ldy, int n_threads) {
    // Pairs of groups only for batches of 4 tokens or more: there the kernel is
    // bound by its dot instructions, and on a full-width AVX-512 core the
    // 16-row kernel does twice the work per instruction (llama1b Q4_0 pp512 on
    // one Zen 5 core: 107 -> 169 t/s). A single token streams the weights
    // from memory, and one group after another is one sequential stream the
    // hardware prefetchers follow; two groups side by side are two streams of
    // a group's length (9 KB per tile), which they keep losing (Q4_0
    // MatVecStream, Zen 5: 27.5 -> 17 GB/s). docs/kernels.md, "Session 17".
    const kernels::PackedGemmFn gemm = ks.packed(w.type);
    const kernels::PackedGemmFn gemm16 = n_tokens >= 4 ? ks.packed16(w.type) : nullptr;
    const TensorType act_type = type_traits(w.type).vec_dot_type;
    const int64_t nb = w.cols / 32, groups = w.rows / 8, n_tiles = kernels::packed_tile_count(w.cols);
    const int64_t per_call = gemm16 != nullptr ? 2 : 1;  // groups per kernel call (an odd last one alone)
    const int64_t calls = (groups + per_call - 1) / per_call;
    constexpr int64_t kChunk = 64;  // tokens per call (bounded stack arrays)
    parallel_region(calls > 1 ? n_threads : 1, [&] {
        for (int64_t t = 0; t < n_tiles; ++t) {
            const kernels::PackedTile tile = kernels::packed_tile(w.type, w.rows, w.cols, t);
            const size_t act_skip = row_bytes(act_type, tile.col0);
            // The same static split in every tile: a thread adds only into its own rows of y.
#pragma omp for schedule(static) nowait
            for (int64_t call = 0; call < calls; ++call) {
                const int64_t g = call * per_call;
                const bool pair = per_call == 2 && g + 1 < groups;
                const kernels::PackedGemmFn kernel = pair ? gemm16 : gemm;
                const int rows = pair ? 16 : 8;
                const void* group =
                    static_cast<const std::byte*>(w.packed) + tile.offset + size_t(g) * tile.group_bytes;
                const void* acts[kChunk];
                const kernels::ActBlockInfo* act_info[kChunk];
                float part[kChunk * 16];
                for (int64_t t0 = 0; t0 < n_tokens; t0 += kChunk) {
                    const int n = int(std::min(kChunk, n_tokens - t0));
                    for (int c = 0; c < n; ++c) {
                        acts[c] = xq + size_t(t0 + c) * act_row + act_skip;
                        act_info[c] = info != nullptr ? info + (t0 + c) * nb + tile.col0 / 32 : nullptr;
                    }
                    float* out = y + t0 * ldy + g * 8;
                    if (t == 0) {
                        kernel(tile.cols, group, acts, act_info, n, out, ldy);
                        continue;
                    }
                    kernel(tile.cols, group, acts, act_info, n, part, rows);
                    for (int c = 0; c < n; ++c)
                        for (int r = 0; r < rows; ++r) out[c * ldy + r] += part[rows * c + r];
                }
            }
        }
    });
}

}  // namespace

void matmul(const kernels::KernelSet& ks, const WeightView& w, const float* x, int64_t n_tokens, float* y,
            int64_t ldy, std::vector<std::byte>& scratch, int n_threads, const uint8_t* batch_rows) {
    const TypeTraits& wt = type_traits(w.type);
    const VecDotFn dot = ks.dot(w.type);
    // The kernel of the reference's prompt-GEMM order, where it applies.
    const VecDotFn batch = w.cols % 16 == 0 && w.rows % 4 == 0 ? ks.batch(w.type) : nullptr;
    const auto dot_of = [&](int64_t t) {
        const bool in_batch = batch_rows != nullptr ? batch_rows[t] != 0 : n_tokens >= 2;
        return batch != nullptr && in_batch ? batch : dot;
    };
    const QuantizeRowFn quantize = ks.activation_quantizer(wt.vec_dot_type);
    if (dot == nullptr || quantize == nullptr)
        throw Error(std::string("matrix multiplication with ") + wt.name + " weights is not supported");
    const size_t act_row = row_bytes(wt.vec_dot_type, w.cols);
    const bool packed = w.packed != nullptr && ks.packed(w.type) != nullptr;
    // Q8_0 activations of packed matrices come with each block's scale and sum
    // (Q8_K blocks carry their own).
    const bool block_info = packed && wt.vec_dot_type == TensorType::Q8_0;
    const size_t info_bytes = block_info ? size_t(n_tokens) * size_t(w.cols / 32) * sizeof(kernels::ActBlockInfo) : 0;
    const size_t acts_bytes = (act_row * size_t(n_tokens) + 15) & ~size_t(15);
    if (scratch.size() < acts_bytes + info_bytes) scratch.resize(acts_bytes + info_bytes);
    std::byte* xq = scratch.data();
    const int64_t cols = w.cols;
    if (packed) {
        auto* info = block_info ? reinterpret_cast<kernels::ActBlockInfo*>(xq + acts_bytes) : nullptr;
        const int64_t nb = cols / 32;
        parallel_for(n_threads, n_tokens, [&](int64_t t) {
            quantize(x + t * cols, xq + size_t(t) * act_row, cols);
            if (info != nullptr)
                kernels::describe_q8_0_blocks(reinterpret_cast<const kernels::BlockQ8_0*>(xq + size_t(t) * act_row), nb,
                                              info + t * nb);
        });
        matmul_packed(ks, w, xq, act_row, info, n_tokens, y, ldy, n_threads);
        return;
    }

    parallel_region(n_threads, [&] {
#pragma omp for schedule(static)
        for (int64_t t = 0; t < n_tokens; ++t) quantize(x + t * cols, xq + size_t(t) * act_row, cols);

        // Tiles of rows: a tile's weights stay in cache while every token passes,
        // four tokens at a time where the ISA has a 4-token kernel (one decode of
        // each weight block serves four tokens; results equal four single dots).
        constexpr int64_t kTile = 8;
        const int64_t n_tiles = (w.rows + kTile - 1) / kTile;
        const kernels::VecDot4Fn dot4 = batch != nullptr ? nullptr : ks.dot4(w.type);  // (no float type has one)
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
                const VecDotFn d = dot_of(t);
                for (int64_t r = r0; r < r1; ++r) out[r] = d(cols, w.row(r), a);
            }
        }
    });
}

}  // namespace lumen::ops

#include "ops/matmul.hpp"

#include <algorithm>
#include <span>

#include "fp16.hpp"
#include "packed.hpp"
#include "ops/parallel.hpp"
#include "lumen/error.hpp"

namespace lumen::ops {

namespace {

// Packed weights: 8 rows per kernel call (16, two adjacent groups, where the
// kernel set has a 16-row kernel for the type), all tokens of the batch at
// once (the kernel takes them four at a time and writes into y), rows split
// across threads. Several matrices of one input (Q, K and V) are one list of
// calls, split in one parallel step. Wide matrices come in column tiles
// (kernels/packed.hpp): each thread walks its calls tile after tile, the
// first tile's sums go straight into y and each later tile's are added to
// them, so y is ((tile 0 + tile 1) + tile 2) + ... whatever the thread count.
struct PackedJob {
    const WeightView* w;
    float* y;
    int64_t ldy;
    kernels::PackedGemmFn gemm, gemm16;  // gemm16: nullptr where pairs of groups are not used
    int64_t groups, per_call, calls;     // per_call: groups per kernel call (an odd last one alone)
};

PackedJob packed_job(const kernels::KernelSet& ks, const WeightView& w, float* y, int64_t ldy, int64_t n_tokens) {
    // Pairs of groups only for batches of 4 tokens or more: there the kernel is
    // bound by its dot instructions, and on a full-width AVX-512 core the
    // 16-row kernel does twice the work per instruction (llama1b Q4_0 pp512 on
    // one Zen 5 core: 107 -> 169 t/s). A single token streams the weights
    // from memory, and one group after another is one sequential stream the
    // hardware prefetchers follow; two groups side by side are two streams of
    // a group's length (9 KB per tile), which they keep losing (Q4_0
    // MatVecStream, Zen 5: 27.5 -> 17 GB/s). docs/kernels.md, "Session 17".
    PackedJob j{&w, y, ldy, ks.packed(w.type), n_tokens >= 4 ? ks.packed16(w.type) : nullptr, w.rows / 8, 1, 0};
    j.per_call = j.gemm16 != nullptr ? 2 : 1;
    j.calls = (j.groups + j.per_call - 1) / j.per_call;
    return j;
}

// One kernel call of a job over one tile: rows [8g, 8g + 8 or 16) of every token.
void run_packed_call(const PackedJob& j, const kernels::PackedTile& tile, int64_t call, int64_t n_tokens,
                     const std::byte* xq, size_t act_row, size_t act_skip, const kernels::ActBlockInfo* info,
                     bool first_tile) {
    constexpr int64_t kChunk = 64;  // tokens per call (bounded stack arrays)
    const int64_t nb = j.w->cols / 32;
    const int64_t g = call * j.per_call;
    const bool pair = j.per_call == 2 && g + 1 < j.groups;
    const kernels::PackedGemmFn kernel = pair ? j.gemm16 : j.gemm;
    const int rows = pair ? 16 : 8;
    const void* group = static_cast<const std::byte*>(j.w->packed) + tile.offset + size_t(g) * tile.group_bytes;
    const void* acts[kChunk];
    const kernels::ActBlockInfo* act_info[kChunk];
    float part[kChunk * 16];
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kChunk) {
        const int n = int(std::min(kChunk, n_tokens - t0));
        for (int c = 0; c < n; ++c) {
            acts[c] = xq + size_t(t0 + c) * act_row + act_skip;
            act_info[c] = info != nullptr ? info + (t0 + c) * nb + tile.col0 / 32 : nullptr;
        }
        float* out = j.y + t0 * j.ldy + g * 8;
        if (first_tile) {
            kernel(tile.cols, group, acts, act_info, n, out, j.ldy);
            continue;
        }
        kernel(tile.cols, group, acts, act_info, n, part, rows);
        for (int c = 0; c < n; ++c)
            for (int r = 0; r < rows; ++r) out[c * j.ldy + r] += part[rows * c + r];
    }
}

// Every job's calls, jobs of one width and activation type, in one parallel step.
void matmul_packed(std::span<const PackedJob> jobs, const std::byte* xq, size_t act_row,
                   const kernels::ActBlockInfo* info, int64_t n_tokens, ThreadPool& pool) {
    const int64_t cols = jobs[0].w->cols, n_tiles = kernels::packed_tile_count(cols);
    const TensorType act_type = type_traits(jobs[0].w->type).vec_dot_type;
    int64_t total = 0;
    for (const PackedJob& j : jobs) total += j.calls;
    pool.run(int(std::min<int64_t>(pool.size(), total)), [&](int thread, int n_threads) {
        // The same split in every tile: a thread adds only into its own rows of y.
        const ItemRange mine = static_share(total, thread, n_threads);
        for (int64_t t = 0; t < n_tiles; ++t) {
            int64_t base = 0;  // the first call of job j in the list of all
            for (const PackedJob& j : jobs) {
                const int64_t lo = std::max(mine.begin, base) - base, hi = std::min(mine.end, base + j.calls) - base;
                base += j.calls;
                if (lo >= hi) continue;
                const kernels::PackedTile tile = kernels::packed_tile(j.w->type, j.w->rows, cols, t);
                const size_t act_skip = row_bytes(act_type, tile.col0);
                for (int64_t call = lo; call < hi; ++call)
                    run_packed_call(j, tile, call, n_tokens, xq, act_row, act_skip, info, t == 0);
            }
        }
    });
}

// x quantized into the activation format `quantize` writes, each token's row
// act_row bytes apart, in scratch; Q8_0 rows for packed kernels also get each
// block's scale and sum (Q8_K blocks carry their own). Returns the block info
// (nullptr where not made).
const kernels::ActBlockInfo* quantize_activations(QuantizeRowFn quantize, const float* x, int64_t n_tokens,
                                                  int64_t cols, size_t act_row, bool block_info,
                                                  std::vector<std::byte>& scratch, ThreadPool& pool) {
    const int64_t nb = cols / 32;
    const size_t info_bytes = block_info ? size_t(n_tokens) * size_t(nb) * sizeof(kernels::ActBlockInfo) : 0;
    const size_t acts_bytes = (act_row * size_t(n_tokens) + 15) & ~size_t(15);
    if (scratch.size() < acts_bytes + info_bytes) scratch.resize(acts_bytes + info_bytes);
    std::byte* xq = scratch.data();
    auto* info = block_info ? reinterpret_cast<kernels::ActBlockInfo*>(xq + acts_bytes) : nullptr;
    parallel_for(pool, n_tokens, [&](int64_t t) {
        quantize(x + t * cols, xq + size_t(t) * act_row, cols);
        if (info != nullptr)
            kernels::describe_q8_0_blocks(reinterpret_cast<const kernels::BlockQ8_0*>(xq + size_t(t) * act_row), nb,
                                          info + t * nb);
    });
    return info;
}

bool runs_packed(const kernels::KernelSet& ks, const WeightView& w) {
    return w.packed != nullptr && ks.packed(w.type) != nullptr;
}

// x quantized once into the jobs' activation format (act_type), then every
// job's rows in one parallel step.
void multiply_packed(std::span<const PackedJob> jobs, QuantizeRowFn quantize, TensorType act_type, const float* x,
                     int64_t n_tokens, std::vector<std::byte>& scratch, ThreadPool& pool) {
    const int64_t cols = jobs[0].w->cols;
    const size_t act_row = row_bytes(act_type, cols);
    const auto* info =
        quantize_activations(quantize, x, n_tokens, cols, act_row, act_type == TensorType::Q8_0, scratch, pool);
    matmul_packed(jobs, scratch.data(), act_row, info, n_tokens, pool);
}

}  // namespace

void matmul(const kernels::KernelSet& ks, const WeightView& w, const float* x, int64_t n_tokens, float* y,
            int64_t ldy, std::vector<std::byte>& scratch, ThreadPool& pool, const uint8_t* batch_rows) {
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
    if (runs_packed(ks, w)) {
        const PackedJob job = packed_job(ks, w, y, ldy, n_tokens);
        multiply_packed({&job, 1}, quantize, wt.vec_dot_type, x, n_tokens, scratch, pool);
        return;
    }

    const size_t act_row = row_bytes(wt.vec_dot_type, w.cols);
    const int64_t cols = w.cols;
    quantize_activations(quantize, x, n_tokens, cols, act_row, false, scratch, pool);
    const std::byte* xq = scratch.data();

    // Tiles of rows: a tile's weights stay in cache while every token passes,
    // four tokens at a time where the ISA has a 4-token kernel (one decode of
    // each weight block serves four tokens; results equal four single dots).
    constexpr int64_t kTile = 8;
    const int64_t n_tiles = (w.rows + kTile - 1) / kTile;
    const kernels::VecDot4Fn dot4 = batch != nullptr ? nullptr : ks.dot4(w.type);  // (no float type has one)
    const int64_t n_quads = dot4 != nullptr ? n_tokens / 4 : 0;
    parallel_for(pool, n_tiles, [&](int64_t tile) {
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
    });
}

void matmul_shared_input(const kernels::KernelSet& ks, std::span<const MatmulOutput> outs, const float* x,
                         int64_t n_tokens, std::vector<std::byte>& scratch, ThreadPool& pool,
                         const uint8_t* batch_rows) {
    // One step where every matrix is packed, one width, one activation format.
    const WeightView& w0 = *outs[0].w;
    const TensorType act_type = type_traits(w0.type).vec_dot_type;
    constexpr size_t kMaxJobs = 4;
    bool together = outs.size() > 1 && outs.size() <= kMaxJobs;
    for (const MatmulOutput& o : outs)
        together = together && runs_packed(ks, *o.w) && o.w->cols == w0.cols &&
                   type_traits(o.w->type).vec_dot_type == act_type;
    const QuantizeRowFn quantize = ks.activation_quantizer(act_type);
    if (!together || quantize == nullptr) {
        for (const MatmulOutput& o : outs) matmul(ks, *o.w, x, n_tokens, o.y, o.ldy, scratch, pool, batch_rows);
        return;
    }
    PackedJob jobs[kMaxJobs];
    for (size_t i = 0; i < outs.size(); ++i) jobs[i] = packed_job(ks, *outs[i].w, outs[i].y, outs[i].ldy, n_tokens);
    multiply_packed({jobs, outs.size()}, quantize, act_type, x, n_tokens, scratch, pool);
}

}  // namespace lumen::ops

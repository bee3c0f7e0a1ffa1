// Scaled dot-product attention of one query head over the cached keys/values
// of its KV head (grouped-query attention shares a KV head between several
// query heads; nothing is copied per query head).
#pragma once

#include <cstddef>
#include <vector>

#include "dispatch.hpp"
#include "model/kv_cache.hpp"

namespace lumen::ops {

// Per-thread buffers, sized once per session.
struct AttentionScratch {
    std::vector<float> scores;       // [n_ctx]
    std::vector<std::byte> q_cache;  // q converted to the K cache's dot format
    std::vector<float> v_row;        // [head_dim]
    std::vector<float> v_lanes;      // [64 x head_dim] partial sums (reference order)
    std::vector<double> v_rest;      // [head_dim]
    std::vector<float> v_sum;        // [head_dim] the lanes' tree sum
};

// What a query sees: positions [first, n_pos) and how their scores are scaled.
struct AttendSpan {
    int n_pos;          // positions 0 .. n_pos-1 are cached (the query is at n_pos-1)
    int first = 0;      // positions below are masked out (sliding window)
    float scale;        // applied to q.k (after soft-capping)
    float softcap = 0;  // > 0: scores = softcap * tanh(q.k / softcap) first
    // The query is one of a batch of 2+ tokens: the reference then forms q.k and
    // p.v with its prompt GEMM (16 lanes, KernelSet::batch_dot), not its vec_dot.
    bool batch = false;
};

// out[head_dim] = sum_j softmax(score_j)_j * v_j over positions first <= j < n_pos.
// Follows the reference arithmetic for an F16 cache: q and the probabilities are
// rounded to F16 before their products with K and V, and masked positions still
// take part in the sums with weight zero; the sums run in the order of the
// reference's vec_dot, or of its prompt GEMM for a batch (span.batch).
void attend(const kernels::KernelSet& ks, const KvCache& cache, int layer, int kv_head, const float* q,
            const AttendSpan& span, int head_dim, AttentionScratch& scratch, float* out);

}  // namespace lumen::ops

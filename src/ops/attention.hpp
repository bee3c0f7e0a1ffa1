// Scaled dot-product attention of query heads over the cached keys/values of
// their KV head (grouped-query attention shares a KV head between several query
// heads: they are attended together, and nothing is copied per query head).
#pragma once

#include <cstddef>
#include <vector>

#include "dispatch.hpp"
#include "model/kv_cache.hpp"

namespace lumen::ops {

// Per-thread buffers, sized once per session for up to `group` query heads.
struct AttentionScratch {
    std::vector<float> scores;       // [group x n_ctx]
    std::vector<std::byte> q_cache;  // [group] q rows converted to the K cache's dot format
    std::vector<float> inv;          // [group] 1 / the softmax sums
    std::vector<float> v_row;        // [head_dim]
    std::vector<float> v_lanes;      // [group x 64 x head_dim] partial sums (reference order)
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

// For the n_q query heads q + g * head_dim that share KV head `kv_head` (n_q at
// most the scratch's group): out[g * head_dim ..] = sum_j softmax(score_j)_j * v_j
// over positions first <= j < n_pos. Each key and V row is read once for the group.
// Follows the reference arithmetic for an F16 cache: q and the probabilities are
// rounded to F16 before their products with K and V, and masked positions still
// take part in the sums with weight zero; the sums run in the order of the
// reference's vec_dot, or of its prompt GEMM for a batch (span.batch).
void attend(const kernels::KernelSet& ks, const KvCache& cache, int layer, int kv_head, const float* q, int n_q,
            const AttendSpan& span, int head_dim, AttentionScratch& scratch, float* out);

}  // namespace lumen::ops

// The loop the scalar twins of packed Q6_K and Q2_K share (Q4_K and Q5_K keep
// mins lanes beside it: packed.cpp, gemm_k4_x8). They follow a per-row x86
// kernel's 8 float lane accumulators: per activation (Q8_K), per row of the
// 8-row group and per super-block, `add_block(block, y_block, r, acc)` adds the
// block's share into row r's acc[8]; the reference's halving tree sums them.
#pragma once

#include <cstdint>

#include "blocks.hpp"
#include "elementwise_math.hpp"

namespace lumen::kernels::ref {

template <class Packed, class AddBlock>
void gemm_lanes_x8(int64_t cols, const void* packed_group, const void* const* acts, int n_act, float* out, int64_t ldo,
                   AddBlock add_block) {
    const auto* w = static_cast<const Packed*>(packed_group);
    const int64_t nb = cols / QK_K;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_K*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc[8] = {};
            for (int64_t b = 0; b < nb; ++b) add_block(w[b], y[b], r, acc);
            out[c * ldo + r] = sum8_halving(acc);
        }
    }
}

}  // namespace lumen::kernels::ref

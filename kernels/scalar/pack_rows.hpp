// The walk every packer shares: packed block (group g of 8 rows, block b of
// the row) gets row r's block b, for r = 0..7; `put(packed, block, r)` moves
// that row's fields into their places in the packed block.
#pragma once

#include <cstdint>

namespace lumen::kernels {

template <class Block, class Packed, int64_t kBlockWeights, class Put>
void pack_rows_x8(const void* src, void* dst, int64_t rows, int64_t cols, Put put) {
    const auto* in = static_cast<const Block*>(src);
    auto* out = static_cast<Packed*>(dst);
    const int64_t nb = cols / kBlockWeights;
    for (int64_t g = 0; g < rows / 8; ++g)
        for (int64_t b = 0; b < nb; ++b)
            for (int r = 0; r < 8; ++r) put(out[g * nb + b], in[(g * 8 + r) * nb + b], r);
}

}  // namespace lumen::kernels

// Column tiles of packed matrices (packed.hpp: kPackedTileCols): where each
// tile lies, and packing a matrix tile by tile with the type's 8-row packer.
#include <algorithm>
#include <cstring>
#include <vector>

#include "packed.hpp"

namespace lumen::kernels {

PackedTile packed_tile(TensorType type, int64_t rows, int64_t cols, int64_t t) {
    PackedTile tile;
    tile.col0 = t * kPackedTileCols;
    tile.cols = std::min(kPackedTileCols, cols - tile.col0);
    // Every tile before this one is full width.
    tile.offset = size_t(t) * packed_group_bytes(type, kPackedTileCols) * size_t(rows / 8);
    tile.group_bytes = packed_group_bytes(type, tile.cols);
    return tile;
}

size_t packed_matrix_bytes(TensorType type, int64_t rows, int64_t cols) {
    const PackedTile last = packed_tile(type, rows, cols, packed_tile_count(cols) - 1);
    return last.offset + last.group_bytes * size_t(rows / 8);
}

void pack_matrix(TensorType type, const void* src, void* dst, int64_t rows, int64_t cols) {
    const PackFn pack = packer(type);
    const int64_t n_tiles = packed_tile_count(cols);
    if (n_tiles == 1) return pack(src, dst, rows, cols);
    const size_t src_row = row_bytes(type, cols);
    std::vector<std::byte> slice;  // one group's 8 rows of one tile, contiguous as the packer reads them
    for (int64_t t = 0; t < n_tiles; ++t) {
        const PackedTile tile = packed_tile(type, rows, cols, t);
        const size_t tile_row = row_bytes(type, tile.cols), skip = row_bytes(type, tile.col0);
        slice.resize(8 * tile_row);
        for (int64_t g = 0; g < rows / 8; ++g) {
            for (int r = 0; r < 8; ++r)
                std::memcpy(slice.data() + size_t(r) * tile_row,
                            static_cast<const std::byte*>(src) + size_t(8 * g + r) * src_row + skip, tile_row);
            pack(slice.data(), static_cast<std::byte*>(dst) + tile.offset + size_t(g) * tile.group_bytes, 8, tile.cols);
        }
    }
}

}  // namespace lumen::kernels

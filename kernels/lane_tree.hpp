// The reference's reduction tree over 64 lanes, in one place: rows 0+32 and
// 16+48, then 0+16, then halving 8, 4, 2, 1 (lanes[l] = lanes[l + w] + lanes[l]).
// A "row" is n floats at lanes + l * n; `add(dst, src, n)` must compute
// dst[d] = src[d] + dst[d] (any vector width: element-wise, same bits).
#pragma once

#include <cstddef>

namespace lumen::kernels {

template <class AddRows>
inline void lane_tree(float* lanes, int n, AddRows add) {
    auto row = [&](int l) { return lanes + size_t(l) * size_t(n); };
    for (int l = 0; l < 16; ++l) add(row(l), row(32 + l), n);
    for (int l = 0; l < 16; ++l) add(row(16 + l), row(48 + l), n);
    for (int l = 0; l < 16; ++l) add(row(l), row(16 + l), n);
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; ++l) add(row(l), row(l + w), n);
}

}  // namespace lumen::kernels

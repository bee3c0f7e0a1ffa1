// Search structures the i-quant quantizers build from a grid (iq_grids.hpp):
// grid points in the quantizer's odd coordinates (digit l -> 2l + 1), the map
// from a key (one digit per coordinate) to its grid index, and for every key
// that is not on the grid the list of nearest grid points (all points at the
// n smallest squared distances, ordered by distance then index). This is the
// reference quantizer's neighbour rule, so that searches pick the same points.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lumen::kernels {

class IqGridSearch {
public:
    // keys: the grid; dims 8 or 4; digit_bits 2 or 3; max_digit: the largest digit a
    // quantizer asks for (keys with larger digits get no list); n_distances: how
    // many distinct nearest distances a neighbour list spans.
    IqGridSearch(std::span<const uint16_t> keys, int dims, int digit_bits, int max_digit, int n_distances);

    int dims() const { return dims_; }
    int size() const { return int(keys_.size()); }
    // Coordinates (2l + 1) of grid point i.
    const int8_t* point(int i) const { return points_.data() + size_t(i) * size_t(dims_); }
    // Grid index of a key, or -1 when the key is not a grid point.
    int index_of(uint32_t key) const { return map_[key] >= 0 ? map_[key] : -1; }
    // The nearest grid points of an off-grid key.
    std::span<const uint16_t> neighbours(uint32_t key) const;

private:
    std::span<const uint16_t> keys_;
    int dims_;
    std::vector<int8_t> points_;
    std::vector<int32_t> map_;          // >= 0: grid index; < 0: -(start + 1) into lists_
    std::vector<uint16_t> lists_;       // per off-grid key: count, then indices
};

// The shared, immutable search structures (built on first use, thread-safe).
const IqGridSearch& iq3xxs_search();
const IqGridSearch& iq3s_search();
const IqGridSearch& iq2xxs_search();
const IqGridSearch& iq2xs_search();
const IqGridSearch& iq2s_search();
const IqGridSearch& iq1s_search();

// Index of the neighbour of an off-grid key with the least weighted squared
// distance to xval at `scale` (first on ties); writes its digits to L.
int best_neighbour(const IqGridSearch& g, uint32_t key, const float* xval, const float* weight, float scale,
                   int8_t* L);

}  // namespace lumen::kernels

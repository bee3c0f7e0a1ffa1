// Neighbour lists of the i-quant grids (see iq_search.hpp).
#include "scalar/iq_search.hpp"

#include <algorithm>
#include <cfloat>
#include <utility>

#include "scalar/iq_grids.hpp"

namespace lumen::kernels {

IqGridSearch::IqGridSearch(std::span<const uint16_t> keys, int dims, int digit_bits, int max_digit, int n_distances)
    : keys_(keys), dims_(dims) {
    const uint32_t mask = (1u << digit_bits) - 1;
    auto digit = [&](uint32_t key, int k) { return int((key >> (digit_bits * k)) & mask); };
    points_.resize(keys.size() * size_t(dims));
    for (size_t i = 0; i < keys.size(); ++i)
        for (int k = 0; k < dims; ++k) points_[i * size_t(dims) + size_t(k)] = int8_t(2 * digit(keys[i], k) + 1);
    uint32_t n_keys = 0;  // one past the largest key made of digits <= max_digit
    for (int k = 0; k < dims; ++k) n_keys |= uint32_t(max_digit) << (digit_bits * k);
    ++n_keys;
    map_.assign(n_keys, -1);
    for (size_t i = 0; i < keys.size(); ++i) map_[keys[i]] = int32_t(i);

    std::vector<std::pair<int, int>> dist(keys.size());  // (squared distance, index)
    for (uint32_t key = 0; key < n_keys; ++key) {
        if (map_[key] >= 0) continue;
        bool reachable = true;
        for (int k = 0; k < dims; ++k) reachable &= digit(key, k) <= max_digit;
        if (!reachable) continue;
        for (size_t j = 0; j < keys.size(); ++j) {
            const int8_t* p = point(int(j));
            int d2 = 0;
            for (int k = 0; k < dims; ++k) {
                const int diff = p[k] - (2 * digit(key, k) + 1);
                d2 += diff * diff;
            }
            dist[j] = {d2, int(j)};
        }
        std::sort(dist.begin(), dist.end());
        // Every point whose distance is among the n_distances smallest distinct ones.
        size_t n = 0;
        int have = 1;
        for (; n < dist.size(); ++n) {
            if (n > 0 && dist[n].first > dist[n - 1].first) {
                if (have == n_distances) break;
                ++have;
            }
        }
        map_[key] = -int32_t(lists_.size()) - 1;
        lists_.push_back(uint16_t(n));
        for (size_t j = 0; j < n; ++j) lists_.push_back(uint16_t(dist[j].second));
    }
}

std::span<const uint16_t> IqGridSearch::neighbours(uint32_t key) const {
    const size_t start = size_t(-map_[key] - 1);
    return {lists_.data() + start + 1, lists_[start]};
}

int best_neighbour(const IqGridSearch& g, uint32_t key, const float* xval, const float* weight, float scale,
                   int8_t* L) {
    float best_d2 = FLT_MAX;
    int best = -1;
    for (const uint16_t j : g.neighbours(key)) {
        const int8_t* p = g.point(j);
        float d2 = 0;
        for (int i = 0; i < g.dims(); ++i) {
            const float diff = scale * float(p[i]) - xval[i];
            d2 += weight[i] * diff * diff;
        }
        if (d2 < best_d2) {
            best_d2 = d2;
            best = j;
        }
    }
    const int8_t* p = g.point(best);
    for (int i = 0; i < g.dims(); ++i) L[i] = int8_t((p[i] - 1) / 2);
    return best;
}

const IqGridSearch& iq3xxs_search() {
    static const IqGridSearch s(kIQ3XXSKeys, 4, 3, 7, 2);
    return s;
}
const IqGridSearch& iq3s_search() {
    static const IqGridSearch s(kIQ3SKeys, 4, 3, 7, 3);
    return s;
}
const IqGridSearch& iq2xxs_search() {
    static const IqGridSearch s(kIQ2XXSKeys, 8, 2, 2, 2);
    return s;
}
const IqGridSearch& iq2xs_search() {
    static const IqGridSearch s(kIQ2XSKeys, 8, 2, 2, 2);
    return s;
}
const IqGridSearch& iq2s_search() {
    static const IqGridSearch s(kIQ2SKeys, 8, 2, 2, 1);
    return s;
}
const IqGridSearch& iq1s_search() {
    static const IqGridSearch s(kIQ1SKeys, 8, 2, 2, 3);
    return s;
}

}  // namespace lumen::kernels

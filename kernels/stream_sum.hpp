// The bandwidth probe's inner loop, shared by every architecture's
// stream_sum (isa_rows.hpp): four independent accumulators over n words.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lumen::kernels {

inline uint64_t stream_sum_body(const uint64_t* p, size_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i + 32 <= n; i += 32) {
        for (int k = 0; k < 8; ++k) {
            a += p[i + k];
            b += p[i + 8 + k];
            c += p[i + 16 + k];
            d += p[i + 24 + k];
        }
    }
    return a + b + c + d;
}

}  // namespace lumen::kernels

// Random, well-formed blocks of the 256-element i-quant and TQ1_0 types, for
// tests and benchmarks that need weights of a type lumen cannot quantize to:
// every bit pattern is a valid block of these formats once its F16 scale is a
// sane value, so the bytes are random and each scale is set to a small positive
// F16 (about 2^-9 .. 2^-8).
#pragma once

#include <cstddef>
#include <cstring>
#include <random>
#include <vector>

#include "lumen/tensor_type.hpp"

namespace lumen::kernels {

inline std::vector<std::byte> random_iq_blocks(TensorType t, int64_t n, std::mt19937& rng) {
    const TypeTraits& tt = type_traits(t);
    std::vector<std::byte> b(row_bytes(t, n));
    for (auto& x : b) x = std::byte(rng() & 0xFF);
    for (size_t off = 0; off < b.size(); off += size_t(tt.block_bytes)) {
        const uint16_t d = uint16_t(0x1800 | (rng() & 0x3FF));
        std::byte* blk = b.data() + off;
        if (t == TensorType::IQ1_M) {  // the scale is the top nibbles of the 4 scale words (bytes 48..55)
            for (int k = 0; k < 4; ++k) {
                const uint8_t hi = uint8_t((uint8_t(blk[48 + 2 * k + 1]) & 0x0F) | (((d >> (4 * k)) & 0xF) << 4));
                blk[48 + 2 * k + 1] = std::byte(hi);
            }
        } else if (t == TensorType::TQ1_0) {
            std::memcpy(blk + 52, &d, 2);  // after qs[48] and qh[4]
        } else {
            std::memcpy(blk, &d, 2);  // every other type starts with its scale
        }
    }
    return b;
}

}  // namespace lumen::kernels

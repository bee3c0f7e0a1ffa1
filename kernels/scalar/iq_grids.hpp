// The grid (lattice) tables and the sign table of the i-quant formats: published
// constants of the GGUF formats IQ1_S/IQ1_M, IQ2_XXS/IQ2_XS/IQ2_S and
// IQ3_XXS/IQ3_S, kept in this one place for the kernels and the quantizers.
//
// A grid is a list of points with 8 (IQ1, IQ2) or 4 (IQ3) coordinates. Each point
// is stored by its key: the level index of coordinate j is digit j of the key
// (2-bit digits for IQ1/IQ2, 3-bit digits for IQ3, digit 0 in the lowest bits),
// and the coordinate's value is levels[digit]. The keys are the format's
// constants (strictly ascending); the packed grids the kernels read (coordinate j
// in byte j, as an integer) are expanded from them at compile time.
//
// The table file is append-only: other code relies on these names and values.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace lumen::kernels {

// Coordinate values (magnitudes: the sign is stored separately) per grid family.
inline constexpr int8_t kIQ2Levels[3] = {8, 25, 43};                        // IQ2_XXS, IQ2_XS, IQ2_S
inline constexpr int8_t kIQ3XXSLevels[8] = {4, 12, 20, 28, 36, 44, 52, 62};  // IQ3_XXS
inline constexpr int8_t kIQ3SLevels[8] = {1, 3, 5, 7, 9, 11, 13, 15};        // IQ3_S
inline constexpr int8_t kIQ1Levels[3] = {-1, 0, 1};                          // IQ1_S, IQ1_M (signed)

// IQ1_S / IQ1_M: every coordinate of a group is shifted by +-delta before scaling.
inline constexpr float kIQ1Delta = 0.125f;

// Keys (see above): kIQ<grid>Keys[i] describes point i of the grid.
extern const uint16_t kIQ2XXSKeys[256];
extern const uint16_t kIQ2XSKeys[512];
extern const uint16_t kIQ2SKeys[1024];
extern const uint16_t kIQ3XXSKeys[256];
extern const uint16_t kIQ3SKeys[512];
extern const uint16_t kIQ1SKeys[2048];

// Packed grids: byte j of entry i = coordinate j of point i (int8 for IQ1_S).
extern const std::array<uint64_t, 256> kIQ2XXSGrid;
extern const std::array<uint64_t, 512> kIQ2XSGrid;
extern const std::array<uint64_t, 1024> kIQ2SGrid;
extern const std::array<uint32_t, 256> kIQ3XXSGrid;
extern const std::array<uint32_t, 512> kIQ3SGrid;
extern const std::array<uint64_t, 2048> kIQ1SGrid;

// The sign table of IQ2_XXS, IQ2_XS and IQ3_XXS: a 7-bit index gives the signs
// of 8 coordinates (bit j set = coordinate j negative); bit 7 is chosen so that
// every entry has an even number of minus signs.
constexpr std::array<uint8_t, 128> make_iq_signs() {
    std::array<uint8_t, 128> t{};
    for (int i = 0; i < 128; ++i) {
        int ones = 0;
        for (int b = 0; b < 7; ++b) ones += (i >> b) & 1;
        t[size_t(i)] = uint8_t(i | ((ones & 1) << 7));
    }
    return t;
}
inline constexpr std::array<uint8_t, 128> kIQSigns = make_iq_signs();

// A description of one grid, for code that walks all of them (tests, quantizers).
struct IqGridInfo {
    const char* name;                 // the format(s) using it
    std::span<const uint16_t> keys;
    std::span<const int8_t> levels;
    int dims;                         // coordinates per point: 8 or 4
    int digit_bits;                   // bits per coordinate in a key: 2 or 3
    const void* packed;               // the packed grid (uint64_t or uint32_t entries)
};

std::span<const IqGridInfo> iq_grid_infos();

// kIQSigns as byte multipliers: entry i holds, in byte j, -1 where bit j of
// kIQSigns[i] is set and +1 where not (little-endian), ready for vector code.
constexpr std::array<uint64_t, 128> make_iq_sign_multipliers() {
    std::array<uint64_t, 128> t{};
    for (size_t i = 0; i < 128; ++i)
        for (int j = 0; j < 8; ++j) t[i] |= uint64_t((kIQSigns[i] >> j) & 1 ? 0xFF : 0x01) << (8 * j);
    return t;
}
inline constexpr std::array<uint64_t, 128> kIQSignMultipliers = make_iq_sign_multipliers();

}  // namespace lumen::kernels

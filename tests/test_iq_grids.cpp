// The i-quant grid and sign tables (kernels/scalar/iq_grids.hpp) against the
// rules that define them: sizes, strictly ascending keys whose digits index the
// level set, packed grids that are exactly the keys' points, the even-parity sign
// table, and fingerprints of the transcribed keys (the dequantization goldens
// check the values against the reference end to end).
#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <set>

#include "scalar/iq_grids.hpp"

using namespace lumen::kernels;

namespace {

uint64_t packed_entry(const IqGridInfo& g, size_t i) {
    if (g.dims == 8) return static_cast<const uint64_t*>(g.packed)[i];
    return static_cast<const uint32_t*>(g.packed)[i];
}

// FNV-1a over the keys' little-endian bytes.
uint64_t fingerprint(std::span<const uint16_t> keys) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint16_t k : keys)
        for (uint8_t b : {uint8_t(k & 0xff), uint8_t(k >> 8)}) {
            h ^= b;
            h *= 0x100000001b3ull;
        }
    return h;
}

}  // namespace

TEST_CASE("i-quant grids: sizes, level sets and fingerprints of the published keys") {
    struct Expect {
        size_t entries;
        size_t levels;
        int dims;
        uint64_t fnv;
    };
    const Expect expect[] = {
        {256, 3, 8, 0x6fca17f5c451905dull},  {512, 3, 8, 0x29d6ac8e0e6b14e3ull}, {1024, 3, 8, 0x641f9aa3fbd98694ull},
        {256, 8, 4, 0x79d733576d562547ull},  {512, 8, 4, 0x55b224116d1e5ca2ull}, {2048, 3, 8, 0x03f1880817eeffa4ull},
    };
    const auto grids = iq_grid_infos();
    REQUIRE(grids.size() == std::size(expect));
    for (size_t g = 0; g < grids.size(); ++g) {
        INFO(grids[g].name);
        CHECK(grids[g].keys.size() == expect[g].entries);
        CHECK(grids[g].levels.size() == expect[g].levels);
        CHECK(grids[g].dims == expect[g].dims);
        CHECK(fingerprint(grids[g].keys) == expect[g].fnv);
    }
}

TEST_CASE("i-quant grids: keys ascend strictly and every digit names a level") {
    for (const auto& g : iq_grid_infos()) {
        INFO(g.name);
        const int mask = (1 << g.digit_bits) - 1;
        for (size_t i = 0; i < g.keys.size(); ++i) {
            if (i > 0) REQUIRE(g.keys[i - 1] < g.keys[i]);
            REQUIRE(g.keys[i] >> (g.digit_bits * g.dims) == 0);  // no bits beyond the last coordinate
            for (int j = 0; j < g.dims; ++j) REQUIRE(((g.keys[i] >> (g.digit_bits * j)) & mask) < int(g.levels.size()));
        }
        // The grid spans the level set: every level is used by some coordinate.
        std::set<int> used;
        for (uint16_t k : g.keys)
            for (int j = 0; j < g.dims; ++j) used.insert((k >> (g.digit_bits * j)) & mask);
        CHECK(used.size() == g.levels.size());
    }
}

TEST_CASE("i-quant grids: packed entries are the keys' points, byte j = coordinate j") {
    for (const auto& g : iq_grid_infos()) {
        INFO(g.name);
        const int mask = (1 << g.digit_bits) - 1;
        std::set<uint64_t> distinct;
        for (size_t i = 0; i < g.keys.size(); ++i) {
            const uint64_t w = packed_entry(g, i);
            distinct.insert(w);
            for (int j = 0; j < g.dims; ++j)
                REQUIRE(int8_t(uint8_t(w >> (8 * j))) == g.levels[(g.keys[i] >> (g.digit_bits * j)) & mask]);
            if (g.dims == 4) REQUIRE(w >> 32 == 0);
        }
        CHECK(distinct.size() == g.keys.size());
    }
    // A few entries as the format documents them.
    CHECK(kIQ2XXSGrid[0] == 0x0808080808080808ull);
    CHECK(kIQ2XXSGrid[1] == 0x080808080808082bull);
    CHECK(kIQ2XSGrid[511] == 0x2b2b2b2b2b2b2b2bull);
    CHECK(kIQ3XXSGrid[0] == 0x04040404u);
    CHECK(kIQ3SGrid[0] == 0x01010101u);
    CHECK(kIQ1SGrid[0] == 0xffffffffffffffffull);
    CHECK(kIQ1SGrid[2047] == 0x0101010101010101ull);
}

TEST_CASE("i-quant sign table: low 7 bits are the index, every entry has even parity, the multipliers match") {
    std::set<uint8_t> distinct;
    for (int i = 0; i < 128; ++i) {
        INFO(i);
        CHECK((kIQSigns[size_t(i)] & 0x7f) == i);
        CHECK(std::popcount(unsigned(kIQSigns[size_t(i)])) % 2 == 0);
        distinct.insert(kIQSigns[size_t(i)]);
    }
    CHECK(distinct.size() == 128);
    for (int i = 0; i < 128; ++i)
        for (int j = 0; j < 8; ++j) {
            INFO(i << " byte " << j);
            const auto m = int8_t(uint8_t(kIQSignMultipliers[size_t(i)] >> (8 * j)));
            CHECK(m == ((kIQSigns[size_t(i)] >> j) & 1 ? -1 : 1));
        }
    CHECK(kIQSigns[1] == 0x81);
    CHECK(kIQSigns[3] == 0x03);
    CHECK(kIQSigns[127] == 0xff);
}

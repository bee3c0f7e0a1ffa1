// The forward pass of the reference-quantized i-quant and TQ1_0 tiny models
// (models/synth/iq) against their logits goldens, for every ISA this CPU runs:
// prompt logits and greedy steps within the measured bounds of
// golden_tolerances_iq.hpp, greedy tokens as far as measured. Each model mixes
// several weight types (lumen inspect shows them); together they hold every
// i-quant type and TQ1_0.
#include <catch2/catch.hpp>

#include "golden_check.hpp"
#include "golden_tolerances_iq.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

const char* const kIqFiles[] = {
    "iq/tiny-iq1_s-p0.json",   "iq/tiny-iq1_m-p0.json",  "iq/tiny-iq2_xxs-p0.json",
    "iq/tiny-iq2_xs-p0.json",  "iq/tiny-iq3_xxs-p0.json", "iq/tiny-iq3_s-p0.json",
    "iq/tiny-iq4_xs-p0.json",  "iq/tiny-iq4_xs-noimat-p0.json", "iq/tiny-tq1_0-p0.json",
};

}  // namespace

TEST_CASE("iq goldens measured: scalar") { measure_goldens("scalar", kIqFiles, kMeasuredIq); }
TEST_CASE("iq goldens measured: avx2") { measure_goldens("avx2", kIqFiles, kMeasuredIq); }
TEST_CASE("iq goldens measured: avx512") { measure_goldens("avx512", kIqFiles, kMeasuredIq); }
TEST_CASE("iq goldens measured: neon") { measure_goldens("neon", kIqFiles, kMeasuredIq); }
TEST_CASE("iq goldens measured: dotprod") { measure_goldens("dotprod", kIqFiles, kMeasuredIq); }
TEST_CASE("iq goldens measured: i8mm") { measure_goldens("i8mm", kIqFiles, kMeasuredIq); }

TEST_CASE("iq goldens: every file has measured bounds for scalar, avx2 and avx512") {
    for (const char* file : kIqFiles)
        for (const char* isa : {"scalar", "avx2", "avx512"}) {
            INFO(file << " " << isa);
            CHECK(measured_bound(file, isa, kMeasuredIq) != nullptr);
        }
}

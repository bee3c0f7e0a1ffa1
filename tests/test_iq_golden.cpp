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

void measure_iq(const char* isa) { measure_goldens(isa, kIqFiles, kMeasuredIq); }

}  // namespace

LUMEN_TEST_CASE_PER_ISA("iq goldens measured", measure_iq)

TEST_CASE("iq goldens: every file has measured bounds for scalar, avx2 and avx512") {
    check_rows_for_x86(kIqFiles, kMeasuredIq);
}

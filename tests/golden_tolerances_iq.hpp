// The measured accuracy bounds of the i-quant and TQ1_0 goldens
// (golden/logits/iq/*.json), in the form and with the rules of
// golden_tolerances.hpp: per file and ISA the largest logit error at the prompt
// and over the greedy steps (measured x 1.5, at least 1e-5) and the first greedy
// departure (-1: none). docs/accuracy.md has the measured table and machine;
// re-measure with LUMEN_ACCURACY_TABLE=FILE ./test_iq "iq goldens*". ARM rows:
// measured under qemu-aarch64 -cpu max (the same bits as the scalar kernels).
#pragma once

#include "golden_tolerances.hpp"

namespace lumen::test {

// clang-format off
constexpr FileBounds kMeasuredIq[] = {
    {"iq/tiny-iq1_s-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"iq/tiny-iq1_m-p0.json", {{"scalar", 3.1e-1f, 1.4e-1f, 2}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 3.1e-1f, 1.4e-1f, 2}, {"dotprod", 3.1e-1f, 1.4e-1f, 2}, {"i8mm", 3.1e-1f, 1.4e-1f, 2}}},
    {"iq/tiny-iq2_xxs-p0.json", {{"scalar", 1.0e-5f, 1.4e-1f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.4e-1f, -1}, {"dotprod", 1.0e-5f, 1.4e-1f, -1}, {"i8mm", 1.0e-5f, 1.4e-1f, -1}}},
    {"iq/tiny-iq2_xs-p0.json", {{"scalar", 1.0e-5f, 1.6e-1f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.5e-1f, -1}, {"dotprod", 1.0e-5f, 1.5e-1f, -1}, {"i8mm", 1.0e-5f, 1.5e-1f, -1}}},
    {"iq/tiny-iq3_xxs-p0.json", {{"scalar", 1.0e-5f, 1.2e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.1e-5f, -1}, {"dotprod", 1.0e-5f, 1.1e-5f, -1}, {"i8mm", 1.0e-5f, 1.1e-5f, -1}}},
    {"iq/tiny-iq3_s-p0.json", {{"scalar", 1.0e-5f, 2.4e-1f, 18}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 2.4e-1f, 18}, {"dotprod", 1.0e-5f, 2.4e-1f, 18}, {"i8mm", 1.0e-5f, 2.4e-1f, 18}}},
    {"iq/tiny-iq4_xs-p0.json", {{"scalar", 1.0e-5f, 1.7e-1f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.6e-1f, -1}, {"dotprod", 1.0e-5f, 1.6e-1f, -1}, {"i8mm", 1.0e-5f, 1.6e-1f, -1}}},
    {"iq/tiny-iq4_xs-noimat-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"iq/tiny-tq1_0-p0.json", {{"scalar", 1.0e-5f, 9.7e-2f, -1}, {"avx2", 1.0e-5f, 9.7e-2f, -1}, {"avx512", 1.0e-5f, 9.7e-2f, -1}, {"neon", 1.0e-5f, 9.7e-2f, -1}, {"dotprod", 1.0e-5f, 9.7e-2f, -1}, {"i8mm", 1.0e-5f, 9.7e-2f, -1}}},
};
// clang-format on

}  // namespace lumen::test

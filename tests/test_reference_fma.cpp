// Where the reference's compiler fuses a product and an add into one FMA
// (GCC's default -ffp-contract=fast in its FMA build) and lumen, built with
// -ffp-contract=off, spells the FMA out (docs/accuracy.md, "The reference's
// fused multiply-adds"). The gemma/gemma2 F32 goldens pin both places as a
// whole (bit-exact on AVX2/AVX-512/ARM); this pins the one GELU table entry
// the fusion changes, which those goldens only meet by chance.
#include <catch2/catch.hpp>

#include "ops/norm_rope.hpp"

using namespace lumen;

TEST_CASE("GELU table: the entry the reference's fused 1 + a*x*x changes") {
    // x = -1.999 (F16 0xBFFF): the reference's table holds F16 0xA9D3
    // (-0x1.74cp-5); evaluated without the FMA it would be 0xA9D2 (-0x1.748p-5).
    float gate = -0x1.ffcp+0f;
    const float up = 1.0f;
    ops::geglu(&gate, &up, 1);
    CHECK(gate == -0x1.74cp-5f);
}

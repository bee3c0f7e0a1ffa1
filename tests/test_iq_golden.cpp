// The forward pass of the reference-quantized i-quant and TQ1_0 tiny models
// (models/synth/iq) against their logits goldens, for every ISA this CPU runs:
// prompt logits and greedy steps within the measured bounds of
// golden_tolerances_iq.hpp, greedy tokens as far as measured. Each model mixes
// several weight types (lumen inspect shows them); together they hold every
// i-quant type and TQ1_0.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "golden_measure.hpp"
#include "golden_tolerances_iq.hpp"
#include "lumen/vocab.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

const char* const kIqFiles[] = {
    "iq/tiny-iq1_s-p0.json",   "iq/tiny-iq1_m-p0.json",  "iq/tiny-iq2_xxs-p0.json",
    "iq/tiny-iq2_xs-p0.json",  "iq/tiny-iq3_xxs-p0.json", "iq/tiny-iq3_s-p0.json",
    "iq/tiny-iq4_xs-p0.json",  "iq/tiny-iq4_xs-noimat-p0.json", "iq/tiny-tq1_0-p0.json",
};

void append_measurement(const char* file, Isa isa, const GoldenMeasure& m) {
    const char* path = std::getenv("LUMEN_ACCURACY_TABLE");
    if (!path || !*path) return;
    if (FILE* f = std::fopen(path, "a")) {
        std::fprintf(f, "%s\t%s\t%.3g\t%.3g\t%d\t%d\t%.3g\n", file, isa_name(isa), double(m.prompt_err),
                     double(m.steps_err), m.departure, m.n_steps, double(m.departure_margin));
        std::fclose(f);
    }
}

void check_against_bound(const GoldenLogits& g, const GoldenMeasure& m, Isa isa) {
    INFO(g.file << " on " << isa_name(isa) << ": prompt error " << m.prompt_err << ", step error " << m.steps_err
                << ", departure " << m.departure << " of " << m.n_steps << " (reference margin "
                << m.departure_margin << ")");
    if (const MeasuredBound* b = measured_bound_iq(g.file, isa_name(isa))) {
        CHECK(m.prompt_err <= b->prompt);
        CHECK(m.steps_err <= b->steps);
        if (b->departure < 0) CHECK(m.departure < 0);
        else CHECK((m.departure < 0 || m.departure >= b->departure));
        return;
    }
    const FallbackRule rule = fallback_rule(g.file);
    const int must_agree = first_step_with_margin_below(g, rule.margin);
    INFO("fallback rule: greedy agrees for " << must_agree << " steps, logits within " << rule.logits);
    CHECK((m.departure < 0 || m.departure >= must_agree));
    CHECK(m.prompt_err <= rule.logits);
    CHECK(m.steps_err_before(must_agree) <= rule.logits);
}

void measure_iq_goldens(const char* name) {
    const auto isa = parse_isa(name);
    if (!isa || !isa_supported(*isa)) {
        WARN(name << ": not built for or not supported by this CPU; nothing to measure");
        return;
    }
    for (const char* file : kIqFiles) {
        DYNAMIC_SECTION(file) {
            const GoldenLogits g = load_golden(file);
            const auto model = Model::load(g.model_file());
            CHECK(model->vocab().encode(g.prompt) == g.tokens);
            Session s(model, {.n_ctx = 512, .n_threads = 1, .isa = *isa});
            REQUIRE(s.isa() == *isa);
            const GoldenMeasure m = measure_golden(g, run_golden(s, g, g.greedy.size()));
            append_measurement(file, *isa, m);
            check_against_bound(g, m, *isa);
        }
    }
}

}  // namespace

TEST_CASE("iq goldens measured: scalar") { measure_iq_goldens("scalar"); }
TEST_CASE("iq goldens measured: avx2") { measure_iq_goldens("avx2"); }
TEST_CASE("iq goldens measured: avx512") { measure_iq_goldens("avx512"); }
TEST_CASE("iq goldens measured: neon") { measure_iq_goldens("neon"); }
TEST_CASE("iq goldens measured: dotprod") { measure_iq_goldens("dotprod"); }
TEST_CASE("iq goldens measured: i8mm") { measure_iq_goldens("i8mm"); }

TEST_CASE("iq goldens: every file has measured bounds for scalar, avx2 and avx512") {
    for (const char* file : kIqFiles)
        for (const char* isa : {"scalar", "avx2", "avx512"}) {
            INFO(file << " " << isa);
            CHECK(measured_bound_iq(file, isa) != nullptr);
        }
}

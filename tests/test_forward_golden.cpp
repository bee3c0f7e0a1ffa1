// The forward pass against the reference goldens (golden/logits/*.json),
// measured for every ISA this CPU supports: the largest logit error at the
// prompt and over the greedy steps, and the first greedy departure. Each
// (file, ISA) measured on a development machine has its own tight bound in
// tests/golden_tolerances.hpp; an ISA without rows (a new CPU family) falls
// back to the documented rule there. docs/accuracy.md has the measured table;
// LUMEN_ACCURACY_TABLE=FILE makes this test write it afresh (tab-separated).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

#include "golden_measure.hpp"
#include "golden_tolerances.hpp"
#include "lumen/vocab.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

const char* const kFiles[] = {
    "stories260K-f32.json",     "stories260K-q2_k.json",    "stories260K-q3_k_m.json",   "stories260K-q4_k_m.json",
    "stories260K-q5_k_m.json",  "stories260K-q6_k.json",    "stories260K-tq2_0.json",    "tiny-f32-p0.json",
    "tiny-f16-p0.json",         "tiny-q8_0-p0.json",        "tiny-q4_0-p0.json",         "tiny-q4_1-p0.json",
    "tiny-q5_0-p0.json",        "tiny-q2_k-p0.json",        "tiny-q3_k_m-p0.json",       "tiny-q4_k_m-p0.json",
    "tiny-q5_k_m-p0.json",      "tiny-q6_k-p0.json",        "tiny-tq2_0-p0.json",        "tiny-qwen2-f32-p0.json",
    "tiny-qwen2-q8_0-p0.json",  "tiny-qwen2-q4_0-p0.json",  "tiny-qwen2-q4_k_m-p0.json", "tiny-tied-f32-p0.json",
    "tiny-ropefreqs-f32-p0.json", "tiny-lora-merged-f16-p0.json",
};

// Every ISA lumen may have kernels for, by name: names this build does not
// know (ARM ones on x86) or this CPU cannot run are skipped.
std::vector<Isa> supported_isas() {
    std::vector<Isa> out;
    for (const char* name : {"scalar", "avx2", "avx512", "neon", "dotprod", "i8mm"})
        if (const auto isa = parse_isa(name); isa && isa_supported(*isa)) out.push_back(*isa);
    return out;
}

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
    if (const MeasuredBound* b = measured_bound(g.file, isa_name(isa))) {
        CHECK(m.prompt_err <= b->prompt);
        CHECK(m.steps_err <= b->steps);
        if (b->departure < 0) CHECK(m.departure < 0);
        else CHECK((m.departure < 0 || m.departure >= b->departure));
        return;
    }
    // No measured row for this ISA: the documented fallback rule.
    const FallbackRule rule = fallback_rule(g.file);
    const int must_agree = first_step_with_margin_below(g, rule.margin);
    INFO("fallback rule: greedy agrees for " << must_agree << " steps, logits within " << rule.logits);
    CHECK((m.departure < 0 || m.departure >= must_agree));
    CHECK(m.prompt_err <= rule.logits);
    CHECK(m.steps_err_before(must_agree) <= rule.logits);
}

}  // namespace

TEST_CASE("forward pass: measured logit error and greedy departure within each ISA's bound") {
    for (const Isa isa : supported_isas()) {
        for (const char* file : kFiles) {
            DYNAMIC_SECTION(isa_name(isa) << " " << file) {
                const GoldenLogits g = load_golden(file);
                const auto model = Model::load(g.model_file());
                CHECK(model->vocab().encode(g.prompt) == g.tokens);
                Session s(model, {.n_ctx = 512, .n_threads = 1, .isa = isa});
                REQUIRE(s.isa() == isa);
                const GoldenMeasure m = measure_golden(g, run_golden(s, g, g.greedy.size()));
                append_measurement(file, isa, m);
                check_against_bound(g, m, isa);
            }
        }
    }
}

// The table covers every golden on the x86 ISAs it was measured on (a typo
// in a name would otherwise fall back to the looser rule unnoticed).
TEST_CASE("forward pass: every golden has measured bounds for scalar, avx2 and avx512") {
    for (const char* file : kFiles)
        for (const char* isa : {"scalar", "avx2", "avx512"}) {
            INFO(file << " " << isa);
            CHECK(measured_bound(file, isa) != nullptr);
        }
}

// Work is split by output rows, never inside a sum: any thread count gives the
// same bits, for every weight type, and so do repeated runs.
TEST_CASE("forward pass: logits bit-identical across 1 to 4 threads and across runs, every type") {
    for (const char* file : kFiles) {
        DYNAMIC_SECTION(file) {
            const GoldenLogits g = load_golden(file);
            const auto model = Model::load(g.model_file());
            const auto run = [&](int threads) {
                Session s(model, {.n_ctx = 512, .n_threads = threads});
                return run_golden(s, g, 8);
            };
            const GoldenRun one = run(1);
            for (int t : {1, 2, 3, 4}) {
                INFO(t << " threads");
                const GoldenRun r = run(t);
                CHECK(r.prompt_logits == one.prompt_logits);
                CHECK(r.step_logits == one.step_logits);
                CHECK(r.greedy == one.greedy);
            }
        }
    }
}

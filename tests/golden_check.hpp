// Checking a measured golden run (golden_measure.hpp) against its bounds: the
// measured row of `table` for the file and ISA (golden_tolerances.hpp), or the
// documented fallback rule when there is none; appending the measurement to
// the LUMEN_ACCURACY_TABLE file when that variable is set; and the loop that
// measures a list of goldens on one ISA.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <span>

#include "golden_measure.hpp"
#include "golden_tolerances.hpp"
#include "lumen/vocab.hpp"

namespace lumen::test {

inline void append_measurement(const char* file, Isa isa, const GoldenMeasure& m) {
    const char* path = std::getenv("LUMEN_ACCURACY_TABLE");
    if (!path || !*path) return;
    if (FILE* f = std::fopen(path, "a")) {
        std::fprintf(f, "%s\t%s\t%.3g\t%.3g\t%d\t%d\t%.3g\n", file, isa_name(isa), double(m.prompt_err),
                     double(m.steps_err), m.departure, m.n_steps, double(m.departure_margin));
        std::fclose(f);
    }
}

inline void check_against_bound(const GoldenLogits& g, const GoldenMeasure& m, Isa isa,
                                std::span<const FileBounds> table) {
    INFO(g.file << " on " << isa_name(isa) << ": prompt error " << m.prompt_err << ", step error " << m.steps_err
                << ", departure " << m.departure << " of " << m.n_steps << " (reference margin "
                << m.departure_margin << ")");
    if (const MeasuredBound* b = measured_bound(g.file, isa_name(isa), table)) {
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

// Runs every golden of `files` on the kernels of ISA `name` (one thread, the
// prompt in one batch, then greedy) and checks each against `table`; an ISA
// this build or CPU lacks passes with a warning.
inline void measure_goldens(const char* name, std::span<const char* const> files, std::span<const FileBounds> table) {
    const auto isa = parse_isa(name);
    if (!isa || !isa_supported(*isa)) {
        WARN(name << ": not built for or not supported by this CPU; nothing to measure");
        return;
    }
    for (const char* file : files) {
        DYNAMIC_SECTION(file) {
            const GoldenLogits g = load_golden(file);
            const auto model = Model::load(g.model_file());
            CHECK(model->vocab().encode(g.prompt) == g.tokens);
            Session s(model, {.n_ctx = 512, .n_threads = 1, .isa = *isa});
            REQUIRE(s.isa() == *isa);
            const GoldenMeasure m = measure_golden(g, run_golden(s, g, g.greedy.size()));
            append_measurement(file, *isa, m);
            check_against_bound(g, m, *isa, table);
        }
    }
}

}  // namespace lumen::test

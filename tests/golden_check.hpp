// Measuring a forward pass against a reference golden on one ISA and checking
// the measurement against that (file, ISA)'s measured bounds (a table of
// golden_tolerances.hpp: kMeasured by default), or the documented fallback rule
// where the ISA has no row; appending the measurement to the
// LUMEN_ACCURACY_TABLE file when that variable is set. Shared by the
// forward-pass, model-family and i-quant golden tests.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>

#include "golden_measure.hpp"
#include "golden_tolerances.hpp"
#include "lumen/vocab.hpp"

namespace lumen::test {

// The kernels of `name` when this build knows the ISA and this CPU runs it.
inline std::optional<Isa> runnable_isa(const char* name) {
    const auto isa = parse_isa(name);
    if (isa && isa_supported(*isa)) return isa;
    return std::nullopt;
}

// LUMEN_ACCURACY_TABLE=FILE: appends the measurement as a tab-separated row
// (scripts/accuracy_table.py turns such a file into the header's rows).
inline void append_measurement(const std::string& file, Isa isa, const GoldenMeasure& m) {
    const char* path = std::getenv("LUMEN_ACCURACY_TABLE");
    if (!path || !*path) return;
    if (FILE* f = std::fopen(path, "a")) {
        std::fprintf(f, "%s\t%s\t%.3g\t%.3g\t%d\t%d\t%.3g\n", file.c_str(), isa_name(isa), double(m.prompt_err),
                     double(m.steps_err), m.departure, m.n_steps, double(m.departure_margin));
        std::fclose(f);
    }
}

inline void check_against_bound(const GoldenLogits& g, const GoldenMeasure& m, Isa isa,
                                std::span<const FileBounds> table = kMeasured) {
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

// Runs golden `g` on `isa` (prompt as one batch, then greedy), records and checks it.
inline void measure_and_check(const GoldenLogits& g, const std::shared_ptr<const Model>& model, Isa isa,
                              std::span<const FileBounds> table = kMeasured) {
    Session s(model, {.n_ctx = 512, .n_threads = 1, .isa = isa});
    REQUIRE(s.isa() == isa);
    const GoldenMeasure m = measure_golden(g, run_golden(s, g, g.greedy.size()));
    append_measurement(g.file, isa, m);
    check_against_bound(g, m, isa, table);
}

// Every golden of `files` on the kernels of ISA `name`, checked against
// `table`; an ISA this build or CPU lacks passes with a warning.
inline void measure_goldens(const char* name, std::span<const char* const> files,
                            std::span<const FileBounds> table = kMeasured) {
    const auto isa = runnable_isa(name);
    if (!isa) {
        WARN(name << ": not built for or not supported by this CPU; nothing to measure");
        return;
    }
    for (const char* file : files) {
        DYNAMIC_SECTION(file) {
            const GoldenLogits g = load_golden(file);
            const auto model = Model::load(g.model_file());
            CHECK(model->vocab().encode(g.prompt) == g.tokens);
            measure_and_check(g, model, *isa, table);
        }
    }
}

// Every file has a measured row for each x86 ISA the table was measured on (a
// typo in a name would otherwise fall back to the looser rule unnoticed).
template <class Files>
void check_rows_for_x86(const Files& files, std::span<const FileBounds> table = kMeasured) {
    for (const auto& file : files)
        for (const char* isa : {"scalar", "avx2", "avx512"}) {
            INFO(file << " " << isa);
            CHECK(measured_bound(file, isa, table) != nullptr);
        }
}

}  // namespace lumen::test

// One test case per ISA lumen has kernels for, "<title>: <isa>", each its own
// ctest entry, running fn("<isa>") (an ISA this CPU cannot run passes with a warning).
#define LUMEN_TEST_CASE_PER_ISA(title, fn)          \
    TEST_CASE(title ": scalar") { fn("scalar"); }   \
    TEST_CASE(title ": avx2") { fn("avx2"); }       \
    TEST_CASE(title ": avx512") { fn("avx512"); }   \
    TEST_CASE(title ": neon") { fn("neon"); }       \
    TEST_CASE(title ": dotprod") { fn("dotprod"); } \
    TEST_CASE(title ": i8mm") { fn("i8mm"); }

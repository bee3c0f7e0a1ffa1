// The forward pass against the reference goldens (golden/logits/*.json).
//
// Checks per file: the prompt's tokens; top-1 at every prompt position; every
// golden top-20 logit and the full last-position logits within the file's
// tolerance; greedy tokens identical up to the first near-tie step
// (top1 - top2 < 0.02 in the golden); the logits each greedy token was picked
// from within tolerance up to there. Tolerances are absolute, on logits whose
// magnitude is ~10-20, and documented in docs/accuracy.md.
#include <catch2/catch.hpp>

#include "golden_logits.hpp"
#include "lumen/vocab.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

struct Case {
    const char* file;
    Tolerance tol;
};

const Case kCases[] = {
    {"stories260K-f32.json", kStories},        {"stories260K-q2_k.json", kQuant},     {"stories260K-q3_k_m.json", kQuant},
    {"stories260K-q4_k_m.json", kQuant},     {"stories260K-q5_k_m.json", kQuant},   {"stories260K-q6_k.json", kQuant},
    {"stories260K-tq2_0.json", kQuant},      {"tiny-f32-p0.json", kFloat},          {"tiny-f16-p0.json", kHalf},
    {"tiny-q8_0-p0.json", kQuantReordered},           {"tiny-q4_0-p0.json", kQuant},         {"tiny-q4_1-p0.json", kQuant},
    {"tiny-q5_0-p0.json", kQuant},           {"tiny-q2_k-p0.json", kQuant},         {"tiny-q3_k_m-p0.json", kQuant},
    {"tiny-q4_k_m-p0.json", kQuant},         {"tiny-q5_k_m-p0.json", kQuant},       {"tiny-q6_k-p0.json", kQuant},
    {"tiny-tq2_0-p0.json", kQuant},          {"tiny-qwen2-f32-p0.json", kFloat},    {"tiny-qwen2-q8_0-p0.json", kQuantReordered},
    {"tiny-qwen2-q4_0-p0.json", kQuant},     {"tiny-qwen2-q4_k_m-p0.json", kQuant}, {"tiny-tied-f32-p0.json", kFloat},
    {"tiny-ropefreqs-f32-p0.json", kFloat},  {"tiny-lora-merged-f16-p0.json", kFloat},
};

}  // namespace

TEST_CASE("forward pass matches the reference logits goldens") {
    for (const Case& c : kCases) {
        DYNAMIC_SECTION(c.file) {
            const GoldenLogits g = load_golden(c.file);
            const auto model = Model::load(g.model_file());
            CHECK(model->vocab().encode(g.prompt) == g.tokens);
            Session s(model, {.n_ctx = 512, .n_threads = 1});
            compare_golden(g, run_golden(s, g, g.greedy.size()), c.tol);
        }
    }
}

// The same bars with the AVX2 kernels (what a machine without AVX-512 runs):
// the F32/F16 dots follow the reference's AVX-512 summation order there too.
TEST_CASE("forward pass matches the reference logits goldens with the AVX2 kernels") {
    if (!isa_supported(Isa::avx2)) {
        WARN("this CPU has no AVX2: nothing to compare");
        return;
    }
    for (const Case& c : kCases) {
        DYNAMIC_SECTION(c.file) {
            const GoldenLogits g = load_golden(c.file);
            const auto model = Model::load(g.model_file());
            Session s(model, {.n_ctx = 512, .n_threads = 1, .isa = Isa::avx2});
            REQUIRE(s.isa() == Isa::avx2);
            compare_golden(g, run_golden(s, g, g.greedy.size()), c.tol);
        }
    }
}

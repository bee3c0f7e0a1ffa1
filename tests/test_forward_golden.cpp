// The forward pass against the reference goldens (golden/logits/*.json),
// measured for every ISA this CPU supports: the largest logit error at the
// prompt and over the greedy steps, and the first greedy departure. Each
// (file, ISA) measured on a development machine has its own tight bound in
// tests/golden_tolerances.hpp; an ISA without rows (a new CPU family) falls
// back to the documented rule there. docs/accuracy.md has the measured table;
// LUMEN_ACCURACY_TABLE=FILE makes this test write it afresh (tab-separated).
#include <catch2/catch.hpp>

#include <string_view>

#include "golden_check.hpp"
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

}  // namespace

// One case per ISA lumen has kernels for (each its own ctest entry; the ones
// this CPU cannot run pass with a warning).
TEST_CASE("forward pass measured: scalar") { measure_goldens("scalar", kFiles, kMeasured); }
TEST_CASE("forward pass measured: avx2") { measure_goldens("avx2", kFiles, kMeasured); }
TEST_CASE("forward pass measured: avx512") { measure_goldens("avx512", kFiles, kMeasured); }
TEST_CASE("forward pass measured: neon") { measure_goldens("neon", kFiles, kMeasured); }
TEST_CASE("forward pass measured: dotprod") { measure_goldens("dotprod", kFiles, kMeasured); }
TEST_CASE("forward pass measured: i8mm") { measure_goldens("i8mm", kFiles, kMeasured); }

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
namespace {
void check_thread_counts(const char* file) {
    const GoldenLogits g = load_golden(file);
    const auto model = Model::load(g.model_file());
    const auto run = [&](int threads) {
        Session s(model, {.n_ctx = 512, .n_threads = threads});
        return run_golden(s, g, 6);
    };
    const GoldenRun one = run(1);
    for (int t : {1, 2, 3, 4}) {
        INFO(file << ", " << t << " threads");
        const GoldenRun r = run(t);
        CHECK(r.prompt_logits == one.prompt_logits);
        CHECK(r.step_logits == one.step_logits);
        CHECK(r.greedy == one.greedy);
    }
}
}  // namespace

TEST_CASE("forward pass: logits bit-identical across 1 to 4 threads and across runs, stories260K types") {
    for (const char* file : kFiles)
        if (std::string_view(file).starts_with("stories")) check_thread_counts(file);
}

TEST_CASE("forward pass: logits bit-identical across 1 to 4 threads and across runs, tiny types and variants") {
    for (const char* file : kFiles)
        if (std::string_view(file).starts_with("tiny")) check_thread_counts(file);
}

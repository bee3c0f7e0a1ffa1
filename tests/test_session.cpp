// Session behaviour: batching (within the reference's own order switch) and
// threads do not change results, the context
// shift keeps generation fluent, errors leave the session usable, sessions
// share one model, and every KV cache type works.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <thread>

#include "golden_logits.hpp"
#include "lumen/error.hpp"
#include "lumen/generate.hpp"
#include "lumen/vocab.hpp"
#include "model/kv_cache.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

std::shared_ptr<const Model> stories() {
    static const auto m = Model::load(source_dir() / "models/stories260K.gguf");
    return m;
}

const char* kText =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends "
    "and her big red ball.";

std::vector<float> all_logits(Session& s, const std::vector<int32_t>& toks) {
    const auto l = s.eval(toks, true);
    return {l.begin(), l.end()};
}


}  // namespace

// Float weights (stories260K is F32) are summed in the order the reference
// uses for the batch size: its prompt GEMM for 2+ tokens, its vec_dot for one
// (docs/accuracy.md). Any split into batches of 2+ tokens gives the same bits;
// token by token gives the same text, with logits a few rounding steps away.
TEST_CASE("same logits whether the prompt is one batch or batches of 8, and token by token within rounding") {
    const auto toks = stories()->vocab().encode(kText);
    REQUIRE(toks.size() > 30);
    REQUIRE(toks.size() % 8 != 1);  // no batch of a single token
    Session one(stories(), {.n_ctx = 256, .n_batch = 512, .n_threads = 1});
    Session eight(stories(), {.n_ctx = 256, .n_batch = 8, .n_threads = 1});
    const auto a = all_logits(one, toks);
    const auto b = all_logits(eight, toks);
    Session single(stories(), {.n_ctx = 256, .n_threads = 1});
    std::vector<float> c;
    for (int32_t t : toks) {
        const auto l = single.eval(std::span<const int32_t>(&t, 1));
        c.insert(c.end(), l.begin(), l.end());
    }
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() == c.size());
    CHECK(a == b);
    float worst = 0.f;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(c[i] - a[i]));
    CHECK(worst < 1e-2f);  // measured 5.9e-3 (logits up to ~10)
    const size_t V = size_t(stories()->config().n_vocab);
    for (size_t p = 0; p < toks.size(); ++p) {
        const std::span<const float> ap(a.data() + p * V, V), cp(c.data() + p * V, V);
        CHECK(argmax(ap) == argmax(cp));
    }
    CHECK(one.position() == int(toks.size()));
}

TEST_CASE("results do not depend on the thread count") {
    for (const char* file : {"synth/tiny-q4_0.gguf", "synth/tiny-q4_k_m.gguf", "synth/tiny-f16.gguf"}) {
        const auto model = Model::load(model_path(file));
        const auto prompt = model->vocab().encode(kText);
        Session t1(model, {.n_ctx = 256, .n_threads = 1});
        const auto logits = all_logits(t1, prompt);
        t1.reset();
        const auto tokens = greedy(t1, prompt, 24);
        for (int threads : {2, 3, 5}) {  // uneven splits; 5 is more threads than CI's CPUs
            Session tn(model, {.n_ctx = 256, .n_threads = threads});
            INFO(file << ", " << threads << " threads");
            CHECK(all_logits(tn, prompt) == logits);
            tn.reset();
            CHECK(greedy(tn, prompt, 24) == tokens);
        }
    }
}

TEST_CASE("context shift: generating 3x the context stays fluent") {
    const int n_ctx = 64;
    Session s(stories(), {.n_ctx = n_ctx, .n_threads = 1});
    const auto prompt = stories()->vocab().encode("Once upon a time");
    const auto out = greedy(s, prompt, 3 * n_ctx, true);
    REQUIRE(out.size() == size_t(3 * n_ctx));
    CHECK(s.position() <= n_ctx);
    // No collapse into repeating one token, and a varied vocabulary throughout,
    // including the last context's worth of tokens.
    int run = 1, longest = 1;
    for (size_t i = 1; i < out.size(); ++i) {
        run = out[i] == out[i - 1] ? run + 1 : 1;
        longest = std::max(longest, run);
    }
    CHECK(longest <= 3);
    // (Without any shift, greedy decoding of this tiny model has ~38 distinct
    // tokens in 64; a collapse would leave 1-3.)
    const std::set<int32_t> tail(out.end() - n_ctx, out.end());
    CHECK(tail.size() >= 20);
    const std::string text = stories()->vocab().decode(out);
    INFO(text);
    CHECK(std::count(text.begin(), text.end(), ' ') >= 60);  // words, not a stuck token
}

TEST_CASE("context shift: re-rotated cached keys equal keys rotated at their new positions") {
    for (RopeStyle style : {RopeStyle::adjacent, RopeStyle::halves}) {
        ModelConfig c;
        c.n_layer = 2;
        c.n_head = c.n_head_kv = 2;
        c.head_dim = c.n_rot = 64;
        c.rope = style;
        const std::vector<float> factors = {};
        const ops::Rope rope(c, factors);
        KvCache cache(c, 40, TensorType::F32, TensorType::F32);
        std::vector<float> k(128), v(128);
        auto raw_key = [](int pos, int i) { return std::sin(0.37f * float(pos) + 0.11f * float(i)); };
        for (int pos = 0; pos < 40; ++pos)
            for (int l = 0; l < 2; ++l) {
                for (int i = 0; i < 128; ++i) k[size_t(i)] = raw_key(pos, i);
                rope.apply(k.data(), pos);
                rope.apply(k.data() + 64, pos);
                for (int i = 0; i < 128; ++i) v[size_t(i)] = float(pos * 1000 + i);
                cache.store(l, pos, k.data(), v.data());
            }
        cache.shift(3, 10, 40, rope);  // positions 13..39 -> 3..29
        for (int pos = 13; pos < 40; ++pos) {
            for (int i = 0; i < 64; ++i) k[size_t(i)] = raw_key(pos, i + 64);
            rope.apply(k.data(), pos - 10);
            const float* got = reinterpret_cast<const float*>(cache.k_row(1, pos - 10, 1));
            const float* val = reinterpret_cast<const float*>(cache.v_row(1, pos - 10, 1));
            for (int i = 0; i < 64; ++i) {
                CHECK(got[i] == Approx(k[size_t(i)]).margin(1e-5));
                CHECK(val[i] == float(pos * 1000 + 64 + i));
            }
        }
    }
}

TEST_CASE("without context shift a full context is a clear error and nothing is lost") {
    Session s(stories(), {.n_ctx = 16, .n_threads = 1});
    const auto toks = stories()->vocab().encode(kText);
    CHECK_THROWS_WITH(s.eval(toks), Catch::Contains("context full"));
    CHECK(s.position() == 0);
    const std::vector<int32_t> bad = {1, 99999};
    CHECK_THROWS_WITH(s.eval(bad), Catch::Contains("outside the vocabulary"));
    CHECK(s.position() == 0);
    CHECK_NOTHROW(s.eval(std::vector<int32_t>(toks.begin(), toks.begin() + 10)));
    CHECK(s.position() == 10);
    // Generation stops cleanly at the end of the context.
    Sampler sampler({.temp = 0.f});
    s.reset();
    const auto st = generate(s, sampler, std::vector<int32_t>(toks.begin(), toks.begin() + 10),
                             {.n_predict = 100, .stop_at_eog = false}, [](int32_t) { return true; });
    CHECK(st.context_full);
    CHECK(st.n_generated == 7);
}

TEST_CASE("two sessions share one model concurrently") {
    const auto g = load_golden("tiny-q4_0-p0.json");
    const auto model = Model::load(g.model_file());
    std::vector<int32_t> a, b;
    std::thread ta([&] {
        Session s(model, {.n_ctx = 128, .n_threads = 1});
        a = greedy(s, g.tokens, 16);
    });
    std::thread tb([&] {
        Session s(model, {.n_ctx = 128, .n_threads = 1});
        b = greedy(s, g.tokens, 16);
    });
    ta.join();
    tb.join();
    const std::vector<int32_t> want(g.greedy.begin(), g.greedy.begin() + 16);
    CHECK(a == want);
    CHECK(b == want);
}

// The reference's goldens use an F16 cache; F32 and Q8_0 caches store other
// values, so they are held to bounds measured on this golden (2026-11-29, AVX-512:
// F32 2.4e-4 / 2.1e-4 on tiny, 8.8e-4 / 4.9e-4 on gemma; Q8_0 5.1e-3 / 5.7e-3
// and 8.5e-3 / 5.7e-3 for the prompt / the greedy steps, relative to the largest
// logit), about 1.2-2x above them. The Q8_0 cache's attention kernels give the
// same bits on every ISA (test_kernels_simd.cpp), so what varies is the rest of
// the forward pass.
TEST_CASE("KV cache types F32 and Q8_0 follow the reference's logits within measured bounds, prompt and generation") {
    for (const char* name : {"tiny-f32-p0.json", "gemma-f32-p0.json"}) {
        const auto g = load_golden(name);
        const auto model = Model::load(g.model_file());
        for (TensorType t : {TensorType::F32, TensorType::Q8_0}) {
            INFO(name << " cache " << type_name(t));
            const float bound = t == TensorType::F32 ? 1.5e-3f : 1e-2f;
            Session s(model, {.n_ctx = 128, .n_threads = 1, .cache_type_k = t, .cache_type_v = t});
            const auto r = run_golden(s, g, g.greedy.size());
            for (size_t p = 0; p < g.tokens.size(); ++p) {
                INFO("position " << p);
                CHECK(argmax(r.prompt_logits[p]) == g.positions[p][0].first);
                CHECK(relative_error(r.prompt_logits[p], g.positions[p]) <= bound);
            }
            size_t agree = 0;
            while (agree < r.greedy.size() && r.greedy[agree] == g.greedy[agree]) ++agree;
            CHECK(agree >= 16);
            for (size_t i = 0; i < agree && i < g.greedy_top5.size(); ++i) {
                INFO("step " << i);
                CHECK(relative_error(r.step_logits[i], g.greedy_top5[i]) <= bound);
            }
            CHECK(s.kv_cache_bytes() > 0);
        }
    }
    // stories260K's head size (8) cannot hold Q8_0 blocks: a clear error.
    CHECK_THROWS_WITH(Session(stories(), {.cache_type_k = TensorType::Q8_0}), Catch::Contains("head size"));
}

TEST_CASE("unsupported architectures and adapters are refused clearly") {
    CHECK_THROWS_WITH(Model::load(model_path("synth/tiny-lora-r8.gguf")), Catch::Contains("LoRA adapter"));
    CHECK_THROWS_WITH(Model::load(data_dir() / "vocab/ggml-vocab-bert-bge.gguf"),
                      Catch::Contains("unsupported architecture bert"));
}

// Session::eval_batch: several sessions in one forward step give every
// session exactly (bit for bit) the logits it gets alone, with prompts and
// decode steps mixed in one batch, adapters on some sessions only, and
// packed / K-quant / float weights. Errors leave every session unchanged.
#include <catch2/catch.hpp>

#include <cstring>

#include "lumen/error.hpp"
#include "lumen/lora.hpp"
#include "lumen/session.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

int32_t argmax(std::span<const float> l) {
    int32_t best = 0;
    for (size_t i = 1; i < l.size(); ++i)
        if (l[i] > l[size_t(best)]) best = int32_t(i);
    return best;
}

bool same_bits(std::span<const float> a, std::span<const float> b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Greedy continuation of `prompt` by one session alone: the logits of every step.
std::vector<std::vector<float>> alone(const std::shared_ptr<const Model>& m, const std::vector<AttachedLora>& loras,
                                      const std::vector<int32_t>& prompt, int steps) {
    Session s(m, {.n_ctx = 256, .n_threads = 2});
    s.set_loras(loras);
    std::vector<std::vector<float>> out;
    auto l = s.eval(prompt);
    for (int i = 0; i < steps; ++i) {
        out.emplace_back(l.begin(), l.end());
        const int32_t t = argmax(l);
        l = s.eval(std::span(&t, 1));
    }
    return out;
}

}  // namespace

TEST_CASE("a batched step gives each session the logits it gets alone") {
    struct Case {
        const char* model;
        bool lora;
    };
    for (const Case& c : {Case{"synth/tiny-f32.gguf", true}, Case{"synth/tiny-q4_0.gguf", false},
                          Case{"synth/tiny-q8_0.gguf", false}, Case{"synth/tiny-q4_k_m.gguf", false},
                          Case{"stories260K-quant/stories260K-q4_k_m.gguf", false}}) {
        DYNAMIC_SECTION(c.model) {
            const auto m = Model::load(model_path(c.model));
            std::vector<AttachedLora> adapter;
            if (c.lora) adapter.push_back({LoraAdapter::load(model_path("synth/tiny-lora-r8.gguf"), *m), 1.0f});
            const int V = m->config().n_vocab, steps = 6;
            // Four students: different prompt lengths, the second with the adapter.
            const std::vector<std::vector<int32_t>> prompts = {{1, 5, 9, 12, 3}, {1, 7}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 30, 31}};
            std::vector<std::vector<std::vector<float>>> expected;
            for (size_t i = 0; i < prompts.size(); ++i)
                expected.push_back(alone(m, i == 1 ? adapter : std::vector<AttachedLora>{}, prompts[i], steps));

            // Batched: sessions join one step apart, so prompts share steps with others' decoding.
            std::vector<Session> sessions;
            for (size_t i = 0; i < prompts.size(); ++i) {
                sessions.emplace_back(m, SessionOptions{.n_ctx = 256, .n_batch = i == 0 ? 64 : 4, .n_threads = 2});
                if (i == 1) sessions.back().set_loras(adapter);
            }
            std::vector<std::vector<int32_t>> next(prompts.size());
            std::vector<int> done(prompts.size(), 0);
            for (int step = 0; step < int(prompts.size()) + steps; ++step) {
                std::vector<BatchItem> items;
                std::vector<size_t> who;
                for (size_t i = 0; i < prompts.size(); ++i) {
                    if (int(i) > step || done[i] == steps) continue;
                    items.push_back({&sessions[i], int(i) == step ? std::span<const int32_t>(prompts[i])
                                                                  : std::span<const int32_t>(next[i])});
                    who.push_back(i);
                }
                if (items.empty()) continue;
                const auto logits = sessions[0].eval_batch(items);
                REQUIRE(logits.size() == items.size() * size_t(V));
                for (size_t k = 0; k < who.size(); ++k) {
                    const size_t i = who[k];
                    const auto l = logits.subspan(k * size_t(V), size_t(V));
                    CHECK(same_bits(l, expected[i][size_t(done[i])]));
                    next[i] = {argmax(l)};
                    ++done[i];
                }
            }
            for (size_t i = 0; i < prompts.size(); ++i)
                CHECK(sessions[i].position() == int(prompts[i].size()) + steps - 1);
        }
    }
}

TEST_CASE("eval_batch refuses bad batches without changing any session") {
    const auto m = Model::load(model_path("synth/tiny-f32.gguf"));
    Session a(m, {.n_ctx = 16, .n_batch = 8, .n_threads = 1}), b(m, {.n_ctx = 16, .n_batch = 8, .n_threads = 1});
    const std::vector<int32_t> two = {1, 2}, nine = {1, 2, 3, 4, 5, 6, 7, 8, 9}, bad = {1, m->config().n_vocab};
    a.eval(two);
    CHECK_THROWS_AS(a.eval_batch(std::vector<BatchItem>{{&a, two}, {&a, two}}), Error);  // twice
    CHECK_THROWS_AS(a.eval_batch(std::vector<BatchItem>{{&a, two}, {&b, nine}}), Error); // > n_batch
    CHECK_THROWS_AS(a.eval_batch(std::vector<BatchItem>{{&b, bad}}), Error);
    CHECK_THROWS_AS(a.eval_batch(std::vector<BatchItem>{}), Error);
    Session other(Model::load(model_path("synth/tiny-q8_0.gguf")), {.n_ctx = 16, .n_threads = 1});
    CHECK_THROWS_AS(a.eval_batch(std::vector<BatchItem>{{&other, two}}), Error);
    CHECK(a.position() == 2);
    CHECK(b.position() == 0);
    a.truncate(1);
    CHECK(a.position() == 1);
    CHECK_THROWS_AS(a.truncate(2), Error);
}

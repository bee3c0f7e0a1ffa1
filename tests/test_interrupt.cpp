// Interrupts: the session's abort callback is polled before each batch of a
// prompt and before each generated token's evaluation. A stopped prompt leaves
// the session exactly as before the call; a stopped generation keeps what was
// generated; either way the session (and a Chat over it) goes on as if the
// interrupted work had not been asked for.
#include <catch2/catch.hpp>

#include "lumen/chat.hpp"
#include "lumen/error.hpp"
#include "lumen/generate.hpp"
#include "lumen/vocab.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

// The bundled model, loaded once for all cases (a Model is shared read-only).
const std::shared_ptr<const Model>& stories() {
    static const std::shared_ptr<const Model> bundled = Model::load(source_dir() / "models" / "stories260K.gguf");
    return bundled;
}

const char* kText = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";

SessionOptions opts() { return {.n_ctx = 256, .n_batch = 8, .n_threads = 1}; }

std::vector<float> eval_copy(Session& s, const std::vector<int32_t>& toks) {
    const auto l = s.eval(toks);
    return {l.begin(), l.end()};
}

std::vector<int32_t> greedy(Session& s, const std::vector<int32_t>& prompt, int n, GenerateStats* stats = nullptr) {
    Sampler sampler({.temp = 0.f});
    std::vector<int32_t> out;
    const GenerateStats st = generate(s, sampler, prompt, {.n_predict = n, .stop_at_eog = false}, [&](int32_t t) {
        out.push_back(t);
        return true;
    });
    if (stats) *stats = st;
    return out;
}

}  // namespace

TEST_CASE("an abort during a prompt stops within one batch and leaves the session as it was") {
    const auto toks = stories()->vocab().encode(kText);
    REQUIRE(toks.size() > 24);  // at least 4 batches of 8
    Session ref(stories(), opts());
    const auto head = std::vector<int32_t>(toks.begin(), toks.begin() + 5);
    eval_copy(ref, head);
    const auto expected = eval_copy(ref, toks);

    Session s(stories(), opts());
    eval_copy(s, head);
    int polls = 0;
    s.set_abort_callback([&] { return ++polls == 3; });  // set while the 3rd batch is due
    CHECK_THROWS_AS(s.eval(toks), Interrupted);
    CHECK(polls == 3);  // polled before each batch: two batches ran, the third did not start
    CHECK(s.position() == 5);
    s.set_abort_callback({});
    CHECK(eval_copy(s, toks) == expected);  // as if the interrupted call never happened
    CHECK(s.position() == ref.position());
}

TEST_CASE("an abort flag already set stops a prompt before any work") {
    const auto toks = stories()->vocab().encode(kText);
    Session s(stories(), opts());
    s.set_abort_callback([] { return true; });
    CHECK_THROWS_WITH(s.eval(toks), Catch::Contains("interrupted after 0 of"));
    CHECK(s.position() == 0);
}

TEST_CASE("an abort during generation stops within one token and the session continues") {
    const auto prompt = stories()->vocab().encode("Once upon a time");
    Session ref(stories(), opts());
    const auto expected = greedy(ref, prompt, 12);

    Session s(stories(), opts());
    std::vector<int32_t> got;
    s.set_abort_callback([&] { return got.size() >= 5; });  // "Ctrl-C" right after the 5th token
    Sampler sampler({.temp = 0.f});
    const GenerateStats st = generate(s, sampler, prompt, {.n_predict = 12, .stop_at_eog = false}, [&](int32_t t) {
        got.push_back(t);
        return true;
    });
    CHECK(st.interrupted);
    CHECK(st.n_generated == 5);  // no token after the request
    CHECK(s.position() == int(prompt.size()) + 4);  // the 5th token is not evaluated yet
    s.set_abort_callback({});
    // Usable: continuing from the last token gives the uninterrupted run's tokens.
    auto rest = greedy(s, {got.back()}, 7);
    got.insert(got.end(), rest.begin(), rest.end());
    CHECK(got == expected);
}

TEST_CASE("a chat turn interrupted in its prompt or its answer leaves the chat usable") {
    Session s(stories(), opts());
    Chat chat(s, std::nullopt);
    Sampler sampler({.temp = 0.f});
    const ChatOptions co{.n_predict = 10, .context_shift = false, .ignore_eos = true};
    const auto ignore = [](std::string_view) { return true; };

    // Interrupted prompt: an error, and nothing of the turn is kept.
    s.set_abort_callback([] { return true; });
    CHECK_THROWS_AS(chat.reply(kText, sampler, co, ignore), Interrupted);
    CHECK(chat.messages().empty());
    CHECK(s.position() == 0);

    // Interrupted answer: the partial answer is kept as the assistant's message.
    std::string partial;
    s.set_abort_callback([&] { return partial.size() >= 10; });
    const GenerateStats st = chat.reply("Once upon a time", sampler, co, [&](std::string_view t) {
        partial += t;
        return true;
    });
    CHECK(st.interrupted);
    CHECK(st.n_generated < 10);
    REQUIRE(chat.messages().size() == 2);
    CHECK(chat.messages()[1].content == partial);

    // The next turn runs as in a chat whose answer was stopped at the same point
    // by its text callback (the long-standing way to stop an answer).
    s.set_abort_callback({});
    const auto next_turn = [&](Chat& c) {
        std::string out;
        c.reply(" The dog", sampler, co, [&](std::string_view t) {
            out += t;
            return true;
        });
        return out;
    };
    Session s2(stories(), opts());
    Chat other(s2, std::nullopt);
    std::string other_partial;
    other.reply("Once upon a time", sampler, co, [&](std::string_view t) {
        other_partial += t;
        return other_partial.size() < 10;
    });
    REQUIRE(other_partial == partial);
    const std::string next = next_turn(chat);
    CHECK(!next.empty());
    CHECK(next == next_turn(other));
    CHECK(s.position() == s2.position());
}

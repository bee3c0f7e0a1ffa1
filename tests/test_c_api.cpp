// The C API from a caller's side: loading three ways gives the same logits,
// progress and log callbacks, tokens and streaming text, greedy generation
// against the golden ids, KV state save/restore, chat, templates and LoRA.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lumen/lumen.h"
#include "test_helpers.hpp"

using namespace lumen::test;

namespace {

const std::string kStories = (source_dir() / "models/stories260K.gguf").string();

lumen_model* load(const std::string& path) {
    lumen_model* m = nullptr;
    REQUIRE(lumen_model_load_file(path.c_str(), nullptr, &m) == LUMEN_OK);
    return m;
}

lumen_session* session(lumen_model* m, int n_ctx = 128) {
    lumen_session_params p;
    REQUIRE(lumen_session_default_params(&p, sizeof p) == LUMEN_OK);
    p.n_ctx = n_ctx;
    p.n_threads = 1;
    lumen_session* s = nullptr;
    REQUIRE(lumen_session_create(m, &p, &s) == LUMEN_OK);
    return s;
}

std::vector<int32_t> tokenize(lumen_model* m, const std::string& text) {
    size_t n = 0;
    REQUIRE(lumen_tokenize(m, text.data(), text.size(), 1, 0, nullptr, 0, &n) == LUMEN_ERR_BUFFER_TOO_SMALL);
    std::vector<int32_t> ids(n);
    REQUIRE(lumen_tokenize(m, text.data(), text.size(), 1, 0, ids.data(), ids.size(), &n) == LUMEN_OK);
    REQUIRE(n == ids.size());
    return ids;
}

std::vector<float> logits_after(lumen_model* m, const std::vector<int32_t>& ids) {
    lumen_session* s = session(m);
    REQUIRE(lumen_session_eval(s, ids.data(), ids.size()) == LUMEN_OK);
    const float* l = nullptr;
    int32_t n = 0;
    REQUIRE(lumen_session_logits(s, &l, &n) == LUMEN_OK);
    std::vector<float> out(l, l + n);
    lumen_session_free(s);
    return out;
}

int32_t greedy(lumen_session* s) {
    const float* l = nullptr;
    int32_t n = 0;
    REQUIRE(lumen_session_logits(s, &l, &n) == LUMEN_OK);
    return int32_t(std::max_element(l, l + n) - l);
}

}  // namespace

TEST_CASE("C API: version numbers match the header") {
    CHECK(lumen_api_version() == LUMEN_API_VERSION);
    CHECK(std::string(lumen_version()).find("(C API 1.0)") != std::string::npos);
    CHECK(std::string(lumen_status_name(LUMEN_ERR_CLOSED)) == "LUMEN_ERR_CLOSED");
}

TEST_CASE("C API: loading from a path, a buffer and a fd gives the same logits") {
    lumen_model* from_path = load(kStories);
    const auto ids = tokenize(from_path, "Once upon a time");
    const auto want = logits_after(from_path, ids);
    REQUIRE(want.size() == 512);

    const auto bytes = read_bytes(kStories);
    lumen_model* from_buffer = nullptr;
    REQUIRE(lumen_model_load_buffer(bytes.data(), bytes.size(), nullptr, &from_buffer) == LUMEN_OK);
    CHECK(logits_after(from_buffer, ids) == want);

    const int fd = ::open(kStories.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    lumen_model* from_fd = nullptr;
    REQUIRE(lumen_model_load_fd(fd, 0, 0, nullptr, &from_fd) == LUMEN_OK);
    ::close(fd);
    CHECK(logits_after(from_fd, ids) == want);

    lumen_model_info info{};
    info.struct_size = sizeof info;
    REQUIRE(lumen_model_get_info(from_fd, &info) == LUMEN_OK);
    CHECK(std::string(info.arch) == "llama");
    CHECK(info.n_vocab == 512);
    CHECK(info.n_layer == 5);
    CHECK(info.bos == 1);
    CHECK(info.eos == 2);
    int end = -1;
    REQUIRE(lumen_token_is_end(from_fd, 2, &end) == LUMEN_OK);
    CHECK(end == 1);
    REQUIRE(lumen_token_is_end(from_fd, 100, &end) == LUMEN_OK);
    CHECK(end == 0);
    for (lumen_model* m : {from_path, from_buffer, from_fd}) lumen_model_free(m);
}

TEST_CASE("C API: progress reaches 1, the log callback gets the load line") {
    struct Seen {
        std::vector<float> progress;
        std::vector<std::string> log;
    } seen;
    lumen_model_params p;
    REQUIRE(lumen_model_default_params(&p, sizeof p) == LUMEN_OK);
    CHECK(p.struct_size == sizeof p);
    CHECK(p.repack == 1);
    p.progress = [](float f, void* u) {
        static_cast<Seen*>(u)->progress.push_back(f);
        return 1;
    };
    p.progress_user_data = &seen;
    p.log = [](lumen_log_level, const char* msg, void* u) { static_cast<Seen*>(u)->log.emplace_back(msg); };
    p.log_user_data = &seen;
    lumen_model* m = nullptr;
    REQUIRE(lumen_model_load_file(kStories.c_str(), &p, &m) == LUMEN_OK);
    REQUIRE(seen.progress.size() >= 3);
    CHECK(seen.progress.front() == 0.0f);
    CHECK(seen.progress.back() == 1.0f);
    REQUIRE(seen.log.size() == 1);
    CHECK(seen.log[0].find("stories260K.gguf: llama, 5 layers") != std::string::npos);
    lumen_model_free(m);
}

TEST_CASE("C API: greedy generation gives the golden ids; streamed text equals the whole decode") {
    lumen_model* m = load(kStories);
    lumen_session* s = session(m, 64);
    lumen_sampler_params sp;
    REQUIRE(lumen_sampler_default_params(&sp, sizeof sp) == LUMEN_OK);
    CHECK(sp.top_k == 40);
    CHECK(sp.temp == Approx(0.8f));
    sp.temp = 0.f;
    lumen_sampler* sampler = nullptr;
    REQUIRE(lumen_sampler_create(&sp, &sampler) == LUMEN_OK);
    auto ids = tokenize(m, "Once upon a time");
    REQUIRE(lumen_session_eval(s, ids.data(), ids.size()) == LUMEN_OK);
    std::vector<int32_t> got;
    for (int i = 0; i < 8; ++i) {
        int32_t t = -1;
        REQUIRE(lumen_sampler_sample(sampler, s, &t) == LUMEN_OK);
        got.push_back(t);
        REQUIRE(lumen_session_eval(s, &t, 1) == LUMEN_OK);
    }
    CHECK(got == std::vector<int32_t>{432, 383, 286, 261, 376, 298, 315, 421});  // as tests/package
    int32_t pos = 0;
    REQUIRE(lumen_session_position(s, &pos) == LUMEN_OK);
    CHECK(pos == int32_t(ids.size()) + 8);

    size_t len = 0;
    REQUIRE(lumen_detokenize(m, got.data(), got.size(), nullptr, 0, &len) == LUMEN_ERR_BUFFER_TOO_SMALL);
    std::string whole(len + 1, '\0');
    REQUIRE(lumen_detokenize(m, got.data(), got.size(), whole.data(), whole.size(), &len) == LUMEN_OK);
    whole.resize(len);
    CHECK(whole.size() > 10);
    lumen_detokenizer* d = nullptr;
    REQUIRE(lumen_detokenizer_create(m, &d) == LUMEN_OK);
    std::string streamed;
    for (int32_t t : got) {
        const char* piece = nullptr;
        size_t n = 0;
        REQUIRE(lumen_detokenizer_push(d, t, &piece, &n) == LUMEN_OK);
        streamed.append(piece, n);
    }
    const char* rest = nullptr;
    size_t n = 0;
    REQUIRE(lumen_detokenizer_flush(d, &rest, &n) == LUMEN_OK);
    streamed.append(rest, n);
    CHECK(streamed == whole);

    SECTION("context shift drops tokens and generation goes on") {
        REQUIRE(lumen_session_shift_context(s, 1, 4) == LUMEN_OK);
        REQUIRE(lumen_session_position(s, &pos) == LUMEN_OK);
        CHECK(pos == int32_t(ids.size()) + 4);
        int32_t t = 0;
        CHECK(lumen_session_logits(s, nullptr, nullptr) == LUMEN_ERR_INVALID_ARGUMENT);
        REQUIRE(lumen_session_eval(s, &got.back(), 1) == LUMEN_OK);
        REQUIRE(lumen_sampler_sample(sampler, s, &t) == LUMEN_OK);
        CHECK(t >= 0);
        REQUIRE(lumen_session_reset(s) == LUMEN_OK);
        REQUIRE(lumen_session_position(s, &pos) == LUMEN_OK);
        CHECK(pos == 0);
    }
    lumen_detokenizer_free(d);
    lumen_sampler_free(sampler);
    lumen_session_free(s);
    lumen_model_free(m);
}

TEST_CASE("C API: a KV state saved to a buffer resumes with the same next tokens") {
    lumen_model* m = load(kStories);
    lumen_session* a = session(m);
    const auto ids = tokenize(m, "Lily and her dog went to the park");
    REQUIRE(lumen_session_eval(a, ids.data(), ids.size()) == LUMEN_OK);
    int32_t next = greedy(a);
    size_t size = 0;
    REQUIRE(lumen_session_save_state(a, nullptr, 0, &size) == LUMEN_ERR_BUFFER_TOO_SMALL);
    std::vector<unsigned char> state(size);
    REQUIRE(lumen_session_save_state(a, state.data(), state.size(), &size) == LUMEN_OK);
    std::vector<int32_t> want;
    for (int i = 0, t = next; i < 6; ++i) {
        want.push_back(t);
        REQUIRE(lumen_session_eval(a, &t, 1) == LUMEN_OK);
        t = greedy(a);
    }
    lumen_session_free(a);

    lumen_session* b = session(m);
    REQUIRE(lumen_session_load_state(b, state.data(), state.size()) == LUMEN_OK);
    int32_t pos = 0;
    REQUIRE(lumen_session_position(b, &pos) == LUMEN_OK);
    CHECK(pos == int32_t(ids.size()));
    std::vector<int32_t> got;
    for (int i = 0, t = next; i < 6; ++i) {
        got.push_back(t);
        REQUIRE(lumen_session_eval(b, &t, 1) == LUMEN_OK);
        t = greedy(b);
    }
    CHECK(got == want);
    lumen_session_free(b);
    lumen_model_free(m);
}

TEST_CASE("C API: a chat streams its reply; returning 0 from the callback stops it") {
    lumen_model* m = load(kStories);
    lumen_session* s = session(m);
    lumen_sampler_params sp;
    lumen_sampler_default_params(&sp, sizeof sp);
    sp.temp = 0.f;
    lumen_sampler* sampler = nullptr;
    REQUIRE(lumen_sampler_create(&sp, &sampler) == LUMEN_OK);
    lumen_chat* chat = nullptr;
    REQUIRE(lumen_chat_create(s, nullptr, nullptr, &chat) == LUMEN_OK);  // stories260K: no template, plain
    std::string text;
    int32_t n = 0;
    auto collect = [](const char* piece, size_t len, void* u) {
        static_cast<std::string*>(u)->append(piece, len);
        return 1;
    };
    REQUIRE(lumen_chat_reply(chat, sampler, "Once upon a time", 12, collect, &text, &n) == LUMEN_OK);
    CHECK(n == 12);
    CHECK(text.size() > 20);

    // Same reply again after a reset, stopped after the first piece.
    REQUIRE(lumen_chat_reset(chat) == LUMEN_OK);
    std::string first;
    auto stop_at_once = [](const char* piece, size_t len, void* u) {
        static_cast<std::string*>(u)->append(piece, len);
        return 0;
    };
    REQUIRE(lumen_chat_reply(chat, sampler, "Once upon a time", 12, stop_at_once, &first, &n) == LUMEN_OK);
    CHECK(n == 1);
    CHECK(!first.empty());
    CHECK(text.rfind(first, 0) == 0);  // the first piece of the same greedy answer

    // The chat keeps the session alive after the session handle is freed.
    lumen_session_free(s);
    REQUIRE(lumen_chat_reply(chat, sampler, " The end.", 3, nullptr, nullptr, &n) == LUMEN_OK);
    CHECK(n == 3);
    lumen_chat_free(chat);
    lumen_sampler_free(sampler);
    lumen_model_free(m);
}

TEST_CASE("C API: chat templates render the family's exact text") {
    const lumen_chat_message msgs[] = {{"system", "Be brief."}, {"user", "Hi"}};
    size_t len = 0;
    char buf[256];
    REQUIRE(lumen_chat_apply_template(nullptr, "chatml", msgs, 2, 1, buf, sizeof buf, &len) == LUMEN_OK);
    CHECK(std::string(buf, len) ==
          "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    CHECK(std::string(buf) == std::string(buf, len));
    REQUIRE(lumen_chat_apply_template(nullptr, "chatml", msgs, 2, 1, buf, 10, &len) == LUMEN_ERR_BUFFER_TOO_SMALL);
    CHECK(len == 91);
}

TEST_CASE("C API: a LoRA changes only the sessions it is attached to, with its scale") {
    lumen_model* m = load(model_path("synth/tiny-f32.gguf").string());
    lumen_lora* lora = nullptr;
    REQUIRE(lumen_lora_load(m, model_path("synth/tiny-lora-r8.gguf").string().c_str(), &lora) == LUMEN_OK);
    const std::vector<int32_t> ids = {1, 5, 9, 13};
    const auto base = logits_after(m, ids);
    lumen_session* s = session(m, 32);
    auto eval = [&] {
        REQUIRE(lumen_session_reset(s) == LUMEN_OK);
        REQUIRE(lumen_session_eval(s, ids.data(), ids.size()) == LUMEN_OK);
        const float* l = nullptr;
        int32_t n = 0;
        REQUIRE(lumen_session_logits(s, &l, &n) == LUMEN_OK);
        return std::vector<float>(l, l + n);
    };
    REQUIRE(lumen_session_attach_lora(s, lora, 1.0f) == LUMEN_OK);
    const auto full = eval();
    CHECK(full != base);
    REQUIRE(lumen_session_attach_lora(s, lora, 0.5f) == LUMEN_OK);  // same adapter: new scale
    const auto half = eval();
    CHECK(half != full);
    CHECK(half != base);
    CHECK(logits_after(m, ids) == base);  // other sessions are unaffected
    REQUIRE(lumen_session_detach_lora(s, lora) == LUMEN_OK);
    CHECK(eval() == base);
    CHECK(lumen_session_detach_lora(s, lora) == LUMEN_ERR_INVALID_ARGUMENT);
    lumen_lora_free(lora);  // after detaching; attached adapters are kept alive by the session anyway
    lumen_session_free(s);
    lumen_model_free(m);
}

// Every C function, given NULL handles, bad files, bad token ids, a closed
// session or an aborted load, returns an error status and leaves a message in
// lumen_last_error() that names the problem — never a crash.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lumen/lumen.h"
#include "test_helpers.hpp"

using namespace lumen::test;

namespace {

const std::string kStories = (source_dir() / "models/stories260K.gguf").string();

// Checks the status and that the message contains every given part.
void expect(lumen_status got, lumen_status want, std::initializer_list<const char*> parts) {
    INFO("status " << lumen_status_name(got) << ", message: " << lumen_last_error());
    CHECK(got == want);
    for (const char* p : parts) CHECK(std::string(lumen_last_error()).find(p) != std::string::npos);
}

}  // namespace

TEST_CASE("C API errors: NULL handles and out-parameters are refused by name") {
    const int32_t tok = 1;
    const float* logits = nullptr;
    int32_t i32 = 0;
    size_t size = 0;
    int flag = 0;
    char buf[16];
    const char* text = nullptr;
    lumen_model* model = nullptr;
    lumen_session* session = nullptr;
    lumen_sampler* sampler = nullptr;
    lumen_chat* chat = nullptr;
    lumen_lora* lora = nullptr;
    lumen_detokenizer* detok = nullptr;
    const auto E = LUMEN_ERR_INVALID_ARGUMENT;
    expect(lumen_model_load_file(nullptr, nullptr, &model), E, {"lumen_model_load_file", "path is NULL"});
    CHECK(model == nullptr);
    expect(lumen_model_load_file(kStories.c_str(), nullptr, nullptr), E, {"out is NULL"});
    expect(lumen_model_load_buffer(nullptr, 10, nullptr, &model), E, {"lumen_model_load_buffer", "data is NULL"});
    expect(lumen_model_default_params(nullptr, 0), E, {"lumen_model_default_params", "params is NULL"});
    expect(lumen_model_get_info(nullptr, nullptr), E, {"lumen_model_get_info", "model is NULL"});
    expect(lumen_token_is_end(nullptr, 1, &flag), E, {"lumen_token_is_end", "model is NULL"});
    expect(lumen_tokenize(nullptr, "a", 1, 1, 0, nullptr, 0, &size), E, {"lumen_tokenize", "model is NULL"});
    expect(lumen_detokenize(nullptr, &tok, 1, buf, sizeof buf, &size), E, {"lumen_detokenize", "model is NULL"});
    expect(lumen_detokenizer_create(nullptr, &detok), E, {"lumen_detokenizer_create", "model is NULL"});
    expect(lumen_detokenizer_push(nullptr, 1, &text, &size), E, {"lumen_detokenizer_push", "detokenizer is NULL"});
    expect(lumen_detokenizer_flush(nullptr, &text, &size), E, {"lumen_detokenizer_flush", "detokenizer is NULL"});
    expect(lumen_session_create(nullptr, nullptr, &session), E, {"lumen_session_create", "model is NULL"});
    CHECK(session == nullptr);
    expect(lumen_session_close(nullptr), E, {"lumen_session_close", "session is NULL"});
    expect(lumen_session_eval(nullptr, &tok, 1), E, {"lumen_session_eval", "session is NULL"});
    expect(lumen_session_logits(nullptr, &logits, &i32), E, {"lumen_session_logits", "session is NULL"});
    expect(lumen_session_position(nullptr, &i32), E, {"lumen_session_position", "session is NULL"});
    expect(lumen_session_context_size(nullptr, &i32), E, {"lumen_session_context_size", "session is NULL"});
    expect(lumen_session_reset(nullptr), E, {"lumen_session_reset", "session is NULL"});
    expect(lumen_session_shift_context(nullptr, 0, 1), E, {"lumen_session_shift_context", "session is NULL"});
    expect(lumen_session_save_state(nullptr, buf, sizeof buf, &size), E, {"lumen_session_save_state", "session is NULL"});
    expect(lumen_session_load_state(nullptr, buf, sizeof buf), E, {"lumen_session_load_state", "session is NULL"});
    expect(lumen_lora_load(nullptr, "x.gguf", &lora), E, {"lumen_lora_load", "model is NULL"});
    expect(lumen_session_attach_lora(nullptr, lora, 1.f), E, {"lumen_session_attach_lora", "session is NULL"});
    expect(lumen_session_detach_lora(nullptr, lora), E, {"lumen_session_detach_lora", "session is NULL"});
    expect(lumen_sampler_default_params(nullptr, 0), E, {"lumen_sampler_default_params", "params is NULL"});
    expect(lumen_sampler_create(nullptr, nullptr), E, {"lumen_sampler_create", "out is NULL"});
    expect(lumen_sampler_sample(nullptr, session, &i32), E, {"lumen_sampler_sample", "sampler is NULL"});
    expect(lumen_sampler_accept(nullptr, 1), E, {"lumen_sampler_accept", "sampler is NULL"});
    expect(lumen_sampler_reset(nullptr), E, {"lumen_sampler_reset", "sampler is NULL"});
    expect(lumen_chat_apply_template(nullptr, nullptr, nullptr, 0, 1, buf, sizeof buf, &size), E,
           {"lumen_chat_apply_template", "model (needed when template_name is NULL) is NULL"});
    expect(lumen_chat_create(nullptr, nullptr, nullptr, &chat), E, {"lumen_chat_create", "session is NULL"});
    expect(lumen_chat_reply(nullptr, sampler, "hi", 4, nullptr, nullptr, nullptr), E, {"lumen_chat_reply", "chat is NULL"});
    expect(lumen_chat_reset(nullptr), E, {"lumen_chat_reset", "chat is NULL"});
    // The free functions accept NULL.
    lumen_model_free(nullptr);
    lumen_session_free(nullptr);
    lumen_sampler_free(nullptr);
    lumen_chat_free(nullptr);
    lumen_lora_free(nullptr);
    lumen_detokenizer_free(nullptr);
}

TEST_CASE("C API errors: bad files are IO or bad-model errors naming the file") {
    TempDir tmp;
    lumen_model* model = nullptr;
    const std::string missing = (tmp.path / "missing.gguf").string();
    expect(lumen_model_load_file(missing.c_str(), nullptr, &model), LUMEN_ERR_IO, {"missing.gguf", "cannot open"});
    expect(lumen_model_load_file(tmp.path.string().c_str(), nullptr, &model), LUMEN_ERR_IO, {"not a regular file"});
    const auto text_file = tmp.path / "notes.gguf";
    {
        std::FILE* f = std::fopen(text_file.string().c_str(), "w");
        std::fputs("this is not a model at all, just some text in a file", f);
        std::fclose(f);
    }
    expect(lumen_model_load_file(text_file.string().c_str(), nullptr, &model), LUMEN_ERR_BAD_MODEL, {"notes.gguf"});
    const char junk[] = "GGUF but not really";
    expect(lumen_model_load_buffer(junk, sizeof junk, nullptr, &model), LUMEN_ERR_BAD_MODEL, {"model buffer"});
    expect(lumen_model_load_fd(-1, 0, 0, nullptr, &model), LUMEN_ERR_IO, {"invalid file descriptor -1"});
    const auto adapter = model_path("synth/tiny-lora-r8.gguf").string();
    expect(lumen_model_load_file(adapter.c_str(), nullptr, &model), LUMEN_ERR_BAD_MODEL, {"LoRA adapter, not a model"});
    CHECK(model == nullptr);

    lumen_model* stories = nullptr;
    REQUIRE(lumen_model_load_file(kStories.c_str(), nullptr, &stories) == LUMEN_OK);
    lumen_lora* lora = nullptr;
    expect(lumen_lora_load(stories, adapter.c_str(), &lora), LUMEN_ERR_BAD_MODEL, {"tiny-lora-r8.gguf"});
    CHECK(lora == nullptr);
    lumen_model_params p{};
    p.struct_size = 3;
    expect(lumen_model_load_file(kStories.c_str(), &p, &model), LUMEN_ERR_INVALID_ARGUMENT, {"struct_size 3"});
    lumen_model_free(stories);
}

TEST_CASE("C API errors: an aborted load returns LUMEN_ERR_ABORTED and no model") {
    for (int allowed : {0, 2}) {
        lumen_model_params p;
        lumen_model_default_params(&p, sizeof p);
        int calls = 0;
        p.progress_user_data = &calls;
        p.progress = allowed == 0 ? [](float, void* u) { return ++*static_cast<int*>(u), 0; }
                                  : [](float, void* u) { return int(++*static_cast<int*>(u) <= 2); };
        lumen_model* model = nullptr;
        expect(lumen_model_load_file(kStories.c_str(), &p, &model), LUMEN_ERR_ABORTED, {"aborted by the progress callback"});
        CHECK(model == nullptr);
        CHECK(calls == allowed + 1);
    }
}

TEST_CASE("C API errors: bad token ids, full contexts and bad states leave the session usable") {
    lumen_model* m = nullptr;
    REQUIRE(lumen_model_load_file(kStories.c_str(), nullptr, &m) == LUMEN_OK);
    lumen_session_params sp;
    lumen_session_default_params(&sp, sizeof sp);
    sp.n_ctx = 8;
    sp.n_threads = 1;
    lumen_session* s = nullptr;
    REQUIRE(lumen_session_create(m, &sp, &s) == LUMEN_OK);
    const int32_t bad[] = {1, 512};
    expect(lumen_session_eval(s, bad, 2), LUMEN_ERR_INVALID_ARGUMENT, {"token id 512 (at index 1)", "0..511"});
    const int32_t negative = -3;
    expect(lumen_session_eval(s, &negative, 1), LUMEN_ERR_INVALID_ARGUMENT, {"token id -3"});
    expect(lumen_session_eval(s, bad, 0), LUMEN_ERR_INVALID_ARGUMENT, {"no tokens"});
    size_t len = 0;
    char buf[64];
    expect(lumen_detokenize(m, bad, 2, buf, sizeof buf, &len), LUMEN_ERR_INVALID_ARGUMENT, {"lumen_detokenize", "token id 512"});
    int flag = 0;
    expect(lumen_token_is_end(m, 9999, &flag), LUMEN_ERR_INVALID_ARGUMENT, {"token id 9999"});
    lumen_detokenizer* d = nullptr;
    REQUIRE(lumen_detokenizer_create(m, &d) == LUMEN_OK);
    const char* text = nullptr;
    expect(lumen_detokenizer_push(d, -1, &text, &len), LUMEN_ERR_INVALID_ARGUMENT, {"token id -1"});
    lumen_detokenizer_free(d);
    lumen_sampler* sampler = nullptr;
    REQUIRE(lumen_sampler_create(nullptr, &sampler) == LUMEN_OK);
    expect(lumen_sampler_accept(sampler, -7), LUMEN_ERR_INVALID_ARGUMENT, {"token id -7"});
    int32_t tok = 0;
    expect(lumen_sampler_sample(sampler, s, &tok), LUMEN_ERR_INVALID_ARGUMENT, {"no logits"});
    lumen_sampler_params bad_params;
    lumen_sampler_default_params(&bad_params, sizeof bad_params);
    bad_params.top_p = 2.f;
    lumen_sampler* bad_sampler = nullptr;
    expect(lumen_sampler_create(&bad_params, &bad_sampler), LUMEN_ERR_INVALID_ARGUMENT, {"top_p"});

    const int32_t nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    expect(lumen_session_eval(s, nine, 9), LUMEN_ERR_CONTEXT_FULL, {"context full", "9 new tokens", "of 8"});
    expect(lumen_session_shift_context(s, 0, 1), LUMEN_ERR_INVALID_ARGUMENT, {"cannot keep 0 and discard 1 of 0"});
    expect(lumen_session_load_state(s, "garbage!", 8), LUMEN_ERR_INVALID_ARGUMENT, {"session state", "too short"});
    int32_t pos = -1;
    REQUIRE(lumen_session_position(s, &pos) == LUMEN_OK);
    CHECK(pos == 0);
    REQUIRE(lumen_session_eval(s, nine, 8) == LUMEN_OK);  // still usable
    expect(lumen_session_eval(s, nine, 1), LUMEN_ERR_CONTEXT_FULL, {"8 of 8 positions used"});
    expect(lumen_session_save_state(s, buf, sizeof buf, &len), LUMEN_ERR_BUFFER_TOO_SMALL, {"the buffer holds 64 bytes"});
    CHECK(len > 64);

    lumen_chat* chat = nullptr;
    expect(lumen_chat_create(s, "no-such-family", nullptr, &chat), LUMEN_ERR_INVALID_ARGUMENT, {"unknown chat template 'no-such-family'"});
    REQUIRE(lumen_chat_create(s, "", nullptr, &chat) == LUMEN_OK);
    std::string long_text(200, 'a');
    expect(lumen_chat_reply(chat, sampler, long_text.c_str(), 4, nullptr, nullptr, nullptr), LUMEN_ERR_CONTEXT_FULL, {"context"});
    expect(lumen_chat_reply(chat, sampler, "hi", -2, nullptr, nullptr, nullptr), LUMEN_ERR_INVALID_ARGUMENT, {"n_predict"});

    SECTION("a closed session refuses every call, and so does its chat") {
        REQUIRE(lumen_session_close(s) == LUMEN_OK);
        const float* logits = nullptr;
        const auto C = LUMEN_ERR_CLOSED;
        expect(lumen_session_eval(s, nine, 1), C, {"lumen_session_eval", "the session is closed"});
        expect(lumen_session_logits(s, &logits, &pos), C, {"lumen_session_logits", "closed"});
        expect(lumen_session_position(s, &pos), C, {"lumen_session_position", "closed"});
        expect(lumen_session_context_size(s, &pos), C, {"lumen_session_context_size", "closed"});
        expect(lumen_session_reset(s), C, {"lumen_session_reset", "closed"});
        expect(lumen_session_shift_context(s, 0, 1), C, {"lumen_session_shift_context", "closed"});
        expect(lumen_session_save_state(s, buf, sizeof buf, &len), C, {"lumen_session_save_state", "closed"});
        expect(lumen_session_load_state(s, buf, sizeof buf), C, {"lumen_session_load_state", "closed"});
        expect(lumen_session_close(s), C, {"lumen_session_close", "closed"});
        expect(lumen_sampler_sample(sampler, s, &tok), C, {"lumen_sampler_sample", "closed"});
        lumen_lora* lora = nullptr;
        expect(lumen_session_attach_lora(s, lora, 1.f), C, {"lumen_session_attach_lora", "closed"});
        expect(lumen_session_detach_lora(s, lora), C, {"lumen_session_detach_lora", "closed"});
        lumen_chat* other = nullptr;
        expect(lumen_chat_create(s, nullptr, nullptr, &other), C, {"lumen_chat_create", "closed"});
        expect(lumen_chat_reply(chat, sampler, "hi", 4, nullptr, nullptr, nullptr), C, {"the chat's session is closed"});
        expect(lumen_chat_reset(chat), C, {"the chat's session is closed"});
    }
    lumen_chat_free(chat);
    lumen_sampler_free(sampler);
    lumen_session_free(s);
    lumen_model_free(m);
}

// C API: text <-> tokens, whole or streamed.
#include <string>
#include <vector>

#include "c_api/handles.hpp"

using namespace lumen;
using namespace lumen::c_api;

namespace {

void check_token(const Vocab& v, int32_t t, const char* function) {
    if (t < 0 || t >= v.size())
        fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": token id " + std::to_string(t) +
                                             " is outside the vocabulary (0.." + std::to_string(v.size() - 1) + ")");
}

}  // namespace

extern "C" {

lumen_status lumen_tokenize(const lumen_model* model, const char* text, size_t text_len, int add_special,
                            int parse_special, int32_t* tokens, size_t capacity, size_t* n_tokens) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(model, "lumen_tokenize", "model");
        require_handle(n_tokens, "lumen_tokenize", "n_tokens");
        if (text == nullptr && text_len > 0) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_tokenize: text is NULL");
        const auto ids = model->model->vocab().encode(std::string_view(text ? text : "", text_len), add_special != 0,
                                                      parse_special != 0);
        *n_tokens = ids.size();
        if (tokens == nullptr || capacity < ids.size())
            fail(LUMEN_ERR_BUFFER_TOO_SMALL, "lumen_tokenize: room for " + std::to_string(capacity) + " tokens, " +
                                                 std::to_string(ids.size()) + " are needed");
        std::copy(ids.begin(), ids.end(), tokens);
    });
}

lumen_status lumen_detokenize(const lumen_model* model, const int32_t* tokens, size_t n_tokens, char* buf,
                              size_t capacity, size_t* len) {
    lumen_status st = LUMEN_OK;
    const lumen_status g = guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(model, "lumen_detokenize", "model");
        if (tokens == nullptr && n_tokens > 0) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_detokenize: tokens is NULL");
        const Vocab& v = model->model->vocab();
        std::vector<int32_t> ids(tokens, tokens + n_tokens);
        for (int32_t t : ids) check_token(v, t, "lumen_detokenize");
        st = copy_out(v.decode(ids), buf, capacity, len, "lumen_detokenize");
    });
    return g != LUMEN_OK ? g : st;
}

lumen_status lumen_detokenizer_create(const lumen_model* model, lumen_detokenizer** out) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        require_handle(out, "lumen_detokenizer_create", "out");
        *out = nullptr;
        require_handle(model, "lumen_detokenizer_create", "model");
        *out = new lumen_detokenizer{model->model, StreamDecoder(model->model->vocab()), {}};
    });
}

lumen_status lumen_detokenizer_push(lumen_detokenizer* d, int32_t token, const char** text, size_t* len) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(d, "lumen_detokenizer_push", "detokenizer");
        require_handle(text, "lumen_detokenizer_push", "text");
        require_handle(len, "lumen_detokenizer_push", "len");
        check_token(d->model->vocab(), token, "lumen_detokenizer_push");
        d->text = d->decoder.push(token);
        *text = d->text.c_str();
        *len = d->text.size();
    });
}

lumen_status lumen_detokenizer_flush(lumen_detokenizer* d, const char** text, size_t* len) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(d, "lumen_detokenizer_flush", "detokenizer");
        require_handle(text, "lumen_detokenizer_flush", "text");
        require_handle(len, "lumen_detokenizer_flush", "len");
        d->text = d->decoder.flush();
        *text = d->text.c_str();
        *len = d->text.size();
    });
}

void lumen_detokenizer_free(lumen_detokenizer* d) { delete d; }

}  // extern "C"

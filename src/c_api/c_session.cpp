// C API: sessions — eval and logits, position, reset, context shift, KV state
// save/restore, close — and per-session LoRA adapters.
#include <string>
#include <vector>

#include "c_api/handles.hpp"

using namespace lumen;
using namespace lumen::c_api;

namespace {

lumen_session_params session_defaults() {
    return {.struct_size = sizeof(lumen_session_params), .n_ctx = 0, .n_batch = 512, .n_threads = 0};
}

}  // namespace

extern "C" {

lumen_status lumen_session_default_params(lumen_session_params* params, size_t size) {
    return write_defaults(params, size, session_defaults(), "lumen_session_default_params");
}

lumen_status lumen_session_create(lumen_model* model, const lumen_session_params* params, lumen_session** out) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(out, "lumen_session_create", "out");
        *out = nullptr;
        require_handle(model, "lumen_session_create", "model");
        const lumen_session_params p = read_params(params, session_defaults(), "lumen_session_create");
        if (p.n_ctx < 0 || p.n_batch < 0 || p.n_threads < 0)
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_session_create: n_ctx, n_batch and n_threads must not be negative");
        SessionOptions o;
        o.n_ctx = p.n_ctx;
        o.n_batch = p.n_batch == 0 ? 512 : p.n_batch;
        o.n_threads = p.n_threads;
        auto state = std::make_shared<SessionState>();
        state->session = std::make_unique<Session>(model->model, o);
        state->log = model->log;
        state->log_user_data = model->log_user_data;
        *out = new lumen_session{std::move(state)};
    });
}

lumen_status lumen_session_close(lumen_session* session) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        open_session(session, "lumen_session_close");
        session->state->logits = {};
        session->state->session.reset();
    });
}

void lumen_session_free(lumen_session* session) { delete session; }

lumen_status lumen_session_eval(lumen_session* session, const int32_t* tokens, size_t n_tokens) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        Session& s = open_session(session, "lumen_session_eval");
        if (tokens == nullptr) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_session_eval: tokens is NULL");
        if (n_tokens == 0) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_session_eval: no tokens given");
        const int32_t n_vocab = s.model().config().n_vocab;
        for (size_t i = 0; i < n_tokens; ++i)
            if (tokens[i] < 0 || tokens[i] >= n_vocab)
                fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_session_eval: token id " + std::to_string(tokens[i]) +
                                                     " (at index " + std::to_string(i) +
                                                     ") is outside the vocabulary (0.." +
                                                     std::to_string(n_vocab - 1) + ")");
        if (n_tokens > size_t(s.context_size() - s.position()))
            fail(LUMEN_ERR_CONTEXT_FULL, "lumen_session_eval: context full: " + std::to_string(n_tokens) +
                                             " new tokens do not fit (" + std::to_string(s.position()) + " of " +
                                             std::to_string(s.context_size()) + " positions used)");
        session->state->logits = s.eval({tokens, n_tokens});
    });
}

lumen_status lumen_session_logits(lumen_session* session, const float** logits, int32_t* n_vocab) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        open_session(session, "lumen_session_logits");
        require_handle(logits, "lumen_session_logits", "logits");
        if (session->state->logits.empty())
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_session_logits: no logits yet (call lumen_session_eval first)");
        *logits = session->state->logits.data();
        if (n_vocab) *n_vocab = int32_t(session->state->logits.size());
    });
}

lumen_status lumen_session_position(const lumen_session* session, int32_t* position) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        const Session& s = open_session(session, "lumen_session_position");
        require_handle(position, "lumen_session_position", "position");
        *position = s.position();
    });
}

lumen_status lumen_session_context_size(const lumen_session* session, int32_t* n_ctx) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        const Session& s = open_session(session, "lumen_session_context_size");
        require_handle(n_ctx, "lumen_session_context_size", "n_ctx");
        *n_ctx = s.context_size();
    });
}

lumen_status lumen_session_reset(lumen_session* session) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        open_session(session, "lumen_session_reset").reset();
        session->state->logits = {};
    });
}

lumen_status lumen_session_shift_context(lumen_session* session, int32_t n_keep, int32_t n_discard) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        open_session(session, "lumen_session_shift_context").shift_context(n_keep, n_discard);
        session->state->logits = {};
    });
}

lumen_status lumen_session_save_state(lumen_session* session, void* buf, size_t capacity, size_t* size) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        const Session& s = open_session(session, "lumen_session_save_state");
        require_handle(size, "lumen_session_save_state", "size");
        const std::vector<std::byte> state = s.save_state();
        *size = state.size();
        if (buf == nullptr || capacity < state.size())
            fail(LUMEN_ERR_BUFFER_TOO_SMALL, "lumen_session_save_state: the buffer holds " + std::to_string(capacity) +
                                                 " bytes, the state needs " + std::to_string(state.size()));
        std::memcpy(buf, state.data(), state.size());
    });
}

lumen_status lumen_session_load_state(lumen_session* session, const void* data, size_t size) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        Session& s = open_session(session, "lumen_session_load_state");
        require_handle(data, "lumen_session_load_state", "data");
        s.load_state({static_cast<const std::byte*>(data), size});
        session->state->logits = {};
    });
}

lumen_status lumen_lora_load(lumen_model* model, const char* path, lumen_lora** out) {
    return guard(LUMEN_ERR_BAD_MODEL, [&] {
        require_handle(out, "lumen_lora_load", "out");
        *out = nullptr;
        require_handle(model, "lumen_lora_load", "model");
        require_handle(path, "lumen_lora_load", "path");
        *out = new lumen_lora{LoraAdapter::load(path, *model->model)};
    });
}

void lumen_lora_free(lumen_lora* lora) { delete lora; }

lumen_status lumen_session_attach_lora(lumen_session* session, lumen_lora* lora, float scale) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        Session& s = open_session(session, "lumen_session_attach_lora");
        require_handle(lora, "lumen_session_attach_lora", "lora");
        std::vector<AttachedLora> list = s.loras();
        bool found = false;
        for (auto& l : list)
            if (l.adapter == lora->adapter) l.scale = scale, found = true;
        if (!found) list.push_back({lora->adapter, scale});
        s.set_loras(std::move(list));  // throws (nothing changed) if the adapter does not fit
    });
}

lumen_status lumen_session_detach_lora(lumen_session* session, lumen_lora* lora) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        Session& s = open_session(session, "lumen_session_detach_lora");
        require_handle(lora, "lumen_session_detach_lora", "lora");
        std::vector<AttachedLora> list = s.loras();
        std::erase_if(list, [&](const AttachedLora& l) { return l.adapter == lora->adapter; });
        if (list.size() == s.loras().size())
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_session_detach_lora: this adapter is not attached to the session");
        s.set_loras(std::move(list));
    });
}

}  // extern "C"

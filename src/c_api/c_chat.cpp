// C API: chat templates and chat turns with a streaming text callback.
#include <string>
#include <vector>

#include "c_api/handles.hpp"

using namespace lumen;
using namespace lumen::c_api;

namespace {

// The template a C caller asked for: a family name, "" for none, or NULL for
// the model's own (chatml when the model's template is one lumen does not know).
struct LogSink {
    lumen_log_callback log;
    void* user_data;
};

std::optional<ChatTemplate> choose_template(const Model* model, LogSink sink, const char* name, bool none_allowed,
                                            const char* function) {
    if (name != nullptr && *name == '\0') {
        if (!none_allowed) fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": empty template name");
        return std::nullopt;
    }
    if (name != nullptr) {
        auto t = ChatTemplate::from_name(name);
        if (!t) fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": unknown chat template '" + name + "'");
        return t;
    }
    require_handle(model, function, "model (needed when template_name is NULL)");
    const std::string src = model->file().get_string("tokenizer.chat_template");
    if (src.empty()) {
        if (!none_allowed) fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": the model has no chat template");
        return std::nullopt;
    }
    if (auto t = ChatTemplate::detect(src)) return t;
    if (sink.log) sink.log(LUMEN_LOG_WARN, "the model's chat template is not one lumen knows; using chatml", sink.user_data);
    return ChatTemplate::from_name("chatml");
}

}  // namespace

extern "C" {

lumen_status lumen_chat_apply_template(const lumen_model* model, const char* template_name,
                                       const lumen_chat_message* messages, size_t n_messages, int add_generation_prompt,
                                       char* buf, size_t capacity, size_t* len) {
    lumen_status st = LUMEN_OK;
    const lumen_status g = guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        const auto t = choose_template(model ? model->model.get() : nullptr, {model ? model->log : nullptr,
                                       model ? model->log_user_data : nullptr}, template_name, false,
                                       "lumen_chat_apply_template");
        if (messages == nullptr && n_messages > 0) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_chat_apply_template: messages is NULL");
        std::vector<ChatMessage> list;
        for (size_t i = 0; i < n_messages; ++i) {
            if (messages[i].role == nullptr || messages[i].content == nullptr)
                fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_chat_apply_template: message " + std::to_string(i) +
                                                     " has a NULL role or content");
            list.push_back({messages[i].role, messages[i].content});
        }
        st = copy_out(t->render(list, add_generation_prompt != 0), buf, capacity, len, "lumen_chat_apply_template");
    });
    return g != LUMEN_OK ? g : st;
}

lumen_status lumen_chat_create(lumen_session* session, const char* template_name, const char* system_prompt,
                               lumen_chat** out) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(out, "lumen_chat_create", "out");
        *out = nullptr;
        Session& s = open_session(session, "lumen_chat_create");
        auto tmpl = choose_template(&s.model(), {session->state->log, session->state->log_user_data}, template_name,
                                    true, "lumen_chat_create");
        auto chat = std::make_unique<Chat>(s, std::move(tmpl), system_prompt ? system_prompt : "");
        session->state->logits = {};
        *out = new lumen_chat{session->state, std::move(chat)};
    });
}

void lumen_chat_free(lumen_chat* chat) { delete chat; }

lumen_status lumen_chat_reply(lumen_chat* chat, lumen_sampler* sampler, const char* user_text, int32_t n_predict,
                              lumen_text_callback on_text, void* user_data, int32_t* n_generated) {
    return guard(LUMEN_ERR_CONTEXT_FULL, [&] {
        require_handle(chat, "lumen_chat_reply", "chat");
        if (!chat->state->session) fail(LUMEN_ERR_CLOSED, "lumen_chat_reply: the chat's session is closed");
        require_handle(sampler, "lumen_chat_reply", "sampler");
        require_handle(user_text, "lumen_chat_reply", "user_text");
        if (n_predict < -1) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_chat_reply: n_predict must be -1 or more");
        ChatOptions o;
        o.n_predict = n_predict;
        chat->state->logits = {};
        const GenerateStats st = chat->chat->reply(user_text, sampler->sampler, o, [&](std::string_view piece) {
            return on_text == nullptr || piece.empty() || on_text(piece.data(), piece.size(), user_data) != 0;
        });
        if (n_generated) *n_generated = st.n_generated;
    });
}

lumen_status lumen_chat_reset(lumen_chat* chat) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        require_handle(chat, "lumen_chat_reset", "chat");
        if (!chat->state->session) fail(LUMEN_ERR_CLOSED, "lumen_chat_reset: the chat's session is closed");
        chat->chat->reset();
    });
}

}  // extern "C"

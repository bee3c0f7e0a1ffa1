// A conversation over a Session: messages are rendered with the model's chat
// template, only the text added since the last turn is evaluated (the rest is
// already in the KV cache), and the answer is streamed as UTF-8-safe text.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/chat_template.hpp"
#include "lumen/export.hpp"
#include "lumen/generate.hpp"
#include "lumen/sampler.hpp"
#include "lumen/session.hpp"

namespace lumen {

struct ChatOptions {
    int n_predict = -1;          // tokens per answer at most (-1: until end of turn or context)
    bool context_shift = false;  // when full: forget the oldest turns' tokens instead of stopping
    bool ignore_eos = false;
};

class LUMEN_API Chat {
public:
    // `tmpl` nullopt: plain continuation (user text is appended and continued).
    Chat(Session& session, std::optional<ChatTemplate> tmpl, std::string system_prompt = {});

    // Adds the user's message and generates the answer; `on_text` gets each
    // piece of text (return false to stop, e.g. on Ctrl-C). The answer (as far
    // as it got) becomes part of the conversation.
    GenerateStats reply(std::string_view user, Sampler& sampler, const ChatOptions& options,
                        const std::function<bool(std::string_view)>& on_text);

    void reset();                             // forget the conversation (keeps the system prompt)
    void set_system_prompt(std::string text); // and reset
    const std::vector<ChatMessage>& messages() const { return messages_; }
    bool plain() const { return !template_.has_value(); }
    const Session& session() const { return session_; }

private:
    std::string rendered(bool add_generation_prompt) const;

    Session& session_;
    std::optional<ChatTemplate> template_;
    std::string system_;
    std::vector<ChatMessage> messages_;
    std::string evaluated_;    // prompt text whose tokens are in the KV cache
    int keep_tokens_ = 0;      // tokens a context shift keeps (the system prompt)
    std::vector<int32_t> stop_;
};

}  // namespace lumen

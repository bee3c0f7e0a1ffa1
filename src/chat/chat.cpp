#include "lumen/chat.hpp"

#include "lumen/error.hpp"
#include "lumen/vocab.hpp"

namespace lumen {

Chat::Chat(Session& session, std::optional<ChatTemplate> tmpl, std::string system_prompt)
    : session_(session), template_(std::move(tmpl)), system_(std::move(system_prompt)) {
    const Vocab& v = session_.model().vocab();
    if (template_)
        for (const std::string& s : template_->end_of_turn())
            if (const int32_t id = v.find(s); id >= 0) stop_.push_back(id);
    reset();
}

void Chat::reset() {
    session_.reset();
    messages_.clear();
    evaluated_.clear();
    keep_tokens_ = 0;
    if (!system_.empty() && template_) messages_.push_back({"system", system_});
}

void Chat::set_system_prompt(std::string text) {
    system_ = std::move(text);
    reset();
}

std::string Chat::rendered(bool add_generation_prompt) const {
    if (!template_) {
        std::string text;
        for (const auto& m : messages_) text += m.content;
        return text;
    }
    return template_->render(messages_, add_generation_prompt);
}

GenerateStats Chat::reply(std::string_view user, Sampler& sampler, const ChatOptions& o,
                          const std::function<bool(std::string_view)>& on_text) {
    const Vocab& vocab = session_.model().vocab();
    messages_.push_back({"user", std::string(user)});
    const std::string prompt = rendered(true);
    // Only the text after what is already cached is new. Templates append, so the
    // cached text is a prefix; if a template ever rewrites history, start over.
    std::string delta;
    bool first = evaluated_.empty();
    if (prompt.compare(0, evaluated_.size(), evaluated_) == 0) {
        delta = prompt.substr(evaluated_.size());
    } else {
        session_.reset();
        delta = prompt;
        first = true;
    }
    // Template text holds special tokens (parsed); BOS only at the very start.
    std::vector<int32_t> tokens = vocab.encode(delta, first, template_.has_value());
    if (tokens.empty()) tokens.push_back(vocab.bos() >= 0 ? vocab.bos() : 0);
    if (first && !system_.empty() && template_)
        keep_tokens_ = int(vocab.encode(template_->render(std::vector<ChatMessage>{messages_[0]}, false), true, true).size());

    GenerateOptions g;
    g.n_predict = o.n_predict;
    g.context_shift = o.context_shift;
    g.n_keep = keep_tokens_;
    g.stop_at_eog = !o.ignore_eos;
    g.stop_tokens = stop_;
    StreamDecoder decoder(vocab);
    std::string answer;
    GenerateStats st;
    try {
        st = generate(session_, sampler, tokens, g, [&](int32_t t) {
            const std::string piece = decoder.push(t);
            answer += piece;
            return on_text(piece);
        });
    } catch (const Error&) {
        messages_.pop_back();  // the turn did not fit: nothing changed
        throw;
    }
    const std::string tail = decoder.flush();
    answer += tail;
    if (!tail.empty()) on_text(tail);
    messages_.push_back({"assistant", answer});
    // The cache now holds the prompt and the answer's tokens; the template's
    // end-of-turn text is evaluated with the next turn.
    // (After a context shift the cache holds less than this text; new turns are
    // still appended after it, which is what a shift means.)
    evaluated_ = prompt + answer;
    return st;
}

}  // namespace lumen

#include "prompt.hpp"

#include "lumen/vocab.hpp"

namespace lumen::serve {

PromptBuilder::PromptBuilder(std::shared_ptr<const Model> model, std::string system_prompt)
    : model_(std::move(model)), system_(std::move(system_prompt)) {
    if (const std::string src = model_->file().get_string("tokenizer.chat_template"); !src.empty())
        template_ = ChatTemplate::detect(src);
}

std::vector<int32_t> PromptBuilder::chat(std::vector<ChatMessage> messages) const {
    const bool has_system = !messages.empty() && messages.front().role == "system";
    if (!has_system && !system_.empty()) messages.insert(messages.begin(), ChatMessage{"system", system_});
    std::string text;
    if (template_) {
        text = template_->render(messages, true);
    } else {
        // No template (a plain language model): the conversation as one text to continue.
        for (const auto& m : messages) text += (text.empty() ? "" : "\n") + m.content;
    }
    return model_->vocab().encode(text, true, template_.has_value());
}

std::vector<int32_t> PromptBuilder::completion(const std::string& text) const {
    return model_->vocab().encode(text, true, false);
}

std::vector<int32_t> PromptBuilder::stop_tokens() const {
    std::vector<int32_t> ids;
    if (template_)
        for (const std::string& s : template_->end_of_turn())
            if (const int32_t id = model_->vocab().find(s); id >= 0) ids.push_back(id);
    return ids;
}

}  // namespace lumen::serve

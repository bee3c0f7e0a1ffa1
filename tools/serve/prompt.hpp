// From a request to prompt tokens: the model's chat template (or plain text
// for models without one), the server's default system prompt (-sys) when the
// request has none, and the tokens that end an assistant turn.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lumen/chat_template.hpp"
#include "lumen/model.hpp"

namespace lumen::serve {

class PromptBuilder {
public:
    PromptBuilder(std::shared_ptr<const Model> model, std::string system_prompt);

    std::vector<int32_t> chat(std::vector<ChatMessage> messages) const;
    std::vector<int32_t> completion(const std::string& text) const;
    // Token ids of the template's end-of-turn markers.
    std::vector<int32_t> stop_tokens() const;
    std::string template_name() const { return template_ ? template_->name() : "none (plain text)"; }

private:
    std::shared_ptr<const Model> model_;
    std::string system_;
    std::optional<ChatTemplate> template_;
};

}  // namespace lumen::serve

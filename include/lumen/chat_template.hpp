// Chat templates: turn a conversation into the exact prompt text a model was
// trained on. Families are recognized from the model's Jinja template
// (tokenizer.chat_template) by the same markers the reference uses, and
// rendered by lumen's own code (no Jinja engine).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/export.hpp"

namespace lumen {

struct ChatMessage {
    std::string role;     // "system", "user", "assistant" (others are passed through where a family allows)
    std::string content;
};

class LUMEN_API ChatTemplate {
public:
    // A built-in family by name ("chatml", "llama3", "phi3", ...).
    static std::optional<ChatTemplate> from_name(std::string_view name);
    // The family of a Jinja template source (or a family name); nullopt if not recognized.
    static std::optional<ChatTemplate> detect(std::string_view jinja_or_name);
    // Every built-in family name, sorted.
    static std::vector<std::string> names();

    const std::string& name() const { return name_; }
    // The prompt text (no BOS: the tokenizer adds it when the vocabulary asks).
    std::string render(std::span<const ChatMessage> messages, bool add_generation_prompt = true) const;
    // Text that ends an assistant turn in this family (e.g. "<|im_end|>"); generation stops there.
    std::vector<std::string> end_of_turn() const;

private:
    explicit ChatTemplate(size_t index);
    size_t index_;
    std::string name_;
};

}  // namespace lumen

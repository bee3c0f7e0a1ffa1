// ChatTemplate: lookup, detection and rendering over the family table.
#include <algorithm>
#include <cctype>

#include "chat/families.hpp"
#include "lumen/chat_template.hpp"

namespace lumen {

namespace {

std::string fill_role(const char* prefix, const std::string& role) {
    std::string out(prefix);
    for (const char* key : {"{role}", "{Role}"}) {
        for (size_t at; (at = out.find(key)) != std::string::npos;) {
            std::string r = role;
            if (key[1] == 'R' && !r.empty()) r[0] = char(std::toupper(static_cast<unsigned char>(r[0])));
            out.replace(at, 6, r);
        }
    }
    return out;
}

}  // namespace

ChatTemplate::ChatTemplate(size_t index) : index_(index), name_(chat::families()[index].name) {}

std::optional<ChatTemplate> ChatTemplate::from_name(std::string_view name) {
    const auto& f = chat::families();
    for (size_t i = 0; i < f.size(); ++i)
        if (name == f[i].name) return ChatTemplate(i);
    return std::nullopt;
}

std::optional<ChatTemplate> ChatTemplate::detect(std::string_view jinja_or_name) {
    if (auto byname = from_name(jinja_or_name)) return byname;
    const int i = chat::detect_family(jinja_or_name);
    if (i < 0) return std::nullopt;
    return ChatTemplate(size_t(i));
}

std::vector<std::string> ChatTemplate::names() {
    std::vector<std::string> out;
    for (const auto& f : chat::families()) out.emplace_back(f.name);
    std::sort(out.begin(), out.end());
    return out;
}

std::string ChatTemplate::render(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
    const chat::Family& f = chat::families()[index_];
    if (f.custom != nullptr) return f.custom(messages, add_generation_prompt);
    std::string out = f.preamble;
    for (const auto& m : messages) {
        const chat::TurnFormat& t = m.role == "system" ? f.system
                                  : m.role == "user" ? f.user
                                  : m.role == "assistant" ? f.assistant
                                                          : f.other;
        if (t.skip) continue;
        out += fill_role(t.prefix, m.role);
        out += t.trim ? chat::trim(m.content) : m.content;
        out += t.suffix;
    }
    if (add_generation_prompt) out += f.generation_prompt;
    return out;
}

std::vector<std::string> ChatTemplate::end_of_turn() const { return chat::families()[index_].end_of_turn; }

}  // namespace lumen

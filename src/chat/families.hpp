// The chat-template families (internal): one row per family.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/chat_template.hpp"

namespace lumen::chat {

// How one role's turn is written when a family is a plain sequence of turns:
// prefix + content + suffix. "{role}" in the prefix is replaced by the role
// ("{Role}" capitalized). skip: the family drops this role.
struct TurnFormat {
    const char* prefix;
    const char* suffix;
    bool trim = false;
    bool skip = false;
};

using CustomRender = std::string (*)(std::span<const ChatMessage>, bool add_generation_prompt);

struct Family {
    const char* name;
    const char* preamble;           // written once before the turns
    TurnFormat system, user, assistant, other;
    const char* generation_prompt;  // appended when the assistant should answer next
    CustomRender custom;            // nullptr: the turn table above renders it
    std::vector<std::string> end_of_turn;
};

const std::vector<Family>& families();
// Index into families() of the family a Jinja source belongs to, or -1.
int detect_family(std::string_view jinja);
std::string trim(std::string_view s);

}  // namespace lumen::chat

// Text files the user hands the CLI (prompts, chat templates, conversations,
// perplexity texts), read with the checks a hostile or mistaken file needs: it
// exists and is a regular file, it is not larger than `max_bytes`, and it is
// UTF-8. Each failure is a lumen::Error naming the file and what is wrong.
#pragma once

#include <cstdint>
#include <string>

namespace lumen::cli {

// Size limits per kind of input (the largest real ones are far below).
inline constexpr uint64_t kMaxPromptBytes = 64ull << 20;
inline constexpr uint64_t kMaxTemplateBytes = 1ull << 20;
inline constexpr uint64_t kMaxConversationBytes = 64ull << 20;
inline constexpr uint64_t kMaxPerplexityTextBytes = 512ull << 20;

// `what` names the input in messages ("chat template", "conversation"...).
std::string read_text_input(const std::string& path, const char* what, uint64_t max_bytes);

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t first_invalid_utf8(const std::string& s);

}  // namespace lumen::cli

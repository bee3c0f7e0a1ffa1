// UTF-8 text <-> std::filesystem::path, the same on every OS. Paths inside lumen
// are std::filesystem::path; text (argv, messages, GGUF strings) is UTF-8. On
// Windows path(std::string) would read the bytes in the ANSI code page and
// path.string() can fail on characters it lacks; char8_t conversions are exact.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lumen::platform {

inline std::filesystem::path path_from_utf8(std::string_view text) {
    return std::filesystem::path(std::u8string(text.begin(), text.end()));
}

inline std::string utf8_from_path(const std::filesystem::path& path) {
    const std::u8string s = path.u8string();
    return std::string(s.begin(), s.end());
}

}  // namespace lumen::platform

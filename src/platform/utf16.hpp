// UTF-8 <-> UTF-16 for the Windows API (wide strings). Windows only.
#pragma once

#include <string>
#include <string_view>

namespace lumen::platform {

std::wstring utf16_from_utf8(std::string_view text);
std::string utf8_from_utf16(std::wstring_view text);

}  // namespace lumen::platform

#include "platform/windows_error.hpp"

#include <windows.h>

#include "platform/utf16.hpp"

namespace lumen::platform {

std::string windows_error_text(unsigned long code) {
    wchar_t* buf = nullptr;
    const DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                       FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                                   reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
    std::wstring text = n > 0 ? std::wstring(buf, n) : std::wstring();
    if (buf != nullptr) LocalFree(buf);
    while (!text.empty() && (text.back() == L'\n' || text.back() == L'\r' || text.back() == L'.')) text.pop_back();
    std::string out = utf8_from_utf16(text);
    return (out.empty() ? std::string("error") : out) + " (Windows error " + std::to_string(code) + ")";
}

std::string last_windows_error() { return windows_error_text(GetLastError()); }

}  // namespace lumen::platform

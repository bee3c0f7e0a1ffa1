// The text of a Windows error code (GetLastError), as UTF-8. Windows only.
#pragma once

#include <string>

namespace lumen::platform {

std::string windows_error_text(unsigned long code);

// Last error's text.
std::string last_windows_error();

}  // namespace lumen::platform

// Facts about this machine and process that the OS knows, for `lumen bench`
// and the verbose memory report. One implementation per OS: system_info_linux.cpp
// (/proc), system_info_windows.cpp, system_info_macos.cpp (sysctl; not built here).
#pragma once

#include <cstdint>
#include <string>

namespace lumen::platform {

// The CPU's marketing name ("" when unknown).
std::string cpu_model_name();
// Installed RAM in bytes (0 when unknown).
uint64_t total_memory_bytes();
// The most memory this process has had resident so far, in bytes.
uint64_t peak_rss_bytes();
// Starts a new peak for peak_rss_bytes() where the OS allows it (Linux); elsewhere does nothing.
void reset_peak_rss();

}  // namespace lumen::platform

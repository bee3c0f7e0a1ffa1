// system_info on Windows: the registry's processor name, GlobalMemoryStatusEx,
// GetProcessMemoryInfo (peak working set).
#include <windows.h>
// psapi.h needs windows.h first.
#include <psapi.h>

#include "platform/system_info.hpp"
#include "platform/utf16.hpp"

namespace lumen::platform {

std::string cpu_model_name() {
    wchar_t name[256] = {};
    DWORD bytes = sizeof name - sizeof(wchar_t);
    if (RegGetValueW(HKEY_LOCAL_MACHINE, L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0", L"ProcessorNameString",
                     RRF_RT_REG_SZ, nullptr, name, &bytes) != ERROR_SUCCESS)
        return "";
    std::string s = utf8_from_utf16(name);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

uint64_t total_memory_bytes() {
    MEMORYSTATUSEX st{};
    st.dwLength = sizeof st;
    return GlobalMemoryStatusEx(&st) ? uint64_t(st.ullTotalPhys) : 0;
}

uint64_t peak_rss_bytes() {
    PROCESS_MEMORY_COUNTERS pmc{};
    pmc.cb = sizeof pmc;
    return GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc) ? uint64_t(pmc.PeakWorkingSetSize) : 0;
}

void reset_peak_rss() {}  // Windows keeps one peak per process

}  // namespace lumen::platform

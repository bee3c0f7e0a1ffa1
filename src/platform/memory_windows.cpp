// available_memory_bytes on Windows: GlobalMemoryStatusEx's available physical memory.
#include <windows.h>

#include "platform/memory.hpp"

namespace lumen::platform {

uint64_t available_memory_bytes() {
    MEMORYSTATUSEX st{};
    st.dwLength = sizeof st;
    return GlobalMemoryStatusEx(&st) ? uint64_t(st.ullAvailPhys) : 0;
}

}  // namespace lumen::platform

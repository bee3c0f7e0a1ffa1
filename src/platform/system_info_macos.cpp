// system_info on macOS: sysctl and getrusage (ru_maxrss is in bytes there).
// Not built on this project's machines (no macOS here); kept ready for it.
#include <sys/resource.h>
#include <sys/sysctl.h>
#include <sys/types.h>

#include "platform/system_info.hpp"

namespace lumen::platform {

std::string cpu_model_name() {
    char name[256] = {};
    size_t n = sizeof name - 1;
    if (sysctlbyname("machdep.cpu.brand_string", name, &n, nullptr, 0) != 0) return "";
    return name;
}

uint64_t total_memory_bytes() {
    uint64_t bytes = 0;
    size_t n = sizeof bytes;
    return sysctlbyname("hw.memsize", &bytes, &n, nullptr, 0) == 0 ? bytes : 0;
}

uint64_t peak_rss_bytes() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return uint64_t(ru.ru_maxrss);
}

void reset_peak_rss() {}

}  // namespace lumen::platform

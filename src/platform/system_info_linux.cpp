// system_info on Linux: /proc.
#include <sys/resource.h>

#include <fstream>

#include "platform/system_info.hpp"

namespace lumen::platform {

std::string cpu_model_name() {
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);)
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "";
}

uint64_t total_memory_bytes() {
    std::ifstream mem("/proc/meminfo");
    for (std::string key; mem >> key;) {
        uint64_t kb = 0;
        mem >> kb;
        if (key == "MemTotal:") return kb * 1024;
        std::string rest;
        std::getline(mem, rest);
    }
    return 0;
}

uint64_t peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return uint64_t(ru.ru_maxrss) * 1024;
}

void reset_peak_rss() {
    // Writing 5 to clear_refs resets the peak RSS counter (Linux >= 4.0).
    std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace lumen::platform

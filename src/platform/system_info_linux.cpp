// system_info on Linux: /proc.
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <utility>

#include "platform/system_info.hpp"

namespace lumen::platform {

// x86: the "model name" line. ARM kernels print no name, only the core's
// implementer and part numbers (0x41/0xd0b = Arm Cortex-A76): name the common
// ones, and the board from the device tree where there is one.
std::string cpu_model_name() {
    std::ifstream cpu("/proc/cpuinfo");
    std::string implementer, part;
    for (std::string line; std::getline(cpu, line);) {
        const auto value = [&line]() -> std::string {
            const size_t c = line.find(':');
            return c == std::string::npos ? "" : line.substr(std::min(c + 2, line.size()));
        };
        if (line.rfind("model name", 0) == 0) return value();
        if (line.rfind("CPU implementer", 0) == 0 && implementer.empty()) implementer = value();
        if (line.rfind("CPU part", 0) == 0) part = value();  // the last core listed: the big one on most boards
    }
    if (part.empty()) return "";
    static const std::pair<const char*, const char*> kArmParts[] = {
        {"0xd03", "Cortex-A53"}, {"0xd04", "Cortex-A35"}, {"0xd05", "Cortex-A55"}, {"0xd07", "Cortex-A57"},
        {"0xd08", "Cortex-A72"}, {"0xd09", "Cortex-A73"}, {"0xd0a", "Cortex-A75"}, {"0xd0b", "Cortex-A76"},
        {"0xd0c", "Neoverse-N1"}, {"0xd0d", "Cortex-A77"}, {"0xd40", "Neoverse-V1"}, {"0xd41", "Cortex-A78"},
        {"0xd44", "Cortex-X1"}, {"0xd46", "Cortex-A510"}, {"0xd47", "Cortex-A710"}, {"0xd48", "Cortex-X2"},
        {"0xd49", "Neoverse-N2"}, {"0xd4d", "Cortex-A715"}, {"0xd4e", "Cortex-X3"},
    };
    std::string name = "CPU implementer " + implementer + " part " + part;
    if (implementer == "0x41")
        for (const auto& [id, core] : kArmParts)
            if (part == id) name = std::string("Arm ") + core;
    std::ifstream board("/proc/device-tree/model");
    std::string model;
    if (std::getline(board, model, '\0') && !model.empty()) name += " (" + model + ")";
    return name;
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

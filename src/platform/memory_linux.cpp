// Linux: /proc/meminfo and the cgroup (v2 or v1) this process lives in.
#include "platform/memory.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

namespace lumen::platform {

namespace {

constexpr uint64_t kUnknown = std::numeric_limits<uint64_t>::max();

// The first number in a file ("max" and unreadable files: nothing).
std::optional<uint64_t> read_number(const std::string& path) {
    std::ifstream f(path);
    uint64_t v = 0;
    if (f >> v) return v;
    return std::nullopt;
}

// The value of `key` in a "key value" file (memory.stat), or 0.
uint64_t stat_value(const std::string& path, const std::string& key) {
    std::ifstream f(path);
    std::string k;
    uint64_t v = 0;
    while (f >> k >> v)
        if (k == key) return v;
    return 0;
}

// MemAvailable from /proc/meminfo ("MemAvailable:  123456 kB").
uint64_t mem_available() {
    std::ifstream f("/proc/meminfo");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::istringstream in(line.substr(13));
        uint64_t kib = 0;
        if (in >> kib) return kib * 1024;
    }
    return kUnknown;
}

// This process's cgroup path for a v1 controller (`memory`) or v2 ("" controller list).
std::optional<std::string> cgroup_path(bool v2) {
    std::ifstream f("/proc/self/cgroup");
    std::string line;
    while (std::getline(f, line)) {
        const auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1);
        if (v2 ? (line.compare(0, a, "0") == 0 && controllers.empty()) : controllers == "memory")
            return line.substr(b + 1);
    }
    return std::nullopt;
}

// Room under a limit: limit - (usage - reclaimable page cache).
uint64_t room(uint64_t limit, uint64_t usage, uint64_t reclaimable) {
    const uint64_t used = usage > reclaimable ? usage - reclaimable : 0;
    return limit > used ? limit - used : 0;
}

// Room left under the cgroup limit. In a container the group's own directory is
// usually mounted as the root, so both the full path and the root are tried.
uint64_t cgroup_room() {
    if (const auto p = cgroup_path(true)) {
        for (const std::string& dir : {"/sys/fs/cgroup" + *p, std::string("/sys/fs/cgroup")}) {
            const auto limit = read_number(dir + "/memory.max");
            const auto usage = read_number(dir + "/memory.current");
            if (limit && usage) return room(*limit, *usage, stat_value(dir + "/memory.stat", "inactive_file"));
        }
    }
    if (const auto p = cgroup_path(false)) {
        for (const std::string& dir : {"/sys/fs/cgroup/memory" + *p, std::string("/sys/fs/cgroup/memory")}) {
            const auto limit = read_number(dir + "/memory.limit_in_bytes");
            const auto usage = read_number(dir + "/memory.usage_in_bytes");
            // v1 reports "no limit" as a huge page-rounded number.
            if (limit && usage && *limit < (uint64_t(1) << 60))
                return room(*limit, *usage, stat_value(dir + "/memory.stat", "total_inactive_file"));
        }
    }
    return kUnknown;
}

}  // namespace

uint64_t available_memory_bytes() { return std::min(mem_available(), cgroup_room()); }

}  // namespace lumen::platform

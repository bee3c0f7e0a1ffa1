// CPU lists in llama.cpp's spellings (--cpu-mask, --cpu-range): the same on every OS.
#include <algorithm>
#include <set>
#include <stdexcept>

#include "lumen/error.hpp"
#include "platform/cpu_topology.hpp"

namespace lumen::platform {

std::vector<int> parse_cpu_mask(const std::string& text) {
    std::string hex = text;
    if (hex.rfind("0x", 0) == 0 || hex.rfind("0X", 0) == 0) hex = hex.substr(2);
    if (hex.empty() || hex.size() > 1024) throw Error("--cpu-mask '" + text + "': expected a hex mask like 0xF0");
    std::vector<int> cpus;
    for (size_t i = 0; i < hex.size(); ++i) {
        const char ch = hex[hex.size() - 1 - i];  // last digit: CPUs 0-3
        int v;
        if (ch >= '0' && ch <= '9') v = ch - '0';
        else if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F') v = ch - 'A' + 10;
        else throw Error("--cpu-mask '" + text + "': '" + std::string(1, ch) + "' is not a hex digit");
        for (int b = 0; b < 4; ++b)
            if (v & (1 << b)) cpus.push_back(int(4 * i) + b);
    }
    if (cpus.empty()) throw Error("--cpu-mask '" + text + "' selects no CPU");
    return cpus;
}

std::vector<int> parse_cpu_range(const std::string& list) {
    std::set<int> cpus;
    size_t pos = 0;
    auto bad = [&list](const std::string& why) { return Error("--cpu-range '" + list + "': " + why); };
    while (pos <= list.size()) {
        const size_t end = std::min(list.find(',', pos), list.size());
        const std::string item = list.substr(pos, end - pos);
        const size_t dash = item.find('-');
        try {
            size_t used = 0;
            const int lo = std::stoi(item.substr(0, dash), &used);
            if (used != (dash == std::string::npos ? item.size() : dash)) throw bad("'" + item + "' is not a number");
            int hi = lo;
            if (dash != std::string::npos) {
                const std::string rest = item.substr(dash + 1);
                hi = std::stoi(rest, &used);
                if (used != rest.size()) throw bad("'" + item + "' is not a range");
            }
            if (lo < 0 || hi < lo || hi >= 4096) throw bad("'" + item + "' is not a range of CPUs 0..4095");
            for (int c = lo; c <= hi; ++c) cpus.insert(c);
        } catch (const std::logic_error&) {
            throw bad("expected CPU numbers and ranges like 4-7 or 0,2,4-5");
        }
        pos = end + 1;
    }
    return {cpus.begin(), cpus.end()};
}

}  // namespace lumen::platform

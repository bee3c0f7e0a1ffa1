// The Windows platform layer's answers about this machine (under Wine: the
// host's), checked against what the C++ runtime and the OS report otherwise.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "platform/cpu_topology.hpp"
#include "platform/memory.hpp"
#include "platform/system_info.hpp"

using namespace lumen::platform;

TEST_CASE("Windows CPU topology: logical, physical and fast cores agree") {
    const CpuTopology t = cpu_topology();
    CHECK(t.logical == int(std::thread::hardware_concurrency()));
    CHECK(t.physical >= 1);
    CHECK(t.physical <= t.logical);
    REQUIRE(!t.fast_cpus.empty());
    CHECK(std::is_sorted(t.fast_cpus.begin(), t.fast_cpus.end()));
    CHECK(std::adjacent_find(t.fast_cpus.begin(), t.fast_cpus.end()) == t.fast_cpus.end());
    CHECK(t.fast_cpus.front() >= 0);
    CHECK(t.fast_cpus.back() < t.logical);
}

TEST_CASE("Windows memory and system facts") {
    const uint64_t total = total_memory_bytes(), available = available_memory_bytes();
    CHECK(total > (uint64_t(64) << 20));
    CHECK(available > 0);
    CHECK(available <= total);
    CHECK(!cpu_model_name().empty());
    CHECK(peak_rss_bytes() > (uint64_t(1) << 20));
}

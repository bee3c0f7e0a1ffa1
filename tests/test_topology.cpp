// CPU topology from sysfs trees of real board layouts (tests/data/sysfs), and
// the --cpu-mask / --cpu-range parsers.
#include <catch2/catch.hpp>

#include "lumen/error.hpp"
#include "lumen/machine.hpp"
#include "platform/cpu_topology.hpp"

using namespace lumen;

namespace {
platform::CpuTopology board(const char* name) {
    return platform::parse_sysfs_topology(std::string(LUMEN_TEST_DATA) + "/sysfs/" + name);
}
}  // namespace

TEST_CASE("topology: RK3588 runs on its four Cortex-A76 cores") {
    const auto t = board("rk3588");
    CHECK(t.logical == 8);
    CHECK(t.physical == 8);
    CHECK(t.heterogeneous);
    CHECK(t.fast_cpus == std::vector<int>{4, 5, 6, 7});
}

TEST_CASE("topology: Snapdragon 1+3+4 runs on the prime and big cores, not the little ones") {
    const auto t = board("sd8gen1");
    CHECK(t.logical == 8);
    CHECK(t.heterogeneous);
    CHECK(t.fast_cpus == std::vector<int>{4, 5, 6, 7});
}

TEST_CASE("topology: Raspberry Pi 5 is uniform: every core, nothing pinned") {
    const auto t = board("pi5");
    CHECK(t.logical == 4);
    CHECK(t.physical == 4);
    CHECK_FALSE(t.heterogeneous);
    CHECK(t.fast_cpus == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("topology: hyper-threads count once") {
    const auto t = board("x86-smt");
    CHECK(t.logical == 4);
    CHECK(t.physical == 2);
    CHECK_FALSE(t.heterogeneous);
    CHECK(t.fast_cpus == std::vector<int>{0, 1});
}

TEST_CASE("topology: a missing tree falls back to the hardware thread count") {
    const auto t = board("no-such-board");
    CHECK(t.logical >= 1);
    CHECK(t.fast_cpus.size() == size_t(t.physical));
}

TEST_CASE("topology: this machine has at least one fast CPU and a thread count") {
    const MachineInfo m = machine_info();
    CHECK_FALSE(m.fast_cpus.empty());
    CHECK(default_thread_count() >= 1);
    CHECK(default_thread_count() <= m.logical_cpus);
}

TEST_CASE("cpu lists: --cpu-mask and --cpu-range in llama.cpp's spellings") {
    CHECK(parse_cpu_mask("0xF0") == std::vector<int>{4, 5, 6, 7});
    CHECK(parse_cpu_mask("5") == std::vector<int>{0, 2});
    CHECK(parse_cpu_mask("0x100") == std::vector<int>{8});
    CHECK(parse_cpu_range("4-7") == std::vector<int>{4, 5, 6, 7});
    CHECK(parse_cpu_range("0,2,4-5") == std::vector<int>{0, 2, 4, 5});
    CHECK(parse_cpu_range("3") == std::vector<int>{3});
    CHECK_THROWS_WITH(parse_cpu_mask("0xZ1"), Catch::Contains("not a hex digit"));
    CHECK_THROWS_WITH(parse_cpu_mask("0x0"), Catch::Contains("selects no CPU"));
    CHECK_THROWS_WITH(parse_cpu_range("7-4"), Catch::Contains("not a range"));
    CHECK_THROWS_WITH(parse_cpu_range("a-b"), Catch::Contains("--cpu-range"));
    CHECK_THROWS_WITH(parse_cpu_range("1,,2"), Catch::Contains("--cpu-range"));
}

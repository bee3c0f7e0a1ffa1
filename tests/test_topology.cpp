// CPU topology from sysfs trees of real board layouts (tests/data/sysfs), and
// the --cpu-mask / --cpu-range parsers.
#include <catch2/catch.hpp>

#include <regex>

#include "lumen/error.hpp"
#include "lumen/machine.hpp"
#include "platform/cpu_topology.hpp"
#include "x86/cpu_names.hpp"

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

TEST_CASE("cpu names: a CPUID signature names the core generation a figure was measured on") {
    using kernels::x86_core_name;
    CHECK(x86_core_name({"AuthenticAMD", 0x19, 0x11}) == "Zen 4");  // EPYC 9004 (sessions 11-15's guests)
    CHECK(x86_core_name({"AuthenticAMD", 0x19, 0x61}) == "Zen 4");  // Ryzen 7000
    CHECK(x86_core_name({"AuthenticAMD", 0x19, 0x01}) == "Zen 3");  // EPYC 7003
    CHECK(x86_core_name({"AuthenticAMD", 0x19, 0x21}) == "Zen 3");  // Ryzen 5000
    CHECK(x86_core_name({"AuthenticAMD", 0x1A, 0x02}) == "Zen 5");  // EPYC 9005
    CHECK(x86_core_name({"AuthenticAMD", 0x17, 0x31}) == "Zen 2");
    CHECK(x86_core_name({"GenuineIntel", 6, 0x8F}) == "Sapphire Rapids");
    CHECK(x86_core_name({"GenuineIntel", 6, 0x6A}) == "Ice Lake-SP");
    CHECK(x86_core_name({"GenuineIntel", 6, 0x97}) == "Alder Lake");
    CHECK(x86_core_name({"GenuineIntel", 6, 0x01}).empty());
    CHECK(x86_core_name({"GenuineIntel", 0x13, 0x8F}).empty());  // same model number, other family
    CHECK(x86_core_name({"HygonGenuine", 0x18, 0x02}).empty());
    CHECK(kernels::x86_signature_text({"AuthenticAMD", 0x1A, 0x02}) == "AuthenticAMD family 1Ah model 02h (Zen 5)");
    CHECK(kernels::x86_signature_text({"GenuineIntel", 6, 0x01}) == "GenuineIntel family 06h model 01h");
    // This machine's: empty on ARM (its core is named in cpu_model), else vendor, family, model.
    const std::string sig = machine_info().cpu_signature;
    INFO(sig);
    CHECK((sig.empty() || std::regex_match(sig, std::regex("[ -~]{12} family [0-9A-F]{2,}h model [0-9A-F]{2}h( \\(.+\\))?"))));
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

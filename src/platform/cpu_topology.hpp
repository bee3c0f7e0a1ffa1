#pragma once

#include <vector>

namespace lumen::platform {

struct CpuTopology { int logical = 1; int physical = 1; std::vector<int> fast_cpus; /* logical ids of the fastest cores */ };

CpuTopology cpu_topology();

}  // namespace lumen::platform

// Instruction sets lumen has kernels for, and which one this process uses.
// Kernels are chosen at run time from CPUID; LUMEN_FORCE_ISA=scalar|avx2|avx512
// overrides the choice (for tests and benchmarks).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/export.hpp"

namespace lumen {

enum class Isa { scalar, avx2, avx512 };

LUMEN_API const char* isa_name(Isa isa);
LUMEN_API std::optional<Isa> parse_isa(std::string_view name);
// Whether this CPU (and OS) can run the kernels of `isa`.
LUMEN_API bool isa_supported(Isa isa);
// The best ISA this CPU supports.
LUMEN_API Isa best_isa();
// best_isa(), or LUMEN_FORCE_ISA when set (throws lumen::Error if the forced
// ISA is unknown or unsupported here).
LUMEN_API Isa default_isa();
// CPU feature names relevant to lumen's kernels that this CPU has ("avx2", "fma", ...).
LUMEN_API std::vector<std::string> cpu_features();

}  // namespace lumen

// Instruction sets lumen has kernels for, and which one this process uses.
// Kernels are chosen at run time (x86: CPUID; ARM: the kernel's HWCAP bits);
// LUMEN_FORCE_ISA=scalar|avx2|avx512|neon|dotprod|i8mm overrides the choice
// (for tests and benchmarks). One binary per architecture serves every CPU of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/export.hpp"

namespace lumen {

// x86-64: avx2 (AVX2+FMA+F16C), avx512 (F/BW/VL/VNNI).
// AArch64: neon (ARMv8 baseline: Cortex-A53/A72), dotprod (+ sdot/udot and FP16
// arithmetic: Cortex-A55/A76), i8mm (+ smmla: Cortex-A510/A710/X2, Graviton 3).
enum class Isa { scalar, avx2, avx512, neon, dotprod, i8mm };
inline constexpr Isa kAllIsas[] = {Isa::scalar, Isa::avx2, Isa::avx512, Isa::neon, Isa::dotprod, Isa::i8mm};

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

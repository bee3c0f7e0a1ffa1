// Architectures without SIMD kernels in lumen (RISC-V, POWER, ...): the scalar
// reference kernels only. A new ISA family is a folder like x86/ or arm/ with
// its rows file; this one has none.
#include "isa_rows.hpp"
#include "stream_sum.hpp"

namespace lumen::kernels {

std::span<const IsaRow> isa_rows() { return {}; }
std::vector<std::string> detected_cpu_features() { return {}; }
std::string cpu_signature() { return {}; }
const PrefetchPolicy& weight_prefetch_policy() {
    static const PrefetchPolicy policy{false, "none (scalar kernels only)"};
    return policy;
}
uint64_t stream_sum(const uint64_t* p, size_t n) { return stream_sum_body(p, n); }
void spin_pause() {}

}  // namespace lumen::kernels

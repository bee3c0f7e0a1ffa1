// The end of avx2.cpp and avx512.cpp: their kernel body twice, once per
// weight-prefetch policy — with software prefetch of the weights ahead of the
// kernels, and with the hardware prefetchers alone (kSoftwarePrefetch) — and
// fill_kernel_set, which picks the one the CPU's policy names
// (KernelSet::software_prefetch, from weight_prefetch_policy()). The kernels
// compute the same bits either way.
//
// The including file defines LUMEN_X86_BODY as the body's file name; the body
// defines fill_variant(KernelSet&).

namespace software_prefetch {
constexpr bool kSoftwarePrefetch = true;
#include LUMEN_X86_BODY
}  // namespace software_prefetch
namespace hardware_prefetch {
constexpr bool kSoftwarePrefetch = false;
#include LUMEN_X86_BODY
}  // namespace hardware_prefetch

void fill_kernel_set(KernelSet& ks) {
    if (ks.software_prefetch) software_prefetch::fill_variant(ks);
    else hardware_prefetch::fill_variant(ks);
}

#undef LUMEN_X86_BODY

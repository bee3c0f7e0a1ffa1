// The AVX2 kernel body (part of avx2.cpp, which includes it once per
// weight-prefetch policy: kSoftwarePrefetch): the shared x86 kernels, and
// fill_variant, which puts them in a kernel set.

using SimdArch = xsimd::fma3<xsimd::avx2>;  // the element-wise kernels (simd_elementwise.inl; fused fma)

#include "x86/x86_kernels.inl"

void fill_variant(KernelSet& ks) { fill_common(ks); }

// Per-ISA kernel sets: for every tensor type the dot product against quantized
// activations, and for every activation format its quantizer. Entries an ISA
// does not provide fall back to the scalar reference, so every set is complete.
#pragma once

#include <array>

#include "lumen/isa.hpp"
#include "lumen/tensor_type.hpp"

namespace lumen::kernels {

// out[c] = dot(weights, activations[c]) for c < 4: one pass over the weights
// serves four activation rows (prompt processing). Must give exactly what four
// VecDotFn calls give.
using VecDot4Fn = void (*)(int64_t n, const void* weights, const void* const* activations, float* out);

struct KernelSet {
    static constexpr size_t kSlots = 36;  // type ids 0..35

    Isa isa = Isa::scalar;
    std::array<VecDotFn, kSlots> vec_dot{};
    std::array<VecDot4Fn, kSlots> vec_dot4{};  // nullptr: use vec_dot four times
    std::array<QuantizeRowFn, kSlots> quantize_activation{};

    void set(TensorType t, VecDotFn f) { vec_dot[size_t(t)] = f; }
    void set4(TensorType t, VecDot4Fn f) { vec_dot4[size_t(t)] = f; }
    VecDot4Fn dot4(TensorType t) const { return vec_dot4[size_t(t)]; }
    void set_activation(TensorType t, QuantizeRowFn f) { quantize_activation[size_t(t)] = f; }

    VecDotFn dot(TensorType t) const { return vec_dot[size_t(t)]; }
    QuantizeRowFn activation_quantizer(TensorType t) const { return quantize_activation[size_t(t)]; }
};

// The kernel set of `isa` (throws lumen::Error if this CPU cannot run it).
// Sets are immutable once built.
const KernelSet& kernel_set(Isa isa);

namespace avx2 { void fill_kernel_set(KernelSet& ks); }
namespace avx512 { void fill_kernel_set(KernelSet& ks); }

}  // namespace lumen::kernels

// Per-ISA kernel sets: for every tensor type the dot product against quantized
// activations, and for every activation format its quantizer. Entries an ISA
// does not provide fall back to the scalar reference, so every set is complete.
#pragma once

#include <array>

#include "lumen/isa.hpp"
#include "lumen/tensor_type.hpp"

namespace lumen::kernels {

struct KernelSet {
    static constexpr size_t kSlots = 36;  // type ids 0..35

    Isa isa = Isa::scalar;
    std::array<VecDotFn, kSlots> vec_dot{};
    std::array<QuantizeRowFn, kSlots> quantize_activation{};

    void set(TensorType t, VecDotFn f) { vec_dot[size_t(t)] = f; }
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

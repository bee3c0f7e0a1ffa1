// AArch64: CPU features from the kernel's HWCAP bits (getauxval), and the ARM
// dispatch rows. One binary serves every ARMv8 board: NEON is the baseline,
// dotprod and i8mm kernels are used only where the CPU reports them.
#include <sys/auxv.h>

#include <utility>

#include "isa_rows.hpp"
#include "stream_sum.hpp"

namespace lumen::kernels {

namespace neon { void fill_kernel_set(KernelSet& ks); }
namespace dotprod { void fill_kernel_set(KernelSet& ks); }
namespace i8mm { void fill_kernel_set(KernelSet& ks); }

namespace {

// Bit numbers of the Linux arm64 ABI (arch/arm64/include/uapi/asm/hwcap.h),
// spelled out so that older C libraries' headers are not needed.
constexpr unsigned long kHwcapAsimd = 1ul << 1;
constexpr unsigned long kHwcapAsimdHp = 1ul << 10;  // FP16 vector arithmetic
constexpr unsigned long kHwcapAsimdDp = 1ul << 20;  // sdot / udot
constexpr unsigned long kHwcap2I8mm = 1ul << 13;    // smmla / ummla / usdot
constexpr unsigned long kHwcap2Bf16 = 1ul << 14;
constexpr unsigned long kHwcapSve = 1ul << 22;

struct CpuFlags {
    bool asimd = false, asimdhp = false, asimddp = false, i8mm = false, bf16 = false, sve = false;
};

CpuFlags detect_cpu() {
    const unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
    CpuFlags f;
    f.asimd = hw & kHwcapAsimd;
    f.asimdhp = hw & kHwcapAsimdHp;
    f.asimddp = hw & kHwcapAsimdDp;
    f.sve = hw & kHwcapSve;
    f.i8mm = hw2 & kHwcap2I8mm;
    f.bf16 = hw2 & kHwcap2Bf16;
    return f;
}

const CpuFlags& cpu() {
    static const CpuFlags flags = detect_cpu();  // immutable after the first call
    return flags;
}

bool has_neon() { return cpu().asimd; }
// The dotprod and i8mm files are compiled with +fp16 as well: every core that
// has sdot also has the FP16 arithmetic extension, but check both.
bool has_dotprod() { return has_neon() && cpu().asimddp && cpu().asimdhp; }
bool has_i8mm() { return has_dotprod() && cpu().i8mm; }

constexpr IsaRow kRows[] = {
    {Isa::neon, has_neon, neon::fill_kernel_set},
    {Isa::dotprod, has_dotprod, dotprod::fill_kernel_set},
    {Isa::i8mm, has_i8mm, i8mm::fill_kernel_set},
};

}  // namespace

std::span<const IsaRow> isa_rows() { return kRows; }

std::string cpu_signature() { return {}; }

std::vector<std::string> detected_cpu_features() {
    const CpuFlags& f = cpu();
    return present_features({
        {f.asimd, "asimd"}, {f.asimdhp, "asimdhp"}, {f.asimddp, "asimddp"},
        {f.i8mm, "i8mm"},   {f.bf16, "bf16"},       {f.sve, "sve"},
    });
}

const PrefetchPolicy& weight_prefetch_policy() {
    static const PrefetchPolicy policy{true, "software (the ARM kernels' one line per block; untuned on hardware)"};
    return policy;
}

// NEON is the baseline: the compiler vectorizes the probe as it is.
uint64_t stream_sum(const uint64_t* p, size_t n) { return stream_sum_body(p, n); }
void spin_pause() { __asm__ __volatile__("yield"); }

}  // namespace lumen::kernels

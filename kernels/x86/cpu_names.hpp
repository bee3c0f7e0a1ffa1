// Which x86 core a CPUID signature is: a virtual machine's "model name" is
// often only "AMD EPYC" or "Intel Xeon Processor", while a benchmark figure
// means little without the core generation (Zen 4 runs 512-bit operations as
// two halves, Zen 5 server cores at full width). Facts from the vendors'
// published family/model numbers; an unknown pair has no name.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace lumen::kernels {

struct X86Signature {
    std::string_view vendor;  // "AuthenticAMD", "GenuineIntel", ...
    unsigned family = 0;      // base + extended family (CPUID 1 EAX)
    unsigned model = 0;       // base model + extended model where the vendor uses it
};

// The core generation ("Zen 4", "Sapphire Rapids"), or "" when not known here.
inline std::string_view x86_core_name(const X86Signature& s) {
    const unsigned m = s.model;
    if (s.vendor == "AuthenticAMD") {
        switch (s.family) {
        case 0x17: return m < 0x30 ? "Zen/Zen+" : "Zen 2";
        case 0x19: return (m >= 0x10 && m < 0x20) || (m >= 0x60 && m < 0x80) || (m >= 0xA0 && m < 0xB0) ? "Zen 4" : "Zen 3";
        case 0x1A: return "Zen 5";
        default: return "";
        }
    }
    if (s.vendor == "GenuineIntel" && s.family == 6) {
        struct Row { unsigned model; const char* name; };
        static constexpr Row kIntel[] = {
            {0x3C, "Haswell"}, {0x3F, "Haswell"}, {0x45, "Haswell"}, {0x46, "Haswell"},
            {0x3D, "Broadwell"}, {0x47, "Broadwell"}, {0x4F, "Broadwell"}, {0x56, "Broadwell"},
            {0x4E, "Skylake"}, {0x5E, "Skylake"}, {0x55, "Skylake-SP/Cascade Lake"},
            {0x8E, "Kaby/Coffee Lake"}, {0x9E, "Kaby/Coffee Lake"}, {0xA5, "Comet Lake"}, {0xA6, "Comet Lake"},
            {0x6A, "Ice Lake-SP"}, {0x6C, "Ice Lake-SP"}, {0x7D, "Ice Lake"}, {0x7E, "Ice Lake"},
            {0x8C, "Tiger Lake"}, {0x8D, "Tiger Lake"}, {0x97, "Alder Lake"}, {0x9A, "Alder Lake"},
            {0xB7, "Raptor Lake"}, {0xBA, "Raptor Lake"}, {0xBF, "Raptor Lake"}, {0xAA, "Meteor Lake"},
            {0xAC, "Meteor Lake"}, {0xBD, "Lunar Lake"}, {0xC5, "Arrow Lake"}, {0xC6, "Arrow Lake"},
            {0x8F, "Sapphire Rapids"}, {0xCF, "Emerald Rapids"}, {0xAD, "Granite Rapids"}, {0xAE, "Granite Rapids"},
        };
        for (const Row& r : kIntel)
            if (r.model == m) return r.name;
    }
    return "";
}

// "AuthenticAMD family 1Ah model 02h (Zen 5)": what `lumen bench` records with every figure.
inline std::string x86_signature_text(const X86Signature& s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " family %02Xh model %02Xh", s.family, s.model);
    std::string text = std::string(s.vendor) + buf;
    if (const std::string_view name = x86_core_name(s); !name.empty()) text += " (" + std::string(name) + ")";
    return text;
}

}  // namespace lumen::kernels

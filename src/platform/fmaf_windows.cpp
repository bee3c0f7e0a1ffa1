// A correctly rounded fmaf for Windows builds. MinGW-w64's C runtime computes
// fmaf(x, y, z) as float(double(x) * y + z), which rounds twice and is then
// sometimes one unit in the last place off a fused multiply-add; the scalar
// kernels (which call std::fma) would then differ from the SIMD ones, which use
// the FMA instruction. Linked from liblumen.a, this definition takes the
// runtime's place. Exact: the double product of two floats is exact, the sum
// is rounded to odd (a double with the sticky bit), so the final float
// rounding is the only rounding.
#include <cmath>
#include <cstdint>
#include <cstring>

extern "C" float fmaf(float x, float y, float z) {
    const double p = double(x) * double(y);  // exact: 24 + 24 bits < 53
    const double s = p + double(z);
    if (!std::isfinite(s)) return float(s);
    // TwoSum: the rounding error of s.
    const double zz = s - p;
    const double err = (p - (s - zz)) + (double(z) - zz);
    if (err == 0) return float(s);
    uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    if ((bits & 1) == 0) {  // even: step to the odd neighbour on the side of the exact value
        const bool away = (err > 0) == (s > 0);
        bits = away ? bits + 1 : bits - 1;
    }
    double odd;
    std::memcpy(&odd, &bits, sizeof odd);
    return float(odd);
}

// The integer primitives of the ARMv8.2 dot-product variants (dotprod.cpp,
// i8mm.cpp), included inside their own namespaces before the shared body.

namespace {

// acc lane i += sum of a[4i + j] * b[4i + j] for j < 4: one sdot.
inline int32x4_t dot_s8(int32x4_t acc, int8x16_t a, int8x16_t b) { return vdotq_s32(acc, a, b); }

// As dot_s8 with b = 4-byte group `lane` of `b16` in every lane: sdot by element.
template <int lane>
inline int32x4_t dot_s8_lane(int32x4_t acc, int8x16_t a, int8x16_t b16) {
    return vdotq_laneq_s32(acc, a, b16, lane);
}

}  // namespace

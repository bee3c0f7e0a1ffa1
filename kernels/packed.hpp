// Row-interleaved ("packed") weight layouts, made at load time from the file's
// blocks (never stored on disk): 8 rows' blocks side by side, so one vector
// instruction with a broadcast activation works on 8 rows at once. A packed
// matrix computes exactly what its scalar twin (ref::gemm_q4_0_x8) computes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "blocks.hpp"
#include "fp16.hpp"
#include "lumen/tensor_type.hpp"

namespace lumen::kernels {

// 8 rows x 32 weights of Q4_0. qs is 4 chunks of 32 bytes; in chunk k, bytes
// 4r..4r+3 are row r's qs[4k..4k+3] (low nibbles: weights 4k..4k+3, high
// nibbles: weights 16+4k..16+4k+3).
struct BlockQ4_0x8 {
    uint16_t d[8];
    uint8_t qs[128];
};
static_assert(sizeof(BlockQ4_0x8) == 144);

// 8 rows x 32 weights of Q8_0. qs is 8 chunks of 32 bytes; in chunk k, bytes
// 4r..4r+3 are row r's weights 4k..4k+3.
struct BlockQ8_0x8 {
    uint16_t d[8];
    int8_t qs[256];
};
static_assert(sizeof(BlockQ8_0x8) == 272);

// 8 rows x 32 weights of Q5_0: qs as in BlockQ4_0x8 (the low 4 bits), and
// qh[r] = row r's 32 fifth bits (bit j: weight j), as in BlockQ5_0.
struct BlockQ5_0x8 {
    uint16_t d[8];
    uint32_t qh[8];
    uint8_t qs[128];
};
static_assert(sizeof(BlockQ5_0x8) == 176);

// 8 rows x 256 weights of Q4_K (one super-block each). The 6-bit scales and
// mins are stored one byte each, 16 bytes per row where the file has 12, so
// the kernels do no bit unpacking: a packed Q4_K matrix is 148/144 of the
// file's (2.8 % more memory and bytes streamed per token). qs is 32 chunks of
// 32 bytes: chunk 8k + c holds bytes 4c..4c+3 of each row's qs[32k..32k+31],
// row after row: their low nibbles are weights 4c..4c+3 of sub-block 2k, the
// high nibbles those of sub-block 2k + 1 (as in BlockQ4_K).
struct BlockQ4_Kx8 {
    uint16_t d[8];
    uint16_t dmin[8];
    uint8_t scales[64];  // [sub-block s][row r]
    uint8_t mins[64];    // [sub-block pair k][row r][s % 2]: pairs for 16-bit multiply-adds
    uint8_t qs[1024];
};
static_assert(sizeof(BlockQ4_Kx8) == 1184);

// 8 rows x 256 weights of Q5_K: BlockQ4_Kx8's fields for the low 4 bits, and
// the fifth bits as the file has them (bit s of qh byte i: weight i of
// sub-block s), 4 bytes of each row per chunk column: qh[32 l + 4 r + j] is row
// r's qh[4 l + j], the bits of the weights of chunks 8k + l. 180 bytes per row
// and super-block where the file has 176 (2.3 % more).
struct BlockQ5_Kx8 {
    uint16_t d[8];
    uint16_t dmin[8];
    uint8_t scales[64];
    uint8_t mins[64];
    uint8_t qh[256];
    uint8_t qs[1024];
};
static_assert(sizeof(BlockQ5_Kx8) == 1440);

// 8 rows x 256 weights of Q2_K (one super-block each), the file's 84 bytes per
// row. Group g (16 weights) is 8h + 2run + (j >= 16) for weights
// 128h + 32run + j: its 2-bit fields are bits 2run of row qs[32h + j % 32].
// qs is 16 chunks of 32 bytes: chunk 8h + l holds row r's qs[32h + 4l..+3]
// in bytes 4r..4r+3, i.e. weights 4l..4l+3 of all 4 runs of half h (groups of
// parity l >= 4). Scales and mins stay 4-bit, regrouped so a zero-extension
// or shuffle and a mask give each group's scale, premultiplied as a kernel needs:
// scales[8q + r] = s_a << 4 | s_(a+4) of row r, a = 8(q / 4) + q % 4 (runs 0
// and 1 high, runs 2 and 3 low); mins[16p + 2r + e] = m_(2p+e) | m_(2p+8+e) << 4
// (min pairs p and p + 4 of the bsums products).
struct BlockQ2_Kx8 {
    uint16_t d[8];
    uint16_t dmin[8];
    uint8_t scales[64];
    uint8_t mins[64];
    uint8_t qs[512];
};
static_assert(sizeof(BlockQ2_Kx8) == 8 * sizeof(BlockQ2_K));

// 8 rows x 256 weights of TQ2_0 (one block each), the file's 66 bytes per
// row. The 2-bit fields sit as in BlockQ2_Kx8: chunk 8h + l of qs holds row
// r's qs[32h + 4l..+3] in bytes 4r..4r+3, i.e. weights 4l..4l+3 of all 4 runs
// (32 weights each) of half h: lane l of the per-row x86 kernel.
struct BlockTQ2_0x8 {
    uint16_t d[8];
    uint8_t qs[512];
};
static_assert(sizeof(BlockTQ2_0x8) == 8 * sizeof(BlockTQ2_0));

// 8 rows x 256 weights of Q6_K (one super-block each), the file's 210 bytes
// per row. Weight w of run j (weights 32j..32j+31; j = 4h + c) has the 6-bit
// value q = stored + 32. qs is 16 triples of 32-byte chunks: triple 2l + h
// holds weights 4l..4l+3 of runs 4h..4h+3, 4 bytes of each row (bytes
// 4r..4r+3 of each chunk): chunk c (0..2) holds run 4h + c's values in bits
// 0-5 and 2 bits of run 4h + 3's value in bits 6-7 (chunk c: its bits 2c,
// 2c + 1), so a 32-byte chunk is 4 weights of each row in one AND (runs
// 4h..4h+2) or three shifts and masks per triple (run 4h + 3).
struct BlockQ6_Kx8 {
    uint16_t d[8];
    int8_t scales[128];  // [group g of 16 weights][row r]
    uint8_t qs[1536];
};
static_assert(sizeof(BlockQ6_Kx8) == 8 * sizeof(BlockQ6_K));

// 8 rows x 256 weights of Q3_K (one super-block each). Weight 32j + 4l + k
// (run j, lane l of the per-row x86 kernel) has the 3-bit value q_j = low 2
// bits + 4 x high bit (the weight is q_j - 4). Triple l of 32-byte chunks
// holds weights 4l..4l+3 of all 8 runs, byte 4r + k of each chunk row r's:
//   chunk 0: q0 | q1 << 3 | (q6 & 3) << 6
//   chunk 1: q2 | q3 << 3 | (q6 >> 2) << 6 | (q7 & 1) << 7
//   chunk 2: q4 | q5 << 3 | (q7 >> 1) << 6
// so runs 0-5 are one AND each (values times 1 or 8 in place) and runs 6 and 7
// a few shifts (times 16). The 16 6-bit scales are stored a byte each as their
// signed values (-32..31), in pairs: scales[16p + 2r + e] is row r's scale of
// group 2p + e.
// 114 bytes per row and super-block where the file has 110 (3.6 % more).
struct BlockQ3_Kx8 {
    uint16_t d[8];
    int8_t scales[128];
    uint8_t qs[768];
};
static_assert(sizeof(BlockQ3_Kx8) == 912);

// Pack `rows` (a multiple of 8) rows of `cols` weights (same bytes in total,
// except Q4_K, Q5_K and Q3_K: packed_group_bytes).
void pack_q4_0_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_q5_0_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_iq4_nl_x8(const void* src, void* dst, int64_t rows, int64_t cols);  // into BlockQ4_0x8 (same bytes)
void pack_q8_0_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_q4_k_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_q5_k_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_q2_k_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_q6_k_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_q3_k_x8(const void* src, void* dst, int64_t rows, int64_t cols);
void pack_tq2_0_x8(const void* src, void* dst, int64_t rows, int64_t cols);

// Bytes of one packed group of 8 rows of `cols` weights of a type with a packer.
size_t packed_group_bytes(TensorType type, int64_t cols);

// The packer of a type with a packed layout, nullptr for the others: the one
// place that says which types models pack at load time.
using PackFn = void (*)(const void* src, void* dst, int64_t rows, int64_t cols);
PackFn packer(TensorType type);

// A packed matrix is stored in column tiles: tile t holds columns
// [kPackedTileCols * t, min(cols, kPackedTileCols * (t + 1))) of every 8-row
// group, group after group, and the tiles follow each other. A mat x vec then
// reads the weights front to back while one tile's activations (2048 columns:
// 2.7 KB of Q8_0 blocks and their ActBlockInfo) stay in L1: between two uses of
// an activation block only one group's tile streams past (9 KB for Q4_0, 17 KB
// for Q8_0), not a whole row (36 KB / 70 KB at 8192 columns, which pushed the
// activations out to L2 on every group). Matrices of at most 2048 columns are
// one tile: the plain group-after-group layout. docs/kernels.md "Session 14".
inline constexpr int64_t kPackedTileCols = 2048;
struct PackedTile {
    int64_t col0 = 0, cols = 0;  // the tile's columns
    size_t offset = 0;           // bytes from the matrix's start to its first group
    size_t group_bytes = 0;      // bytes of one group's part of the tile
};
inline int64_t packed_tile_count(int64_t cols) { return (cols + kPackedTileCols - 1) / kPackedTileCols; }
PackedTile packed_tile(TensorType type, int64_t rows, int64_t cols, int64_t t);
// Bytes of the whole packed matrix, and packing it (tiles of packer(type)'s layout).
size_t packed_matrix_bytes(TensorType type, int64_t rows, int64_t cols);
void pack_matrix(TensorType type, const void* src, void* dst, int64_t rows, int64_t cols);

// What the packed kernels need of each Q8_0 activation block besides its
// values; computed once per token, not once per row group.
struct ActBlockInfo {
    float d;      // the block's scale, as float
    int32_t sum;  // the sum of its 32 values
};
// The ActBlockInfo of n_blocks consecutive Q8_0 blocks (one activation row).
inline void describe_q8_0_blocks(const BlockQ8_0* blocks, int64_t n_blocks, ActBlockInfo* out) {
    for (int64_t b = 0; b < n_blocks; ++b) {
        int32_t s = 0;
        for (int k = 0; k < 32; ++k) s += blocks[b].qs[k];
        out[b] = {fp16_to_fp32(blocks[b].d), s};
    }
}

// out[c * ldo + r] = dot(row r of the 8-row group, activation c) for c < n_act.
// acts[c] are the type's activation rows (Q8_0 blocks, Q8_K for Q4_K); for
// Q8_0, info[c][b] describes block b of activation c (Q8_K blocks carry
// their own sums: info is not read).
using PackedGemmFn = void (*)(int64_t cols, const void* packed_group, const void* const* acts,
                              const ActBlockInfo* const* info, int n_act, float* out, int64_t ldo);

namespace ref {
void gemm_q4_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
void gemm_q5_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
void gemm_iq4_nl_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                    int n_act, float* out, int64_t ldo);
void gemm_q8_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
// The reference's x86 Q4_K dot, row by row: 8 int32 lanes per row, lane l
// holding sum_s scale_s * (q . a over weights 4l..4l+3 of each sub-block s),
// added in float across super-blocks as acc_l = fma(d_w * d_a, lane_l, acc_l),
// the mins in 4 lanes (pairs of sub-blocks) with -(dmin_w * d_a), and both
// reduced by the reference's halving trees. Every step is the per-row x86
// kernel's, so a packed Q4_K matrix gives the reference's bits on every ISA.
void gemm_q4_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
// Q5_K the same with the fifth bits, except the mins: the reference sums a
// super-block's 4 mins lanes in integers and adds -(d_a * dmin_w) * that to one
// float per row.
void gemm_q5_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
// Q2_K per row and super-block: the exact integers isum = sum_g scale_g *
// (q . a over group g's 16 weights) and msum = sum_g min_g * bsum_g, then
// acc = fma(d_a * d_w, isum, acc) and acc = fma(-(d_a * dmin_w), msum, acc):
// one float per row, no lanes (since session 13; docs/kernels.md "Packed Q2_K").
void gemm_q2_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
// The reference's x86 Q6_K dot, row by row: 8 int32 lanes per row, lane l
// holding sum_j scale * ((q - 32) . a over weights 4l..4l+3 of each 32-weight
// run j), the scale that of group 2j + l / 4; added in float across
// super-blocks as acc_l = fma(d_w * d_a, lane_l, acc_l) and reduced by the
// reference's halving tree: the per-row x86 kernel's bits on every ISA.
void gemm_q6_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
// The x86 per-row Q3_K kernel (dotc_q3_k), row by row: 8 int32 lanes per
// row, lane l holding 16 x (sum_j scale * (q . a over weights 4l..4l+3 of run
// j), the scale that of group 2j + l / 4) minus 64 x (scale_2l * bsum_2l +
// scale_2l+1 * bsum_2l+1) (the -4 of every weight, from the activations'
// 16-weight sums); acc_l = fma(d_a * (d_w / 16), lane_l, acc_l) per block,
// and the halving tree at the end.
void gemm_q3_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo);
// The x86 per-row TQ2_0 kernel (dotc_tq2_0), row by row: 8 int32 lanes per
// row, lane l holding 4 x (q - 1) . a over weights 4l..4l+3 of each
// 32-weight run (runs 1 and 3 times 4 in place, runs 0 and 2 times 4 after,
// the -1 from the activations' bsums 2l and 2l + 1), acc_l = fma(d_a * d_w *
// 0.25, lane_l, acc_l) per block, and the halving tree at the end.
void gemm_tq2_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                   int n_act, float* out, int64_t ldo);
}  // namespace ref

}  // namespace lumen::kernels

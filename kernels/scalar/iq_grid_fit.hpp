// The group fit shared by the grid quantizers IQ2_XXS, IQ2_XS, IQ3_XXS and
// IQ3_S: magnitudes of a group of 16 or 32 values are matched to grid points
// (digit l = odd value 2l + 1) over a range of trial scales, off-grid points
// snap to their best neighbour, the best weighted fit wins, and a final pass
// re-snaps at that scale. The variants differ only in the rules below.
#pragma once

#include <cstdint>

#include "scalar/iq_search.hpp"

namespace lumen::kernels {

enum class Refine { off_grid_groups, all_if_any_off, always };

struct GridFitRules {
    const IqGridSearch& grid;
    int group;           // values per group: 32 or 16
    int max_q;           // digits 0..max_q-1
    bool even_parity;    // 7-bit sign codes: an odd run flips its least important value
    int trials;          // trial inverse scales (2 max_q - 1 + is * step) / range, is = -trials..trials
    float step;
    float zero_eps;      // a group whose largest magnitude is below this (or 0) is zero
    bool positive_fit;   // IQ2_XXS: the range is max_q times a first positive fit, not the max
    bool on_grid_init;   // "on grid" flags before a trial is accepted
    Refine refine;
};

// Fits one group of x with weights w: grid indices (group / dims of them) and
// sign codes (group / 8 bytes). Returns the scale (>= 0), or -1 for a zero group.
float fit_grid_group(const GridFitRules& r, const float* x, const float* w, uint16_t* index, uint8_t* signs);

// The fits of every group of one 256-value block.
struct BlockFit {
    float scales[16];        // per group; 0 for a zero group
    bool zero[16];           // all-zero group: nothing is stored for it
    uint16_t index[16][8];   // grid index per point
    uint8_t signs[16][4];    // sign code per run of 8
    float max_scale;
};

// Fits the groups of x (256 values). Weights: qw * sqrt(sigma2 + x^2) with
// importance weights, else plain * sigma2 + x^2.
void fit_grid_block(const GridFitRules& r, const float* x, const float* qw, float sigma2, float plain, BlockFit& out);

// Sum of squares of a 256-value block (the types derive sigma^2 from it).
float block_sum_squares(const float* x);

// 4-bit code of a group scale against inverse block scale id (odd multiples 2l + 1).
int grid_scale_code(float id, float scale);

}  // namespace lumen::kernels

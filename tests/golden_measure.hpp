// Measuring a run against a reference golden (golden_logits.hpp) instead of a
// pass/fail: the largest logit error at the prompt and over the greedy steps,
// and where our greedy tokens first depart from the reference's, with the
// reference's top-2 margin there. tests/golden_tolerances.hpp holds the
// measured bounds; docs/accuracy.md the measured table.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "golden_logits.hpp"

namespace lumen::test {

struct GoldenMeasure {
    float prompt_err = 0.f;  // max |ours - ref| over every prompt position's top-20 and the full last position
    float steps_err = 0.f;   // max |ours - ref| over the top-5 of each greedy step before the departure
    int departure = -1;      // first greedy step whose token differs from the reference's; -1: none
    float departure_margin = 0.f;  // the reference's top-1 minus top-2 logit at that step
    int n_steps = 0;         // greedy steps in the golden
    std::vector<float> step_errs;  // per greedy step before the departure

    float steps_err_before(int n) const {
        float e = 0.f;
        for (int s = 0; s < std::min(n, int(step_errs.size())); ++s) e = std::max(e, step_errs[size_t(s)]);
        return e;
    }
};

inline float abs_error(const std::vector<float>& ours, const std::vector<std::pair<int, float>>& ref) {
    float err = 0.f;
    for (const auto& [id, logit] : ref) err = std::max(err, std::fabs(ours[size_t(id)] - logit));
    return err;
}

inline GoldenMeasure measure_golden(const GoldenLogits& g, const GoldenRun& r) {
    GoldenMeasure m;
    m.n_steps = int(g.greedy.size());
    for (size_t p = 0; p < g.positions.size(); ++p)
        m.prompt_err = std::max(m.prompt_err, abs_error(r.prompt_logits[p], g.positions[p]));
    for (size_t i = 0; i < g.last_logits.size(); ++i)
        m.prompt_err = std::max(m.prompt_err, std::fabs(r.prompt_logits.back()[i] - g.last_logits[i]));
    for (size_t s = 0; s < g.greedy.size(); ++s) {
        if (r.greedy[s] != g.greedy[s]) {
            m.departure = int(s);
            m.departure_margin = top_margin(g.greedy_top5[s]);
            break;
        }
        m.step_errs.push_back(abs_error(r.step_logits[s], g.greedy_top5[s]));
        m.steps_err = std::max(m.steps_err, m.step_errs.back());
    }
    return m;
}

// The first greedy step whose reference top-2 margin is below `margin` (n_steps if none).
inline int first_step_with_margin_below(const GoldenLogits& g, float margin) {
    for (size_t s = 0; s < g.greedy_top5.size(); ++s)
        if (top_margin(g.greedy_top5[s]) < margin) return int(s);
    return int(g.greedy_top5.size());
}

}  // namespace lumen::test

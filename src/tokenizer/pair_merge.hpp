// Greedy pairwise merging, the engine of both BPE-style tokenizers (internal):
// start from the UTF-8 characters of a text and repeatedly merge the adjacent
// pair with the best priority (lowest value first, leftmost on ties) until no
// pair merges. SentencePiece prices a pair by the score of the token it forms,
// byte-level BPE by the rank of the merge rule.
#pragma once

#include <optional>
#include <queue>
#include <string_view>
#include <vector>

#include "tokenizer/utf8_len.hpp"

namespace lumen {

// `priority(left, right)` returns the pair's priority, or nullopt if it does not
// merge. Returns the final pieces (views into `text`), in order.
template <class Priority>
std::vector<std::string_view> merge_pairs(std::string_view text, Priority priority) {
    struct Symbol {
        int prev, next;
        size_t start, len;  // into the text; len 0 = absorbed by its left neighbour
    };
    struct Pair {
        int left, right;
        double priority;
        size_t len;  // combined length when queued: a changed side makes the entry stale
        bool operator<(const Pair& o) const {
            return priority > o.priority || (priority == o.priority && left > o.left);
        }
    };
    std::vector<Symbol> sym;
    for (size_t i = 0; i < text.size();) {
        const size_t len = std::min(utf8_sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
        sym.push_back({int(sym.size()) - 1, int(sym.size()) + 1, i, len});
        i += len;
    }
    if (sym.empty()) return {};
    sym.back().next = -1;
    auto view = [&](int i) { return text.substr(sym[size_t(i)].start, sym[size_t(i)].len); };

    std::priority_queue<Pair> queue;
    auto try_add = [&](int l, int r) {
        if (l < 0 || r < 0) return;
        if (const std::optional<double> p = priority(view(l), view(r)))
            queue.push({l, r, *p, sym[size_t(l)].len + sym[size_t(r)].len});
    };
    for (size_t i = 1; i < sym.size(); ++i) try_add(int(i) - 1, int(i));
    while (!queue.empty()) {
        const Pair p = queue.top();
        queue.pop();
        Symbol& l = sym[size_t(p.left)];
        Symbol& r = sym[size_t(p.right)];
        if (l.len == 0 || r.len == 0 || l.len + r.len != p.len || l.next != p.right) continue;  // stale
        l.len += r.len;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) sym[size_t(r.next)].prev = p.left;
        try_add(l.prev, p.left);
        try_add(p.left, l.next);
    }
    std::vector<std::string_view> pieces;
    for (int i = 0; i >= 0; i = sym[size_t(i)].next) pieces.push_back(view(i));
    return pieces;
}

}  // namespace lumen

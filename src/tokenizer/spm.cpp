// SentencePiece-style BPE ("llama" vocabularies): start from UTF-8 characters,
// repeatedly merge the adjacent pair whose concatenation is the vocabulary token
// with the highest score (leftmost on ties); characters that are no token fall
// back to <0xNN> byte tokens.
#include <queue>
#include <string>

#include "lumen/vocab.hpp"
#include "tokenizer/utf8_len.hpp"

namespace lumen {

namespace {


struct Symbol {
    int prev, next;
    size_t start, len;  // into the text
};

struct Bigram {
    int left, right;
    float score;
    size_t len;  // combined length when queued (stale entries are skipped)
    bool operator<(const Bigram& o) const { return score < o.score || (score == o.score && left > o.left); }
};

}  // namespace

void Vocab::append_bytes_spm(std::string_view symbol, std::vector<int32_t>& out) const {
    const int32_t id = find(symbol);
    if (id >= 0) {
        out.push_back(id);
        return;
    }
    for (unsigned char b : symbol) {
        const int32_t bt = byte_tokens_[b];
        if (bt >= 0) out.push_back(bt);
        else if (unk_ >= 0) out.push_back(unk_);
    }
}

std::vector<int32_t> Vocab::encode_spm(std::string_view raw, bool space_prefix) const {
    std::vector<int32_t> out;
    if (raw.empty()) return out;
    std::string text;
    if (add_space_prefix_ && space_prefix) text = " ";
    text.append(raw);
    // Spaces are written as U+2581.
    std::string marked;
    for (char ch : text) {
        if (ch == ' ') marked += "\xe2\x96\x81";
        else marked += ch;
    }

    std::vector<Symbol> sym;
    for (size_t i = 0; i < marked.size();) {
        const size_t len = std::min(utf8_sequence_length(static_cast<unsigned char>(marked[i])), marked.size() - i);
        sym.push_back({int(sym.size()) - 1, int(sym.size()) + 1, i, len});
        i += len;
    }
    sym.back().next = -1;

    std::priority_queue<Bigram> queue;
    auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const std::string_view s(marked.data() + sym[size_t(left)].start, sym[size_t(left)].len + sym[size_t(right)].len);
        const int32_t id = find(s);
        if (id >= 0) queue.push({left, right, score(id), s.size()});
    };
    for (size_t i = 1; i < sym.size(); ++i) try_add(int(i) - 1, int(i));

    while (!queue.empty()) {
        const Bigram b = queue.top();
        queue.pop();
        Symbol& l = sym[size_t(b.left)];
        Symbol& r = sym[size_t(b.right)];
        // Skip pairs where either side changed since they were queued.
        if (l.len == 0 || r.len == 0 || l.len + r.len != b.len) continue;
        l.len += r.len;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) sym[size_t(r.next)].prev = b.left;
        try_add(l.prev, b.left);
        try_add(b.left, l.next);
    }
    for (int i = 0; i >= 0; i = sym[size_t(i)].next)
        append_bytes_spm(std::string_view(marked.data() + sym[size_t(i)].start, sym[size_t(i)].len), out);
    return out;
}

}  // namespace lumen

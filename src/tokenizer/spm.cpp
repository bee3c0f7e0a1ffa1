// SentencePiece-style BPE ("llama" vocabularies): start from UTF-8 characters,
// repeatedly merge the adjacent pair whose concatenation is the vocabulary token
// with the highest score (leftmost on ties); characters that are no token fall
// back to <0xNN> byte tokens.
#include <string>

#include "lumen/vocab.hpp"
#include "tokenizer/pair_merge.hpp"

namespace lumen {

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

    const auto pieces = merge_pairs(marked, [&](std::string_view l, std::string_view r) -> std::optional<double> {
        const int32_t id = find(std::string_view(l.data(), l.size() + r.size()));  // adjacent in `marked`
        if (id < 0) return std::nullopt;
        return -double(score(id));  // highest score merges first
    });
    for (const std::string_view piece : pieces) append_bytes_spm(piece, out);
    return out;
}

}  // namespace lumen

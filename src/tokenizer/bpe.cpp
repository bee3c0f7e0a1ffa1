// Byte-level BPE ("gpt2" vocabularies): pre-tokenize with the vocabulary's
// regexes, map every byte to its printable stand-in character (the GPT-2 byte
// alphabet), then merge adjacent symbols by merge rank (lowest first, leftmost
// on ties) until no listed merge applies.

#include "lumen/vocab.hpp"
#include "tokenizer/pair_merge.hpp"
#include "tokenizer/pretokenizer.hpp"

namespace lumen {

namespace {

// The GPT-2 byte alphabet: printable Latin-1 bytes stand for themselves, the
// other 68 bytes get code points 256, 257, ... in byte order.
struct ByteAlphabet {
    std::string encode[256];     // byte -> UTF-8 of its stand-in
    int decode[0x200];           // stand-in code point -> byte (or -1)
    ByteAlphabet() {
        for (int& d : decode) d = -1;
        int next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            const int cp = printable ? b : next++;
            decode[cp] = b;
            std::string& s = encode[b];
            if (cp < 0x80) s = char(cp);
            else {
                s += char(0xC0 | (cp >> 6));
                s += char(0x80 | (cp & 0x3F));
            }
        }
    }
};

const ByteAlphabet& alphabet() {
    static const ByteAlphabet a;
    return a;
}


}  // namespace

std::string bpe_bytes_to_symbols(std::string_view raw) {
    std::string out;
    for (unsigned char b : raw) out += alphabet().encode[b];
    return out;
}

std::string bpe_symbols_to_bytes(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        uint32_t cp = c;
        size_t n = 1;
        if ((c >> 5) == 0x6 && i + 1 < text.size()) {
            cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            n = 2;
        }
        if (cp < 0x200 && alphabet().decode[cp] >= 0) out += char(alphabet().decode[cp]);
        else out.append(text.substr(i, n));  // not a stand-in: keep as is
        i += n;
    }
    return out;
}

void Vocab::encode_bpe_word(std::string_view raw_word, std::vector<int32_t>& out) const {
    const std::string word = bpe_bytes_to_symbols(raw_word);
    if (ignore_merges_)
        if (const int32_t id = find(word); id >= 0) {
            out.push_back(id);
            return;
        }
    std::string key;
    const auto pieces = merge_pairs(word, [&](std::string_view l, std::string_view r) -> std::optional<double> {
        key.assign(l);
        key += ' ';
        key.append(r);
        const auto it = merge_rank_.find(key);
        if (it == merge_rank_.end()) return std::nullopt;
        return double(it->second);
    });
    for (const std::string_view s : pieces) {
        const int32_t id = find(s);
        if (id >= 0) {
            out.push_back(id);
            continue;
        }
        // No token for this symbol: fall back to single-byte pieces where listed.
        for (char ch : s)
            if (const int32_t b = find(std::string_view(&ch, 1)); b >= 0) out.push_back(b);
    }
}

std::vector<int32_t> Vocab::encode_bpe(std::string_view text) const {
    std::vector<int32_t> out;
    for (std::string_view word : pre_->split(text)) encode_bpe_word(word, out);
    return out;
}

}  // namespace lumen

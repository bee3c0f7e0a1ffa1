// WordPiece ("bert" vocabularies): replace each character by its base letter
// (the first code point of its canonical decomposition: "ü" -> "u", while
// combining marks already in the text stay), lowercase, split at whitespace,
// punctuation, ASCII symbols and CJK ideographs, then take the
// longest vocabulary match from the left, word by word; a word that cannot be
// covered completely becomes the unknown token. Words are marked with a leading
// U+2581, as the GGUF conversion of these vocabularies writes them.
#include <utf8proc.h>

#include "lumen/vocab.hpp"

namespace lumen {

namespace {

bool is_cjk(utf8proc_int32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_whitespace(utf8proc_int32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

void append_utf8(std::string& s, utf8proc_int32_t c) {
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(c, buf);
    s.append(reinterpret_cast<const char*>(buf), size_t(n));
}

// First code point of the full canonical decomposition (the character itself
// if it has none). This is how the reference normalizes for WordPiece.
utf8proc_int32_t base_char(utf8proc_int32_t c) {
    utf8proc_int32_t out[8];
    int last = 0;
    const auto n = utf8proc_decompose_char(c, out, 8, UTF8PROC_DECOMPOSE, &last);
    return n >= 1 ? out[0] : c;
}

std::vector<std::string> wordpiece_words(std::string_view text) {
    std::vector<std::string> words(1);
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        utf8proc_int32_t c;
        const auto n = utf8proc_iterate(p, end - p, &c);
        if (n <= 0) break;  // cannot happen: the text was sanitized
        p += n;
        c = base_char(c);
        if (is_whitespace(c)) {
            if (!words.back().empty()) words.emplace_back();
            continue;
        }
        const auto cat = utf8proc_category(c);
        const bool control = cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
                             cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CS;
        if (c == 0 || c == 0xFFFD || control) continue;
        const bool punct = cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
        const bool ascii_symbol = c < 0x7F && cat >= UTF8PROC_CATEGORY_SM && cat <= UTF8PROC_CATEGORY_SO;
        std::string s;
        append_utf8(s, utf8proc_tolower(c));
        if (punct || ascii_symbol || is_cjk(c)) {
            if (!words.back().empty()) words.emplace_back();
            words.back() = s;
            words.emplace_back();
        } else {
            words.back() += s;
        }
    }
    if (words.back().empty()) words.pop_back();
    return words;
}

}  // namespace

std::vector<int32_t> Vocab::encode_wpm(std::string_view text) const {
    std::vector<int32_t> out;
    for (const std::string& w : wordpiece_words(text)) {
        if (w.empty()) continue;
        const std::string word = "\xe2\x96\x81" + w;
        const size_t before = out.size();
        for (size_t i = 0; i < word.size();) {
            size_t j = std::min(word.size(), i + size_t(max_token_len_) + 1);
            int32_t id = -1;
            for (; j > i; --j)
                if ((id = find(std::string_view(word).substr(i, j - i))) >= 0) break;
            if (id < 0) {
                out.resize(before);
                break;
            }
            out.push_back(id);
            i = j;
        }
        if (out.size() == before && unk_ >= 0) out.push_back(unk_);
    }
    return out;
}

}  // namespace lumen

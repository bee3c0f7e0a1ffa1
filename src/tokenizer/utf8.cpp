// UTF-8 boundaries and repair for streamed output.
#include "lumen/vocab.hpp"

namespace lumen {

namespace {

// What starts at s[i]: a valid sequence of `len` bytes; or an invalid one whose
// maximal well-formed prefix is `len` bytes (replaced by one U+FFFD, as Unicode
// recommends); or a valid-so-far sequence cut off by the end of the string.
struct Sequence {
    enum { valid, invalid, truncated } kind;
    size_t len;
};

Sequence sequence_at(std::string_view s, size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len;
    if (c < 0x80) return {Sequence::valid, 1};
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    else return {Sequence::invalid, 1};
    for (size_t k = 1; k < len; ++k) {
        if (i + k >= s.size()) return {Sequence::truncated, k};
        const auto cc = static_cast<unsigned char>(s[i + k]);
        bool ok = (cc & 0xC0) == 0x80;
        // Reject overlong forms, surrogates and code points past U+10FFFF.
        if (k == 1) {
            if (c == 0xE0 && cc < 0xA0) ok = false;
            if (c == 0xED && cc > 0x9F) ok = false;
            if (c == 0xF0 && cc < 0x90) ok = false;
            if (c == 0xF4 && cc > 0x8F) ok = false;
        }
        if (!ok) return {Sequence::invalid, k};
    }
    return {Sequence::valid, len};
}

}  // namespace

size_t utf8_complete_prefix(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const Sequence q = sequence_at(s, i);
        if (q.kind == Sequence::truncated) return i;
        i += q.len;
    }
    return i;
}

std::string utf8_sanitize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const Sequence q = sequence_at(s, i);
        if (q.kind == Sequence::valid) out.append(s.substr(i, q.len));
        else out += "\xEF\xBF\xBD";
        i += q.len;
    }
    return out;
}

std::string StreamDecoder::push(int32_t token) {
    pending_ += vocab_.piece(token, special_);
    const size_t n = utf8_complete_prefix(pending_);
    std::string out = utf8_sanitize(std::string_view(pending_).substr(0, n));
    pending_.erase(0, n);
    return out;
}

std::string StreamDecoder::flush() {
    std::string out = utf8_sanitize(pending_);
    pending_.clear();
    return out;
}

}  // namespace lumen

// UTF-8 boundaries and repair for streamed output.
#include "lumen/vocab.hpp"

namespace lumen {

namespace {

// Length of a valid UTF-8 sequence at s[i], 0 if invalid, -1 if valid so far
// but truncated by the end of the string.
int sequence_length(std::string_view s, size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    else return 0;
    for (int k = 1; k < len; ++k) {
        if (i + size_t(k) >= s.size()) return -1;
        const auto cc = static_cast<unsigned char>(s[i + size_t(k)]);
        if ((cc & 0xC0) != 0x80) return 0;
        // Reject overlong forms, surrogates and code points past U+10FFFF.
        if (k == 1) {
            if (c == 0xE0 && cc < 0xA0) return 0;
            if (c == 0xED && cc > 0x9F) return 0;
            if (c == 0xF0 && cc < 0x90) return 0;
            if (c == 0xF4 && cc > 0x8F) return 0;
        }
    }
    return len;
}

}  // namespace

size_t utf8_complete_prefix(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const int len = sequence_length(s, i);
        if (len < 0) return i;  // truncated character at the end
        i += len == 0 ? 1 : size_t(len);
    }
    return i;
}

std::string utf8_sanitize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const int len = sequence_length(s, i);
        if (len <= 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s.substr(i, size_t(len)));
            i += size_t(len);
        }
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

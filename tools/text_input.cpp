#include "text_input.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "lumen/error.hpp"

namespace lumen::cli {

namespace {

std::string mib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
    return buf;
}

}  // namespace

size_t first_invalid_utf8(const std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    for (size_t i = 0; i < n;) {
        const unsigned char c = p[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return i;  // a continuation byte, an overlong lead (C0, C1) or F5..FF
        if (i + len > n) return i;
        for (size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return std::string::npos;
}

std::string read_text_input(const std::string& path, const char* what, uint64_t max_bytes) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw Error(path + ": cannot read the " + what + ": no such file");
    if (fs::is_directory(status)) throw Error(path + ": cannot read the " + what + ": it is a directory");
    if (fs::is_regular_file(status)) {
        const uint64_t size = fs::file_size(path, ec);
        if (!ec && size > max_bytes)
            throw Error(path + ": the " + what + " is " + mib(size) + ", more than the " + mib(max_bytes) +
                        " a " + what + " may have");
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(path + ": cannot read the " + what);
    // Read at most max_bytes + 1 (pipes and devices have no size to check first).
    std::string text(max_bytes + 1 > (64u << 10) ? (64u << 10) : max_bytes + 1, '\0');
    std::string out;
    while (f) {
        f.read(text.data(), std::streamsize(text.size()));
        out.append(text.data(), size_t(f.gcount()));
        if (out.size() > max_bytes)
            throw Error(path + ": the " + what + " is more than the " + mib(max_bytes) + " a " + what + " may have");
    }
    if (f.bad()) throw Error(path + ": cannot read the " + what + ": read error");
    if (const size_t at = first_invalid_utf8(out); at != std::string::npos) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", unsigned(static_cast<unsigned char>(out[at])));
        throw Error(path + ": the " + what + " is not UTF-8 text (byte " + byte + " at offset " + std::to_string(at) +
                    ")");
    }
    return out;
}

}  // namespace lumen::cli

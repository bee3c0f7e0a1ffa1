// Reading and writing importance-matrix files (format in lumen/imatrix.hpp).
// Every count and length is checked against the bytes left before it is used,
// so a damaged or hostile file gives lumen::Error, never a crash or a huge allocation.
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

#include "lumen/error.hpp"
#include "lumen/imatrix.hpp"
#include "platform/file_replace.hpp"
#include "platform/path_text.hpp"

namespace lumen {

namespace {

constexpr int32_t kMaxNameLength = 4096;

class Cursor {
public:
    Cursor(std::span<const std::byte> bytes, const std::string& label) : bytes_(bytes), label_(label) {}

    size_t left() const { return bytes_.size() - pos_; }

    int32_t i32(const char* what) {
        need(4, what);
        int32_t v;
        std::memcpy(&v, bytes_.data() + pos_, 4);
        pos_ += 4;
        return v;
    }
    std::string text(size_t n, const char* what) {
        need(n, what);
        std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
        pos_ += n;
        return s;
    }
    std::vector<float> floats(size_t n, const char* what) {
        if (n > left() / 4) fail(std::string(what) + ": " + std::to_string(n) + " values need " +
                                 std::to_string(4 * uint64_t(n)) + " bytes, " + std::to_string(left()) + " left");
        std::vector<float> v(n);
        std::memcpy(v.data(), bytes_.data() + pos_, 4 * n);
        pos_ += 4 * n;
        return v;
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw Error(label_ + ": not a valid imatrix file: " + why + " (at byte " + std::to_string(pos_) + ")");
    }

private:
    void need(size_t n, const char* what) const {
        if (n > left()) fail(std::string("truncated in ") + what);
    }

    std::span<const std::byte> bytes_;
    const std::string& label_;
    size_t pos_ = 0;
};

void put_bytes(std::vector<std::byte>& out, const void* data, size_t n) {
    const size_t at = out.size();
    out.resize(at + n);
    if (n > 0) std::memcpy(out.data() + at, data, n);
}

void put_i32(std::vector<std::byte>& out, int32_t v) { put_bytes(out, &v, 4); }

}  // namespace

std::vector<float> ImatrixEntry::weights() const {
    std::vector<float> w = values;
    if (ncall > 0)
        for (float& v : w) v /= float(ncall);
    return w;
}

const ImatrixEntry* ImportanceMatrix::find(std::string_view tensor_name) const {
    for (const auto& e : entries)
        if (e.name == tensor_name) return &e;
    return nullptr;
}

ImportanceMatrix parse_imatrix(std::span<const std::byte> bytes, const std::string& label) {
    Cursor in(bytes, label);
    ImportanceMatrix m;
    const int32_t n_entries = in.i32("the entry count");
    if (n_entries < 1) in.fail("entry count " + std::to_string(n_entries) + " (need at least 1)");
    // Each entry takes at least 16 bytes: a bound on the count before reserving.
    if (uint64_t(n_entries) > in.left() / 16)
        in.fail("entry count " + std::to_string(n_entries) + " does not fit in " + std::to_string(in.left()) + " bytes");
    std::set<std::string, std::less<>> seen;
    for (int32_t i = 0; i < n_entries; ++i) {
        ImatrixEntry e;
        const std::string which = "entry " + std::to_string(i);
        const int32_t len = in.i32("an entry's name length");
        if (len < 1 || len > kMaxNameLength) in.fail(which + ": name length " + std::to_string(len));
        e.name = in.text(size_t(len), "an entry's name");
        if (e.name.find('\0') != std::string::npos) in.fail(which + ": name contains a NUL byte");
        if (!seen.insert(e.name).second) in.fail("tensor '" + e.name + "' appears twice");
        e.ncall = in.i32("an entry's call count");
        if (e.ncall < 0) in.fail("'" + e.name + "': negative call count " + std::to_string(e.ncall));
        const int32_t nval = in.i32("an entry's value count");
        if (nval < 1) in.fail("'" + e.name + "': value count " + std::to_string(nval));
        e.values = in.floats(size_t(nval), ("the values of '" + e.name + "'").c_str());
        for (float v : e.values)
            if (!std::isfinite(v)) in.fail("'" + e.name + "' holds a non-finite value");
        m.entries.push_back(std::move(e));
    }
    if (in.left() > 0) {
        m.chunks = in.i32("the chunk count");
        if (m.chunks < 0) in.fail("negative chunk count " + std::to_string(m.chunks));
        const int32_t len = in.i32("the dataset name length");
        if (len < 0 || len > kMaxNameLength) in.fail("dataset name length " + std::to_string(len));
        m.dataset = in.text(size_t(len), "the dataset name");
        if (in.left() > 0) in.fail(std::to_string(in.left()) + " unexpected bytes after the dataset name");
    }
    return m;
}

ImportanceMatrix read_imatrix(const std::filesystem::path& path) {
    const std::string label = platform::utf8_from_path(path);
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(label + ": cannot open the imatrix file");
    f.seekg(0, std::ios::end);
    const std::streamoff size = f.tellg();
    constexpr std::streamoff kMaxSize = std::streamoff(1) << 31;
    if (size < 0 || size > kMaxSize) throw Error(label + ": imatrix file too large or unreadable");
    f.seekg(0);
    std::vector<std::byte> bytes(static_cast<size_t>(size));
    f.read(reinterpret_cast<char*>(bytes.data()), size);
    if (!f) throw Error(label + ": cannot read the imatrix file");
    return parse_imatrix(bytes, label);
}

std::vector<std::byte> serialize_imatrix(const ImportanceMatrix& m) {
    std::vector<std::byte> out;
    put_i32(out, int32_t(m.entries.size()));
    for (const auto& e : m.entries) {
        put_i32(out, int32_t(e.name.size()));
        put_bytes(out, e.name.data(), e.name.size());
        put_i32(out, e.ncall);
        put_i32(out, int32_t(e.values.size()));
        put_bytes(out, e.values.data(), 4 * e.values.size());
    }
    put_i32(out, m.chunks);
    put_i32(out, int32_t(m.dataset.size()));
    put_bytes(out, m.dataset.data(), m.dataset.size());
    return out;
}

void write_imatrix(const ImportanceMatrix& m, const std::filesystem::path& path) {
    const std::vector<std::byte> bytes = serialize_imatrix(m);
    platform::ReplacingFile file(path);
    if (std::fwrite(bytes.data(), 1, bytes.size(), file.stream()) != bytes.size())
        throw Error(file.label() + ": cannot write the imatrix file");
    file.commit();
}

}  // namespace lumen

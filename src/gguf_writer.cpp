// GGUF writer: metadata + tensors, aligned, written atomically (temp file + rename).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"

namespace lumen {

namespace {

// Buffered output to a FILE*, throwing on any write error.
class Sink {
public:
    Sink(std::FILE* f, std::string label) : f_(f), label_(std::move(label)) {}
    void bytes(const void* p, size_t n) {
        if (n != 0 && std::fwrite(p, 1, n, f_) != n)
            throw Error(label_ + ": write failed: " + std::strerror(errno));
        pos_ += n;
    }
    template <class T>
    void pod(T v) { bytes(&v, sizeof v); }
    void string(const std::string& s) {
        pod<uint64_t>(s.size());
        bytes(s.data(), s.size());
    }
    void pad_to(uint64_t align) {
        static const char zeros[64] = {};
        while (pos_ % align != 0) bytes(zeros, std::min<uint64_t>(align - pos_ % align, sizeof zeros));
    }
    uint64_t pos() const { return pos_; }

private:
    std::FILE* f_;
    std::string label_;
    uint64_t pos_ = 0;
};

void write_value(Sink& out, const GgufValue& v);

void write_array_body(Sink& out, const GgufValue& v) {
    out.pod<uint32_t>(uint32_t(v.elem_type()));
    out.pod<uint64_t>(v.size());
    if (v.elem_type() == GgufType::STRING) {
        for (const auto& s : v.strings()) out.string(s);
    } else if (v.elem_type() == GgufType::ARRAY) {
        for (const auto& a : v.arrays()) write_array_body(out, a);
    } else {
        const auto raw = v.scalar_bytes();
        out.bytes(raw.data(), raw.size());
    }
}

void write_value(Sink& out, const GgufValue& v) {
    switch (v.type()) {
        case GgufType::STRING: out.string(v.as_string()); return;
        case GgufType::ARRAY: write_array_body(out, v); return;
        case GgufType::F32: out.pod<float>(v.as_f32()); return;
        case GgufType::F64: out.pod<double>(v.as_f64()); return;
        default: {
            // Integer and bool payloads: the low bytes of the 64-bit pattern.
            const uint64_t bits = v.type() == GgufType::BOOL ? uint64_t(v.as_bool()) : v.raw_bits();
            out.bytes(&bits, gguf_scalar_size(v.type()));
            return;
        }
    }
}

// Removes the temporary file unless the write completed. Where the file system
// allows, the file has no name until it is complete (O_TMPFILE), so even a
// process killed mid-write leaves nothing behind; else it is `label.tmp.XXXXXX`.
struct TempFile {
    std::string path;  // empty while unnamed
    std::FILE* f = nullptr;
    bool committed = false;
    ~TempFile() {
        if (f) std::fclose(f);
        if (!committed && !path.empty()) ::unlink(path.c_str());
    }
};

// An unnamed file in `dir`, or -1 when the file system cannot make one.
int open_unnamed(const std::filesystem::path& dir) {
#ifdef O_TMPFILE
    return ::open(dir.empty() ? "." : dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
#else
    (void)dir;
    return -1;
#endif
}

// Gives the unnamed file `fd` a temporary name beside `label` (then renamed over it).
std::string name_unnamed(int fd, const std::string& label) {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    for (int attempt = 0;; ++attempt) {
        std::string name = label + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) return name;
        if (errno != EEXIST || attempt > 100)
            throw Error(label + ": cannot give the finished file a name: " + std::strerror(errno));
    }
}

}  // namespace

GgufWriter::GgufWriter(uint32_t version) : version_(version) {
    if (version != 2 && version != 3) throw Error("GGUF writer: version must be 2 or 3");
}

void GgufWriter::set(std::string key, GgufValue value) {
    if (key.empty()) throw Error("GGUF writer: empty metadata key");
    for (auto& kv : kv_)
        if (kv.first == key) {
            kv.second = std::move(value);
            return;
        }
    kv_.emplace_back(std::move(key), std::move(value));
}

void GgufWriter::remove(std::string_view key) {
    std::erase_if(kv_, [&](const auto& kv) { return kv.first == key; });
}

void GgufWriter::copy_metadata(const GgufFile& file) {
    for (const auto& [k, v] : file.metadata()) set(k, v);
}

uint64_t GgufWriter::alignment() const {
    for (const auto& [k, v] : kv_)
        if (k == "general.alignment") return v.as_u64();
    return 32;
}

void GgufWriter::check_tensor(const std::string& name, TensorType type, std::span<const int64_t> ne,
                              uint64_t n_bytes) const {
    const std::string field = "GGUF writer: tensor '" + name + "'";
    if (name.empty()) throw Error("GGUF writer: empty tensor name");
    for (const auto& t : tensors_)
        if (t.name == name) throw Error(field + ": added twice");
    if (ne.empty() || ne.size() > 4) throw Error(field + ": needs 1 to 4 dimensions");
    int64_t n = 1;
    for (int64_t d : ne) {
        if (d <= 0) throw Error(field + ": dimensions must be positive");
        n *= d;
    }
    const uint64_t expect = row_bytes(type, ne[0]) * uint64_t(n / ne[0]);
    if (expect != n_bytes)
        throw Error(field + ": " + std::to_string(n_bytes) + " bytes given, " + std::to_string(expect) +
                    " expected for " + type_name(type) + " of this shape");
}

void GgufWriter::add_tensor(std::string name, TensorType type, std::span<const int64_t> ne,
                            std::span<const std::byte> borrowed) {
    check_tensor(name, type, ne, borrowed.size());
    tensors_.push_back({std::move(name), type, {ne.begin(), ne.end()}, borrowed.size(), borrowed, {}, {}});
}

void GgufWriter::add_tensor(std::string name, TensorType type, std::span<const int64_t> ne,
                            std::vector<std::byte> owned) {
    check_tensor(name, type, ne, owned.size());
    const uint64_t n = owned.size();
    tensors_.push_back({std::move(name), type, {ne.begin(), ne.end()}, n, {}, std::move(owned), {}});
}

void GgufWriter::add_tensor(std::string name, TensorType type, std::span<const int64_t> ne, uint64_t n_bytes,
                            Producer producer) {
    check_tensor(name, type, ne, n_bytes);
    tensors_.push_back({std::move(name), type, {ne.begin(), ne.end()}, n_bytes, {}, {}, std::move(producer)});
}

void GgufWriter::write(const std::filesystem::path& path) const {
    const std::string label = path.string();
    const uint64_t align = alignment();

    TempFile tmp;
    int fd = open_unnamed(path.parent_path());
    if (fd < 0) {
        std::string templ = label + ".tmp.XXXXXX";
        fd = ::mkstemp(templ.data());
        if (fd < 0) throw Error(label + ": cannot create a temporary file beside it: " + std::strerror(errno));
        tmp.path = templ;
        ::fchmod(fd, 0644);  // mkstemp creates 0600; give the output ordinary permissions
    }
    tmp.f = ::fdopen(fd, "wb");
    if (tmp.f == nullptr) {
        ::close(fd);
        throw Error(label + ": cannot open temporary file: " + std::strerror(errno));
    }
    Sink out(tmp.f, label);

    out.pod<uint32_t>(0x46554747);
    out.pod<uint32_t>(version_);
    out.pod<uint64_t>(tensors_.size());
    out.pod<uint64_t>(kv_.size());
    for (const auto& [key, value] : kv_) {
        out.string(key);
        out.pod<uint32_t>(uint32_t(value.type()));
        write_value(out, value);
    }
    uint64_t offset = 0;
    for (const auto& t : tensors_) {
        out.string(t.name);
        out.pod<uint32_t>(uint32_t(t.ne.size()));
        for (int64_t d : t.ne) out.pod<uint64_t>(uint64_t(d));
        out.pod<uint32_t>(uint32_t(t.type));
        out.pod<uint64_t>(offset);
        offset = (offset + t.n_bytes + align - 1) / align * align;
    }
    out.pad_to(align);
    const uint64_t data_start = out.pos();
    for (const auto& t : tensors_) {
        if (t.producer) {
            const std::vector<std::byte> bytes = t.producer();
            if (bytes.size() != t.n_bytes)
                throw Error(label + ": tensor '" + t.name + "': producer returned " + std::to_string(bytes.size()) +
                            " bytes, " + std::to_string(t.n_bytes) + " expected");
            out.bytes(bytes.data(), bytes.size());
        } else if (!t.owned.empty()) {
            out.bytes(t.owned.data(), t.owned.size());
        } else {
            out.bytes(t.borrowed.data(), t.borrowed.size());
        }
        // Pad between tensors (relative to the data section start).
        while ((out.pos() - data_start) % align != 0) out.bytes("\0", 1);
    }

    if (std::fflush(tmp.f) != 0 || ::fsync(::fileno(tmp.f)) != 0)
        throw Error(label + ": flushing failed: " + std::strerror(errno));
    if (tmp.path.empty()) tmp.path = name_unnamed(::fileno(tmp.f), label);
    const int rc = std::fclose(tmp.f);
    tmp.f = nullptr;
    if (rc != 0) throw Error(label + ": closing failed: " + std::strerror(errno));
    if (std::rename(tmp.path.c_str(), label.c_str()) != 0)
        throw Error(label + ": cannot move the finished file into place: " + std::strerror(errno));
    tmp.committed = true;
}

}  // namespace lumen

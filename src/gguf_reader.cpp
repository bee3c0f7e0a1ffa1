// GGUF reader: parses and validates a whole file image before anything trusts it.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "platform/mapped_file.hpp"
#include "platform/path_text.hpp"

namespace lumen {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian uint32
constexpr uint32_t kMaxDims = 4;          // ggml tensors have at most 4 dimensions
constexpr int kMaxArrayDepth = 8;         // nested arrays deeper than this are hostile
constexpr uint64_t kMaxAlignment = 1u << 20;

}  // namespace

// Cursor over the file image. Every read is bounds-checked; on failure it
// throws with the file label and the field being read.
class GgufParser {
public:
    GgufParser(std::span<const std::byte> bytes, std::string label)
        : bytes_(bytes), label_(std::move(label)) {}

    GgufFile parse();

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(label_ + ": " + what);
    }
    uint64_t remaining() const { return bytes_.size() - pos_; }

    void need(uint64_t n, const std::string& field) const {
        if (n > remaining())
            fail(field + ": needs " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) +
                 " but only " + std::to_string(remaining()) + " remain (file truncated?)");
    }

    template <class T>
    T read(const std::string& field) {
        need(sizeof(T), field);
        T v;
        std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }

    std::string read_string(const std::string& field) {
        const uint64_t len = read<uint64_t>(field + " (string length)");
        if (len > remaining())
            fail(field + ": string length " + std::to_string(len) + " exceeds the " +
                 std::to_string(remaining()) + " bytes left in the file");
        std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), size_t(len));
        pos_ += len;
        return s;
    }

    GgufType read_value_type(const std::string& field) {
        const uint32_t t = read<uint32_t>(field + " (value type)");
        if (t > uint32_t(GgufType::F64)) fail(field + ": unknown value type " + std::to_string(t));
        return GgufType(t);
    }

    GgufValue read_value(GgufType type, const std::string& field, int depth);
    GgufValue read_array(const std::string& field, int depth);
    void read_tensor_info(GgufFile& file, uint64_t index);

    std::span<const std::byte> bytes_;
    std::string label_;
    uint64_t pos_ = 0;
};

GgufValue GgufParser::read_value(GgufType type, const std::string& field, int depth) {
    switch (type) {
        case GgufType::STRING: return GgufValue::string(read_string(field));
        case GgufType::ARRAY: return read_array(field, depth + 1);
        case GgufType::BOOL: {
            const uint8_t b = read<uint8_t>(field);
            if (b > 1) fail(field + ": bool value " + std::to_string(b) + " is neither 0 nor 1");
            return GgufValue::boolean(b != 0);
        }
        default: {
            const size_t sz = gguf_scalar_size(type);
            need(sz, field);
            GgufValue v = GgufValue::u64(0);
            v.type_ = type;
            std::memcpy(&v.bits_, bytes_.data() + pos_, sz);
            pos_ += sz;
            return v;
        }
    }
}

GgufValue GgufParser::read_array(const std::string& field, int depth) {
    if (depth > kMaxArrayDepth)
        fail(field + ": arrays nested more than " + std::to_string(kMaxArrayDepth) + " deep");
    const GgufType elem = read_value_type(field + " (array element type)");
    const uint64_t count = read<uint64_t>(field + " (array length)");
    // Every element occupies at least this many bytes, so the count is bounded
    // by the file size before anything is allocated.
    const uint64_t min_elem = elem == GgufType::STRING ? 8 : elem == GgufType::ARRAY ? 12 : gguf_scalar_size(elem);
    if (count > remaining() / min_elem)
        fail(field + ": array length " + std::to_string(count) + " of " + gguf_type_name(elem) +
             " cannot fit in the " + std::to_string(remaining()) + " bytes left in the file");
    if (elem == GgufType::STRING) {
        std::vector<std::string> strs;
        strs.reserve(size_t(count));
        for (uint64_t i = 0; i < count; ++i) strs.push_back(read_string(field + "[" + std::to_string(i) + "]"));
        return GgufValue::string_array(std::move(strs));
    }
    if (elem == GgufType::ARRAY) {
        std::vector<GgufValue> items;
        items.reserve(size_t(count));
        for (uint64_t i = 0; i < count; ++i)
            items.push_back(read_array(field + "[" + std::to_string(i) + "]", depth + 1));
        return GgufValue::array_array(std::move(items));
    }
    const uint64_t n = count * min_elem;
    std::vector<std::byte> raw(bytes_.data() + pos_, bytes_.data() + pos_ + n);
    if (elem == GgufType::BOOL) {
        for (uint64_t i = 0; i < count; ++i)
            if (uint8_t(raw[i]) > 1) fail(field + "[" + std::to_string(i) + "]: bool value is neither 0 nor 1");
    }
    pos_ += n;
    return GgufValue::scalar_array(elem, std::move(raw));
}

void GgufParser::read_tensor_info(GgufFile& file, uint64_t index) {
    const std::string where = "tensor #" + std::to_string(index);
    GgufTensor t;
    t.name = read_string(where + " name");
    const std::string field = "tensor '" + t.name + "'";
    if (t.name.empty()) fail(where + ": empty tensor name");
    if (file.tensor_index_.count(t.name)) fail(field + ": duplicate tensor name");

    t.n_dims = read<uint32_t>(field + " dimension count");
    if (t.n_dims == 0 || t.n_dims > kMaxDims)
        fail(field + ": dimension count " + std::to_string(t.n_dims) + " is not between 1 and " +
             std::to_string(kMaxDims));
    // Element count must fit in int64 (ggml's own limit), checked per factor.
    int64_t n_elements = 1;
    for (uint32_t d = 0; d < t.n_dims; ++d) {
        const uint64_t ne = read<uint64_t>(field + " dimension " + std::to_string(d));
        if (ne == 0 || ne > uint64_t(std::numeric_limits<int64_t>::max()) ||
            uint64_t(n_elements) > uint64_t(std::numeric_limits<int64_t>::max()) / ne)
            fail(field + ": dimension " + std::to_string(d) + " = " + std::to_string(ne) +
                 " is zero or makes the element count overflow");
        t.ne[d] = int64_t(ne);
        n_elements *= int64_t(ne);
    }
    const uint32_t type_id = read<uint32_t>(field + " type");
    const TypeTraits* traits = find_type_traits(type_id);
    if (traits == nullptr) fail(field + ": unknown tensor type id " + std::to_string(type_id));
    t.type = traits->type;
    if (t.ne[0] % traits->block_size != 0)
        fail(field + ": row length " + std::to_string(t.ne[0]) + " is not a multiple of the " + traits->name +
             " block size " + std::to_string(traits->block_size));
    const uint64_t blocks = uint64_t(n_elements / traits->block_size);
    if (blocks > std::numeric_limits<uint64_t>::max() / uint64_t(traits->block_bytes))
        fail(field + ": byte size overflows");
    t.n_bytes = blocks * uint64_t(traits->block_bytes);
    t.offset = read<uint64_t>(field + " data offset");
    file.tensor_index_.emplace(t.name, file.tensors_.size());
    file.tensors_.push_back(std::move(t));
}

GgufFile GgufParser::parse() {
    GgufFile file;
    file.label_ = label_;
    file.file_size_ = bytes_.size();

    if (read<uint32_t>("magic (file is too short to be GGUF)") != kMagic) fail("not a GGUF file (bad magic)");
    file.version_ = read<uint32_t>("version");
    if (file.version_ != 2 && file.version_ != 3)
        fail("unsupported GGUF version " + std::to_string(file.version_) + " (lumen reads versions 2 and 3)");
    const uint64_t n_tensors = read<uint64_t>("tensor count");
    const uint64_t n_kv = read<uint64_t>("metadata count");
    // A key/value pair needs at least 8 (key length) + 4 (type) + 1 bytes; a
    // tensor info at least 8 + 1 (name) + 4 + 8 + 4 + 8 bytes.
    if (n_kv > remaining() / 13)
        fail("metadata count " + std::to_string(n_kv) + " is impossible for a file of " +
             std::to_string(bytes_.size()) + " bytes");
    if (n_tensors > remaining() / 33)
        fail("tensor count " + std::to_string(n_tensors) + " is impossible for a file of " +
             std::to_string(bytes_.size()) + " bytes");

    file.kv_.reserve(size_t(n_kv));
    for (uint64_t i = 0; i < n_kv; ++i) {
        std::string key = read_string("metadata #" + std::to_string(i) + " key");
        if (key.empty()) fail("metadata #" + std::to_string(i) + ": empty key");
        const std::string field = "metadata '" + key + "'";
        if (file.kv_index_.count(key)) fail(field + ": duplicate key");
        const GgufType type = read_value_type(field);
        GgufValue value = read_value(type, field, 0);
        file.kv_index_.emplace(key, file.kv_.size());
        file.kv_.emplace_back(std::move(key), std::move(value));
    }

    if (const GgufValue* a = file.find("general.alignment")) {
        if (a->type() != GgufType::U32) fail("metadata 'general.alignment': must be uint32, found " +
                                             std::string(gguf_type_name(a->type())));
        const uint64_t align = a->as_u64();
        if (align == 0 || (align & (align - 1)) != 0 || align > kMaxAlignment)
            fail("metadata 'general.alignment': " + std::to_string(align) + " is not a power of two up to " +
                 std::to_string(kMaxAlignment));
        file.alignment_ = align;
    }

    file.tensors_.reserve(size_t(n_tensors));
    for (uint64_t i = 0; i < n_tensors; ++i) read_tensor_info(file, i);

    // The data section starts at the next multiple of the alignment.
    const uint64_t align = file.alignment_;
    const uint64_t data_offset = (pos_ + align - 1) / align * align;
    if (n_tensors > 0 && data_offset > bytes_.size())
        fail("data section offset " + std::to_string(data_offset) + " is past the end of the file");
    file.data_offset_ = std::min<uint64_t>(data_offset, bytes_.size());
    const uint64_t data_size = bytes_.size() - file.data_offset_;

    std::vector<const GgufTensor*> by_offset;
    for (auto& t : file.tensors_) {
        const std::string field = "tensor '" + t.name + "'";
        if (t.offset % align != 0)
            fail(field + ": data offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                 std::to_string(align));
        if (t.offset > data_size || t.n_bytes > data_size - t.offset)
            fail(field + ": data [" + std::to_string(t.offset) + ", +" + std::to_string(t.n_bytes) +
                 ") lies outside the " + std::to_string(data_size) + "-byte data section (file truncated?)");
        t.data = bytes_.data() + file.data_offset_ + t.offset;
        by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [](const GgufTensor* a, const GgufTensor* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i) {
        const GgufTensor* prev = by_offset[i - 1];
        if (prev->offset + prev->n_bytes > by_offset[i]->offset)
            fail("tensor '" + by_offset[i]->name + "': data overlaps tensor '" + prev->name + "'");
    }
    return file;
}

GgufFile GgufFile::open(const std::filesystem::path& path, FileResidence residence) {
    auto mapping = std::make_shared<MappedFile>(path, residence);
    GgufFile file = GgufParser(mapping->bytes(), platform::utf8_from_path(path)).parse();
    file.mapping_ = std::move(mapping);
    return file;
}

GgufFile GgufFile::parse(std::span<const std::byte> bytes, std::string label) {
    return GgufParser(bytes, std::move(label)).parse();
}

GgufFile GgufFile::open_fd(int fd, uint64_t offset, uint64_t size, std::string label) {
    auto mapping = MappedFile::from_fd(fd, offset, size, label);
    GgufFile file = GgufParser(mapping->bytes(), std::move(label)).parse();
    file.mapping_ = std::move(mapping);
    return file;
}

GgufFile GgufFile::copy_of(std::span<const std::byte> bytes, std::string label) {
    auto mapping = MappedFile::copy_of(bytes, label);
    GgufFile file = GgufParser(mapping->bytes(), std::move(label)).parse();
    file.mapping_ = std::move(mapping);
    return file;
}

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

const GgufValue* GgufFile::find(std::string_view key) const {
    const auto it = kv_index_.find(key);
    return it == kv_index_.end() ? nullptr : &kv_[it->second].second;
}

const GgufValue& GgufFile::get(std::string_view key) const {
    const GgufValue* v = find(key);
    if (v == nullptr) throw Error(label_ + ": metadata key '" + std::string(key) + "' is missing");
    return *v;
}

// The typed getters re-throw type mismatches with the file and key named.
template <class F>
static auto with_key_context(const std::string& label, std::string_view key, F&& f) {
    try {
        return f();
    } catch (const Error& e) {
        throw Error(label + ": metadata '" + std::string(key) + "': " + e.what());
    }
}

std::string GgufFile::get_string(std::string_view key, std::string fallback) const {
    const GgufValue* v = find(key);
    if (v == nullptr) return fallback;
    return with_key_context(label_, key, [&] { return v->as_string(); });
}

uint64_t GgufFile::get_u64(std::string_view key, uint64_t fallback) const {
    const GgufValue* v = find(key);
    if (v == nullptr) return fallback;
    return with_key_context(label_, key, [&] { return v->as_u64(); });
}

double GgufFile::get_f64(std::string_view key, double fallback) const {
    const GgufValue* v = find(key);
    if (v == nullptr) return fallback;
    return with_key_context(label_, key, [&] { return v->as_f64(); });
}

const GgufTensor* GgufFile::find_tensor(std::string_view name) const {
    const auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufTensor& GgufFile::tensor(std::string_view name) const {
    const GgufTensor* t = find_tensor(name);
    if (t == nullptr) throw Error(label_ + ": tensor '" + std::string(name) + "' is missing");
    return *t;
}

std::string GgufTensor::shape_string() const {
    std::string s;
    for (uint32_t d = 0; d < n_dims; ++d) {
        if (d) s += " x ";
        s += std::to_string(ne[d]);
    }
    return s;
}

}  // namespace lumen

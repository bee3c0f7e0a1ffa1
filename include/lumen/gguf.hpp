// GGUF files: a validating reader over a memory-mapped file, and an atomic writer.
//
// Layout (little-endian): magic "GGUF", version (2 or 3), tensor count, metadata
// count, then metadata key/value pairs, tensor infos, padding to the alignment,
// and the tensor data section. Every count, length and offset is checked against
// the file size before it is used, so a hostile file yields lumen::Error — never
// a crash, a hang or a huge allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/tensor_type.hpp"

namespace lumen {

// Metadata value types, numbered as on disk.
enum class GgufType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7,
    STRING = 8, ARRAY = 9, U64 = 10, I64 = 11, F64 = 12,
};
LUMEN_API const char* gguf_type_name(GgufType type);
// Size in bytes of a fixed-size scalar type; 0 for STRING and ARRAY.
LUMEN_API size_t gguf_scalar_size(GgufType type);

// One metadata value: a scalar, a string, or an array of any of these (arrays nest).
class LUMEN_API GgufValue {
public:
    GgufValue() = default;

    // Scalars. The stored type is kept exactly so that a round trip is lossless.
    static GgufValue u8(uint8_t v) { return scalar(GgufType::U8, v); }
    static GgufValue i8(int8_t v) { return scalar(GgufType::I8, v); }
    static GgufValue u16(uint16_t v) { return scalar(GgufType::U16, v); }
    static GgufValue i16(int16_t v) { return scalar(GgufType::I16, v); }
    static GgufValue u32(uint32_t v) { return scalar(GgufType::U32, v); }
    static GgufValue i32(int32_t v) { return scalar(GgufType::I32, v); }
    static GgufValue u64(uint64_t v) { return scalar(GgufType::U64, v); }
    static GgufValue i64(int64_t v) { return scalar(GgufType::I64, v); }
    static GgufValue f32(float v) { return scalar(GgufType::F32, v); }
    static GgufValue f64(double v) { return scalar(GgufType::F64, v); }
    static GgufValue boolean(bool v) { return scalar(GgufType::BOOL, uint8_t(v ? 1 : 0)); }
    static GgufValue string(std::string v);
    // Array of fixed-size scalars given as raw little-endian bytes (count * size of elem).
    static GgufValue scalar_array(GgufType elem, std::vector<std::byte> bytes);
    template <class T>
    static GgufValue array_of(GgufType elem, std::span<const T> values) {
        std::vector<std::byte> bytes(values.size_bytes());
        if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
        return scalar_array(elem, std::move(bytes));
    }
    static GgufValue string_array(std::vector<std::string> values);
    // Array of arrays (each element is itself an ARRAY value).
    static GgufValue array_array(std::vector<GgufValue> values);

    GgufType type() const { return type_; }
    bool is_array() const { return type_ == GgufType::ARRAY; }
    // Scalar payload as stored (little-endian in the low bytes); for writers.
    uint64_t raw_bits() const { return bits_; }

    // Typed access; throws lumen::Error naming the actual type on a mismatch.
    // Integer getters accept any integer type whose value fits.
    uint64_t as_u64() const;
    int64_t as_i64() const;
    uint32_t as_u32() const;
    double as_f64() const;  // any numeric type
    float as_f32() const { return float(as_f64()); }
    bool as_bool() const;
    const std::string& as_string() const;

    // Arrays.
    GgufType elem_type() const { return elem_type_; }
    size_t size() const;  // element count (arrays only)
    const std::vector<std::string>& strings() const;       // STRING arrays
    const std::vector<GgufValue>& arrays() const;           // ARRAY arrays
    std::span<const std::byte> scalar_bytes() const;         // fixed-size element arrays
    // Element i of a numeric array, converted (throws on a non-numeric array).
    double number_at(size_t i) const;
    int64_t int_at(size_t i) const;

    // Human-readable short form (long arrays summarized), for `lumen inspect`.
    std::string to_display_string(size_t max_items = 8) const;

    bool operator==(const GgufValue& other) const = default;

private:
    template <class T>
    static GgufValue scalar(GgufType t, T v) {
        GgufValue out;
        out.type_ = t;
        std::memcpy(&out.bits_, &v, sizeof v);
        return out;
    }
    friend class GgufParser;

    GgufType type_ = GgufType::U8;
    GgufType elem_type_ = GgufType::U8;
    uint64_t bits_ = 0;                  // scalar payload, little-endian in the low bytes
    std::string str_;                    // STRING
    std::vector<std::byte> raw_;         // fixed-size element arrays
    std::vector<std::string> strs_;      // STRING arrays
    std::vector<GgufValue> nested_;      // ARRAY arrays
};

struct GgufTensor {
    std::string name;
    TensorType type = TensorType::F32;
    uint32_t n_dims = 0;
    std::array<int64_t, 4> ne{1, 1, 1, 1};  // ggml order: ne[0] is the row length
    uint64_t offset = 0;                     // from the start of the data section
    uint64_t n_bytes = 0;
    const std::byte* data = nullptr;         // into the mapped file

    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
    std::span<const std::byte> bytes() const { return {data, size_t(n_bytes)}; }
    std::string shape_string() const;  // "64 x 512"
};

class MappedFile;

// How a file's bytes are held in memory: mapped (pages read on demand and shared
// with the page cache; the default), mapped and locked in RAM (mlock: never
// swapped out), or copied into the process's own memory (no mmap).
enum class FileResidence { mapped, locked, copied };

// A parsed GGUF file. Tensor data stays in the (read-only, shared) mapping.
class LUMEN_API GgufFile {
public:
    // Maps and validates `path`. Throws lumen::Error on any problem.
    static GgufFile open(const std::filesystem::path& path, FileResidence residence = FileResidence::mapped);
    // Parses an in-memory image (not copied: `bytes` must outlive the result).
    // `label` names the source in error messages.
    static GgufFile parse(std::span<const std::byte> bytes, std::string label);
    // Maps `size` bytes of an open file from `offset` (0: to the end); `fd`
    // stays the caller's. For files inside archives (Android assets).
    static GgufFile open_fd(int fd, uint64_t offset, uint64_t size, std::string label);
    // Parses a private copy of `bytes` (the caller may free them afterwards).
    static GgufFile copy_of(std::span<const std::byte> bytes, std::string label);

    GgufFile(GgufFile&&) noexcept;
    GgufFile& operator=(GgufFile&&) noexcept;
    ~GgufFile();

    const std::string& label() const { return label_; }
    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }
    uint64_t file_size() const { return file_size_; }

    // Metadata in file order.
    const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return kv_; }
    const GgufValue* find(std::string_view key) const;
    const GgufValue& get(std::string_view key) const;  // throws naming the missing key
    bool has(std::string_view key) const { return find(key) != nullptr; }
    // Convenience getters with a default when the key is absent.
    std::string get_string(std::string_view key, std::string fallback = {}) const;
    uint64_t get_u64(std::string_view key, uint64_t fallback) const;
    double get_f64(std::string_view key, double fallback) const;
    std::string architecture() const { return get_string("general.architecture"); }

    // Tensors in file order.
    const std::vector<GgufTensor>& tensors() const { return tensors_; }
    const GgufTensor* find_tensor(std::string_view name) const;
    const GgufTensor& tensor(std::string_view name) const;  // throws naming the missing tensor

private:
    GgufFile() = default;
    friend class GgufParser;

    std::shared_ptr<MappedFile> mapping_;
    std::string label_;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    uint64_t file_size_ = 0;
    std::vector<std::pair<std::string, GgufValue>> kv_;
    std::vector<GgufTensor> tensors_;
    std::map<std::string, size_t, std::less<>> kv_index_;
    std::map<std::string, size_t, std::less<>> tensor_index_;
};

// Builds a GGUF file in memory order and writes it atomically: to a temporary
// file beside the destination, flushed, then renamed over it. If anything fails
// the destination is untouched and the temporary file removed.
class LUMEN_API GgufWriter {
public:
    // Produces a tensor's bytes at write time (so large outputs can be streamed).
    using Producer = std::function<std::vector<std::byte>()>;

    explicit GgufWriter(uint32_t version = 3);

    // Sets or replaces a key (replacing keeps the key's original position).
    void set(std::string key, GgufValue value);
    void remove(std::string_view key);
    // Copies every metadata pair of `file`.
    void copy_metadata(const GgufFile& file);

    // Tensor data: borrowed (must stay alive until write()), owned, or produced on demand.
    void add_tensor(std::string name, TensorType type, std::span<const int64_t> ne,
                    std::span<const std::byte> borrowed);
    void add_tensor(std::string name, TensorType type, std::span<const int64_t> ne,
                    std::vector<std::byte> owned);
    void add_tensor(std::string name, TensorType type, std::span<const int64_t> ne,
                    uint64_t n_bytes, Producer producer);

    uint64_t alignment() const;
    void write(const std::filesystem::path& path) const;

private:
    struct PendingTensor {
        std::string name;
        TensorType type;
        std::vector<int64_t> ne;
        uint64_t n_bytes;
        std::span<const std::byte> borrowed;
        std::vector<std::byte> owned;
        Producer producer;
    };
    void check_tensor(const std::string& name, TensorType type, std::span<const int64_t> ne,
                      uint64_t n_bytes) const;

    uint32_t version_;
    std::vector<std::pair<std::string, GgufValue>> kv_;
    std::vector<PendingTensor> tensors_;
};

}  // namespace lumen

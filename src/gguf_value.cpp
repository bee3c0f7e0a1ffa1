// GgufValue: construction, typed access and display of GGUF metadata values.
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"

namespace lumen {

const char* gguf_type_name(GgufType type) {
    switch (type) {
        case GgufType::U8: return "uint8";
        case GgufType::I8: return "int8";
        case GgufType::U16: return "uint16";
        case GgufType::I16: return "int16";
        case GgufType::U32: return "uint32";
        case GgufType::I32: return "int32";
        case GgufType::F32: return "float32";
        case GgufType::BOOL: return "bool";
        case GgufType::STRING: return "string";
        case GgufType::ARRAY: return "array";
        case GgufType::U64: return "uint64";
        case GgufType::I64: return "int64";
        case GgufType::F64: return "float64";
    }
    return "unknown";
}

size_t gguf_scalar_size(GgufType type) {
    switch (type) {
        case GgufType::U8: case GgufType::I8: case GgufType::BOOL: return 1;
        case GgufType::U16: case GgufType::I16: return 2;
        case GgufType::U32: case GgufType::I32: case GgufType::F32: return 4;
        case GgufType::U64: case GgufType::I64: case GgufType::F64: return 8;
        case GgufType::STRING: case GgufType::ARRAY: return 0;
    }
    return 0;
}

namespace {

bool is_integer(GgufType t) {
    switch (t) {
        case GgufType::U8: case GgufType::I8: case GgufType::U16: case GgufType::I16:
        case GgufType::U32: case GgufType::I32: case GgufType::U64: case GgufType::I64:
        case GgufType::BOOL:
            return true;
        default:
            return false;
    }
}

bool is_signed(GgufType t) {
    return t == GgufType::I8 || t == GgufType::I16 || t == GgufType::I32 || t == GgufType::I64;
}

// Reads one fixed-size scalar of type `t` from little-endian bytes as a double.
double decode_number(GgufType t, const std::byte* p) {
    switch (t) {
        case GgufType::U8: case GgufType::BOOL: { uint8_t v; std::memcpy(&v, p, 1); return v; }
        case GgufType::I8: { int8_t v; std::memcpy(&v, p, 1); return v; }
        case GgufType::U16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
        case GgufType::I16: { int16_t v; std::memcpy(&v, p, 2); return v; }
        case GgufType::U32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
        case GgufType::I32: { int32_t v; std::memcpy(&v, p, 4); return v; }
        case GgufType::F32: { float v; std::memcpy(&v, p, 4); return v; }
        case GgufType::U64: { uint64_t v; std::memcpy(&v, p, 8); return double(v); }
        case GgufType::I64: { int64_t v; std::memcpy(&v, p, 8); return double(v); }
        case GgufType::F64: { double v; std::memcpy(&v, p, 8); return v; }
        default: throw Error("GGUF value: not a number");
    }
}

// Sign-extends the raw integer payload into int64 / zero-extends into uint64.
int64_t decode_signed(GgufType t, uint64_t bits) {
    switch (t) {
        case GgufType::I8: return int8_t(bits);
        case GgufType::I16: return int16_t(bits);
        case GgufType::I32: return int32_t(bits);
        default: return int64_t(bits);
    }
}

std::string quoted(const std::string& s, size_t max_len = 60) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < max_len; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '"') out += "\\\"";
        else if (c < 0x20) out += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
        else out += char(c);
    }
    if (s.size() > max_len) out += "...";
    return out + "\"";
}

}  // namespace

GgufValue GgufValue::string(std::string v) {
    GgufValue out;
    out.type_ = GgufType::STRING;
    out.str_ = std::move(v);
    return out;
}

GgufValue GgufValue::scalar_array(GgufType elem, std::vector<std::byte> bytes) {
    const size_t sz = gguf_scalar_size(elem);
    if (sz == 0) throw Error("GGUF array: element type " + std::string(gguf_type_name(elem)) + " is not a fixed-size scalar");
    if (bytes.size() % sz != 0) throw Error("GGUF array: byte count is not a multiple of the element size");
    GgufValue out;
    out.type_ = GgufType::ARRAY;
    out.elem_type_ = elem;
    out.raw_ = std::move(bytes);
    return out;
}

GgufValue GgufValue::string_array(std::vector<std::string> values) {
    GgufValue out;
    out.type_ = GgufType::ARRAY;
    out.elem_type_ = GgufType::STRING;
    out.strs_ = std::move(values);
    return out;
}

GgufValue GgufValue::array_array(std::vector<GgufValue> values) {
    for (const auto& v : values)
        if (!v.is_array()) throw Error("GGUF array of arrays: an element is not an array");
    GgufValue out;
    out.type_ = GgufType::ARRAY;
    out.elem_type_ = GgufType::ARRAY;
    out.nested_ = std::move(values);
    return out;
}

uint64_t GgufValue::as_u64() const {
    if (!is_integer(type_)) throw Error(std::string("expected an integer, found ") + gguf_type_name(type_));
    if (is_signed(type_) && decode_signed(type_, bits_) < 0) throw Error("expected a non-negative integer");
    return bits_;
}

int64_t GgufValue::as_i64() const {
    if (!is_integer(type_)) throw Error(std::string("expected an integer, found ") + gguf_type_name(type_));
    if (is_signed(type_)) return decode_signed(type_, bits_);
    if (bits_ > uint64_t(std::numeric_limits<int64_t>::max())) throw Error("integer too large");
    return int64_t(bits_);
}

uint32_t GgufValue::as_u32() const {
    const uint64_t v = as_u64();
    if (v > std::numeric_limits<uint32_t>::max()) throw Error("integer does not fit in 32 bits");
    return uint32_t(v);
}

double GgufValue::as_f64() const {
    if (type_ == GgufType::STRING || type_ == GgufType::ARRAY)
        throw Error(std::string("expected a number, found ") + gguf_type_name(type_));
    std::byte buf[8];
    std::memcpy(buf, &bits_, 8);
    return decode_number(type_, buf);
}

bool GgufValue::as_bool() const {
    if (type_ != GgufType::BOOL) throw Error(std::string("expected a bool, found ") + gguf_type_name(type_));
    return bits_ != 0;
}

const std::string& GgufValue::as_string() const {
    if (type_ != GgufType::STRING) throw Error(std::string("expected a string, found ") + gguf_type_name(type_));
    return str_;
}

size_t GgufValue::size() const {
    if (!is_array()) throw Error(std::string("expected an array, found ") + gguf_type_name(type_));
    if (elem_type_ == GgufType::STRING) return strs_.size();
    if (elem_type_ == GgufType::ARRAY) return nested_.size();
    return raw_.size() / gguf_scalar_size(elem_type_);
}

const std::vector<std::string>& GgufValue::strings() const {
    if (!is_array() || elem_type_ != GgufType::STRING) throw Error("expected an array of strings");
    return strs_;
}

const std::vector<GgufValue>& GgufValue::arrays() const {
    if (!is_array() || elem_type_ != GgufType::ARRAY) throw Error("expected an array of arrays");
    return nested_;
}

std::span<const std::byte> GgufValue::scalar_bytes() const {
    if (!is_array() || gguf_scalar_size(elem_type_) == 0) throw Error("expected an array of numbers");
    return raw_;
}

double GgufValue::number_at(size_t i) const {
    const auto bytes = scalar_bytes();
    const size_t sz = gguf_scalar_size(elem_type_);
    if (i >= bytes.size() / sz) throw Error("array index out of range");
    return decode_number(elem_type_, bytes.data() + i * sz);
}

int64_t GgufValue::int_at(size_t i) const {
    const auto bytes = scalar_bytes();
    const size_t sz = gguf_scalar_size(elem_type_);
    if (!is_integer(elem_type_)) throw Error("expected an array of integers");
    if (i >= bytes.size() / sz) throw Error("array index out of range");
    uint64_t bits = 0;
    std::memcpy(&bits, bytes.data() + i * sz, sz);
    return is_signed(elem_type_) ? decode_signed(elem_type_, bits) : int64_t(bits);
}

std::string GgufValue::to_display_string(size_t max_items) const {
    std::ostringstream os;
    switch (type_) {
        case GgufType::STRING: return quoted(str_);
        case GgufType::BOOL: return bits_ ? "true" : "false";
        case GgufType::F32: case GgufType::F64: os << as_f64(); return os.str();
        case GgufType::ARRAY: break;
        default:
            if (is_signed(type_)) os << as_i64(); else os << bits_;
            return os.str();
    }
    const size_t n = size();
    os << "[" << gguf_type_name(elem_type_) << " x " << n << "] [";
    for (size_t i = 0; i < n && i < max_items; ++i) {
        if (i) os << ", ";
        if (elem_type_ == GgufType::STRING) os << quoted(strs_[i], 24);
        else if (elem_type_ == GgufType::ARRAY) os << nested_[i].to_display_string(max_items);
        else if (is_integer(elem_type_)) os << int_at(i);
        else os << number_at(i);
    }
    if (n > max_items) os << ", ...";
    os << "]";
    return os.str();
}

}  // namespace lumen

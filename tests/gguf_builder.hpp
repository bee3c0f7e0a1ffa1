// Byte-level GGUF image builder for tests: every field is written explicitly so
// tests can put a wrong value into any one of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lumen::test {

struct Bytes {
    std::vector<std::byte> b;
    template <class T>
    Bytes& pod(T v) {
        const size_t at = b.size();
        b.resize(at + sizeof v);
        std::memcpy(b.data() + at, &v, sizeof v);
        return *this;
    }
    Bytes& u8(uint8_t v) { return pod(v); }
    Bytes& u32(uint32_t v) { return pod(v); }
    Bytes& u64(uint64_t v) { return pod(v); }
    Bytes& str(const std::string& s) {
        u64(s.size());
        for (char c : s) b.push_back(std::byte(c));
        return *this;
    }
    Bytes& zeros(size_t n) {
        b.insert(b.end(), n, std::byte{0});
        return *this;
    }
};

struct TensorSpec {
    std::string name;
    std::vector<uint64_t> ne;
    uint32_t type;
    uint64_t offset;
};

// A small valid file by default: 3 metadata pairs, an F32 [32 x 2] tensor and a
// Q8_0 [32] tensor. Each field can be overridden.
struct GgufSpec {
    uint32_t magic = 0x46554747;
    uint32_t version = 3;
    std::optional<uint64_t> n_tensors, n_kv;  // override the real counts
    std::vector<std::function<void(Bytes&)>> kvs = {
        [](Bytes& o) { o.str("general.architecture").u32(8).str("llama"); },
        [](Bytes& o) { o.str("general.alignment").u32(4).u32(32); },
        [](Bytes& o) { o.str("test.array").u32(9).u32(4).u64(3).u32(1).u32(2).u32(3); },
    };
    std::vector<TensorSpec> tensors = {
        {"a", {32, 2}, 0, 0},
        {"b", {32}, 8, 256},
    };
    uint64_t data_bytes = 256 + 34;
    uint32_t alignment = 32;

    std::vector<std::byte> build() const {
        Bytes o;
        o.u32(magic).u32(version).u64(n_tensors.value_or(tensors.size())).u64(n_kv.value_or(kvs.size()));
        for (const auto& kv : kvs) kv(o);
        for (const auto& t : tensors) {
            o.str(t.name).u32(uint32_t(t.ne.size()));
            for (auto d : t.ne) o.u64(d);
            o.u32(t.type).u64(t.offset);
        }
        while (o.b.size() % alignment) o.u8(0);
        for (uint64_t i = 0; i < data_bytes; ++i) o.u8(uint8_t(i * 7));
        return o.b;
    }
};

}  // namespace lumen::test

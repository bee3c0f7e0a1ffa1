// libFuzzer target for the GGUF reader: any byte string must either parse or
// throw lumen::Error. Everything a parsed file exposes is then read once.
// Build and run: see docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <span>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const auto f = lumen::GgufFile::parse({reinterpret_cast<const std::byte*>(data), size}, "fuzz.gguf");
        size_t sink = 0;
        for (const auto& [key, value] : f.metadata()) sink += value.to_display_string().size() + key.size();
        for (const auto& t : f.tensors()) {
            const auto bytes = t.bytes();
            if (!bytes.empty()) sink += size_t(bytes.front()) + size_t(bytes.back());
            sink += t.shape_string().size();
        }
        volatile size_t keep = sink;
        (void)keep;
    } catch (const lumen::Error&) {
    }
    return 0;
}

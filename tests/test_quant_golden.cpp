// Quant formats against the reference: our quantizer must reproduce the
// reference files' bytes exactly, and our dequantizer the reference floats.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstring>
#include <map>

#include "lumen/gguf.hpp"
#include "lumen/tensor_type.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using lumen::test::golden_path;
using lumen::test::model_path;
using lumen::test::read_bytes;

namespace {

std::vector<float> as_floats(const std::vector<std::byte>& b) {
    std::vector<float> f(b.size() / 4);
    std::memcpy(f.data(), b.data(), f.size() * 4);
    return f;
}

std::vector<std::byte> quantize_rows(TensorType type, const float* src, int64_t rows, int64_t cols) {
    const TypeTraits& t = type_traits(type);
    const uint64_t rb = row_bytes(type, cols);
    std::vector<std::byte> out(rb * uint64_t(rows));
    for (int64_t r = 0; r < rows; ++r) t.quantize(src + r * cols, out.data() + uint64_t(r) * rb, cols);
    return out;
}

// Index of the first differing byte, or -1.
int64_t first_difference(std::span<const std::byte> a, std::span<const std::byte> b) {
    if (a.size() != b.size()) return 0;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i]) return int64_t(i);
    return -1;
}

}  // namespace

TEST_CASE("dequant goldens: quantize reproduces the reference bytes, dequantize the reference floats") {
    const auto manifest = nlohmann::json::parse(test::read_text(golden_path("dequant/manifest.json")));
    const auto source = as_floats(read_bytes(golden_path("dequant/source-f32.bin")));
    const int64_t rows = manifest["shape_rows_cols"][0], cols = manifest["shape_rows_cols"][1];
    REQUIRE(int64_t(source.size()) == rows * cols);
    REQUIRE(manifest["types"].size() == 11);
    for (const auto& [prefix, entry] : manifest["types"].items()) {
        const std::string type_name = entry["actual_ggml_type"];
        DYNAMIC_SECTION(prefix << " (" << type_name << ")") {
            const auto type = parse_type_name(type_name);
            REQUIRE(type.has_value());
            const TypeTraits& t = type_traits(*type);
            const auto raw = read_bytes(golden_path("dequant/" + std::string(entry["raw_file"])));
            const auto want = read_bytes(golden_path("dequant/" + std::string(entry["dequant_file"])));

            const auto ours = quantize_rows(*type, source.data(), rows, cols);
            INFO("first differing byte " << first_difference(ours, raw));
            CHECK(ours == raw);

            std::vector<float> deq(size_t(rows * cols));
            t.dequantize(raw.data(), deq.data(), rows * cols);
            std::vector<std::byte> deq_bytes(deq.size() * 4);
            std::memcpy(deq_bytes.data(), deq.data(), deq_bytes.size());
            INFO("first differing dequantized byte " << first_difference(deq_bytes, want));
            CHECK(deq_bytes == want);
        }
    }
}

// Every quantized tensor of every shipped model equals our quantization of the
// same tensor from the F32 model it was made from (same type per tensor).
TEST_CASE("every tensor of the shipped quantized models is reproduced byte for byte") {
    const std::map<std::string, std::vector<std::string>> sources = {
        {"synth/tiny-f32.gguf",
         {"synth/tiny-f16.gguf", "synth/tiny-q8_0.gguf", "synth/tiny-q4_0.gguf", "synth/tiny-q4_1.gguf",
          "synth/tiny-q5_0.gguf", "synth/tiny-q2_k.gguf", "synth/tiny-q3_k_m.gguf", "synth/tiny-q4_k_m.gguf",
          "synth/tiny-q5_k_m.gguf", "synth/tiny-q6_k.gguf", "synth/tiny-tq2_0.gguf"}},
        {"synth/tiny-qwen2-f32.gguf",
         {"synth/tiny-qwen2-q8_0.gguf", "synth/tiny-qwen2-q4_0.gguf", "synth/tiny-qwen2-q4_k_m.gguf"}},
        {"stories260K.gguf",
         {"stories260K-quant/stories260K-q2_k.gguf", "stories260K-quant/stories260K-q3_k_m.gguf",
          "stories260K-quant/stories260K-q4_k_m.gguf", "stories260K-quant/stories260K-q5_k_m.gguf",
          "stories260K-quant/stories260K-q6_k.gguf", "stories260K-quant/stories260K-tq2_0.gguf"}},
    };
    for (const auto& [src_name, outputs] : sources) {
        // The F32 stories260K model is the bundled default model in models/.
        const GgufFile src = GgufFile::open(src_name == "stories260K.gguf" ? test::source_dir() / "models" / src_name
                                                                           : model_path(src_name));
        for (const auto& out_name : outputs) {
            DYNAMIC_SECTION(out_name) {
                const GgufFile quant = GgufFile::open(model_path(out_name));
                REQUIRE(quant.tensors().size() == src.tensors().size());
                for (const auto& qt : quant.tensors()) {
                    const GgufTensor& st = src.tensor(qt.name);
                    REQUIRE(st.type == TensorType::F32);
                    REQUIRE(st.ne == qt.ne);
                    std::vector<float> f(size_t(st.n_elements()));
                    std::memcpy(f.data(), st.data, f.size() * 4);
                    const auto ours = quantize_rows(qt.type, f.data(), st.n_rows(), st.ne[0]);
                    INFO(qt.name << " as " << type_name(qt.type) << ": first differing byte "
                                 << first_difference(ours, qt.bytes()));
                    CHECK(first_difference(ours, qt.bytes()) == -1);
                    // And it dequantizes without trouble.
                    std::vector<float> deq(size_t(qt.n_elements()));
                    type_traits(qt.type).dequantize(qt.data, deq.data(), qt.n_elements());
                }
            }
        }
    }
}

// i-quant and TQ1_0 dequantization against the reference: for the first tensor
// of each type in the reference-quantized tiny models (golden/iq/dequant), our
// dequantizer must give the reference floats bit for bit, reading the tensor's
// bytes both from the stored .raw copy and from the model file itself.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstring>

#include "lumen/gguf.hpp"
#include "lumen/tensor_type.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using lumen::test::golden_path;
using lumen::test::model_path;
using lumen::test::read_bytes;

namespace {

// Index of the first differing float (as bits), or -1.
int64_t first_difference(const std::vector<float>& got, const std::vector<std::byte>& want) {
    if (got.size() * 4 != want.size()) return 0;
    for (size_t i = 0; i < got.size(); ++i)
        if (std::memcmp(&got[i], want.data() + 4 * i, 4) != 0) return int64_t(i);
    return -1;
}

}  // namespace

TEST_CASE("iq dequant goldens: every i-quant type and TQ1_0 dequantizes to the reference floats bit for bit") {
    const auto manifest = nlohmann::json::parse(test::read_text(golden_path("iq/dequant/manifest.json")));
    REQUIRE(manifest.size() == 9);
    for (const auto& [name, entry] : manifest.items()) {
        INFO(name << ": " << std::string(entry["tensor"]) << " of " << std::string(entry["file"]));
        const auto type = parse_type_name(name);
        REQUIRE(type);
        const TypeTraits& t = type_traits(*type);
        REQUIRE(t.dequantize != nullptr);
        const int64_t rows = entry["shape_rows_cols"][0], cols = entry["shape_rows_cols"][1];
        const auto raw = read_bytes(golden_path("iq/dequant/" + name + ".raw"));
        const auto want = read_bytes(golden_path("iq/dequant/" + name + ".bin"));
        REQUIRE(raw.size() == row_bytes(*type, cols) * uint64_t(rows));

        // The stored bytes are the model file's tensor.
        const GgufFile file = GgufFile::open(model_path("synth/iq/" + std::string(entry["file"])));
        const GgufTensor* tensor = file.find_tensor(std::string(entry["tensor"]));
        REQUIRE(tensor != nullptr);
        REQUIRE(tensor->type == *type);
        REQUIRE(tensor->n_bytes == raw.size());
        CHECK(std::memcmp(tensor->data, raw.data(), raw.size()) == 0);

        std::vector<float> deq(size_t(rows * cols));
        t.dequantize(raw.data(), deq.data(), rows * cols);
        CHECK(first_difference(deq, want) == -1);
    }
}

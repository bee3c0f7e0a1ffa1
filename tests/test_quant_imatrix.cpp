// Every tensor of the reference's i-quant / TQ1_0 files (quantized with
// tiny.imatrix) is reproduced byte for byte by our file quantizer of its type,
// fed the same importance weights, from the F32 model they were made from.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>

#include "lumen/gguf.hpp"
#include "lumen/imatrix.hpp"
#include "scalar/file_quantizers.hpp"
#include "test_helpers.hpp"

using namespace lumen;

namespace {

std::vector<std::byte> quantize_tensor(const GgufTensor& src, TensorType type, const ImportanceMatrix& im) {
    const auto fn = kernels::file_quantizer(type);
    REQUIRE(fn != nullptr);
    const ImatrixEntry* e = im.find(src.name);
    const std::vector<float> qw = e ? e->weights() : std::vector<float>{};
    const int64_t cols = src.ne[0];
    const uint64_t rb = row_bytes(type, cols);
    std::vector<float> row(size_t(cols), 0.f);
    std::vector<std::byte> out(rb * uint64_t(src.n_rows()));
    for (int64_t r = 0; r < src.n_rows(); ++r) {
        std::memcpy(row.data(), src.data + size_t(r) * size_t(cols) * 4, size_t(cols) * 4);
        fn(row.data(), out.data() + uint64_t(r) * rb, cols, qw.empty() ? nullptr : qw.data());
    }
    return out;
}

}  // namespace

TEST_CASE("i-quant and TQ1_0 tensors of the reference files are reproduced with the imatrix") {
    const GgufFile src = GgufFile::open(test::model_path("synth/tiny-f32.gguf"));
    const ImportanceMatrix im = read_imatrix(test::model_path("synth/iq/tiny.imatrix"));
    std::set<TensorType> covered;
    for (const char* file : {"tiny-tq1_0.gguf", "tiny-iq4_xs.gguf", "tiny-iq3_s.gguf", "tiny-iq3_xxs.gguf",
                             "tiny-iq2_xxs.gguf", "tiny-iq2_xs.gguf", "tiny-iq1_s.gguf", "tiny-iq1_m.gguf"}) {
        const GgufFile ref = GgufFile::open(test::model_path(std::string("synth/iq/") + file));
        for (const auto& t : ref.tensors()) {
            if (t.type == TensorType::F32 || kernels::file_quantizer(t.type) == nullptr) continue;
            INFO(file << ": " << t.name << " as " << type_name(t.type));
            const auto ours = quantize_tensor(src.tensor(t.name), t.type, im);
            const auto theirs = t.bytes();
            REQUIRE(ours.size() == theirs.size());
            CHECK(std::memcmp(ours.data(), theirs.data(), ours.size()) == 0);
            covered.insert(t.type);
        }
    }
    // The types this branch writes; each must have been checked at least once.
    for (TensorType t : {TensorType::TQ1_0, TensorType::IQ4_XS, TensorType::IQ3_S, TensorType::IQ3_XXS,
                         TensorType::IQ2_XXS, TensorType::IQ2_XS, TensorType::IQ1_S, TensorType::IQ1_M,
                         TensorType::IQ2_S,
                         TensorType::Q2_K, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K}) {
        INFO(type_name(t));
        CHECK(covered.count(t) == 1);
    }
}

TEST_CASE("Q4_0, Q4_1, Q5_0 and Q5_1 with importance weights reproduce the reference's tensors") {
    const GgufFile src = GgufFile::open(test::model_path("synth/tiny-f32.gguf"));
    const ImportanceMatrix im = read_imatrix(test::model_path("synth/iq/tiny.imatrix"));
    const std::pair<const char*, TensorType> types[] = {
        {"q4_0", TensorType::Q4_0}, {"q4_1", TensorType::Q4_1}, {"q5_0", TensorType::Q5_0}, {"q5_1", TensorType::Q5_1}};
    for (const auto& [prefix, type] : types) {
        for (const char* tensor : {"blk.0.attn_k.weight", "blk.1.attn_output.weight"}) {
            INFO(prefix << " " << tensor);
            const auto want =
                test::read_bytes(test::model_path(std::string("synth/imat/") + prefix + "." + tensor + ".raw"));
            const auto ours = quantize_tensor(src.tensor(tensor), type, im);
            CHECK(ours == want);
        }
    }
}

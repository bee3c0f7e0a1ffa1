// Model files that are valid GGUF but not a usable model: each gives a clear
// lumen::Error naming the file and the problem — never a crash.
#include <catch2/catch.hpp>

#include <functional>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "lumen/model.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using lumen::test::model_path;
using lumen::test::TempDir;

namespace {

// tiny-f32 rewritten with one change: metadata edits, or a tensor replaced/dropped.
std::filesystem::path variant(const TempDir& tmp, const std::string& name,
                              const std::function<void(GgufWriter&)>& edit_metadata,
                              const std::function<bool(const GgufTensor&, GgufWriter&)>& edit_tensor = {}) {
    const GgufFile f = GgufFile::open(model_path("synth/tiny-f32.gguf"));
    GgufWriter w;
    w.copy_metadata(f);
    edit_metadata(w);
    for (const auto& t : f.tensors()) {
        if (edit_tensor && edit_tensor(t, w)) continue;
        w.add_tensor(t.name, t.type, std::span<const int64_t>(t.ne.data(), t.n_dims),
                     std::vector<std::byte>(t.data, t.data + t.n_bytes));
    }
    const auto path = tmp.path / name;
    w.write(path);
    return path;
}

void no_change(GgufWriter&) {}

}  // namespace

TEST_CASE("model files with bad hyperparameters or tensors are refused clearly") {
    TempDir tmp;
    SECTION("unsupported architecture") {
        const auto p = variant(tmp, "arch.gguf", [](GgufWriter& w) { w.set("general.architecture", GgufValue::string("mamba")); });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("unsupported architecture mamba"));
    }
    SECTION("missing hyperparameter") {
        const auto p = variant(tmp, "nolayers.gguf", [](GgufWriter& w) { w.remove("llama.block_count"); });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("llama.block_count' is missing"));
    }
    SECTION("zero heads") {
        const auto p = variant(tmp, "heads.gguf", [](GgufWriter& w) { w.set("llama.attention.head_count", GgufValue::u32(0)); });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("head_count' = 0 is out of range"));
    }
    SECTION("heads not divisible by KV heads") {
        const auto p = variant(tmp, "gqa.gguf", [](GgufWriter& w) { w.set("llama.attention.head_count_kv", GgufValue::u32(3)); });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("cannot be grouped over 3 KV heads"));
    }
    SECTION("hyperparameter of the wrong type") {
        const auto p = variant(tmp, "type.gguf", [](GgufWriter& w) { w.set("llama.embedding_length", GgufValue::string("256")); });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("expected an integer"));
    }
    SECTION("more layers than tensors") {
        const auto p = variant(tmp, "layers.gguf", [](GgufWriter& w) { w.set("llama.block_count", GgufValue::u32(3)); });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("tensor 'blk.2.attn_norm.weight' is missing"));
    }
    SECTION("a tensor of the wrong shape") {
        const auto p = variant(tmp, "shape.gguf", no_change, [](const GgufTensor& t, GgufWriter& w) {
            if (t.name != "blk.0.attn_q.weight") return false;
            const int64_t ne[] = {t.ne[1], t.ne[0] / 2};
            w.add_tensor(t.name, t.type, ne, std::vector<std::byte>(t.data, t.data + t.n_bytes / 2));
            return true;
        });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("'blk.0.attn_q.weight' has shape 256 x 128, expected 256 x 256"));
    }
    SECTION("a matrix type lumen cannot compute with") {
        const auto p = variant(tmp, "itype.gguf", no_change, [](const GgufTensor& t, GgufWriter& w) {
            if (t.name != "blk.0.ffn_up.weight") return false;
            w.add_tensor(t.name, TensorType::I32, std::span<const int64_t>(t.ne.data(), 2),
                         std::vector<std::byte>(t.data, t.data + t.n_bytes));
            return true;
        });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("type I32, which lumen cannot compute with"));
    }
    SECTION("vocabulary and embedding disagree") {
        const auto p = variant(tmp, "vocab.gguf", [](GgufWriter& w) {
            w.set("tokenizer.ggml.tokens", GgufValue::string_array({"a", "b"}));
            w.remove("tokenizer.ggml.scores");
            w.remove("tokenizer.ggml.token_type");
        });
        CHECK_THROWS_WITH(Model::load(p), Catch::Contains("the vocabulary has 2 tokens"));
    }
    SECTION("the untouched copy still loads") {
        CHECK_NOTHROW(Model::load(variant(tmp, "ok.gguf", no_change)));
    }
}

// Reading real GGUF files: the bundled stories260K model and the vocab files.
#include <catch2/catch.hpp>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "test_helpers.hpp"

using namespace lumen;

TEST_CASE("stories260K: header, hyperparameters, tokenizer arrays and tensors") {
    const GgufFile f = GgufFile::open(test::source_dir() / "models/stories260K.gguf");
    CHECK(f.version() == 3);
    CHECK(f.metadata().size() == 19);
    CHECK(f.tensors().size() == 48);
    CHECK(f.architecture() == "llama");
    CHECK(f.get_u64("llama.block_count", 0) == 5);
    CHECK(f.get_u64("llama.embedding_length", 0) == 64);
    CHECK(f.get_u64("llama.feed_forward_length", 0) == 172);
    CHECK(f.get_u64("llama.attention.head_count", 0) == 8);
    CHECK(f.get_u64("llama.attention.head_count_kv", 0) == 4);
    CHECK(f.get_f64("llama.attention.layer_norm_rms_epsilon", 0) == Approx(1e-5).epsilon(1e-6));
    CHECK_FALSE(f.has("llama.rope.freq_base"));
    CHECK(f.get_string("tokenizer.ggml.model") == "llama");
    const GgufValue& tokens = f.get("tokenizer.ggml.tokens");
    CHECK(tokens.elem_type() == GgufType::STRING);
    CHECK(tokens.size() == 512);
    CHECK(tokens.strings()[1] == "<s>");
    CHECK(f.get("tokenizer.ggml.scores").size() == 512);
    CHECK(f.get("tokenizer.ggml.scores").elem_type() == GgufType::F32);
    CHECK(f.get_u64("tokenizer.ggml.eos_token_id", 0) == 2);

    const GgufTensor& emb = f.tensor("token_embd.weight");
    CHECK(emb.type == TensorType::F32);
    CHECK(emb.n_dims == 2);
    CHECK(emb.ne[0] == 64);
    CHECK(emb.ne[1] == 512);
    CHECK(emb.n_bytes == 64 * 512 * 4);
    CHECK(f.tensor("blk.0.ffn_down.weight").ne[0] == 172);
    // Data lies inside the mapping, aligned as the file says.
    CHECK((emb.data - f.tensor(f.tensors()[0].name).data) % 32 == 0);
    CHECK_THROWS_WITH(f.tensor("nope"), Catch::Contains("tensor 'nope' is missing"));
    CHECK_THROWS_WITH(f.get("nope"), Catch::Contains("metadata key 'nope' is missing"));
    CHECK_THROWS_WITH(f.get_u64("general.architecture", 0), Catch::Contains("expected an integer"));
}

TEST_CASE("vocab-only files have metadata and no tensors") {
    const GgufFile f = GgufFile::open(test::data_dir() / "vocab/ggml-vocab-gpt-2.gguf");
    CHECK(f.tensors().empty());
    CHECK(f.get_string("tokenizer.ggml.model") == "gpt2");
    CHECK(f.get("tokenizer.ggml.merges").size() > 40000);
}

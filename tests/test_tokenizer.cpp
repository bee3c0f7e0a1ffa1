// Tokenizers against the reference's test vectors: every case of
// vocab/<name>.gguf.inp/.out and vocab/extra (30 multilingual strings) for each
// vocabulary must give identical ids (no BOS, special tokens not parsed), and
// decoding must give the text back where the vocabulary can represent it.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "lumen/vocab.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using lumen::test::data_dir;

namespace {

std::vector<std::string> read_cases(const std::filesystem::path& inp) {
    const std::string all = test::read_text(inp);
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t at; (at = all.find(sep, start)) != std::string::npos; start = at + sep.size())
        out.push_back(all.substr(start, at - start));
    return out;
}

std::vector<std::vector<int32_t>> read_ids(const std::filesystem::path& out) {
    std::ifstream f(out);
    std::vector<std::vector<int32_t>> ids;
    for (std::string line; std::getline(f, line);) {
        std::istringstream ss(line);
        std::vector<int32_t> row;
        for (int32_t id; ss >> id;) row.push_back(id);
        ids.push_back(row);
    }
    return ids;
}

// Runs all vectors of one vocabulary; returns the number of cases checked.
size_t check_vocab(const std::string& name, bool round_trip) {
    const auto dir = data_dir() / "vocab";
    const GgufFile file = GgufFile::open(dir / ("ggml-vocab-" + name + ".gguf"));
    const Vocab vocab = Vocab::from_gguf(file);
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> sets;
    const auto upstream = dir / ("ggml-vocab-" + name + ".gguf.inp");
    if (std::filesystem::exists(upstream)) sets.emplace_back(upstream, dir / ("ggml-vocab-" + name + ".gguf.out"));
    sets.emplace_back(dir / "extra/prompts.inp", dir / ("extra/ggml-vocab-" + name + ".out"));
    size_t n = 0;
    for (const auto& [inp, out] : sets) {
        const auto cases = read_cases(inp);
        const auto want = read_ids(out);
        REQUIRE(cases.size() == want.size());
        for (size_t i = 0; i < cases.size(); ++i) {
            INFO(name << " " << inp.filename().string() << " case " << i << ": \"" << cases[i] << "\"");
            const auto ids = vocab.encode(cases[i], false, false);
            CHECK(ids == want[i]);
            if (round_trip) CHECK(vocab.decode(ids) == cases[i]);
            ++n;
        }
    }
    return n;
}

}  // namespace

#define LUMEN_VOCAB_TEST(name, round_trip)                                 \
    TEST_CASE("tokenizer vectors: " name) {                                \
        const size_t n = check_vocab(name, round_trip);                    \
        CHECK(n >= 30);                                                    \
        WARN(name << ": " << n << " cases");                               \
    }

LUMEN_VOCAB_TEST("llama-spm", true)
LUMEN_VOCAB_TEST("phi-3", false)
LUMEN_VOCAB_TEST("baichuan", false)
LUMEN_VOCAB_TEST("gpt-2", true)
LUMEN_VOCAB_TEST("gpt-neox", true)
LUMEN_VOCAB_TEST("mpt", true)
LUMEN_VOCAB_TEST("starcoder", true)
LUMEN_VOCAB_TEST("refact", true)
LUMEN_VOCAB_TEST("falcon", true)
LUMEN_VOCAB_TEST("deepseek-llm", true)
LUMEN_VOCAB_TEST("deepseek-coder", true)
LUMEN_VOCAB_TEST("bert-bge", false)

TEST_CASE("tokenizer: invalid UTF-8 becomes U+FFFD, never a crash") {
    for (const char* name : {"llama-spm", "gpt-2", "bert-bge"}) {
        const GgufFile file = GgufFile::open(data_dir() / "vocab" / (std::string("ggml-vocab-") + name + ".gguf"));
        const Vocab vocab = Vocab::from_gguf(file);
        const std::string bad = "ok \xff\xfe \xe2\x82 end \xc0\xaf";
        const auto ids = vocab.encode(bad, false);
        CHECK(!ids.empty());
        // One U+FFFD per maximal invalid subpart: ff, fe, e2 82 (cut short), c0, af.
        CHECK(utf8_sanitize(bad) == "ok \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD end \xEF\xBF\xBD\xEF\xBF\xBD");
        CHECK(ids == vocab.encode(utf8_sanitize(bad), false));
    }
}

TEST_CASE("tokenizer: special tokens only when asked") {
    const GgufFile file = GgufFile::open(data_dir() / "vocab/ggml-vocab-llama-spm.gguf");
    const Vocab v = Vocab::from_gguf(file);
    const auto plain = v.encode("<s>hi", false, false);
    CHECK(std::find(plain.begin(), plain.end(), v.bos()) == plain.end());
    const auto parsed = v.encode("<s>hi", false, true);
    REQUIRE(!parsed.empty());
    CHECK(parsed[0] == v.bos());
    CHECK(v.encode("hi", true)[0] == v.bos());
}

TEST_CASE("tokenizer: streaming decoder never splits a UTF-8 character") {
    const GgufFile file = GgufFile::open(data_dir() / "vocab/ggml-vocab-llama-spm.gguf");
    const Vocab v = Vocab::from_gguf(file);
    const std::string text = "Ẹ kú àárọ̀ 👋🏽 नमस्ते";
    const auto ids = v.encode(text, false);
    StreamDecoder dec(v);
    std::string streamed;
    for (int32_t id : ids) {
        const std::string part = dec.push(id);
        CHECK(utf8_complete_prefix(part) == part.size());
        CHECK(utf8_sanitize(part) == part);
        streamed += part;
    }
    streamed += dec.flush();
    CHECK(streamed == " " + text);
}

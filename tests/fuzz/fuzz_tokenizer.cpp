// libFuzzer target for the tokenizers: the first input byte picks a vocabulary
// (SPM, byte-level BPE with several pre-tokenizers, WordPiece), the rest is the
// text. Encoding (plain and with special tokens), decoding and the streaming
// decoder must never crash, whatever the bytes. See docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "lumen/vocab.hpp"

namespace {

struct Loaded {
    lumen::GgufFile file;
    lumen::Vocab vocab;
};

const std::vector<std::unique_ptr<Loaded>>& vocabs() {
    static const auto v = [] {
        std::vector<std::unique_ptr<Loaded>> out;
        for (const char* name : {"llama-spm", "gpt-2", "deepseek-llm", "falcon", "starcoder", "bert-bge", "phi-3"}) {
            auto f = lumen::GgufFile::open(std::string(LUMEN_VOCAB_DIR) + "/ggml-vocab-" + name + ".gguf");
            auto voc = lumen::Vocab::from_gguf(f);
            out.push_back(std::make_unique<Loaded>(Loaded{std::move(f), std::move(voc)}));
        }
        return out;
    }();
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto& all = vocabs();
    const lumen::Vocab& v = all[data[0] % all.size()]->vocab;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        for (bool special : {false, true}) {
            const auto ids = v.encode(text, true, special);
            const std::string back = v.decode(ids, special);
            lumen::StreamDecoder stream(v, special);
            std::string streamed;
            for (int32_t id : ids) streamed += stream.push(id);
            streamed += stream.flush();
            if (lumen::utf8_sanitize(streamed) != streamed) __builtin_trap();  // streamed text must be valid UTF-8
        }
    } catch (const lumen::Error&) {
    }
    return 0;
}

// A model's vocabulary and tokenizer, read from the GGUF metadata
// (tokenizer.ggml.*): text <-> token ids.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/gguf.hpp"

namespace lumen {

// tokenizer.ggml.token_type values.
enum class TokenType : int32_t { undefined = 0, normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

enum class TokenizerKind { none, spm, bpe, wpm };

class PreTokenizer;

class LUMEN_API Vocab {
public:
    // Reads the vocabulary; throws lumen::Error on inconsistent metadata.
    static Vocab from_gguf(const GgufFile& file);

    TokenizerKind kind() const { return kind_; }
    const std::string& model_name() const { return model_name_; }  // tokenizer.ggml.model
    const std::string& pre_name() const { return pre_name_; }      // tokenizer.ggml.pre (BPE)
    int32_t size() const { return int32_t(tokens_.size()); }
    const std::string& text(int32_t id) const { return tokens_.at(size_t(id)); }
    float score(int32_t id) const { return scores_.empty() ? 0.f : scores_.at(size_t(id)); }
    TokenType type(int32_t id) const { return types_.empty() ? TokenType::normal : types_.at(size_t(id)); }
    int32_t find(std::string_view text) const;  // -1 if absent

    int32_t bos() const { return bos_; }
    int32_t eos() const { return eos_; }
    int32_t eot() const { return eot_; }  // end of turn, -1 if none
    bool add_bos() const { return add_bos_; }
    bool add_eos() const { return add_eos_; }
    // End-of-generation: eos, eot, or another control token marked as such.
    bool is_end_of_generation(int32_t id) const;

    // Text -> ids. add_special: BOS/EOS as the vocabulary asks. parse_special:
    // text of control tokens (e.g. "<|im_start|>") becomes those tokens; never by
    // default, so user text cannot inject them. Throws for tokenizer kinds not yet supported.
    std::vector<int32_t> encode(std::string_view text, bool add_special = true, bool parse_special = false) const;

    // The text of one token as generated output (byte tokens give their byte;
    // control tokens give "" unless `special`).
    std::string piece(int32_t id, bool special = false) const;
    std::string decode(const std::vector<int32_t>& ids, bool special = false) const;

private:
    struct Fragment {
        int32_t token;          // -1: raw text
        std::string_view text;
    };
    std::vector<Fragment> partition(std::string_view text, bool parse_special) const;
    std::vector<int32_t> encode_spm(std::string_view text, bool space_prefix) const;
    void append_bytes_spm(std::string_view symbol, std::vector<int32_t>& out) const;
    std::vector<int32_t> encode_bpe(std::string_view text) const;
    void encode_bpe_word(std::string_view raw_word, std::vector<int32_t>& out) const;
    std::vector<int32_t> encode_wpm(std::string_view text) const;

    TokenizerKind kind_ = TokenizerKind::none;
    std::string model_name_, pre_name_;
    std::shared_ptr<const PreTokenizer> pre_;
    std::unordered_map<std::string, int32_t> merge_rank_;  // "left right" -> rank
    bool ignore_merges_ = false;
    std::vector<int32_t> specials_;  // control, user-defined and unknown tokens, longest text first
    std::vector<uint8_t> strip_;     // per token: 1 = eat whitespace on the left, 2 = on the right
    int32_t cls_ = -1, sep_ = -1;
    int max_token_len_ = 0;
    std::vector<std::string> tokens_;
    std::vector<float> scores_;
    std::vector<TokenType> types_;
    std::unordered_map<std::string, int32_t> index_;
    int32_t bos_ = -1, eos_ = -1, eot_ = -1, unk_ = -1;
    bool add_bos_ = false, add_eos_ = false, add_space_prefix_ = true;
    int32_t byte_tokens_[256];
};

// Turns generated tokens into text as they arrive without ever splitting a
// UTF-8 character: bytes of an incomplete character are held back until the
// token that completes it (or flush()). Invalid bytes come out as U+FFFD.
class LUMEN_API StreamDecoder {
public:
    explicit StreamDecoder(const Vocab& vocab, bool special = false) : vocab_(vocab), special_(special) {}
    std::string push(int32_t token);
    std::string flush();  // whatever is still held back

private:
    const Vocab& vocab_;
    bool special_;
    std::string pending_;
};

// Length of the longest prefix of `s` that ends on a UTF-8 character boundary
// (an incomplete trailing sequence is excluded).
LUMEN_API size_t utf8_complete_prefix(std::string_view s);
// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
LUMEN_API std::string utf8_sanitize(std::string_view s);

}  // namespace lumen

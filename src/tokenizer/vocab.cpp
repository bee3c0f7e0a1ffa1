// Vocabulary loading, special tokens and detokenization.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "lumen/error.hpp"
#include "lumen/vocab.hpp"
#include "tokenizer/pretokenizer.hpp"

namespace lumen {

std::string bpe_symbols_to_bytes(std::string_view text);  // bpe.cpp

namespace {

int32_t optional_id(const GgufFile& f, const char* key, int32_t n_tokens) {
    const GgufValue* v = f.find(key);
    if (v == nullptr) return -1;
    const int64_t id = v->as_i64();
    // 0xFFFFFFFF (-1 as uint32) is the reference's "none".
    if (id < 0 || id >= n_tokens) return -1;
    return int32_t(id);
}

}  // namespace

Vocab Vocab::from_gguf(const GgufFile& f) {
    Vocab v;
    v.model_name_ = f.get_string("tokenizer.ggml.model", "none");
    if (v.model_name_ == "llama") v.kind_ = TokenizerKind::spm;
    else if (v.model_name_ == "gpt2") v.kind_ = TokenizerKind::bpe;
    else if (v.model_name_ == "bert") v.kind_ = TokenizerKind::wpm;
    else if (v.model_name_ == "none" || v.model_name_ == "no_vocab") v.kind_ = TokenizerKind::none;
    else throw Error(f.label() + ": unknown tokenizer model '" + v.model_name_ + "'");
    if (v.kind_ == TokenizerKind::none) return v;

    try {
        v.tokens_ = f.get("tokenizer.ggml.tokens").strings();
        const int32_t n = int32_t(v.tokens_.size());
        if (const GgufValue* s = f.find("tokenizer.ggml.scores")) {
            if (s->size() != v.tokens_.size()) throw Error("tokenizer.ggml.scores has a different length than the tokens");
            v.scores_.resize(s->size());
            for (size_t i = 0; i < s->size(); ++i) v.scores_[i] = float(s->number_at(i));
        }
        if (const GgufValue* t = f.find("tokenizer.ggml.token_type")) {
            if (t->size() != v.tokens_.size()) throw Error("tokenizer.ggml.token_type has a different length than the tokens");
            v.types_.resize(t->size());
            for (size_t i = 0; i < t->size(); ++i) {
                const int64_t ty = t->int_at(i);
                v.types_[i] = ty >= 0 && ty <= 6 ? TokenType(ty) : TokenType::normal;
            }
        }
        v.index_.reserve(v.tokens_.size());
        for (int32_t i = 0; i < n; ++i) v.index_.emplace(v.tokens_[size_t(i)], i);
        v.bos_ = optional_id(f, "tokenizer.ggml.bos_token_id", n);
        v.eos_ = optional_id(f, "tokenizer.ggml.eos_token_id", n);
        v.eot_ = optional_id(f, "tokenizer.ggml.eot_token_id", n);
        v.unk_ = optional_id(f, "tokenizer.ggml.unknown_token_id", n);
        const bool spm = v.kind_ == TokenizerKind::spm;
        v.add_bos_ = f.has("tokenizer.ggml.add_bos_token") ? f.get("tokenizer.ggml.add_bos_token").as_bool() : spm;
        v.add_eos_ = f.has("tokenizer.ggml.add_eos_token") ? f.get("tokenizer.ggml.add_eos_token").as_bool() : false;
        v.add_space_prefix_ =
            f.has("tokenizer.ggml.add_space_prefix") ? f.get("tokenizer.ggml.add_space_prefix").as_bool() : spm;
        v.cls_ = optional_id(f, "tokenizer.ggml.cls_token_id", n);
        v.sep_ = optional_id(f, "tokenizer.ggml.seperator_token_id", n);
        if (v.kind_ == TokenizerKind::bpe) {
            v.pre_name_ = f.get_string("tokenizer.ggml.pre", "default");
            v.pre_ = std::make_shared<const PreTokenizer>(v.pre_name_);
            v.ignore_merges_ = v.pre_->name().find("llama") != std::string::npos || v.pre_->name() == "falcon3";
            const auto& merges = f.get("tokenizer.ggml.merges").strings();
            v.merge_rank_.reserve(merges.size());
            for (size_t i = 0; i < merges.size(); ++i) v.merge_rank_.emplace(merges[i], int32_t(i));
        }
    } catch (const Error& e) {
        const std::string msg = e.what();
        if (msg.rfind(f.label(), 0) == 0) throw;
        throw Error(f.label() + ": vocabulary: " + msg);
    }
    // Special tokens, longest first; phi-3 vocabularies eat whitespace after them.
    std::string name = f.get_string("general.name");
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const bool phi3 = name.find("phi-3") != std::string::npos || name.find("phi3") != std::string::npos;
    v.strip_.assign(v.tokens_.size(), 0);
    for (int32_t id = 0; id < v.size(); ++id) {
        const TokenType t = v.type(id);
        v.max_token_len_ = std::max(v.max_token_len_, int(v.tokens_[size_t(id)].size()));
        if (t == TokenType::control || t == TokenType::user_defined || t == TokenType::unknown) {
            v.specials_.push_back(id);
            if (phi3) v.strip_[size_t(id)] = 2;
        }
    }
    if (phi3)
        for (const char* keep : {"<unk>", "<s>", "<|endoftext|>"})
            if (const int32_t id = v.find(keep); id >= 0) v.strip_[size_t(id)] = 0;
    std::stable_sort(v.specials_.begin(), v.specials_.end(), [&](int32_t a, int32_t b) {
        return v.tokens_[size_t(a)].size() > v.tokens_[size_t(b)].size();
    });
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        v.byte_tokens_[b] = v.find(name);
    }
    return v;
}

int32_t Vocab::find(std::string_view text) const {
    const auto it = index_.find(std::string(text));
    return it == index_.end() ? -1 : it->second;
}

bool Vocab::is_end_of_generation(int32_t id) const {
    if (id < 0) return false;
    return id == eos_ || id == eot_;
}

std::vector<int32_t> Vocab::encode(std::string_view input, bool add_special, bool parse_special) const {
    if (kind_ == TokenizerKind::none) throw Error("this model has no vocabulary to tokenize with");
    // Invalid UTF-8 is replaced by U+FFFD first, so every tokenizer sees valid text.
    const std::string text = utf8_sanitize(input);
    std::vector<int32_t> out;
    if (add_special) {
        if (kind_ == TokenizerKind::wpm && cls_ >= 0) out.push_back(cls_);
        else if (add_bos_ && bos_ >= 0) out.push_back(bos_);
    }
    bool after_special = true;  // SPM adds its leading space at the start and after special tokens
    for (const Fragment& f : partition(text, parse_special)) {
        if (f.token >= 0) {
            out.push_back(f.token);
            after_special = true;
            continue;
        }
        std::vector<int32_t> part;
        switch (kind_) {
            case TokenizerKind::spm: part = encode_spm(f.text, after_special); break;
            case TokenizerKind::bpe: part = encode_bpe(f.text); break;
            case TokenizerKind::wpm: part = encode_wpm(f.text); break;
            case TokenizerKind::none: break;
        }
        out.insert(out.end(), part.begin(), part.end());
        after_special = false;
    }
    if (add_special) {
        if (kind_ == TokenizerKind::wpm && sep_ >= 0) out.push_back(sep_);
        else if (add_eos_ && eos_ >= 0) out.push_back(eos_);
    }
    return out;
}

std::string Vocab::piece(int32_t id, bool special) const {
    if (id < 0 || id >= size()) return {};
    const std::string& t = tokens_[size_t(id)];
    switch (type(id)) {
        case TokenType::control: return special ? t : std::string();
        case TokenType::unknown: return "\xe2\x96\x85";  // ▅, as the reference shows unknown tokens
        case TokenType::byte: {
            unsigned b = 0;
            if (t.size() == 6 && std::sscanf(t.c_str(), "<0x%02X>", &b) == 1) return std::string(1, char(b));
            return t;
        }
        default: break;
    }
    if (kind_ == TokenizerKind::bpe) return type(id) == TokenType::user_defined ? t : bpe_symbols_to_bytes(t);
    // SentencePiece marks spaces with U+2581 "▁".
    std::string out;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t.compare(i, 3, "\xe2\x96\x81") == 0) {
            out += ' ';
            i += 2;
        } else {
            out += t[i];
        }
    }
    return out;
}

std::string Vocab::decode(const std::vector<int32_t>& ids, bool special) const {
    std::string out;
    for (int32_t id : ids) out += piece(id, special);
    // The space SPM put in front of the text is not part of it.
    if (kind_ == TokenizerKind::spm && add_space_prefix_ && !out.empty() && out[0] == ' ') out.erase(0, 1);
    return out;
}

}  // namespace lumen

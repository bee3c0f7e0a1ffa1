// Vocabulary loading, special tokens and detokenization.
#include <cstdio>

#include "lumen/error.hpp"
#include "lumen/vocab.hpp"

namespace lumen {

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
    } catch (const Error& e) {
        const std::string msg = e.what();
        if (msg.rfind(f.label(), 0) == 0) throw;
        throw Error(f.label() + ": vocabulary: " + msg);
    }
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

std::vector<int32_t> Vocab::encode(std::string_view text, bool add_special, bool parse_special) const {
    (void)parse_special;
    std::vector<int32_t> out;
    if (add_special && add_bos_ && bos_ >= 0) out.push_back(bos_);
    std::vector<int32_t> body;
    switch (kind_) {
        case TokenizerKind::spm: body = encode_spm(text); break;
        default: throw Error("tokenizer model '" + model_name_ + "' is not supported yet");
    }
    out.insert(out.end(), body.begin(), body.end());
    if (add_special && add_eos_ && eos_ >= 0) out.push_back(eos_);
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
    if (kind_ != TokenizerKind::spm) return t;
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
    return out;
}

}  // namespace lumen

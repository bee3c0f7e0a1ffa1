// Regex pre-tokenizer of byte-level BPE vocabularies (see pretokenizer.cpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lumen {

class PreTokenizer {
public:
    // `pre` is tokenizer.ggml.pre ("" or missing: "default"). Throws lumen::Error if unknown.
    explicit PreTokenizer(const std::string& pre);
    ~PreTokenizer();
    PreTokenizer(const PreTokenizer&) = delete;
    PreTokenizer& operator=(const PreTokenizer&) = delete;

    // Splits valid UTF-8 text into pieces (views into `text`), in order.
    std::vector<std::string_view> split(std::string_view text) const;
    const std::string& name() const { return name_; }

private:
    struct Regex;
    std::string name_;
    std::vector<std::unique_ptr<Regex>> regexes_;
};

}  // namespace lumen

// Splitting text at special tokens before tokenization. User-defined tokens are
// always recognized; control and unknown tokens only when asked (parse_special),
// so plain user text can never inject them. Longer tokens are matched first.
#include "lumen/vocab.hpp"

namespace lumen {

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
}  // namespace

std::vector<Vocab::Fragment> Vocab::partition(std::string_view text, bool parse_special) const {
    std::vector<Fragment> frags = {{-1, text}};
    for (int32_t id : specials_) {
        const TokenType t = type(id);
        if (!parse_special && t != TokenType::user_defined) continue;
        const std::string& tok = tokens_[size_t(id)];
        if (tok.empty()) continue;
        std::vector<Fragment> next;
        for (const Fragment& f : frags) {
            if (f.token >= 0) {
                next.push_back(f);
                continue;
            }
            std::string_view rest = f.text;
            for (size_t at; (at = rest.find(tok)) != std::string_view::npos;) {
                std::string_view left = rest.substr(0, at);
                rest = rest.substr(at + tok.size());
                if (strip_[size_t(id)] & 1)
                    while (!left.empty() && is_space(left.back())) left.remove_suffix(1);
                if (strip_[size_t(id)] & 2)
                    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
                if (!left.empty()) next.push_back({-1, left});
                next.push_back({id, {}});
            }
            if (!rest.empty()) next.push_back({-1, rest});
        }
        frags = std::move(next);
    }
    return frags;
}

}  // namespace lumen

// Byte-level BPE pre-tokenization: the regexes of each tokenizer.ggml.pre type
// (constants as the reference defines them), applied one after another. Each
// regex splits every current fragment into its matches and the text between
// them, so unmatched text survives as fragments of its own.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/pretokenizer.hpp"

#include <pcre2.h>

#include <map>

#include "lumen/error.hpp"

namespace lumen {

namespace {

// gpt2's split: contractions, letters, numbers, other symbols, whitespace.
constexpr const char* kGpt2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
constexpr const char* kLlama3 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kQwen2 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kCjk = "[一-龥ࠀ-一가-퟿]+";
constexpr const char* kBloom = " ?[^(\\s|.,!?…。，、।۔،)]+";

const std::map<std::string, std::vector<std::string>>& regex_table() {
    static const std::map<std::string, std::vector<std::string>> table = [] {
        std::map<std::string, std::vector<std::string>> t;
        const std::vector<std::string> deflt = {"[\\p{P}\\$\\+<=>\\^~\\|]+", kGpt2, "\\p{N}+", "[0-9][0-9][0-9]"};
        t["default"] = deflt;
        for (const char* n : {"llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe", "chatglm-bpe"})
            t[n] = {kLlama3};
        t["deepseek-llm"] = {
            "[\\r\\n]",
            // Letters of many scripts, as explicit code points (several are
            // canonical singletons that text normalization would silently change).
            "\\s?[A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}"
            "-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}"
            "-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}"
            "-\\x{13F5}\\x{13F8}-\\x{13FD}\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}"
            "\\x{1D79}-\\x{1D9A}\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}"
            "-\\x{1F57}\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}\\x{1FC2}"
            "-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}\\x{1FF2}-\\x{1FF4}"
            "\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}"
            "\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}"
            "\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x"
            "{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}"
            "-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}\\x{104D8}-\\x"
            "{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]+",
            "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
            "\\s+$",
            kCjk,
            "\\p{N}+",
        };
        t["deepseek-coder"] = {"[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", kCjk, "\\p{N}"};
        t["falcon"] = {"[\\p{P}\\$\\+<=>\\^~\\|`]+", kGpt2, "[0-9][0-9][0-9]"};
        for (const char* n : {"starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"})
            t[n] = {"\\p{N}", kGpt2};
        for (const char* n : {"gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es",
                              "jina-v2-de", "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais"})
            t[n] = {kGpt2};
        for (const char* n : {"qwen2", "deepseek-r1-qwen", "megrez", "stablelm2"}) t[n] = {kQwen2};
        for (const char* n : {"poro-chat", "bloom", "gpt3-finnish"}) t[n] = {kBloom};
        t["viking"] = {kBloom, "\\p{N}"};
        t["chameleon"] = {"<sentinel:[0-9]+>", "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z", "([\\t\\n]|    |  )", "\\p{N}",
                          "[\\p{P}!-/:-@\\[-`{-~]", kGpt2};
        return t;
    }();
    return table;
}

}  // namespace

struct PreTokenizer::Regex {
    pcre2_code* code = nullptr;
    ~Regex() { pcre2_code_free(code); }
};

PreTokenizer::PreTokenizer(const std::string& pre) {
    const auto& table = regex_table();
    auto it = table.find(pre.empty() ? "default" : pre);
    if (it == table.end())
        throw Error("tokenizer.ggml.pre '" + pre + "' is not a pre-tokenizer lumen knows");
    name_ = it->first;
    for (const std::string& expr : it->second) {
        int err = 0;
        PCRE2_SIZE at = 0;
        auto r = std::make_unique<Regex>();
        // UTF + UCP: \s, \p{..} and [^...] work on Unicode code points with
        // Unicode properties; $ only at the very end (as ECMAScript).
        r->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expr.c_str()), expr.size(),
                                PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_UTF_CHECK, &err, &at, nullptr);
        if (r->code == nullptr) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            throw Error("pre-tokenizer '" + name_ + "': bad regex at " + std::to_string(at) + ": " +
                        reinterpret_cast<const char*>(msg));
        }
        pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
        regexes_.push_back(std::move(r));
    }
}

PreTokenizer::~PreTokenizer() = default;

std::vector<std::string_view> PreTokenizer::split(std::string_view text) const {
    std::vector<std::string_view> frags = {text};
    if (text.empty()) return {};
    for (const auto& r : regexes_) {
        pcre2_match_data* md = pcre2_match_data_create_from_pattern(r->code, nullptr);
        std::vector<std::string_view> next;
        for (std::string_view f : frags) {
            size_t pos = 0, last = 0;
            while (pos <= f.size()) {
                const int rc = pcre2_match(r->code, reinterpret_cast<PCRE2_SPTR>(f.data()), f.size(), pos,
                                           PCRE2_NO_UTF_CHECK, md, nullptr);
                if (rc < 0) break;
                const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
                const size_t start = ov[0], end = ov[1];
                if (end == start) {  // empty match: step one character forward
                    pos = start + 1;
                    while (pos < f.size() && (static_cast<unsigned char>(f[pos]) & 0xC0) == 0x80) ++pos;
                    continue;
                }
                if (start > last) next.push_back(f.substr(last, start - last));
                next.push_back(f.substr(start, end - start));
                last = pos = end;
            }
            if (last < f.size()) next.push_back(f.substr(last));
        }
        pcre2_match_data_free(md);
        frags = std::move(next);
    }
    return frags;
}

}  // namespace lumen

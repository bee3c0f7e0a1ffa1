// `lumen tokenize -m MODEL_OR_VOCAB.gguf -p TEXT`: how a text is tokenized.
#include <cstdio>

#include "commands.hpp"
#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "lumen/vocab.hpp"
#include "options.hpp"

namespace lumen::cli {

namespace {

struct TokenizeCli {
    std::string model, prompt, file;
    bool ids = false, no_bos = false, special = false, show_count = false;
};

// Printable form of a piece: control characters escaped.
std::string escaped(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else out += char(c);
    }
    return out;
}

void run(const TokenizeCli& o) {
    // Vocabulary-only files have no weights: read the vocabulary straight from the GGUF.
    const GgufFile f = GgufFile::open(file_path(o.model.empty() ? default_model_path() : o.model));
    const Vocab vocab = Vocab::from_gguf(f);
    const std::string text = o.file.empty() ? o.prompt : read_text_file(o.file);
    const auto ids = vocab.encode(text, !o.no_bos, o.special);
    if (o.ids) {
        std::printf("[");
        for (size_t i = 0; i < ids.size(); ++i) std::printf("%s%d", i ? ", " : "", ids[i]);
        std::printf("]\n");
    } else {
        for (int32_t id : ids)
            std::printf("%6d -> '%s'\n", id, escaped(utf8_sanitize(vocab.piece(id, true))).c_str());
    }
    if (o.show_count) std::printf("Total number of tokens: %zu\n", ids.size());
}

}  // namespace

void register_tokenize(CLI::App& app) {
    auto o = std::make_shared<TokenizeCli>();
    CLI::App* cmd = app.add_subcommand("tokenize", "Show how a text is split into tokens");
    cmd->add_option("-m,--model", o->model, "Model or vocabulary GGUF (default: the bundled model)");
    cmd->add_option("-p,--prompt", o->prompt, "Text to tokenize");
    cmd->add_option("-f,--file", o->file, "Read the text from a file");
    cmd->add_flag("--ids", o->ids, "Print only the ids, as a list");
    cmd->add_flag("--no-bos", o->no_bos, "Do not add BOS/EOS (or CLS/SEP) tokens");
    cmd->add_flag("--special", o->special, "Recognize special-token text such as <|im_start|>");
    cmd->add_flag("--show-count", o->show_count, "Print the number of tokens");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli

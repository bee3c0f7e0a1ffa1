// Streams a reply from a model through the lumen C++ API.
//   chat MODEL.gguf [PROMPT] [TEMPERATURE]
// Build: find_package(lumen) and link lumen::lumen (see docs/api.md for pkg-config).
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "lumen/chat.hpp"
#include "lumen/error.hpp"
#include "lumen/model.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s MODEL.gguf [PROMPT] [TEMPERATURE]\n", argv[0]);
        return 2;
    }
    try {
        // The model is shared (read-only); a session holds one conversation's KV cache.
        const auto model = lumen::Model::load(argv[1]);
        lumen::Session session(model, {.n_ctx = 256});

        // The model's own chat template, or plain continuation when it has none.
        std::optional<lumen::ChatTemplate> tmpl;
        if (const std::string src = model->file().get_string("tokenizer.chat_template"); !src.empty())
            tmpl = lumen::ChatTemplate::detect(src).value_or(*lumen::ChatTemplate::from_name("chatml"));
        lumen::Chat chat(session, tmpl);

        lumen::SamplerParams params;
        if (argc > 3) params.temp = std::strtof(argv[3], nullptr);
        lumen::Sampler sampler(params);

        const std::string prompt = argc > 2 ? argv[2] : "Once upon a time";
        chat.reply(prompt, sampler, {.n_predict = 64}, [](std::string_view piece) {
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
            return true;  // false stops the reply
        });
        std::printf("\n");
    } catch (const lumen::Error& e) {  // bad file, context full, ...: a message naming the problem
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}

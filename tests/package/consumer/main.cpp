// Loads a model through the public API and prints its greedy continuation ids.
#include <cstdio>

#include "lumen/generate.hpp"
#include "lumen/model.hpp"
#include "lumen/vocab.hpp"

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const auto model = lumen::Model::load(argv[1]);
    lumen::Session session(model, {.n_ctx = 64, .n_threads = 1});
    lumen::Sampler sampler({.temp = 0.f});
    const auto prompt = model->vocab().encode("Once upon a time");
    lumen::generate(session, sampler, prompt, {.n_predict = 8, .stop_at_eog = false}, [](int32_t t) {
        std::printf("%d ", t);
        return true;
    });
    std::printf("\n");
    return 0;
}

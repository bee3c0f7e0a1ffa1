#include <cstdlib>
#include <string>

#include "lumen/error.hpp"
#include "lumen/model.hpp"
#include "lumen/vocab.hpp"
#include "model/architecture.hpp"
#include "model/memory_guard.hpp"
#include "model/model_weights.hpp"

namespace lumen {

Model::Model(GgufFile file) : file_(std::move(file)) {}
Model::~Model() = default;

namespace {
// Reports progress; throws when the caller's callback asks to stop.
void report(const LoadOptions& options, float fraction, const std::string& label) {
    if (options.progress && !options.progress(fraction)) throw Error(label + ": model load aborted by the progress callback");
}
}  // namespace

std::shared_ptr<const Model> Model::load(const std::filesystem::path& path, LoadOptions options) {
    report(options, 0.0f, path.string());
    const FileResidence residence = !options.mmap  ? FileResidence::copied
                                    : options.mlock ? FileResidence::locked
                                                    : FileResidence::mapped;
    return load(GgufFile::open(path, residence), std::move(options));
}

std::shared_ptr<const Model> Model::load(GgufFile file, LoadOptions options) {
    std::shared_ptr<Model> m(new Model(std::move(file)));
    m->options_ = options;
    const GgufFile& f = m->file_;
    report(options, 0.1f, f.label());
    if (f.get_string("general.type", "model") == "adapter")
        throw Error(f.label() + ": this is a LoRA adapter, not a model (load it with --lora on top of a base model)");
    m->config_ = read_config(f);
    m->weights_ = std::make_unique<ModelWeights>(bind_weights(f, m->config_));
    report(options, 0.3f, f.label());
    const char* no_repack = std::getenv("LUMEN_NO_REPACK");
    if (options.repack && !(no_repack && *no_repack && *no_repack != '0')) pack_weights(*m->weights_, available_memory());
    report(options, 0.8f, f.label());
    m->vocab_ = std::make_unique<Vocab>(Vocab::from_gguf(f));
    if (m->vocab_->kind() != TokenizerKind::none && m->vocab_->size() != m->config_.n_vocab)
        throw Error(f.label() + ": the vocabulary has " + std::to_string(m->vocab_->size()) +
                    " tokens but token_embd.weight has " + std::to_string(m->config_.n_vocab) + " rows");
    for (const auto& t : f.tensors()) {
        m->weight_bytes_ += t.n_bytes;
        m->n_params_ += uint64_t(t.n_elements());
    }
    report(options, 1.0f, f.label());
    return m;
}

}  // namespace lumen

#include <cstdlib>
#include <string>

#include "lumen/error.hpp"
#include "lumen/model.hpp"
#include "lumen/vocab.hpp"
#include "model/architecture.hpp"
#include "model/model_weights.hpp"

namespace lumen {

Model::Model(GgufFile file) : file_(std::move(file)) {}
Model::~Model() = default;

std::shared_ptr<const Model> Model::load(const std::filesystem::path& path, LoadOptions options) {
    const FileResidence residence = !options.mmap  ? FileResidence::copied
                                    : options.mlock ? FileResidence::locked
                                                    : FileResidence::mapped;
    std::shared_ptr<Model> m(new Model(GgufFile::open(path, residence)));
    m->options_ = options;
    const GgufFile& f = m->file_;
    if (f.get_string("general.type", "model") == "adapter")
        throw Error(f.label() + ": this is a LoRA adapter, not a model (load it with --lora on top of a base model)");
    m->config_ = read_config(f);
    m->weights_ = std::make_unique<ModelWeights>(bind_weights(f, m->config_));
    const char* no_repack = std::getenv("LUMEN_NO_REPACK");
    if (options.repack && !(no_repack && *no_repack && *no_repack != '0')) pack_weights(*m->weights_);
    m->vocab_ = std::make_unique<Vocab>(Vocab::from_gguf(f));
    if (m->vocab_->kind() != TokenizerKind::none && m->vocab_->size() != m->config_.n_vocab)
        throw Error(f.label() + ": the vocabulary has " + std::to_string(m->vocab_->size()) +
                    " tokens but token_embd.weight has " + std::to_string(m->config_.n_vocab) + " rows");
    for (const auto& t : f.tensors()) {
        m->weight_bytes_ += t.n_bytes;
        m->n_params_ += uint64_t(t.n_elements());
    }
    return m;
}

}  // namespace lumen

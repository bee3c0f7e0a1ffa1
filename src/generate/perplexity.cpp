// Perplexity and KL divergence. Base log-probabilities are stored in a small
// file of our own: "LUMENKLD" + u32 version + i32 n_ctx, n_vocab, n_chunks,
// n_scored_per_chunk + the token ids used + float16 log-probs of every scored
// position, chunk by chunk.
#include "lumen/perplexity.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "fp16.hpp"
#include "lumen/error.hpp"
#include "lumen/vocab.hpp"

namespace lumen {

namespace {

constexpr char kMagic[8] = {'L', 'U', 'M', 'E', 'N', 'K', 'L', 'D'};

// log softmax of one position: logits - max - log(sum exp), sums in double.
void log_softmax(std::span<const float> logits, std::vector<float>& out) {
    float max = logits[0];
    for (float l : logits) max = std::max(max, l);
    double sum = 0;
    for (float l : logits) sum += std::exp(double(l - max));
    const double log_sum = std::log(sum);
    out.resize(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) out[i] = float(double(logits[i] - max) - log_sum);
}

struct BaseHeader {
    int32_t n_ctx, n_vocab, n_chunks, n_scored;
};

}  // namespace

PerplexityResult perplexity(std::shared_ptr<const Model> model, const std::vector<int32_t>& tokens,
                            const PerplexityOptions& o, const PerplexityProgress& progress) {
    const Vocab& vocab = model->vocab();
    const int n_ctx = o.n_ctx;
    if (n_ctx < 8) throw Error("perplexity needs a context of at least 8 tokens");
    const int n_chunks = int(tokens.size()) / n_ctx;
    if (n_chunks < 1)
        throw Error("the text has " + std::to_string(tokens.size()) + " tokens: at least " + std::to_string(n_ctx) +
                    " (one chunk of -c) are needed");
    const int first = n_ctx / 2;            // scored positions: first .. n_ctx-2 predict the next token
    const int n_scored = n_ctx - 1 - first;
    const int V = model->config().n_vocab;

    std::ofstream save;
    std::ifstream base;
    if (o.save_base) {
        save.open(*o.save_base, std::ios::binary);
        if (!save) throw Error(o.save_base->string() + ": cannot write");
        const uint32_t version = 1;
        const BaseHeader h{n_ctx, V, n_chunks, n_scored};
        save.write(kMagic, 8);
        save.write(reinterpret_cast<const char*>(&version), 4);
        save.write(reinterpret_cast<const char*>(&h), sizeof h);
        save.write(reinterpret_cast<const char*>(tokens.data()), std::streamsize(size_t(n_chunks * n_ctx) * 4));
    }
    if (o.compare_base) {
        base.open(*o.compare_base, std::ios::binary);
        if (!base) throw Error(o.compare_base->string() + ": cannot read");
        char magic[8];
        uint32_t version = 0;
        BaseHeader h{};
        base.read(magic, 8);
        base.read(reinterpret_cast<char*>(&version), 4);
        base.read(reinterpret_cast<char*>(&h), sizeof h);
        if (!base || std::memcmp(magic, kMagic, 8) != 0 || version != 1)
            throw Error(o.compare_base->string() + ": not a lumen KL-divergence base file");
        if (h.n_ctx != n_ctx || h.n_vocab != V || h.n_chunks != n_chunks || h.n_scored != n_scored)
            throw Error(o.compare_base->string() + ": made with a different context, vocabulary or text");
        std::vector<int32_t> base_tokens(size_t(n_chunks * n_ctx));
        base.read(reinterpret_cast<char*>(base_tokens.data()), std::streamsize(base_tokens.size() * 4));
        if (!std::equal(base_tokens.begin(), base_tokens.end(), tokens.begin()))
            throw Error(o.compare_base->string() + ": made from a different text");
    }

    SessionOptions so = o.session;
    so.n_ctx = n_ctx;
    Session session(model, so);
    PerplexityResult r;
    r.n_chunks = n_chunks;
    double nll = 0, nll2 = 0, kld = 0, kld2 = 0, base_nll = 0;
    int agree = 0, count = 0;
    std::vector<float> lp, base_lp(static_cast<size_t>(V));
    std::vector<uint16_t> half(static_cast<size_t>(V));
    for (int c = 0; c < n_chunks; ++c) {
        std::vector<int32_t> chunk(tokens.begin() + c * n_ctx, tokens.begin() + (c + 1) * n_ctx);
        if (vocab.add_bos() && vocab.bos() >= 0) chunk[0] = vocab.bos();  // each chunk starts like a document
        session.reset();
        const auto logits = session.eval(chunk, true);
        for (int j = first; j < n_ctx - 1; ++j) {
            log_softmax(logits.subspan(size_t(j) * size_t(V), size_t(V)), lp);
            const int32_t next = chunk[size_t(j) + 1];
            const double l = -double(lp[size_t(next)]);
            nll += l;
            nll2 += l * l;
            ++count;
            if (save.is_open()) {
                for (int v = 0; v < V; ++v) half[size_t(v)] = kernels::fp32_to_fp16(lp[size_t(v)]);
                save.write(reinterpret_cast<const char*>(half.data()), std::streamsize(half.size() * 2));
            }
            if (base.is_open()) {
                base.read(reinterpret_cast<char*>(half.data()), std::streamsize(half.size() * 2));
                if (!base) throw Error(o.compare_base->string() + ": file is truncated");
                double d = 0;
                int best_base = 0, best = 0;
                for (int v = 0; v < V; ++v) {
                    base_lp[size_t(v)] = kernels::fp16_to_fp32(half[size_t(v)]);
                    const double p = std::exp(double(base_lp[size_t(v)]));
                    d += p * (double(base_lp[size_t(v)]) - double(lp[size_t(v)]));
                    if (base_lp[size_t(v)] > base_lp[size_t(best_base)]) best_base = v;
                    if (lp[size_t(v)] > lp[size_t(best)]) best = v;
                }
                kld += d;
                kld2 += d * d;
                agree += best == best_base;
                base_nll += -double(base_lp[size_t(next)]);
            }
        }
        r.running.push_back(std::exp(nll / count));
        if (progress) progress(c, n_chunks, r.running.back());
    }
    r.n_scored = count;
    const double mean = nll / count;
    double var = nll2 / count - mean * mean;
    r.ppl = std::exp(mean);
    r.ppl_error = var > 0 && count > 1 ? r.ppl * std::sqrt(var / (count - 1)) : 0;
    if (base.is_open()) {
        r.has_kld = true;
        r.mean_kld = kld / count;
        const double kvar = kld2 / count - r.mean_kld * r.mean_kld;
        r.kld_error = kvar > 0 && count > 1 ? std::sqrt(kvar / (count - 1)) : 0;
        r.top1_agreement = double(agree) / count;
        r.base_ppl = std::exp(base_nll / count);
    }
    if (save.is_open() && !save.flush()) throw Error(o.save_base->string() + ": write failed");
    return r;
}

}  // namespace lumen

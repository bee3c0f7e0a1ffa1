// Computing an importance matrix (see lumen/imatrix.hpp): a perplexity-style
// pass over the text with an observer on every weight-matrix product.
#include <cmath>
#include <map>
#include <string>

#include "lumen/error.hpp"
#include "lumen/imatrix.hpp"
#include "lumen/vocab.hpp"

namespace lumen {

namespace {

// Per-column sums of squared inputs of one weight matrix.
struct ColumnStats {
    std::vector<float> sums;
    int64_t rows = 0;   // input rows (tokens) seen
    int32_t ncall = 0;  // products observed
};

// The reference ignores products over fewer rows than this (single-token steps).
constexpr int kMinRows = 16;

class Collector {
public:
    explicit Collector(bool process_output) : process_output_(process_output) {}

    void observe(const char* name, const float* x, int n, int64_t cols) {
        const std::string tensor(name);
        const bool wanted = tensor.rfind("blk.", 0) == 0 || (process_output_ && tensor == "output.weight");
        if (!wanted || n < kMinRows) return;
        auto [it, fresh] = index_.try_emplace(tensor, order_.size());
        if (fresh) order_.push_back({tensor, ColumnStats{std::vector<float>(size_t(cols), 0.f), 0, 0}});
        ColumnStats& s = order_[it->second].second;
        if (s.sums.size() != size_t(cols))
            throw Error("imatrix: '" + tensor + "' changed width from " + std::to_string(s.sums.size()) + " to " +
                        std::to_string(cols));
        ++s.ncall;
        for (int r = 0; r < n; ++r) {
            const float* row = x + size_t(r) * size_t(cols);
            for (int64_t j = 0; j < cols; ++j) s.sums[size_t(j)] += row[j] * row[j];
        }
        for (int64_t j = 0; j < cols; ++j)
            if (!std::isfinite(s.sums[size_t(j)]))
                throw Error("imatrix: non-finite activation sum for '" + tensor + "' (the model overflows on this text)");
        s.rows += n;
        last_call_ = std::max(last_call_, s.ncall);
    }

    ImportanceMatrix result(const std::string& dataset) const {
        ImportanceMatrix m;
        m.chunks = last_call_;
        m.dataset = dataset;
        for (const auto& [name, s] : order_) {
            ImatrixEntry e;
            e.name = name;
            e.ncall = s.ncall;
            e.values.resize(s.sums.size());
            for (size_t j = 0; j < s.sums.size(); ++j)
                e.values[j] = (s.sums[j] / static_cast<float>(s.rows)) * static_cast<float>(s.ncall);
            m.entries.push_back(std::move(e));
        }
        return m;
    }

private:
    bool process_output_;
    std::map<std::string, size_t> index_;
    std::vector<std::pair<std::string, ColumnStats>> order_;  // first-seen order
    int32_t last_call_ = 0;
};

}  // namespace

ImportanceMatrix compute_imatrix(std::shared_ptr<const Model> model, const std::vector<int32_t>& tokens,
                                 const ImatrixOptions& o, const ImatrixProgress& progress) {
    if (o.n_ctx < kMinRows) throw Error("imatrix needs a context of at least " + std::to_string(kMinRows) + " tokens");
    if (int64_t(tokens.size()) < 2 * int64_t(o.n_ctx))
        throw Error("imatrix: the text has " + std::to_string(tokens.size()) + " tokens; a context of " +
                    std::to_string(o.n_ctx) + " needs at least " + std::to_string(2 * o.n_ctx));
    const int n_fit = int(tokens.size() / size_t(o.n_ctx));
    const int n_chunks = o.n_chunks < 0 ? n_fit : std::min(o.n_chunks, n_fit);
    SessionOptions so = o.session;
    so.n_ctx = o.n_ctx;
    so.n_batch = std::min(o.n_ctx, 2048);  // the reference's default batch
    Session session(model, so);
    Collector collector(o.process_output);
    session.set_matmul_observer(
        [&collector](const char* name, const float* x, int n, int64_t cols) { collector.observe(name, x, n, cols); });
    const Vocab& vocab = model->vocab();
    for (int c = 0; c < n_chunks; ++c) {
        std::vector<int32_t> chunk(tokens.begin() + int64_t(c) * o.n_ctx, tokens.begin() + int64_t(c + 1) * o.n_ctx);
        if (vocab.add_bos() && vocab.bos() >= 0) chunk[0] = vocab.bos();
        session.reset();
        session.eval(chunk, true);
        if (progress) progress(c, n_chunks);
    }
    return collector.result(o.dataset);
}

}  // namespace lumen

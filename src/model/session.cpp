// The forward pass. Per batch of tokens:
//   x = embed(tokens)
//   for each layer:
//       h = rms_norm(x) * attn_norm
//       q, k, v = Wq h (+bq), Wk h (+bk), Wv h (+bv)       [qk_norm: per-head norms]
//       q, k = rope(q, pos), rope(k, pos); cache <- k, v
//       x += Wo attention(q, cache)                        (GQA: head h reads KV head h / group)
//       h = rms_norm(x) * ffn_norm
//       x += W_down (silu(W_gate h) * W_up h)
//   logits = W_out (rms_norm(x) * output_norm)
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "lumen/error.hpp"
#include "lumen/machine.hpp"
#include "lumen/session.hpp"
#include "model/kv_cache.hpp"
#include "model/memory_guard.hpp"
#include "model/model_weights.hpp"
#include "ops/attention.hpp"
#include "ops/matmul.hpp"
#include "ops/norm_rope.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lumen {

struct SessionImpl {
    std::shared_ptr<const Model> model;
    const ModelConfig& c;
    const ModelWeights& w;
    SessionOptions opt;
    const kernels::KernelSet& ks;
    KvCache cache;
    ops::Rope rope;
    int n_past = 0;

    // Scratch, sized once for n_batch tokens. Shapes are [tokens x width].
    std::vector<float> x, h;         // [n_batch x n_embd]
    std::vector<float> q, k, v, att; // [n_batch x n_head*head_dim] (k, v: n_head_kv*head_dim)
    std::vector<float> gate, up;     // [n_batch x n_ff]
    std::vector<float> logits;       // [requested tokens x n_vocab], grown on demand
    std::vector<std::byte> act;      // quantized activations for matmul
    std::vector<ops::AttentionScratch> att_scratch;  // one per thread
    // Attached adapters, resolved per weight matrix: (pair, factor) lists.
    std::vector<AttachedLora> loras;
    std::unordered_map<const ops::WeightView*, std::vector<std::pair<const LoraAdapter::Pair*, float>>> lora_of;
    std::vector<float> lora_tmp;
    std::function<bool()> should_abort;

    SessionImpl(std::shared_ptr<const Model> m, SessionOptions o)
        : model(std::move(m)), c(model->config()), w(model->weights()), opt(resolve(o, c)),
          ks(kernels::kernel_set(opt.isa.value())),
          cache(c, opt.n_ctx, opt.cache_type_k, opt.cache_type_v), rope(c, w.rope_freqs) {
        const size_t nb = size_t(opt.n_batch);
        const size_t q_dim = size_t(c.n_head) * size_t(c.head_dim), kv_dim = size_t(c.n_head_kv) * size_t(c.head_dim);
        x.resize(nb * size_t(c.n_embd));
        h.resize(nb * size_t(std::max<size_t>(size_t(c.n_embd), q_dim)));
        q.resize(nb * q_dim);
        att.resize(nb * q_dim);
        k.resize(nb * kv_dim);
        v.resize(nb * kv_dim);
        gate.resize(nb * size_t(c.n_ff));
        up.resize(nb * size_t(c.n_ff));
        logits.resize(size_t(c.n_vocab));
        att_scratch.resize(size_t(opt.n_threads));
        const TensorType k_dot = type_traits(opt.cache_type_k).vec_dot_type;
        for (auto& s : att_scratch) {
            s.scores.resize(size_t(opt.n_ctx));
            s.q_cache.resize(row_bytes(k_dot, c.head_dim));
            s.v_row.resize(size_t(c.head_dim));
            s.v_lanes.resize(size_t(c.head_dim) * 64);
            s.v_rest.resize(size_t(c.head_dim));
            s.v_sum.resize(size_t(c.head_dim));
        }
    }

    static SessionOptions resolve(SessionOptions o, const ModelConfig& c) {
        if (o.n_ctx <= 0) o.n_ctx = std::min(c.n_ctx_train, 4096);
        if (o.n_ctx > (1 << 22)) throw Error("context size " + std::to_string(o.n_ctx) + " is too large");
        if (o.n_batch <= 0) throw Error("batch size must be positive");
        o.n_batch = std::min(o.n_batch, o.n_ctx);
        if (o.n_threads <= 0) o.n_threads = default_thread_count();
        o.n_threads = std::min(o.n_threads, 256);
        if (!o.isa) o.isa = default_isa();
        return o;
    }

    void matmul(const ops::WeightView& wv, const float* in, int n, float* out) {
        ops::matmul(ks, wv, in, n, out, wv.rows, act, opt.n_threads);
        if (!lora_of.empty())
            if (const auto it = lora_of.find(&wv); it != lora_of.end())
                for (const auto& [pair, factor] : it->second) apply_lora(*pair, factor, in, n, out);
    }

    // out[t] += factor * B (A in[t]), in float, in the reference's order:
    // the low-rank product first, then the scale.
    void apply_lora(const LoraAdapter::Pair& p, float factor, const float* in, int n, float* out) {
        lora_tmp.resize(size_t(p.rank));
        for (int t = 0; t < n; ++t) {
            const float* x = in + size_t(t) * size_t(p.n_in);
            float* y = out + size_t(t) * size_t(p.n_out);
            for (int64_t j = 0; j < p.rank; ++j) {
                const float* a = p.a.data() + size_t(j) * size_t(p.n_in);
                float s = 0.f;
                for (int64_t i = 0; i < p.n_in; ++i) s += a[i] * x[i];
                lora_tmp[size_t(j)] = s;
            }
#pragma omp parallel for num_threads(opt.n_threads) schedule(static) if (opt.n_threads > 1 && p.n_out >= 1024)
            for (int64_t o = 0; o < p.n_out; ++o) {
                const float* b = p.b.data() + size_t(o) * size_t(p.rank);
                float s = 0.f;
                for (int64_t j = 0; j < p.rank; ++j) s += b[j] * lora_tmp[size_t(j)];
                y[o] += s * factor;
            }
        }
    }

    void attach(std::vector<AttachedLora> list) {
        std::vector<const ops::WeightView*> views = {&w.output};
        for (const auto& lw : w.layers)
            for (const auto* v : {&lw.wq, &lw.wk, &lw.wv, &lw.wo, &lw.ffn_gate, &lw.ffn_up, &lw.ffn_down}) views.push_back(v);
        decltype(lora_of) resolved;
        for (const auto& l : list) {
            if (!l.adapter) throw Error("set_loras: empty adapter");
            size_t used = 0;
            for (const auto* v : views)
                if (const auto* pair = l.adapter->find(v->name)) {
                    if (pair->n_in != v->cols || pair->n_out != v->rows)
                        throw Error(l.adapter->path() + ": adapter does not fit this model's '" + v->name + "'");
                    resolved[v].emplace_back(pair, l.adapter->factor(*pair, l.scale));
                    ++used;
                }
            if (used != l.adapter->pairs().size())
                throw Error(l.adapter->path() + ": adapter has tensors this model does not use");
        }
        loras = std::move(list);
        lora_of = std::move(resolved);
    }


    void embed(std::span<const int32_t> tokens) {
        const auto dequant = type_traits(w.token_embd.type).dequantize;
        for (size_t t = 0; t < tokens.size(); ++t)
            dequant(w.token_embd.row(tokens[t]), x.data() + t * size_t(c.n_embd), c.n_embd);
    }

    // f(t) for every token of a batch, tokens split across threads: the
    // element-wise steps are per token, so any split gives the same bits.
    template <class F>
    void for_tokens(int n, F&& f) {
#pragma omp parallel for num_threads(opt.n_threads) schedule(static) if (opt.n_threads > 1 && n > 1)
        for (int t = 0; t < n; ++t) f(t);
    }

    void add_residual(int n) {
        const size_t E = size_t(c.n_embd);
        for_tokens(n, [&](int t) {
            for (size_t i = size_t(t) * E; i < size_t(t + 1) * E; ++i) x[i] += h[i];
        });
    }

    void attention_block(const LayerWeights& lw, int layer, int n, int pos0) {
        const int E = c.n_embd, HD = c.head_dim;
        const int q_dim = c.n_head * HD, kv_dim = c.n_head_kv * HD;
        for_tokens(n, [&](int t) {
            ops::rms_norm(&x[size_t(t) * E], lw.attn_norm.data(), &h[size_t(t) * E], E, c.rms_eps);
        });
        matmul(lw.wq, h.data(), n, q.data());
        matmul(lw.wk, h.data(), n, k.data());
        matmul(lw.wv, h.data(), n, v.data());
        for_tokens(n, [&](int t) {
            float* qt = &q[size_t(t) * q_dim];
            float* kt = &k[size_t(t) * kv_dim];
            float* vt = &v[size_t(t) * kv_dim];
            if (c.qkv_bias) {
                for (int i = 0; i < q_dim; ++i) qt[i] += lw.bq[size_t(i)];
                for (int i = 0; i < kv_dim; ++i) kt[i] += lw.bk[size_t(i)];
                for (int i = 0; i < kv_dim; ++i) vt[i] += lw.bv[size_t(i)];
            }
            for (int hd = 0; hd < c.n_head; ++hd) {
                if (c.qk_norm) ops::rms_norm(qt + hd * HD, lw.q_norm.data(), qt + hd * HD, HD, c.rms_eps);
                rope.apply(qt + hd * HD, pos0 + t);
            }
            for (int hd = 0; hd < c.n_head_kv; ++hd) {
                if (c.qk_norm) ops::rms_norm(kt + hd * HD, lw.k_norm.data(), kt + hd * HD, HD, c.rms_eps);
                rope.apply(kt + hd * HD, pos0 + t);
            }
            cache.store(layer, pos0 + t, kt, vt);
        });
        // Each (token, head) pair is independent; token t sees positions <= pos0 + t,
        // so its cost grows with t: pairs are dealt out round-robin to balance threads.
        const int group = c.n_head / c.n_head_kv;
        const float scale = 1.0f / std::sqrt(float(HD));
        const int pairs = n * c.n_head;
#pragma omp parallel for num_threads(opt.n_threads) schedule(static, 1) if (opt.n_threads > 1 && pairs > 1)
        for (int i = 0; i < pairs; ++i) {
            const int t = i / c.n_head, hd = i % c.n_head;
            int thread = 0;
#ifdef _OPENMP
            thread = omp_get_thread_num();
#endif
            ops::attend(ks, cache, layer, hd / group, &q[size_t(t) * q_dim + size_t(hd) * HD], pos0 + t + 1, HD,
                        scale, att_scratch[size_t(thread)], &att[size_t(t) * q_dim + size_t(hd) * HD]);
        }
        matmul(lw.wo, att.data(), n, h.data());
        add_residual(n);
    }

    void ffn_block(const LayerWeights& lw, int n) {
        const int E = c.n_embd, F = c.n_ff;
        for_tokens(n, [&](int t) {
            ops::rms_norm(&x[size_t(t) * E], lw.ffn_norm.data(), &h[size_t(t) * E], E, c.rms_eps);
        });
        matmul(lw.ffn_gate, h.data(), n, gate.data());
        matmul(lw.ffn_up, h.data(), n, up.data());
        for_tokens(n, [&](int t) { ops::swiglu(&gate[size_t(t) * F], &up[size_t(t) * F], F); });
        matmul(lw.ffn_down, gate.data(), n, h.data());
        add_residual(n);
    }

    // Runs one batch; writes logits of tokens [first_out, n) to `out`.
    void forward(std::span<const int32_t> tokens, int pos0, int first_out, float* out) {
        const int n = int(tokens.size());
        embed(tokens);
        for (int l = 0; l < c.n_layer; ++l) {
            attention_block(w.layers[size_t(l)], l, n, pos0);
            ffn_block(w.layers[size_t(l)], n);
        }
        const int n_out = n - first_out;
        if (n_out <= 0) return;
        const int E = c.n_embd;
        for (int t = 0; t < n_out; ++t)
            ops::rms_norm(&x[size_t(first_out + t) * E], w.output_norm.data(), &h[size_t(t) * E], E, c.rms_eps);
        matmul(w.output, h.data(), n_out, out);
    }
};

Session::Session(std::shared_ptr<const Model> model, SessionOptions options) {
    if (!model) throw Error("Session needs a model");
    check_session_memory(*model, SessionImpl::resolve(options, model->config()));
    impl_ = std::make_unique<SessionImpl>(std::move(model), options);
}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

std::span<const float> Session::eval(std::span<const int32_t> tokens, bool all_logits) {
    SessionImpl& s = *impl_;
    const int n = int(tokens.size());
    if (n == 0) throw Error("eval: no tokens given");
    if (int64_t(s.n_past) + n > s.opt.n_ctx)
        throw Error("context full: " + std::to_string(n) + " new tokens do not fit (" + std::to_string(s.n_past) +
                    " of " + std::to_string(s.opt.n_ctx) + " positions used)");
    for (int32_t t : tokens)
        if (t < 0 || t >= s.c.n_vocab)
            throw Error("token id " + std::to_string(t) + " is outside the vocabulary (0.." +
                        std::to_string(s.c.n_vocab - 1) + ")");
    const size_t V = size_t(s.c.n_vocab);
    const size_t n_logits = all_logits ? size_t(n) : 1;
    if (s.logits.size() < n_logits * V) s.logits.resize(n_logits * V);
    const int n_past0 = s.n_past;
    for (int start = 0; start < n; start += s.opt.n_batch) {
        if (s.should_abort && s.should_abort()) {
            s.n_past = n_past0;  // positions past it are overwritten by the next eval
            throw Interrupted("interrupted after " + std::to_string(start) + " of " + std::to_string(n) +
                              " tokens (nothing was kept)");
        }
        const int len = std::min(s.opt.n_batch, n - start);
        const bool last_batch = start + len == n;
        const int first_out = all_logits ? 0 : (last_batch ? len - 1 : len);
        float* out = s.logits.data() + (all_logits ? size_t(start) * V : 0);
        s.forward(tokens.subspan(size_t(start), size_t(len)), s.n_past, first_out, out);
        s.n_past += len;
    }
    return {s.logits.data(), n_logits * V};
}

int Session::position() const { return impl_->n_past; }
int Session::context_size() const { return impl_->opt.n_ctx; }
void Session::reset() { impl_->n_past = 0; }

void Session::shift_context(int n_keep, int n_discard) {
    SessionImpl& s = *impl_;
    if (n_keep < 0 || n_discard <= 0 || n_keep + n_discard > s.n_past)
        throw Error("shift_context: cannot keep " + std::to_string(n_keep) + " and discard " +
                    std::to_string(n_discard) + " of " + std::to_string(s.n_past) + " tokens");
    s.cache.shift(n_keep, n_discard, s.n_past, s.rope);
    s.n_past -= n_discard;
}

void Session::set_loras(std::vector<AttachedLora> loras) { impl_->attach(std::move(loras)); }
const std::vector<AttachedLora>& Session::loras() const { return impl_->loras; }

void Session::set_abort_callback(std::function<bool()> f) { impl_->should_abort = std::move(f); }

const Model& Session::model() const { return *impl_->model; }
const SessionOptions& Session::options() const { return impl_->opt; }
Isa Session::isa() const { return impl_->ks.isa; }
uint64_t Session::kv_cache_bytes() const { return impl_->cache.bytes(); }

uint64_t Session::scratch_bytes() const {
    const SessionImpl& s = *impl_;
    uint64_t b = 0;
    for (const auto* v : {&s.x, &s.h, &s.q, &s.k, &s.v, &s.att, &s.gate, &s.up, &s.logits}) b += v->size() * 4;
    b += s.act.size();
    for (const auto& a : s.att_scratch) b += a.scores.size() * 4 + a.q_cache.size() + a.v_row.size() * 4;
    return b;
}

}  // namespace lumen

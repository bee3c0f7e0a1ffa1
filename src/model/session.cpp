// The forward pass. Per batch of tokens:
//   x = embed(tokens) [* embd_scale]
//   for each layer:
//       h = rms_norm(x) * attn_norm
//       q, k, v = Wq h (+bq), Wk h (+bk), Wv h (+bv)       [qk_norm: per-head norms; fused_qkv: one matrix]
//       q, k = rope(q, pos), rope(k, pos); cache <- k, v
//       x += Wo attention(q, cache)                        (GQA: head h reads KV head h / group;
//                                                           [soft-capped scores, sliding window])
//       h = rms_norm(x) * ffn_norm                          [post_norms: block outputs normed;
//       x += W_down (act(W_gate h) * W_up h)                 residual_scale: scaled before adding]
//   logits = W_out (rms_norm(x) * output_norm)              [/ logit_scale, final soft-cap]
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
#include "ops/parallel.hpp"

namespace lumen {

struct SessionImpl {
    std::shared_ptr<const Model> model;
    const ModelConfig& c;
    const ModelWeights& w;
    SessionOptions opt;
    const kernels::KernelSet& ks;
    KvCache cache;
    ops::Rope rope;
    ops::ThreadPool pool;  // opt.n_threads threads: this one and the workers
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
    // The session and position of each row of the batch being run: all this
    // session's for eval(), several sessions' for eval_batch().
    struct Row {
        SessionImpl* owner;
        int pos;
        // The owner runs 2+ tokens in this call: the reference sums float
        // weights and attention in its prompt-GEMM order then (ops::matmul).
        bool batch = false;
    };
    std::vector<uint8_t> row_batch;  // rows[t].batch, as ops::matmul takes it
    std::vector<Row> rows;
    std::function<bool()> should_abort;
    Session::MatmulObserver matmul_observer;

    SessionImpl(std::shared_ptr<const Model> m, SessionOptions o)
        : model(std::move(m)), c(model->config()), w(model->weights()), opt(resolve(o, c)),
          ks(kernels::kernel_set(opt.isa.value())),
          cache(c, opt.n_ctx, opt.cache_type_k, opt.cache_type_v), rope(c, rope_factors(w, c, opt.n_ctx)),
          pool(opt.n_threads) {
        const size_t nb = size_t(opt.n_batch);
        const size_t q_dim = size_t(c.n_head) * size_t(c.head_dim), kv_dim = size_t(c.n_head_kv) * size_t(c.head_dim);
        x.resize(nb * size_t(c.n_embd));
        h.resize(nb * size_t(std::max<size_t>(size_t(c.n_embd), q_dim)));
        q.resize(nb * q_dim);
        att.resize(nb * (c.fused_qkv ? q_dim + 2 * kv_dim : q_dim));  // fused_qkv: also holds [q | k | v]
        k.resize(nb * kv_dim);
        v.resize(nb * kv_dim);
        gate.resize(nb * size_t(c.n_ff) * (c.fused_up ? 2 : 1));  // fused_up: also holds [gate | up]
        up.resize(nb * size_t(c.n_ff));
        logits.resize(size_t(c.n_vocab));
        att_scratch.resize(size_t(opt.n_threads));
        const TensorType k_dot = type_traits(opt.cache_type_k).vec_dot_type;
        const size_t group = size_t(c.n_head / c.n_head_kv);
        for (auto& s : att_scratch) {
            s.scores.resize(group * size_t(opt.n_ctx));
            s.q_cache.resize(group * row_bytes(k_dot, c.head_dim));
            s.inv.resize(group);
            s.v_row.resize(size_t(c.head_dim));
            s.v_lanes.resize(group * size_t(c.head_dim) * 64);
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

    void matmul(const ops::WeightView& wv, const float* in, int n, float* out) { matmuls({{&wv, out}}, in, n); }

    // out_i = W_i in for matrices that share their input (Q, K, V; gate, up):
    // one parallel step where ops::matmul_shared_input can, then each row's
    // session's adapters.
    void matmuls(std::initializer_list<std::pair<const ops::WeightView*, float*>> list, const float* in, int n) {
        ops::MatmulOutput outs[4];
        if (list.size() > std::size(outs)) throw Error("internal: too many matrices in one step");
        size_t count = 0;
        for (const auto& [wv, out] : list) {
            if (matmul_observer) matmul_observer(wv->name, in, n, wv->cols);
            outs[count++] = {wv, out, wv->rows};
        }
        row_batch.resize(size_t(n));
        for (int t = 0; t < n; ++t) row_batch[size_t(t)] = rows[size_t(t)].batch;
        ops::matmul_shared_input(ks, {outs, count}, in, n, act, pool, row_batch.data());
        for (const auto& [wv, out] : list) add_loras(*wv, in, n, out);
    }

    // Each row gets its own session's adapters (runs of rows share an owner).
    void add_loras(const ops::WeightView& wv, const float* in, int n, float* out) {
        for (int t0 = 0, t1; t0 < n; t0 = t1) {
            const SessionImpl* owner = rows[size_t(t0)].owner;
            for (t1 = t0 + 1; t1 < n && rows[size_t(t1)].owner == owner;) ++t1;
            if (owner->lora_of.empty()) continue;
            if (const auto it = owner->lora_of.find(&wv); it != owner->lora_of.end())
                for (const auto& [pair, factor] : it->second)
                    apply_lora(*pair, factor, in + size_t(t0) * size_t(wv.cols), t1 - t0, out + size_t(t0) * size_t(wv.rows));
        }
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
            ops::parallel_for(pool, p.n_out, [&](int64_t o) {
                const float* b = p.b.data() + size_t(o) * size_t(p.rank);
                float s = 0.f;
                for (int64_t j = 0; j < p.rank; ++j) s += b[j] * lora_tmp[size_t(j)];
                y[o] += s * factor;
            }, p.n_out >= 1024 ? 0 : 1);
        }
    }

    void attach(std::vector<AttachedLora> list) {
        std::vector<const ops::WeightView*> views = {&w.output};
        for (const auto& lw : w.layers)
            for (const auto* v : layer_matrices(lw))
                if (v->data != nullptr) views.push_back(v);
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
        if (c.embd_scale != 1.f)
            for (size_t i = 0; i < tokens.size() * size_t(c.n_embd); ++i) x[i] *= c.embd_scale;
    }

    // Query heads per attention unit for one token: the largest divisor of the
    // group that splits as evenly over the threads as single heads would.
    int heads_per_unit(int group) const {
        const int threads = opt.n_threads, even = (c.n_head + threads - 1) / threads;
        for (int d = group; d > 1; --d) {
            const int units = c.n_head_kv * (group / d);
            if (group % d == 0 && (units + threads - 1) / threads * d <= even) return d;
        }
        return 1;
    }

    // f(t) for every token of a batch, tokens split across threads: the
    // element-wise steps are per token, so any split gives the same bits.
    template <class F>
    void for_tokens(int n, F&& f) {
        ops::parallel_for(pool, n, [&](int64_t t) { f(int(t)); });
    }

    // x += h, where h is a block's output: first normed by `post_norm` (when the
    // family has post norms) and scaled by the residual scale (granite).
    void add_residual(int n, const std::vector<float>& post_norm) {
        const size_t E = size_t(c.n_embd);
        for_tokens(n, [&](int t) {
            float* ht = &h[size_t(t) * E];
            if (c.post_norms) ops::rms_norm(ht, post_norm.data(), ht, int(E), c.rms_eps);
            if (c.residual_scale != 1.f)
                for (size_t i = 0; i < E; ++i) ht[i] *= c.residual_scale;
            for (size_t i = size_t(t) * E; i < size_t(t + 1) * E; ++i) x[i] += h[i];
        });
    }

    // Splits rows of a fused matmul output `src` ([n x (a + b + c)]) into [n x a], [n x b], [n x c].
    void split_rows(const float* src, int n, std::initializer_list<std::pair<float*, int>> parts) {
        int width = 0;
        for (const auto& p : parts) width += p.second;
        for_tokens(n, [&](int t) {
            const float* row = src + size_t(t) * size_t(width);
            for (const auto& [dst, len] : parts) {
                std::memmove(dst + size_t(t) * size_t(len), row, size_t(len) * sizeof(float));
                row += len;
            }
        });
    }

    void attention_block(const LayerWeights& lw, int layer, int n) {
        const int E = c.n_embd, HD = c.head_dim;
        const int q_dim = c.n_head * HD, kv_dim = c.n_head_kv * HD;
        for_tokens(n, [&](int t) {
            ops::rms_norm(&x[size_t(t) * E], lw.attn_norm.data(), &h[size_t(t) * E], E, c.rms_eps);
        });
        if (c.fused_qkv) {
            matmul(lw.wqkv, h.data(), n, att.data());
            split_rows(att.data(), n, {{q.data(), q_dim}, {k.data(), kv_dim}, {v.data(), kv_dim}});
        } else {
            matmuls({{&lw.wq, q.data()}, {&lw.wk, k.data()}, {&lw.wv, v.data()}}, h.data(), n);
        }
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
                rope.apply(qt + hd * HD, rows[size_t(t)].pos);
            }
            if (c.q_prescale)
                for (int i = 0; i < q_dim; ++i) qt[i] *= c.attn_scale;
            for (int hd = 0; hd < c.n_head_kv; ++hd) {
                if (c.qk_norm) ops::rms_norm(kt + hd * HD, lw.k_norm.data(), kt + hd * HD, HD, c.rms_eps);
                rope.apply(kt + hd * HD, rows[size_t(t)].pos);
            }
            rows[size_t(t)].owner->cache.store(layer, rows[size_t(t)].pos, kt, vt);
        });
        // Work units: a token's query heads that share a KV head, attended together
        // (each key and V row read once for them), or runs of them when that
        // balances the threads better for one token. Units are independent. In a
        // batch, token t sees positions <= its own, so its cost grows with t: units
        // are dealt out round-robin. One token's units cost the same: each thread
        // takes a contiguous run, so a KV head's keys and values go to one core's L2.
        const int group = c.n_head / c.n_head_kv;
        const int per = n == 1 ? heads_per_unit(group) : group;
        const int runs = group / per, units = n * c.n_head_kv * runs;
        const float scale = c.q_prescale ? 1.0f : c.attn_scale;
        const bool windowed = c.swa == SlidingWindow::all_layers || (c.swa == SlidingWindow::even_layers && layer % 2 == 0);
        auto attend_unit = [&](int64_t unit, int thread) {
            const int i = int(unit);
            const int t = i / (c.n_head_kv * runs), r = i % (c.n_head_kv * runs);
            const int kv = r / runs, hd = kv * group + (r % runs) * per;
            const Row& row = rows[size_t(t)];
            const int n_pos = row.pos + 1;
            const ops::AttendSpan span{n_pos, windowed ? std::max(0, n_pos - c.n_swa) : 0, scale, c.attn_softcap, row.batch};
            ops::attend(ks, row.owner->cache, layer, kv, &q[size_t(t) * q_dim + size_t(hd) * HD], per, span, HD,
                        att_scratch[size_t(thread)], &att[size_t(t) * q_dim + size_t(hd) * HD]);
        };
        if (n == 1)
            ops::parallel_for(pool, units, attend_unit);
        else
            ops::parallel_for_round_robin(pool, units, attend_unit);
        matmul(lw.wo, att.data(), n, h.data());
        add_residual(n, lw.post_attn_norm);
    }

    void ffn_block(const LayerWeights& lw, int n) {
        const int E = c.n_embd, F = c.n_ff;
        for_tokens(n, [&](int t) {
            ops::rms_norm(&x[size_t(t) * E], lw.ffn_norm.data(), &h[size_t(t) * E], E, c.rms_eps);
        });
        if (c.fused_up) {
            matmul(lw.ffn_up, h.data(), n, gate.data());
            for_tokens(n, [&](int t) {  // the up halves out first, then the gate halves moved down in order
                std::memcpy(&up[size_t(t) * F], &gate[size_t(t) * 2 * F + F], size_t(F) * sizeof(float));
            });
            for (int t = 1; t < n; ++t)
                std::memmove(&gate[size_t(t) * F], &gate[size_t(t) * 2 * F], size_t(F) * sizeof(float));
        } else {
            matmuls({{&lw.ffn_gate, gate.data()}, {&lw.ffn_up, up.data()}}, h.data(), n);
        }
        const auto act = c.ffn_act == FfnActivation::gelu ? ops::geglu : ks.silu_mul;
        for_tokens(n, [&](int t) { act(&gate[size_t(t) * F], &up[size_t(t) * F], F); });
        matmul(lw.ffn_down, gate.data(), n, h.data());
        add_residual(n, lw.post_ffn_norm);
    }

    // Embeds `tokens` and runs every layer over them; `rows` says whose each is.
    void run_layers(std::span<const int32_t> tokens) {
        const int n = int(tokens.size());
        embed(tokens);
        for (int l = 0; l < c.n_layer; ++l) {
            attention_block(w.layers[size_t(l)], l, n);
            ffn_block(w.layers[size_t(l)], n);
        }
    }

    // Runs one batch; writes logits of tokens [first_out, n) to `out`.
    void forward(std::span<const int32_t> tokens, int pos0, int first_out, float* out) {
        const int n = int(tokens.size());
        rows.resize(size_t(n));
        for (int t = 0; t < n; ++t) rows[size_t(t)] = {this, pos0 + t, n > 1};
        run_layers(tokens);
        const int n_out = n - first_out;
        if (n_out <= 0) return;
        for (int t = 0; t < n_out; ++t) rows[size_t(t)].batch = n_out > 1;  // the output rows alone
        const int E = c.n_embd;
        for (int t = 0; t < n_out; ++t)
            ops::rms_norm(&x[size_t(first_out + t) * E], w.output_norm.data(), &h[size_t(t) * E], E, c.rms_eps);
        output_logits(n_out, out);
    }

    // logits = W_out h for the first n_out rows of h (already normed), then the
    // family's logit scale (granite) and final soft-cap (gemma2).
    void output_logits(int n_out, float* out) {
        matmul(w.output, h.data(), n_out, out);
        const size_t V = size_t(c.n_vocab);
        if (c.logit_scale != 1.f) {
            const float inv = 1.0f / c.logit_scale;
            for (size_t i = 0; i < size_t(n_out) * V; ++i) out[i] *= inv;
        }
        if (c.final_softcap > 0.f) for_tokens(n_out, [&](int t) { ops::soft_cap(out + size_t(t) * V, int64_t(V), c.final_softcap); });
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

std::span<const float> Session::eval_batch(std::span<const BatchItem> items) {
    SessionImpl& r = *impl_;
    if (items.empty()) throw Error("eval_batch: no items given");
    size_t n = 0;
    std::set<const Session*> seen;
    for (const BatchItem& it : items) {
        if (it.session == nullptr || it.tokens.empty()) throw Error("eval_batch: an item has no session or no tokens");
        const SessionImpl& s = *it.session->impl_;
        if (!seen.insert(it.session).second) throw Error("eval_batch: a session appears twice");
        if (s.model != r.model || &s.ks != &r.ks || s.opt.cache_type_k != r.opt.cache_type_k ||
            s.opt.n_ctx > r.opt.n_ctx)
            throw Error("eval_batch: sessions differ in model, kernels, cache type or exceed the runner's context");
        if (int64_t(s.n_past) + int64_t(it.tokens.size()) > s.opt.n_ctx) throw Error("eval_batch: context full");
        for (int32_t t : it.tokens)
            if (t < 0 || t >= r.c.n_vocab) throw Error("token id " + std::to_string(t) + " is outside the vocabulary");
        n += it.tokens.size();
    }
    if (n > size_t(r.opt.n_batch))
        throw Error("eval_batch: " + std::to_string(n) + " tokens exceed the batch size " + std::to_string(r.opt.n_batch));
    std::vector<int32_t> tokens;
    tokens.reserve(n);
    r.rows.clear();
    for (const BatchItem& it : items) {
        SessionImpl* s = it.session->impl_.get();
        for (size_t i = 0; i < it.tokens.size(); ++i) r.rows.push_back({s, s->n_past + int(i), it.tokens.size() > 1});
        tokens.insert(tokens.end(), it.tokens.begin(), it.tokens.end());
    }
    r.run_layers(tokens);
    // Logits of each item's last row, in item order.
    const size_t V = size_t(r.c.n_vocab), E = size_t(r.c.n_embd);
    if (r.logits.size() < items.size() * V) r.logits.resize(items.size() * V);
    size_t last = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        last += items[i].tokens.size();
        ops::rms_norm(&r.x[(last - 1) * E], r.w.output_norm.data(), &r.h[i * E], int(E), r.c.rms_eps);
        items[i].session->impl_->n_past += int(items[i].tokens.size());
    }
    // Output row i is item i's last token, with item i's adapters.
    r.rows.clear();
    for (const BatchItem& it : items) r.rows.push_back({it.session->impl_.get(), it.session->impl_->n_past - 1, false});
    r.output_logits(int(items.size()), r.logits.data());
    return {r.logits.data(), items.size() * V};
}

int Session::position() const { return impl_->n_past; }
int Session::context_size() const { return impl_->opt.n_ctx; }
void Session::reset() { impl_->n_past = 0; }

void Session::truncate(int n_keep) {
    if (n_keep < 0 || n_keep > impl_->n_past)
        throw Error("truncate: cannot keep " + std::to_string(n_keep) + " of " + std::to_string(impl_->n_past) + " tokens");
    impl_->n_past = n_keep;
}

void Session::shift_context(int n_keep, int n_discard) {
    SessionImpl& s = *impl_;
    if (n_keep < 0 || n_discard <= 0 || n_keep + n_discard > s.n_past)
        throw Error("shift_context: cannot keep " + std::to_string(n_keep) + " and discard " +
                    std::to_string(n_discard) + " of " + std::to_string(s.n_past) + " tokens");
    s.cache.shift(n_keep, n_discard, s.n_past, s.rope);
    s.n_past -= n_discard;
}

std::vector<std::byte> Session::save_state() const { return impl_->cache.snapshot(impl_->n_past); }
void Session::load_state(std::span<const std::byte> state) { impl_->n_past = impl_->cache.restore(state); }

void Session::set_loras(std::vector<AttachedLora> loras) { impl_->attach(std::move(loras)); }
const std::vector<AttachedLora>& Session::loras() const { return impl_->loras; }

void Session::set_abort_callback(std::function<bool()> f) { impl_->should_abort = std::move(f); }
void Session::set_matmul_observer(MatmulObserver f) { impl_->matmul_observer = std::move(f); }

const Model& Session::model() const { return *impl_->model; }
const SessionOptions& Session::options() const { return impl_->opt; }
Isa Session::isa() const { return impl_->ks.isa; }
uint64_t Session::kv_cache_bytes() const { return impl_->cache.bytes(); }

uint64_t Session::scratch_bytes() const {
    const SessionImpl& s = *impl_;
    uint64_t b = 0;
    for (const auto* v : {&s.x, &s.h, &s.q, &s.k, &s.v, &s.att, &s.gate, &s.up, &s.logits}) b += v->size() * 4;
    b += s.act.size();
    for (const auto& a : s.att_scratch)
        b += (a.scores.size() + a.v_row.size() + a.v_lanes.size()) * 4 + a.q_cache.size();
    return b;
}

}  // namespace lumen

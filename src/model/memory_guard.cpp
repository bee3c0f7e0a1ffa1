#include "model/memory_guard.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lumen/error.hpp"
#include "lumen/tensor_type.hpp"
#include "platform/memory.hpp"

namespace lumen {

namespace {

std::string human(uint64_t bytes) {
    char buf[32];
    const double b = double(bytes);
    if (b >= 1024.0 * 1024.0 * 1024.0) std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024.0 * 1024.0));
    else std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024.0));
    return buf;
}

// The largest context (<= limit) whose session fits in `available`, or 0.
int largest_fitting_ctx(const Model& m, SessionOptions o, uint64_t available, int limit) {
    int lo = 0, hi = limit;
    while (lo < hi) {
        const int mid = lo + (hi - lo + 1) / 2;
        o.n_ctx = mid;
        o.n_batch = std::min(o.n_batch, mid);
        if (session_memory(m, o).total() <= available) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

}  // namespace

SessionMemory session_memory(const Model& m, const SessionOptions& o) {
    const ModelConfig& c = m.config();
    SessionMemory need;
    const LoadOptions& lo = m.load_options();
    if (lo.mmap && !lo.mlock) need.model = m.weight_bytes();  // else already allocated at load
    const uint64_t ctx = uint64_t(o.n_ctx), rows = uint64_t(c.n_layer) * ctx * uint64_t(c.n_head_kv);
    // Rounded up to whole blocks: a head size the cache type cannot hold is the KV cache's error to report.
    const auto head_bytes = [&](TensorType t) {
        const TypeTraits& tt = type_traits(t);
        return uint64_t((c.head_dim + tt.block_size - 1) / tt.block_size) * uint64_t(tt.block_bytes);
    };
    need.kv = rows * (head_bytes(o.cache_type_k) + head_bytes(o.cache_type_v));
    // The session's buffers (see SessionImpl), in floats: [n_batch x width] activations,
    // one row of logits, and per thread the attention scores plus head-sized rows.
    const uint64_t nb = uint64_t(o.n_batch), E = uint64_t(c.n_embd), F = uint64_t(c.n_ff);
    const uint64_t qd = uint64_t(c.n_head) * uint64_t(c.head_dim), kvd = uint64_t(c.n_head_kv) * uint64_t(c.head_dim);
    const uint64_t widest = std::max({E, F, qd});
    uint64_t floats = nb * (E + std::max(E, qd) + 2 * qd + 2 * kvd + 2 * F) + uint64_t(c.n_vocab);
    floats += uint64_t(o.n_threads) * (ctx + 70 * uint64_t(c.head_dim));
    need.scratch = floats * 4 + nb * widest * 4;  // + quantized activations (at most 4 bytes a value)
    return need;
}

uint64_t available_memory() {
    if (const char* fake = std::getenv("LUMEN_FAKE_AVAILABLE_MEMORY"); fake && *fake) {
        char* end = nullptr;
        uint64_t v = std::strtoull(fake, &end, 10);
        switch (end ? *end : '\0') {
            case 'G': case 'g': v <<= 30; break;
            case 'M': case 'm': v <<= 20; break;
            case 'K': case 'k': v <<= 10; break;
            default: break;
        }
        return v;
    }
    return platform::available_memory_bytes();
}

void check_session_memory(const Model& m, const SessionOptions& o) { check_session_memory(m, o, available_memory()); }

void check_file_fits_in_memory(const std::string& label, uint64_t size, FileResidence residence) {
    if (residence == FileResidence::mapped) return;
    const uint64_t available = available_memory();
    if (size <= available) return;
    throw Error(label + ": " + human(size) + " cannot be " +
                (residence == FileResidence::copied ? "read into memory (--no-mmap)" : "locked in memory (--mlock)") +
                ": only " + human(available) + " is available");
}

void check_session_memory(const Model& m, const SessionOptions& o, uint64_t available) {
    const SessionMemory need = session_memory(m, o);
    if (need.total() <= available) return;
    std::string msg = "not enough memory for a " + std::to_string(o.n_ctx) + "-token context: it needs " +
                      human(need.total()) + " (KV cache " + human(need.kv) + ", model " + human(need.model) +
                      ", scratch " + human(need.scratch) + ") but " + human(available) + " is available";
    const int fits = largest_fitting_ctx(m, o, available, o.n_ctx);
    if (fits > 0) msg += "; the largest context that fits is -c " + std::to_string(fits);
    else msg += "; no context fits: use a smaller model";
    const bool q8_already = o.cache_type_k == TensorType::Q8_0 && o.cache_type_v == TensorType::Q8_0;
    const bool q8_possible = m.config().head_dim % type_traits(TensorType::Q8_0).block_size == 0;
    if (!q8_already && q8_possible) {
        SessionOptions q8 = o;
        q8.cache_type_k = q8.cache_type_v = TensorType::Q8_0;
        if (session_memory(m, q8).total() <= available)
            msg += "; a q8_0 cache (-ctk q8_0 -ctv q8_0) would fit at -c " + std::to_string(o.n_ctx);
        else if (const int q8_fits = largest_fitting_ctx(m, q8, available, o.n_ctx); q8_fits > fits)
            msg += " (-c " + std::to_string(q8_fits) + " with -ctk q8_0 -ctv q8_0)";
    }
    throw Error(msg);
}

}  // namespace lumen

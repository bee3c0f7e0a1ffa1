// KV cache snapshots: the state a session needs to resume a conversation
// (e.g. after the app was killed). Layout, all little-endian as in memory:
//   header  {magic "LMKV", version, n_layer, n_head_kv, head_dim, k_type, v_type, n_used}  (8 x u32)
//   then for each layer: keys of positions [0, n_used), then values of positions [0, n_used),
//   each position's heads side by side ([pos][kv_head][head_dim]: the file keeps this
//   order whatever the in-memory layout, kv_cache.hpp)
#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "lumen/error.hpp"
#include "model/kv_cache.hpp"

namespace lumen {

namespace {
constexpr uint32_t kMagic = 0x564B4D4C;  // "LMKV"
constexpr uint32_t kVersion = 1;
using Header = std::array<uint32_t, 8>;
}  // namespace

std::vector<std::byte> KvCache::snapshot(int n_used) const {
    const Header h = {kMagic, kVersion, uint32_t(n_layer_), uint32_t(n_head_kv_), uint32_t(head_dim_),
                      uint32_t(k_type_), uint32_t(v_type_), uint32_t(n_used)};
    const size_t k_bytes = size_t(n_used) * size_t(n_head_kv_) * k_row_;
    const size_t v_bytes = size_t(n_used) * size_t(n_head_kv_) * v_row_;
    std::vector<std::byte> out(sizeof h + size_t(n_layer_) * (k_bytes + v_bytes));
    std::memcpy(out.data(), h.data(), sizeof h);
    std::byte* p = out.data() + sizeof h;
    for (int l = 0; l < n_layer_; ++l)
        for (const auto& [rows, row] : {std::pair{&k_, k_row_}, std::pair{&v_, v_row_}})
            for (int pos = 0; pos < n_used; ++pos)
                for (int kv = 0; kv < n_head_kv_; ++kv, p += row) std::memcpy(p, rows->data() + offset(l, pos, kv, row), row);
    return out;
}

int KvCache::restore(std::span<const std::byte> state) {
    Header h{};
    if (state.size() < sizeof h) throw Error("session state: " + std::to_string(state.size()) + " bytes is too short");
    std::memcpy(h.data(), state.data(), sizeof h);
    if (h[0] != kMagic) throw Error("session state: not a lumen session state (bad magic)");
    if (h[1] != kVersion) throw Error("session state: unsupported version " + std::to_string(h[1]));
    const Header mine = {kMagic, kVersion, uint32_t(n_layer_), uint32_t(n_head_kv_), uint32_t(head_dim_),
                         uint32_t(k_type_), uint32_t(v_type_), h[7]};
    if (h != mine)
        throw Error("session state: saved from a different model or cache type (layers " + std::to_string(h[2]) +
                    ", kv heads " + std::to_string(h[3]) + ", head size " + std::to_string(h[4]) + ")");
    const uint32_t n_used = h[7];
    if (n_used > uint32_t(n_ctx_))
        throw Error("session state: " + std::to_string(n_used) + " tokens do not fit this session's context of " +
                    std::to_string(n_ctx_));
    const size_t k_bytes = size_t(n_used) * size_t(n_head_kv_) * k_row_;
    const size_t v_bytes = size_t(n_used) * size_t(n_head_kv_) * v_row_;
    if (state.size() != sizeof h + size_t(n_layer_) * (k_bytes + v_bytes))
        throw Error("session state: size " + std::to_string(state.size()) + " does not match its header");
    const std::byte* p = state.data() + sizeof h;
    for (int l = 0; l < n_layer_; ++l)
        for (const auto& [rows, row] : {std::pair{&k_, k_row_}, std::pair{&v_, v_row_}})
            for (int pos = 0; pos < int(n_used); ++pos)
                for (int kv = 0; kv < n_head_kv_; ++kv, p += row) std::memcpy(rows->data() + offset(l, pos, kv, row), p, row);
    return int(n_used);
}

}  // namespace lumen

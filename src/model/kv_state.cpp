// KV cache snapshots: the state a session needs to resume a conversation
// (e.g. after the app was killed). Layout, all little-endian as in memory:
//   header  {magic "LMKV", version, n_layer, n_head_kv, head_dim, k_type, v_type, n_used}  (8 x u32)
//   then for each layer: keys of positions [0, n_used), then values of positions [0, n_used)
#include <array>
#include <cstring>
#include <string>

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
    const size_t k_bytes = size_t(n_used) * k_pos_stride(), v_bytes = size_t(n_used) * v_pos_stride();
    std::vector<std::byte> out(sizeof h + size_t(n_layer_) * (k_bytes + v_bytes));
    std::memcpy(out.data(), h.data(), sizeof h);
    std::byte* p = out.data() + sizeof h;
    for (int l = 0; l < n_layer_; ++l) {
        std::memcpy(p, k_row(l, 0, 0), k_bytes);
        p += k_bytes;
        std::memcpy(p, v_row(l, 0, 0), v_bytes);
        p += v_bytes;
    }
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
    const size_t k_bytes = size_t(n_used) * k_pos_stride(), v_bytes = size_t(n_used) * v_pos_stride();
    if (state.size() != sizeof h + size_t(n_layer_) * (k_bytes + v_bytes))
        throw Error("session state: size " + std::to_string(state.size()) + " does not match its header");
    const std::byte* p = state.data() + sizeof h;
    for (int l = 0; l < n_layer_; ++l) {
        std::memcpy(k_.data() + offset(l, 0, 0, k_row_), p, k_bytes);
        p += k_bytes;
        std::memcpy(v_.data() + offset(l, 0, 0, v_row_), p, v_bytes);
        p += v_bytes;
    }
    return int(n_used);
}

}  // namespace lumen

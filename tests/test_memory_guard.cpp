// The memory guard: a session that would not fit is refused with a lumen::Error
// that names the needed and available bytes and the largest context that fits;
// models read into memory (no mmap) or locked (mlock) give the same logits.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "lumen/vocab.hpp"
#include "model/architecture.hpp"
#include "model/memory_guard.hpp"
#include "model/model_weights.hpp"
#include "packed.hpp"
#include "platform/large_buffer.hpp"
#include "platform/memory.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

const std::filesystem::path kStoriesFile = source_dir() / "models/stories260K.gguf";

SessionOptions resolved(int n_ctx, int n_threads = 1) {
    SessionOptions o;
    o.n_ctx = n_ctx;
    o.n_batch = std::min(512, n_ctx);
    o.n_threads = n_threads;
    o.isa = Isa::scalar;
    return o;
}

std::string refusal(const Model& m, const SessionOptions& o, uint64_t available) {
    try {
        check_session_memory(m, o, available);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("the needed memory counts the KV cache and mapped weights exactly and bounds the scratch") {
    const auto m = Model::load(kStoriesFile);
    const ModelConfig& c = m->config();
    const SessionMemory need = session_memory(*m, resolved(1000));
    // F16 keys and values: 2 bytes each, per layer, position, KV head and head element.
    CHECK(need.kv == uint64_t(c.n_layer) * 1000 * uint64_t(c.n_head_kv) * uint64_t(c.head_dim) * 2 * 2);
    CHECK(need.model == m->weight_bytes());
    // The session allocates no more than the guard counted.
    Session s(m, resolved(1000));
    CHECK(s.kv_cache_bytes() == need.kv);
    CHECK(s.scratch_bytes() <= need.scratch);
    // Read into memory or locked: the weights are already paid for at load.
    LoadOptions copy;
    copy.mmap = false;
    CHECK(session_memory(*Model::load(kStoriesFile, copy), resolved(1000)).model == 0);
}

TEST_CASE("a context that does not fit is refused with needed, available and the largest -c that fits") {
    const auto m = Model::load(kStoriesFile);
    const uint64_t available = 64ull << 20;  // a pretend 64 MiB machine
    const std::string msg = refusal(*m, resolved(4000000), available);
    REQUIRE(msg.find("not enough memory for a 4000000-token context") != std::string::npos);
    CHECK(msg.find("but 64.0 MiB is available") != std::string::npos);
    const SessionMemory need = session_memory(*m, resolved(4000000));
    CHECK(need.total() > available);
    const auto at = msg.find("largest context that fits is -c ");
    REQUIRE(at != std::string::npos);
    const int fits = std::stoi(msg.substr(at + 32));
    // The suggestion is exact: it fits, one more token does not.
    CHECK(session_memory(*m, resolved(fits)).total() <= available);
    CHECK(session_memory(*m, resolved(fits + 1)).total() > available);
    CHECK(refusal(*m, resolved(fits), available).empty());
    // stories260K's 8-wide heads cannot use a q8_0 cache: it is not suggested.
    CHECK(msg.find("q8_0") == std::string::npos);
}

TEST_CASE("Session refuses a huge context with lumen::Error, not bad_alloc") {
    const auto m = Model::load(kStoriesFile);
    SessionOptions o;
    o.n_ctx = 4000000;
    o.n_threads = 1;
    // Real available memory: 2.6 GB of KV cache may fit on a big machine; a pretend
    // 1-byte machine never does.
    CHECK_THROWS_WITH(check_session_memory(*m, resolved(4000000), 1), Catch::Contains("no context fits"));
    if (session_memory(*m, resolved(4000000)).total() > platform::available_memory_bytes())
        CHECK_THROWS_AS(Session(m, o), Error);
}

TEST_CASE("the OS reports some available memory") {
    const uint64_t a = platform::available_memory_bytes();
    CHECK(a > (1ull << 20));
}

TEST_CASE("a model read into memory (no mmap) or locked (mlock) gives the same logits as the mapped one") {
    const auto mapped = Model::load(kStoriesFile);
    LoadOptions copy;
    copy.mmap = false;
    LoadOptions lock;
    lock.mlock = true;
    const auto toks = mapped->vocab().encode("Once upon a time");
    const auto logits = [&](std::shared_ptr<const Model> m) {
        Session s(m, resolved(64));
        const auto l = s.eval(toks);
        return std::vector<float>(l.begin(), l.end());
    };
    const auto ref = logits(mapped);
    CHECK(logits(Model::load(kStoriesFile, copy)) == ref);
    // mlock may be refused by a small `ulimit -l`; then the error says so.
    try {
        CHECK(logits(Model::load(kStoriesFile, lock)) == ref);
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("cannot lock") && Catch::Contains("ulimit -l"));
    }
}

TEST_CASE("large buffers for packed weights are aligned, writable to the end, movable, and refuse absurd sizes", "[memory]") {
    const size_t bytes = (size_t(5) << 20) + 123;  // not a multiple of any page size
    platform::LargeBuffer a(bytes, "test buffer");
    REQUIRE(a.size() == bytes);
    CHECK(reinterpret_cast<uintptr_t>(a.data()) % 64 == 0);
    for (size_t i = 0; i < bytes; i += 4096) a.data()[i] = std::byte(i / 4096);
    a.data()[bytes - 1] = std::byte{0x5a};
    std::byte* const at = a.data();
    platform::LargeBuffer b(std::move(a));
    CHECK(a.data() == nullptr);
    CHECK(a.size() == 0);
    REQUIRE(b.data() == at);
    CHECK(b.data()[3 * 4096] == std::byte{3});
    CHECK(b.data()[bytes - 1] == std::byte{0x5a});
    platform::LargeBuffer c(64, "small");
    c = std::move(b);  // c's own block is released, b's taken over
    CHECK(c.data() == at);
    CHECK(platform::LargeBuffer(0, "empty").data() == nullptr);
    // More than any address space holds: a lumen::Error naming the buffer, not a crash.
    CHECK_THROWS_WITH(platform::LargeBuffer(SIZE_MAX / 2, "huge test buffer"), Catch::Contains("huge test buffer"));
}

TEST_CASE("weights go into the huge-page buffer only as far as the available memory allows", "[memory]") {
    // tiny-iq2_xs: IQ2_XS matrices (no packed layout: copied as they are where
    // the buffer gets huge pages) beside Q2_K ones (packed).
    const GgufFile f = GgufFile::open(model_path("synth/iq/tiny-iq2_xs.gguf"));
    ModelConfig c = read_config(f);
    ModelWeights unpacked = bind_weights(f, c);  // every view on the file's bytes
    struct Count {
        int packed = 0, copied = 0, in_file = 0;
    };
    const auto count = [&](ModelWeights& w) {
        Count n;
        for (size_t i = 0; i < w.layers.size(); ++i) {
            const auto views = layer_matrices(w.layers[i]);
            const auto originals = layer_matrices(unpacked.layers[i]);
            for (size_t j = 0; j < views.size(); ++j) {
                if (views[j]->data == nullptr) continue;
                if (views[j]->packed != nullptr) ++n.packed;
                else if (views[j]->data == originals[j]->data) ++n.in_file;
                else ++n.copied;
            }
        }
        return n;
    };
    ModelWeights all = bind_weights(f, c);
    pack_weights(all, UINT64_MAX);
    const Count a = count(all);
    CHECK(a.packed > 0);
    CHECK(a.in_file + a.copied > 0);
    CHECK((a.copied > 0) == platform::LargeBuffer::huge_pages_possible());
    if (platform::LargeBuffer::huge_pages_possible()) CHECK(a.in_file == 0);

    // Room for the packed matrices alone: they are packed, the rest stays in the file.
    ModelWeights packed_only = bind_weights(f, c);
    pack_weights(packed_only, 0);  // nothing fits: nothing moves
    const Count none = count(packed_only);
    CHECK(none.packed == 0);
    CHECK(none.copied == 0);
    CHECK(packed_only.packed_storage.data() == nullptr);
    size_t packed_bytes = 0;
    for (auto& l : all.layers)
        for (const auto* v : layer_matrices(l))
            if (v->data != nullptr && v->packed != nullptr)
                packed_bytes += (kernels::packed_matrix_bytes(v->type, v->rows, v->cols) + 63) / 64 * 64;
    if (all.output.packed != nullptr)
        packed_bytes += (kernels::packed_matrix_bytes(all.output.type, all.output.rows, all.output.cols) + 63) / 64 * 64;
    pack_weights(packed_only, packed_bytes);
    const Count p = count(packed_only);
    CHECK(p.packed == a.packed);
    CHECK(p.copied == 0);
    CHECK(p.in_file == a.in_file + a.copied);
}

// Loading a model from a file descriptor or a memory buffer gives the same
// model as from its path; load progress can abort; a session's KV state
// saved to bytes resumes with exactly the same next tokens.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "lumen/error.hpp"
#include "lumen/session.hpp"
#include "lumen/vocab.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

std::vector<float> prompt_logits(std::shared_ptr<const Model> m) {
    Session s(std::move(m), {.n_ctx = 64, .n_threads = 1});
    const std::vector<int32_t> toks = {1, 7, 42, 100, 3};
    const auto l = s.eval(toks);
    return {l.begin(), l.end()};
}

int32_t argmax(std::span<const float> l) { return int32_t(std::max_element(l.begin(), l.end()) - l.begin()); }

}  // namespace

TEST_CASE("a model loaded from a fd or a buffer gives the path's logits bit for bit") {
    // Q4_0 is repacked at load, which drops the original pages: the copies must survive that.
    for (const char* name : {"synth/tiny-q4_0.gguf", "synth/tiny-f32.gguf"}) {
        const auto path = model_path(name);
        const auto want = prompt_logits(Model::load(path));
        const auto bytes = read_bytes(path);
        const auto from_buffer = Model::load(GgufFile::copy_of(bytes, "buffer"));
        CHECK(prompt_logits(from_buffer) == want);

        const int fd = ::open(path.string().c_str(), O_RDONLY);
        REQUIRE(fd >= 0);
        const auto from_fd = Model::load(GgufFile::open_fd(fd, 0, 0, "fd"));
        ::close(fd);  // the model no longer needs it
        CHECK(prompt_logits(from_fd) == want);
    }
}

TEST_CASE("a fd slice (offset + size) inside a bigger file loads the embedded model") {
    const auto path = model_path("synth/tiny-f32.gguf");
    const auto bytes = read_bytes(path);
    TempDir tmp;
    const auto packed = tmp.path / "archive.bin";
    {
        std::vector<std::byte> archive(1000, std::byte{0x5A});  // not page aligned on purpose
        archive.insert(archive.end(), bytes.begin(), bytes.end());
        archive.insert(archive.end(), 77, std::byte{0});
        std::FILE* f = std::fopen(packed.string().c_str(), "wb");
        REQUIRE(f);
        REQUIRE(std::fwrite(archive.data(), 1, archive.size(), f) == archive.size());
        std::fclose(f);
    }
    const int fd = ::open(packed.string().c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    const auto m = Model::load(GgufFile::open_fd(fd, 1000, bytes.size(), "asset"));
    CHECK(prompt_logits(m) == prompt_logits(Model::load(path)));
    CHECK_THROWS_WITH(GgufFile::open_fd(fd, 1000, bytes.size() + 78, "asset"), Catch::Contains("run past the end"));
    ::close(fd);
    CHECK_THROWS_WITH(GgufFile::open_fd(-1, 0, 0, "asset"), Catch::Contains("invalid file descriptor"));
    // A descriptor that is not open: an error, not a crash (Windows' C runtime is picky about those).
    CHECK_THROWS_WITH(GgufFile::open_fd(4321, 0, 0, "asset"), Catch::StartsWith("asset: "));
}

TEST_CASE("load progress rises to 1 and returning false aborts with a clear error") {
    std::vector<float> seen;
    LoadOptions o;
    o.progress = [&](float f) { seen.push_back(f); return true; };
    Model::load(model_path("synth/tiny-f32.gguf"), o);
    REQUIRE(seen.size() >= 3);
    CHECK(seen.front() == 0.0f);
    CHECK(seen.back() == 1.0f);
    CHECK(std::is_sorted(seen.begin(), seen.end()));

    int calls = 0;
    o.progress = [&](float) { return ++calls < 3; };
    CHECK_THROWS_WITH(Model::load(model_path("synth/tiny-f32.gguf"), o), Catch::Contains("aborted"));
    CHECK(calls == 3);
}

TEST_CASE("a saved KV state resumes with the same next tokens, in a new session") {
    const auto m = Model::load(source_dir() / "models/stories260K.gguf");
    const auto toks = m->vocab().encode("Once upon a time, there was a little dog");
    Session a(m, {.n_ctx = 128, .n_threads = 1});
    int32_t next = argmax(a.eval(toks));
    const auto state = a.save_state();
    std::vector<int32_t> want;
    for (int i = 0; i < 8; ++i) {
        want.push_back(next);
        next = argmax(a.eval(std::span<const int32_t>(&next, 1)));
    }

    Session b(m, {.n_ctx = 128, .n_threads = 1});
    b.load_state(state);
    CHECK(b.position() == int(toks.size()));
    std::vector<int32_t> got;
    next = want.front();
    for (int i = 0; i < 8; ++i) {
        got.push_back(next);
        next = argmax(b.eval(std::span<const int32_t>(&next, 1)));
    }
    CHECK(got == want);

    SECTION("states from another shape, too big for the context, or damaged are refused, session unchanged") {
        Session small(m, {.n_ctx = 4, .n_threads = 1});
        CHECK_THROWS_WITH(small.load_state(state), Catch::Contains("do not fit"));
        CHECK(small.position() == 0);
        Session other(Model::load(model_path("synth/tiny-f32.gguf")), {.n_ctx = 128, .n_threads = 1});
        CHECK_THROWS_WITH(other.load_state(state), Catch::Contains("different model"));
        auto cut = state;
        cut.pop_back();
        CHECK_THROWS_WITH(b.load_state(cut), Catch::Contains("does not match"));
        CHECK_THROWS_WITH(b.load_state(std::span<const std::byte>(state.data(), 5)), Catch::Contains("too short"));
        CHECK(b.position() == int(toks.size()) + 8);
    }
}

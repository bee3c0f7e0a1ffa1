// Wide packed matrices in column tiles (kernels/packed.hpp: kPackedTileCols):
// the layout is the type's 8-row packing of each tile, and ops::matmul adds
// the tiles' sums in tile order — on every ISA, thread count and batch size.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "dispatch.hpp"
#include "fp16.hpp"
#include "isa_rows.hpp"
#include "lumen/tensor_type.hpp"
#include "ops/matmul.hpp"
#include "packed.hpp"

using namespace lumen;

namespace {

std::vector<float> normal_floats(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

constexpr TensorType kPackedTypes[] = {TensorType::Q4_0, TensorType::Q5_0, TensorType::IQ4_NL,
                                       TensorType::Q8_0, TensorType::Q4_K, TensorType::Q5_K,
                                       TensorType::Q6_K, TensorType::Q3_K, TensorType::Q2_K, TensorType::TQ2_0};

}  // namespace

TEST_CASE("packed tiles: at most 2048 columns each, the last one shorter, as many bytes as one wide group") {
    CHECK(kernels::packed_tile_count(2048) == 1);
    CHECK(kernels::packed_tile_count(2304) == 2);
    CHECK(kernels::packed_tile_count(8192) == 4);
    for (TensorType type : kPackedTypes) {
        INFO(type_name(type));
        const int64_t rows = 24, cols = 2 * 2048 + 512;
        const auto last = kernels::packed_tile(type, rows, cols, 2);
        CHECK(last.col0 == 4096);
        CHECK(last.cols == 512);
        CHECK(last.offset == 2 * 3 * kernels::packed_group_bytes(type, 2048));
        CHECK(last.group_bytes == kernels::packed_group_bytes(type, 512));
        CHECK(kernels::packed_matrix_bytes(type, rows, cols) == kernels::packed_group_bytes(type, cols) * 3);
        CHECK(kernels::packed_matrix_bytes(type, rows, 1024) == kernels::packed_group_bytes(type, 1024) * 3);
    }
}

TEST_CASE("packed tiles: each tile is the type's packing of those columns; matmul is the tiles' sums in order on every ISA") {
    const auto& ref = kernels::kernel_set(Isa::scalar);
    for (TensorType type : kPackedTypes) {
        INFO(type_name(type));
        const TypeTraits& t = type_traits(type);
        // Three groups: where a kernel set takes groups in pairs (packed_gemm16), one pair and one alone.
        const int64_t rows = 24, cols = 2 * 2048 + 512, groups = rows / 8;
        const auto wf = normal_floats(size_t(rows * cols), 31);
        const size_t rb = row_bytes(type, cols);
        std::vector<std::byte> w(rb * size_t(rows));
        for (int64_t r = 0; r < rows; ++r) t.quantize(wf.data() + r * cols, w.data() + size_t(r) * rb, cols);
        std::vector<std::byte> packed(kernels::packed_matrix_bytes(type, rows, cols));
        kernels::pack_matrix(type, w.data(), packed.data(), rows, cols);

        // The layout: tile t's groups are packer(type) of the rows' columns col0..col0 + cols.
        for (int64_t ti = 0; ti < kernels::packed_tile_count(cols); ++ti) {
            const auto tile = kernels::packed_tile(type, rows, cols, ti);
            const size_t tb = row_bytes(type, tile.cols), skip = row_bytes(type, tile.col0);
            std::vector<std::byte> slice(tb * size_t(rows)), want(tile.group_bytes * size_t(groups));
            for (int64_t r = 0; r < rows; ++r)
                std::copy_n(w.data() + size_t(r) * rb + skip, tb, slice.data() + size_t(r) * tb);
            kernels::packer(type)(slice.data(), want.data(), rows, tile.cols);
            CHECK(std::equal(want.begin(), want.end(), packed.begin() + long(tile.offset)));
        }

        // matmul: ((tile 0 + tile 1) + tile 2), each tile the scalar twin on that tile's activation blocks.
        for (int64_t n_tokens : {int64_t(1), int64_t(5)}) {
            INFO("tokens " << n_tokens);
            const auto x = normal_floats(size_t(n_tokens * cols), 32);
            std::vector<float> want(size_t(rows * n_tokens), 0.f), unpacked(want.size());
            const TensorType at = t.vec_dot_type;
            const size_t arow = row_bytes(at, cols);
            std::vector<std::byte> aq(arow * size_t(n_tokens));
            std::vector<kernels::ActBlockInfo> info(size_t(n_tokens * cols / 32));
            for (int64_t c = 0; c < n_tokens; ++c) {
                ref.activation_quantizer(at)(x.data() + c * cols, aq.data() + size_t(c) * arow, cols);
                if (at == TensorType::Q8_0)
                    kernels::describe_q8_0_blocks(reinterpret_cast<const kernels::BlockQ8_0*>(aq.data() + size_t(c) * arow),
                                                  cols / 32, info.data() + c * cols / 32);
            }
            for (int64_t ti = 0; ti < kernels::packed_tile_count(cols); ++ti) {
                const auto tile = kernels::packed_tile(type, rows, cols, ti);
                std::vector<const void*> acts;
                std::vector<const kernels::ActBlockInfo*> infos;
                for (int64_t c = 0; c < n_tokens; ++c) {
                    acts.push_back(aq.data() + size_t(c) * arow + row_bytes(at, tile.col0));
                    infos.push_back(at == TensorType::Q8_0 ? info.data() + c * cols / 32 + tile.col0 / 32 : nullptr);
                }
                for (int64_t g = 0; g < groups; ++g) {
                    std::vector<float> part(size_t(8 * n_tokens));
                    ref.packed(type)(tile.cols, packed.data() + tile.offset + size_t(g) * tile.group_bytes, acts.data(),
                                     infos.data(), int(n_tokens), part.data(), 8);
                    for (int64_t c = 0; c < n_tokens; ++c)
                        for (int r = 0; r < 8; ++r) {
                            float& y = want[size_t(c * rows + g * 8 + r)];
                            y = ti == 0 ? part[size_t(8 * c + r)] : y + part[size_t(8 * c + r)];
                        }
                }
            }
            std::vector<std::byte> scratch;
            ops::WeightView plain{type, w.data(), rows, cols, rb};
            ops::ThreadPool one_thread(1), two_threads(2);
            ops::matmul(ref, plain, x.data(), n_tokens, unpacked.data(), rows, scratch, one_thread);
            ops::WeightView view = plain;
            view.packed = packed.data();
            for (Isa isa : kAllIsas) {
                if (!isa_supported(isa)) continue;
                INFO(isa_name(isa));
                for (int threads : {1, 2}) {
                    std::vector<float> got(want.size(), -1.f);
                    ops::matmul(kernels::kernel_set(isa), view, x.data(), n_tokens, got.data(), rows, scratch,
                                threads == 1 ? one_thread : two_threads);
                    CHECK(got == want);
                }
            }
            // And close to the row-by-row dot of the whole row (one float sum, not three).
            for (size_t i = 0; i < want.size(); ++i) CHECK(want[i] == Approx(unpacked[i]).epsilon(1e-5).margin(1e-4));
        }
    }
}

TEST_CASE("matmul_shared_input: the numbers one matmul per matrix gives, in one step or not, any thread count") {
    // Q, K and V shaped: 24, 8 and 40 rows (3, 1 and 5 groups: odd counts where
    // groups go in pairs), two column tiles. One activation type: one step;
    // mixed types or an unpacked matrix: one matmul each.
    const int64_t cols = 2048 + 512;
    const int64_t row_counts[] = {24, 8, 40};
    struct Case {
        TensorType types[3];
        bool pack_all;
    };
    const Case cases[] = {{{TensorType::Q4_0, TensorType::Q4_0, TensorType::Q8_0}, true},
                          {{TensorType::Q4_K, TensorType::Q6_K, TensorType::Q4_K}, true},
                          {{TensorType::Q2_K, TensorType::TQ2_0, TensorType::Q2_K}, true},
                          {{TensorType::Q3_K, TensorType::Q2_K, TensorType::Q3_K}, true},
                          {{TensorType::Q4_0, TensorType::Q4_K, TensorType::Q4_0}, true},
                          {{TensorType::Q4_0, TensorType::Q4_0, TensorType::Q4_0}, false}};
    ops::ThreadPool one_thread(1), two_threads(2), three_threads(3);
    for (const Case& k : cases) {
        std::vector<std::vector<std::byte>> store(3), packs(3);
        std::vector<ops::WeightView> views;
        for (int m = 0; m < 3; ++m) {
            const TensorType type = k.types[m];
            const int64_t rows = row_counts[m];
            const auto wf = normal_floats(size_t(rows * cols), 40u + uint32_t(m));
            const size_t rb = row_bytes(type, cols);
            store[size_t(m)].resize(rb * size_t(rows));
            for (int64_t r = 0; r < rows; ++r)
                type_traits(type).quantize(wf.data() + r * cols, store[size_t(m)].data() + size_t(r) * rb, cols);
            ops::WeightView v{type, store[size_t(m)].data(), rows, cols, rb};
            if (k.pack_all || m != 1) {
                packs[size_t(m)].resize(kernels::packed_matrix_bytes(type, rows, cols));
                kernels::pack_matrix(type, store[size_t(m)].data(), packs[size_t(m)].data(), rows, cols);
                v.packed = packs[size_t(m)].data();
            }
            views.push_back(v);
        }
        for (Isa isa : kAllIsas) {
            if (!isa_supported(isa)) continue;
            const auto& ks = kernels::kernel_set(isa);
            for (int64_t n_tokens : {int64_t(1), int64_t(5)}) {
                INFO(isa_name(isa) << ", " << type_name(k.types[0]) << "/" << type_name(k.types[1]) << "/"
                                   << type_name(k.types[2]) << (k.pack_all ? "" : " (one unpacked)") << ", tokens "
                                   << n_tokens);
                const auto x = normal_floats(size_t(n_tokens * cols), 44);
                std::vector<std::byte> scratch;
                std::vector<std::vector<float>> want(3);
                for (int m = 0; m < 3; ++m) {
                    want[size_t(m)].assign(size_t(n_tokens * row_counts[m]), 0.f);
                    ops::matmul(ks, views[size_t(m)], x.data(), n_tokens, want[size_t(m)].data(), row_counts[m], scratch,
                                one_thread);
                }
                for (ops::ThreadPool* pool : {&one_thread, &two_threads, &three_threads}) {
                    std::vector<std::vector<float>> got(3);
                    ops::MatmulOutput outs[3];
                    for (int m = 0; m < 3; ++m) {
                        got[size_t(m)].assign(want[size_t(m)].size(), -1.f);
                        outs[m] = {&views[size_t(m)], got[size_t(m)].data(), row_counts[m]};
                    }
                    ops::matmul_shared_input(ks, outs, x.data(), n_tokens, scratch, *pool);
                    INFO(pool->size() << " threads");
                    for (int m = 0; m < 3; ++m) CHECK(got[size_t(m)] == want[size_t(m)]);
                }
            }
        }
    }
}

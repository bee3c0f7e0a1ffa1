// Kernel microbenchmarks. Throughput is the counter "GB" (10^9 bytes of *weight*
// per second, not Google Benchmark's 2^30-based bytes_per_second), so it compares
// directly with the read-bandwidth probe (the roofline):
//   BM_ReadBandwidth/threads:N        streaming read of 1 GiB
//   BM_Dequantize/<type>              scalar reference, 4 MiB of weights (cache-resident)
//   BM_Dot/<isa>/<type>               one 16k-element row, cache-resident
//   BM_MatVec/<isa>/<type>[/packed]/N  2048 x 8192 matrix (ne = [8192, 2048]) x vector
//                                     (18 MB or less: stays in a large L3 cache)
//   BM_MatVecHot/<isa>/<type>[/packed]  256 x 2048 (at most 560 KB: stays in L2), one thread:
//                                     the kernel's own ceiling (with the activation's
//                                     quantization, once per call), what it would stream if
//                                     memory were free (docs/kernels.md, "Compute ceilings")
//   BM_KernelHot/<isa>/<type>[/packed]  the same matrix, the dot or packed kernel alone
//                                     (activation quantized before timing)
//   BM_MatVecStream/<isa>/<type>/N    the same shape, cycling through >= 1 GiB of
//                                     such matrices so every byte comes from DRAM; with the
//                                     probe on as many threads around it (probe_GB/s: the
//                                     higher of before and after) and the share streamed (pct_probe)
//   BM_MatVecStream/<isa>/<type>/packed/N   the types kernels::packer packs, in the 8-row packed layout
//   BM_ExpSum/<isa>, BM_SiluMul/<isa>  element-wise kernels: softmax numerators over
//                                     4096 scores, SiLU x up over 5632 (llama 1B's FFN)
//   BM_AttendF16/<isa>/<order>/N      one head of attention over N cached positions of an
//                                     F16 KV cache (head size 64, the head's rows contiguous as
//                                     in the cache): scores, softmax, weighted V sum, in the
//                                     decode (vec-dot) or prompt (GEMM) order; GB/s of K and V
//   BM_Attend/<isa>/<cache>/<order>/N  ops::attend as a session calls it: the 8 query heads of one
//                                     KV head (llama1b's group) over N positions of an F16 or
//                                     Q8_0 cache, head size 64; GB/s of K and V
//   BM_AttendStream/<isa>/<cache>/one/N  the same over 64 layers' caches in turn (64 MiB of F16 K
//                                     and V at N = 4096: from DRAM, as in a session at that depth)
// Run: build/bench/lumen_bench_kernels [--benchmark_filter=MatVec]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <vector>

#include "dispatch.hpp"
#include "fp16.hpp"
#include "lumen/machine.hpp"
#include "lumen/session.hpp"
#include "lumen/tensor_type.hpp"
#include "model/kv_cache.hpp"
#include "ops/attention.hpp"
#include "ops/matmul.hpp"
#include "packed.hpp"
#include "platform/large_buffer.hpp"
#include "random_blocks.hpp"

using namespace lumen;

namespace {

std::vector<float> random_floats(size_t n) {
    std::mt19937 rng(7);
    std::normal_distribution<float> dist(0.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

std::vector<std::byte> quantized(TensorType type, int64_t rows, int64_t cols) {
    const auto& t = type_traits(type);
    if (t.quantize == nullptr) {  // i-quants without a quantizer yet: random well-formed rows
        std::mt19937 rng(7);
        return kernels::random_iq_blocks(type, rows * cols, rng);
    }
    const auto src = random_floats(size_t(cols));
    const size_t rb = row_bytes(type, cols);
    std::vector<std::byte> out(rb * size_t(rows));
    t.quantize(src.data(), out.data(), cols);
    for (int64_t r = 1; r < rows; ++r) std::copy(out.begin(), out.begin() + long(rb), out.begin() + long(rb * size_t(r)));
    return out;
}

// Google Benchmark's SetBytesProcessed reports bytes_per_second in units of
// 2^30 (its "G/s" is GiB/s); the read probe and docs count GB/s (10^9 bytes).
// Every throughput here is therefore its own decimal rate counter, "GB" (per second).
void report_gbps(benchmark::State& state, size_t bytes_per_iteration) {
    state.counters["GB"] =
        benchmark::Counter(double(state.iterations()) * double(bytes_per_iteration) / 1e9, benchmark::Counter::kIsRate);
}

void BM_ReadBandwidth(benchmark::State& state) {
    const int threads = int(state.range(0));
    double bw = 0;
    for (auto _ : state) bw = measure_read_bandwidth(threads, size_t(1) << 30, 1);
    state.counters["GB/s"] = bw / 1e9;
}

void BM_Dequantize(benchmark::State& state, TensorType type) {
    const int64_t n = 1 << 22;
    const auto q = quantized(type, 1, n);
    std::vector<float> out(static_cast<size_t>(n));
    for (auto _ : state) {
        type_traits(type).dequantize(q.data(), out.data(), n);
        benchmark::DoNotOptimize(out.data());
    }
    report_gbps(state, q.size());
}

void BM_Dot(benchmark::State& state, Isa isa, TensorType type) {
    const auto& ks = kernels::kernel_set(isa);
    const auto& t = type_traits(type);
    const int64_t n = 16384;
    const auto w = quantized(type, 1, n);
    const auto x = random_floats(size_t(n));
    std::vector<std::byte> a(row_bytes(t.vec_dot_type, n));
    ks.activation_quantizer(t.vec_dot_type)(x.data(), a.data(), n);
    for (auto _ : state) benchmark::DoNotOptimize(ks.dot(type)(n, w.data(), a.data()));
    report_gbps(state, w.size());
}

// The 8-row interleaved layout models use (kernels::pack_matrix), where `pack`.
std::vector<std::byte> maybe_packed(TensorType type, std::vector<std::byte> w, int64_t rows, int64_t cols, bool pack) {
    if (!pack) return w;
    std::vector<std::byte> p(kernels::packed_matrix_bytes(type, rows, cols));
    kernels::pack_matrix(type, w.data(), p.data(), rows, cols);
    return p;
}

// ops::matmul of w (rows x cols, packed or not) by one vector, timed.
void time_matvec(benchmark::State& state, Isa isa, TensorType type, const std::vector<std::byte>& w, int64_t rows,
                 int64_t cols, bool pack, int threads) {
    const auto x = random_floats(size_t(cols));
    std::vector<float> y(static_cast<size_t>(rows));
    std::vector<std::byte> scratch;
    ops::WeightView view{type, w.data(), rows, cols, row_bytes(type, cols)};
    if (pack) view.packed = w.data();
    const auto& ks = kernels::kernel_set(isa);
    ops::ThreadPool pool(threads);
    for (auto _ : state) ops::matmul(ks, view, x.data(), 1, y.data(), rows, scratch, pool);
    report_gbps(state, w.size());
}

void BM_MatVec(benchmark::State& state, Isa isa, TensorType type, bool pack) {
    const int64_t rows = 2048, cols = 8192;
    const auto w = maybe_packed(type, quantized(type, rows, cols), rows, cols, pack);
    time_matvec(state, isa, type, w, rows, cols, pack, int(state.range(0)));
}

// The L2-resident matrix of BM_MatVecHot and BM_KernelHot: different rows (not
// one row copied, as BM_MatVec's) so the branch predictor and the caches see
// what a model's matrix gives them.
constexpr int64_t kHotRows = 256, kHotCols = 2048;
std::vector<std::byte> hot_matrix(TensorType type, bool pack) {
    const auto src = random_floats(size_t(kHotRows * kHotCols));
    const size_t rb = row_bytes(type, kHotCols);
    std::vector<std::byte> w(rb * size_t(kHotRows));
    for (int64_t r = 0; r < kHotRows; ++r) type_traits(type).quantize(src.data() + r * kHotCols, w.data() + size_t(r) * rb, kHotCols);
    return maybe_packed(type, std::move(w), kHotRows, kHotCols, pack);
}

void BM_MatVecHot(benchmark::State& state, Isa isa, TensorType type, bool pack) {
    time_matvec(state, isa, type, hot_matrix(type, pack), kHotRows, kHotCols, pack, 1);
}

// The kernel alone on the same matrix: the activation quantized once, before
// timing; per-row dots or packed 8-row calls, as ops::matmul makes them.
void BM_KernelHot(benchmark::State& state, Isa isa, TensorType type, bool pack) {
    const auto& ks = kernels::kernel_set(isa);
    const TensorType at = type_traits(type).vec_dot_type;
    const auto w = hot_matrix(type, pack);
    const auto x = random_floats(size_t(kHotCols));
    std::vector<std::byte> a(row_bytes(at, kHotCols));
    ks.activation_quantizer(at)(x.data(), a.data(), kHotCols);
    std::vector<kernels::ActBlockInfo> info(size_t(kHotCols / 32));
    if (at == TensorType::Q8_0)
        kernels::describe_q8_0_blocks(reinterpret_cast<const kernels::BlockQ8_0*>(a.data()), int64_t(info.size()), info.data());
    const void* act = a.data();
    const kernels::ActBlockInfo* act_info = info.data();
    std::vector<float> y(static_cast<size_t>(kHotRows));
    const size_t rb = row_bytes(type, kHotCols), gb = pack ? kernels::packed_group_bytes(type, kHotCols) : 0;
    for (auto _ : state) {
        if (pack)
            for (int64_t g = 0; g < kHotRows / 8; ++g)
                ks.packed(type)(kHotCols, w.data() + size_t(g) * gb, &act, &act_info, 1, y.data() + 8 * g, 8);
        else
            for (int64_t r = 0; r < kHotRows; ++r) y[size_t(r)] = ks.dot(type)(kHotCols, w.data() + size_t(r) * rb, act);
        benchmark::DoNotOptimize(y.data());
    }
    report_gbps(state, w.size());
}

void BM_MatVecStream(benchmark::State& state, Isa isa, TensorType type, bool pack) {
    const int threads = int(state.range(0));
    const int64_t rows = 2048, cols = 8192;
    const auto one = maybe_packed(type, quantized(type, rows, cols), rows, cols, pack);
    // Copies in the kind of memory models keep packed weights in (huge pages
    // where the OS gives them), as the read probe (BM_ReadBandwidth) uses.
    const size_t count = std::max<size_t>(2, (size_t(1) << 30) / one.size() + 1);
    std::vector<platform::LargeBuffer> mats;
    for (size_t i = 0; i < count; ++i) {
        mats.emplace_back(one.size(), "MatVecStream");
        std::memcpy(mats.back().data(), one.data(), one.size());
    }
    const auto x = random_floats(size_t(cols));
    std::vector<float> y(static_cast<size_t>(rows));
    std::vector<std::byte> scratch;
    const auto& ks = kernels::kernel_set(isa);
    // The roofline of this run: the read probe on as many threads (256 MiB, 8x the
    // largest L3 here; best of three), right before and right after it, the higher
    // of the two (a guest's bandwidth can change between them), and the share of
    // it the kernel streamed.
    const auto probe_gbps = [threads] { return measure_read_bandwidth(threads, size_t(256) << 20, 3) / 1e9; };
    const double probe_before = probe_gbps();
    size_t next = 0;
    ops::ThreadPool pool(threads);
    const auto t0 = std::chrono::steady_clock::now();
    for (auto _ : state) {
        ops::WeightView view{type, mats[next].data(), rows, cols, row_bytes(type, cols)};
        if (pack) view.packed = mats[next].data();
        ops::matmul(ks, view, x.data(), 1, y.data(), rows, scratch, pool);
        next = (next + 1) % count;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report_gbps(state, one.size());
    const double probe = std::max(probe_before, probe_gbps());
    state.counters["probe_GB/s"] = probe;
    state.counters["pct_probe"] = 100.0 * double(state.iterations()) * double(one.size()) / 1e9 / seconds / probe;
}

void BM_ExpSum(benchmark::State& state, Isa isa) {
    const auto& ks = kernels::kernel_set(isa);
    const auto x = random_floats(4096);
    std::vector<float> y(x.size());
    for (auto _ : state) benchmark::DoNotOptimize(ks.exp_sum(y.data(), x.data(), 4.f, int(x.size())));
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(x.size()));
}

void BM_SiluMul(benchmark::State& state, Isa isa) {
    const auto& ks = kernels::kernel_set(isa);
    const auto up = random_floats(5632), gate0 = random_floats(5632);
    std::vector<float> gate = gate0;
    for (auto _ : state) {
        ks.silu_mul(gate.data(), up.data(), int64_t(gate.size()));
        benchmark::DoNotOptimize(gate.data());
        state.PauseTiming();
        gate = gate0;  // keep the inputs in range
        state.ResumeTiming();
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(gate.size()));
}

void BM_AttendF16(benchmark::State& state, Isa isa, bool prompt_order) {
    const auto& ks = kernels::kernel_set(isa);
    const int n_pos = int(state.range(0)), hd = 64, lanes_n = prompt_order ? 16 : 64;
    const size_t stride = size_t(hd);
    auto to_f16 = [](const std::vector<float>& x) {
        std::vector<uint16_t> h(x.size());
        for (size_t i = 0; i < x.size(); ++i) h[i] = kernels::fp32_to_fp16(x[i]);
        return h;
    };
    const auto k = to_f16(random_floats(size_t(n_pos) * stride)), v = to_f16(random_floats(size_t(n_pos) * stride));
    const auto q = to_f16(random_floats(size_t(hd)));
    std::vector<float> scores(static_cast<size_t>(n_pos)), lanes(size_t(64 * hd)), out(static_cast<size_t>(hd));
    for (auto _ : state) {
        if (prompt_order) ks.dots_f16_gemm(hd, q.data(), k.data(), stride, n_pos, scores.data());
        else ks.dots_f16_ordered(hd, q.data(), k.data(), stride, n_pos, scores.data());
        const float max = ks.scale_max(scores.data(), n_pos, 1.0f);
        const float inv = float(1.0 / ks.exp_sum(scores.data(), scores.data(), max, n_pos));
        std::fill(lanes.begin(), lanes.end(), 0.f);
        ks.weighted_lanes_f16(lanes.data(), lanes_n, scores.data(), inv, v.data(), stride, n_pos, hd);
        if (!prompt_order) ks.reduce_lanes64(lanes.data(), hd, out.data());
        benchmark::DoNotOptimize(lanes.data());
        benchmark::DoNotOptimize(out.data());
    }
    report_gbps(state, size_t(n_pos) * 2 * size_t(hd) * 2);
}

void BM_Attend(benchmark::State& state, Isa isa, TensorType cache_type, bool batch, int layers) {
    const auto& ks = kernels::kernel_set(isa);
    const int n_pos = int(state.range(0)), hd = 64, group = 8;
    ModelConfig c;
    c.n_layer = layers;
    c.n_head_kv = 1;
    c.n_head = group;
    c.head_dim = hd;
    KvCache cache(c, n_pos, cache_type, cache_type);
    const auto kv = random_floats(size_t(2 * hd));
    for (int l = 0; l < layers; ++l)
        for (int p = 0; p < n_pos; ++p) {
            std::vector<float> k(kv.begin(), kv.begin() + hd), v(kv.begin() + hd, kv.end());
            for (int i = 0; i < hd; ++i) k[size_t(i)] *= 1.f + 0.001f * float(p % 97), v[size_t(i)] *= 1.f - 0.001f * float(p % 89);
            cache.store(l, p, k.data(), v.data());
        }
    ops::AttentionScratch s;
    s.scores.resize(size_t(group * n_pos));
    s.q_cache.resize(size_t(group) * row_bytes(type_traits(cache_type).vec_dot_type, hd));
    s.inv.resize(size_t(group));
    s.v_row.resize(size_t(hd));
    s.v_lanes.resize(size_t(group * hd * 64));
    s.v_rest.resize(size_t(hd));
    s.v_sum.resize(size_t(hd));
    const auto q = random_floats(size_t(group * hd));
    std::vector<float> out(size_t(group * hd));
    const ops::AttendSpan span{n_pos, 0, 0.125f, 0.f, batch};
    int layer = 0;
    for (auto _ : state) {
        ops::attend(ks, cache, layer, 0, q.data(), group, span, hd, s, out.data());
        layer = (layer + 1) % layers;
        benchmark::DoNotOptimize(out.data());
    }
    report_gbps(state, size_t(n_pos) * size_t(cache.k_pos_stride() + cache.v_pos_stride()));
}

const int kRegistered = [] {
    const int cores = physical_cores();
    auto* bw = benchmark::RegisterBenchmark("BM_ReadBandwidth", BM_ReadBandwidth);
    bw->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
    if (cores > 1) bw->Arg(cores);
    for (Isa isa : kAllIsas) {
        if (!isa_supported(isa)) continue;
        benchmark::RegisterBenchmark((std::string("BM_ExpSum/") + isa_name(isa)).c_str(), BM_ExpSum, isa);
        benchmark::RegisterBenchmark((std::string("BM_SiluMul/") + isa_name(isa)).c_str(), BM_SiluMul, isa);
        for (bool prompt : {false, true})
            benchmark::RegisterBenchmark((std::string("BM_AttendF16/") + isa_name(isa) + (prompt ? "/gemm" : "/vecdot")).c_str(),
                                         BM_AttendF16, isa, prompt)
                ->Arg(512)
                ->Arg(4096);
        for (TensorType t : {TensorType::F16, TensorType::Q8_0})
            for (bool batch : {false, true})
                benchmark::RegisterBenchmark(
                    (std::string("BM_Attend/") + isa_name(isa) + "/" + type_name(t) + (batch ? "/batch" : "/one")).c_str(),
                    BM_Attend, isa, t, batch, 1)
                    ->Arg(4096);
        for (TensorType t : {TensorType::F16, TensorType::Q8_0})  // 64 layers' caches: from DRAM, as in a session
            benchmark::RegisterBenchmark((std::string("BM_AttendStream/") + isa_name(isa) + "/" + type_name(t) + "/one").c_str(),
                                         BM_Attend, isa, t, false, 64)
                ->Arg(4096);
    }
    for (const TypeTraits& t : all_type_traits()) {
        if (t.dequantize == nullptr || t.vec_dot == nullptr) continue;
        benchmark::RegisterBenchmark((std::string("BM_Dequantize/") + t.name).c_str(), BM_Dequantize, t.type);
        for (Isa isa : kAllIsas) {
            if (!isa_supported(isa)) continue;
            const std::string suffix = std::string(isa_name(isa)) + "/" + t.name;
            benchmark::RegisterBenchmark(("BM_Dot/" + suffix).c_str(), BM_Dot, isa, t.type);
            for (bool pack : {false, true}) {
                if (pack && kernels::packer(t.type) == nullptr) continue;
                auto* mv = benchmark::RegisterBenchmark(("BM_MatVec/" + suffix + (pack ? "/packed" : "")).c_str(),
                                                        BM_MatVec, isa, t.type, pack);
                mv->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
                if (cores > 1) mv->Arg(cores);
                if (isa != Isa::scalar && t.quantize != nullptr) {
                    const std::string name = suffix + (pack ? "/packed" : "");
                    benchmark::RegisterBenchmark(("BM_MatVecHot/" + name).c_str(), BM_MatVecHot, isa, t.type, pack)
                        ->Unit(benchmark::kMicrosecond);
                    benchmark::RegisterBenchmark(("BM_KernelHot/" + name).c_str(), BM_KernelHot, isa, t.type, pack)
                        ->Unit(benchmark::kMicrosecond);
                }
            }
            if (isa != Isa::scalar) {
                auto* st =
                    benchmark::RegisterBenchmark(("BM_MatVecStream/" + suffix).c_str(), BM_MatVecStream, isa, t.type, false);
                st->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(1.0);
                if (cores > 1) st->Arg(cores);
                if (kernels::packer(t.type) != nullptr) {
                    auto* sp = benchmark::RegisterBenchmark(("BM_MatVecStream/" + suffix + "/packed").c_str(),
                                                            BM_MatVecStream, isa, t.type, true);
                    sp->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(1.0);
                    if (cores > 1) sp->Arg(cores);
                }
            }
        }
    }
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();

// Kernel microbenchmarks: memory read bandwidth (the roofline) and, per type,
// dequantize and dot-product throughput in GB/s of weight bytes streamed.
//   build/bench/lumen_bench_kernels --benchmark_filter=...
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "lumen/tensor_type.hpp"

using namespace lumen;

namespace {

// Streaming read of a buffer much larger than the caches: the speed of light
// for any kernel that reads weights once.
void BM_ReadBandwidth(benchmark::State& state) {
    const size_t n = size_t(256) << 20;  // 256 MiB
    std::vector<uint64_t> buf(n / 8, 1);
    for (auto _ : state) {
        uint64_t a = 0, b = 0, c = 0, d = 0;
        for (size_t i = 0; i + 4 <= buf.size(); i += 4) {
            a += buf[i]; b += buf[i + 1]; c += buf[i + 2]; d += buf[i + 3];
        }
        benchmark::DoNotOptimize(a + b + c + d);
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(BM_ReadBandwidth)->Unit(benchmark::kMillisecond)->UseRealTime();

std::vector<float> random_floats(size_t n) {
    std::mt19937 rng(7);
    std::normal_distribution<float> dist(0.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

void BM_Dequantize(benchmark::State& state, TensorType type) {
    const TypeTraits& t = type_traits(type);
    const int64_t n = 1 << 20;
    const auto src = random_floats(size_t(n));
    std::vector<std::byte> q(row_bytes(type, n));
    t.quantize(src.data(), q.data(), n);
    std::vector<float> out(static_cast<size_t>(n));
    for (auto _ : state) {
        t.dequantize(q.data(), out.data(), n);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(q.size()));
}

void BM_Dot(benchmark::State& state, TensorType type) {
    const TypeTraits& t = type_traits(type);
    const TypeTraits& a = type_traits(t.vec_dot_type);
    const int64_t n = 1 << 20;
    const auto w = random_floats(size_t(n));
    std::vector<std::byte> qw(row_bytes(type, n)), qa(row_bytes(a.type, n));
    t.quantize(w.data(), qw.data(), n);
    a.quantize(w.data(), qa.data(), n);
    for (auto _ : state) benchmark::DoNotOptimize(t.vec_dot(n, qw.data(), qa.data()));
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(qw.size()));
}

const int kRegistered = [] {
    for (const TypeTraits& t : all_type_traits()) {
        if (t.dequantize == nullptr || t.quantize == nullptr || t.vec_dot == nullptr) continue;
        benchmark::RegisterBenchmark((std::string("BM_Dequantize/") + t.name).c_str(), BM_Dequantize, t.type);
        benchmark::RegisterBenchmark((std::string("BM_Dot/scalar/") + t.name).c_str(), BM_Dot, t.type);
    }
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();

#!/usr/bin/env bash
# llvm-mca model of the x86 mat x vec inner loops (docs/kernels.md, "Modelled
# inner loops"). Compiles bench/mca/mca_kernels.cpp to assembly with the same
# compiler and flags as the library's kernel files, extracts each kernel's
# block loop (bench/mca/extract_loop.py) and runs llvm-mca on it per CPU model.
#
# usage: bench/mca.sh [--loops DIR]   (DIR keeps the extracted loops)
# env:   CXX (default c++), MCA (default llvm-mca-19; Debian package llvm-19),
#        MCA_CXXFLAGS (extra compiler flags, e.g. -DLUMEN_PREFETCH_EVERY_LINE=0, or
#        -DMCA_HARDWARE_PREFETCH for the kernels without software prefetch),
#        MCA_KERNELS (the kernels to model, space-separated; default: all)
#
# Output: one markdown row per kernel, ISA build and CPU model: cycles per loop
# iteration (one block of 256 weights: 8 rows x 32 for the packed layouts, one row's
# super-block for the K-quants and TQ2_0; 8 rows x 256 for packed Q4_K, Q5_K, Q6_K, Q3_K and Q2_K;
# for the prompt-GEMM rows *_x8c4 / *_x16c4, weight x token products: 8 or 16 rows x 32 (Q4_K, Q6_K, Q3_K, Q2_K, TQ2_0: 256) x 4 tokens),
# the same per 32 weights,
# instructions per iteration, and the most loaded resource.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cxx=${CXX:-c++}
mca=${MCA:-llvm-mca-19}
keep=""
[[ ${1:-} == --loops ]] && keep=$2
command -v "$mca" > /dev/null || { echo "mca.sh: $mca not found (apt-get install llvm-19)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

common=(-O3 -DNDEBUG -std=c++20 -ffp-contract=off -I"$root/kernels" -I"$root/include" -I"$root/src" -S ${MCA_CXXFLAGS:-})
avx2_flags=(-mavx2 -mfma -mf16c)
avx512_flags=(-mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -DMCA_AVX512)
"$cxx" "${common[@]}" "${avx2_flags[@]}" -o "$work/avx2.s" "$here/mca/mca_kernels.cpp"
"$cxx" "${common[@]}" "${avx512_flags[@]}" -o "$work/avx512.s" "$here/mca/mca_kernels.cpp"

kernels=(${MCA_KERNELS:-q4_0_x8 q4_0_x8c4 q4_0_x16c4 q8_0_x8 q8_0_x8c4 q8_0_x16c4 q4_k_x8 q4_k_x8c4 q4_k_x16c4 q4_k q5_k_x8 q6_k_x8 q6_k q2_k_x8 q2_k
         tq2_0_x8 tq2_0_x8c4 tq2_0_x16c4 tq2_0 q6_k_x8c4 q6_k_x16c4 q2_k_x8c4 q2_k_x16c4 q3_k_x8 q3_k_x8c4 q3_k_x16c4 q3_k})
declare -A weights=([q4_0_x8c4]=1024 [q4_0_x16c4]=2048 [q8_0_x8c4]=1024 [q8_0_x16c4]=2048 [q4_k_x8c4]=8192 [q4_k_x16c4]=16384
                    [tq2_0_x8c4]=8192 [tq2_0_x16c4]=16384 [q6_k_x8c4]=8192 [q6_k_x16c4]=16384
                    [q2_k_x8c4]=8192 [q2_k_x16c4]=16384 [q3_k_x8c4]=8192 [q3_k_x16c4]=16384 [q3_k_x8]=2048 [q4_k_x8]=2048 [q5_k_x8]=2048 [q6_k_x8]=2048 [q2_k_x8]=2048 [tq2_0_x8]=2048)  # weights per loop iteration where not 256
declare -A cpus=([avx512]="znver4 sapphirerapids icelake-server" [avx2]="znver3 alderlake znver4")

echo "| kernel | build | -mcpu | cycles / iteration | cycles / 32 weights | instructions / iteration | most loaded resource |"
echo "|---|---|---|---|---|---|---|"
for k in "${kernels[@]}"; do
    for isa in avx512 avx2; do
        [[ $k == *x16c4 && $isa == avx2 ]] && continue  # an AVX-512 kernel only
        loop="$work/${isa}_$k.s"
        python3 "$here/mca/extract_loop.py" "$work/$isa.s" "mca_$k" > "$loop"
        [[ -n $keep ]] && { mkdir -p "$keep"; cp "$loop" "$keep/"; }
        for cpu in ${cpus[$isa]}; do
            out=$("$mca" -mtriple=x86_64 -mcpu="$cpu" -iterations=200 -bottleneck-analysis "$loop" 2>&1)
            cycles=$(awk '/^Total Cycles:/ {print $3}' <<< "$out")
            insns=$(awk '/^Instructions:/ {print $2}' <<< "$out")
            # The resource with the highest pressure in the bottleneck report.
            top=$(awk '/Resource Pressure/ {p = 1; next} p && /^  - / {gsub(/[][%]/, ""); print $3, $2; next} p {exit}' \
                  <<< "$out" | sort -rn | head -1 | awk '{print $2 ($1 != "" ? " (" $1 " %)" : "")}')
            awk -v k="$k" -v isa="$isa" -v cpu="$cpu" -v c="$cycles" -v n="$insns" -v top="${top:-none}" \
                -v w="${weights[$k]:-256}" 'BEGIN {
                printf "| %s | %s | %s | %.1f | %.2f | %d | %s |\n", k, isa, cpu, c / 200, c / 200 / (w / 32), n / 200, top }'
        done
    done
done

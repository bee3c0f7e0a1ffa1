#!/usr/bin/env bash
# The ARM64 part of CI: cross-build (bash scripts/setup.sh --cross aarch64) and
# run the tests under qemu-user on three emulated cores:
#   max         (NEON + dotprod + i8mm): the whole suite; the twin tests then
#               check all three ARM kernel variants against the scalar ones;
#   cortex-a76  (dotprod, no i8mm, as a Raspberry Pi 5 / RK3588): twin tests,
#               every golden, the element-wise kernels and the kernels `lumen` picks;
#   cortex-a53  (NEON only, as a Raspberry Pi 3/4): the same.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --cross aarch64
dir=build-aarch64
QEMU_CPU=max ctest --test-dir "$dir" --output-on-failure -j2
subset='SIMD|packed|4-token|attention helpers|scaled attention|prompt-GEMM|matmul|golden|measured|machine|iq twins|softmax|SiLU|Q8_0 cache'
for cpu in cortex-a76 cortex-a53; do
  echo "== QEMU_CPU=$cpu"
  QEMU_CPU=$cpu ctest --test-dir "$dir" --output-on-failure -j2 -R "$subset"
done

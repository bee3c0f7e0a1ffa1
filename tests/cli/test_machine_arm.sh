#!/usr/bin/env bash
# ARM only (registered in aarch64 builds): the kernels lumen picks follow the
# CPU's features. Under qemu, QEMU_CPU names the emulated core.
source "$(dirname "$0")/lib.sh"
case "${QEMU_CPU:-max}" in
  max) want=i8mm ;;
  cortex-a76|cortex-a55|neoverse-n1) want=dotprod ;;
  cortex-a53|cortex-a57|cortex-a72) want=neon ;;
  *) want="" ;;
esac
out="$("$LUMEN" bench --machine -t 1 2>&1)"; expect_status "bench --machine" $? 0
expect_contains "bench --machine names the CPU" "$out" "cpu:"
if [ -n "$want" ]; then
  expect_contains "bench --machine picks $want on ${QEMU_CPU:-max}" "$out" "kernels:    $want"
  run="$("$LUMEN" run -p "Once" -n 2 --temp 0 --verbose 2>&1)"; expect_status "run --verbose" $? 0
  expect_contains "run uses $want" "$run" "kernels: $want"
fi
# Forcing a set the CPU cannot run is refused with a message, forcing neon always works.
out="$(LUMEN_FORCE_ISA=avx2 "$LUMEN" run -p "Once" -n 1 2>&1)"; expect_status "LUMEN_FORCE_ISA=avx2 refused" $? 1
expect_contains "avx2 on ARM" "$out" "this CPU cannot run it"
out="$(LUMEN_FORCE_ISA=neon "$LUMEN" run -p "Once" -n 2 --temp 0 --verbose 2>&1)"; expect_status "LUMEN_FORCE_ISA=neon" $? 0
expect_contains "forced neon" "$out" "kernels: neon"
finish

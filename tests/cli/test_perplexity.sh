# lumen perplexity against the reference (golden/ppl, within 0.1 %), and KL divergence.
source "$(dirname "$0")/lib.sh"
text="$ROOT/tests/data/golden/ppl/stories.txt"
within() {  # within NAME OUTPUT EXPECTED: the final PPL within 0.1 % of EXPECTED
  local got; got="$(printf '%s' "$2" | sed -n 's/^Final estimate: PPL = \([0-9.]*\).*/\1/p')"
  if python3 -c "import sys; g=float(sys.argv[1]); e=float(sys.argv[2]); sys.exit(0 if abs(g-e)/e <= 1e-3 else 1)" "$got" "$3"; then
    PASSES=$((PASSES + 1)); else echo "FAIL: $1: PPL '$got', expected $3 within 0.1 %"; FAILS=$((FAILS + 1)); fi
}
out="$("$LUMEN" perplexity -m "$ROOT/models/stories260K.gguf" -f "$text" -c 128 -t 1 --kl-divergence-base "$TMP/base.kld" 2>"$TMP/err")"
expect_status "F32 perplexity" $? 0
within "stories260K F32" "$out" 5.1580
expect_contains "progress" "$(cat "$TMP/err")" "[11]"
out="$("$LUMEN" perplexity -m "$ROOT/tests/data/models/stories260K-quant/stories260K-q6_k.gguf" -f "$text" -c 128 -t 2 --kl-divergence-base "$TMP/base.kld" --kl-divergence 2>/dev/null)"
expect_status "quantized perplexity + KLD" $? 0
within "stories260K Q6_K (Q8_0 tensors)" "$out" 5.1487
check="$(printf '%s' "$out" | python3 -c '
import re, sys
t = sys.stdin.read()
kld = float(re.search(r"mean KLD = ([0-9.e-]+)", t).group(1))
top = float(re.search(r"same top token = ([0-9.]+)", t).group(1))
d = float(re.search(r"delta PPL = ([-+0-9.]+)", t).group(1))
print("ok" if 0 < kld < 0.01 and top > 90 and abs(d) < 0.05 else "bad %g %g %g" % (kld, top, d))')"
expect_contains "KLD small, top-1 agreement high" "$check" "ok"
err="$("$LUMEN" perplexity -f "$text" -c 64 --kl-divergence-base "$TMP/base.kld" --kl-divergence 2>&1)"
expect_status "base made with another context" $? 1
expect_contains "mismatch message" "$err" "different context"
err="$("$LUMEN" perplexity -f "$text" -c 4096 2>&1)"; expect_status "text too short" $? 1
expect_contains "too short message" "$err" "are needed"
finish

#!/usr/bin/env bash
# Side-by-side speed of lumen and the reference (llama-bench) on the same GGUF
# files, same threads, alternating runs so both see the same machine state.
#
#   bench/compare.sh [-m "llama1b smol135m"] [-q "q4_0 q8_0 q4_k_m q2_k tq2_0"] [-t "1 2"]
#                    [-r ROUNDS] [-p 512] [-n 128] [-o OUTDIR]
#
# Builds nothing: uses build/tools/lumen and ../shared/ref/llama-bench. Missing
# models are generated with ../shared/tools/synth_model.py (F16) and quantized
# with `lumen quantize` (byte-identical to the reference's quantizer) into
# $LUMEN_BENCH_MODELS (default: ../bench-models, outside the repository).
# Prints a Markdown table of t/s (mean ± stddev over rounds) and the ratios;
# raw JSON per run goes to OUTDIR (default: bench/results/<date>).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
LUMEN="$ROOT/build/tools/lumen"
REF="${LUMEN_REF_BENCH:-$ROOT/../shared/ref/llama-bench}"
SHARED="$ROOT/../shared"
MODELS_DIR="${LUMEN_BENCH_MODELS:-$ROOT/../bench-models}"
presets="llama1b smol135m"; quants="q4_0 q8_0 q4_k_m q2_k tq2_0"; threads="1 2"
rounds=3; np=512; ng=128; out="$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)"
while getopts "m:q:t:r:p:n:o:" opt; do
  case $opt in m) presets=$OPTARG;; q) quants=$OPTARG;; t) threads=$OPTARG;; r) rounds=$OPTARG;;
               p) np=$OPTARG;; n) ng=$OPTARG;; o) out=$OPTARG;; *) exit 2;; esac
done
[ -x "$LUMEN" ] || { echo "build lumen first (bash scripts/setup.sh)" >&2; exit 1; }
[ -x "$REF" ] || { echo "reference llama-bench not found at $REF" >&2; exit 1; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
mkdir -p "$MODELS_DIR" "$out"

vocab_for() { case $1 in llama1b) echo "$SHARED/vocab/ggml-vocab-llama-spm.gguf";; smol135m) echo "$SHARED/vocab/ggml-vocab-starcoder.gguf";; esac; }
for p in $presets; do
  f16="$MODELS_DIR/$p-f16.gguf"
  [ -f "$f16" ] || "$PY" "$SHARED/tools/synth_model.py" --preset "$p" --vocab-from "$(vocab_for "$p")" --dtype f16 --out "$f16"
  for q in $quants; do
    [ -f "$MODELS_DIR/$p-$q.gguf" ] || "$LUMEN" quantize "$f16" "$MODELS_DIR/$p-$q.gguf" "$q" 2>/dev/null
  done
done

"$LUMEN" bench --machine -t "$(echo $threads | tr ' ' ',')" > "$out/machine.txt"
cat "$out/machine.txt" >&2
for r in $(seq 1 "$rounds"); do
  for p in $presets; do for q in $quants; do for t in $threads; do
    m="$MODELS_DIR/$p-$q.gguf"
    echo "round $r: $p $q -t $t" >&2
    "$LUMEN" bench -m "$m" -p "$np" -n "$ng" -r 1 -t "$t" -o json 2>/dev/null > "$out/lumen-$p-$q-t$t-r$r.json"
    "$REF" -m "$m" -p "$np" -n "$ng" -r 1 -t "$t" -o json 2>/dev/null > "$out/ref-$p-$q-t$t-r$r.json"
  done; done; done
done

"$PY" - "$out" <<'PYEOF'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*-r*.json"))):
    who = os.path.basename(path).split("-")[0]
    for rec in json.load(open(path)):
        key = (os.path.basename(rec["model_filename"]).replace(".gguf", ""), rec["n_threads"],
               "pp%d" % rec["n_prompt"] if rec["n_gen"] == 0 else "tg%d" % rec["n_gen"])
        rows.setdefault(key, {"lumen": [], "ref": []})[who].append(rec["avg_ts"])
def ms(v):
    return (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0) if v else (float("nan"), 0.0)
print("| model | threads | test | lumen t/s | reference t/s | lumen / reference |")
print("|---|---:|---|---:|---:|---:|")
for (model, t, test), v in sorted(rows.items()):
    (lm, ls), (rm, rs) = ms(v["lumen"]), ms(v["ref"])
    print(f"| {model} | {t} | {test} | {lm:.2f} ± {ls:.2f} | {rm:.2f} ± {rs:.2f} | {lm / rm:.2f}x |")
PYEOF

#!/usr/bin/env bash
# Side-by-side tokens/s of lumen and (if present) the reference's llama-bench
# on an ARM board: the table a researcher publishes. Same GGUF files, same
# threads, runs alternating so both see the same machine state (temperature,
# governor). Prints the board, the kernels lumen chose, and a Markdown table.
#
#   bench/arm.sh -f "m1.gguf m2.gguf" [-t "4"] [-r 3] [-p 512] [-n 128]
#                [-l build/tools/lumen] [-b path/to/llama-bench] [-o OUTDIR]
#
# Emulated (numbers are not real speed; they show gross differences in work):
#   LUMEN_RUNNER="qemu-aarch64 -cpu cortex-a76 -L /usr/aarch64-linux-gnu" \
#     bench/arm.sh -l build-aarch64/tools/lumen -b ../shared/ref/aarch64/dotprod/llama-bench -f M.gguf -p 64 -n 16 -r 1
set -euo pipefail
cd "$(dirname "$0")/.."
files=""; threads=""; rounds=3; np=512; ng=128
lumen="build/tools/lumen"; ref="$(command -v llama-bench || true)"; out="bench/results/arm-$(date +%Y%m%d-%H%M%S)"
while getopts "f:t:r:p:n:l:b:o:" opt; do
  case $opt in f) files=$OPTARG;; t) threads=$OPTARG;; r) rounds=$OPTARG;; p) np=$OPTARG;; n) ng=$OPTARG;;
               l) lumen=$OPTARG;; b) ref=$OPTARG;; o) out=$OPTARG;; *) exit 2;; esac
done
[ -n "$files" ] || { echo "usage: bench/arm.sh -f \"MODEL.gguf ...\" [-t THREADS] [-r ROUNDS]" >&2; exit 2; }
run() { ${LUMEN_RUNNER:-} "$@"; }
[ -n "$threads" ] || threads="$(run "$lumen" bench --machine 2>/dev/null | sed -n 's/^default threads: *//p' | head -1)"
[ -n "$threads" ] || threads="$(nproc)"
mkdir -p "$out"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "board: $(tr -d '\0' < /proc/device-tree/model 2>/dev/null || uname -m)"
  echo "kernel: $(uname -r)"
  run "$lumen" bench --machine -t "$threads"
} > "$out/machine.txt" 2>&1
cat "$out/machine.txt"
for r in $(seq 1 "$rounds"); do
  for f in $files; do for t in $threads; do
    name="$(basename "$f" .gguf)"
    echo "round $r: $name -t $t" >&2
    run "$lumen" bench -m "$f" -p "$np" -n "$ng" -r 1 -t "$t" -o json 2>/dev/null > "$out/lumen-$name-t$t-r$r.json"
    if [ -n "$ref" ] && [ -x "$ref" ]; then
      run "$ref" -m "$f" -p "$np" -n "$ng" -r 1 -t "$t" -o json 2>/dev/null > "$out/ref-$name-t$t-r$r.json" || true
    fi
  done; done
done
python3 - "$out" <<'PYEOF'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*-r*.json"))):
    who = os.path.basename(path).split("-")[0]
    try:
        recs = json.load(open(path))
    except ValueError:
        continue
    for rec in recs:
        test = "pp%d" % rec["n_prompt"] if rec["n_gen"] == 0 else "tg%d" % rec["n_gen"]
        key = (os.path.basename(rec["model_filename"]).replace(".gguf", ""), rec["n_threads"], test)
        rows.setdefault(key, {}).setdefault(who, []).append(rec["avg_ts"])
def cell(v):
    if not v: return "—"
    return "%.2f ± %.2f" % (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0)
print("| model | threads | test | lumen t/s | reference t/s | lumen / reference |")
print("|---|---|---|---|---|---|")
for key in sorted(rows):
    l, r = rows[key].get("lumen", []), rows[key].get("ref", [])
    ratio = "%.2f×" % (statistics.mean(l) / statistics.mean(r)) if l and r else "—"
    print("| %s | %d | %s | %s | %s | %s |" % (key[0], key[1], key[2], cell(l), cell(r), ratio))
PYEOF
echo "raw JSON: $out" >&2

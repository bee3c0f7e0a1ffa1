#!/usr/bin/env bash
# Aggregate generation throughput of `lumen serve` with 1, 2, 4 and 8
# concurrent streams (64 tokens each, temperature 0), and time to first token.
# With REF=path/to/llama-server the reference server is measured the same way
# (same model, threads, slots and client) for the ratios in docs/benchmarks.md.
#   bench/serve.sh MODEL.gguf [THREADS=2] [ROUNDS=3]
#   REF=../shared/ref/llama-server bench/serve.sh MODEL.gguf
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL="${1:?usage: bench/serve.sh MODEL.gguf [THREADS] [ROUNDS]}"
THREADS="${2:-2}"
ROUNDS="${3:-3}"
LUMEN="${LUMEN:-build/tools/lumen}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
LOG="$(mktemp)"
trap 'kill $SERVER_PID 2>/dev/null || true; rm -f "$LOG"' EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_health() {
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server on port $1 did not start" >&2; cat "$LOG" >&2; exit 1
}

run_series() {  # NAME PORT
  for n in 1 2 4 8; do
    result=$("$PY" bench/serve_client.py "http://127.0.0.1:$2" "$n" "$ROUNDS" 64)
    echo "$1 $result"
  done
}

port=$(free_port)
"$LUMEN" serve -m "$MODEL" --port "$port" -np 8 -c 4096 -t "$THREADS" >"$LOG" 2>&1 &
SERVER_PID=$!
wait_health "$port"
run_series lumen "$port"
kill -TERM $SERVER_PID; wait $SERVER_PID || true

if [ -n "${REF:-}" ]; then
  port=$(free_port)
  "$REF" -m "$MODEL" --host 127.0.0.1 --port "$port" -np 8 -cb -c 4096 -t "$THREADS" >"$LOG" 2>&1 &
  SERVER_PID=$!
  wait_health "$port"
  run_series reference "$port"
  kill -TERM $SERVER_PID; wait $SERVER_PID || true
fi
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus; model $(basename "$MODEL"), -t $THREADS"

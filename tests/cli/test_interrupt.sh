#!/usr/bin/env bash
# Ctrl-C (SIGINT) during `lumen run`: generation stops within a token, what was
# generated is printed, the exit status is 130 and the message says so.
source "$(dirname "$0")/lib.sh"
"$LUMEN" run -p "Once upon a time" -n -1 --ignore-eos --context-shift -c 128 -t 1 --temp 0 >"$TMP/out" 2>"$TMP/err" &
pid=$!
# Generating, past the story's first sentence (a fixed delay was too short under Wine on a
# loaded machine, where a token costs milliseconds of Wine server round trips).
for _ in $(seq 1 200); do grep -q Lily "$TMP/out" && break; sleep 0.05; done
kill -INT "$pid"
wait "$pid"; expect_status "run: Ctrl-C exit status" $? 130
expect_contains "run: Ctrl-C message" "$(cat "$TMP/err")" "lumen: interrupted after"
expect_contains "run: text so far printed" "$(cat "$TMP/out")" "Lily"
n="$(sed -n 's/.*interrupted after \([0-9]*\) generated.*/\1/p' "$TMP/err")"
[ -n "$n" ] && [ "$n" -gt 0 ] && PASSES=$((PASSES + 1)) || { echo "FAIL: no token count in: $(cat "$TMP/err")"; FAILS=$((FAILS + 1)); }
finish

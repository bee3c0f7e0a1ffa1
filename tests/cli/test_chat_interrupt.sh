#!/usr/bin/env bash
# Ctrl-C in `lumen chat` with piped input: an interrupt while an answer streams
# stops that answer with "(stopped)", the chat goes on with the next line, and
# the end of the input ends it with status 0. The interrupt is SIGINT: on
# Linux it reaches lumen's sigaction handler; under Wine, Wine turns SIGINT
# into a CTRL_C_EVENT for the handler lumen.exe set with SetConsoleCtrlHandler
# (the path a real Windows console's Ctrl-C takes).
source "$(dirname "$0")/lib.sh"
mkfifo "$TMP/in"
"$LUMEN" chat --temp 0 -n 1500 --ignore-eos -t 1 <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/in"  # the writer end stays open: the chat waits for the next line
printf 'Once upon a time\n' >&3
# Answering, past the story's first sentence (1500 tokens take seconds even natively).
for _ in $(seq 1 200); do grep -q Lily "$TMP/out" && break; sleep 0.05; done
kill -INT "$pid"
for _ in $(seq 1 200); do grep -q '(stopped)' "$TMP/out" && break; sleep 0.05; done
printf '/stats\n' >&3
exec 3>&-  # end of input: the chat ends
wait "$pid"; expect_status "chat after Ctrl-C ends normally" $? 0
out="$(cat "$TMP/out")"
expect_contains "answer streamed before Ctrl-C" "$out" ", there was a little girl named Lily."
expect_contains "Ctrl-C stops the answer" "$out" "(stopped)"
expect_contains "the next line is still read" "$out" "last answer:"
# Stopped well before its 1500 tokens: the answer is short.
n="$(sed -n 's/^last answer: \([0-9]*\) tokens.*/\1/p' <<< "$out")"
[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt 1500 ] && PASSES=$((PASSES + 1)) ||
  { echo "FAIL: answer length after Ctrl-C: '$n' tokens"; echo "$out" | tail -5; FAILS=$((FAILS + 1)); }
finish

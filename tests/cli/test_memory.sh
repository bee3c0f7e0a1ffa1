#!/usr/bin/env bash
# The memory guard from the command line: a context that does not fit is refused
# with needed / available / a -c that fits (LUMEN_FAKE_AVAILABLE_MEMORY pretends
# to be a small machine), the suggested -c runs, and --no-mmap / --mlock work.
source "$(dirname "$0")/lib.sh"

err="$(LUMEN_FAKE_AVAILABLE_MEMORY=64M "$LUMEN" run -c 4000000 -p hi -n 1 -t 1 2>&1)"; expect_status "huge -c refused" $? 1
expect_contains "huge -c message" "$err" "lumen: error: not enough memory for a 4000000-token context: it needs"
expect_contains "huge -c available" "$err" "but 64.0 MiB is available"
expect_contains "huge -c suggestion" "$err" "the largest context that fits is -c "
case "$err" in *bad_alloc*|*"unexpected error"*) echo "FAIL: bad_alloc reached the user"; FAILS=$((FAILS + 1));; esac
fits="$(printf '%s' "$err" | sed -n 's/.*fits is -c \([0-9]*\).*/\1/p')"
out="$(LUMEN_FAKE_AVAILABLE_MEMORY=64M "$LUMEN" run -c "$fits" -p "Once upon a time" -n 4 --temp 0 -t 1 2>&1)"
expect_status "suggested -c $fits runs" $? 0

# Every command that opens a session is guarded.
err="$(printf 'hi\n' | LUMEN_FAKE_AVAILABLE_MEMORY=1M "$LUMEN" chat -c 4096 -t 1 2>&1)"; expect_status "chat refused" $? 1
expect_contains "chat message" "$err" "not enough memory"
err="$(LUMEN_FAKE_AVAILABLE_MEMORY=1M "$LUMEN" perplexity -f "$ROOT/tests/data/golden/ppl/stories.txt" -c 64 -t 1 2>&1)"; expect_status "perplexity refused" $? 1
expect_contains "perplexity message" "$err" "not enough memory"

# A model copied into memory must fit too.
err="$(LUMEN_FAKE_AVAILABLE_MEMORY=100K "$LUMEN" run --no-mmap -p hi -n 1 2>&1)"; expect_status "--no-mmap refused" $? 1
expect_contains "--no-mmap message" "$err" "cannot be read into memory (--no-mmap): only"

a="$("$LUMEN" run -p "Once upon a time" -n 16 --temp 0 -t 1 --ids 2>/dev/null)"
b="$("$LUMEN" run -p "Once upon a time" -n 16 --temp 0 -t 1 --ids --no-mmap 2>/dev/null)"; expect_status "--no-mmap runs" $? 0
[ -n "$a" ] && [ "$a" = "$b" ] && PASSES=$((PASSES + 1)) || { echo "FAIL: --no-mmap changed the tokens"; FAILS=$((FAILS + 1)); }
c="$("$LUMEN" run -p "Once upon a time" -n 16 --temp 0 -t 1 --ids --mlock 2>"$TMP/err")"; st=$?
if [ $st -eq 0 ]; then [ "$a" = "$c" ] && PASSES=$((PASSES + 1)) || { echo "FAIL: --mlock changed the tokens"; FAILS=$((FAILS + 1)); }
else expect_contains "--mlock refused with the limit" "$(cat "$TMP/err")" "ulimit -l"; fi
finish

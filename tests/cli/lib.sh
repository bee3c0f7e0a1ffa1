# Helpers for the CLI tests. Usage: source lib.sh; each test script gets
# LUMEN (the binary) and ROOT (the source tree) as $1 and $2.
set -uo pipefail
LUMEN="$1"
ROOT="$2"
FAILS=0
PASSES=0
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# expect_contains NAME HAYSTACK NEEDLE
expect_contains() {
  # A here-string, not a pipe: grep -q stops at the first match, and under pipefail the
  # writer's SIGPIPE would turn a match into a failure now and then.
  if grep -qF -- "$3" <<< "$2"; then PASSES=$((PASSES + 1));
  else echo "FAIL: $1: output does not contain '$3'"; echo "---- output ----"; printf '%s\n' "$2" | head -40; FAILS=$((FAILS + 1)); fi
}
# expect_not_contains NAME HAYSTACK NEEDLE
expect_not_contains() {
  if grep -qF -- "$3" <<< "$2"; then echo "FAIL: $1: output contains '$3'"; FAILS=$((FAILS + 1));
  else PASSES=$((PASSES + 1)); fi
}
# expect_status NAME ACTUAL EXPECTED
expect_status() {
  if [ "$2" -eq "$3" ]; then PASSES=$((PASSES + 1));
  else echo "FAIL: $1: exit status $2, expected $3"; FAILS=$((FAILS + 1)); fi
}
finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}

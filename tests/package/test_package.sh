# Installs lumen from the build tree and builds the consumer project both with
# find_package(lumen) and with add_subdirectory; each must print the golden ids.
# $1 = lumen build dir, $2 = source dir.
set -uo pipefail
BUILD="$1"; ROOT="$2"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
want="432 383 286 261 376 298 315 421"   # stories260K greedy continuation (golden)
fails=0; passes=0
check() { if printf '%s' "$2" | grep -qF "$want"; then passes=$((passes+1)); else echo "FAIL: $1: got '$2'"; fails=$((fails+1)); fi; }

cmake --install "$BUILD" --prefix "$TMP/prefix" > "$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; exit 1; }
cmake -S "$ROOT/tests/package/consumer" -B "$TMP/fp" -DCMAKE_PREFIX_PATH="$TMP/prefix" -DCMAKE_BUILD_TYPE=Release > "$TMP/fp.log" 2>&1 \
  && cmake --build "$TMP/fp" -j2 >> "$TMP/fp.log" 2>&1 || { cat "$TMP/fp.log"; exit 1; }
check "find_package" "$("$TMP/fp/consumer" "$ROOT/models/stories260K.gguf")"

# Debug: this half checks that lumen works as a subdirectory (targets, include
# paths, options), not its speed; an unoptimised build of the library takes a
# third of the time of a Release one (65 s against about 200 s on 2 cores).
cmake -S "$ROOT/tests/package/consumer" -B "$TMP/sub" -DLUMEN_SOURCE_DIR="$ROOT" -DCMAKE_BUILD_TYPE=Debug > "$TMP/sub.log" 2>&1 \
  && cmake --build "$TMP/sub" -j2 --target consumer >> "$TMP/sub.log" 2>&1 || { cat "$TMP/sub.log"; exit 1; }
check "add_subdirectory" "$("$TMP/sub/consumer" "$ROOT/models/stories260K.gguf")"
echo "$passes passed, $fails failed"
bash "$ROOT/tests/package/check_c_api.sh" "$TMP/prefix" "$ROOT" "$TMP" || fails=$((fails+1))  # the C API package
[ "$fails" -eq 0 ]

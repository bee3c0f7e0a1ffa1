# The C API package from the outside, given an installed prefix:
#  - liblumen.so.1 (soname with the ABI version) exports only lumen_* symbols;
#  - the C and C++ examples build against the installed tree with find_package
#    and with pkg-config, and stream the golden greedy story from stories260K;
#  - the Python binding installs into a venv offline and streams the same story.
# $1 = install prefix, $2 = source dir, $3 = scratch dir. Called by test_package.sh.
set -uo pipefail
PREFIX="$1"; ROOT="$2"; TMP="$3"
MODEL="$ROOT/models/stories260K.gguf"
LIBDIR="$(dirname "$(find "$PREFIX" -name 'liblumen.so.1' | head -n1)")"
# Greedy (temperature 0) reply to "Once upon a time": the golden ids of test_package.sh, and on.
want_start=", there was a little girl"
fails=0; passes=0
ok() { passes=$((passes+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }

# ---- the shared library ----
[ -f "$LIBDIR/liblumen.a" ] && ok || bad "no liblumen.a next to liblumen.so.1"
soname="$(objdump -p "$LIBDIR/liblumen.so.1" | awk '/SONAME/ {print $2}')"
[ "$soname" = "liblumen.so.1" ] && ok || bad "soname is '$soname'"
exported="$(nm -D --defined-only "$LIBDIR/liblumen.so.1" | awk '$2 != "A" {print $3}' | sed 's/@.*//')"
others="$(printf '%s\n' "$exported" | grep -v '^lumen_' || true)"
[ -z "$others" ] && ok || bad "non-lumen_ symbols exported: $(printf '%s' "$others" | head -c 300)"
printf '%s\n' "$exported" | grep -qx lumen_chat_reply && ok || bad "lumen_chat_reply not exported"
for f in include/lumen/lumen.h lib*/cmake/lumen/lumenConfigVersion.cmake lib*/pkgconfig/lumen.pc; do
  compgen -G "$PREFIX/$f" > /dev/null && ok || bad "$f not installed"
done

check_story() {  # name, output
  if [ "${2#"$want_start"}" != "$2" ] && [ ${#2} -gt 60 ]; then ok; else bad "$1: got '$2'"; fi
}

# ---- find_package(lumen) ----
cmake -S "$ROOT/examples" -B "$TMP/ex" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release > "$TMP/ex.log" 2>&1 \
  && cmake --build "$TMP/ex" -j2 >> "$TMP/ex.log" 2>&1 || { cat "$TMP/ex.log"; exit 1; }
out_c="$("$TMP/ex/chat_c" "$MODEL" "Once upon a time" 0)"; check_story "find_package C" "$out_c"
out_cpp="$("$TMP/ex/chat_cpp" "$MODEL" "Once upon a time" 0)"; check_story "find_package C++" "$out_cpp"
[ "$out_c" = "$out_cpp" ] && ok || bad "C and C++ examples differ: '$out_c' vs '$out_cpp'"

# ---- pkg-config ----
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
cc -std=c99 -pedantic -Werror -Wall -Wextra "$ROOT/examples/c/chat.c" -o "$TMP/chat_c_pc" \
  $(pkg-config --cflags --libs lumen) -Wl,-rpath,"$LIBDIR" 2> "$TMP/pc.log" || { cat "$TMP/pc.log"; exit 1; }
[ "$("$TMP/chat_c_pc" "$MODEL" "Once upon a time" 0)" = "$out_c" ] && ok || bad "pkg-config C differs"
# The C++ API links the static library (the shared one exports only the C API).
static_libs="$(pkg-config --static --libs lumen)"
c++ -std=c++20 "$ROOT/examples/cpp/chat.cpp" -o "$TMP/chat_cpp_pc" $(pkg-config --cflags lumen) \
  ${static_libs/-llumen/-l:liblumen.a} 2> "$TMP/pc.log" || { cat "$TMP/pc.log"; exit 1; }
[ "$("$TMP/chat_cpp_pc" "$MODEL" "Once upon a time" 0)" = "$out_c" ] && ok || bad "pkg-config C++ differs"

# ---- Python: pip install into a venv, offline (Debian's python3-venv + python3-setuptools) ----
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
cp -r "$ROOT/bindings/python" "$TMP/pysrc"  # pip builds in place: keep the source tree clean
if "$PY" -m venv --system-site-packages "$TMP/venv" > "$TMP/venv.log" 2>&1 \
   && "$TMP/venv/bin/pip" install --no-index --no-build-isolation "$TMP/pysrc" >> "$TMP/venv.log" 2>&1; then
  out_py="$(cd "$TMP" && LD_LIBRARY_PATH="$LIBDIR" PYTHONDONTWRITEBYTECODE=1 "$TMP/venv/bin/python" \
    "$ROOT/examples/python/chat.py" "$MODEL" "Once upon a time" 0)"
  [ "$out_py" = "$out_c" ] && ok || bad "python example differs: '$out_py'"
else
  cat "$TMP/venv.log"; bad "pip install of bindings/python into a venv"
fi
echo "C API package: $passes passed, $fails failed"
[ "$fails" -eq 0 ]

#!/usr/bin/env bash
# Cross-builds lumen for Windows (x86-64) on Debian 12: `bash scripts/setup.sh --cross windows` installs
# the packages (MinGW-w64, Wine, dpkg-dev, header-only deps) and then runs this.
# Idempotent: installed packages, fetched sources and built libraries are reused; the build is incremental.
#   1. adds deb-src entries (a separate file, only when the machine has none) for `apt-get source`;
#   2. builds PCRE2 and utf8proc from their Debian source packages, the same versions as the Linux
#      build's libpcre2-dev / libutf8proc-dev, as static MinGW libraries into build-windows/third_party;
#   3. links the header-only dependencies there and builds lumen into build-windows/.
# Extra arguments are passed to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
build="$root/build-windows"
tp="$build/third_party"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Source packages: add deb-src lines for the machine's own suites unless some exist already.
src_list=/etc/apt/sources.list.d/lumen-deb-src.sources
if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "setup-windows: adding $src_list (deb-src for bookworm) for apt-get source" >&2
  $sudo tee "$src_list" >/dev/null <<'SRC'
# Added by lumen's scripts/setup_windows.sh: Debian source packages for `apt-get source`.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  $sudo apt-get update
fi

deb_version() { dpkg-query -W -f='${Version}\n' "$1" | head -1; }

# fetch_source SRCPKG BINPKG: unpacks the source of BINPKG's installed version (falling back to
# the other versions apt knows, newest first, when a mirror lacks it) into $tp/src; prints the dir.
fetch_source() {
  local srcpkg="$1" binpkg="$2" want v
  want="$(deb_version "$binpkg")"
  mkdir -p "$tp/src"
  for v in "$want" $(apt-cache showsrc "$srcpkg" | sed -n 's/^Version: //p' | sort -Vr); do
    local dir="$tp/src/$srcpkg-$v"
    if [ -f "$dir/.fetched" ]; then echo "$dir"; return; fi
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    if (cd "$dir.tmp" && apt-get source -qq "$srcpkg=$v" >&2 2>/dev/null); then
      rm -rf "$dir" && mv "$(find "$dir.tmp" -mindepth 1 -maxdepth 1 -type d | head -1)" "$dir"
      rm -rf "$dir.tmp" && touch "$dir/.fetched"
      [ "$v" = "$want" ] || echo "setup-windows: $srcpkg $want has no source on this mirror; using $v" >&2
      echo "$dir"; return
    fi
    rm -rf "$dir.tmp"
  done
  echo "setup-windows: cannot fetch the source of $srcpkg (deb-src entries?)" >&2
  return 1
}

toolchain="$root/cmake/x86_64-w64-mingw32.cmake"
# build_static NAME SRCDIR CMAKE-ARGS...: a static MinGW build installed into $tp.
build_static() {
  local name="$1" dir="$2"; shift 2
  [ -f "$tp/.$name-built" ] && [ "$(cat "$tp/.$name-built")" = "$dir" ] && return
  cmake -S "$dir" -B "$tp/build-$name" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DLUMEN_THIRD_PARTY="$tp" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$tp" -DBUILD_SHARED_LIBS=OFF "$@" >/dev/null
  cmake --build "$tp/build-$name" -j"$(nproc)" >/dev/null
  cmake --install "$tp/build-$name" >/dev/null
  echo "$dir" > "$tp/.$name-built"
}

pcre2_dir="$(fetch_source pcre2 libpcre2-dev)"
build_static pcre2 "$pcre2_dir" -DPCRE2_BUILD_PCRE2_8=ON -DPCRE2_BUILD_PCRE2_16=OFF -DPCRE2_BUILD_PCRE2_32=OFF \
  -DPCRE2_SUPPORT_JIT=ON -DPCRE2_SUPPORT_UNICODE=ON -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_BUILD_TESTS=OFF
utf8proc_dir="$(fetch_source utf8proc libutf8proc-dev)"
build_static utf8proc "$utf8proc_dir" -DUTF8PROC_ENABLE_TESTING=OFF

# pkg-config files that carry the static-linking defines (the upstream ones do not).
mkdir -p "$tp/lib/pkgconfig"
write_pc() {  # NAME LIB DEFINE VERSION
  printf 'prefix=%s\nName: %s\nDescription: static MinGW build for lumen\nVersion: %s\nCflags: -I${prefix}/include -D%s\nLibs: -L${prefix}/lib -l%s\n' \
    "$tp" "$1" "$4" "$3" "$2" > "$tp/lib/pkgconfig/$1.pc"
}
write_pc libpcre2-8 pcre2-8 PCRE2_STATIC "$(basename "$pcre2_dir" | sed 's/^pcre2-//; s/-.*//')"
write_pc libutf8proc utf8proc UTF8PROC_STATIC "$(basename "$utf8proc_dir" | sed 's/^utf8proc-//; s/-.*//')"

# Header-only dependencies, as Debian installs them: their CMake packages are found through links
# under $tp (each package's include dir is relative to its config file, so it resolves inside $tp).
# (Config files are copied, not linked: CMake follows a linked config file back to /usr.)
link() { mkdir -p "$(dirname "$tp/$2")"; ln -sfn "$1" "$tp/$2"; }
link_config() { rm -rf "${tp:?}/$2"; mkdir -p "$tp/$2"; cp "$1"/* "$tp/$2/"; }
link /usr/include/eigen3 include/eigen3
link_config /usr/share/eigen3/cmake share/eigen3/cmake
link /usr/include/CLI include/CLI
link_config /usr/share/cmake/CLI11 share/cmake/CLI11
link /usr/include/nlohmann include/nlohmann
link_config /usr/share/cmake/nlohmann_json share/cmake/nlohmann_json
link /usr/include/catch2 include/catch2
link /usr/include/xsimd include/xsimd
# Catch2's own config also imports its Linux libCatch2WithMain.a: a header-only config replaces it.
link_config /usr/lib/cmake/Catch2 lib/cmake/Catch2
rm -f "$tp"/lib/cmake/Catch2/Catch2Targets*.cmake
cat > "$tp/lib/cmake/Catch2/Catch2Config.cmake" <<'CFG'
# Catch2 v2 (header-only) for the MinGW cross build: Debian's headers, Debian's Catch.cmake.
if(NOT TARGET Catch2::Catch2)
  add_library(Catch2::Catch2 INTERFACE IMPORTED)
  set_target_properties(Catch2::Catch2 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_CURRENT_LIST_DIR}/../../../include")
endif()
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")
CFG

# Wine's first start creates its prefix (~10 s, with messages on stderr): once, here, not in a test.
mkdir -p "$build"
WINEPREFIX="$build/wineprefix" WINEDEBUG=-all wine wineboot.exe --init >/dev/null 2>&1 || true

cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DLUMEN_THIRD_PARTY="$tp" -DCMAKE_BUILD_TYPE=Release \
  -DLUMEN_BUILD_BENCH=OFF "$@"  # Google Benchmark: Debian ships it for Linux only
# LUMEN_WINDOWS_TARGETS="a b": build only these targets (e.g. lumen_cli for a quick lumen.exe).
cmake --build "$build" -j"$(nproc)" ${LUMEN_WINDOWS_TARGETS:+--target $LUMEN_WINDOWS_TARGETS}

#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for lumen and builds it (Release, -O3).
# Idempotent: packages already installed are not touched, the build is incremental.
#   bash scripts/setup.sh                 # install packages, configure, build
#   bash scripts/setup.sh -DLUMEN_NATIVE=ON   # extra CMake options are passed through
#   bash scripts/setup.sh --cross windows     # Windows lumen.exe into build-windows/ (MinGW-w64 + Wine)
set -euo pipefail
cd "$(dirname "$0")/.."

cross=""
if [ "${1:-}" = "--cross" ]; then
  [ "${2:-}" = "windows" ] || { echo "setup: --cross knows only 'windows'" >&2; exit 2; }
  cross=windows
  shift 2
fi

packages=(
  cmake make g++                     # toolchain
  libeigen3-dev libxsimd-dev         # linear algebra (LoRA merge), portable SIMD
  libomp-dev                         # OpenMP runtime for clang builds (g++ uses libgomp)
  libbenchmark-dev catch2            # microbenchmarks, tests (Catch2 v2)
  libcli11-dev nlohmann-json3-dev    # command line, JSON
  libpcre2-dev libutf8proc-dev       # tokenizer regexes and Unicode normalization
  clang                              # libFuzzer and sanitizer builds
  tmux                               # terminal tests of `lumen chat`
  python3 python3-numpy              # model generator (shared tools) and test helpers
)
# Charts for the docs (bench/plot.py) only when asked: LUMEN_SETUP_DOCS=1 bash scripts/setup.sh
if [ "${LUMEN_SETUP_DOCS:-0}" = "1" ]; then packages+=(python3-matplotlib linux-perf); fi

if [ "$cross" = windows ]; then  # MinGW-w64, Wine, apt-get source; header-only deps used as installed
  packages=(g++-mingw-w64-x86-64-posix wine wine64 dpkg-dev cmake make pkg-config python3
            libeigen3-dev libcli11-dev nlohmann-json3-dev catch2 libpcre2-dev libutf8proc-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ "$cross" = windows ]; then exec bash scripts/setup_windows.sh "$@"; fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"

#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for lumen and builds it (Release, -O3).
# Idempotent: packages already installed are not touched, the build is incremental.
#   bash scripts/setup.sh                     # install packages, configure, build into build/
#   bash scripts/setup.sh -DLUMEN_NATIVE=ON   # extra CMake options are passed through
#   bash scripts/setup.sh --cross aarch64     # cross-build for 64-bit ARM into build-aarch64/
#                                             # (tests run under qemu-user: ctest --test-dir build-aarch64)
#   bash scripts/setup.sh --cross windows     # Windows lumen.exe into build-windows/ (MinGW-w64 + Wine)
set -euo pipefail
cd "$(dirname "$0")/.."

cross=""
if [ "${1:-}" = "--cross" ]; then
  cross="${2:?--cross needs a target: aarch64 or windows}"
  shift 2
  case "$cross" in
    aarch64|windows) ;;
    *) echo "setup: unknown cross target '$cross' (known: aarch64, windows)" >&2; exit 2 ;;
  esac
fi

packages=(
  cmake make g++                     # toolchain
  ccache                             # a second build of the same sources from the cache (CI's out-of-tree build)
  libeigen3-dev libxsimd-dev         # linear algebra (LoRA merge), portable SIMD
  libomp-dev                         # OpenMP runtime for clang builds (g++ uses libgomp)
  libbenchmark-dev catch2            # microbenchmarks, tests (Catch2 v2)
  libcli11-dev nlohmann-json3-dev    # command line, JSON
  libpcre2-dev libutf8proc-dev       # tokenizer regexes and Unicode normalization
  clang                              # libFuzzer and sanitizer builds
  tmux                               # terminal tests of `lumen chat`
  python3 python3-numpy              # model generator (shared tools) and test helpers
  pkg-config python3-venv python3-setuptools  # C API package test: pkg-config builds, pip install of bindings/python
  libcpp-httplib-dev                 # `lumen serve`: HTTP
  libjs-marked libjs-katex           # `lumen serve`: the chat page's Markdown and math (served from /usr/share/javascript)
  chromium chromium-driver python3-selenium  # `lumen serve`: the browser test
  nginx-light                        # `lumen serve`: the several-servers-behind-nginx test
  nodejs                             # `lumen serve`: the official openai client test
)
# npm ships with some Node.js builds (NodeSource) and separately in Debian.
command -v npm >/dev/null 2>&1 || packages+=(npm)
# Charts for the docs (bench/plot.py) only when asked: LUMEN_SETUP_DOCS=1 bash scripts/setup.sh
if [ "${LUMEN_SETUP_DOCS:-0}" = "1" ]; then packages+=(python3-matplotlib linux-perf); fi

if [ "$cross" = windows ]; then  # MinGW-w64, Wine, apt-get source; header-only deps used as installed
  packages=(g++-mingw-w64-x86-64-posix wine wine64 dpkg-dev cmake make pkg-config python3
            libeigen3-dev libxsimd-dev libcli11-dev nlohmann-json3-dev catch2 libpcre2-dev libutf8proc-dev)
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# ARM: Debian's cross compiler, qemu-user to run the tests, and the arm64
# multiarch builds of the libraries lumen links (header-only ones are shared).
if [ "$cross" = "aarch64" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
    need_update=1
  fi
  packages+=(g++-aarch64-linux-gnu qemu-user libpcre2-dev:arm64 libutf8proc-dev:arm64 libbenchmark-dev:arm64)
fi

native="$(dpkg --print-architecture)"
missing=()
for p in "${packages[@]}"; do
  # Installed for the architecture asked for (a foreign-arch copy does not count).
  arch="$native"
  case "$p" in *:*) arch="${p##*:}" ;; esac
  dpkg-query -W -f='${Status} ${Architecture}\n' "$p" 2>/dev/null |
    grep -qE "install ok installed ($arch|all)$" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ -n "${need_update:-}" ]; then
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update
  [ "${#missing[@]}" -eq 0 ] ||
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ "$cross" = windows ]; then exec bash scripts/setup_windows.sh "$@"; fi

if [ "$cross" = "aarch64" ]; then
  cmake -S . -B build-aarch64 -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake "$@"
  cmake --build build-aarch64 -j"$(nproc)"
  exit 0
fi

if [ "$cross" = windows ]; then exec bash scripts/setup_windows.sh "$@"; fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
# The official openai client for the `lumen serve` conformance test, into the build tree.
[ -d build/npm/node_modules/openai ] || npm install --prefix build/npm --no-audit --no-fund openai@4
cmake --build build -j"$(nproc)"

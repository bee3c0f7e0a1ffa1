# Cross-compiling lumen for 64-bit ARM Linux (Raspberry Pi OS / Debian arm64,
# Android-class boards) on a Debian x86-64 machine, with Debian's cross
# compiler and the arm64 multiarch -dev packages (bash scripts/setup.sh --cross aarch64
# installs both). Tests run under qemu-user: `ctest` in the build directory
# executes every test binary through the emulator. QEMU_CPU picks the emulated
# core (e.g. cortex-a53: NEON only, cortex-a76: + dotprod, max: + i8mm).
#
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)

# Libraries and pkg-config files of the arm64 multiarch packages; headers that
# are the same for every architecture (Eigen, xsimd, Catch2, CLI11, JSON) come
# from /usr/include as usual.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

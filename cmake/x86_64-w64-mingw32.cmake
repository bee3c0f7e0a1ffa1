# Cross-compiling lumen for 64-bit Windows from Debian with MinGW-w64 (posix threads).
#   cmake -S . -B build-windows -DCMAKE_TOOLCHAIN_FILE=cmake/x86_64-w64-mingw32.cmake
# Packages: g++-mingw-w64-x86-64-posix, wine, wine64 (scripts/setup.sh --cross windows).
# The static libraries Debian does not ship for MinGW (PCRE2, utf8proc) are looked for in
# LUMEN_THIRD_PARTY (default: BUILD_DIR/third_party), where setup_windows.sh installs them;
# header-only libraries (Eigen, CLI11, nlohmann-json, Catch2) are used as Debian installs them,
# through links in the same folder (so /usr/include itself never reaches the compiler).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(_lumen_mingw x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_lumen_mingw}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_lumen_mingw}-g++-posix)
set(CMAKE_RC_COMPILER ${_lumen_mingw}-windres)

if(NOT LUMEN_THIRD_PARTY)
  set(LUMEN_THIRD_PARTY "${CMAKE_BINARY_DIR}/third_party")
endif()
set(LUMEN_THIRD_PARTY "${LUMEN_THIRD_PARTY}" CACHE PATH "Static MinGW builds of PCRE2 and utf8proc, header-only deps")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LUMEN_THIRD_PARTY)  # try_compile re-reads this file
set(CMAKE_FIND_ROOT_PATH /usr/${_lumen_mingw} "${LUMEN_THIRD_PARTY}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} "${LUMEN_THIRD_PARTY}/lib/pkgconfig")


# Windows x64 only guarantees a 16-byte aligned stack, and GCC cannot realign it
# for 32/64-byte AVX spills (GCC bug 54412): have the assembler emit unaligned
# vector moves, which cost nothing on aligned data.
set(CMAKE_CXX_FLAGS_INIT "-Wa,-muse-unaligned-vector-move")
set(CMAKE_C_FLAGS_INIT "-Wa,-muse-unaligned-vector-move")

# Static C, C++ and threads runtime: lumen.exe needs no DLL beside it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# ctest (and Catch2's test discovery) run the .exe files under Wine. Debian 12's
# /usr/bin/wine starts the 64-bit loader when wine32 is absent; WINEDEBUG=-all
# silences its "wine32 is missing" hint. The Wine prefix lives in the build tree.
set(CMAKE_CROSSCOMPILING_EMULATOR
  /usr/bin/env "WINEPREFIX=${CMAKE_BINARY_DIR}/wineprefix" WINEDEBUG=-all LC_ALL=C.UTF-8 /usr/bin/wine)

# OpenMP: link GCC's static libgomp (FindOpenMP would pick the import library of libgomp-1.dll).
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libgomp.a OUTPUT_VARIABLE _lumen_gomp
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(EXISTS "${_lumen_gomp}")
  set(OpenMP_gomp_LIBRARY "${_lumen_gomp}" CACHE FILEPATH "static libgomp for MinGW")
endif()

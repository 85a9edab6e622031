# Cross build for AArch64 Linux (the NEON kernels), tests run under QEMU user-mode emulation.
#
#   cmake -S . -B build/aarch64 -G Ninja \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#   cmake --build build/aarch64 && ctest --test-dir build/aarch64
#
# Debian/Ubuntu packages: g++-aarch64-linux-gnu (compiler and the target's libc/libstdc++
# under /usr/aarch64-linux-gnu) and qemu-user (qemu-aarch64). CTest runs every test program
# through CMAKE_CROSSCOMPILING_EMULATOR; -L points QEMU's dynamic loader at the target root.
#
# Without network access: fmt and Google Benchmark have no aarch64 packages here, so
# FetchContent would try to download them. Add -Dfmt_DIR=/usr/lib/x86_64-linux-gnu/cmake/fmt
# (lowp links fmt::fmt-header-only, which is architecture independent) and
# -DLOWP_BUILD_BENCH=OFF.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(LOWP_AARCH64_TRIPLE aarch64-linux-gnu)
set(LOWP_AARCH64_SYSROOT /usr/${LOWP_AARCH64_TRIPLE})

set(CMAKE_C_COMPILER ${LOWP_AARCH64_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${LOWP_AARCH64_TRIPLE}-g++)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;${LOWP_AARCH64_SYSROOT})

# Programs (tools run at build time) come from the host; libraries and headers that find_*
# calls look up come from the target root only.
set(CMAKE_FIND_ROOT_PATH ${LOWP_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Packages: the target root and the host, so that architecture-independent config packages
# of the host are found (Debian's Catch2 2.x: /usr/lib/cmake/Catch2; only its header target
# Catch2::Catch2 is usable, Catch2::Catch2WithMain is an x86-64 static library). Host config
# packages of compiled libraries live under /usr/lib/x86_64-linux-gnu/cmake, which is not
# searched (CMake only adds lib/<CMAKE_LIBRARY_ARCHITECTURE> = lib/aarch64-linux-gnu).
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Cross build for 64-bit Arm Linux (STM32MP2: Cortex-A35, Armv8-A, NEON, no dot product)
# with Debian's gcc-aarch64-linux-gnu (+ libc6-dev-arm64-cross):
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# The dot-product (SDOT) kernels are compiled in their own file with
# -march=armv8.2-a+dotprod and chosen at run time (getauxval HWCAP_ASIMDDP), so
# the same binary runs on a Cortex-A35 and uses SDOT on Armv8.2+ cores.
# ctest runs the tests under qemu-aarch64 -cpu cortex-a35 (R50_QEMU_CPU to change:
# -DR50_QEMU_CPU=max runs the SDOT path).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(R50_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
# -march + -mtune rather than -mcpu: the SDOT file adds -march=armv8.2-a+dotprod,
# which -mcpu=cortex-a35 would conflict with.
set(CMAKE_C_FLAGS_INIT "-march=armv8-a -mtune=cortex-a35")
# Release at -O2: Debian's cross gcc 12 (aarch64) dies with an internal compiler
# error in vect_transform_reduction on tests/test_ops_softmax.c at -O3.
set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Flags for Release builds")
set(R50_QEMU_CPU cortex-a35 CACHE STRING "CPU model qemu-aarch64 emulates for ctest")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -cpu ${R50_QEMU_CPU} -L /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config looks only at the target's libraries (Debian multiarch paths)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

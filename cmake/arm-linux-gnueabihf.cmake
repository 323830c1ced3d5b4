# Cross build for 32-bit Arm Linux (STM32MP1: Cortex-A7, Armv7-A, NEON + VFPv4, hard float)
# with Debian's gcc-arm-linux-gnueabihf (+ libc6-dev-armhf-cross):
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/arm-linux-gnueabihf.cmake
# The NEON kernels are used when the kernel reports HWCAP_NEON (getauxval).
# ctest runs the tests under qemu-arm -cpu cortex-a7.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(R50_CROSS_TRIPLE arm-linux-gnueabihf)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
# _FILE_OFFSET_BITS=64: 64-bit inode numbers and file sizes (readdir fails with
# EOVERFLOW on filesystems with large inode numbers otherwise).
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-a7 -mfpu=neon-vfpv4 -mfloat-abi=hard -D_FILE_OFFSET_BITS=64")
# Release at -O2: Debian's cross gcc 12 (aarch64) dies with an internal compiler
# error in vect_transform_reduction on tests/test_ops_softmax.c at -O3.
set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "Flags for Release builds")
set(R50_QEMU_CPU cortex-a7 CACHE STRING "CPU model qemu-arm emulates for ctest")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -cpu ${R50_QEMU_CPU} -L /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

#!/usr/bin/env bash
# Arm Linux cross builds (STM32MP2 Cortex-A35 AArch64, STM32MP1 Cortex-A7 armhf)
# and their bit-exactness under qemu-user (always with an explicit -cpu: QEMU's
# default CPU accepts instructions these cores lack):
#   qemu-aarch64 -cpu cortex-a35   levels ref, neon
#   qemu-aarch64 -cpu max          levels ref, neon, neondot (SDOT)
#   qemu-arm     -cpu cortex-a7    levels ref, neon (Armv7-A NEON)
# Per target: test_kernels_arm (every NEON kernel against the reference),
# test_kernels_f32 (the AArch64 float32 conv/FC kernel against the reference), the
# small goldens (ResNet-8 int8/float, MobileNetV2, uint8 refusal) at every level
# the emulated CPU has, and the ResNet50V2 224 golden (1 input) at the best
# NEON level. Bounded for CI (110-200 s on 2 shared cores); the full ctest suite runs
# with `ctest --test-dir build-aarch64` (slower: test_quantize alone ~2 min).
# Usage: tests/cross.sh [SHARED_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
targets="test_kernels_arm test_kernels_f32 test_golden r50"
small="pretrainedResnet_quant pretrainedResnet tf2_mobilenet_v2_1.0_224_ptq mobilenet_v1_0.25_128_quant"

build() { # dir toolchain
  cmake -S . -B "$1" -DCMAKE_TOOLCHAIN_FILE="cmake/$2.cmake" -DCMAKE_BUILD_TYPE=Release \
    -DR50_SHARED_DIR="$(cd "$SHARED" && pwd)" >/dev/null
  cmake --build "$1" -j"$JOBS" --target $targets >/dev/null
}

run_target() { # dir "qemu command" best-level
  local dir=$1 qemu=$2 best=$3 t0=$SECONDS
  echo "-- $qemu"
  $qemu "$dir/test_kernels_arm" | grep -E "best ISA|differ|skipped|checks"
  $qemu "$dir/test_kernels_f32" | grep -E "cases|no SIMD|checks"
  for m in $small; do
    R50_GOLDEN_MAX=1 $qemu "$dir/test_golden" "$m" | grep -E "checks|DIFFERS" | sed "s/^/$m: /"
  done
  R50_GOLDEN_MAX=1 R50_GOLDEN_ISA=$best $qemu "$dir/test_golden" resnet50v2_224_int8 |
    grep -E "checks|bit-exact|DIFFERS" | sed "s/^/[$best] /"
  echo "   ($((SECONDS - t0)) s)"
}

t0=$SECONDS
build build-aarch64 aarch64-linux-gnu
build build-armhf arm-linux-gnueabihf
echo "cross builds: $((SECONDS - t0)) s"
run_target build-aarch64 "qemu-aarch64 -cpu cortex-a35 -L /usr/aarch64-linux-gnu" neon
run_target build-aarch64 "qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu" neondot
run_target build-armhf "qemu-arm -cpu cortex-a7 -L /usr/arm-linux-gnueabihf" neon
echo "cross: all bit-exact ($((SECONDS - t0)) s)"

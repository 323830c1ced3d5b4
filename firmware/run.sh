#!/usr/bin/env bash
# Cortex-M7 firmware tests under QEMU: for each model, `r50 codegen` (host),
# cross-build with arm-none-eabi-gcc (firmware/Makefile: r50's startup, linker
# script, semihosting), run every golden input under qemu-system-arm with
# semihosting and -icount, and require the output byte for byte (QEMU's exit
# status is the firmware's: the number of mismatches).
#
#   firmware/run.sh [--r50 BIN] [--out DIR] [--profile] [--kernels dsp|ref] [MODEL...]  (dsp, default: src/kernels/cortexm)
# MODEL: resnet8 | mobilenetv2 (mps2-an500) | resnet50v2 (mps3-an547; long run).
# Default: resnet8 mobilenetv2. Instruction counts assume -icount shift=0
# (1 instruction = 1 ns of virtual time); QEMU has no cycle counter.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${R50_SHARED_DIR:-$root/../shared}
r50=$root/build/r50
out=$root/build/firmware
profile="" kernels=dsp models=()
while [ $# -gt 0 ]; do
  case $1 in
    --r50) r50=$2; shift ;;
    --out) out=$2; shift ;;
    --profile) profile=--profile ;;
    --kernels) kernels=$2; shift ;;
    *) models+=("$1") ;;
  esac
  shift
done
[ ${#models[@]} -gt 0 ] || models=(resnet8 mobilenetv2)
mkdir -p "$out"
fail=0
for name in "${models[@]}"; do
  case $name in
    resnet8) stem=pretrainedResnet_quant board=an500 ;;
    mobilenetv2) stem=tf2_mobilenet_v2_1.0_224_ptq board=an500 ;;
    resnet50v2) stem=resnet50v2_224_int8 board=an547 ;;
    *) echo "unknown model $name" >&2; exit 2 ;;
  esac
  gen=$out/gen/$name
  mkdir -p "$gen"
  "$r50" codegen "$shared/models/$stem.tflite" -o "$gen" --name "$name" >/dev/null
  bdir=$out/$board-$kernels
  make -s -C "$here" MODEL_DIR="$gen" NAME="$name" BOARD="$board" OUT="$bdir" KERNELS="$kernels" >/dev/null
  args=(--dir "$shared/golden/$stem")
  for in in "$shared/golden/$stem"/*.in.bin; do
    b=$(basename "$in")
    args+=("${b%.in.bin}")
  done
  if [ "$board" = an547 ]; then
    machine=(-M mps3-an547)
  else
    machine=(-M mps2-an500 -cpu cortex-m7)
  fi
  echo "== $name on $board ($kernels kernels): $((${#args[@]} - 2)) golden inputs"
  t0=$SECONDS
  set +e
  qemu-system-arm "${machine[@]}" -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -icount shift=0 \
    -kernel "$bdir/$name.elf" -append "--icount-shift 0 $profile ${args[*]}"
  rc=$?
  set -e
  echo "== $name: QEMU exit status $rc ($((SECONDS - t0)) s)"
  [ $rc -eq 0 ] || fail=1
done
exit $fail

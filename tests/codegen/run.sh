#!/usr/bin/env bash
# Host test of `r50 codegen`: generate C for the ResNet-8 int8 and MobileNetV2
# PTQ models, compile it with the host compiler against libr50, run it on every
# golden input and compare byte for byte with the TFLM golden and with the
# interpreter (`r50 run`, reference kernels). Also builds ResNet-8 with
# --weights-c (the C-array weights variant).
# Usage: run.sh R50_BIN LIBR50_A CC SRC_DIR SHARED_DIR WORK_DIR
set -euo pipefail
r50=$1 lib=$2 cc=$3 src=$4 shared=$5 work=$6
export R50_ISA=ref   # the generated plan is the reference kernels' plan (x86 kernels plan other scratch)
rm -rf "$work" && mkdir -p "$work"
fail=0
gen_and_check() { # model stem, name, extra codegen flags
  local model=$1 name=$2 flags=${3:-}
  local d="$work/$name"
  mkdir -p "$d"
  "$r50" codegen "$shared/models/$model.tflite" -o "$d" --name "$name" $flags >/dev/null
  local up
  up=$(echo "$name" | tr a-z A-Z)
  local wsrc="$d/${name}_weights.S"
  [ -f "$d/${name}_weights.c" ] && wsrc="$d/${name}_weights.c"
  local t0=$SECONDS
  # shellcheck disable=SC2086 # R50_CG_CFLAGS: sanitizer flags of an instrumented libr50
  "$cc" -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla -ffp-contract=off ${R50_CG_CFLAGS:-} \
    -I"$src/include" -I"$src/src" -I"$d" -Wa,-I,"$d" \
    -DR50_CG_NAME="$name" -DR50_CG_UPPER="$up" \
    "$src/tests/codegen/main.c" "$d/$name.c" "$wsrc" "$lib" -lm -lpthread -o "$d/run"
  echo "codegen $name $flags: compiled in $((SECONDS - t0)) s"
  local args=() stems=()
  for in in "$shared/golden/$model"/*.in.bin; do
    local stem
    stem=$(basename "$in" .in.bin)
    args+=("$in" "$d/$stem.out.bin")
    stems+=("$stem")
  done
  "$d/run" "${args[@]}"
  for stem in "${stems[@]}"; do
    if cmp -s "$d/$stem.out.bin" "$shared/golden/$model/$stem.out.bin"; then
      echo "  $model/$stem: generated code bit-exact with the golden"
    else
      echo "  $model/$stem: generated code DIFFERS from the golden"; fail=1
    fi
  done
  # against the interpreter on the first input
  "$r50" run "$shared/models/$model.tflite" "${args[0]}" "$d/interp.out.bin" >/dev/null
  if cmp -s "$d/interp.out.bin" "${args[1]}"; then
    echo "  $model/${stems[0]}: generated code identical to the interpreter"
  else
    echo "  $model/${stems[0]}: generated code DIFFERS from the interpreter"; fail=1
  fi
}
gen_and_check pretrainedResnet_quant resnet8
gen_and_check pretrainedResnet_quant resnet8c --weights-c
gen_and_check tf2_mobilenet_v2_1.0_224_ptq mobilenetv2
exit $fail

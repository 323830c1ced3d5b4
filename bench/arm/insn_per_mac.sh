#!/usr/bin/env bash
# Executed guest instructions per MAC of one invoke, under qemu-user with the
# instruction-counting TCG plugin (insn_plugin.c). This counts instructions,
# not time: emulated time says nothing about a Cortex-A35/A7's NEON speed.
#   bench/arm/insn_per_mac.sh QEMU_PLUGIN_H_DIR MODEL "QEMU CMD" R50_BINARY ISA...
# e.g. after `apt-get source --download-only qemu` (deb-src) and extracting
#   include/qemu/qemu-plugin.h of the installed QEMU version:
#   bench/arm/insn_per_mac.sh /tmp/qemu-7.2.0/include/qemu ../shared/models/resnet50v2_224_int8.tflite \
#     "qemu-aarch64 -cpu cortex-a35 -L /usr/aarch64-linux-gnu" build-aarch64/r50 ref neon
# One invoke = count(r50 bench --runs 3) - count(--runs 1), halved (load, plan,
# weight packing and the 1 thread's setup cancel out); 1 thread, warm-up 0.
set -euo pipefail
inc=$1 model=$2 qemu=$3 r50=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
plugin=${TMPDIR:-/tmp}/libr50insn.so
gcc -O2 -shared -fPIC -I"$inc" "$here/insn_plugin.c" -o "$plugin"
count() { # isa runs
  $qemu -plugin "$plugin" "$r50" bench "$model" --runs "$2" --warmup 0 --threads 1 --isa "$1" 2>&1 |
    sed -n 's/^insns: //p'
}
macs=$($qemu "$r50" info "$model" | awk '$1 == "MACs" { print $2; exit }')
for isa in "$@"; do
  a=$(count "$isa" 1)
  b=$(count "$isa" 3)
  awk -v a="$a" -v b="$b" -v m="$macs" -v isa="$isa" -v q="$qemu" 'BEGIN {
    n = (b - a) / 2; printf "%-48s %-8s %14.0f instructions per invoke", q, isa, n;
    if (m > 0) printf ", %.3f per MAC (%.0f MAC)", n / m, m; printf "\n" }'
done

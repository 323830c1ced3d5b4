#!/usr/bin/env bash
# Run the test suite's executables under valgrind memcheck (CI: make valgrind).
# Any memcheck error or definite leak fails. Skipped: test_kernels_x86 (an
# exhaustive SIMD-vs-reference sweep; valgrind has no AVX-512 and the sweep is
# covered by ASan). test_golden runs one image per model (R50_GOLDEN_MAX=1),
# test_malformed 300 bit-flip trials and every 97th truncation
# (R50_MALFORMED_TRIALS), test_quantize skips its 224x224 twin (R50_TWIN_224=0;
# the 64x64 one runs), and the fuzz regressions replay tests/regress.
#   tests/valgrind.sh BUILD_DIR [TEST...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: tests/valgrind.sh BUILD_DIR [TEST...]}
shift
command -v valgrind >/dev/null || { echo "valgrind: not installed (scripts/setup installs it)" >&2; exit 1; }
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --track-origins=yes)
if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=()
  for t in "$build"/test_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    n=$(basename "$t")
    [ "$n" = test_kernels_x86 ] && continue
    tests+=("$n")
  done
  for r in tests/regress/*/; do tests+=("regress_$(basename "$r")"); done
fi
fail=0
for n in "${tests[@]}"; do
  start=$(date +%s)
  case $n in
    regress_*) cmd=("$build/replay_${n#regress_}" "tests/regress/${n#regress_}") ;;
    *) cmd=("$build/$n") ;;
  esac
  if R50_GOLDEN_MAX=1 R50_MALFORMED_TRIALS=300 R50_TWIN_224=0 "${vg[@]}" "${cmd[@]}" >"$build/valgrind-$n.log" 2>&1; then
    echo "valgrind: $n ok ($(( $(date +%s) - start )) s)"
  else
    fail=1
    echo "valgrind: $n FAILED (log $build/valgrind-$n.log)" >&2
    grep -E "^==[0-9]+== " "$build/valgrind-$n.log" | head -40 >&2 || tail -20 "$build/valgrind-$n.log" >&2
  fi
done
exit $fail

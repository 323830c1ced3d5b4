#!/usr/bin/env bash
# CLI contract: exit codes, one-line errors, run output identical to the golden.
# Usage: cli.sh PATH/TO/r50 SHARED_DIR
set -u
r50=$1; shared=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
expect() { # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  n=$((n+1))
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: exit $got, want $want"; cat "$tmp/err"; fail=$((fail+1))
  fi
}
m=$shared/models/pretrainedResnet_quant.tflite
g=$shared/golden/pretrainedResnet_quant

expect 0 "top-level help" -- "$r50" --help
grep -q "Exit codes" "$tmp/out" || { echo "FAIL: --help lacks exit codes"; fail=$((fail+1)); }
expect 0 "info help" -- "$r50" info --help
expect 0 "run help" -- "$r50" run --help
expect 2 "no command" -- "$r50"
expect 2 "unknown command" -- "$r50" frobnicate
expect 2 "run missing args" -- "$r50" run "$m"
expect 0 "info" -- "$r50" info "$m"
grep -q "CONV_2D" "$tmp/out" && grep -q "MACs" "$tmp/out" && grep -q "arena bytes" "$tmp/out" \
  || { echo "FAIL: info output incomplete"; cat "$tmp/out"; fail=$((fail+1)); }
expect 0 "run golden" -- "$r50" run "$m" "$g/cat.in.bin" "$tmp/cat.out"
cmp -s "$tmp/cat.out" "$g/cat.out.bin" || { echo "FAIL: run output differs from golden"; fail=$((fail+1)); }
for t in 1 2 0; do
  expect 0 "run --threads $t" -- "$r50" run --threads $t --isa ref "$m" "$g/cat.in.bin" "$tmp/cat$t.out"
  cmp -s "$tmp/cat$t.out" "$g/cat.out.bin" || { echo "FAIL: run --threads $t differs from golden"; fail=$((fail+1)); }
done
expect 2 "run --threads -1" -- "$r50" run --threads -1 "$m" "$g/cat.in.bin" "$tmp/x.out"
expect 2 "run --isa bogus" -- "$r50" run --isa bogus "$m" "$g/cat.in.bin" "$tmp/x.out"
grep -q "unknown --isa 'bogus'" "$tmp/err" || { echo "FAIL: --isa message"; cat "$tmp/err"; fail=$((fail+1)); }
head -c 100 "$g/cat.in.bin" >"$tmp/short.bin"
expect 5 "wrong input size" -- "$r50" run "$m" "$tmp/short.bin" "$tmp/x.out"
grep -q "needs exactly 3072" "$tmp/err" || { echo "FAIL: wrong-size message"; cat "$tmp/err"; fail=$((fail+1)); }
[ "$(wc -l <"$tmp/err")" = 1 ] || { echo "FAIL: error is not one line"; fail=$((fail+1)); }
expect 3 "missing model file" -- "$r50" info "$tmp/nope.tflite"
expect 3 "missing input file" -- "$r50" run "$m" "$tmp/nope.bin" "$tmp/x.out"
expect 4 "broken model" -- "$r50" info "$shared/models/model_invoking_error.tflite"
[ "$(wc -l <"$tmp/err")" = 1 ] || { echo "FAIL: model error is not one line"; cat "$tmp/err"; fail=$((fail+1)); }
head -c 5000 "$m" >"$tmp/trunc.tflite"
expect 4 "truncated model" -- "$r50" info "$tmp/trunc.tflite"
expect 3 "unwritable output" -- "$r50" run "$m" "$g/cat.in.bin" "$tmp/no/such/dir/out.bin"
expect 0 "info --memory --svg" -- "$r50" info --memory --svg "$tmp/mem.svg" "$m"
grep -q "^peak: " "$tmp/out" && grep -q "</svg>" "$tmp/mem.svg" \
  || { echo "FAIL: info --memory output or svg incomplete"; fail=$((fail+1)); }
expect 2 "info unknown option" -- "$r50" info --frobnicate "$m"
# report on a given model: footprint figures from the model, measured latency rows and stack
expect 0 "report --json" -- "$r50" report "$m" --runs 2 --json
j=$(cat "$tmp/out")
stack=$(sed -n 's/.*"stack_bytes": \([0-9]*\).*/\1/p' "$tmp/out")
case "$j" in *'"params": 77708,'*'"macs": 12501632,'*'"latency": [{"isa": "ref", "threads": 1,'*) ;;
  *) echo "FAIL: report --json fields"; echo "$j"; fail=$((fail+1)) ;; esac
[ -n "$stack" ] && [ "$stack" -gt 256 ] && [ "$stack" -lt 1048576 ] \
  || { echo "FAIL: report stack_bytes '$stack' not a plausible measurement"; fail=$((fail+1)); }
expect 0 "report" -- "$r50" report "$m" --runs 1
grep -q "runtime RAM (context + stack)" "$tmp/out" && grep -q "latency ref, 1 thread" "$tmp/out" \
  && grep -q "2142.07 KiB" "$tmp/out" || { echo "FAIL: report table"; cat "$tmp/out"; fail=$((fail+1)); }
expect 2 "report --runs 0" -- "$r50" report "$m" --runs 0
echo "cli: $n cases, $fail failures"
[ "$fail" = 0 ]

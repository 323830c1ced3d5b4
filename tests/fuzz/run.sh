#!/usr/bin/env bash
# Build the libFuzzer harnesses (CC=clang, -DR50_FUZZ=ON, build-fuzz/), build
# seed corpora from SHARED (default ../shared) and small models r50 builds into a
# scratch folder, and run every fuzzer for SECONDS (default 60) at nice 19, one
# at a time. Fails on any crash, sanitizer report, leak, timeout (-timeout=10 s
# per input) or out-of-memory (-rss_limit_mb=2048, one malloc > 512 MB); the reproducer is left in
# the scratch folder (kept on failure) and its path printed.
#
#   tests/fuzz/run.sh [SECONDS] [FUZZER...]      FUZZER: model bmp pnm png jpeg text
#   R50_FUZZ_RUNS=N   also stop each fuzzer after N executions
#   R50_FUZZ_BUILD=D  build folder (default build-fuzz), R50_FUZZ_WORK=D scratch folder
#   R50_FUZZ_JOBS=N   build parallelism (default 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
[ $# -gt 0 ] && shift
fuzzers=${*:-model bmp pnm png jpeg text}
shared=${SHARED:-../shared}
build=${R50_FUZZ_BUILD:-build-fuzz}
work=${R50_FUZZ_WORK:-$(mktemp -d /tmp/r50-fuzz.XXXXXX)}
jobs=${R50_FUZZ_JOBS:-2}

command -v clang >/dev/null || { echo "fuzz: clang not found (scripts/setup installs it)" >&2; exit 1; }
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DR50_FUZZ=ON \
  -DR50_SHARED_DIR="$(cd "$shared" && pwd)" >/dev/null
targets=mkseeds
for f in $fuzzers; do targets="$targets fuzz_$f"; done
# shellcheck disable=SC2086
nice -n 19 cmake --build "$build" -j"$jobs" --target $targets >/dev/null

mkdir -p "$work"
# mkseeds runs instrumented: no leak check needed for a one-shot tool
ASAN_OPTIONS=detect_leaks=0 "$build/mkseeds" "$shared" "$work/seeds"
dict=tests/fuzz/r50.dict
status=0
summary=""
for f in $fuzzers; do
  corpus="$work/corpus/$f"
  mkdir -p "$corpus" "$work/artifacts/$f"
  case $f in
    model) maxlen=131072 ;;   # the shared ResNet-8 (98 KB) fits; bigger seeds are truncated
    text) maxlen=4096 ;;
    *) maxlen=16384 ;;
  esac
  limit=(-max_total_time="$secs")
  [ -n "${R50_FUZZ_RUNS:-}" ] && limit+=(-runs="$R50_FUZZ_RUNS")
  log="$work/$f.log"
  echo "fuzz: $f for $secs s${R50_FUZZ_RUNS:+ or $R50_FUZZ_RUNS runs} (log $log)"
  rc=0
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    nice -n 19 "$build/fuzz_$f" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len="$maxlen" \
    -dict="$dict" -print_final_stats=1 -artifact_prefix="$work/artifacts/$f/" \
    "$corpus" "$work/seeds/$f" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    status=1
    echo "fuzz: $f FAILED (exit $rc); reproducer(s):" >&2
    ls "$work/artifacts/$f" >&2 || true
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20 >&2 || true
  fi
  summary="$summary$(printf '%-6s %12s executions  %s' "$f" "${execs:-?}" "$([ $rc -eq 0 ] && echo ok || echo FAILED)")\n"
done
printf "fuzz summary (%s):\n%b" "$work" "$summary"
if [ $status -eq 0 ] && [ -z "${R50_FUZZ_WORK:-}" ]; then rm -rf "$work"; fi
exit $status

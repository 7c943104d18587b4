#!/bin/bash
# strace 6.1's own test suite as a judge of strec-replay (not part of ctest: it takes about half
# an hour). Each of strace's test programs prints the exact lines strace must print for the
# syscalls it makes; the suite's scripts run "$STRACE -o LOG OPTIONS PROGRAM" and compare. Here
# $STRACE is strace_as_strec.py: strec-record (ptrace) runs the program, strec-replay renders the
# trace with the test's options. The share that passes is counted against the tests the real
# strace passes on the same machine.
#
#   tests/strace_suite/run.sh [--src DIR] [--bin DIR] [--out DIR] [--jobs N] [--tests LIST]
#
#   --src DIR    strace 6.1's unpacked source (default: fetched with `apt-get source strace`
#                into OUT/src; needs a deb-src line for bookworm, which root gets added)
#   --bin DIR    strec-record and strec-replay (default: build/bin)
#   --out DIR    results (default: build/strace-suite): strace.pass, strec.pass, strec.fail,
#                report.md, and the failed tests' logs under logs/
#   --tests FILE only the tests named in FILE (one per line), e.g. OUT/strec.fail to re-check
#   --rebaseline run the suite with the real strace again (else OUT/strace.pass is reused)
#   --baseline-only  only that
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
src= bin=$root/build/bin out=$root/build/strace-suite jobs=$(nproc) only= rebaseline=0 baseline_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --src) src=$(realpath "$2"); shift 2 ;;
    --bin) bin=$(realpath "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --tests) only=$(realpath "$2"); shift 2 ;;
    --rebaseline) rebaseline=1; shift ;;
    --baseline-only) baseline_only=1; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(realpath "$out")
for tool in strec-record strec-replay; do
  [ -x "$bin/$tool" ] || { echo "run.sh: $bin/$tool is missing: build first" >&2; exit 1; }
done
command -v strace > /dev/null || { echo "run.sh: strace is not installed" >&2; exit 1; }

if [ -z "$src" ]; then
  src=$(ls -d "$out"/src/strace-6.1 2> /dev/null || true)
  if [ -z "$src" ]; then
    if ! apt-get source --print-uris strace > /dev/null 2>&1; then
      [ "$(id -u)" = 0 ] || { echo "run.sh: add a deb-src line for bookworm, or give --src" >&2; exit 1; }
      echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
        "http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list.d/strec-src.list
      apt-get update -qq
    fi
    mkdir -p "$out/src"
    (cd "$out/src" && apt-get source -qq strace > /dev/null)
    src=$out/src/strace-6.1
  fi
fi
[ -f "$src/tests/gen_tests.in" ] || { echo "run.sh: $src is not strace 6.1's source" >&2; exit 1; }

# Build the test programs (strace itself is not needed; some programs fail to build against
# newer kernel headers: -k, and their tests count for neither side).
if [ ! -f "$src/tests/Makefile" ]; then
  (cd "$src" && ./configure --enable-mpers=no --disable-gcc-Werror > "$out/configure.log" 2>&1)
fi
echo "building strace's test programs (log: $out/build.log)"
make -k -j"$jobs" -C "$src/tests" check TESTS= > "$out/build.log" 2>&1 || true

all_tests() {
  make -s -C "$src/tests" -f Makefile -f - print-tests <<< 'print-tests: ; @echo $(TESTS)' |
    tr ' ' '\n' | grep -v '^$'
}

# Runs the suite (the tests in $1) with STRACE=$2; writes the tests that passed to $3.
run_suite() {
  local list=$1 strace=$2 pass=$3
  # The results of an earlier run (of the other side, or one cut short) must not be counted.
  (cd "$src/tests" && sed 's/\.test$//' "$list" | while read -r t; do rm -f "$t.trs" "$t.log"; done)
  (cd "$src/tests" && TIMEOUT_DURATION=120 STRACE="$strace" \
    make -k -j"$jobs" check-TESTS check_PROGRAMS= check_LIBRARIES= TESTS="$(tr '\n' ' ' < "$list")" > "$out/suite.log" 2>&1) || true
  : > "$pass"
  while read -r t; do
    local trs="$src/tests/${t%.test}.trs"
    if [ -f "$trs" ] && grep -q '^:test-result: PASS' "$trs"; then echo "$t" >> "$pass"; fi
  done < "$list"
}

all_tests > "$out/all.tests"
if [ "$rebaseline" = 1 ] || [ ! -s "$out/strace.pass" ]; then
  echo "running the suite with the real strace ($(strace -V | head -1))"
  run_suite "$out/all.tests" "$(command -v strace)" "$out/strace.pass"
fi
[ "$baseline_only" = 0 ] || exit 0
list=$out/strace.pass
if [ -n "$only" ]; then
  grep -Fxf "$only" "$out/strace.pass" > "$out/selected.tests" || true
  list=$out/selected.tests
fi
echo "running $(wc -l < "$list") tests with strec-record + strec-replay"
export STREC_BIN=$bin
run_suite "$list" "/usr/bin/python3 $here/strace_as_strec.py" "$out/strec.pass.run"
grep -vxFf "$out/strec.pass.run" "$list" > "$out/strec.fail.run" || true
if [ -n "$only" ] && [ -f "$out/strec.pass" ]; then
  # Merge a partial run into the last whole one.
  sort -u <(grep -vxFf "$list" "$out/strec.pass" || true) "$out/strec.pass.run" > "$out/strec.pass.new"
  mv "$out/strec.pass.new" "$out/strec.pass"
else
  mv "$out/strec.pass.run" "$out/strec.pass"
fi
grep -vxFf "$out/strec.pass" "$out/strace.pass" > "$out/strec.fail" || true
rm -rf "$out/logs"
mkdir -p "$out/logs"
while read -r t; do
  cp "$src/tests/${t%.test}.log" "$out/logs/" 2> /dev/null || true
done < "$out/strec.fail.run"

total=$(wc -l < "$out/strace.pass")
passed=$(wc -l < "$out/strec.pass")
ran=$(wc -l < "$list")
ran_passed=$((ran - $(wc -l < "$out/strec.fail.run")))
{
  echo "# strace 6.1's test suite, rendered by strec-replay"
  echo
  echo "$(date -u +%F): $passed of the $total tests the real strace passes here" \
    "($((passed * 1000 / total / 10)).$((passed * 1000 / total % 10))%); suite: $(wc -l < "$out/all.tests") tests."
  if [ -n "$only" ]; then
    echo
    echo "This run: $ran_passed of the $ran tests of $only (the total above merges them into the" \
      "results of the last whole run in $out, if any)."
  fi
} | tee "$out/report.md"

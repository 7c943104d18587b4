#!/usr/bin/env bash
# Production capture's costs (strec-record -a, --cgroup, --flight-recorder; eBPF backend), side by
# side in one run, pinned to one CPU and unpinned, interleaved, median of N runs each:
#
#   1. the mix workload (bench/workloads/workload.c) natively; recorded as a command (--backend
#      bpf); with -a (the whole machine, the workload included); with --cgroup naming an empty
#      cgroup (the workload is not recorded: what the selection costs everyone else); with the
#      flight recorder (--flight-recorder 64M); and under `perf trace record -a` when perf runs.
#      Wall time, the ratio to native, peak RSS, CPU time (recorder and workload together; the
#      in-kernel eBPF time is charged to the workload), events lost. Each mode also runs
#      /bin/true: its start-up and tear-down (loading the eBPF program, ...), which the second
#      ratio leaves out (what a long recording costs, where start-up is paid once).
#   2. the cost of a syscall that is not recorded, in ns: a getppid loop, natively and while a
#      recorder records something else (`-- sleep`: every syscall number traced; with
#      `-e trace=openat`; with `--cgroup` of an empty cgroup).
#
#   bench/machine.sh [--reps N] [--scale N] [--quick] [--build DIR] [--cpu N] [--out FILE]
#
# --scale N runs the mix N times as long as the overhead harness's (default 4: about a second).
#
# Not part of ctest (minutes; wants a quiet machine). Needs root (eBPF), bash, coreutils, awk,
# taskset, a cgroup v2 mount; perf is optional. bench/README.md shows a report.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
REPS=5
QUICK=0
BUILD="$ROOT/build"
CPU=0
OUT=""
SCALE=4
while [ $# -gt 0 ]; do
  case $1 in
    --reps) REPS=${2:?}; shift ;;
    --quick) QUICK=1 ;;
    --build) BUILD=${2:?}; shift ;;
    --cpu) CPU=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --scale) SCALE=${2:?}; shift ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "machine.sh: unknown option: $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "machine.sh: --reps wants a positive integer" >&2; exit 2; }
if [ "$QUICK" = 1 ]; then REPS=1; fi
log() { echo "machine.sh: $*" >&2; }

cmake --build "$BUILD" --target strec-record bench_workload bench_runstat >/dev/null
REC="$BUILD/bin/strec-record"
WORKLOAD="$BUILD/bench/workload"
RUNSTAT="$BUILD/bench/runstat"
MOUNT=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
[ -n "$MOUNT" ] || { echo "machine.sh: no cgroup v2 mount" >&2; exit 1; }
EMPTY="/strec-bench-$$"
mkdir "$MOUNT$EMPTY"
WORKDIR=$(mktemp -d /tmp/strec-machine.XXXXXX)
BG=""
cleanup() {
  if [ -n "$BG" ]; then
    pkill -P "$BG" sleep 2>/dev/null || true
    kill -INT "$BG" 2>/dev/null || true
    wait "$BG" 2>/dev/null || true
  fi
  rmdir "$MOUNT$EMPTY" 2>/dev/null || true
  rm -rf "$WORKDIR"
}
trap cleanup EXIT
cd "$WORKDIR"

[[ $SCALE =~ ^[1-9][0-9]*$ ]] || { echo "machine.sh: --scale wants a positive integer" >&2; exit 2; }
MIX_N=$((5200 * SCALE))
LOOP_N=2000000
if [ "$QUICK" = 1 ]; then MIX_N=520; LOOP_N=200000; fi
MODES=(native bpf all cgroup-other flight)
PERF_NOTE="perf trace record -a: perf is not installed"
if command -v perf >/dev/null 2>&1; then
  if perf trace record -a -o "$WORKDIR/probe.perf" -- /bin/true >/dev/null 2>"$WORKDIR/probe.err"; then
    MODES+=(perf-a)
    PERF_NOTE=""
  else
    PERF_NOTE="perf trace record -a failed here: $(grep -v '^$' "$WORKDIR/probe.err" | head -1)"
  fi
fi

mode_cmd() {  # MODE PLACEMENT [true] -> CMD
  local w=("$WORKLOAD" mix "$MIX_N" "$WORKDIR")
  if [ "${3:-}" = true ]; then w=(/bin/true); fi
  case $1 in
    native) CMD=("${w[@]}") ;;
    bpf) CMD=("$REC" --backend bpf -o t.strec --force -- "${w[@]}") ;;
    all) CMD=("$REC" -a -o t.strec --force -- "${w[@]}") ;;
    cgroup-other) CMD=("$REC" --cgroup "$EMPTY" -o t.strec --force -- "${w[@]}") ;;
    flight) CMD=("$REC" --backend bpf --flight-recorder 64M -o f.strec --force -- "${w[@]}") ;;
    perf-a) CMD=(perf trace record -a -o t.perf -- "${w[@]}") ;;
  esac
  if [ "$2" = pinned ]; then CMD=(taskset -c "$CPU" "${CMD[@]}"); fi
}

RESULTS="$WORKDIR/results.tsv"
: >"$RESULTS"
for rep in $(seq 1 "$REPS"); do
  for pl in pinned unpinned; do
    for mode in "${MODES[@]}"; do
      rm -f t.strec f.*strec t.perf
      mode_cmd "$mode" "$pl"
      "$RUNSTAT" stat "${CMD[@]}" </dev/null >out.txt 2>err.txt || true
      read -r wall rss status cpu <stat
      # From the recorder's summary: syscalls recorded, and LOST events.
      calls=$(sed -n 's/.*: \([0-9]*\) syscalls,.*/\1/p' err.txt | tail -1)
      lost=$(sed -n 's/.*, \([0-9]*\) LOST.*/\1/p' err.txt | tail -1)
      printf 'mix\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pl" "$mode" "$rep" "$wall" "$rss" \
        "$status" "$cpu" "${calls:-}" "${lost:-0}" >>"$RESULTS"
      log "rep $rep mix $pl $mode: $(awk -v n="$wall" 'BEGIN { printf "%.3f", n / 1e9 }') s, exit $status${lost:+, lost $lost}"
      rm -f t.strec f.*strec t.perf
      mode_cmd "$mode" "$pl" true
      "$RUNSTAT" stat "${CMD[@]}" </dev/null >/dev/null 2>&1 || true
      read -r wall rss status cpu <stat
      printf 'true\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t\n' "$pl" "$mode" "$rep" "$wall" "$rss" "$status" \
        "$cpu" >>"$RESULTS"
    done
  done
  # The untraced loop: natively, and beside a recorder that records something else.
  for bg in none all-set openat-set cgroup-other; do
    BG=""
    case $bg in
      all-set) "$REC" -q -o bg.strec --force -- sleep 600 & BG=$! ;;
      openat-set) "$REC" -q -e trace=openat -o bg.strec --force -- sleep 600 & BG=$! ;;
      cgroup-other) "$REC" -q --cgroup "$EMPTY" -o bg.strec --force & BG=$! ;;
    esac
    if [ -n "$BG" ]; then
      for _ in $(seq 500); do [ -f bg.strec ] && break; sleep 0.01; done
    fi
    for pl in pinned unpinned; do
      cmd=("$WORKLOAD" getppid "$LOOP_N" "$WORKDIR")
      if [ "$pl" = pinned ]; then cmd=(taskset -c "$CPU" "${cmd[@]}"); fi
      "$RUNSTAT" stat "${cmd[@]}" </dev/null >/dev/null 2>&1 || true
      read -r wall rss status cpu <stat
      printf 'loop\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t\n' "$pl" "$bg" "$rep" "$wall" "$rss" "$status" \
        "$cpu" >>"$RESULTS"
    done
    if [ -n "$BG" ]; then
      # The command's end ends its recording; the one without a command stops on SIGINT.
      pkill -P "$BG" sleep 2>/dev/null || kill -INT "$BG"
      wait "$BG" || true
      BG=""
      rm -f bg.strec
    fi
    log "rep $rep loop beside $bg done"
  done
done

# median KIND PLACEMENT MODE FIELD (5 wall, 6 rss, 8 cpu, 9 calls, 10 lost): over the reps.
median() { median_in "$RESULTS" "$4" "$1" "$2" "$3"; }
maxof() {
  awk -F'\t' -v k="$1" -v m="$2" -v f="$3" '$1 == k && $3 == m && $f + 0 > x { x = $f + 0 } END { print x + 0 }' "$RESULTS"
}
fmt() { awk -v a="$1" -v d="$2" -v p="$3" 'BEGIN { if (a == "" || d == "" || d == 0) print "–"; else printf "%.*f", p, a / d }'; }

report() {
  echo "## strec production capture: costs"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
  echo "- strec $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+local changes'); median of $REPS runs, interleaved; pinned = \`taskset -c $CPU\` around everything$([ "$QUICK" = 1 ] && echo '; --quick: iterations / 10')"
  if [ -n "$PERF_NOTE" ]; then echo "- $PERF_NOTE"; fi
  echo
  echo "### The mix workload ($MIX_N iterations, ~28 syscalls each)"
  echo
  echo "| mode | placement | wall s | × native | start-up s | × native without start-up | peak RSS MiB | CPU s | syscalls recorded | CPU ns per recorded syscall over native | lost (max of runs) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  local pl mode nat w cpu0 cpu calls fixed fixed0 steady
  for mode in "${MODES[@]}"; do
    for pl in pinned unpinned; do
      nat=$(median mix "$pl" native 5)
      cpu0=$(median mix "$pl" native 8)
      w=$(median mix "$pl" "$mode" 5)
      cpu=$(median mix "$pl" "$mode" 8)
      calls=$(median mix "$pl" "$mode" 9)
      fixed0=$(median true "$pl" native 5)
      fixed=$(median true "$pl" "$mode" 5)
      steady=$(awk -v w="$w" -v f="$fixed" -v f0="$fixed0" 'BEGIN { print w - (f - f0) }')
      echo "| $mode | $pl | $(fmt "$w" 1e9 3) | $(fmt "$w" "$nat" 2) | $(fmt "$(awk -v f="$fixed" -v f0="$fixed0" 'BEGIN { print f - f0 }')" 1e9 3) | $(fmt "$steady" "$nat" 2) | $(fmt "$(median mix "$pl" "$mode" 6)" 1024 1) | $(fmt "$cpu" 1e9 3) | ${calls:-–} | $([ -n "$calls" ] && [ "$mode" != native ] && fmt "$(awk -v a="$cpu" -v b="$cpu0" 'BEGIN { print a - b }')" "$calls" 0 || echo –) | $([ "$mode" = native ] || [ "$mode" = perf-a ] && echo – || maxof mix "$mode" 10) |"
    done
  done
  echo
  echo "### A syscall that is not recorded (getppid x $LOOP_N), beside a recorder"
  echo
  echo "| beside | placement | wall s | ns per syscall | ns added per syscall |"
  echo "|---|---|---|---|---|"
  local bg label
  for bg in none all-set openat-set cgroup-other; do
    case $bg in
      none) label="nothing (native)" ;;
      all-set) label="\`strec-record -- sleep\` (every syscall number traced)" ;;
      openat-set) label="\`strec-record -e trace=openat -- sleep\`" ;;
      cgroup-other) label="\`strec-record --cgroup EMPTY\` (the selection checked)" ;;
    esac
    for pl in pinned unpinned; do
      nat=$(median loop "$pl" none 5)
      w=$(median loop "$pl" "$bg" 5)
      echo "| $label | $pl | $(fmt "$w" 1e9 3) | $(fmt "$w" "$LOOP_N" 1) | $(fmt "$(awk -v a="$w" -v b="$nat" 'BEGIN { print a - b }')" "$LOOP_N" 1) |"
    done
  done
}

if [ -n "$OUT" ]; then report | tee "$OUT"; else report; fi

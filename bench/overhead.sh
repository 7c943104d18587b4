#!/usr/bin/env bash
# The recording-overhead harness: runs each workload natively, under `strace -f`, under
# `strec-record` (ptrace, and --backend bpf where it loads), each filtered to openat too, and
# under `perf trace record`, pinned to one CPU and
# unpinned, interleaved, N times each; prints a markdown table (README.md in this folder says what
# each column means). Not part of ctest: it takes minutes and wants a quiet machine.
#
#   bench/overhead.sh [--reps N] [--quick] [--build DIR] [--out FILE] ...   (--help for all)
#
# Needs bash, coreutils, awk, cmake (unless --no-build), strace, taskset (util-linux); perf is
# optional. No python, no GNU time: bench/workloads/runstat.c measures wall time and peak RSS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
REPS=5
QUICK=0
BUILD="$ROOT/build"
BIN=""
OUT=""
NOTE=""
WORKDIR=""
KEEP=0
DO_BUILD=1
CPU=0
READ_SCALE=5
ALL_WORKLOADS=(getppid write pread openclose threads forkexec mix)
WORKLOADS=("${ALL_WORKLOADS[@]}")
ALL_MODES=(native floor strace strec strace-e strec-e bpf bpf-e perf)

usage() {
  cat <<EOF
usage: bench/overhead.sh [OPTIONS]
  --reps N          runs of each workload in each mode and placement (default $REPS)
  --quick           1 run each, iteration counts divided by 10 (a smoke test of the harness)
  --build DIR       the CMake build directory (default build/); configured if it has no cache
  --no-build        do not run cmake: use what DIR already holds
  --bin DIR         where strec-record, strec-replay, strec-analyze are (default DIR/bin)
  --workloads LIST  comma-separated subset of: ${ALL_WORKLOADS[*]}
  --cpu N           the CPU of the pinned placement (default $CPU)
  --out FILE        also write the markdown report to FILE
  --note TEXT       a line for the report's header (e.g. "loaded machine")
  --workdir DIR     where traces and outputs go (default: a new /tmp/strec-overhead.XXXXXX)
  --keep            keep the work directory (traces, outputs, raw results.tsv)
  --read-scale N    the trace that replay and analyze read is mix with N times its iterations
                    (default $READ_SCALE; big enough that start-up does not dominate)
EOF
}

die() {
  echo "overhead.sh: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case $1 in
    --reps) REPS=${2:?}; shift ;;
    --quick) QUICK=1 ;;
    --build) BUILD=${2:?}; shift ;;
    --no-build) DO_BUILD=0 ;;
    --bin) BIN=${2:?}; shift ;;
    --workloads) IFS=, read -r -a WORKLOADS <<<"${2:?}"; shift ;;
    --cpu) CPU=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --note) NOTE=${2:?}; shift ;;
    --workdir) WORKDIR=${2:?}; shift ;;
    --keep) KEEP=1 ;;
    --read-scale) READ_SCALE=${2:?}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
  shift
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "--reps wants a positive integer"
[[ $READ_SCALE =~ ^[1-9][0-9]*$ ]] || die "--read-scale wants a positive integer"
for w in "${WORKLOADS[@]}"; do
  [[ " ${ALL_WORKLOADS[*]} " == *" $w "* ]] || die "unknown workload: $w"
done
if [ "$QUICK" = 1 ]; then REPS=1; fi
BUILD=$(cd "$BUILD" 2>/dev/null && pwd || echo "$BUILD")
BIN=${BIN:-$BUILD/bin}
BIN=$(cd "$BIN" 2>/dev/null && pwd || echo "$BIN")

log() { printf '%s\n' "$*" >&2; }

# ---- build ----
if [ "$DO_BUILD" = 1 ]; then
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >&2
  fi
  log "building the tools and workloads in $BUILD"
  cmake --build "$BUILD" -j"$(nproc)" --target strec-record strec-replay strec-analyze \
    bench_workload bench_runstat bench_ptrace_floor >&2
fi
WORKLOAD="$BUILD/bench/workload"
RUNSTAT="$BUILD/bench/runstat"
FLOOR="$BUILD/bench/ptrace_floor"
for f in "$WORKLOAD" "$RUNSTAT" "$FLOOR" "$BIN/strec-record" "$BIN/strec-replay" "$BIN/strec-analyze"; do
  [ -x "$f" ] || die "$f is missing (build the targets, or see --build, --bin)"
done

# ---- what can run here ----
MODES=()
SKIPPED=()
PERF_FIXED_NS=""
have() { command -v "$1" >/dev/null 2>&1; }
if ! have taskset; then die "taskset (util-linux) is missing"; fi
for m in "${ALL_MODES[@]}"; do
  case $m in
    strace | strace-e)
      if have strace; then MODES+=("$m"); else SKIPPED+=("$m: strace is not installed"); fi ;;
    perf)
      if ! have perf; then
        SKIPPED+=("perf trace record: perf is not installed")
      else
        probe=$(mktemp /tmp/strec-perf-probe.XXXXXX)
        if "$RUNSTAT" "$probe.stat" perf trace record -o "$probe" -- /bin/true >/dev/null \
          2>"$probe.err"; then
          MODES+=(perf)
          PERF_FIXED_NS=$(cut -d" " -f1 "$probe.stat")
        else
          SKIPPED+=("perf trace record: failed here: $(grep -v '^$' "$probe.err" | head -1)")
        fi
        rm -f "$probe" "$probe.err" "$probe.stat"
      fi ;;
    bpf | bpf-e)
      probe=$(mktemp /tmp/strec-bpf-probe.XXXXXX)
      if "$BIN/strec-record" -q --backend bpf --force -o "$probe" -- /bin/true 2>"$probe.err"; then
        MODES+=("$m")
      elif [ "$m" = bpf ]; then
        SKIPPED+=("strec-record --backend bpf: $(head -1 "$probe.err")")
      fi
      rm -f "$probe" "$probe.err" ;;
    *) MODES+=("$m") ;;
  esac
done
PLACEMENTS=(pinned unpinned)

if [ -z "$WORKDIR" ]; then
  WORKDIR=$(mktemp -d /tmp/strec-overhead.XXXXXX)
else
  mkdir -p "$WORKDIR"
fi
WORKDIR=$(cd "$WORKDIR" && pwd)
cleanup() { if [ "$KEEP" = 0 ]; then rm -rf "$WORKDIR"; fi; }
trap cleanup EXIT
RESULTS="$WORKDIR/results.tsv"
: >"$RESULTS"

# ---- workloads ----
# Iterations: sized so that every full-tracing run takes about a second on a quiet machine,
# except mix, which is about 145k syscalls in one process tree.
iterations() {
  local n
  case $1 in
    getppid | write | pread) n=20000 ;;
    openclose) n=10000 ;;  # 2 syscalls each
    threads) n=16000 ;;    # 1.25 syscalls each, on 4 threads
    forkexec) n=200 ;;     # fork + exec of /bin/true: ~40 syscalls and 2 processes each
    mix) n=5200 ;;         # 28 syscalls each, 3 worker processes (one execs), 3 threads
  esac
  if [ "$QUICK" = 1 ]; then n=$((n / 10)); fi
  echo "$n"
}

# Sets WCMD to the workload's command line.
workload_cmd() {
  local n
  n=$(iterations "$1")
  case $1 in
    forkexec)
      # shellcheck disable=SC2016 # $1 and $i are the inner shell's
      WCMD=(/bin/sh -c 'i=0; while [ "$i" -lt "$1" ]; do /bin/true; i=$((i + 1)); done
echo "forkexec iterations=$1"' sh "$n") ;;
    *) WCMD=("$WORKLOAD" "$1" "$n" "$WORKDIR") ;;
  esac
}

# Sets MCMD to the command line of workload WCMD in mode $1, placement $2, trace files $3.*.
mode_cmd() {
  case $1 in
    native) MCMD=("${WCMD[@]}") ;;
    floor) MCMD=("$FLOOR" "${WCMD[@]}") ;;
    strace) MCMD=(strace -f -o "$3.txt" -- "${WCMD[@]}") ;;
    strec) MCMD=("$BIN/strec-record" --backend ptrace -o "$3.strec" -- "${WCMD[@]}") ;;
    strace-e) MCMD=(strace -f --seccomp-bpf -e trace=openat -o "$3.txt" -- "${WCMD[@]}") ;;
    strec-e) MCMD=("$BIN/strec-record" --backend ptrace -e trace=openat -o "$3.strec" -- "${WCMD[@]}") ;;
    bpf) MCMD=("$BIN/strec-record" --backend bpf -o "$3.strec" -- "${WCMD[@]}") ;;
    bpf-e) MCMD=("$BIN/strec-record" --backend bpf -e trace=openat -o "$3.strec" -- "${WCMD[@]}") ;;
    perf) MCMD=(perf trace record -o "$3.perf" -- "${WCMD[@]}") ;;
  esac
  if [ "$2" = pinned ]; then MCMD=(taskset -c "$CPU" "${MCMD[@]}"); fi
}

# ---- the runs, interleaved: rep > workload > placement > mode ----
cd "$WORKDIR"
total=$((REPS * ${#WORKLOADS[@]} * ${#PLACEMENTS[@]} * ${#MODES[@]}))
done_runs=0
started=$(date +%s)
for rep in $(seq 1 "$REPS"); do
  for wl in "${WORKLOADS[@]}"; do
    workload_cmd "$wl"
    for pl in "${PLACEMENTS[@]}"; do
      for mode in "${MODES[@]}"; do
        base="$WORKDIR/t.$wl.$pl.$mode"
        rm -f "$base.txt" "$base.strec" "$base.perf" "$base.perf.old"
        mode_cmd "$mode" "$pl" "$base"
        "$RUNSTAT" "$WORKDIR/stat" "${MCMD[@]}" </dev/null >"$base.stdout" 2>"$base.stderr" || true
        read -r wall rss status _ <"$WORKDIR/stat"
        ref="$WORKDIR/t.$wl.ref.stdout"
        if [ "$mode" = native ] && [ ! -f "$ref" ]; then
          cp "$base.stdout" "$ref"
          echo "$status" >"$WORKDIR/t.$wl.ref.status"
        fi
        same=1
        cmp -s "$base.stdout" "$ref" || same=0
        [ "$status" = "$(cat "$WORKDIR/t.$wl.ref.status")" ] || same=0
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$pl" "$mode" "$rep" "$wall" "$rss" \
          "$status" "$same" >>"$RESULTS"
        done_runs=$((done_runs + 1))
        log "$(printf '[%d/%d, %ds] rep %d %-9s %-8s %-8s %8.3f s  rss %6d KiB  exit %s%s' \
          "$done_runs" "$total" $(($(date +%s) - started)) "$rep" "$wl" "$pl" "$mode" \
          "$(awk -v n="$wall" 'BEGIN { print n / 1e9 }')" "$rss" "$status" \
          "$([ $same = 1 ] || echo '  OUTPUT OR STATUS DIFFERS FROM NATIVE')")"
      done
    done
  done
done

# ---- statistics ----
# median FIELD WL PL MODE: the median of column FIELD (5 = wall ns, 6 = rss KiB) over the reps.
median() { median_in "$RESULTS" "$@"; }
# check WL MODE: "ok", or which placements changed the output or exit status.
check() {
  awk -F'\t' -v wl="$1" -v m="$2" '
    $1 == wl && $3 == m && $8 != 1 { bad[$2] = bad[$2] " run " $4 " exit " $7 }
    END { s = ""; for (p in bad) s = s (s ? "; " : "") p ":" bad[p]; print s ? "DIFFERS (" s ")" : "ok" }' \
    "$RESULTS"
}
has_mode() { [[ " ${MODES[*]} " == *" $1 "* ]]; }
fsize() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo ""; fi; }
# strace text lines that are syscalls: not "+++ exited", "--- SIG", nor the "<... resumed>" half
# of a call that strace split in two.
count_lines() {
  awk '/^([0-9]+ +)?(\+\+\+|---) / { next } /<\.\.\. [a-z0-9_]+ resumed>/ { next } { n++ }
    END { print n + 0 }'
}
strace_syscalls() { count_lines <"$1"; }
# The same count over strec-replay's rendering of a trace, so both sides count alike.
strec_syscalls() { "$BIN/strec-replay" "$1" 2>/dev/null | count_lines; }
secs() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.1f", a / b }'; }
div() { awk -v a="$1" -v b="$2" -v p="${3:-1}" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.*f", p, a / b }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "–"; else printf "%.1f", k / 1024 }'; }

cell() {  # cell WL PL MODE NATIVE_NS: "1.234 s (5.6×)"
  local t
  t=$(median 5 "$1" "$2" "$3")
  if [ -z "$t" ]; then echo "–"; else echo "$(secs "$t") s ($(ratio "$t" "$4")×)"; fi
}

report() {
  local cpu kernel strace_v perf_v
  cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  kernel=$(uname -r)
  strace_v=$(strace -V 2>/dev/null | head -1 || true)
  perf_v=$(perf version 2>/dev/null | head -1 || true)
  echo "## strec recording overhead"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  # shellcheck disable=SC1091
  echo "- machine: $(nproc) CPUs online, ${cpu:-unknown CPU}, Linux $kernel$([ -r /etc/os-release ] && . /etc/os-release && echo ", ${PRETTY_NAME:-}")"
  echo "- tools: strec (source tree at report time: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo "+local changes"); binaries in $BIN), ${strace_v:-no strace}, ${perf_v:-no perf}"
  echo "- runs: median of $REPS per cell, interleaved; pinned = \`taskset -c $CPU\` around tracer and tracee; traces written to $(df -P "$WORKDIR" | awk 'NR == 2 { print $1 }')$([ "$QUICK" = 1 ] && echo '; --quick: iterations / 10')"
  if [ -n "$NOTE" ]; then echo "- note: $NOTE"; fi
  if [ -n "$PERF_FIXED_NS" ]; then
    echo "- \`perf trace record -- /bin/true\` alone took $(secs "$PERF_FIXED_NS") s here (perf's start-up and tear-down, included in its column)"
  fi
  for s in "${SKIPPED[@]+"${SKIPPED[@]}"}"; do echo "- skipped: $s"; done
  echo
  echo "### Wall time (ratio to native in the same placement)"
  echo
  echo "| workload | placement | native | ptrace floor | \`strace -f\` | \`strec-record\` | strec / strace | floor / strace | \`strace -e openat\` | \`strec-record -e openat\` | \`strec-record --backend bpf\` | bpf / strace | \`--backend bpf -e openat\` | \`perf trace record\` |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  local wl pl nat st sr fl bp
  for wl in "${WORKLOADS[@]}"; do
    for pl in "${PLACEMENTS[@]}"; do
      nat=$(median 5 "$wl" "$pl" native)
      fl=$(median 5 "$wl" "$pl" floor)
      st=$(median 5 "$wl" "$pl" strace)
      sr=$(median 5 "$wl" "$pl" strec)
      bp=$(median 5 "$wl" "$pl" bpf)
      echo "| $wl | $pl | $(secs "$nat") s | $(cell "$wl" "$pl" floor "$nat") | $(cell "$wl" "$pl" strace "$nat") | $(cell "$wl" "$pl" strec "$nat") | $(div "$sr" "$st" 2) | $(div "$fl" "$st" 2) | $(cell "$wl" "$pl" strace-e "$nat") | $(cell "$wl" "$pl" strec-e "$nat") | $(cell "$wl" "$pl" bpf "$nat") | $(div "$bp" "$st" 2) | $(cell "$wl" "$pl" bpf-e "$nat") | $(cell "$wl" "$pl" perf "$nat") |"
    done
  done
  echo
  echo "### Trace size and memory (unpinned, last run)"
  echo
  echo "| workload | syscalls strace / strec / bpf | strace text B/syscall | strec B/syscall | strec / strace size | bpf B/syscall | perf.data B/syscall | peak RSS MiB native / strace / strec-record / bpf / perf | output and exit status |"
  echo "|---|---|---|---|---|---|---|---|---|"
  local n sn stb srb pfb chk m c bn bb
  for wl in "${WORKLOADS[@]}"; do
    base="$WORKDIR/t.$wl.unpinned"
    n=""; sn=""; stb=""; srb=""; pfb=""; bn=""; bb=""
    if [ -f "$base.strec.strec" ]; then
      n=$(strec_syscalls "$base.strec.strec")
      srb=$(fsize "$base.strec.strec")
    fi
    if [ -f "$base.bpf.strec" ]; then
      bn=$(strec_syscalls "$base.bpf.strec")
      bb=$(fsize "$base.bpf.strec")
    fi
    if [ -f "$base.strace.txt" ]; then
      sn=$(strace_syscalls "$base.strace.txt")
      stb=$(fsize "$base.strace.txt")
    fi
    if [ -f "$base.perf.perf" ]; then pfb=$(fsize "$base.perf.perf"); fi
    chk=""
    for m in "${MODES[@]}"; do
      [ "$m" = native ] && continue
      c=$(check "$wl" "$m")
      [ "$c" = ok ] || chk="$chk${chk:+; }$m $c"
    done
    echo "| $wl | ${sn:-–} / ${n:-–} / ${bn:-–} | $(div "$stb" "$sn") | $(div "$srb" "$n") | $(div "$srb" "$stb" 2) | $(div "$bb" "$bn") | $(div "$pfb" "$n") | $(mib "$(median 6 "$wl" unpinned native)") / $(mib "$(median 6 "$wl" unpinned strace)") / $(mib "$(median 6 "$wl" unpinned strec)") / $(mib "$(median 6 "$wl" unpinned bpf)") / $(mib "$(median 6 "$wl" unpinned perf)") | ${chk:-ok} |"
  done
  echo
  # Reading throughput, on a mix trace READ_SCALE times the size of the mix workload's, so
  # that the time to start a process and open the file does not dominate.
  local big="$WORKDIR/read.strec" size=0
  log "recording the reading trace (mix x $READ_SCALE)"
  "$BIN/strec-record" -q --backend ptrace -o "$big" -- "$WORKLOAD" mix $(($(iterations mix) * READ_SCALE)) \
    "$WORKDIR" >/dev/null 2>&1 || rm -f "$big"
  if [ -f "$big" ]; then
    local name calls tr ta failed=""
    size=$(fsize "$big")
    name="mix x $READ_SCALE"
    calls=$(strec_syscalls "$big")
    : >"$WORKDIR/read.tsv"
    for rep in $(seq 1 "$REPS"); do
      "$RUNSTAT" "$WORKDIR/stat" "$BIN/strec-replay" -o /dev/null "$big" >/dev/null 2>&1 ||
        failed="$failed strec-replay exited $(cut -d' ' -f3 "$WORKDIR/stat");"
      printf 'read\treplay\tx\t%s\t%s\n' "$rep" "$(cut -d' ' -f1,2 "$WORKDIR/stat" | tr ' ' '\t')" >>"$WORKDIR/read.tsv"
      "$RUNSTAT" "$WORKDIR/stat" "$BIN/strec-analyze" -o /dev/null "$big" >/dev/null 2>&1 ||
        failed="$failed strec-analyze exited $(cut -d' ' -f3 "$WORKDIR/stat");"
      printf 'read\tanalyze\tx\t%s\t%s\n' "$rep" "$(cut -d' ' -f1,2 "$WORKDIR/stat" | tr ' ' '\t')" >>"$WORKDIR/read.tsv"
    done
    tr=$(median_in "$WORKDIR/read.tsv" 5 read replay x)
    ta=$(median_in "$WORKDIR/read.tsv" 5 read analyze x)
    echo "### Reading the biggest trace ($name, $calls syscalls, $(mib "$((size / 1024))") MiB, median of $REPS)"
    echo
    echo "| command | time | syscalls/s | peak RSS MiB |"
    echo "|---|---|---|---|"
    echo "| \`strec-replay -o /dev/null\` | $(secs "$tr") s | $(div "$calls" "$(awk -v t="$tr" 'BEGIN { print t / 1e9 }')" 0) | $(mib "$(median_in "$WORKDIR/read.tsv" 6 read replay x)") |"
    echo "| \`strec-analyze\` | $(secs "$ta") s | $(div "$calls" "$(awk -v t="$ta" 'BEGIN { print t / 1e9 }')" 0) | $(mib "$(median_in "$WORKDIR/read.tsv" 6 read analyze x)") |"
    if [ -n "$failed" ]; then
      echo
      echo "FAILED:$failed"
    fi
  fi
}

log "done in $(($(date +%s) - started)) s; computing the report"
if [ -n "$OUT" ]; then
  report | tee "$OUT"
else
  report
fi
if [ "$KEEP" = 1 ]; then log "kept $WORKDIR"; fi

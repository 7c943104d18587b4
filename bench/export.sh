#!/usr/bin/env bash
# bench/export.sh: what the exports cost on a large trace: events per second and bytes per
# event of `strec export` (jsonl plain, .zst, .gz; chrome-json plain, .gz) and of `strec report`.
#   bench/export.sh [--events N] [--reps R] [--build DIR]
# Records `syscall_loop N write` once (eBPF where it loads, else ptrace), then times each export
# R times with build/bench/runstat (median wall time, peak RSS). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
EVENTS=1000000 REPS=3 BUILD=build
while [ $# -gt 0 ]; do
  case $1 in
    --events) EVENTS=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    *) echo "usage: bench/export.sh [--events N] [--reps R] [--build DIR]" >&2; exit 2 ;;
  esac
done
BIN=$BUILD/bin RUNSTAT=$BUILD/bench/runstat
for t in "$BIN/strec-record" "$BIN/strec-export" "$BIN/strec-report" "$RUNSTAT" \
         "$BUILD/tests/programs/syscall_loop"; do
  [ -x "$t" ] || { echo "bench/export.sh: $t is missing: build first (./run.sh build)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/strec-export-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$BIN/strec-record" -o "$WORK/t.strec" -- "$BUILD/tests/programs/syscall_loop" "$EVENTS" write \
  2> "$WORK/record.log"
calls=$(grep -o '[0-9]* syscalls' "$WORK/record.log" | awk '{print $1}')
echo "trace: syscall_loop $EVENTS write, $calls syscalls, $(stat -c %s "$WORK/t.strec") bytes $(grep -o '([a-zA-Z]*)' "$WORK/record.log" | tail -1)"
echo
echo "| what | seconds (median of $REPS) | events/s | bytes/event | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|"
row() {  # row LABEL OUT COMMAND...
  local label=$1 out=$2
  shift 2
  : > "$WORK/stats"
  for _ in $(seq "$REPS"); do
    rm -f "$out"
    "$RUNSTAT" "$WORK/stat1" "$@" 2>/dev/null || { echo "bench/export.sh: $label failed" >&2; exit 1; }
    printf 'x\tx\tx\t%s\n' "$(cat "$WORK/stat1" | tr ' ' '\t')" >> "$WORK/stats"
  done
  local wall rss size
  wall=$(median_in "$WORK/stats" 4 x x x)
  rss=$(median_in "$WORK/stats" 5 x x x)
  size=$(stat -c %s "$out")
  awk -v l="$label" -v w="$wall" -v r="$rss" -v s="$size" -v n="$calls" 'BEGIN {
    printf "| %s | %.2f | %.0f | %.1f | %.1f |\n", l, w / 1e9, n / (w / 1e9), s / n, r / 1024 }'
}
for ext in jsonl jsonl.zst jsonl.gz; do
  row "export --format jsonl → .$ext" "$WORK/o.$ext" "$BIN/strec-export" --format jsonl "$WORK/t.strec" -o "$WORK/o.$ext"
done
for ext in json json.gz; do
  row "export --format chrome-json → .$ext" "$WORK/o.$ext" "$BIN/strec-export" --format chrome-json "$WORK/t.strec" -o "$WORK/o.$ext"
done
row "report → .html" "$WORK/o.html" "$BIN/strec-report" "$WORK/t.strec" -o "$WORK/o.html"

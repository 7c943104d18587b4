#!/usr/bin/env bash
# strec's one entry point on a fresh Debian 12 machine:
#   ./run.sh demo    install what is missing, build, record a real command, replay and summarise it
#   ./run.sh test    install what is missing, build, run the whole test suite (and its ASan+UBSan build);
#                    it says how many tests skipped and why (STREC_REQUIRE_BPF=1 makes an eBPF skip fail)
#   ./run.sh build   install what is missing and build only
# Builds are incremental: build/ (Release) and build-asan/ (sanitizers, for `test`).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

PACKAGES=(g++ make cmake flatbuffers-compiler libflatbuffers-dev libzstd-dev libcli11-dev
          libgtest-dev libbenchmark-dev strace util-linux procps
          clang libbpf-dev bpftool pkg-config)  # the last four: the eBPF backend

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: missing packages: ${missing[*]}" >&2
    echo "run.sh: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure DIR [cmake args...]: configure once, then only rebuild.
build() {
  local dir=$1; shift
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    log "configuring $dir"
    cmake -S "$ROOT" -B "$dir" "$@"
  fi
  log "building $dir"
  cmake --build "$dir" -j "$JOBS"
}

build_release() { build build -DCMAKE_BUILD_TYPE=Release; }

demo() {
  local bin=$ROOT/build/bin
  DEMO_DIR=$(mktemp -d /tmp/strec-demo.XXXXXX)
  trap 'rm -rf "$DEMO_DIR"' EXIT
  local work=$DEMO_DIR
  # The default backend, auto: eBPF where it loads, else ptrace (the recorder says why, and its
  # summary line names the backend it used).
  log "recording: ls -l / (strec-record -o $work/demo.strec -- ls -l /)"
  "$bin/strec-record" -o "$work/demo.strec" -- ls -l / >/dev/null
  log "trace facts (strec info)"
  "$bin/strec" info "$work/demo.strec"
  log "replay, as strace -f would have printed it (strec-replay), first 25 lines"
  # head closes the pipe early: strec-replay's SIGPIPE is expected, not a failure.
  "$bin/strec-replay" "$work/demo.strec" | head -n 25 || true
  log "summary (strec-analyze)"
  "$bin/strec-analyze" "$work/demo.strec"
  if "$bin/strec" info "$work/demo.strec" | grep -q '^backend: *bpf'; then
    log "the same command with the ptrace backend, for comparison (strec-record --backend ptrace)"
    "$bin/strec-record" --backend ptrace -o "$work/demo-ptrace.strec" -- ls -l / >/dev/null
  else
    log "the eBPF backend was not used here; what strec-record --backend bpf says:"
    "$bin/strec-record" --backend bpf -o "$work/demo-bpf.strec" -- ls -l / >/dev/null || true
  fi
}

# skip_summary DIR NAME: how many tests DIR's last ctest run skipped, and each reason they gave.
skip_summary() {
  local log=$1/Testing/Temporary/LastTest.log
  [ -f "$log" ] || return 0
  # GoogleTest prints "FILE:LINE: Skipped" and the reason on the next line, once per skipped test.
  awk -v name="$2" '
    /: Skipped$/ { if ((getline why) <= 0 || why == "") why = "(no reason given)"; n++; count[why]++ }
    END {
      if (n == 0) { printf "==> %s: no test skipped\n", name; exit }
      printf "==> %s: %d test%s skipped:\n", name, n, n == 1 ? "" : "s"
      for (w in count) printf "      %4d x %s\n", count[w], w
    }' "$log" >&2
}

run_tests() {
  local status=0
  log "running the test suite (Release)"
  (cd build && ctest --output-on-failure -j "$JOBS" --timeout 300) || status=$?
  skip_summary build "Release"
  [ "$status" -eq 0 ] || return "$status"
  build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTREC_SANITIZE=ON -DSTREC_BUILD_BENCH=OFF
  log "running the test suite under AddressSanitizer + UBSan"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$JOBS" --timeout 600) || status=$?
  skip_summary build-asan "ASan+UBSan"
  return "$status"
}

case "${1:-}" in
  demo) install_missing; build_release; demo ;;
  test) install_missing; build_release; run_tests ;;
  build) install_missing; build_release ;;
  *) echo "usage: ./run.sh demo|test|build" >&2; exit 2 ;;
esac

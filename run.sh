#!/usr/bin/env bash
# strec's one entry point on a fresh Debian 12 machine:
#   ./run.sh demo    install what is missing, build, record a real command, replay and summarise it
#   ./run.sh test    install what is missing, build, run the whole test suite (and its ASan+UBSan build)
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
  log "recording: ls -l / (strec-record -o $work/demo.strec -- ls -l /)"
  "$bin/strec-record" -o "$work/demo.strec" -- ls -l / >/dev/null
  log "trace facts (strec info)"
  "$bin/strec" info "$work/demo.strec"
  log "replay, as strace -f would have printed it (strec-replay), first 25 lines"
  # head closes the pipe early: strec-replay's SIGPIPE is expected, not a failure.
  "$bin/strec-replay" "$work/demo.strec" | head -n 25 || true
  log "summary (strec-analyze)"
  "$bin/strec-analyze" "$work/demo.strec"
  # The eBPF backend, where it can load (root, a kernel with BTF): the same command, unstopped.
  if "$bin/strec-record" -q --backend bpf -o "$work/probe.strec" -- /bin/true 2>/dev/null; then
    log "recording again with the eBPF backend (strec-record --backend bpf), last 5 lines"
    "$bin/strec-record" --backend bpf -o "$work/demo-bpf.strec" -- ls -l / >/dev/null
    "$bin/strec-replay" "$work/demo-bpf.strec" | tail -n 5
  else
    log "the eBPF backend cannot load here (it needs root and a kernel with BTF): skipped"
  fi
}

run_tests() {
  log "running the test suite (Release)"
  (cd build && ctest --output-on-failure -j "$JOBS" --timeout 300)
  build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTREC_SANITIZE=ON -DSTREC_BUILD_BENCH=OFF
  log "running the test suite under AddressSanitizer + UBSan"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$JOBS" --timeout 600)
}

case "${1:-}" in
  demo) install_missing; build_release; demo ;;
  test) install_missing; build_release; run_tests ;;
  build) install_missing; build_release ;;
  *) echo "usage: ./run.sh demo|test|build" >&2; exit 2 ;;
esac

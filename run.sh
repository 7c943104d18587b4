#!/usr/bin/env bash
# strec's one entry point on a fresh Debian 12 machine:
#   ./run.sh demo    install what is missing, build, record a real command, replay and summarise it
#   ./run.sh test    install what is missing, build, run the whole test suite (and its ASan+UBSan build);
#                    it says how many tests skipped and why (STREC_REQUIRE_BPF=1 makes an eBPF skip fail,
#                    STREC_REQUIRE_CLIENTS=1 a report test without Chromium; .ci/run sets both)
#   ./run.sh build   install what is missing and build only
#   ./run.sh fuzz [SECONDS]   the libFuzzer targets, SECONDS each (default 600; `test` runs 30)
# Builds are incremental: build/ (Release) and build-asan/ (sanitizers, for `test`).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

PACKAGES=(g++ make cmake flatbuffers-compiler libflatbuffers-dev libzstd-dev libcli11-dev
          libgtest-dev libbenchmark-dev libsodium-dev zlib1g-dev strace util-linux procps
          nlohmann-json3-dev                   # the tests parse JSON exports with it
          chromium python3                     # strec report's test loads the page in a browser
          help2man man-db                      # the man pages, made from each tool's --help
          pybind11-dev python3-dev             # `import strec` (api/python)
          clang libbpf-dev bpftool pkg-config  # the eBPF backend
          libclang-rt-14-dev)                  # libFuzzer, for the fuzz targets (tests/fuzz)

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
  log "a copy to share, without data, argv, paths, addresses or host name (strec redact --all)"
  "$bin/strec" redact --all "$work/demo.strec" -o "$work/demo-shared.strec"
  "$bin/strec-replay" "$work/demo-shared.strec" | grep -m 3 -E 'openat|read\(|write\(' || true
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

# The libFuzzer targets (tests/fuzz), built with clang in build-fuzz/, each run SECONDS over its
# seed corpus (tests/fuzz/corpus) and the corpus it grew before (build-fuzz/corpus). A finding
# is saved in build-fuzz/artifacts/ and fails the run: keep it as a regression test.
fuzz() {
  local secs=${1:-60} status=0
  if ! command -v clang++ >/dev/null; then
    echo "run.sh: fuzzing skipped: clang++ is not installed (apt-get install clang libclang-rt-14-dev)" >&2
    return 0
  fi
  if [ ! -f build-fuzz/CMakeCache.txt ]; then
    log "configuring build-fuzz (clang, libFuzzer, ASan+UBSan)"
    CC=clang CXX=clang++ cmake -S "$ROOT" -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSTREC_FUZZ=ON -DSTREC_BPF=OFF -DSTREC_BUILD_BENCH=OFF -DBUILD_TESTING=OFF \
      -DSTREC_STATIC_DEPS=OFF
  fi
  log "building build-fuzz"
  cmake --build build-fuzz -j "$JOBS" --target trace_fuzzer events_fuzzer
  mkdir -p build-fuzz/artifacts
  for f in trace events; do
    mkdir -p "build-fuzz/corpus/$f"
    log "fuzzing ${f}_fuzzer for ${secs} s"
    # -timeout: an input that takes 30 s is a hang (any takes well under 1 s); -rss_limit_mb:
    # an allocation past 2 GB.
    build-fuzz/fuzz/${f}_fuzzer -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ \
      "build-fuzz/corpus/$f" "tests/fuzz/corpus/$f" >"build-fuzz/${f}.log" 2>&1 || status=1
    grep -E '^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec|ERROR|SUMMARY' \
      "build-fuzz/${f}.log" >&2 || true
  done
  [ "$status" -eq 0 ] || echo "run.sh: the fuzzer found something: build-fuzz/artifacts/, build-fuzz/*.log" >&2
  return "$status"
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
  [ "$status" -eq 0 ] || return "$status"
  fuzz 30  # briefly: longer runs are `./run.sh fuzz SECONDS`
}

case "${1:-}" in
  demo) install_missing; build_release; demo ;;
  test) install_missing; build_release; run_tests ;;
  build) install_missing; build_release ;;
  fuzz) install_missing; fuzz "${2:-600}" ;;
  *) echo "usage: ./run.sh demo|test|build|fuzz [SECONDS]" >&2; exit 2 ;;
esac

#!/bin/sh
# The reader API as a user gets it: `cmake --install` into a scratch prefix, the examples/ built
# against it through find_package(strec) (one with libstrec.so, one with libstrec.a), a program
# built with pkg-config, and `import strec` from the installed module; their figures checked
# against strec-analyze on the same trace.
# usage: api_test.sh BUILD_DIR SOURCE_DIR PYTHON
set -u
build=$1 src=$2 python=$3
work=$(mktemp -d /tmp/strec-api-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "cmake --install"; }
for f in include/strec/trace.h lib/libstrec.a lib/pkgconfig/strec.pc lib/cmake/strec/strecConfig.cmake; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
ls "$prefix"/lib/libstrec.so.* >/dev/null 2>&1 || fail "not installed: libstrec.so"
# The public header names no FlatBuffers (nor any other strec-internal) type.
if grep -nE 'flatbuffers|fb::|strec/format|strec/replay' "$prefix/include/strec/trace.h"; then
  fail "the public header leaks internal types"
fi

trace=$work/t.strec
"$build/bin/strec-record" -q --backend ptrace -o "$trace" -- \
  sh -c 'cat /nonexistent-a; cat /nonexistent-a; cat /etc/hostname' >/dev/null 2>&1
[ -s "$trace" ] || fail "no trace recorded"

cmake -S "$src/examples" -B "$work/examples" -DCMAKE_PREFIX_PATH="$prefix" >"$work/ex.log" 2>&1 &&
  cmake --build "$work/examples" >>"$work/ex.log" 2>&1 || { cat "$work/ex.log"; fail "the examples against the installed package"; }
export LD_LIBRARY_PATH="$prefix/lib"
"$work/examples/failed_opens" "$trace" >"$work/failed.txt" || fail "failed_opens"
grep -qx "2	ENOENT	/nonexistent-a" "$work/failed.txt" || fail "failed_opens: $(cat "$work/failed.txt")"
# Every failed open counted: strec-analyze's openat errors.
analyze_errors=$("$build/bin/strec-analyze" --errors --format csv "$trace" |
  awk -F, '$1 == "openat" || $1 == "open" { n += $4 } END { print n + 0 }')
example_errors=$(awk -F'\t' '{ n += $1 } END { print n + 0 }' "$work/failed.txt")
[ "$analyze_errors" = "$example_errors" ] || fail "failed opens: $example_errors, strec-analyze: $analyze_errors"
# The static one: calls of openat as strec-analyze counts them.
ldd "$work/examples/latency_histogram" | grep -q libstrec && fail "latency_histogram should link libstrec.a"
calls=$("$work/examples/latency_histogram" openat "$trace" | head -1 | awk '{ print $2 }')
want=$("$build/bin/strec-analyze" --format json "$trace" | "$python" -c '
import json, sys
print(next(r["calls"] for r in json.load(sys.stdin)["summary"]["syscalls"] if r["name"] == "openat"))')
[ "$calls" = "$want" ] || fail "latency_histogram openat: $calls calls; strec-analyze: $want"

# pkg-config.
cat >"$work/version.cc" <<'CC'
#include <strec/trace.h>
#include <iostream>
int main(int, char** argv) {
  strec::Trace t = strec::Trace::Open(argv[1]);
  int n = 0;
  while (t.Next()) n++;
  std::cout << strec::Version() << " " << n << "\n";
}
CC
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs strec) || fail "pkg-config strec"
g++ -std=c++17 "$work/version.cc" -o "$work/version" $flags || fail "g++ with pkg-config's flags: $flags"
out=$("$work/version" "$trace") || fail "the pkg-config program"
case $out in 0.*" "[1-9]*) ;; *) fail "the pkg-config program printed: $out" ;; esac

# Python, from the installed module.
PYTHONPATH="$prefix/lib/python3/dist-packages" "$python" - "$trace" <<'PY' || fail "import strec (installed)"
import sys, strec
t = strec.open(sys.argv[1], strace=True)
lines = [ev.strace for ev in t if ev.kind == "syscall" and ev.errno == "ENOENT" and "nonexistent-a" in (ev.strace or "")]
assert len(lines) == 2, lines
assert lines[0].startswith('openat(AT_FDCWD<') and lines[0].endswith('>, "/nonexistent-a", O_RDONLY) = -1 ENOENT (No such file or directory)'), lines[0]
PY
echo PASS

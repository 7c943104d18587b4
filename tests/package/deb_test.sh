#!/bin/sh
# The Debian package, end to end: cpack -G DEB from the build, its control fields, dpkg's check
# that this machine satisfies its dependencies, then the package's files alone (unpacked into a
# scratch root, away from the build tree) record and replay a command with both backends, show
# their man pages and complete on the command line.
# usage: deb_test.sh BUILD_DIR HAVE_BPF(ON|OFF) [PYTHON_MODULE(ON|OFF)]
set -u
build=$1 have_bpf=$2
[ "${3:-OFF}" = ON ] && STREC_PYTHON_MODULE=1
work=$(mktemp -d /tmp/strec-deb-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$work"/out/strec_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no strec_*.deb made: $(ls "$work/out")"
echo "package: $deb ($(stat -c %s "$deb") bytes)"
[ "$(dpkg-deb -f "$deb" Package)" = strec ] || fail "Package field"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
echo "$depends" | grep -q 'libc6' || fail "Depends lacks libc6: $depends"
# Every shared library a tool needs is in Depends (dpkg-shlibdeps); the eBPF backend's libbpf and
# libelf are linked in statically, so its runtime needs nothing more.
dpkg --dry-run -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i would fail here"; }

root=$work/root
dpkg-deb -x "$deb" "$root"
for t in strec strec-record strec-replay strec-analyze strec-redact strec-slice strec-cat \
         strec-export strec-diff strec-report; do
  [ -x "$root/usr/bin/$t" ] || fail "no /usr/bin/$t in the package"
  [ -f "$root/usr/share/man/man1/$t.1" ] || fail "no man page $t.1"
  [ -f "$root/usr/share/bash-completion/completions/$t" ] || fail "no completion for $t"
  # No path into the build tree in the binaries' dynamic section (RPATH/RUNPATH).
  if readelf -d "$root/usr/bin/$t" | grep -qE 'R(UN)?PATH'; then
    fail "$t has an RPATH: $(readelf -d "$root/usr/bin/$t" | grep -E 'R(UN)?PATH')"
  fi
done

# The installed tools, with PATH holding only them and the system's: record, replay, analyze.
PATH=$root/usr/bin:/usr/bin:/bin
export PATH
cd "$work" || fail "cd"
backends=ptrace
[ "$have_bpf" = ON ] && [ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ] && backends="ptrace bpf"
for b in $backends; do
  strec-record --backend "$b" -o "$work/$b.strec" -- /bin/echo "from the package" >"$work/out.txt" \
    2>"$work/record.log" || { cat "$work/record.log"; fail "installed strec-record --backend $b"; }
  [ "$(cat "$work/out.txt")" = "from the package" ] || fail "the traced echo's output"
  strec replay "$work/$b.strec" >"$work/replay.txt" 2>&1 || fail "strec replay ($b): $(cat "$work/replay.txt")"
  grep -q 'write(1, "from the package\\n", 17) = 17' "$work/replay.txt" ||
    fail "the replay ($b) lacks the write: $(cat "$work/replay.txt")"
  strec-analyze "$work/$b.strec" | grep -q ' write$' || fail "strec-analyze ($b)"
  echo "recorded and replayed with --backend $b"
done

# The reader library and its Python module, from the package alone.
lib=$(find "$root/usr/lib" -name 'libstrec.so.*' | head -1)
[ -n "$lib" ] || fail "no libstrec.so in the package"
[ -f "$root/usr/include/strec/trace.h" ] || fail "no strec/trace.h in the package"
[ -f "$(dirname "$lib")/pkgconfig/strec.pc" ] || fail "no strec.pc in the package"
if module=$(find "$root/usr/lib/python3/dist-packages" -name 'strec*.so' 2>/dev/null | head -1) && [ -n "$module" ]; then
  LD_LIBRARY_PATH=$(dirname "$lib") PYTHONPATH=$(dirname "$module") /usr/bin/python3 -c '
import sys, strec
n = sum(1 for ev in strec.open(sys.argv[1]) if ev.kind == "syscall" and ev.name == "write")
assert n >= 1, n
print("import strec (packaged):", n, "writes")' "$work/ptrace.strec" || fail "import strec from the package"
elif [ -n "${STREC_PYTHON_MODULE:-}" ]; then
  fail "no Python module in the package"
fi

# man finds the pages by name under the root's manpath.
MANPATH=$root/usr/share/man man strec-record 2>/dev/null | grep -q 'strec-record - trace a command' ||
  fail "man strec-record"
MANPATH=$root/usr/share/man man strec 2>/dev/null | grep -q 'SEE ALSO' || fail "man strec"

# Completion: strec's commands, and a tool's options from its --help.
words=$(bash -c '. "$1"; COMP_WORDS=(strec re); COMP_CWORD=1; _strec; echo "${COMPREPLY[*]}"' _ \
  "$root/usr/share/bash-completion/completions/strec")
[ "$words" = "record replay redact report" ] || fail "completing 'strec re': '$words'"
words=$(bash -c '. "$1"; COMP_WORDS=(strec-replay --string-l); COMP_CWORD=1; _strec; echo "${COMPREPLY[*]}"' _ \
  "$root/usr/share/bash-completion/completions/strec-replay")
[ "$words" = "--string-limit" ] || fail "completing 'strec-replay --string-l': '$words'"
echo "PASS"

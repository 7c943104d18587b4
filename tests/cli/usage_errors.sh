#!/bin/sh
# Each tool: --help and --version exit 0; a bad option or value exits 2 with a message naming the option;
# an unreadable trace exits 1 with a message naming the file.
# usage: usage_errors.sh BIN_DIR TRACE
set -u
bin=$1
trace=$2
fail=0
check() {  # WANT_STATUS WANT_TEXT CMD...
  want=$1 text=$2
  shift 2
  err=$("$@" 2>&1 >/dev/null)
  got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $* exited $got, want $want: $err"
    fail=1
  elif [ -n "$text" ] && ! printf '%s' "$err" | grep -q -- "$text"; then
    echo "FAIL: $*: message lacks '$text': $err"
    fail=1
  fi
}
for t in strec-record strec-replay strec-analyze; do
  check 0 "" "$bin/$t" --help
  check 2 "--no-such-option" "$bin/$t" --no-such-option "$trace"
done
# Every tool says its version on stdout: "NAME VERSION", exit 0.
for t in strec strec-record strec-replay strec-analyze strec-redact strec-slice strec-cat \
         strec-export strec-diff strec-report; do
  out=$("$bin/$t" --version 2>&1)
  if [ $? != 0 ] || ! printf '%s' "$out" | grep -qE '^strec[ -][a-z]* ?[0-9]+\.[0-9]+\.[0-9]+$'; then
    echo "FAIL: $t --version: $out"
    fail=1
  fi
done
check 2 "--zstd-level" "$bin/strec-record" --zstd-level 50 -- true
check 2 "--spin-us" "$bin/strec-record" --spin-us soon -- true
check 2 "--snaplen" "$bin/strec-record" -s -1 -- true
check 2 "trace=" "$bin/strec-record" -e trace=nosuchcall -- true
check 2 "--backend" "$bin/strec-record" --backend dtrace -- true
check 2 "--string-limit" "$bin/strec-replay" -s abc "$trace"
check 2 "--format" "$bin/strec-analyze" --format bogus "$trace"
check 1 "/etc/passwd" "$bin/strec-replay" /etc/passwd
check 1 "/etc/passwd" "$bin/strec-analyze" /etc/passwd
check 1 "no-such.strec" "$bin/strec-replay" /nonexistent/no-such.strec
# strace's options that mean nothing for a recorded run are refused by name, with the reason.
check 2 "strec-analyze" "$bin/strec-replay" -c "$trace"
check 2 "strec-record -e inject" "$bin/strec-replay" -e inject=open:error=ENOENT "$trace"
check 2 "stack traces" "$bin/strec-replay" -k "$trace"
check 2 "--strings-in-hex" "$bin/strec-replay" --strings-in-hex=some "$trace"
check 2 "--absolute-timestamps" "$bin/strec-replay" --absolute-timestamps=precision:fs "$trace"
check 2 "--no-follow" "$bin/strec-replay" --no-follow -f "$trace"
# -e verbose= takes a syscall set as -e trace= does; an unknown name is named.
check 2 "verbose=bogus: .*bogus" "$bin/strec-replay" -e verbose=bogus "$trace"
check 2 "verbose=%nosuchclass" "$bin/strec-replay" --verbose=%nosuchclass "$trace"
check 0 "" "$bin/strec-replay" -e verbose=none -o /dev/null "$trace"
check 0 "" "$bin/strec-replay" --verbose='!execve,%network' -o /dev/null "$trace"
# -e inject= at record time: bad specs name the part, eBPF is refused.
check 2 "error=EWHAT" "$bin/strec-record" -e inject=openat:error=EWHAT -- true
check 2 "when=0" "$bin/strec-record" -e inject=openat:error=ENOENT:when=0 -- true
check 2 "say what to do" "$bin/strec-record" -e inject=openat -- true
check 2 "poke_enter" "$bin/strec-record" -e inject=openat:poke_enter=@arg1=00 -- true
check 2 "--backend ptrace" "$bin/strec-record" --backend bpf -e fault=openat -- true
# Asked for what the trace lacks, or nothing at all: said, not an empty output.
check 1 "no such process" "$bin/strec-replay" -p 4000000 "$trace"
check 1 "no such process" "$bin/strec-replay" --json -p 4000000 "$trace"
check 2 "later than" "$bin/strec-analyze" --since 2s --until 1s "$trace"
check 1 "cannot write" sh -c '"$0" info "$1" > /dev/full' "$bin/strec" "$trace"
exit $fail

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
exit $fail

#!/usr/bin/python3
"""Stands in for strace in strace's own test suite: records the command with strec-record, then
renders the trace with strec-replay using the display options the test gave strace.

The test suite calls "$STRACE -o LOG [options] PROGRAM ARGS"; this script splits strace's
options into those that act while the program runs (followed by strec-record) and those that
only change the text (given to strec-replay unchanged, so that an option strec-replay lacks makes
the test fail as it should). The suite's own checks then judge the text.

Environment: STREC_BIN, the directory of strec-record and strec-replay (required).
"""

import os
import subprocess
import sys
import tempfile

# strace 6.1's options, from its getopt string and long options (strace(1)).
SHORT_WITH_ARG = set("abeEIoOpPsSuUX")
SHORT_FLAGS = set("AcCdDfFhiknqrtTvVwxyYzZ")
LONG_OPTIONAL = {"daemonize", "daemonised", "daemonized", "relative-timestamps",
                 "absolute-timestamps", "timestamps", "syscall-times", "strings-in-hex", "tips",
                 "quiet", "silent", "silence", "decode-fds", "secontext"}
LONG_FLAGS = {"output-append-mode", "summary-only", "summary", "debug", "follow-forks",
              "output-separately", "help", "instruction-pointer", "stack-traces",
              "syscall-number", "no-abbrev", "version", "summary-wall-clock",
              "pidns-translation", "successful-only", "failed-only", "failing-only",
              "seccomp-bpf"}
# Record-time: these change what happens while the program runs.
RECORD_EXPRS = ("inject", "fault")


def parse(argv):
    """Returns ([(option, value or None)], command)."""
    opts = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            return opts, argv[i + 1:]
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            if eq or name in LONG_FLAGS or name in LONG_OPTIONAL:
                opts.append(("--" + name, value if eq else None))
            else:  # a long option with a required argument, given as the next word
                i += 1
                opts.append(("--" + name, argv[i] if i < len(argv) else ""))
            i += 1
            continue
        if not a.startswith("-") or a == "-":
            return opts, argv[i:]
        j = 1
        while j < len(a):
            c = a[j]
            if c in SHORT_WITH_ARG:
                if j + 1 < len(a):
                    value = a[j + 1:]
                else:
                    i += 1
                    value = argv[i] if i < len(argv) else ""
                opts.append(("-" + c, value))
                break
            opts.append(("-" + c, None))
            j += 1
        i += 1
    return opts, []


def main():
    strec = os.environ["STREC_BIN"]
    opts, command = parse(sys.argv[1:])
    # -s: whole buffers for -e read=/write= dumps (read-write writes 1 MiB + 64 KiB + 2 bytes).
    record = [os.path.join(strec, "strec-record"), "-q", "--backend", "ptrace", "-s", "2097152"]
    replay = [os.path.join(strec, "strec-replay")]
    env_prefix = []
    output = None
    follow = 0
    for name, value in opts:
        expr_key = (value or "").partition("=")[0] if name == "-e" else name[2:]
        if name in ("-e", "--inject", "--fault") and expr_key in RECORD_EXPRS:
            record += ["-e", value if name == "-e" else expr_key + "=" + value]
        elif name == "-p" or name == "--attach":
            record += ["-p", value]
        elif name == "-E" or name == "--env":
            if "=" in value:
                env_prefix.append(value)
            else:
                env_prefix += ["-u", value]
        elif name in ("-f", "--follow-forks"):
            follow += 1
        elif name == "--output-separately":
            follow += 2
        elif name in ("-o", "--output"):
            output = value
        elif name in ("-I", "--interruptible", "--seccomp-bpf", "-D", "--daemonize",
                      "--daemonised", "--daemonized", "-d", "--debug"):
            pass  # how strace itself runs, not what it prints
        elif name in ("-V", "--version"):
            replay.append("--version")
        elif value is None:
            replay.append(name)
        elif name.startswith("--"):
            replay.append(name + "=" + value)
        else:
            replay += [name, value]
    # -v and -e abbrev= print execve's environment strings: the recorder keeps them only when
    # asked.
    if any(n in ("-v", "--no-abbrev", "--abbrev") or
           (n == "-e" and (v or "").partition("=")[0] in ("abbrev", "a")) for n, v in opts):
        record.append("--capture-env")
    if follow >= 2:
        replay.append("-ff")
    elif follow == 0:
        # strace without -f leaves the children alone: they may then be traced by another
        # tracer (the ptrace tests' children call PTRACE_TRACEME).
        record.append("--no-follow")
        replay.append("--no-follow")
    if not command and not any(o[0] in ("-p", "--attach") for o in opts):
        # strace -V, -h, or a usage error: strec-replay answers for itself.
        return subprocess.run(replay).returncode
    if env_prefix:
        command = ["env"] + env_prefix + command
    fd, trace = tempfile.mkstemp(suffix=".strec")
    os.close(fd)
    try:
        # The program inherits every descriptor the test gave strace (tests pass fds 3..9).
        rec = subprocess.Popen(record + ["--force", "-o", trace, "--"] + command, close_fds=False)
        if os.getpid() == 1:
            # The first process of a new pid namespace (the suite runs "unshare -Urpf $STRACE"
            # to test --pidns-translation), as strace would be: the orphans of the namespace
            # come to it, and a namespace's init that exits waits until they are reaped.
            while True:
                pid, status = os.wait()
                if pid == rec.pid:
                    rec.returncode = os.waitstatus_to_exitcode(status)
                    break
        else:
            rec.wait()
        replay += ["-o", output if output else "/dev/stderr", trace]
        rep = subprocess.run(replay)
        if rep.returncode != 0:
            return rep.returncode
        status = rec.returncode
        if status > 128 and status - 128 < 65:
            # strace dies of the signal that killed its tracee; so does this stand-in.
            sys.stdout.flush()
            signum = status - 128
            import signal
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        return status
    finally:
        os.unlink(trace)


if __name__ == "__main__":
    sys.exit(main())

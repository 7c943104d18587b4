#!/usr/bin/env python3
"""`import strec` (the reader API's Python module, api/python) on a recorded trace: every syscall's
strace line equals strec-replay's (alignment aside), the calls per syscall equal strec-analyze's,
fd paths resolve, seek_time jumps, and a bad file raises strec.TraceError naming it.

usage: python_api_test.py BIN_DIR PROGRAMS_DIR MODULE_DIR OUT_DIR
"""

import collections
import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from clients import fresh_dir, run  # noqa: E402

BIN, PROGRAMS, MODULE, OUT = (sys.argv[1:5] + [None] * 4)[:4]
if MODULE:
    sys.path.insert(0, MODULE)
import strec  # noqa: E402


def normalise(line):
    """strace pads before " = " to a column, and replay prefixes the pid; the API's lines have
    neither."""
    return re.sub(r" +(= [^=]*)$", r" \1", re.sub(r"^\d+ +", "", line))


class PythonApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = fresh_dir(OUT, "python-api")
        cls.trace = os.path.join(cls.work, "files.strec")
        run(os.path.join(BIN, "strec-record"), "-q", "--backend", "ptrace", "-o", cls.trace, "--",
            os.path.join(PROGRAMS, "files"))

    def test_lines_equal_strec_replay(self):
        replay = run(os.path.join(BIN, "strec-replay"), "-y", self.trace).splitlines()
        mine = [ev.strace for ev in strec.open(self.trace, strace=True)
                if ev.kind in ("syscall", "exit") and ev.strace]
        self.assertGreater(len(mine), 40)
        self.assertEqual([normalise(x) for x in replay], [normalise(x) for x in mine])
        # Without -y, as strec-replay without it.
        plain = run(os.path.join(BIN, "strec-replay"), "-s", "8", self.trace).splitlines()
        mine = [ev.strace for ev in strec.open(self.trace, strace=True, fd_paths=False,
                                                string_limit=8)
                if ev.kind in ("syscall", "exit") and ev.strace]
        self.assertEqual([normalise(x) for x in plain], [normalise(x) for x in mine])

    def test_counts_equal_strec_analyze(self):
        summary = json.loads(run(os.path.join(BIN, "strec-analyze"), "--format", "json",
                                 self.trace))["summary"]["syscalls"]
        calls, errors = collections.Counter(), collections.Counter()
        for ev in strec.open(self.trace):
            if ev.kind == "syscall" and ev.returned:
                calls[ev.name] += 1
                errors[ev.name] += ev.errno is not None
        self.assertEqual({r["name"]: (r["calls"], r["errors"]) for r in summary},
                         {n: (calls[n], errors[n]) for n in calls})

    def test_events_and_state(self):
        t = strec.open(self.trace)
        info = t.info
        self.assertTrue(info["complete"])
        self.assertEqual("ptrace", info["backend"])
        kinds = collections.Counter()
        failed_open = None
        read_path = None
        for ev in t:
            kinds[ev.kind] += 1
            if ev.kind == "syscall" and ev.name == "openat" and ev.errno == "ENOENT" and any(
                    b.arg == 1 and b.data.endswith(b"/does-not-exist") for b in ev.buffers):
                failed_open = ev
            if ev.kind == "syscall" and ev.name == "read" and ev.ret and read_path is None:
                read_path = t.fd_path(ev.tid, ev.args[0])
        self.assertEqual(kinds["exec"], 1)
        self.assertEqual(kinds["exit"], 1)
        self.assertEqual(kinds["syscall"], info["syscalls"])
        self.assertIsNotNone(failed_open)
        self.assertEqual(-2, failed_open.ret)
        self.assertGreater(failed_open.duration_ns, 0)
        d = failed_open.to_dict()
        self.assertEqual(("openat", "ENOENT"), (d["name"], d["errno"]))
        self.assertTrue(read_path and read_path.startswith("/"), read_path)

    def test_seek_time(self):
        events = [(ev.time_ns, ev.kind) for ev in strec.open(self.trace)]
        middle = events[len(events) // 2][0]
        t = strec.open(self.trace)
        t.seek_time(middle)
        after = [ev.time_ns for ev in t]
        self.assertTrue(after and min(after) >= middle, (middle, after[:3]))
        self.assertEqual(len([e for e in events if e[0] >= middle]), len(after))

    def test_errors(self):
        bad = os.path.join(self.work, "bad.strec")
        with open(bad, "wb") as f:
            f.write(b"no trace here")
        with self.assertRaises(strec.TraceError) as e:
            strec.open(bad)
        self.assertIn(bad, str(e.exception))
        with self.assertRaises(strec.TraceError):
            strec.open(os.path.join(self.work, "missing.strec"))
        self.assertEqual(run(os.path.join(BIN, "strec"), "--version").split()[-1], strec.__version__)


if __name__ == "__main__":
    if None in (BIN, PROGRAMS, MODULE, OUT):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    unittest.main(argv=[sys.argv[0], "-v"])

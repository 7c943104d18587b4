#!/usr/bin/env python3
"""bench/python_iter.py TRACE [--module-dir build/python]: how fast `import strec` iterates a
trace: events per second, plain and with each event's strace line (median of 3 runs each).
Make a trace of 1M syscalls with:
  build/bin/strec-record -o /tmp/m.strec -- build/tests/programs/syscall_loop 1000000 write
"""
import os
import statistics
import sys
import time

args = sys.argv[1:]
module_dir = "build/python"
if "--module-dir" in args:
    i = args.index("--module-dir")
    module_dir = args[i + 1]
    del args[i:i + 2]
if len(args) != 1:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
sys.path.insert(0, module_dir)
import strec  # noqa: E402

trace = args[0]
for label, strace in (("events", False), ("events with strace lines", True)):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        n = 0
        for _ev in strec.open(trace, strace=strace):
            n += 1
        times.append(time.perf_counter() - start)
    t = statistics.median(times)
    print(f"{label}: {n} in {t:.2f} s ({n / t:,.0f}/s), {os.path.basename(trace)}")

"""What the tests driven by real clients (a browser, DuckDB) share: running a tool, and skipping
for what the machine truly lacks, said as GoogleTest says it (run.sh's skip summary reads it),
or failing instead where STREC_REQUIRE_CLIENTS=1 (CI: its machines have every client)."""

import os
import shutil
import subprocess
import sys


def run(*args, **kw):
    """A command's stdout; an AssertionError with its stderr when it fails."""
    r = subprocess.run(list(args), capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def fresh_dir(*parts):
    """The directory os.path.join(*parts), emptied of an earlier run's files."""
    path = os.path.join(*parts)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def skip_or_fail(test_file, why):
    """Exits 77 (ctest's SKIP_RETURN_CODE) with the reason, or 1 under STREC_REQUIRE_CLIENTS=1."""
    name = os.path.basename(test_file)
    if os.environ.get("STREC_REQUIRE_CLIENTS") == "1":
        print(f"{name}: FAILED: {why} (STREC_REQUIRE_CLIENTS=1)", file=sys.stderr)
        sys.exit(1)
    print(f"{test_file}:1: Skipped\n{why}")
    sys.exit(77)

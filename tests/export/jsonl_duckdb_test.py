#!/usr/bin/env python3
"""strec export --format jsonl read by a real engine: DuckDB, through npm's @duckdb/node-api run by
Node. Three traces are recorded as if on three hosts (each recorder in its own UTS namespace with
its own host name), exported (plain, .zst, .gz, and all three in one file), loaded into DuckDB,
and a SQL GROUP BY syscall must give exactly the calls, errors and time strec-analyze prints for
the same three traces; GROUP BY host, each trace's own figures.

usage: jsonl_duckdb_test.py BIN_DIR PROGRAMS_DIR OUT_DIR
The npm package is installed (npm ci, pinned by tests/export/duckdb/package-lock.json) into
OUT_DIR/duckdb on the first run. Without node or npm, or when the registry cannot be reached, the
test skips (exit 77), unless STREC_REQUIRE_CLIENTS=1 (CI) makes it fail.
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from clients import fresh_dir, run, skip_or_fail  # noqa: E402
BIN, PROGRAMS, OUT = (sys.argv[1:4] + [None] * 3)[:3]
HOSTS = ("web1", "web2", "db1")



def install_duckdb(dest):
    """node_modules with @duckdb/node-api in dest, or the reason it cannot be had."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "node and npm are not installed"
    if os.path.isdir(os.path.join(dest, "node_modules", "@duckdb", "node-api")):
        return None
    os.makedirs(dest, exist_ok=True)
    for f in ("package.json", "package-lock.json", "query.mjs"):
        shutil.copy(os.path.join(HERE, "duckdb", f), dest)
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", dest],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return "npm ci @duckdb/node-api failed: " + (r.stderr.strip().splitlines() or ["?"])[-1]
    return None


class JsonlInDuckDBTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = fresh_dir(OUT, "jsonl-duckdb")
        cls.duck = os.path.join(OUT, "duckdb")
        shutil.copy(os.path.join(HERE, "duckdb", "query.mjs"), cls.duck)  # the current one
        p = PROGRAMS
        workloads = {
            "web1": ["env", f"{p}/diffcase", "/nonexistent-strec"],
            "web2": ["env", "DIFFCASE_THREADS=3", f"{p}/diffcase", "/etc/hostname"],
            "db1": ["sh", "-c", f"DIFFCASE_FD=9 {p}/diffcase /etc/hostname; "
                                f"{p}/bigio 65536 /dev/null >/dev/null"],
        }
        cls.traces = {}
        for host in HOSTS:
            trace = os.path.join(cls.work, host + ".strec")
            # Each recorder on a host of its own: a new UTS namespace named `host`.
            run("unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', host,
                os.path.join(BIN, "strec-record"), "--backend", "ptrace", "-o", trace, "--",
                *workloads[host])
            cls.traces[host] = trace

    def query(self, sql):
        out = run("node", os.path.join(self.duck, "query.mjs"), sql, cwd=self.duck)
        return json.loads(out)

    def export(self, name, *traces):
        out = os.path.join(self.work, name)
        run(os.path.join(BIN, "strec-export"), "--format", "jsonl", *traces, "-o", out)
        return out

    def analyze(self, *traces):
        out = run(os.path.join(BIN, "strec-analyze"), "--format", "json", *traces)
        return {r["name"]: (r["calls"], r["errors"], r["total_ns"])
                for r in json.loads(out)["summary"]["syscalls"]}

    def by_syscall(self, files, where=""):
        rows = self.query(
            "SELECT syscall, count(*) FILTER (WHERE \"return\" IS NOT NULL) AS calls, "
            "count(*) FILTER (WHERE errno IS NOT NULL) AS errors, "
            "coalesce(sum(duration_ns) FILTER (WHERE \"return\" IS NOT NULL), 0) AS total_ns "
            f"FROM read_json({files}, format='newline_delimited') {where} "
            "GROUP BY syscall HAVING calls > 0")
        return {r["syscall"]: (int(r["calls"]), int(r["errors"]), int(r["total_ns"])) for r in rows}

    def test_group_by_syscall_equals_strec_analyze(self):
        t = self.traces
        files = [self.export("web1.jsonl", t["web1"]), self.export("web2.jsonl.zst", t["web2"]),
                 self.export("db1.jsonl.gz", t["db1"])]
        expected = self.analyze(*(t[h] for h in HOSTS))
        self.assertGreater(sum(e for _, e, _ in expected.values()), 0, "the fixture has no error")
        self.assertEqual(expected, self.by_syscall("[" + ",".join(f"'{f}'" for f in files) + "]"))
        # The same from one file holding the three traces.
        one = self.export("all.jsonl.zst", *(t[h] for h in HOSTS))
        self.assertEqual(expected, self.by_syscall(f"'{one}'"))
        # Per host: each trace's own figures.
        for host in HOSTS:
            self.assertEqual(self.analyze(t[host]), self.by_syscall(f"'{one}'", f"WHERE host = '{host}'"),
                             host)
        rows = self.query(f"SELECT count(DISTINCT host) AS hosts, count(DISTINCT trace) AS traces, "
                          f"count(*) FILTER (WHERE v <> 1) AS other_versions FROM read_json('{one}')")
        self.assertEqual([{"hosts": "3", "traces": "3", "other_versions": "0"}],
                         [{k: str(v) for k, v in r.items()} for r in rows])

    def test_fields_as_documented(self):
        out = self.export("web1-fields.jsonl", self.traces["web1"])
        with open(out) as f:
            lines = [json.loads(line) for line in f]
        fields = {"v", "host", "trace", "command", "pid", "tid", "time", "time_ns", "duration_ns",
                  "syscall", "nr", "class", "return", "errno", "fd_path", "args", "strace", "raw_args"}
        for line in lines:
            self.assertLessEqual(fields, set(line), line)
        failed = [x for x in lines if x["syscall"] == "openat" and x["errno"] == "ENOENT"
                  and "/nonexistent-strec" in x["args"]]
        self.assertEqual(1, len(failed), "the fixture's failing open")
        self.assertEqual("web1", failed[0]["host"])
        self.assertEqual("diffcase", failed[0]["command"])
        self.assertEqual(-2, failed[0]["return"])
        self.assertTrue(failed[0]["strace"].endswith("= -1 ENOENT (No such file or directory)"))
        reads = [x for x in lines if x["syscall"] == "write" and x["fd_path"]]
        self.assertTrue(reads, "a write names its fd's file")
        exits = [x for x in lines if x["syscall"] == "exit_group"]
        self.assertEqual([None], [x["return"] for x in exits])


if __name__ == "__main__":
    if None in (BIN, PROGRAMS, OUT):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    why = install_duckdb(os.path.join(OUT, "duckdb"))
    if why:
        skip_or_fail(__file__, why + ": the JSONL export is not tested in DuckDB")
    unittest.main(argv=[sys.argv[0], "-v"])

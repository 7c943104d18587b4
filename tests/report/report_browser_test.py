#!/usr/bin/env python3
"""strec report in a real browser: headless Chromium (Debian's chromium) loads the page made
from a recorded trace; the test checks there is no console error, exception or network request,
that every number the page shows equals strec-analyze --format json on the same trace, that
hovering a bar shows its strace line and that the wheel zooms; it takes screenshots.

usage: report_browser_test.py BIN_DIR PROGRAMS_DIR OUT_DIR
  BIN_DIR       strec-record, strec-report, strec-analyze
  PROGRAMS_DIR  the fixture programs (tests/programs)
  OUT_DIR       scratch files and the screenshots (report.png, report-timeline.png);
                STREC_SCREENSHOT_DIR=docs also writes them there (how docs/ is refreshed)
Without chromium the test skips (exit 77), unless STREC_REQUIRE_CLIENTS=1 (CI) makes it fail.
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import cdp  # noqa: E402
from clients import fresh_dir, run, skip_or_fail  # noqa: E402

BIN, PROGRAMS, OUT = (sys.argv[1:4] + [None] * 3)[:3]

# The page's tables as cell texts, its timeline's figures and its cards.
READ_DOM = """(() => {
  const rows = (id, part) => [...document.querySelectorAll('#' + id + ' ' + part + ' tr')]
      .map(tr => [...tr.cells].map(td => td.textContent));
  const t = {};
  for (const id of ['summary', 'percentiles', 'errors', 'failing-paths', 'files', 'processes',
                    'slowest'])
    t[id] = rows(id, 'tbody');
  t.summary_total = rows('summary', 'tfoot');
  const note = document.getElementById('tl-note').dataset;
  t.timeline = {total: +note.total, returned: +note.returned, drawn: +note.drawn,
                legend: [...document.querySelectorAll('#tl-legend span')]
                    .map(s => [s.dataset.category, +s.dataset.count])};
  t.cards = Object.fromEntries([...document.querySelectorAll('.card')]
      .map(c => [c.dataset.card, c.querySelector('.v').textContent]));
  t.range = [+document.getElementById('tl-range').dataset.from,
             +document.getElementById('tl-range').dataset.to];
  return t;
})()"""



def num(text):
    """An integer as the page prints it (1,234) or an empty cell (0)."""
    return int(text.replace(",", "")) if text else 0


def analyze(trace, *views):
    return json.loads(run(os.path.join(BIN, "strec-analyze"), "--format", "json", *views, trace))


class ReportInBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = fresh_dir(OUT, "report-browser")
        cls.browser = cdp.Browser(width=1400, height=900)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()

    def record(self, name, *command):
        trace = os.path.join(self.work, name + ".strec")
        run(os.path.join(BIN, "strec-record"), "--backend", "ptrace", "-o", trace, "--", *command)
        return trace

    def report(self, trace, *options):
        page = trace[:-len(".strec")] + ".html"
        run(os.path.join(BIN, "strec-report"), *options, trace, "-o", page)
        return page

    def load(self, page):
        b = self.browser
        mark = len(b.events)
        b.load("file://" + page)
        self.assertEqual(b.evaluate("document.body.dataset.ready"), "1", "the page's script did not finish")
        self.assertEqual([], b.problems(mark), "console errors, exceptions or log errors")
        self.assertEqual(["file://" + page], b.requests(mark), "the page fetched something")
        return b.evaluate(READ_DOM)

    def check_figures(self, trace, dom):
        """Every number on the page against strec-analyze --format json of the same trace."""
        summary = analyze(trace)["summary"]
        views = analyze(trace, "--percentiles", "--errors", "--by", "process", "--by", "file",
                        "--slow", "20", "-y")
        self.assertEqual(
            [[f"{r['percent_time']:.2f}", f"{r['seconds']:.6f}", r["usecs_per_call"], r["calls"],
              r["errors"], r["name"]] for r in summary["syscalls"]],
            [[c[0], c[1], num(c[2]), num(c[3]), num(c[4]), c[5]] for c in dom["summary"]])
        total = summary["total"]
        c = dom["summary_total"][0]
        self.assertEqual([f"{total['seconds']:.6f}", total["usecs_per_call"], total["calls"],
                          total["errors"], "total"],
                         [c[1], num(c[2]), num(c[3]), num(c[4]), c[5]])
        self.assertEqual(num(dom["cards"]["syscalls"]), total["calls"])
        self.assertEqual(num(dom["cards"]["failed"]), total["errors"])

        us = lambda ns: f"{ns / 1000:.3f}"  # noqa: E731
        self.assertEqual([[r["name"], r["calls"], us(r["p50_ns"]), us(r["p90_ns"]), us(r["p99_ns"]),
                           us(r["max_ns"])] for r in views["percentiles"]],
                         [[c[0], num(c[1])] + c[2:] for c in dom["percentiles"]])
        self.assertEqual([[r["name"], r["errno"], r["count"], r["calls"]] for r in views["errors"]],
                         [[c[0], c[1], num(c[2]), num(c[3])] for c in dom["errors"]])
        paths = views["files"]["paths"]
        self.assertLessEqual(len(paths), 200, "the fixture should fit the page's file table")
        self.assertEqual(
            sorted([p["path"], p["read_bytes"], p["write_bytes"], f"{p['syscall_ns'] / 1e9:.6f}",
                    p["calls"], p["errors"], p["opens"], p["reads"], p["writes"]] for p in paths),
            sorted([c[0]] + [num(x) for x in c[1:3]] + [c[3]] + [num(x) for x in c[4:]]
                   for c in dom["files"]))
        self.assertEqual(sorted([p["path"], p["errors"], p["calls"]] for p in paths if p["errors"]),
                         sorted([c[0], num(c[1]), num(c[2])] for c in dom["failing-paths"]))
        self.assertEqual([[r["pid"], r["command"], r["threads"], r["calls"], r["errors"]]
                          for r in views["processes"]],
                         [[num(c[0]), c[2], num(c[3]), num(c[4]), num(c[5])] for c in dom["processes"]])
        self.assertEqual([[us(r["duration_ns"]), r["pid"], r["tid"], r["start"], r["call"]]
                          for r in views["slowest"]],
                         [[c[0], num(c[1]), num(c[2]), c[3], c[4]] for c in dom["slowest"]])
        # The timeline, from its own walk of the trace, counts the same calls.
        tl = dom["timeline"]
        self.assertEqual(tl["returned"], total["calls"])
        self.assertEqual(tl["total"] - tl["returned"], total["unfinished"])
        self.assertEqual(sum(n for _, n in tl["legend"]), tl["total"])
        return views

    def test_small_trace_every_call_drawn(self):
        p = PROGRAMS
        script = (f"{p}/diffcase /nonexistent-strec; DIFFCASE_THREADS=3 {p}/diffcase /etc/hostname; "
                  f"DIFFCASE_FD=9 {p}/diffcase /etc/hostname; {p}/bigio 65536 /dev/null >/dev/null")
        trace = self.record("small", "sh", "-c", script)
        page = self.report(trace)
        dom = self.load(page)
        views = self.check_figures(trace, dom)
        tl = dom["timeline"]
        self.assertEqual(tl["drawn"], tl["total"], "a small trace draws every call")
        self.assertGreaterEqual(len({r["pid"] for r in views["processes"]}), 5)

        b = self.browser
        b.screenshot(os.path.join(self.work, "report.png"), clip={"x": 0, "y": 0, "width": 1400, "height": 900})
        # Hovering the slowest call's bar shows its strace line.
        slowest = views["slowest"][0]["call"]
        at = b.evaluate(f"strecReport.locate({json.dumps(slowest)})")
        self.assertIsNotNone(at, "the slowest call is not on the timeline: " + slowest)
        b.mouse("mouseMoved", at["x"], at["y"])
        tip = b.evaluate("document.getElementById('tl-tip').textContent")
        self.assertEqual(slowest, tip.split("\n")[0])
        self.assertEqual("block", b.evaluate("document.getElementById('tl-tip').style.display"))
        box = b.evaluate("(() => { const r = document.getElementById('s-timeline')"
                         ".getBoundingClientRect(); return {x: r.left, y: r.top + scrollY,"
                         " width: r.width, height: r.height}; })()")
        b.screenshot(os.path.join(self.work, "report-timeline.png"),
                     clip={"x": 0, "y": box["y"] - 8, "width": 1400, "height": box["height"] + 16})
        # The wheel zooms in at the pointer; a double-click shows the whole trace again.
        whole = b.evaluate(READ_DOM)["range"]
        b.mouse("mouseWheel", at["x"], at["y"], deltaX=0, deltaY=-400)
        zoomed = b.evaluate(READ_DOM)["range"]
        self.assertLess(zoomed[1] - zoomed[0], whole[1] - whole[0])
        self.assertLessEqual(whole[0], zoomed[0])
        b.mouse("mouseMoved", at["x"], at["y"])
        self.assertEqual(slowest, b.evaluate("document.getElementById('tl-tip').textContent").split("\n")[0],
                         "after zooming at the pointer, the same call is under it")
        for kind in ("mousePressed", "mouseReleased"):
            b.mouse(kind, at["x"], at["y"], button="left", clickCount=2)
        self.assertEqual(whole, b.evaluate(READ_DOM)["range"])
        self.assertEqual([], b.problems())
        copy_screenshots(self.work, ("report.png", "report-timeline.png"))

    def test_large_trace_is_bounded_and_says_so(self):
        trace = self.record("large", os.path.join(PROGRAMS, "syscall_loop"), "20000")
        page = self.report(trace, "--max-calls", "50")
        size = os.path.getsize(page)
        self.assertLess(size, 400_000, "a page past its bounds")
        dom = self.load(page)
        self.check_figures(trace, dom)
        tl = dom["timeline"]
        self.assertEqual(tl["drawn"], 50)
        self.assertGreater(tl["total"], 20000)
        note = self.browser.evaluate("document.getElementById('tl-note').textContent")
        self.assertIn("The 50 longest are drawn one by one", note)
        # Its figures are the whole trace's.
        self.assertGreaterEqual(num(dom["cards"]["syscalls"]), 20000)

    def test_bad_input_is_one_line_and_no_output(self):
        report = os.path.join(BIN, "strec-report")
        bad = os.path.join(self.work, "bad.strec")
        with open(bad, "wb") as f:
            f.write(b"not a trace at all" * 10)
        page = os.path.join(self.work, "bad.html")
        r = subprocess.run([report, bad, "-o", page], capture_output=True, text=True)
        self.assertEqual(1, r.returncode)
        self.assertEqual(1, len(r.stderr.splitlines()), r.stderr)
        self.assertIn(bad, r.stderr)
        self.assertFalse(os.path.exists(page))
        # An existing file is kept unless --force (a usage error, as for strec export).
        trace = self.record("exists", "true")
        with open(page, "w") as f:
            f.write("keep me")
        r = subprocess.run([report, trace, "-o", page], capture_output=True, text=True)
        self.assertEqual(2, r.returncode)
        self.assertIn(page, r.stderr)
        with open(page) as f:
            self.assertEqual("keep me", f.read())
        run(report, "--force", trace, "-o", page)
        self.assertEqual(0o600, os.stat(page).st_mode & 0o777)
        r = subprocess.run([report, trace], capture_output=True, text=True)
        self.assertEqual(2, r.returncode, "no -o is a usage error")


def copy_screenshots(work, names):
    dest = os.environ.get("STREC_SCREENSHOT_DIR")
    if dest:
        os.makedirs(dest, exist_ok=True)
        for n in names:
            shutil.copy(os.path.join(work, n), os.path.join(dest, n))


if __name__ == "__main__":
    if None in (BIN, PROGRAMS, OUT):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if not cdp.find_chromium():
        skip_or_fail(__file__, "chromium is not installed (apt-get install chromium): the report "
                               "is not tested in a browser")
    unittest.main(argv=[sys.argv[0], "-v"])

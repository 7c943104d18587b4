#include "strec/analyze/report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <map>
#include <tuple>

#include "strec/format/event.h"
#include "strec/format/syscall_table.h"
#include "strec/replay/decode.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/xlat.h"

namespace strec::analyze {
namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000;

// Names from replay's tables (format/xlat), with a fallback for numbers without one.
std::string ErrnoName(int err) {
  if (const char* name = replay::ErrnoName(err))
    return name;
  std::string name = "E";  // (built in steps: GCC 12 warns on "E" + std::string)
  name += std::to_string(err);
  return name;
}

std::string SignalName(int signo) {
  std::string name = replay::SignalName(signo);
  if (name.starts_with("SIG"))
    return name;
  std::string out = "SIG";
  out += name;
  return out;
}

// strace's ts_float(): seconds as a double, from whole seconds and nanoseconds.
double TsFloat(uint64_t ns) {
  return static_cast<double>(ns / kNsPerSec) + static_cast<double>(ns % kNsPerSec) / 1e9;
}

// strace's ts_div(): the mean in nanoseconds, rounded to nearest.
uint64_t AvgNs(uint64_t total_ns, uint64_t n) {
  if (n == 0)
    return 0;
  uint64_t sec = total_ns / kNsPerSec, nsec = total_ns % kNsPerSec;
  uint64_t q = (sec % n * kNsPerSec + nsec + n / 2) / n;
  return (sec / n + q / kNsPerSec) * kNsPerSec + q % kNsPerSec;
}

// The usecs/call column: (uint64_t) (ts_float(&avg) * 1e6), truncating as strace does.
uint64_t AvgUsecs(uint64_t total_ns, uint64_t n) {
  return static_cast<uint64_t>(TsFloat(AvgNs(total_ns, n)) * 1e6);
}

std::string Printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Printf(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return std::string(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

std::string JsonString(std::string_view s) {
  return replay::JsonString(s, replay::JsonHighBytes::kKeep);
}

std::string CsvField(std::string_view s) {
  bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos;
  std::string out;
  for (unsigned char c : s) {
    if (c == '"')
      out += "\"\"";
    else if (c < 0x20 || c == 0x7f)
      out += '?';  // never raw control bytes on a terminal
    else
      out += static_cast<char>(c);
  }
  return quote ? "\"" + out + "\"" : out;
}

// Table cells are shown on terminals: replace control bytes.
std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = '?';
  return out;
}

struct Row {
  SyscallKey key;
  std::string name;
  const SyscallStats* stats;
};

std::vector<Row> Rows(const Aggregator& agg) {
  std::vector<Row> rows;
  for (const auto& [key, stats] : agg.Syscalls())
    if (stats->calls > 0)
      rows.push_back({key, SyscallName(key), stats});
  return rows;
}

void SortRows(std::vector<Row>* rows, SortKey key) {
  auto by = [&](auto value) {
    std::stable_sort(rows->begin(), rows->end(),
                     [&](const Row& a, const Row& b) { return value(a) > value(b); });
  };
  switch (key) {
    case SortKey::kTime:
      return by([](const Row& r) { return r.stats->total_ns; });
    case SortKey::kMinTime:
      return by([](const Row& r) { return r.stats->latency.min(); });
    case SortKey::kMaxTime:
      return by([](const Row& r) { return r.stats->latency.max(); });
    case SortKey::kAvgTime:
      return by([](const Row& r) { return AvgNs(r.stats->total_ns, r.stats->calls); });
    case SortKey::kCalls:
      return by([](const Row& r) { return r.stats->calls; });
    case SortKey::kErrors:
      return by([](const Row& r) { return r.stats->errors; });
    case SortKey::kName:
      std::stable_sort(rows->begin(), rows->end(),
                       [](const Row& a, const Row& b) { return a.name < b.name; });
      return;
    case SortKey::kNothing:
      return;
  }
}

size_t Digits(uint64_t v) {
  return Printf("%" PRIu64, v).size();
}

// ---- summary (strace -c -w) ----

struct Totals {
  uint64_t calls = 0, errors = 0, ns = 0, unfinished = 0;
};

// Sums of the rows shown; `unfinished` counts every syscall, also those that never returned at
// all (exit_group), which have no row.
Totals Sum(const std::vector<Row>& rows, const Aggregator* agg = nullptr) {
  Totals t;
  for (const Row& r : rows) {
    t.calls += r.stats->calls;
    t.errors += r.stats->errors;
    t.ns += r.stats->total_ns;
  }
  if (agg)
    for (const auto& [key, stats] : agg->Syscalls())
      t.unfinished += stats->unfinished;
  return t;
}

double Percent(uint64_t ns, double total) {
  double percent = 100.0 * TsFloat(ns);
  if (percent != 0.0)  // as strace: 0/0 stays 0
    percent /= total;
  return percent;
}

void SummaryTable(const std::vector<Row>& rows, std::ostream& out) {
  if (rows.empty())
    return;  // strace prints nothing when no syscall was counted
  Totals t = Sum(rows);
  double total = TsFloat(t.ns);
  uint64_t avg_max = 0;
  size_t name_max = 0;
  for (const Row& r : rows) {
    avg_max = std::max(avg_max, AvgNs(r.stats->total_ns, r.stats->calls));
    name_max = std::max(name_max, r.name.size());
  }
  int w_secs = static_cast<int>(std::max<size_t>(11, Printf("%.6f", total).size()));
  int w_avg =
      static_cast<int>(std::max<size_t>(11, Digits(static_cast<uint64_t>(TsFloat(avg_max) * 1e6))));
  int w_calls = static_cast<int>(std::max<size_t>(9, Digits(t.calls)));
  int w_errors = static_cast<int>(std::max<size_t>(9, Digits(t.errors)));
  int w_name = static_cast<int>(std::max<size_t>(16, name_max + 1));
  std::string divider = std::string(6, '-') + " " + std::string(w_secs, '-') + " " +
                        std::string(w_avg, '-') + " " + std::string(w_calls, '-') + " " +
                        std::string(w_errors, '-') + " " + std::string(w_name, '-') + "\n";
  out << Printf("%6s %*s %*s %*s %*s %s\n", "% time", w_secs, "seconds", w_avg, "usecs/call",
                w_calls, "calls", w_errors, "errors", "syscall");
  out << divider;
  for (const Row& r : rows) {
    const SyscallStats& s = *r.stats;
    out << Printf("%6.2f %*.6f %*" PRIu64 " %*" PRIu64 " %*.0" PRIu64 " %s\n",
                  Percent(s.total_ns, total), w_secs, TsFloat(s.total_ns), w_avg,
                  AvgUsecs(s.total_ns, s.calls), w_calls, s.calls, w_errors, s.errors,
                  Printable(r.name).c_str());
  }
  out << divider;
  out << Printf("%6.2f %*.6f %*" PRIu64 " %*" PRIu64 " %*.0" PRIu64 " %s\n", 100.0, w_secs, total,
                w_avg, static_cast<uint64_t>(total / static_cast<double>(t.calls) * 1e6), w_calls,
                t.calls, w_errors, t.errors, "total");
}

std::string SummaryJson(const std::vector<Row>& rows, const Aggregator& agg) {
  Totals t = Sum(rows, &agg);
  double total = TsFloat(t.ns);
  std::string out = "{\"syscalls\": [";
  for (size_t i = 0; i < rows.size(); i++) {
    const SyscallStats& s = *rows[i].stats;
    out += Printf("%s\n    {\"name\": %s, \"calls\": %" PRIu64 ", \"errors\": %" PRIu64
                  ", \"total_ns\": %" PRIu64 ", \"seconds\": %.6f, \"usecs_per_call\": %" PRIu64
                  ", \"percent_time\": %.2f, \"unfinished\": %" PRIu64 "}",
                  i ? "," : "", JsonString(rows[i].name).c_str(), s.calls, s.errors, s.total_ns,
                  TsFloat(s.total_ns), AvgUsecs(s.total_ns, s.calls), Percent(s.total_ns, total),
                  s.unfinished);
  }
  out += rows.empty() ? "]" : "\n  ]";
  out += Printf(",\n  \"total\": {\"calls\": %" PRIu64 ", \"errors\": %" PRIu64
                ", \"total_ns\": %" PRIu64 ", \"seconds\": %.6f, \"usecs_per_call\": %" PRIu64
                ", \"unfinished\": %" PRIu64 "}}",
                t.calls, t.errors, t.ns, total,
                t.calls ? static_cast<uint64_t>(total / static_cast<double>(t.calls) * 1e6) : 0,
                t.unfinished);
  return out;
}

void SummaryCsv(const std::vector<Row>& rows, const Aggregator& agg, std::ostream& out) {
  Totals t = Sum(rows, &agg);
  double total = TsFloat(t.ns);
  out << "syscall,calls,errors,total_ns,seconds,usecs_per_call,percent_time,unfinished\n";
  for (const Row& r : rows) {
    const SyscallStats& s = *r.stats;
    out << CsvField(r.name)
        << Printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64 ",%.2f,%" PRIu64 "\n",
                  s.calls, s.errors, s.total_ns, TsFloat(s.total_ns), AvgUsecs(s.total_ns, s.calls),
                  Percent(s.total_ns, total), s.unfinished);
  }
  if (!rows.empty())
    out << Printf("total,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64 ",100.00,%" PRIu64 "\n",
                  t.calls, t.errors, t.ns, total,
                  static_cast<uint64_t>(total / static_cast<double>(t.calls) * 1e6), t.unfinished);
}

// ---- percentiles ----

constexpr double kPercentiles[] = {50, 90, 99};

std::string Usecs(uint64_t ns) {
  return Printf("%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
}

void PercentilesTable(const std::vector<Row>& rows, std::ostream& out) {
  size_t name_max = 7;
  for (const Row& r : rows)
    name_max = std::max(name_max, r.name.size());
  int w_name = static_cast<int>(std::max<size_t>(16, name_max + 1));
  out << Printf("%-*s %9s %12s %12s %12s %12s\n", w_name, "syscall", "calls", "p50(us)", "p90(us)",
                "p99(us)", "max(us)");
  out << std::string(w_name, '-') << " " << std::string(9, '-');
  for (int i = 0; i < 4; i++)
    out << " " << std::string(12, '-');
  out << "\n";
  for (const Row& r : rows) {
    const LogHistogram& h = r.stats->latency;
    out << Printf("%-*s %9" PRIu64, w_name, Printable(r.name).c_str(), r.stats->calls);
    for (double p : kPercentiles)
      out << Printf(" %12s", Usecs(h.Percentile(p)).c_str());
    out << Printf(" %12s\n", Usecs(h.max()).c_str());
  }
}

std::string PercentilesJson(const std::vector<Row>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); i++) {
    const LogHistogram& h = rows[i].stats->latency;
    out += Printf("%s\n    {\"name\": %s, \"calls\": %" PRIu64 ", \"samples\": %" PRIu64
                  ", \"p50_ns\": %" PRIu64 ", \"p90_ns\": %" PRIu64 ", \"p99_ns\": %" PRIu64
                  ", \"max_ns\": %" PRIu64 "}",
                  i ? "," : "", JsonString(rows[i].name).c_str(), rows[i].stats->calls, h.count(),
                  h.Percentile(50), h.Percentile(90), h.Percentile(99), h.max());
  }
  return out + (rows.empty() ? "]" : "\n  ]");
}

void PercentilesCsv(const std::vector<Row>& rows, std::ostream& out) {
  out << "syscall,calls,samples,p50_ns,p90_ns,p99_ns,max_ns\n";
  for (const Row& r : rows) {
    const LogHistogram& h = r.stats->latency;
    out << CsvField(r.name)
        << Printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
                  r.stats->calls, h.count(), h.Percentile(50), h.Percentile(90), h.Percentile(99),
                  h.max());
  }
}

// ---- errors ----

struct ErrorRow {
  const Row* row;
  int err;
  uint64_t count;
};

// Syscalls by errors (descending, ties by number), each errno by count then number.
std::vector<ErrorRow> ErrorRows(std::vector<Row>* rows) {
  SortRows(rows, SortKey::kErrors);
  std::vector<ErrorRow> out;
  for (const Row& r : *rows) {
    if (r.stats->errors == 0)
      continue;
    std::vector<std::pair<int, uint64_t>> errs(r.stats->errnos.begin(), r.stats->errnos.end());
    std::stable_sort(errs.begin(), errs.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [err, n] : errs)
      out.push_back({&r, err, n});
  }
  return out;
}

void ErrorsTable(const std::vector<ErrorRow>& rows, std::ostream& out) {
  size_t name_max = 7;
  for (const ErrorRow& e : rows)
    name_max = std::max(name_max, e.row->name.size());
  int w_name = static_cast<int>(std::max<size_t>(16, name_max + 1));
  out << Printf("%-*s %-22s %9s %9s %8s\n", w_name, "syscall", "errno", "count", "calls",
                "% calls");
  out << std::string(w_name, '-') << " " << std::string(22, '-') << " " << std::string(9, '-')
      << " " << std::string(9, '-') << " " << std::string(8, '-') << "\n";
  for (const ErrorRow& e : rows)
    out << Printf("%-*s %-22s %9" PRIu64 " %9" PRIu64 " %8.2f\n", w_name,
                  Printable(e.row->name).c_str(), ErrnoName(e.err).c_str(), e.count,
                  e.row->stats->calls,
                  100.0 * static_cast<double>(e.count) / static_cast<double>(e.row->stats->calls));
}

std::string ErrorsJson(const std::vector<ErrorRow>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); i++) {
    const ErrorRow& e = rows[i];
    out += Printf("%s\n    {\"name\": %s, \"errno\": %s, \"errno_value\": %d, \"count\": %" PRIu64
                  ", \"calls\": %" PRIu64 "}",
                  i ? "," : "", JsonString(e.row->name).c_str(),
                  JsonString(ErrnoName(e.err)).c_str(), e.err, e.count, e.row->stats->calls);
  }
  return out + (rows.empty() ? "]" : "\n  ]");
}

void ErrorsCsv(const std::vector<ErrorRow>& rows, std::ostream& out) {
  out << "syscall,errno,errno_value,count,calls\n";
  for (const ErrorRow& e : rows)
    out << CsvField(e.row->name) << "," << ErrnoName(e.err)
        << Printf(",%d,%" PRIu64 ",%" PRIu64 "\n", e.err, e.count, e.row->stats->calls);
}

// ---- processes ----

struct ProcRow {
  ProcessKey key;
  const ProcessStats* p;
  std::string name;
  uint64_t lifetime_ns;
  std::string status;
  std::string pid;   // as shown: "1234", or in a joined trace "web2:1234"
  std::string host;  // a joined trace's recording host, else ""
};

std::vector<ProcRow> ProcRows(const Analysis& a) {
  std::vector<ProcRow> out;
  std::vector<std::string> roots = a.RootCommands();
  const auto& procs = a.aggregate.processes();
  for (const auto& [key, p] : procs) {
    ProcRow r{key, &p, "", 0, "running", std::to_string(key.pid), ""};
    if (key.trace >= 0 && static_cast<size_t>(key.trace) < a.traces.size()) {
      const format::PidMap& pids = a.traces[key.trace].pids;
      r.pid = pids.Label(key.pid);
      if (pids.joined())
        r.host = pids.HostOf(key.pid);
    }
    uint64_t end = p.exited ? std::max(p.exit_ns, p.last_ns) : p.last_ns;
    uint64_t start = p.spawned ? std::min(p.spawn_ns, p.first_ns) : p.first_ns;
    r.name = ProcessName(procs, key, end, roots);
    r.lifetime_ns = end > start ? end - start : 0;
    if (p.exited) {
      if (p.exit_signal)
        r.status =
            "killed by " + SignalName(p.exit_signal) + (p.core_dumped ? " (core dumped)" : "");
      else
        r.status = "exited " + std::to_string(p.exit_status);
    }
    out.push_back(std::move(r));
  }
  return out;
}

void ProcessesTable(const std::vector<ProcRow>& rows, bool show_trace, std::ostream& out) {
  size_t name_max = 7;
  for (const ProcRow& r : rows)
    name_max = std::max(name_max, r.name.size());
  int w_name = static_cast<int>(std::max<size_t>(16, name_max + 1));
  std::string head = show_trace ? Printf("%5s ", "trace") : "";
  std::string dash = show_trace ? std::string(5, '-') + " " : "";
  size_t pid_max = 7;  // wider for a joined trace's host:pid
  for (const ProcRow& r : rows)
    pid_max = std::max(pid_max, r.pid.size());
  int w_pid = static_cast<int>(pid_max);
  out << head
      << Printf("%*s %-*s %7s %9s %9s %11s %11s %s\n", w_pid, "pid", w_name, "command", "threads",
                "calls", "errors", "seconds", "lifetime", "status");
  out << dash << std::string(pid_max, '-') << " " << std::string(w_name, '-') << " "
      << std::string(7, '-') << " " << std::string(9, '-') << " " << std::string(9, '-') << " "
      << std::string(11, '-') << " " << std::string(11, '-') << " " << std::string(16, '-') << "\n";
  for (const ProcRow& r : rows) {
    if (show_trace)
      out << Printf("%5d ", r.key.trace);
    out << Printf("%7s %-*s %7u %9" PRIu64 " %9" PRIu64 " %11.6f %11.6f %s\n", r.pid.c_str(),
                  w_name, Printable(r.name).c_str(), r.p->threads_spawned + 1, r.p->calls,
                  r.p->errors, TsFloat(r.p->syscall_ns), TsFloat(r.lifetime_ns), r.status.c_str());
  }
}

std::string ProcessesJson(const std::vector<ProcRow>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); i++) {
    const ProcRow& r = rows[i];
    std::string exit = "null";
    if (r.p->exited)
      exit = r.p->exit_signal ? Printf("{\"signal\": %s, \"core_dumped\": %s}",
                                       JsonString(SignalName(r.p->exit_signal)).c_str(),
                                       r.p->core_dumped ? "true" : "false")
                              : Printf("{\"status\": %d}", r.p->exit_status);
    std::string host = r.host.empty() ? "" : ", \"host\": " + JsonString(r.host);
    out += Printf(
        "%s\n    {\"trace\": %d, \"pid\": %d%s, \"parent_pid\": %d, \"command\": %s, "
        "\"threads\": %u, \"calls\": %" PRIu64 ", \"errors\": %" PRIu64 ", \"syscall_ns\": %" PRIu64
        ", \"lifetime_ns\": %" PRIu64 ", \"exit\": %s}",
        i ? "," : "", r.key.trace, r.key.pid, host.c_str(), r.p->spawned ? r.p->parent_pid : 0,
        JsonString(r.name).c_str(), r.p->threads_spawned + 1, r.p->calls, r.p->errors,
        r.p->syscall_ns, r.lifetime_ns, exit.c_str());
  }
  return out + (rows.empty() ? "]" : "\n  ]");
}

void ProcessesCsv(const std::vector<ProcRow>& rows, std::ostream& out) {
  out << "trace,pid,parent_pid,command,threads,calls,errors,syscall_ns,lifetime_ns,status\n";
  for (const ProcRow& r : rows)
    out << Printf("%d,%d,%d,", r.key.trace, r.key.pid, r.p->spawned ? r.p->parent_pid : 0)
        << CsvField(r.name)
        << Printf(",%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", r.p->threads_spawned + 1,
                  r.p->calls, r.p->errors, r.p->syscall_ns, r.lifetime_ns)
        << CsvField(r.status) << "\n";
}

// ---- cgroups ----

// The processes' totals by the cgroup each was recorded in (with -a or --cgroup, every process
// has one; "?" for those the trace does not place).
struct CgroupRow {
  std::string cgroup;
  uint64_t processes = 0, calls = 0, errors = 0, syscall_ns = 0;
};

std::vector<CgroupRow> CgroupRows(const Analysis& a) {
  std::map<std::string, CgroupRow> by;
  const auto& procs = a.aggregate.processes();
  for (const auto& [key, p] : procs) {
    std::string cg = ProcessCgroup(procs, key);
    CgroupRow& r = by[cg.empty() ? "?" : cg];
    r.processes++;
    r.calls += p.calls;
    r.errors += p.errors;
    r.syscall_ns += p.syscall_ns;
  }
  std::vector<CgroupRow> out;
  for (auto& [cg, r] : by) {
    r.cgroup = cg;
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const CgroupRow& x, const CgroupRow& y) {
    return x.syscall_ns != y.syscall_ns ? x.syscall_ns > y.syscall_ns : x.calls > y.calls;
  });
  return out;
}

void CgroupsTable(const std::vector<CgroupRow>& rows, std::ostream& out) {
  size_t width = 6;
  for (const CgroupRow& r : rows)
    width = std::max(width, r.cgroup.size());
  int w = static_cast<int>(width);
  out << Printf("%-*s %9s %9s %9s %11s\n", w, "cgroup", "processes", "calls", "errors", "seconds");
  out << std::string(width, '-') << " " << std::string(9, '-') << " " << std::string(9, '-') << " "
      << std::string(9, '-') << " " << std::string(11, '-') << "\n";
  for (const CgroupRow& r : rows)
    out << Printf("%-*s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %11.6f\n", w,
                  Printable(r.cgroup).c_str(), r.processes, r.calls, r.errors,
                  TsFloat(r.syscall_ns));
}

std::string CgroupsJson(const std::vector<CgroupRow>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); i++) {
    const CgroupRow& r = rows[i];
    out += Printf("%s\n    {\"cgroup\": %s, \"processes\": %" PRIu64 ", \"calls\": %" PRIu64
                  ", \"errors\": %" PRIu64 ", \"syscall_ns\": %" PRIu64 "}",
                  i ? "," : "", JsonString(r.cgroup).c_str(), r.processes, r.calls, r.errors,
                  r.syscall_ns);
  }
  return out + (rows.empty() ? "]" : "\n  ]");
}

void CgroupsCsv(const std::vector<CgroupRow>& rows, std::ostream& out) {
  out << "cgroup,processes,calls,errors,syscall_ns\n";
  for (const CgroupRow& r : rows)
    out << CsvField(r.cgroup)
        << Printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", r.processes, r.calls,
                  r.errors, r.syscall_ns);
}

// ---- threads ----

struct ThreadRow {
  ThreadKey key;
  const ThreadStats* t;
  std::string name;
  uint64_t lifetime_ns;
};

std::vector<ThreadRow> ThreadRows(const Analysis& a) {
  std::vector<ThreadRow> out;
  std::vector<std::string> roots = a.RootCommands();
  for (const auto& [key, t] : a.aggregate.threads()) {
    uint64_t life = t.last_ns > t.first_ns && t.first_ns != UINT64_MAX ? t.last_ns - t.first_ns : 0;
    out.push_back({key, &t, ThreadName(a.aggregate, key, roots), life});
  }
  // By process, then thread id (the map's order is trace, tid).
  std::stable_sort(out.begin(), out.end(), [](const ThreadRow& x, const ThreadRow& y) {
    return std::tie(x.key.trace, x.t->pid) < std::tie(y.key.trace, y.t->pid);
  });
  return out;
}

void ThreadsTable(const std::vector<ThreadRow>& rows, bool show_trace, std::ostream& out) {
  size_t name_max = 7;
  for (const ThreadRow& r : rows)
    name_max = std::max(name_max, r.name.size());
  int w_name = static_cast<int>(std::max<size_t>(16, name_max + 1));
  out << (show_trace ? Printf("%5s ", "trace") : "")
      << Printf("%7s %7s %-*s %9s %9s %11s %11s\n", "pid", "tid", w_name, "command", "calls",
                "errors", "seconds", "lifetime");
  out << (show_trace ? std::string(5, '-') + " " : "") << std::string(7, '-') << " "
      << std::string(7, '-') << " " << std::string(w_name, '-') << " " << std::string(9, '-') << " "
      << std::string(9, '-') << " " << std::string(11, '-') << " " << std::string(11, '-') << "\n";
  for (const ThreadRow& r : rows) {
    if (show_trace)
      out << Printf("%5d ", r.key.trace);
    out << Printf("%7d %7d %-*s %9" PRIu64 " %9" PRIu64 " %11.6f %11.6f\n", r.t->pid, r.key.tid,
                  w_name, Printable(r.name).c_str(), r.t->calls, r.t->errors,
                  TsFloat(r.t->syscall_ns), TsFloat(r.lifetime_ns));
  }
}

std::string ThreadsJson(const std::vector<ThreadRow>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); i++) {
    const ThreadRow& r = rows[i];
    out += Printf(
        "%s\n    {\"trace\": %d, \"pid\": %d, \"tid\": %d, \"command\": %s, \"calls\": "
        "%" PRIu64 ", \"errors\": %" PRIu64 ", \"syscall_ns\": %" PRIu64
        ", \"lifetime_ns\": %" PRIu64 ", \"exited\": %s}",
        i ? "," : "", r.key.trace, r.t->pid, r.key.tid, JsonString(r.name).c_str(), r.t->calls,
        r.t->errors, r.t->syscall_ns, r.lifetime_ns, r.t->exited ? "true" : "false");
  }
  return out + (rows.empty() ? "]" : "\n  ]");
}

void ThreadsCsv(const std::vector<ThreadRow>& rows, std::ostream& out) {
  out << "trace,pid,tid,command,calls,errors,syscall_ns,lifetime_ns,exited\n";
  for (const ThreadRow& r : rows)
    out << Printf("%d,%d,%d,", r.key.trace, r.t->pid, r.key.tid) << CsvField(r.name)
        << Printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%d\n", r.t->calls, r.t->errors,
                  r.t->syscall_ns, r.lifetime_ns, r.t->exited ? 1 : 0);
}

// ---- files ----

constexpr const char* kOtherPaths = "(other paths)";

struct FileRow {
  std::string path;
  const FileStats* f;
};

std::vector<FileRow> FileRows(const Analysis& a, SortKey key) {
  std::vector<FileRow> rows;
  for (const auto& [path, f] : a.files.paths())
    rows.push_back({path, &f});
  // Name order first: the tie-break of every other key, and independent of hashing.
  std::sort(rows.begin(), rows.end(),
            [](const FileRow& x, const FileRow& y) { return x.path < y.path; });
  auto by = [&](auto value) {
    std::stable_sort(rows.begin(), rows.end(),
                     [&](const FileRow& x, const FileRow& y) { return value(x) > value(y); });
  };
  switch (key) {
    case SortKey::kCalls:
      by([](const FileRow& r) { return r.f->calls; });
      break;
    case SortKey::kErrors:
      by([](const FileRow& r) { return r.f->errors; });
      break;
    case SortKey::kName:
    case SortKey::kNothing:
      break;
    default:
      by([](const FileRow& r) { return r.f->syscall_ns; });
      break;
  }
  if (a.files.overflow().calls > 0)
    rows.push_back({kOtherPaths, &a.files.overflow()});
  return rows;
}

void FilesTable(const std::vector<FileRow>& rows, std::ostream& out) {
  out << Printf("%11s %9s %9s %7s %9s %12s %9s %12s %s\n", "seconds", "calls", "errors", "opens",
                "reads", "read bytes", "writes", "write bytes", "path");
  std::string divider =
      std::string(11, '-') + " " + std::string(9, '-') + " " + std::string(9, '-') + " " +
      std::string(7, '-') + " " + std::string(9, '-') + " " + std::string(12, '-') + " " +
      std::string(9, '-') + " " + std::string(12, '-') + " " + std::string(16, '-') + "\n";
  out << divider;
  for (const FileRow& r : rows) {
    const FileStats& f = *r.f;
    out << Printf("%11.6f %9" PRIu64 " %9" PRIu64 " %7" PRIu64 " %9" PRIu64 " %12" PRIu64
                  " %9" PRIu64 " %12" PRIu64 " %s\n",
                  TsFloat(f.syscall_ns), f.calls, f.errors, f.opens, f.reads, f.read_bytes,
                  f.writes, f.write_bytes, Printable(r.path).c_str());
  }
}

std::string FilesJson(const std::vector<FileRow>& rows, const Analysis& a) {
  std::string out = "{\"limit\": " + std::to_string(a.files.limit()) + ", \"paths\": [";
  for (size_t i = 0; i < rows.size(); i++) {
    const FileStats& f = *rows[i].f;
    bool other = rows[i].f == &a.files.overflow();
    out += Printf("%s\n    {\"path\": %s, \"calls\": %" PRIu64 ", \"errors\": %" PRIu64
                  ", \"syscall_ns\": %" PRIu64 ", \"opens\": %" PRIu64 ", \"reads\": %" PRIu64
                  ", \"read_bytes\": %" PRIu64 ", \"writes\": %" PRIu64
                  ", \"write_bytes\": %" PRIu64 "%s}",
                  i ? "," : "", other ? "null" : JsonString(rows[i].path).c_str(), f.calls,
                  f.errors, f.syscall_ns, f.opens, f.reads, f.read_bytes, f.writes, f.write_bytes,
                  other ? ", \"overflow\": true" : "");
  }
  return out + (rows.empty() ? "]}" : "\n  ]}");
}

void FilesCsv(const std::vector<FileRow>& rows, std::ostream& out) {
  out << "path,calls,errors,syscall_ns,opens,reads,read_bytes,writes,write_bytes\n";
  for (const FileRow& r : rows) {
    const FileStats& f = *r.f;
    out << CsvField(r.path)
        << Printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                  ",%" PRIu64 ",%" PRIu64 "\n",
                  f.calls, f.errors, f.syscall_ns, f.opens, f.reads, f.read_bytes, f.writes,
                  f.write_bytes);
  }
}

// ---- slowest calls ----

// CLOCK_REALTIME ns as 2023-11-14T22:13:20.000001Z (UTC, microseconds as strace -tt).
std::string IsoTime(uint64_t realtime_ns) {
  time_t sec = static_cast<time_t>(realtime_ns / kNsPerSec);
  struct tm tm;
  gmtime_r(&sec, &tm);
  return Printf("%04d-%02d-%02dT%02d:%02d:%02d.%06" PRIu64 "Z", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, realtime_ns % kNsPerSec / 1000);
}

struct SlowRow {
  const SlowCall* c;
  uint64_t relative_ns;  // entry after the trace's start
  uint64_t realtime_ns;  // entry, wall clock
};

std::vector<SlowRow> SlowRows(const Analysis& a, const std::vector<SlowCall>& calls) {
  std::vector<SlowRow> rows;
  for (const SlowCall& c : calls) {
    const TraceFacts& t = a.traces[static_cast<size_t>(c.trace)];
    uint64_t rel = c.entry_ns > t.start_ns ? c.entry_ns - t.start_ns : 0;
    rows.push_back({&c, rel, format::WallClockNs(t.realtime_ns, t.start_ns, c.entry_ns)});
  }
  return rows;
}

void SlowTable(const std::vector<SlowRow>& rows, bool show_trace, std::ostream& out) {
  out << (show_trace ? Printf("%5s ", "trace") : "")
      << Printf("%11s %7s %7s %11s %-27s %s\n", "seconds", "pid", "tid", "start", "start (UTC)",
                "call");
  out << (show_trace ? std::string(5, '-') + " " : "") << std::string(11, '-') << " "
      << std::string(7, '-') << " " << std::string(7, '-') << " " << std::string(11, '-') << " "
      << std::string(27, '-') << " " << std::string(16, '-') << "\n";
  for (const SlowRow& r : rows) {
    if (show_trace)
      out << Printf("%5d ", r.c->trace);
    out << Printf("%11.6f %7d %7d %11.6f %-27s %s\n", TsFloat(r.c->duration_ns()), r.c->pid,
                  r.c->tid, TsFloat(r.relative_ns), IsoTime(r.realtime_ns).c_str(),
                  Printable(r.c->text).c_str());
  }
}

std::string SlowJson(const std::vector<SlowRow>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); i++) {
    const SlowRow& r = rows[i];
    out += Printf("%s\n    {\"trace\": %d, \"pid\": %d, \"tid\": %d, \"duration_ns\": %" PRIu64
                  ", \"start_ns\": %" PRIu64 ", \"start_realtime_ns\": %" PRIu64
                  ", \"start\": \"%s\", \"call\": %s}",
                  i ? "," : "", r.c->trace, r.c->pid, r.c->tid, r.c->duration_ns(), r.relative_ns,
                  r.realtime_ns, IsoTime(r.realtime_ns).c_str(), JsonString(r.c->text).c_str());
  }
  return out + (rows.empty() ? "]" : "\n  ]");
}

void SlowCsv(const std::vector<SlowRow>& rows, std::ostream& out) {
  out << "trace,pid,tid,duration_ns,start_ns,start_realtime_ns,start,call\n";
  for (const SlowRow& r : rows)
    out << Printf("%d,%d,%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,", r.c->trace, r.c->pid,
                  r.c->tid, r.c->duration_ns(), r.relative_ns, r.realtime_ns,
                  IsoTime(r.realtime_ns).c_str())
        << CsvField(r.c->text) << "\n";
}

const char* ViewKey(View v) {
  switch (v) {
    case View::kSummary:
      return "summary";
    case View::kPercentiles:
      return "percentiles";
    case View::kErrors:
      return "errors";
    case View::kProcesses:
      return "processes";
    case View::kThreads:
      return "threads";
    case View::kCgroups:
      return "cgroups";
    case View::kFiles:
      return "files";
    case View::kSlow:
      return "slowest";
  }
  return "";
}

}  // namespace

std::optional<OutputFormat> ParseOutputFormat(std::string_view s) {
  if (s == "table")
    return OutputFormat::kTable;
  if (s == "json")
    return OutputFormat::kJson;
  if (s == "csv")
    return OutputFormat::kCsv;
  return std::nullopt;
}

std::optional<SortKey> ParseSortKey(std::string_view s) {
  static const std::map<std::string_view, SortKey> kKeys = {
      {"time", SortKey::kTime},         {"time_percent", SortKey::kTime},
      {"time-percent", SortKey::kTime}, {"time_total", SortKey::kTime},
      {"time-total", SortKey::kTime},   {"total_time", SortKey::kTime},
      {"total-time", SortKey::kTime},   {"min_time", SortKey::kMinTime},
      {"min-time", SortKey::kMinTime},  {"shortest", SortKey::kMinTime},
      {"time_min", SortKey::kMinTime},  {"time-min", SortKey::kMinTime},
      {"longest", SortKey::kMaxTime},   {"max_time", SortKey::kMaxTime},
      {"max-time", SortKey::kMaxTime},  {"time_max", SortKey::kMaxTime},
      {"time-max", SortKey::kMaxTime},  {"avg_time", SortKey::kAvgTime},
      {"avg-time", SortKey::kAvgTime},  {"time_avg", SortKey::kAvgTime},
      {"time-avg", SortKey::kAvgTime},  {"avgtime", SortKey::kAvgTime},
      {"calls", SortKey::kCalls},       {"count", SortKey::kCalls},
      {"error", SortKey::kErrors},      {"errors", SortKey::kErrors},
      {"name", SortKey::kName},         {"syscall", SortKey::kName},
      {"syscall_name", SortKey::kName}, {"syscall-name", SortKey::kName},
      {"none", SortKey::kNothing},      {"nothing", SortKey::kNothing},
  };
  auto it = kKeys.find(s);
  if (it == kKeys.end())
    return std::nullopt;
  return it->second;
}

std::string SyscallName(const SyscallKey& key) {
  if (const format::SyscallTable* table = format::SyscallTable::ForArch(key.arch))
    if (const format::SyscallInfo* info = table->Find(key.nr); info && info->name)
      return info->name;
  std::string name = replay::UnknownSyscallName(key.nr);
  if (key.arch != format::kArchX86_64)
    name += Printf("@arch_%#x", key.arch);
  return name;
}

Status WriteReport(const Analysis& a, const ReportOptions& o, std::ostream& out) {
  if (o.format == OutputFormat::kCsv && o.views.size() != 1)
    return InvalidArgument("--format csv prints one view at a time; ask for one");
  std::vector<Row> rows = Rows(a.aggregate);
  SortRows(&rows, o.sort);
  std::vector<Row> error_rows = rows;
  std::vector<SlowCall> slow = a.slow.Sorted();
  if (o.format == OutputFormat::kJson) {
    out << "{\n  \"traces\": [";
    for (size_t i = 0; i < a.traces.size(); i++)
      out << (i ? ", " : "") << JsonString(a.traces[i].path);
    out << "],\n  \"lost_events\": " << a.aggregate.lost_events();
    for (View v : o.views) {
      out << ",\n  " << JsonString(ViewKey(v)) << ": ";
      switch (v) {
        case View::kSummary:
          out << SummaryJson(rows, a.aggregate);
          break;
        case View::kPercentiles:
          out << PercentilesJson(rows);
          break;
        case View::kErrors:
          out << ErrorsJson(ErrorRows(&error_rows));
          break;
        case View::kProcesses:
          out << ProcessesJson(ProcRows(a));
          break;
        case View::kThreads:
          out << ThreadsJson(ThreadRows(a));
          break;
        case View::kCgroups:
          out << CgroupsJson(CgroupRows(a));
          break;
        case View::kFiles:
          out << FilesJson(FileRows(a, o.sort), a);
          break;
        case View::kSlow:
          out << SlowJson(SlowRows(a, slow));
          break;
      }
    }
    out << "\n}\n";
    return OkStatus();
  }
  bool first = true;
  for (View v : o.views) {
    if (!first && o.format == OutputFormat::kTable)
      out << "\n";
    first = false;
    bool table = o.format == OutputFormat::kTable;
    switch (v) {
      case View::kSummary:
        table ? SummaryTable(rows, out) : SummaryCsv(rows, a.aggregate, out);
        break;
      case View::kPercentiles:
        table ? PercentilesTable(rows, out) : PercentilesCsv(rows, out);
        break;
      case View::kErrors: {
        auto e = ErrorRows(&error_rows);
        table ? ErrorsTable(e, out) : ErrorsCsv(e, out);
        break;
      }
      case View::kProcesses: {
        auto p = ProcRows(a);
        table ? ProcessesTable(p, a.traces.size() > 1, out) : ProcessesCsv(p, out);
        break;
      }
      case View::kThreads: {
        auto t = ThreadRows(a);
        table ? ThreadsTable(t, a.traces.size() > 1, out) : ThreadsCsv(t, out);
        break;
      }
      case View::kCgroups: {
        auto c = CgroupRows(a);
        table ? CgroupsTable(c, out) : CgroupsCsv(c, out);
        break;
      }
      case View::kFiles: {
        auto f = FileRows(a, o.sort);
        table ? FilesTable(f, out) : FilesCsv(f, out);
        break;
      }
      case View::kSlow: {
        auto r = SlowRows(a, slow);
        table ? SlowTable(r, a.traces.size() > 1, out) : SlowCsv(r, out);
        break;
      }
    }
  }
  return OkStatus();
}

}  // namespace strec::analyze

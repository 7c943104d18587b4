#include "strec/diff/diff.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>

#include "strec/format/syscall_table.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/xlat.h"

namespace strec::diff {
namespace {

using replay::EventType;

constexpr size_t kMaxLines = 1'000'000;  // per thread: a diff of longer runs is not readable
constexpr size_t kWindow = 80;           // calls compared after the first difference
constexpr size_t kContext = 3;

std::string Join(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) {
    if (!s.empty())
      s += ' ';
    s += a;
  }
  return s;
}

// The index of the path argument of the calls that open files, or -1.
int OpenPathArg(int nr) {
  switch (nr) {
    case 2:   // open
    case 85:  // creat
      return 0;
    case 257:  // openat
    case 437:  // openat2
      return 1;
    default:
      return -1;
  }
}

}  // namespace

std::string Normalise(const std::string& line, const std::map<int64_t, std::string>& labels) {
  std::string in = line;
  if (in.rfind("getrandom(\"", 0) == 0) {  // random bytes differ by design
    size_t end = 11;
    while (end < in.size() && in[end] != '"')
      end += in[end] == '\\' ? 2 : 1;
    if (end < in.size())
      in = "getrandom(\"...\"" + in.substr(end + 1);
  }
  std::string out;
  out.reserve(in.size());
  size_t n = in.size();
  for (size_t i = 0; i < n;) {
    char c = in[i];
    bool boundary = i == 0 || !(isalnum(static_cast<unsigned char>(in[i - 1])) ||
                                in[i - 1] == '_' || in[i - 1] == '.');
    if (c == '0' && i + 1 < n && in[i + 1] == 'x' && boundary) {
      size_t j = i + 2;
      while (j < n && isxdigit(static_cast<unsigned char>(in[j])))
        j++;
      out += j - i - 2 >= 5 ? std::string("0x?") : in.substr(i, j - i);
      i = j;
      continue;
    }
    if (isdigit(static_cast<unsigned char>(c)) && boundary) {
      size_t j = i;
      while (j < n && isdigit(static_cast<unsigned char>(in[j])))
        j++;
      std::string num = in.substr(i, j - i);
      bool word =
          j < n && (isalpha(static_cast<unsigned char>(in[j])) || in[j] == '_' || in[j] == '.');
      bool time =
          out.size() >= 7 && (out.compare(out.size() - 7, 7, "tv_sec=") == 0 ||
                              (out.size() >= 8 && out.compare(out.size() - 8, 8, "tv_nsec=") == 0));
      if (time && !word) {
        out += '?';
      } else if (auto l = labels.find(std::strtoll(num.c_str(), nullptr, 10));
                 !word && num.size() < 10 && l != labels.end()) {
        out += l->second;
      } else {
        out += num;
      }
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

StatusOr<Run> ReadRun(const std::vector<std::string>& paths) {
  ASSIGN_OR_RETURN(auto stream, replay::EventStream::Open(paths));
  Run run;
  run.path = paths[0];
  const fb::Header& h = stream->header();
  std::string root;
  if (h.command())
    for (const auto* a : *h.command())
      root += (root.empty() ? "" : " ") + a->str();
  replay::RenderOptions opt;
  replay::DecodeEnv env;
  env.opt = &opt;
  env.state = &stream->state();
  replay::SyscallText text;
  // The recorder: the parent of the command it started (getppid's answer there).
  std::map<int64_t, std::string> labels = {{h.recorder_pid(), "P0"}};
  auto label = [&labels](int64_t id) -> const std::string& {
    auto [it, added] = labels.emplace(id, "");
    if (added)
      it->second = "P" + std::to_string(labels.size() - 1);
    return it->second;
  };
  std::map<int32_t, size_t> procs;                         // pid -> index
  std::map<int32_t, std::pair<size_t, size_t>> thread_at;  // tid -> (process, thread)
  auto process = [&](int32_t pid, const std::string& command) -> Process& {
    auto [it, added] = procs.emplace(pid, run.processes.size());
    if (added) {
      Process p;
      p.pid = pid;
      p.command = command;
      p.label = label(pid);
      p.threads.push_back(Thread{label(pid), {}});
      run.processes.push_back(std::move(p));
      thread_at[pid] = {it->second, 0};
    }
    return run.processes[it->second];
  };
  auto thread = [&](int32_t pid, int32_t tid) -> Thread& {
    Process& p = process(pid, run.processes.empty() ? root : "");
    auto it = thread_at.find(tid);
    if (it == thread_at.end() || it->second.first != procs[pid]) {
      p.threads.push_back(Thread{label(tid), {}});
      it = thread_at.insert_or_assign(tid, std::make_pair(procs[pid], p.threads.size() - 1)).first;
    }
    return run.processes[it->second.first].threads[it->second.second];
  };
  while (true) {
    ASSIGN_OR_RETURN(const replay::Event* e, stream->Next());
    if (!e)
      break;
    if (e->pid > 0) {
      label(e->pid);
      label(e->tid);
    }
    switch (e->type) {
      case EventType::kSyscall:
      case EventType::kSyscallExit: {
        const replay::Syscall& sc = *e->syscall;
        const format::SyscallInfo* info = stream->table()->Find(sc.nr);
        replay::DecodeSyscall(sc, info, env, &text);
        std::string ret = sc.returned() ? replay::DecodeReturn(sc, info, env) : "?";
        if (int a = OpenPathArg(sc.nr); a >= 0 && sc.returned())
          if (const replay::Buffer* b = sc.FindAny(a, format::kBufferString)) {
            int64_t dirfd = sc.nr == 257 || sc.nr == 437 ? static_cast<int32_t>(sc.args[0]) : -100;
            std::string full = stream->state().ResolvePath(sc.tid, dirfd, b->data);
            if (full.empty())
              full = b->data;
            if (sc.error() == 0)
              run.opened.insert(full);
            else
              run.open_failed[full] = replay::ErrnoName(sc.error()) ? replay::ErrnoName(sc.error())
                                                                    : std::to_string(sc.error());
          }
        Thread& t = thread(e->pid, e->tid);
        if (t.lines.size() < kMaxLines)
          t.lines.push_back(replay::SyscallLine(text, ret));
        run.calls[text.name]++;
        if (sc.returned() && sc.has_entry && sc.exit_ns > sc.entry_ns)
          run.time_ns[text.name] += sc.exit_ns - sc.entry_ns;
        if (int err = sc.error()) {
          const char* name = replay::ErrnoName(err);
          run.errors[text.name + " " + (name ? name : std::to_string(err))]++;
        }
        break;
      }
      case EventType::kSpawn: {
        label(e->child_pid);
        label(e->child_tid);
        std::string parent = process(e->pid, run.processes.empty() ? root : "").command;
        if (e->child_pid == e->child_tid)
          process(e->child_pid, parent);
        else
          thread(e->child_pid, e->child_tid);
        break;
      }
      case EventType::kExec:
        process(e->pid, "").command = Join(e->argv);
        break;
      case EventType::kFdSnapshot:
        if (!e->argv.empty()) {
          Process& p = process(e->pid, "");
          if (p.command.empty() || p.command == root)
            p.command = Join(e->argv);
        }
        break;
      case EventType::kExit:
        if (!e->thread_only)
          process(e->pid, "").exit = e->signal ? "killed by " + replay::SignalName(e->signal)
                                               : "exited with " + std::to_string(e->status);
        break;
      default:
        break;
    }
    stream->ApplyCurrent();
  }
  for (Process& p : run.processes)
    for (Thread& t : p.threads)
      for (std::string& line : t.lines)
        line = Normalise(line, labels);
  return run;
}

namespace {

// The first difference of two call sequences and a hunk around it; false when they are equal.
bool DiffLines(const std::vector<std::string>& a,
               const std::vector<std::string>& b,
               ThreadDiff* d) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    i++;
  if (i == a.size() && i == b.size())
    return false;
  d->a_calls = a.size();
  d->b_calls = b.size();
  d->a_at = d->b_at = i;
  size_t start = i >= kContext ? i - kContext : 0;
  for (size_t k = start; k < i; k++)
    d->hunk.push_back({' ', a[k]});
  // A longest common subsequence of the windows after it, backtracked into - and + lines.
  size_t n = std::min(kWindow, a.size() - i), m = std::min(kWindow, b.size() - i);
  std::vector<std::vector<uint16_t>> lcs(n + 1, std::vector<uint16_t>(m + 1, 0));
  for (size_t x = n; x-- > 0;)
    for (size_t y = m; y-- > 0;)
      lcs[x][y] =
          a[i + x] == b[i + y] ? lcs[x + 1][y + 1] + 1 : std::max(lcs[x + 1][y], lcs[x][y + 1]);
  std::vector<HunkLine> body;
  size_t x = 0, y = 0, last_change = 0;
  while (x < n || y < m) {
    if (x < n && y < m && a[i + x] == b[i + y]) {
      body.push_back({' ', a[i + x]});
      x++, y++;
    } else if (x < n && (y == m || lcs[x + 1][y] >= lcs[x][y + 1])) {
      body.push_back({'-', a[i + x++]});  // removals first, as diff -u prints them
      last_change = body.size();
    } else {
      body.push_back({'+', b[i + y++]});
      last_change = body.size();
    }
  }
  body.resize(std::min(body.size(), last_change + kContext));
  d->hunk.insert(d->hunk.end(), body.begin(), body.end());
  return true;
}

template <typename T>
std::vector<std::string> OnlyIn(const std::set<T>& a, const std::set<T>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::set<std::string> Keys(const std::map<std::string, std::string>& m, bool with_value = true) {
  std::set<std::string> s;
  for (const auto& [k, v] : m)
    s.insert(with_value ? k + " (" + v + ")" : k);
  return s;
}

std::string Seconds(uint64_t ns) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6f", static_cast<double>(ns) / 1e9);
  return buf;
}

}  // namespace

// The lists of what only one run did, with their names in the text and in the JSON.
struct OnlyList {
  const char* text;
  const char* key;
  std::vector<std::string> Report::*list;
};
constexpr OnlyList kOnlyLists[] = {
    {"processes only in A", "processes_only_in_a", &Report::a_only_processes},
    {"processes only in B", "processes_only_in_b", &Report::b_only_processes},
    {"files opened only in A", "opened_only_in_a", &Report::a_only_opened},
    {"files opened only in B", "opened_only_in_b", &Report::b_only_opened},
    {"files failing to open only in A", "failed_only_in_a", &Report::a_only_failed},
    {"files failing to open only in B", "failed_only_in_b", &Report::b_only_failed},
    {"errors only in A", "errors_only_in_a", &Report::a_only_errors},
    {"errors only in B", "errors_only_in_b", &Report::b_only_errors},
};

bool Report::same() const {
  for (const OnlyList& l : kOnlyLists)
    if (!(this->*l.list).empty())
      return false;
  return processes.empty() && changed.empty();
}

Report Compare(const Run& a, const Run& b) {
  Report r;
  // Pairs: the k-th process with a command in A and the k-th with it in B.
  std::map<std::string, std::vector<const Process*>> by_a, by_b;
  for (const Process& p : a.processes)
    by_a[p.command].push_back(&p);
  for (const Process& p : b.processes)
    by_b[p.command].push_back(&p);
  for (const Process& pa : a.processes) {
    auto& list_a = by_a[pa.command];
    size_t k = std::find(list_a.begin(), list_a.end(), &pa) - list_a.begin();
    auto it = by_b.find(pa.command);
    if (it == by_b.end() || k >= it->second.size()) {
      r.a_only_processes.push_back(pa.command + " (" + pa.label + ")");
      continue;
    }
    const Process& pb = *it->second[k];
    r.paired++;
    ProcessDiff d;
    d.command = pa.command;
    d.a_pid = pa.pid;
    d.b_pid = pb.pid;
    size_t common = std::min(pa.threads.size(), pb.threads.size());
    for (size_t t = 0; t < common; t++) {
      ThreadDiff td;
      td.a_label = pa.threads[t].label;
      td.b_label = pb.threads[t].label;
      if (DiffLines(pa.threads[t].lines, pb.threads[t].lines, &td))
        d.threads.push_back(std::move(td));
    }
    for (size_t t = common; t < pa.threads.size(); t++)
      d.a_only_threads.push_back(pa.threads[t].label + ": " +
                                 std::to_string(pa.threads[t].lines.size()) + " calls");
    for (size_t t = common; t < pb.threads.size(); t++)
      d.b_only_threads.push_back(pb.threads[t].label + ": " +
                                 std::to_string(pb.threads[t].lines.size()) + " calls");
    if (pa.exit != pb.exit) {
      d.a_exit = pa.exit.empty() ? "no exit seen" : pa.exit;
      d.b_exit = pb.exit.empty() ? "no exit seen" : pb.exit;
    }
    if (!d.threads.empty() || !d.a_only_threads.empty() || !d.b_only_threads.empty() ||
        !d.a_exit.empty())
      r.processes.push_back(std::move(d));
  }
  for (const auto& [command, list] : by_b) {
    size_t in_a = by_a.count(command) ? by_a[command].size() : 0;
    for (size_t k = in_a; k < list.size(); k++)
      r.b_only_processes.push_back(command + " (" + list[k]->label + ")");
  }
  r.a_only_opened = OnlyIn(a.opened, b.opened);
  r.b_only_opened = OnlyIn(b.opened, a.opened);
  r.a_only_failed = OnlyIn(Keys(a.open_failed), Keys(b.open_failed));
  r.b_only_failed = OnlyIn(Keys(b.open_failed), Keys(a.open_failed));
  for (const auto& [what, n] : a.errors)
    if (!b.errors.count(what))
      r.a_only_errors.push_back(what + " x" + std::to_string(n));
  for (const auto& [what, n] : b.errors)
    if (!a.errors.count(what))
      r.b_only_errors.push_back(what + " x" + std::to_string(n));
  std::set<std::string> names;
  for (const auto& [n, c] : a.calls)
    names.insert(n);
  for (const auto& [n, c] : b.calls)
    names.insert(n);
  auto get = [](const std::map<std::string, uint64_t>& m, const std::string& k) -> uint64_t {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  };
  for (const std::string& n : names) {
    SyscallChange c{n, get(a.calls, n), get(b.calls, n), get(a.time_ns, n), get(b.time_ns, n)};
    if (c.a_calls != c.b_calls)
      r.changed.push_back(c);
  }
  auto delta = [](const SyscallChange& c) {
    return c.a_calls > c.b_calls ? c.a_calls - c.b_calls : c.b_calls - c.a_calls;
  };
  std::stable_sort(
      r.changed.begin(), r.changed.end(),
      [&](const SyscallChange& x, const SyscallChange& y) { return delta(x) > delta(y); });
  if (r.changed.size() > 10)
    r.changed.resize(10);
  return r;
}

std::string ReportText(const Report& r, const Run& a, const Run& b) {
  std::string out = "--- A: " + a.path + " (" + std::to_string(a.processes.size()) +
                    " processes)\n+++ B: " + b.path + " (" + std::to_string(b.processes.size()) +
                    " processes)\n";
  out += std::to_string(r.paired) + " processes paired by command line and order of creation\n";
  if (r.same())
    return out + "no differences\n";
  for (const ProcessDiff& p : r.processes) {
    out += "\n== " + p.command + " (A pid " + std::to_string(p.a_pid) + ", B pid " +
           std::to_string(p.b_pid) + ")\n";
    for (const ThreadDiff& t : p.threads) {
      out += "thread " + t.a_label + " / " + t.b_label + ": first difference at call " +
             std::to_string(t.a_at + 1) + " (A made " + std::to_string(t.a_calls) + " calls, B " +
             std::to_string(t.b_calls) + ")\n";
      size_t start = t.a_at - std::min(t.a_at, size_t{3});
      out += "@@ -" + std::to_string(start + 1) + " +" + std::to_string(start + 1) + " @@\n";
      for (const HunkLine& l : t.hunk)
        out += std::string(1, l.op) + l.text + "\n";
    }
    for (const std::string& t : p.a_only_threads)
      out += "thread only in A: " + t + "\n";
    for (const std::string& t : p.b_only_threads)
      out += "thread only in B: " + t + "\n";
    if (!p.a_exit.empty())
      out += "exit: A " + p.a_exit + ", B " + p.b_exit + "\n";
  }
  auto list = [&out](const char* what, const std::vector<std::string>& v) {
    if (v.empty())
      return;
    out += std::string("\n") + what + ":\n";
    for (const std::string& s : v)
      out += "  " + s + "\n";
  };
  for (const OnlyList& l : kOnlyLists)
    list(l.text, r.*l.list);
  if (!r.changed.empty()) {
    out += "\nsyscall counts that changed (calls A -> B, seconds A -> B):\n";
    for (const SyscallChange& c : r.changed) {
      char line[256];
      snprintf(line, sizeof line, "  %-16s %8" PRIu64 " -> %-8" PRIu64 " %s -> %s\n",
               c.name.c_str(), c.a_calls, c.b_calls, Seconds(c.a_ns).c_str(),
               Seconds(c.b_ns).c_str());
      out += line;
    }
  }
  return out;
}

std::string ReportJson(const Report& r, const Run& a, const Run& b) {
  using replay::AppendJsonString;
  std::string out = "{\"a\":";
  AppendJsonString(&out, a.path);
  out += ",\"b\":";
  AppendJsonString(&out, b.path);
  out += ",\"same\":";
  out += r.same() ? "true" : "false";
  out += ",\"paired\":" + std::to_string(r.paired);
  auto strings = [&out](const char* key, const std::vector<std::string>& v) {
    out += ",\"";
    out += key;
    out += "\":[";
    for (size_t i = 0; i < v.size(); i++) {
      if (i)
        out += ',';
      AppendJsonString(&out, v[i]);
    }
    out += ']';
  };
  out += ",\"processes\":[";
  for (size_t i = 0; i < r.processes.size(); i++) {
    const ProcessDiff& p = r.processes[i];
    out += i ? ",{" : "{";
    out += "\"command\":";
    AppendJsonString(&out, p.command);
    out += ",\"a_pid\":" + std::to_string(p.a_pid) + ",\"b_pid\":" + std::to_string(p.b_pid);
    out += ",\"threads\":[";
    for (size_t k = 0; k < p.threads.size(); k++) {
      const ThreadDiff& t = p.threads[k];
      out += k ? ",{" : "{";
      out += "\"a\":\"" + t.a_label + "\",\"b\":\"" + t.b_label +
             "\",\"a_calls\":" + std::to_string(t.a_calls) +
             ",\"b_calls\":" + std::to_string(t.b_calls) +
             ",\"first_difference\":" + std::to_string(t.a_at) + ",\"hunk\":[";
      for (size_t l = 0; l < t.hunk.size(); l++) {
        out += l ? ",[\"" : "[\"";
        out += t.hunk[l].op;
        out += "\",";
        AppendJsonString(&out, t.hunk[l].text);
        out += ']';
      }
      out += "]}";
    }
    out += ']';
    strings("threads_only_in_a", p.a_only_threads);
    strings("threads_only_in_b", p.b_only_threads);
    out += ",\"a_exit\":";
    AppendJsonString(&out, p.a_exit);
    out += ",\"b_exit\":";
    AppendJsonString(&out, p.b_exit);
    out += '}';
  }
  out += ']';
  for (const OnlyList& l : kOnlyLists)
    strings(l.key, r.*l.list);
  out += ",\"syscalls_changed\":[";
  for (size_t i = 0; i < r.changed.size(); i++) {
    const SyscallChange& c = r.changed[i];
    out += i ? ",{" : "{";
    out += "\"name\":";
    AppendJsonString(&out, c.name);
    out += ",\"a_calls\":" + std::to_string(c.a_calls) +
           ",\"b_calls\":" + std::to_string(c.b_calls) + ",\"a_ns\":" + std::to_string(c.a_ns) +
           ",\"b_ns\":" + std::to_string(c.b_ns) + "}";
  }
  out += "]}\n";
  return out;
}

}  // namespace strec::diff

#include "strec/format/selection.h"

#include "strec/format/trace_reader.h"

namespace strec::format {

Status SelectionOptions::ParseText(const std::string& from_text,
                                   const std::string& to_text,
                                   const std::string& expr) {
  RETURN_IF_ERROR(ParseTimeWindow(from_text, to_text, &from, &to));
  if (expr.empty())
    return OkStatus();
  std::optional<std::string> set = TraceSetOption(expr);
  if (!set)
    return InvalidArgument("-e " + expr + ": only trace=SET chooses the syscalls here");
  trace_expr = *set;
  return OkStatus();
}

StatusOr<Selection> Selection::Create(const SelectionOptions& o, const fb::Header& header) {
  Selection s;
  s.pids_.insert(o.pids.begin(), o.pids.end());
  s.tids_.insert(o.tids.begin(), o.tids.end());
  s.all_ = o.pids.empty() && o.tids.empty();
  if (!o.trace_expr.empty()) {
    const SyscallTable* table = SyscallTable::ForArch(header.arch());
    if (!table)
      return InvalidArgument("-e trace=: the trace's architecture has no syscall table here");
    std::string error;
    s.syscalls_ = SyscallSet::Parse(*table, o.trace_expr, &error);
    if (!s.syscalls_)
      return InvalidArgument("-e trace=" + o.trace_expr + ": " + error);
  }
  if (o.from)
    s.from_ns_ = ResolveTime(*o.from, header);
  if (o.to)
    s.to_ns_ = ResolveTime(*o.to, header);
  if (s.from_ns_ > s.to_ns_)
    return InvalidArgument("--from is after --to");
  return s;
}

bool Selection::Keep(int32_t pid, int32_t tid, uint64_t time_ns, int nr, int32_t child_pid) {
  bool process = all_ || pid == 0 || pids_.count(pid) || tids_.count(tid);
  if (child_pid > 0 && pids_.count(pid))
    pids_.insert(child_pid);  // a descendant, whatever the window
  if (!process || time_ns < from_ns_ || time_ns > to_ns_)
    return false;
  return nr < 0 || !syscalls_ || syscalls_->Contains(nr);
}

bool Selection::Keep(const fb::Event& e) {
  int nr = -1;
  int32_t child = 0;
  if (const fb::Syscall* s = e.body_as_Syscall())
    nr = s->nr();
  else if (const fb::Spawn* s = e.body_as_Spawn())
    child = s->child_pid();
  return Keep(e.pid(), e.tid(), EventTime(e), nr, child);
}

}  // namespace strec::format

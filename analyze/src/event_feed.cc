#include "strec/analyze/event_feed.h"

#include <algorithm>

namespace strec::analyze {
namespace {

constexpr int kPrctl = 157;          // x86_64 __NR_prctl
constexpr uint64_t kPrSetName = 15;  // PR_SET_NAME

}  // namespace

bool EventFilter::WantsPid(int32_t pid, int32_t tid) const {
  return pids.empty() || std::binary_search(pids.begin(), pids.end(), pid) ||
         std::binary_search(pids.begin(), pids.end(), tid);
}

void FeedEvent(int32_t trace, const fb::Event& e, const EventFilter& f, Aggregator* agg) {
  const int32_t pid = e.pid(), tid = e.tid();
  if (e.body_type() == fb::Body::Loss) {
    agg->AddLoss(e.body_as_Loss()->events());
    return;
  }
  if (!f.WantsPid(pid, tid))
    return;
  switch (e.body_type()) {
    case fb::Body::Syscall: {
      const fb::Syscall* s = e.body_as_Syscall();
      format::SyscallRecord r;
      r.tid = tid;
      r.pid = pid;
      r.phase = s->phase();
      r.arch = s->arch();
      r.nr = s->nr();
      r.ret = s->ret();
      r.entry_ns = s->entry_ns();
      r.exit_ns = s->exit_ns();
      r.flags = s->flags();
      uint64_t t = r.time_ns();
      if (r.phase == fb::SyscallPhase::Entry || t < f.since_ns || t > f.until_ns ||
          (f.syscalls && !f.syscalls->Contains(r.nr))) {
        agg->AddOther(trace, pid, t, tid);
        return;
      }
      agg->AddSyscall(trace, r);
      if (r.arch == format::kArchX86_64 && r.nr == kPrctl && s->a0() == kPrSetName && r.ret == 0 &&
          s->buffers())
        for (const fb::Buffer* b : *s->buffers())
          if (b->arg() == 1 && b->kind() == format::kBufferString && b->data())
            agg->AddThreadName(trace, tid,
                               std::string_view(reinterpret_cast<const char*>(b->data()->data()),
                                                b->data()->size()),
                               t);
      return;
    }
    case fb::Body::Spawn: {
      const fb::Spawn* s = e.body_as_Spawn();
      agg->AddSpawn(trace, format::SpawnRecord{tid, pid, s->kind(), s->child_tid(), s->child_pid(),
                                               s->clone_flags(), s->time_ns()});
      return;
    }
    case fb::Body::Exec: {
      const fb::Exec* x = e.body_as_Exec();
      format::ExecRecord r;
      r.tid = tid;
      r.pid = pid;
      r.former_tid = x->former_tid();
      if (x->path())
        r.path = x->path()->string_view();
      r.envc = x->envc();
      r.time_ns = x->time_ns();
      agg->AddExec(trace, r);
      return;
    }
    case fb::Body::Exit: {
      const fb::Exit* x = e.body_as_Exit();
      agg->AddExit(trace, format::ExitRecord{tid, pid, x->status(), x->signal(), x->core_dumped(),
                                             x->thread_only(), x->time_ns()});
      return;
    }
    case fb::Body::FdSnapshot: {
      const fb::FdSnapshot* x = e.body_as_FdSnapshot();
      std::string_view argv0 =
          x->argv() && x->argv()->size() > 0 ? x->argv()->Get(0)->string_view() : "";
      agg->AddSnapshot(trace, pid, x->time_ns(), argv0,
                       x->cgroup() ? x->cgroup()->string_view() : "");
      return;
    }
    default:
      agg->AddOther(trace, pid, format::EventTime(e), tid);
      return;
  }
}

}  // namespace strec::analyze

#include "strec/analyze/names.h"

#include <array>
#include <string_view>

namespace strec::analyze {
namespace {

constexpr int kMaxErrno = 4095;

struct ErrnoRow {
  int number;
  std::string_view name;
};

constexpr ErrnoRow kErrnos[] = {
#define ERRNO(number, name) {number, #name},
#include "xlat/errno.def"  // format/xlat/errno.def: the one errno table
#undef ERRNO
};

// x86_64 signal numbers (asm/signal.h); 32 and 33 are glibc's, SIGRTMIN is 32 in the kernel.
constexpr std::array<std::string_view, 32> kSignals = {
    "",          "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};

}  // namespace

std::string ErrnoName(int err) {
  if (err > 0 && err <= kMaxErrno) {
    for (const ErrnoRow& row : kErrnos)
      if (row.number == err)
        return std::string(row.name);
  }
  std::string name = "E";
  name += std::to_string(err);
  return name;
}

std::string SignalName(int signo) {
  if (signo > 0 && signo < static_cast<int>(kSignals.size()))
    return std::string(kSignals[signo]);
  if (signo == 32)
    return "SIGRTMIN";
  if (signo > 32 && signo <= 64) {
    std::string name = "SIGRT_";
    name += std::to_string(signo - 32);
    return name;
  }
  std::string name = "SIG";
  name += std::to_string(signo);
  return name;
}

}  // namespace strec::analyze

// Turns one recorded syscall into strace's text: the arguments split between what strace prints
// at the syscall's entry and what it prints at its exit (so that `<unfinished ...>` and
// `<... NAME resumed>` lines come out as strace writes them), and the return value. Generic
// printing follows the argument kinds of the one syscall table; the irregular syscalls (execve,
// clone, wait4, ioctl, fcntl, futex, the socket calls, ...) have hand-written decoders.
// Stateless apart from the inputs: any thread may call.
#ifndef STREC_REPLAY_DECODE_H_
#define STREC_REPLAY_DECODE_H_

#include <set>
#include <string>

#include "strec/format/syscall_table.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/options.h"

namespace strec::replay {

struct DecodeEnv {
  const RenderOptions* opt = nullptr;
  const State* state = nullptr;  // for -y (fd paths); may be null
  // rt_sigreturn: the signal mask its frame restores, as "[...]" (the renderer tracks it).
  std::string sigreturn_mask = "[]";
  // restart_syscall: the name of the call it resumes (the thread's previous one), or "".
  std::string interrupted;
  // Which part of SyscallText the caller will use. A decoder may leave the other part
  // incomplete (an unfinished line needs only the entry; its resumption only the exit).
  enum class Part { kBoth, kEntry, kExit } part = Part::kBoth;
};

struct SyscallText {
  std::string name;   // "read", or "syscall_0x1c8" for a number without a table entry
  std::string entry;  // what strace prints at entry, after "name("
  std::string exit;   // the rest, up to and including ")"
};

SyscallText DecodeSyscall(const Syscall& sc, const format::SyscallInfo* info, const DecodeEnv& env);

// -e trace= and -P, the selection of calls both renderers make: the call is in the set and,
// with -P, names one of the paths in a path argument or passes a descriptor (or a directory
// descriptor) open on one, as the state knows it before the call.
bool CallSelected(const Syscall& sc,
                  const format::SyscallInfo* info,
                  const State& state,
                  const RenderOptions& opt);
// -e status=, the other selection both renderers make: whether the call's outcome (successful,
// failed, unfinished, unavailable, detached) is in opt.status.
bool StatusSelected(const Syscall& sc, const RenderOptions& opt);
// The same into *out, reusing its strings' storage (the renderers' hot path).
void DecodeSyscall(const Syscall& sc,
                   const format::SyscallInfo* info,
                   const DecodeEnv& env,
                   SyscallText* out);

// "0", "0x7f...", "3</etc/passwd>", "-1 ENOENT (No such file or directory)",
// "? ERESTARTSYS (To be restarted if SA_RESTART is set)", "?" (never returned).
std::string DecodeReturn(const Syscall& sc, const format::SyscallInfo* info, const DecodeEnv& env);

// A finished syscall as one strace line without prefix or alignment: "read(3, \"abc\", 4096) = 3"
// from its decoded text (DecodeSyscall, both sides) and return (DecodeReturn, or "?" when it
// never returned). For tools that show calls one by one (strec export, strec diff).
std::string SyscallLine(const SyscallText& text, std::string_view ret);

// A call's arguments as strace prints them, without the parentheses: "3, \"abc\", 4096".
std::string ArgumentsText(const SyscallText& text);

// What replay prints for a buffer that redaction removed, where its bytes would have been:
// "/* redacted data: 12 bytes #0123456789abcdef */", or for a path its token:
// "/* redacted path: /#0a1b2c3d4e5f/#6a7b8c9d0e1f */". A comment, never a quoted string.
std::string RedactedText(const Buffer& b);

// Pieces the renderer shares for signal and exit lines.
// With a state and -Y, the sender's pid carries its command name; with --pidns-translation,
// its number in the recorder's namespace (`observer`: the task the siginfo is for).
std::string FormatSiginfo(const std::string& siginfo,
                          const RenderOptions& opt,
                          const State* state = nullptr,
                          int32_t observer = 0);
std::string FormatSigset(uint64_t mask);

// The name strace gives a syscall number it has no name for: "syscall_0x1c8".
std::string UnknownSyscallName(int nr);

// A signal's line: "--- SIGCHLD {si_signo=SIGCHLD, ...} ---" or "--- stopped by SIGSTOP ---".
std::string SignalLine(const Event& e, const RenderOptions& opt, const State* state = nullptr);
// A process's end: "+++ exited with 0 +++", "+++ killed by SIGKILL (core dumped) +++".
std::string ExitLine(const Event& e);

}  // namespace strec::replay

#endif  // STREC_REPLAY_DECODE_H_

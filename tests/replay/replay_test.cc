// Unit tests of strec-replay on synthetic traces built in code (no ptrace): string quoting, flag
// tables, the line format, <unfinished ...> interleaving, signals, exits, options and JSON.
#include <asm/unistd.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstring>
#include <string>

#include "format/trace_builder.h"
#include "replay/replay_builder.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/replay.h"
#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {
namespace {

using testing::Buf;
using testing::ReplayTraceBuilder;

std::string Quote(std::string_view s, uint64_t full_len, uint32_t max = 32, int x = 0) {
  std::string out;
  QuoteOptions q;
  q.max_strlen = max;
  q.xflag = x;
  AppendQuotedBuffer(&out, s, full_len, q);
  return out;
}

TEST(StringsTest, EscapesAsStrace) {
  using namespace std::string_literals;
  EXPECT_EQ(Quote("hello strec\n", 12), R"("hello strec\n")");
  // Octal, three digits only when an octal digit follows; \a \b ESC are octal too.
  std::string s = "\1"s + "8\2"s + "7\3"s + "a\0"s + "9\x80\xff\\\"\a\b\x1b\0"s;
  EXPECT_EQ(Quote(s, s.size()), R"("\18\0027\3a\09\200\377\\\"\7\10\33\0")");
  EXPECT_EQ(Quote("\t\v\f\r", 4), R"("\t\v\f\r")");
}

TEST(StringsTest, TruncatesAtStringLimit) {
  std::string alpha = "abcdefghijklmnopqrstuvwxyz0123456";
  EXPECT_EQ(Quote(alpha, 33), "\"abcdefghijklmnopqrstuvwxyz012345\"...");
  EXPECT_EQ(Quote(alpha.substr(0, 32), 32), "\"abcdefghijklmnopqrstuvwxyz012345\"");
  EXPECT_EQ(Quote("", 0), "\"\"");
  EXPECT_EQ(Quote(alpha, 33, 4), "\"abcd\"...");
  // Captured data shorter than the call's length (the snap length) still shows the dots.
  EXPECT_EQ(Quote("ab", 100, 32), "\"ab\"...");
}

TEST(StringsTest, HexModes) {
  // -x: the whole string in hex when it has a non-text byte; text with \n stays as is.
  EXPECT_EQ(Quote("hello\n", 6, 32, 1), R"("hello\n")");
  EXPECT_EQ(Quote("\x7f"
                  "EL",
                  3, 32, 1),
            R"("\x7f\x45\x4c")");
  // -xx: everything.
  EXPECT_EQ(Quote("hi\n", 3, 32, 2), R"("\x68\x69\x0a")");
  std::string out;
  QuoteOptions q;
  AppendQuotedCString(&out, "a long path that is long", false, q);
  EXPECT_EQ(out, "\"a long path that is long\"");
}

TEST(XlatTest, FlagsAndEnumsAsStrace) {
  std::string s;
  AppendFlags(&s, *FindXlat("open_flags"), O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECTORY);
  EXPECT_EQ(s, "O_CREAT|O_TRUNC|O_CLOEXEC|O_DIRECTORY");
  s.clear();
  AppendFlags(&s, *FindXlat("sa_flags"), 0x04000000 | SA_ONSTACK | SA_RESTART | SA_SIGINFO);
  EXPECT_EQ(s, "SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO");
  s.clear();
  AppendFlags(&s, *FindXlat("mmap_prot"), PROT_READ | 0x100);
  EXPECT_EQ(s, "PROT_READ|0x100");
  s.clear();
  AppendEnum(&s, *FindXlat("whence"), 7);
  EXPECT_EQ(s, "0x7 /* SEEK_??? */");
  s.clear();
  AppendEnum(&s, *FindXlat("arch_prctl_code"), 0x3001);
  EXPECT_EQ(s, "0x3001 /* ARCH_??? */");
  EXPECT_STREQ(ErrnoName(ENOENT), "ENOENT");
  EXPECT_STREQ(ErrnoName(512), "ERESTARTSYS");
  EXPECT_EQ(ErrnoMessage(ENOENT), "No such file or directory");
  EXPECT_EQ(SignalName(SIGCHLD), "SIGCHLD");
  EXPECT_EQ(SignalName(32), "SIGRTMIN");
  EXPECT_EQ(SignalName(35), "SIGRT_3");
  EXPECT_EQ(FormatSigset(0), "[]");
  EXPECT_EQ(FormatSigset((1ull << (SIGUSR1 - 1)) | (1ull << 33)), "[USR1 RT_2]");
  EXPECT_EQ(FormatSigset(~0ull), "~[]");
  EXPECT_EQ(FormatSigset(~((1ull << 31) | (1ull << 32))), "~[RTMIN RT_1]");
}

// Values in xlat.def agree with the host's headers where these define the name.
TEST(XlatTest, ValuesMatchHeaders) {
  struct {
    const char* table;
    const char* name;
    uint64_t value;
  } checks[] = {
      {"open_flags", "O_CLOEXEC", O_CLOEXEC},       {"open_flags", "O_DIRECTORY", O_DIRECTORY},
      {"open_flags", "O_NOFOLLOW", O_NOFOLLOW},     {"mmap_flags", "MAP_ANONYMOUS", MAP_ANONYMOUS},
      {"mmap_flags", "MAP_STACK", MAP_STACK},       {"clone_flags", "CLONE_THREAD", CLONE_THREAD},
      {"at_flags", "AT_EMPTY_PATH", AT_EMPTY_PATH}, {"wait_options", "__WALL", __WALL},
      {"msg_flags", "MSG_NOSIGNAL", MSG_NOSIGNAL},  {"socket_family", "AF_INET6", AF_INET6},
      {"signal_names", "SIGSYS", SIGSYS},
  };
  for (const auto& c : checks) {
    const Xlat* x = FindXlat(c.table);
    ASSERT_NE(x, nullptr) << c.table;
    bool found = false;
    for (const auto& e : x->entries)
      if (std::string(e.name) == c.name) {
        EXPECT_EQ(e.value, c.value) << c.name;
        found = true;
      }
    EXPECT_TRUE(found) << c.name;
  }
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  std::string path() const { return dir_.File("t.strec"); }
  std::string Render(const RenderOptions& o = RenderOptions(), bool json = false) {
    auto r = ReplayToString(path(), o, json);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : "";
  }
  testing::TempDir dir_;
};

TEST_F(ReplayTest, CompleteSyscallsAlignAndPrintErrors) {
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_brk, {0}, 0x555555559000);
    b.Syscall(100, 100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, O_RDONLY}, -ENOENT,
              {{1, false, "/etc/nope", format::kBufferString}});
    b.Syscall(100, 100, __NR_write, {1, 0x1000, 12}, 12, {{1, false, "hello strec\n"}});
    b.Syscall(100, 100, __NR_rt_sigsuspend, {0x1000, 8}, -514, {{0, false, std::string(8, '\0')}});
    b.Syscall(100, 100, __NR_exit_group, {0}, 0, {}, fb::SyscallPhase::Complete,
              format::kSyscallNoReturn);
    b.ProcessExit(100, 100, 0);
  }
  EXPECT_EQ(Render(),
            "100   brk(NULL)                         = 0x555555559000\n"
            "100   openat(AT_FDCWD, \"/etc/nope\", O_RDONLY) = -1 ENOENT (No such file or "
            "directory)\n"
            "100   write(1, \"hello strec\\n\", 12)     = 12\n"
            "100   rt_sigsuspend([], 8)              = ? ERESTARTNOHAND (To be restarted if no "
            "handler)\n"
            "100   exit_group(0)                     = ?\n"
            "100   +++ exited with 0 +++\n");
}

TEST_F(ReplayTest, UnfinishedAndResumedInterleave) {
  {
    ReplayTraceBuilder b(path());
    b.Entry(100, __NR_read, {3, 0x1000, 16});
    b.Syscall(101, 100, __NR_write, {4, 0x2000, 4}, 4, {{1, false, "ping"}});
    b.Exit(100, __NR_read, {3, 0x1000, 16}, 4, {{1, true, "ping"}});
    b.Entry(100, __NR_close, {4});
    b.Exit(100, __NR_close, {4}, 0);  // nothing in between: one line
    b.Entry(100, __NR_wait4, {101, 0x1000, 0, 0});
    b.ProcessExit(101, 100, 0);
    int status = 3 << 8;
    b.Exit(100, __NR_wait4, {101, 0x1000, 0, 0}, 101,
           {{1, true, std::string(reinterpret_cast<char*>(&status), 4)}});
  }
  EXPECT_EQ(Render(),
            "100   read(3,  <unfinished ...>\n"
            "101   write(4, \"ping\", 4)               = 4\n"
            "100   <... read resumed>\"ping\", 16)     = 4\n"
            "100   close(4)                          = 0\n"
            "100   wait4(101,  <unfinished ...>\n"
            "101   +++ exited with 0 +++\n"
            "100   <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 101\n");
}

TEST_F(ReplayTest, SignalsExitsAndKills) {
  {
    ReplayTraceBuilder b(path());
    b.Signal(100, 100, SIGUSR1, 0 /* SI_USER */, 100);
    b.Signal(101, 101, SIGSTOP, 0, 101, true);
    b.ProcessExit(101, 101, 0, SIGSEGV, true);
    b.ProcessExit(100, 100, 3);
  }
  EXPECT_EQ(Render(),
            "100   --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=100, si_uid=0} ---\n"
            "101   --- stopped by SIGSTOP ---\n"
            "101   +++ killed by SIGSEGV (core dumped) +++\n"
            "100   +++ exited with 3 +++\n");
}

TEST_F(ReplayTest, ExecFromNonLeaderThread) {
  // What the recorder writes: the leader's futex entry, the thread's execve entry under the
  // leader's id, the Exec event, then the execve exit.
  {
    ReplayTraceBuilder b(path());
    b.Entry(100, __NR_futex, {0x1000, 0, 7, 0, 0, 0});
    b.Entry(100, __NR_execve, {0x1000, 0x2000, 0});
    b.Exec(100, 101, "/bin/echo", {"echo"});
    b.Exit(100, __NR_execve, {0x1000, 0x2000, 0}, 0);
  }
  EXPECT_EQ(Render(),
            "100   futex(0x1000, FUTEX_WAIT, 7, NULL <unfinished ...>\n"
            "101   execve(0x1000, 0x2000, NULL <unfinished ...>\n"
            "100   <... futex resumed>)              = ?\n"
            "100   +++ superseded by execve in pid 101 +++\n"
            "100   <... execve resumed>)             = 0\n");
}

TEST_F(ReplayTest, StatusFilterPrintsWholeLinesAtExit) {
  {
    ReplayTraceBuilder b(path());
    b.Entry(100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, O_RDONLY},
            {{1, false, "/x", format::kBufferString}});
    b.Syscall(101, 101, __NR_getpid, {}, 101);
    b.Exit(100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, O_RDONLY}, -ENOENT);
    b.Syscall(100, 100, __NR_close, {3}, 0);
  }
  RenderOptions o;
  o.status = kStatusFailed;
  EXPECT_EQ(Render(o),
            "100   openat(AT_FDCWD, \"/x\", O_RDONLY)  = -1 ENOENT (No such file or directory)\n");
  o = RenderOptions();
  std::string err;
  o.trace = *format::SyscallSet::Parse(*format::SyscallTable::ForArch(format::kArchX86_64),
                                       "close,getpid", &err);
  EXPECT_EQ(Render(o),
            "101   getpid()                          = 101\n"
            "100   close(3)                          = 0\n");
}

TEST_F(ReplayTest, FdPathsTimesAndDurations) {
  {
    ReplayTraceBuilder b(path());
    b.FdSnapshot(100, {{0, "/dev/null"}});
    b.Syscall(100, 100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, O_RDONLY}, 3,
              {{1, false, "/etc/passwd", format::kBufferString}});
    b.Syscall(100, 100, __NR_dup2, {3, 10}, 10);
    b.Syscall(100, 100, __NR_close, {3}, 0);
    b.Syscall(100, 100, __NR_read, {0, 0x1000, 4}, 0);
    b.Syscall(100, 100, __NR_close, {10}, 0);
  }
  RenderOptions o;
  o.decode_fds = 1;
  EXPECT_EQ(Render(o),
            "100   openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = 3</etc/passwd>\n"
            "100   dup2(3</etc/passwd>, 10)          = 10</etc/passwd>\n"
            "100   close(3</etc/passwd>)             = 0\n"
            "100   read(0</dev/null>, \"\", 4)         = 0\n"
            "100   close(10</etc/passwd>)            = 0\n");
  o = RenderOptions();
  o.timestamps = 2;
  o.syscall_times = true;
  std::string out = Render(o);
  // The header's anchors: monotonic 1e9 ns is 2023-11-14T22:13:20Z.
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "100   22:13:20.000002 openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = 3 <0.000000>");
}

TEST_F(ReplayTest, DecodesStructsAndSpecialCalls) {
  struct stat st = {};
  st.st_mode = S_IFREG | 0644;
  st.st_size = 12;
  std::string sts(reinterpret_cast<char*>(&st), sizeof st);
  uint64_t act[4] = {1, 0x04000000 | SA_RESTART, 0x7000, 1ull << (SIGINT - 1)};
  std::string acts(reinterpret_cast<char*>(act), sizeof act);
  uint8_t sin[16] = {AF_INET, 0, 0x1f, 0x90, 127, 0, 0, 1};
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_newfstatat, {3, 0x1000, 0x2000, AT_EMPTY_PATH}, 0,
              {{1, false, "", format::kBufferString}, {2, true, sts}});
    b.Syscall(100, 100, __NR_rt_sigaction, {SIGPIPE, 0x1000, 0, 8}, 0, {{1, false, acts}});
    b.Syscall(100, 100, __NR_mmap,
              {0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (16u << 26),
               static_cast<uint64_t>(-1), 0},
              0x7f0000000000);
    b.Syscall(100, 100, __NR_clone,
              {CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0x7a10, 0}, 101);
    b.Syscall(100, 100, __NR_connect, {3, 0x1000, 16}, 0,
              {{1, false, std::string(reinterpret_cast<char*>(sin), 16)}});
    b.Syscall(100, 100, __NR_fcntl, {3, F_GETFL}, O_RDWR | 0100000);
    b.Syscall(100, 100, __NR_getrandom, {0x1000, 2, 1}, 2, {{0, true, "\x0a\xbc"}});
  }
  EXPECT_EQ(
      Render(),
      "100   newfstatat(3, \"\", {st_mode=S_IFREG|0644, st_size=12, ...}, AT_EMPTY_PATH) = 0\n"
      "100   rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[INT], "
      "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7000}, NULL, 8) = 0\n"
      "100   mmap(NULL, 4096, PROT_READ|PROT_WRITE, "
      "MAP_PRIVATE|MAP_ANONYMOUS|16<<MAP_HUGE_SHIFT, -1, 0) = 0x7f0000000000\n"
      "100   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
      "child_tidptr=0x7a10) = 101\n"
      "100   connect(3, {sa_family=AF_INET, sin_port=htons(8080), "
      "sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0\n"
      "100   fcntl(3, F_GETFL)                 = 0x8002 (flags O_RDWR|O_LARGEFILE)\n"
      "100   getrandom(\"\\x0a\\xbc\", 2, GRND_NONBLOCK) = 2\n");
}

TEST_F(ReplayTest, SigreturnShowsTheMaskOfTheSignalFrame) {
  uint64_t act[4] = {0x5000, 0x04000000, 0x7000, 0};
  uint64_t block = 1ull << (SIGALRM - 1);
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_rt_sigaction, {SIGALRM, 0x1000, 0, 8}, 0,
              {{1, false, std::string(reinterpret_cast<char*>(act), 32)}});
    b.Syscall(100, 100, __NR_rt_sigprocmask, {SIG_BLOCK, 0x1000, 0, 8}, 0,
              {{1, false, std::string(reinterpret_cast<char*>(&block), 8)}});
    b.Syscall(100, 100, __NR_rt_sigsuspend, {0x1000, 8}, -514, {{0, false, std::string(8, '\0')}});
    b.Signal(100, 100, SIGALRM, 0x80, 0);
    b.Syscall(100, 100, __NR_rt_sigreturn, {}, -EINTR);
  }
  std::string out = Render();
  EXPECT_NE(
      out.find("100   rt_sigreturn({mask=[ALRM]})       = -1 EINTR (Interrupted system call)\n"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---"), std::string::npos);
}

TEST_F(ReplayTest, JsonLines) {
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, O_RDONLY}, -ENOENT,
              {{1, false, "/x", format::kBufferString}});
    b.ProcessExit(100, 100, 0);
  }
  std::string out = Render(RenderOptions(), true);
  EXPECT_NE(out.find("\"syscall\":\"openat\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"args\":[\"AT_FDCWD\",\"\\\"/x\\\"\",\"O_RDONLY\"]"), std::string::npos)
      << out;
  EXPECT_NE(out.find("\"errno\":\"ENOENT\""), std::string::npos);
  EXPECT_NE(out.find("\"type\":\"exit\""), std::string::npos);
  EXPECT_EQ(SplitArgs("a, {b, c}, \"d, e\", [1, 2]"),
            (std::vector<std::string>{"a", "{b, c}", "\"d, e\"", "[1, 2]"}));
}

TEST_F(ReplayTest, OddRecordsNeverCrash) {
  {
    ReplayTraceBuilder b(path());
    // Short and unreadable buffers, an unknown syscall number, an exit without entry.
    b.Syscall(100, 100, __NR_newfstatat, {3, 0x1000, 0x2000, 0}, 0,
              {{1, false, "", format::kBufferString}, {2, true, "short"}});
    b.Syscall(100, 100, __NR_read, {3, 0x1000, 10}, 10,
              {{1, true, "", format::kBufferPlain, 0, 10, EFAULT}});
    b.Syscall(100, 100, 999, {1, 2, 3, 4, 5, 6}, -ENOSYS);
    b.Exit(100, __NR_nanosleep, {0x1000, 0}, 0, {}, format::kSyscallNoEntry);
    b.Syscall(100, 100, __NR_execve, {0x1000, 0x2000, 0x3000}, 0,
              {{0, false, "/bin/x", format::kBufferString},
               {1, false, "", format::kBufferStringPtrs, 0, 1, EFAULT}});
  }
  std::string out = Render();
  EXPECT_NE(out.find("newfstatat(3, \"\", 0x2000, 0)"), std::string::npos) << out;
  EXPECT_NE(out.find("read(3, 0x1000, 10)"), std::string::npos) << out;
  EXPECT_NE(out.find("syscall_0x3e7(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS"), std::string::npos)
      << out;
  EXPECT_NE(out.find("<... nanosleep resumed>"), std::string::npos) << out;
}

TEST(EventStreamTest, TracksFdTablesThroughForkAndExec) {
  testing::TempDir dir;
  std::string p = dir.File("t.strec");
  {
    ReplayTraceBuilder b(p);
    b.Syscall(100, 100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, O_CLOEXEC}, 3,
              {{1, false, "/a", format::kBufferString}});
    b.Syscall(100, 100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, 0}, 4,
              {{1, false, "/b/../c", format::kBufferString}});
    b.Spawn(100, 100, 101, 101, SIGCHLD);
    b.Syscall(101, 101, __NR_close, {4}, 0);
    b.Exec(101, 0, "/bin/true", {"true"});
    b.Syscall(101, 101, __NR_chdir, {0x1000}, 0, {{0, false, "/tmp", format::kBufferString}});
  }
  auto s = EventStream::Open(p);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EventStream& st = **s;
  while (true) {
    auto e = st.Next();
    ASSERT_TRUE(e.ok());
    if (!*e)
      break;
  }
  st.ApplyCurrent();
  ASSERT_NE(st.state().FdPath(100, 3), nullptr);
  EXPECT_EQ(*st.state().FdPath(100, 3), "/a");
  EXPECT_EQ(*st.state().FdPath(100, 4), "/c");    // the parent keeps it
  EXPECT_EQ(st.state().FdPath(101, 3), nullptr);  // close-on-exec
  EXPECT_EQ(st.state().FdPath(101, 4), nullptr);  // closed in the child
  EXPECT_EQ(*st.state().Thread(101)->cwd, "/tmp");
}

}  // namespace
}  // namespace strec::replay

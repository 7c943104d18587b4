// Unit tests of strec-replay on synthetic traces built in code (no ptrace): string quoting, flag
// tables, the line format, <unfinished ...> interleaving, signals, exits, options and JSON.
#include <asm/unistd.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/timex.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "replay/replay_builder.h"
#include "strec/format/container.h"
#include "strec/format/trace_reader.h"
#include "strec/replay/decode.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/fd_text.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/replay.h"
#include "strec/replay/strings.h"
#include "strec/replay/text_renderer.h"
#include "strec/replay/xlat.h"
#include "support/trace_builder.h"

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
      {"open_flags", "O_CLOEXEC", O_CLOEXEC},
      {"open_flags", "O_DIRECTORY", O_DIRECTORY},
      {"open_flags", "O_NOFOLLOW", O_NOFOLLOW},
      {"mmap_flags", "MAP_ANONYMOUS", MAP_ANONYMOUS},
      {"mmap_flags", "MAP_STACK", MAP_STACK},
      {"clone_flags", "CLONE_THREAD", CLONE_THREAD},
      {"at_flags", "AT_EMPTY_PATH", AT_EMPTY_PATH},
      {"wait_options", "__WALL", __WALL},
      {"msg_flags", "MSG_NOSIGNAL", MSG_NOSIGNAL},
      {"socket_family", "AF_INET6", AF_INET6},
      {"signal_names", "SIGSYS", SIGSYS},
      {"prctl_option", "PR_SET_PTRACER", PR_SET_PTRACER},
      {"prctl_option", "PR_SET_VMA", PR_SET_VMA},
      {"prctl_option", "PR_SCHED_CORE", PR_SCHED_CORE},
      {"prctl_option", "PR_SET_SYSCALL_USER_DISPATCH", PR_SET_SYSCALL_USER_DISPATCH},
      {"secbits", "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED", SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED},
      {"cap", "CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE},
      {"cap", "CAP_NET_RAW", CAP_NET_RAW},
      {"pr_tsc", "PR_TSC_SIGSEGV", PR_TSC_SIGSEGV},
      {"pr_mce_kill_policy", "PR_MCE_KILL_DEFAULT", PR_MCE_KILL_DEFAULT},
      {"pr_set_mm", "PR_SET_MM_MAP_SIZE", PR_SET_MM_MAP_SIZE},
      {"pr_spec_get_store_bypass_flags", "PR_SPEC_DISABLE_NOEXEC", PR_SPEC_DISABLE_NOEXEC},
      {"pr_sve_vl_flags", "PR_SVE_SET_VL_ONEXEC", PR_SVE_SET_VL_ONEXEC},
      {"pr_pac_reset_keys", "PR_PAC_APGAKEY", PR_PAC_APGAKEY},
      {"socket_level", "SOL_PACKET", SOL_PACKET},
      {"socket_level", "SOL_XDP", SOL_XDP},
      {"setsockopt_sol_socket", "SO_ATTACH_FILTER", SO_ATTACH_FILTER},
      {"getsockopt_sol_socket", "SO_GET_FILTER", SO_GET_FILTER},
      {"getsockopt_sol_socket", "SO_RCVMARK", SO_RCVMARK},
      {"sockopt_sol_packet", "PACKET_STATISTICS", PACKET_STATISTICS},
      {"packet_mr_type", "PACKET_MR_UNICAST", PACKET_MR_UNICAST},
      {"bpf_op_jmp", "BPF_JSET", BPF_JSET},
      {"bpf_mode", "BPF_MSH", BPF_MSH},
      {"skf_ad", "SKF_AD_VLAN_TPID", SKF_AD_VLAN_TPID},
      {"seccomp_ret_action", "SECCOMP_RET_USER_NOTIF", SECCOMP_RET_USER_NOTIF},
      {"seccomp_ret_action", "SECCOMP_RET_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS},
      {"seccomp_filter_flags", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
       SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
      {"lease_type", "F_WRLCK", F_WRLCK},
      {"dnotify_flags", "DN_MULTISHOT", DN_MULTISHOT},
      {"dnotify_flags", "DN_ATTRIB", DN_ATTRIB},
      {"adjtimex_modes", "ADJ_TAI", ADJ_TAI},
      {"adjtimex_modes", "ADJ_OFFSET_SS_READ", ADJ_OFFSET_SS_READ},
      {"adjtimex_status", "STA_UNSYNC", STA_UNSYNC},
      {"adjtimex_status", "STA_CLK", STA_CLK},
      {"adjtimex_state", "TIME_ERROR", TIME_ERROR},
      {"futex_waitv_flags", "FUTEX_32", FUTEX_32},
      {"ethernet_protocol", "ETH_P_ALL", ETH_P_ALL},
      {"ethernet_protocol", "ETH_P_IPV6", ETH_P_IPV6},
      {"futex_waitv_flags", "FUTEX_PRIVATE_FLAG", FUTEX_PRIVATE_FLAG},
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

// Lost events are said where they were lost, in a comment no parser takes for a syscall (an
// open line is ended first, as for a signal), and in a warning at the end; a reason from the
// file reaches the terminal escaped.
TEST_F(ReplayTest, LossesAreShownWhereTheyHappened) {
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_getppid, {}, 1);
    b.Entry(100, __NR_read, {0, 0x1000, 10});
    b.Loss(0, 619687, "the eBPF ring buffer was full\x1b[2J");
    b.Exit(100, __NR_read, {0, 0x1000, 10}, 0);
    b.Loss(100, 1, "thread beyond --bpf-max-threads");
    b.Finish();
  }
  EXPECT_EQ(Render(),
            "100   getppid()                         = 1\n"
            "100   read(0,  <unfinished ...>\n"
            "/* strec: 619687 events lost here: the eBPF ring buffer was full\\x1b[2J */\n"
            "100   <... read resumed>\"\", 10)         = 0\n"
            "100   /* strec: 1 event lost here: thread beyond --bpf-max-threads */\n");
  ReplayConfig config;
  config.traces = {path()};
  config.output = dir_.File("out.txt");
  std::vector<std::string> warnings;
  ASSERT_TRUE(Replay(config, stdout, &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "619688 events were lost while recording: the replay lacks them (see the lines that "
            "say where)");
}

// What replay writes holds the trace's data: its files are 0600 (-o, and -ff's FILE.TID) even
// where they existed wider, and never written through a symbolic link.
TEST_F(ReplayTest, OutputFilesAreOnlyTheirOwners) {
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_getppid, {}, 1);
    b.Finish();
  }
  ReplayConfig config;
  config.traces = {path()};
  config.output = dir_.File("out.txt");
  testing::WriteFileBytes(config.output, {'x'});
  chmod(config.output.c_str(), 0644);
  ASSERT_TRUE(Replay(config, stdout, nullptr).ok());
  struct stat st;
  ASSERT_EQ(stat(config.output.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  config.per_thread = true;
  config.output = dir_.File("ff");
  ASSERT_TRUE(Replay(config, stdout, nullptr).ok());
  ASSERT_EQ(stat(dir_.File("ff.100").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  config.per_thread = false;
  config.output = dir_.File("link.txt");
  ASSERT_EQ(symlink(dir_.File("target").c_str(), config.output.c_str()), 0);
  Status bad = Replay(config, stdout, nullptr);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("symbolic link"), std::string::npos) << bad.message();
  EXPECT_NE(access(dir_.File("target").c_str(), F_OK), 0);
  // A process's own descriptors are links too, and fine: -o /dev/stdout.
  config.output = "/dev/stdout";
  EXPECT_TRUE(Replay(config, stdout, nullptr).ok());
}

// A trace of many short processes (a build): the renderer keeps the state of live threads only,
// and -ff closes a thread's file when it ends (with every file open until the end, 1100
// processes under a limit of 256 open files failed with EMFILE).
TEST_F(ReplayTest, StateOfEndedProcessesIsReleased) {
  constexpr int kChildren = 1100;
  {
    ReplayTraceBuilder b(path());
    std::string act(32, '\0');
    act[0] = 0x10;  // a handler: the process gets a handler table of its own
    for (int i = 0; i < kChildren; i++) {
      int child = 1000 + i;
      b.Spawn(100, 100, child, child, SIGCHLD);
      b.Syscall(child, child, __NR_rt_sigaction, {SIGUSR1, 0x1000, 0, 8}, 0, {{1, false, act}});
      b.ProcessExit(child, child, 0);
    }
    b.Finish();
  }
  auto stream = EventStream::Open(path());
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  StringSink sink;
  TextRenderer text(RenderOptions(), (*stream)->header(), &sink);
  for (;;) {
    auto e = (*stream)->Next();
    ASSERT_TRUE(e.ok());
    if (!*e)
      break;
    ASSERT_TRUE(text.OnEvent(**e, stream->get()).ok());
  }
  EXPECT_LE(text.threads_tracked(), 2u) << "the parent alone is alive";
  (*stream)->ApplyCurrent();
  EXPECT_EQ((*stream)->state().threads().size(), 1u) << "the state forgot the ended children";

  rlimit old;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = {256, old.rlim_max};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  ReplayConfig config;
  config.traces = {path()};
  config.per_thread = true;
  config.output = dir_.File("ff");
  Status st = Replay(config, stdout, nullptr);
  setrlimit(RLIMIT_NOFILE, &old);
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_NE(testing::ReadFileBytes(dir_.File("ff.2099")).size(), 0u);
}

// One damaged chunk costs its own lines, not the replay: the others are rendered, the loss is a
// warning with the offset, and the status is an error (strec-replay exits 1).
TEST_F(ReplayTest, ADamagedChunkIsSkippedAndTheRestRendered) {
  {
    format::HeaderInfo h;
    format::WriterOptions o;
    o.chunk_bytes = 4096;
    auto w = format::TraceWriter::Create(path(), h, o);
    ASSERT_TRUE(w.ok());
    for (int i = 0; i < 600; i++) {
      format::SyscallRecord r;
      r.tid = r.pid = 100;
      r.nr = __NR_getppid;
      r.ret = i;
      r.entry_ns = 1000 + i * 10;
      r.exit_ns = r.entry_ns + 5;
      (*w)->Add(r);
    }
    ASSERT_TRUE((*w)->Close().ok());
  }
  std::vector<format::ChunkInfo> chunks;
  {
    auto r = format::TraceReader::Open(path());
    ASSERT_TRUE(r.ok());
    chunks = (*r)->chunks();
  }
  ASSERT_GE(chunks.size(), 3u);
  auto bytes = testing::ReadFileBytes(path());
  bytes[chunks[1].offset + format::kChunkHeaderSize + 3] ^= 0x10;
  testing::WriteFileBytes(path(), bytes);
  ReplayConfig config;
  config.traces = {path()};
  config.output = dir_.File("out.txt");
  std::vector<std::string> warnings;
  Status st = Replay(config, stdout, &warnings);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("1 damaged chunk(s) skipped (" +
                              std::to_string(chunks[1].event_count) + " events known lost)"),
            std::string::npos)
      << st.message();
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(
      warnings[0].find("offset " + std::to_string(chunks[1].offset + format::kChunkHeaderSize)),
      std::string::npos)
      << warnings[0];
  auto out_bytes = testing::ReadFileBytes(config.output);
  std::string out(out_bytes.begin(), out_bytes.end());
  size_t lines = std::count(out.begin(), out.end(), '\n');
  EXPECT_EQ(lines, 600u - chunks[1].event_count);
}

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

// A dirent buffer recorded only in part (its full length is the return value) gives a lower
// bound, never a wrong count.
TEST_F(ReplayTest, DirentsRecordedInPartShowALowerBound) {
  auto dirent = [](uint64_t ino, const std::string& name) {
    std::string d(24, '\0');  // d_ino, d_off, d_reclen, d_type, d_name padded to 8
    uint16_t reclen = static_cast<uint16_t>((19 + name.size() + 1 + 7) & ~7u);
    d.resize(reclen);
    memcpy(&d[0], &ino, 8);
    memcpy(&d[16], &reclen, 2);
    d[18] = 8;  // DT_REG
    memcpy(&d[19], name.data(), name.size());
    return d;
  };
  std::string two = dirent(1, "a") + dirent(2, "b");
  {
    ReplayTraceBuilder b(path());
    Buf whole{1, true, two};
    Buf part{1, true, two};
    part.full_len = 4096;
    b.Syscall(100, 100, __NR_getdents64, {3, 0x1000, 32768}, two.size(), {whole});
    b.Syscall(100, 100, __NR_getdents64, {3, 0x1000, 32768}, 4096, {part});
  }
  EXPECT_EQ(Render(),
            "100   getdents64(3, 0x1000 /* 2 entries */, 32768) = 48\n"
            "100   getdents64(3, 0x1000 /* 2+ entries */, 32768) = 4096\n");
  RenderOptions v;
  v.verbose = true;
  std::string out = Render(v);
  EXPECT_NE(out.find("d_name=\"b\"}], 32768) = 48"), std::string::npos) << out;
  EXPECT_NE(out.find("d_name=\"b\"}, ...], 32768) = 4096"), std::string::npos) << out;
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

// The recorder leaves the arguments out of an Exit record whose Entry it wrote
// (kSyscallArgsInEntry): the replay takes them from the entry, for the resumed half too.
TEST_F(ReplayTest, ExitWithArgumentsInItsEntry) {
  {
    ReplayTraceBuilder b(path());
    b.Entry(100, __NR_read, {3, 0x1000, 16});
    b.Syscall(101, 100, __NR_getpid, {}, 100);
    b.Exit(100, __NR_read, {}, 4, {{1, true, "ping"}}, format::kSyscallArgsInEntry);
  }
  EXPECT_EQ(Render(),
            "100   read(3,  <unfinished ...>\n"
            "101   getpid()                          = 100\n"
            "100   <... read resumed>\"ping\", 16)     = 4\n");
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

// -Y: a process's name follows its execve and prctl(PR_SET_NAME) (15 bytes at most, '<' and '>'
// in octal; a line shows the name from before its call), a child inherits it, and a pid the trace
// did not follow prints bare.
TEST_F(ReplayTest, CommandNamesOfPids) {
  {
    ReplayTraceBuilder b(path());
    b.Exec(100, 100, "/usr/bin/some-long-program-name", {"some-long-program-name"});
    b.Syscall(100, 100, __NR_getppid, {}, 99);
    b.Spawn(100, 100, 101, 101, SIGCHLD);
    b.Syscall(101, 101, __NR_prctl, {PR_SET_NAME, 0x1000}, 0,
              {{1, false, "a<b>", format::kBufferString}});
    b.Syscall(101, 101, __NR_kill, {100, SIGCONT}, 0);
    b.Syscall(100, 100, __NR_wait4, {101, 0, 0, 0}, 101);
  }
  RenderOptions o;
  o.decode_pids = true;
  EXPECT_EQ(Render(o),
            "100<some-long-progr> getppid()          = 99\n"
            "101<some-long-progr> prctl(PR_SET_NAME, \"a<b>\") = 0\n"
            "101<a\\74b\\76> kill(100<some-long-progr>, SIGCONT) = 0\n"
            "100<some-long-progr> wait4(101<a\\74b\\76>, NULL, 0, NULL) = 101<a\\74b\\76>\n");
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

TEST_F(ReplayTest, FdPathsFromTheRecordedKernelPaths) {
  const uint64_t kCwd = static_cast<uint64_t>(-100);
  int32_t pair[2] = {5, 6};
  std::string pairs(reinterpret_cast<char*>(pair), 8);
  {
    ReplayTraceBuilder b(path());
    b.FdSnapshot(100, {{0, "/dev/null"}, {1, "pipe:[77]"}}, "/home/u");
    // The program opened a symlink; the recorder saw the kernel's path.
    b.Syscall(100, 100, __NR_openat, {kCwd, 0x1000, O_RDONLY}, 3,
              {{1, false, "/lib/libc.so.6", format::kBufferString},
               {format::kArgReturn, true, "/usr/lib/libc.so.6", format::kBufferFdPath}});
    b.Syscall(100, 100, __NR_pipe2, {0x1000, O_CLOEXEC}, 0,
              {{0, true, pairs},
               {0, true, "pipe:[9]", format::kBufferFdPath, 0},
               {0, true, "pipe:[9]", format::kBufferFdPath, 1}});
    b.Syscall(100, 100, __NR_write, {6, 0x1000, 1}, 1, {{1, false, "x"}});
    b.Syscall(100, 100, __NR_chdir, {0x1000}, 0,
              {{0, false, "sub", format::kBufferString},
               {format::kArgReturn, true, "/srv/real", format::kBufferCwd}});
    b.Syscall(100, 100, __NR_openat, {kCwd, 0x1000, O_RDWR | O_CREAT, 0600}, 4,
              {{1, false, "a<b>\n", format::kBufferString}});
    b.Syscall(
        100, 100, __NR_rename, {0x1000, 0x2000}, 0,
        {{0, false, "a<b>\n", format::kBufferString}, {1, false, "c", format::kBufferString}});
    b.Syscall(100, 100, __NR_unlink, {0x1000}, 0, {{0, false, "c", format::kBufferString}});
    b.Syscall(100, 100, __NR_close, {4}, 0);
    b.Syscall(100, 100, __NR_close, {1}, 0);
  }
  RenderOptions o;
  o.decode_fds = 1;
  EXPECT_EQ(
      Render(o),
      "100   openat(AT_FDCWD</home/u>, \"/lib/libc.so.6\", O_RDONLY) = 3</usr/lib/libc.so.6>\n"
      "100   pipe2([5<pipe:[9]>, 6<pipe:[9]>], O_CLOEXEC) = 0\n"
      "100   write(6<pipe:[9]>, \"x\", 1)        = 1\n"
      "100   chdir(\"sub\")                      = 0\n"
      "100   openat(AT_FDCWD</srv/real>, \"a<b>\\n\", O_RDWR|O_CREAT, 0600) = "
      "4</srv/real/a\\74b\\76\\n>\n"
      "100   rename(\"a<b>\\n\", \"c\")             = 0\n"
      "100   unlink(\"c\")                       = 0\n"
      "100   close(4</srv/real/c>(deleted))    = 0\n"
      "100   close(1<pipe:[77]>)               = 0\n");
}

TEST_F(ReplayTest, FdsReceivedWithScmRights) {
  alignas(8) char cmsg[24] = {};
  uint64_t clen = 20;
  int32_t level = SOL_SOCKET, type = SCM_RIGHTS, fd = 7;
  std::memcpy(cmsg, &clen, 8);
  std::memcpy(cmsg + 8, &level, 4);
  std::memcpy(cmsg + 12, &type, 4);
  std::memcpy(cmsg + 16, &fd, 4);
  uint64_t msg[7] = {0, 0, 0, 0, 0x6000, 24, 0};
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_recvmsg, {6, 0x1000, 0}, 0,
              {{1, true, std::string(reinterpret_cast<char*>(msg), 56)},
               {1, true, std::string(cmsg, 24), format::kBufferAux, 1},
               {1, true, "pipe:[5]", format::kBufferFdPath, 0}});
    b.Syscall(100, 100, __NR_close, {7}, 0);
  }
  RenderOptions o;
  o.decode_fds = 1;
  std::string out = Render(o);
  EXPECT_NE(out.find("cmsg_type=SCM_RIGHTS, cmsg_data=[7<pipe:[5]>]}]"), std::string::npos) << out;
  EXPECT_NE(out.find("close(7<pipe:[5]>)"), std::string::npos) << out;
}

TEST_F(ReplayTest, ExecveEnvironmentWithVerbose) {
  uint64_t ptrs[2] = {0x3000, 0x3010};
  std::vector<Buf> bufs = {
      {0, false, "/bin/true", format::kBufferString},
      {1, false, std::string(8, '\0'), format::kBufferStringPtrs, 0, 1},
      {1, false, "true", format::kBufferString, 0},
      {2, false, std::string(reinterpret_cast<char*>(ptrs), 16), format::kBufferStringPtrs, 0, 2},
      {2, false, "A=1", format::kBufferString, 0},
      {2, false, "HOME=/", format::kBufferString, 1}};
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_execve, {0x1000, 0x2000, 0x2100}, 0, bufs);
    // Recorded without --capture-env: only the count.
    b.Syscall(100, 100, __NR_execve, {0x1000, 0x2000, 0x2100}, 0,
              {bufs[0], bufs[1], bufs[2], {2, false, "", format::kBufferStringPtrs, 0, 2}});
  }
  RenderOptions o;
  EXPECT_EQ(Render(o),
            "100   execve(\"/bin/true\", [\"true\"], 0x2100 /* 2 vars */) = 0\n"
            "100   execve(\"/bin/true\", [\"true\"], 0x2100 /* 2 vars */) = 0\n");
  o.verbose = true;
  EXPECT_EQ(Render(o),
            "100   execve(\"/bin/true\", [\"true\"], [\"A=1\", \"HOME=/\"]) = 0\n"
            "100   execve(\"/bin/true\", [\"true\"], 0x2100 /* 2 vars */) = 0\n");
}

TEST_F(ReplayTest, ConstantsRawAndVerbose) {
  const uint64_t kCwd = static_cast<uint64_t>(-100);
  uint64_t act[4] = {0, 0x04000000, 0x7000, 1ull << (SIGINT - 1)};
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_openat, {kCwd, 0x1000, O_RDONLY | O_CLOEXEC}, 3,
              {{1, false, "/x", format::kBufferString}});
    b.Syscall(100, 100, __NR_mmap,
              {0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
               static_cast<uint64_t>(-1), 0},
              0x7f0000000000);
    b.Syscall(100, 100, __NR_socket, {AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0}, 4);
    b.Syscall(100, 100, __NR_rt_sigaction, {SIGCHLD, 0x1000, 0, 8}, 0,
              {{1, false, std::string(reinterpret_cast<char*>(act), 32)}});
    b.Syscall(100, 100, __NR_lseek, {3, 0, SEEK_END}, 10);
    b.Syscall(100, 100, __NR_access, {0x1000, F_OK}, -ENOENT,
              {{0, false, "/y", format::kBufferString}});
  }
  RenderOptions o;
  o.xlat_style = XlatStyle::kRaw;
  EXPECT_EQ(Render(o),
            "100   openat(-100, \"/x\", 0x80000)       = 3\n"
            "100   mmap(NULL, 4096, 0x3, 0x22, -1, 0) = 0x7f0000000000\n"
            "100   socket(0x1, 0x1|0x80000, 0)       = 4\n"
            "100   rt_sigaction(17, {sa_handler=0, sa_mask=[2], sa_flags=0x4000000, "
            "sa_restorer=0x7000}, NULL, 8) = 0\n"
            "100   lseek(3, 0, 0x2)                  = 10\n"
            "100   access(\"/y\", 0)                   = -1 ENOENT (No such file or directory)\n");
  o.xlat_style = XlatStyle::kVerbose;
  EXPECT_EQ(Render(o),
            "100   openat(-100 /* AT_FDCWD */, \"/x\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3\n"
            "100   mmap(NULL, 4096, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* "
            "MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0) = 0x7f0000000000\n"
            "100   socket(0x1 /* AF_UNIX */, 0x1 /* SOCK_STREAM */|0x80000 /* SOCK_CLOEXEC */, 0) "
            "= 4\n"
            "100   rt_sigaction(17 /* SIGCHLD */, {sa_handler=0 /* SIG_DFL */, sa_mask=[2 /* INT "
            "*/], sa_flags=0x4000000 /* SA_RESTORER */, sa_restorer=0x7000}, NULL, 8) = 0\n"
            "100   lseek(3, 0, 0x2 /* SEEK_END */)   = 10\n"
            "100   access(\"/y\", 0 /* F_OK */)        = -1 ENOENT (No such file or directory)\n");
}

TEST_F(ReplayTest, SignalSetQuietDumpsAndColumn) {
  std::string data = "hello world, this is\x01\x02 more than 16";
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_write, {1, 0x1000, data.size()}, data.size(), {{1, false, data}});
    b.Syscall(100, 100, __NR_read, {0, 0x1000, 64}, 3, {{1, true, "ab\n"}});
    b.Syscall(100, 100, __NR_read, {5, 0x1000, 64}, 3, {{1, true, "xyz"}});
    b.Signal(100, 100, SIGUSR1, 0, 100);
    b.Signal(100, 100, SIGCHLD, 1, 101);
    b.ProcessExit(101, 101, 0);
    b.ProcessExit(100, 100, 0, SIGTERM);
  }
  RenderOptions o;
  std::string err;
  ASSERT_TRUE(ParseSignalSet("!usr1", &o.signals, &err)) << err;
  ASSERT_TRUE(ParseFdSet("0,1", &o.dump_read, &err)) << err;
  ASSERT_TRUE(ParseFdSet("all", &o.dump_write, &err)) << err;
  ASSERT_TRUE(ParseQuietSet("exit", &o, &err)) << err;
  o.acolumn = 60;
  std::string out = Render(o);
  auto at60 = [](std::string call, const char* ret) {
    return call + std::string(call.size() < 60 ? 60 - call.size() : 1, ' ') + "= " + ret + "\n";
  };
  EXPECT_EQ(out.substr(0, out.find("100   --- ")),
            at60("100   write(1, \"hello world, this is\\1\\2 more than\"..., 35)", "35") +
                " | 00000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69  hello world, thi |\n"
                " | 00010  73 20 69 73 01 02 20 6d  6f 72 65 20 74 68 61 6e  s is.. more than |\n"
                " | 00020  20 31 36                                           16              |\n" +
                at60("100   read(0, \"ab\\n\", 64)", "3") +
                " | 00000  61 62 0a                                          ab.              |\n" +
                at60("100   read(5, \"xyz\", 64)", "3"));
  EXPECT_EQ(out.find("SIGUSR1"), std::string::npos) << out;
  EXPECT_NE(out.find("--- SIGCHLD"), std::string::npos) << out;
  EXPECT_EQ(out.find("exited with"), std::string::npos) << out;
  EXPECT_NE(out.find("+++ killed by SIGTERM +++"), std::string::npos) << out;
  ASSERT_TRUE(ParseSignalSet("none", &o.signals, &err));
  out = Render(o);
  EXPECT_EQ(out.find("killed by"), std::string::npos) << out;
  EXPECT_FALSE(ParseSignalSet("SIGNOPE", &o.signals, &err));
  EXPECT_FALSE(ParseFdSet("x", &o.dump_read, &err));
  EXPECT_FALSE(ParseQuietSet("loud", &o, &err));
}

TEST_F(ReplayTest, DecodesSelectStatfsSysinfoAndControlMessages) {
  struct statfs sf = {};
  sf.f_type = 0xEF53;
  sf.f_bsize = 4096;
  sf.f_namelen = 255;
  sf.f_flags = 0x20 | 0x1000;  // ST_VALID (kernel), ST_RELATIME
  struct sysinfo si = {};
  si.uptime = 5;
  si.loads[0] = 1;
  si.procs = 9;
  si.mem_unit = 1;
  uint64_t in_set = (1 << 3), out_set = (1 << 4);
  int64_t tv[2] = {1, 0}, left[2] = {0, 999};
  uint64_t pack[2] = {0x5000, 8}, mask = 1ull << (SIGUSR1 - 1);
  auto bytes = [](const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); };
  // One SCM_RIGHTS message carrying fd 3: cmsg_len 20, SOL_SOCKET, SCM_RIGHTS.
  alignas(8) char cmsg[24] = {};
  uint64_t clen = 20;
  int32_t level = SOL_SOCKET, type = SCM_RIGHTS, fd = 3;
  std::memcpy(cmsg, &clen, 8);
  std::memcpy(cmsg + 8, &level, 4);
  std::memcpy(cmsg + 12, &type, 4);
  std::memcpy(cmsg + 16, &fd, 4);
  uint64_t msg[7] = {0, 0, 0, 0, 0x6000, 24, 0};
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_statfs, {0x1000, 0x2000}, 0,
              {{0, false, "/", format::kBufferString}, {1, true, bytes(&sf, sizeof sf)}});
    b.Syscall(100, 100, __NR_sysinfo, {0x2000}, 0, {{0, true, bytes(&si, sizeof si)}});
    b.Syscall(100, 100, __NR_pselect6, {5, 0x1000, 0x1100, 0, 0x1200, 0x1300}, 2,
              {{1, false, bytes(&in_set, 8)},
               {2, false, bytes(&out_set, 8)},
               {4, false, bytes(tv, 16)},
               {5, false, bytes(pack, 16)},
               {5, false, bytes(&mask, 8), format::kBufferAux},
               {1, true, bytes(&in_set, 8)},
               {2, true, bytes(&out_set, 8)},
               {4, true, bytes(left, 16)}});
    b.Syscall(100, 100, __NR_select, {4, 0x1000, 0, 0, 0x1200}, 0,
              {{1, false, bytes(&in_set, 8)}, {4, false, bytes(tv, 16)}});
    b.Syscall(100, 100, __NR_sendmsg, {5, 0x1000, 0}, 0,
              {{1, false, bytes(msg, 56)}, {1, false, bytes(cmsg, 24), format::kBufferAux, 1}});
  }
  std::string out = Render();
  EXPECT_NE(out.find("statfs(\"/\", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, "
                     "f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0, 0]}, f_namelen=255, "
                     "f_frsize=0, f_flags=ST_VALID|ST_RELATIME}) = 0"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("sysinfo({uptime=5, loads=[1, 0, 0], totalram=0, freeram=0, sharedram=0, "
                     "bufferram=0, totalswap=0, freeswap=0, procs=9, totalhigh=0, freehigh=0, "
                     "mem_unit=1}) = 0"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("pselect6(5, [3], [4], NULL, {tv_sec=1, tv_nsec=0}, {sigmask=[USR1], "
                     "sigsetsize=8}) = 2 (in [3], out [4], left {tv_sec=0, tv_nsec=999})"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("select(4, [3], NULL, NULL, {tv_sec=1, tv_usec=0}) = 0 (Timeout)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, "
                     "cmsg_data=[3]}], msg_controllen=24"),
            std::string::npos)
      << out;
}

TEST_F(ReplayTest, IovecDumpsPerBuffer) {
  uint64_t iov[6] = {0x3000, 2, 0x3100, 0, 0x3200, 3};
  std::string arr(reinterpret_cast<char*>(iov), sizeof iov);
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_writev, {1, 0x1000, 3}, 5,
              {{1, false, arr, format::kBufferIovecArray},
               {1, false, "ab", format::kBufferIovecData, 0},
               {1, false, "", format::kBufferIovecData, 1},
               {1, false, "cde", format::kBufferIovecData, 2}});
  }
  RenderOptions o;
  std::string err;
  ASSERT_TRUE(ParseFdSet("1", &o.dump_write, &err));
  std::string out = Render(o);
  // As strace 6.1: the empty second buffer ends the dump.
  EXPECT_EQ(out.substr(out.find('\n') + 1),
            " * 2 bytes in buffer 0\n"
            " | 00000  61 62                                             ab               |\n")
      << out;
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

TEST_F(ReplayTest, JsonHonoursStatusFilter) {
  {
    ReplayTraceBuilder b(path());
    b.Syscall(100, 100, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, O_RDONLY}, -ENOENT,
              {{1, false, "/x", format::kBufferString}});
    b.Syscall(100, 100, __NR_getpid, {}, 100);
    b.ProcessExit(100, 100, 0);
  }
  RenderOptions o;
  o.status = kStatusFailed;
  std::string out = Render(o, true);
  EXPECT_NE(out.find("\"syscall\":\"openat\""), std::string::npos) << out;
  EXPECT_EQ(out.find("\"syscall\":\"getpid\""), std::string::npos) << out;
  o.status = kStatusSuccessful;
  out = Render(o, true);
  EXPECT_EQ(out.find("\"syscall\":\"openat\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"syscall\":\"getpid\""), std::string::npos) << out;
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
  {
    // More odd shapes: huge nfds with a short set, garbage control messages, fd paths for an
    // fd array element that does not exist, a snapshot with an empty path.
    ReplayTraceBuilder b(dir_.File("odd2.strec"));
    b.FdSnapshot(100, {{0, ""}}, "");
    b.Syscall(100, 100, __NR_pselect6, {0x7fffffff, 0x1000, 0, 0, 0, 0x2000}, 1,
              {{1, false, "\x01"}, {1, true, "\xff"}, {5, false, "short"}});
    uint64_t msg[7] = {0, 0, 0, 0, 0x6000, 1u << 20, 0};
    b.Syscall(100, 100, __NR_sendmsg, {5, 0x1000, 0}, 0,
              {{1, false, std::string(reinterpret_cast<char*>(msg), 56)},
               {1, false, std::string(40, '\xff'), format::kBufferAux, 1}});
    b.Syscall(100, 100, __NR_pipe2, {0x1000, 0}, 0,
              {{0, true, "abc"}, {0, true, "pipe:[1]", format::kBufferFdPath, 7}});
    b.Syscall(100, 100, __NR_statfs, {0x1000, 0x2000}, 0, {{1, true, "tiny"}});
    b.Syscall(100, 100, __NR_close, {0}, 0);
  }
  RenderOptions y;
  y.decode_fds = 2;
  y.xlat_style = XlatStyle::kVerbose;
  auto odd = ReplayToString(dir_.File("odd2.strec"), y, false);
  ASSERT_TRUE(odd.ok()) << odd.status().message();
  EXPECT_NE(odd->find("pselect6(2147483647, [0], NULL, NULL, NULL, 0x2000)"), std::string::npos)
      << *odd;
  EXPECT_NE(odd->find("msg_control=0x6000"), std::string::npos) << *odd;

  std::string out = Render();
  EXPECT_NE(out.find("newfstatat(3, \"\", 0x2000, 0)"), std::string::npos) << out;
  EXPECT_NE(out.find("read(3, 0x1000, 10)"), std::string::npos) << out;
  EXPECT_NE(out.find("syscall_0x3e7(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS"), std::string::npos)
      << out;
  EXPECT_NE(out.find("<... nanosleep resumed>"), std::string::npos) << out;
}

// Every syscall number with random arguments and random buffers of every kind, rendered with
// every option that changes decoding: nothing may crash or fail.
TEST_F(ReplayTest, RandomRecordsNeverCrash) {
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  {
    ReplayTraceBuilder b(path());
    b.FdSnapshot(100, {{0, "/dev/null"}, {1, "pipe:[1]"}}, "/tmp");
    for (int round = 0; round < 3; round++) {
      for (int nr = 0; nr < 460; nr++) {
        if (nr == __NR_exit || nr == __NR_exit_group || nr == __NR_execve || nr == __NR_execveat)
          continue;
        std::vector<uint64_t> args;
        for (int i = 0; i < 6; i++) {
          uint64_t r = next();
          args.push_back(r % 4 == 0 ? r % 64 : r % 4 == 1 ? static_cast<uint64_t>(-100) : r);
        }
        std::vector<Buf> bufs;
        int n = static_cast<int>(next() % 6);
        for (int k = 0; k < n; k++) {
          Buf x;
          x.arg = static_cast<uint8_t>(next() % 7);
          x.out = next() % 2;
          x.kind = static_cast<uint8_t>(next() % 9);
          x.index = static_cast<uint32_t>(next() % 4);
          size_t len = next() % 3 == 0 ? next() % 300 : next() % 24;
          for (size_t j = 0; j < len; j++)
            x.data += static_cast<char>(next());
          x.full_len = next() % 4 == 0 ? next() : x.data.size();
          bufs.push_back(x);
        }
        int64_t ret = next() % 3 == 0 ? -static_cast<int64_t>(next() % 600)
                                      : static_cast<int64_t>(next() % 70000);
        b.Syscall(100, 100, nr, args, ret, bufs);
      }
    }
  }
  RenderOptions o;
  o.decode_fds = 2;
  o.verbose = true;
  o.xflag = 1;
  o.max_strlen = 4;
  std::string err;
  ASSERT_TRUE(ParseFdSet("all", &o.dump_read, &err));
  ASSERT_TRUE(ParseFdSet("all", &o.dump_write, &err));
  for (XlatStyle style : {XlatStyle::kAbbrev, XlatStyle::kRaw, XlatStyle::kVerbose}) {
    o.xlat_style = style;
    EXPECT_FALSE(Render(o).empty());
    EXPECT_FALSE(Render(o, true).empty());
  }
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

// A process's fd table and cwd are dropped when it ends (a trace of many short processes must
// not keep them all); its id, when it comes back without a spawn the trace shows, starts empty.
TEST(EventStreamTest, EndedProcessesLeaveNoTables) {
  testing::TempDir dir;
  std::string p = dir.File("t.strec");
  {
    ReplayTraceBuilder b(p);
    b.Spawn(100, 100, 101, 101, SIGCHLD);
    b.Syscall(101, 101, __NR_openat, {static_cast<uint64_t>(-100), 0x1000, 0}, 3,
              {{1, false, "/a", format::kBufferString}});
    b.Syscall(101, 101, __NR_chdir, {0x1000}, 0, {{0, false, "/tmp", format::kBufferString}});
    b.ProcessExit(101, 101, 0);
    b.Syscall(101, 101, __NR_close, {3}, 0);  // the id again, unannounced
  }
  auto s = EventStream::Open(p);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EventStream& st = **s;
  int seen = 0;
  while (true) {
    auto e = st.Next();
    ASSERT_TRUE(e.ok());
    if (!*e)
      break;
    if (++seen == 4) {  // the process exit, applied
      st.ApplyCurrent();
      EXPECT_EQ(st.state().Thread(101), nullptr);  // forgotten, tables and all
      EXPECT_EQ(st.state().threads().size(), 1u);  // the parent
      EXPECT_EQ(st.state().FdPath(101, 3), nullptr);
      EXPECT_EQ(st.state().Cwd(101), nullptr);
    }
  }
  st.ApplyCurrent();
  ASSERT_NE(st.state().Thread(101), nullptr);
  EXPECT_EQ(st.state().FdPath(101, 3), nullptr);
  EXPECT_EQ(st.state().Cwd(101), nullptr);
}

// The renderer decodes only the part of a split call that its line shows (DecodeEnv::part):
// each part must be what the whole decode gives for it, for every syscall of a real trace.
TEST(DecodeTest, EachPartIsThePartOfTheWholeDecode) {
  for (bool verbose : {false, true}) {
    RenderOptions opt;
    opt.verbose = verbose;
    opt.decode_fds = 1;
    auto s = EventStream::Open(std::string(STREC_TEST_DATA_DIR) + "/format2-echo.strec");
    ASSERT_TRUE(s.ok()) << s.status().message();
    EventStream& st = **s;
    int checked = 0;
    while (true) {
      auto e = st.Next();
      ASSERT_TRUE(e.ok());
      if (!*e)
        break;
      if (!(*e)->syscall)
        continue;
      const Syscall& sc = *(*e)->syscall;
      const format::SyscallInfo* info = st.table()->Find(sc.nr);
      DecodeEnv env;
      env.opt = &opt;
      env.state = &st.state();
      SyscallText whole = DecodeSyscall(sc, info, env);
      env.part = DecodeEnv::Part::kEntry;
      SyscallText entry = DecodeSyscall(sc, info, env);
      env.part = DecodeEnv::Part::kExit;
      SyscallText exit = DecodeSyscall(sc, info, env);
      EXPECT_EQ(entry.entry, whole.entry) << whole.name;
      EXPECT_EQ(exit.exit, whole.exit) << whole.name;
      EXPECT_EQ(entry.name, whole.name);
      checked++;
    }
    EXPECT_GT(checked, 20);
  }
}

// A trace that strec wrote in format 2 (absolute times; tests/data) renders exactly as that
// strec rendered it: the format 3 reader restores times only in format 3 files.
TEST(FormatCompatibilityTest, Format2TraceRendersAsItsOwnStrecDid) {
  const std::string data = STREC_TEST_DATA_DIR;
  auto slurp = [](const std::string& path) {
    FILE* f = fopen(path.c_str(), "re");
    std::string s;
    if (!f)
      return s;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
      s.append(buf, n);
    fclose(f);
    return s;
  };
  RenderOptions timed;
  timed.timestamps = 3;
  timed.syscall_times = true;
  timed.decode_fds = 1;
  RenderOptions relative;
  relative.relative = true;
  for (const auto& [options, expected] :
       {std::pair{timed, "format2-echo.ttt-T-y.txt"}, std::pair{relative, "format2-echo.r.txt"}}) {
    auto got = ReplayToString(data + "/format2-echo.strec", options);
    ASSERT_TRUE(got.ok()) << got.status().message();
    std::string want = slurp(data + "/" + expected);
    ASSERT_FALSE(want.empty()) << expected;
    EXPECT_EQ(*got, want) << expected;
  }
}

}  // namespace
}  // namespace strec::replay

namespace strec::replay {
namespace {

format::FdDetail Socket(const char* proto, uint8_t family, uint64_t inode, bool found) {
  format::FdDetail d;
  d.kind = format::kFdDetailSocket;
  d.family = family;
  d.inode = inode;
  d.found = found;
  std::memcpy(d.proto, proto, std::strlen(proto));
  return d;
}

// What -yy prints of the recorder's answers, in strace's forms.
TEST(FdTextTest, SocketsDevicesAndPidfdsAsStracePrintsThem) {
  format::FdDetail v6 = Socket("UDPv6", AF_INET6, 5, true);
  v6.sport = 53;
  v6.src[15] = 1;  // ::1
  EXPECT_EQ(SocketText(v6, "", 0), "UDPv6:[[::1]:53]");
  format::FdDetail v4 = Socket("TCP", AF_INET, 6, true);
  const uint8_t lo[4] = {127, 0, 0, 1};
  std::memcpy(v4.src, lo, 4);
  std::memcpy(v4.dst, lo, 4);
  v4.sport = 80;
  v4.dport = 41234;
  EXPECT_EQ(SocketText(v4, "", 0), "TCP:[127.0.0.1:80->127.0.0.1:41234]");
  format::FdDetail u = Socket("UNIX", AF_UNIX, 7, true);
  EXPECT_EQ(SocketText(u, std::string("\0abs\0", 5), 0), "UNIX:[7,@\"abs\"]");
  u.peer_inode = 8;
  // -x: a name with a non-printable byte all in hex, as strace's strings.
  EXPECT_EQ(SocketText(u, "/r\x01", 1), "UNIX:[7->8,\"\\x2f\\x72\\x01\"]");
  EXPECT_EQ(SocketText(u, "/r", 0), "UNIX:[7->8,\"/r\"]");
  format::FdDetail nl = Socket("NETLINK", AF_NETLINK, 9, true);
  nl.portid = 1234;
  EXPECT_EQ(SocketText(nl, "", 0), "NETLINK:[ROUTE:1234]");
  nl.protocol = 200;  // no name: the number
  EXPECT_EQ(SocketText(nl, "", 0), "NETLINK:[200]");

  RenderOptions yy;
  yy.decode_fds = 2;
  // Not found: the protocol strace knows with the inode; another protocol as -y prints it.
  format::FdDetail tcp = Socket("TCP", AF_INET, 10, false);
  EXPECT_EQ(FdTextOf(yy, nullptr, "socket:[10]", &tcp), "<TCP:[10]>");
  format::FdDetail packet = Socket("PACKET", 17, 11, false);
  EXPECT_EQ(FdTextOf(yy, nullptr, "socket:[11]", &packet), "<socket:[11]>");
  EXPECT_EQ(FdTextOf(yy, nullptr, "socket:[12]", nullptr), "<socket:[12]>");
  format::FdDetail dev;
  dev.kind = format::kFdDetailDevice;
  dev.major = 1;
  dev.minor = 3;
  EXPECT_EQ(FdTextOf(yy, nullptr, "/dev/null", &dev), "</dev/null<char 1:3>>");
  format::FdDetail pidfd;
  pidfd.kind = format::kFdDetailPidfd;
  pidfd.pid = 42;
  EXPECT_EQ(FdTextOf(yy, nullptr, "anon_inode:[pidfd]", &pidfd), "<pid:42>");
  EXPECT_EQ(FdTextOf(yy, nullptr, "/etc/passwd", nullptr), "</etc/passwd>");

  // --decode-fds=: only the kinds asked for; -y: paths only.
  RenderOptions sockets = yy;
  sockets.fd_kinds = 2;
  EXPECT_EQ(FdTextOf(sockets, nullptr, "/dev/null", &dev), "");
  EXPECT_EQ(FdTextOf(sockets, nullptr, "socket:[10]", &tcp), "<TCP:[10]>");
  RenderOptions y;
  y.decode_fds = 1;
  EXPECT_EQ(FdTextOf(y, nullptr, "socket:[10]", &tcp), "<socket:[10]>");
  EXPECT_EQ(FdTextOf(y, nullptr, "/dev/null", &dev), "</dev/null>");
}

}  // namespace
}  // namespace strec::replay

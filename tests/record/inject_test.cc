// -e inject= / -e fault=: the parser (strace's syntax) and which invocations are tampered with.
// The end-to-end check against the real strace is FidelityTest.InjectedFaults.
#include "strec/record/inject.h"

#include <asm/unistd.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>

namespace strec::record {
namespace {

const format::SyscallTable& Table() {
  return *format::SyscallTable::ForArch(format::kArchX86_64);
}

InjectRule Parse(const std::string& spec, bool fault = false) {
  auto r = ParseInjectRule(Table(), spec, fault);
  EXPECT_TRUE(r.ok()) << spec << ": " << r.status().message();
  return r.ok() ? *r : InjectRule{};
}

std::string ParseError(const std::string& spec, bool fault = false) {
  auto r = ParseInjectRule(Table(), spec, fault);
  return r.ok() ? "" : r.status().message();
}

// Which of invocations 1..n the rule applies to.
std::vector<uint32_t> Applied(const InjectRule& r, uint32_t n = 12) {
  std::vector<uint32_t> out;
  for (uint32_t i = 1; i <= n; i++)
    if (r.Applies(i))
      out.push_back(i);
  return out;
}

TEST(InjectParseTest, ErrorRetvalSignalDelaySubstitute) {
  InjectRule e = Parse("openat,close:error=ENOENT");
  EXPECT_TRUE(e.set.Contains(__NR_openat));
  EXPECT_TRUE(e.set.Contains(__NR_close));
  EXPECT_FALSE(e.set.Contains(__NR_read));
  EXPECT_EQ(*e.retval, -ENOENT);
  EXPECT_TRUE(e.is_error);
  EXPECT_EQ(*Parse("read:error=22").retval, -22);
  EXPECT_EQ(*Parse("read:error=EWOULDBLOCK").retval, -EAGAIN);
  EXPECT_EQ(*Parse("getpid:retval=42").retval, 42);
  EXPECT_EQ(*Parse("getpid:retval=0x20").retval, 0x20);
  EXPECT_EQ(Parse("chdir:signal=SIGUSR1").signal, SIGUSR1);
  EXPECT_EQ(Parse("chdir:signal=USR2").signal, SIGUSR2);
  EXPECT_EQ(Parse("chdir:signal=9").signal, SIGKILL);
  EXPECT_EQ(Parse("chdir:delay_enter=5ms").delay_enter_ns, 5000000u);
  EXPECT_EQ(Parse("chdir:delay_exit=10").delay_exit_ns, 10000u) << "microseconds by default";
  EXPECT_EQ(Parse("chdir:delay_exit=1.5s").delay_exit_ns, 1500000000u);
  EXPECT_EQ(Parse("chdir:error=EPERM:syscall=getpid").substitute_nr, __NR_getpid);
  InjectRule f = Parse("fsync", /*fault=*/true);
  EXPECT_EQ(*f.retval, -ENOSYS) << "fault= defaults to ENOSYS";
  EXPECT_EQ(*Parse("fsync:error=EIO", true).retval, -EIO);
  EXPECT_TRUE(Parse("%file:error=EACCES").set.Contains(__NR_openat)) << "classes as in trace=";
}

TEST(InjectParseTest, ErrorsNameThePart) {
  EXPECT_NE(ParseError("openat").find("say what to do"), std::string::npos);
  EXPECT_NE(ParseError("nosuch:error=EPERM"), "");
  EXPECT_NE(ParseError("openat:error=EWHAT").find("error=EWHAT"), std::string::npos);
  EXPECT_NE(ParseError("openat:error=5000").find("error=5000"), std::string::npos);
  EXPECT_NE(ParseError("openat:error=EPERM:retval=1").find("exclude"), std::string::npos);
  EXPECT_NE(ParseError("openat:signal=SIGNOPE").find("signal=SIGNOPE"), std::string::npos);
  EXPECT_NE(ParseError("openat:delay_enter=fast").find("delay_enter=fast"), std::string::npos);
  EXPECT_NE(ParseError("openat:error=EPERM:when=0").find("when=0"), std::string::npos);
  EXPECT_NE(ParseError("openat:error=EPERM:when=5..2").find("when=5..2"), std::string::npos);
  EXPECT_NE(ParseError("openat:poke_enter=@arg1=00").find("not supported"), std::string::npos);
  EXPECT_NE(ParseError("openat:syscall=getpid").find("syscall= needs"), std::string::npos);
  EXPECT_NE(ParseError("openat:retval=1", /*fault=*/true).find("retval"), std::string::npos)
      << "fault= takes only error= and when=";
  EXPECT_NE(ParseError("openat:bogus=1").find("bogus"), std::string::npos);
}

// strace(1): first, first..last, first+, first..last+, first+step, first..last+step.
TEST(InjectParseTest, WhenExpressions) {
  using V = std::vector<uint32_t>;
  EXPECT_EQ(Applied(Parse("read:error=EIO")), (V{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(Applied(Parse("read:error=EIO:when=3")), (V{3}));
  EXPECT_EQ(Applied(Parse("read:error=EIO:when=3..5")), (V{3, 4, 5}));
  EXPECT_EQ(Applied(Parse("read:error=EIO:when=10+")), (V{10, 11, 12}));
  EXPECT_EQ(Applied(Parse("read:error=EIO:when=2..6+")), (V{2, 3, 4, 5, 6}));
  EXPECT_EQ(Applied(Parse("read:error=EIO:when=2+3")), (V{2, 5, 8, 11}));
  EXPECT_EQ(Applied(Parse("read:error=EIO:when=2..8+3")), (V{2, 5, 8}));
  EXPECT_EQ(Applied(Parse("read:error=EIO:when=1:when=4")), (V{4})) << "the last when= counts";
}

// Invocations are counted per thread and per syscall.
TEST(InjectorTest, CountsPerThreadAndSyscall) {
  Injector inj({Parse("read,write:error=EIO:when=2"), Parse("getpid:signal=SIGUSR1"),
                Parse("read:delay_exit=1ms:when=1")});
  EXPECT_FALSE(inj.AtEntry(100, __NR_read).tamper);
  EXPECT_EQ(inj.AtEntry(100, __NR_read).delay_exit_ns, 0u) << "read's 2nd: no delay";
  EXPECT_FALSE(inj.AtEntry(200, __NR_read).tamper) << "another thread starts at 1";
  EXPECT_FALSE(inj.AtEntry(100, __NR_write).tamper) << "another syscall starts at 1";
  InjectAction second_write = inj.AtEntry(100, __NR_write);
  EXPECT_TRUE(second_write.tamper);
  EXPECT_EQ(second_write.retval, -EIO);
  EXPECT_EQ(inj.AtEntry(100, __NR_getpid).signal, SIGUSR1);
  EXPECT_FALSE(inj.AtEntry(100, __NR_close).any());
  EXPECT_TRUE(inj.Syscalls().Contains(__NR_getpid));
  EXPECT_FALSE(inj.Syscalls().Contains(__NR_close));
  inj.Forget(200);
  EXPECT_EQ(inj.AtEntry(200, __NR_read).delay_exit_ns, 1000000u) << "a new thread 200 counts anew";
}

}  // namespace
}  // namespace strec::record

#include "strec/format/syscall_table.h"

#include <asm/unistd.h>

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace strec::format {
namespace {

using enum ArgKind;

const SyscallTable& Table() {
  const SyscallTable* table = SyscallTable::ForArch(kArchX86_64);
  EXPECT_NE(table, nullptr);
  return *table;
}

const SyscallInfo& Row(std::string_view name) {
  const SyscallInfo* row = Table().FindByName(name);
  EXPECT_NE(row, nullptr) << name;
  static const SyscallInfo kMissing;
  return row ? *row : kMissing;
}

bool NeedsLength(ArgKind kind) {
  switch (kind) {
    case kInData:
    case kOutData:
    case kInArray:
    case kOutArray:
    case kInOutArray:
    case kInIovec:
    case kOutIovec:
      return true;
    default:
      return false;
  }
}

bool NamesStruct(ArgKind kind) {
  switch (kind) {
    case kInStruct:
    case kOutStruct:
    case kInOutStruct:
    case kInArray:
    case kOutArray:
    case kInOutArray:
      return true;
    default:
      return false;
  }
}

TEST(SyscallTableTest, NumbersMatchKernelHeaders) {
  int rows = 0;
#define SYSCALL(nr, sys, ...)                       \
  EXPECT_EQ(nr, __NR_##sys) << #sys;                \
  EXPECT_STREQ(Table().Find(nr)->name, #sys) << nr; \
  ++rows;
#include "../../format/syscalls/x86_64.def"
#undef SYSCALL
  EXPECT_EQ(rows, 362);
  EXPECT_EQ(static_cast<int>(Table().all().size()), rows);
  EXPECT_EQ(Table().max_nr(), __NR_set_mempolicy_home_node);
}

TEST(SyscallTableTest, ForArch) {
  EXPECT_NE(SyscallTable::ForArch(kArchX86_64), nullptr);
  EXPECT_EQ(SyscallTable::ForArch(0x40000003), nullptr);  // AUDIT_ARCH_I386
  EXPECT_EQ(SyscallTable::ForArch(0xC00000B7), nullptr);  // AUDIT_ARCH_AARCH64
}

TEST(SyscallTableTest, Lookup) {
  const SyscallTable& table = Table();
  EXPECT_STREQ(table.Find(0)->name, "read");
  EXPECT_STREQ(table.Find(13)->name, "rt_sigaction");
  EXPECT_STREQ(table.Find(156)->name, "_sysctl");
  EXPECT_STREQ(table.Find(262)->name, "newfstatat");
  EXPECT_EQ(table.Find(-1), nullptr);
  EXPECT_EQ(table.Find(335), nullptr);  // 335..423 do not exist on x86_64
  EXPECT_EQ(table.Find(423), nullptr);
  EXPECT_STREQ(table.Find(424)->name, "pidfd_send_signal");
  EXPECT_EQ(table.Find(451), nullptr);
  EXPECT_EQ(table.Find(100000), nullptr);
  EXPECT_EQ(table.FindByName("openat")->nr, 257);
  EXPECT_EQ(table.FindByName("nosuchcall"), nullptr);
  EXPECT_EQ(table.FindByName(""), nullptr);
}

TEST(SyscallTableTest, ArgumentSpecsAreConsistent) {
  std::set<std::string> names;
  for (const SyscallInfo& row : Table().all()) {
    SCOPED_TRACE(row.name);
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate name";
    ASSERT_LE(row.nargs, 6);
    for (int i = 0; i < 6; ++i) {
      const ArgSpec& arg = row.args[i];
      if (i >= row.nargs) {
        EXPECT_EQ(arg.kind, kHex) << i;
        EXPECT_EQ(arg.len, kLenNone) << i;
        EXPECT_EQ(arg.param, nullptr) << i;
        continue;
      }
      EXPECT_TRUE(arg.len == kLenNone || arg.len == kLenRet || arg.len < row.nargs) << i;
      EXPECT_NE(arg.len, i) << i;
      if (NeedsLength(arg.kind)) {
        EXPECT_NE(arg.len, kLenNone) << i;
      }
      if (arg.kind == kFlags || arg.kind == kEnum) {
        EXPECT_NE(arg.param, nullptr) << i;
      }
      if (NamesStruct(arg.kind)) {
        ASSERT_NE(arg.param, nullptr) << i;
        EXPECT_GT(StructSize(arg.param), 0u) << arg.param;
      }
      if (arg.kind == kSpecial && arg.param != nullptr) {
        EXPECT_GT(StructSize(arg.param), 0u) << arg.param;
      }
    }
  }
}

// variants.def: every row names a syscall whose own row leaves the selected arguments kSpecial,
// one selector per syscall, no kSpecial of its own, struct params with sizes, unique values.
TEST(SyscallTableTest, VariantsAreConsistent) {
  const char* names[] = {
#define VARIANT(name, ...) #name,
#include "../../format/syscalls/variants.def"
#undef VARIANT
  };
  std::set<int> syscalls;
  for (const char* name : names) {
    const SyscallInfo* base = Table().FindByName(name);
    ASSERT_NE(base, nullptr) << name;
    syscalls.insert(base->nr);
  }
  size_t rows = 0;
  for (int nr : syscalls) {
    std::span<const SyscallVariant> list = VariantsOf(nr);
    const SyscallInfo& base = *Table().Find(nr);
    SCOPED_TRACE(base.name);
    rows += list.size();
    for (size_t k = 0; k < list.size(); k++) {
      const SyscallVariant& v = list[k];
      EXPECT_EQ(v.selector, list[0].selector);
      if (k) {
        EXPECT_LT(list[k - 1].value, v.value) << "values sorted and unique";
      }
      EXPECT_EQ(v.info.nr, nr);
      EXPECT_STREQ(v.info.name, base.name);
      ASSERT_LE(v.info.nargs, base.nargs);
      for (int i = 0; i < v.info.nargs; i++) {
        const ArgSpec& a = v.info.args[i];
        EXPECT_NE(a.kind, kSpecial) << i;
        if (NamesStruct(a.kind)) {
          EXPECT_GT(StructSize(a.param ? a.param : ""), 0u) << i;
        }
        if (a.kind != base.args[i].kind && i != v.selector) {
          EXPECT_EQ(base.args[i].kind, kSpecial) << "argument " << i << " is not irregular";
        }
      }
      uint64_t args[6] = {};
      args[v.selector] = v.value | (uint64_t{0xdead} << 32);  // selectors are ints
      EXPECT_EQ(FindVariant(base, args), &v);
      EXPECT_EQ(&ResolveVariant(base, args), &v.info);
    }
  }
  EXPECT_EQ(rows, std::size(names));
  uint64_t none[6] = {12345};
  EXPECT_EQ(FindVariant(*Table().FindByName("prctl"), none), nullptr);
  EXPECT_EQ(FindVariant(*Table().FindByName("read"), none), nullptr);
}

TEST(SyscallTableTest, SampleArguments) {
  const SyscallInfo& read = Row("read");
  EXPECT_EQ(read.nargs, 3);
  EXPECT_EQ(read.args[0].kind, kFd);
  EXPECT_EQ(read.args[1].kind, kOutData);
  EXPECT_EQ(read.args[1].len, kLenRet);
  EXPECT_EQ(read.args[2].kind, kSize);

  const SyscallInfo& write = Row("write");
  EXPECT_EQ(write.args[1].kind, kInData);
  EXPECT_EQ(write.args[1].len, 2);

  const SyscallInfo& openat = Row("openat");
  EXPECT_EQ(openat.nargs, 4);
  EXPECT_EQ(openat.args[0].kind, kDirFd);
  EXPECT_EQ(openat.args[1].kind, kPath);
  EXPECT_EQ(openat.args[2].kind, kFlags);
  EXPECT_STREQ(openat.args[2].param, "open_flags");
  EXPECT_EQ(openat.args[3].kind, kMode);

  const SyscallInfo& fstat = Row("fstat");
  EXPECT_EQ(fstat.args[1].kind, kOutStruct);
  EXPECT_STREQ(fstat.args[1].param, "stat");

  const SyscallInfo& poll = Row("poll");
  EXPECT_EQ(poll.args[0].kind, kInOutArray);
  EXPECT_EQ(poll.args[0].len, 1);
  EXPECT_STREQ(poll.args[0].param, "pollfd");

  EXPECT_EQ(Row("writev").args[1].kind, kInIovec);
  EXPECT_EQ(Row("readv").args[1].kind, kOutIovec);
  EXPECT_EQ(Row("execve").args[1].kind, kStrArray);
  EXPECT_EQ(Row("rt_sigaction").args[1].kind, kInStruct);
  EXPECT_STREQ(Row("rt_sigaction").args[2].param, "sigaction");
  EXPECT_EQ(Row("mmap").nargs, 6);
  EXPECT_EQ(Row("getpid").nargs, 0);
  EXPECT_EQ(Row("clone").nargs, 5);
  EXPECT_EQ(Row("futex").nargs, 6);
}

TEST(SyscallTableTest, StructSizes) {
  EXPECT_EQ(StructSize("stat"), 144u);
  EXPECT_EQ(StructSize("statx"), 256u);
  EXPECT_EQ(StructSize("timespec"), 16u);
  EXPECT_EQ(StructSize("iovec"), 16u);
  EXPECT_EQ(StructSize("pollfd"), 8u);
  EXPECT_EQ(StructSize("epoll_event"), 12u);
  EXPECT_EQ(StructSize("sigaction"), 32u);
  EXPECT_EQ(StructSize("sigset"), 8u);
  EXPECT_EQ(StructSize("siginfo"), 128u);
  EXPECT_EQ(StructSize("sockaddr"), 128u);
  EXPECT_EQ(StructSize("utsname"), 390u);
  EXPECT_EQ(StructSize("sysinfo"), 112u);
  EXPECT_EQ(StructSize("rusage"), 144u);
  EXPECT_EQ(StructSize("rlimit"), 16u);
  EXPECT_EQ(StructSize("timex"), 208u);
  EXPECT_EQ(StructSize("no_such_struct"), 0u);
  EXPECT_EQ(StructSize(""), 0u);
}

TEST(SyscallTableTest, Classes) {
  EXPECT_EQ(Row("read").classes & kClassMask, kClassDesc);
  EXPECT_TRUE(Row("openat").classes & kReturnsFd);
  EXPECT_TRUE(Row("accept4").classes & kReturnsFd);
  EXPECT_FALSE(Row("read").classes & kReturnsFd);
  EXPECT_TRUE(Row("chdir").classes & kChangesCwd);
  EXPECT_TRUE(Row("fchdir").classes & kChangesCwd);
  EXPECT_FALSE(Row("chroot").classes & kChangesCwd);
  EXPECT_EQ(Row("openat").classes & kClassMask, kClassFile | kClassDesc);
  EXPECT_EQ(Row("open").classes & kClassMask, kClassFile | kClassDesc);
  EXPECT_EQ(Row("stat").classes & kClassMask, kClassFile | kClassStat | kClassStatLike);
  EXPECT_EQ(Row("lstat").classes & kClassMask, kClassFile | kClassLstat | kClassStatLike);
  EXPECT_EQ(Row("fstat").classes & kClassMask, kClassDesc | kClassFstat | kClassStatLike);
  EXPECT_EQ(Row("newfstatat").classes & kClassMask,
            kClassFile | kClassDesc | kClassFstat | kClassStatLike);
  EXPECT_EQ(Row("statx").classes & kClassMask,
            kClassFile | kClassDesc | kClassFstat | kClassStatLike);
  EXPECT_EQ(Row("statfs").classes & kClassMask, kClassFile | kClassStatfs | kClassStatfsLike);
  EXPECT_EQ(Row("fstatfs").classes & kClassMask, kClassDesc | kClassFstatfs | kClassStatfsLike);
  EXPECT_EQ(Row("ustat").classes & kClassMask, kClassStatfsLike);
  EXPECT_EQ(Row("getpid").classes & kClassMask, kClassPure);
  EXPECT_EQ(Row("getuid").classes & kClassMask, kClassPure | kClassCreds);
  EXPECT_EQ(Row("setuid").classes & kClassMask, kClassCreds);
  EXPECT_EQ(Row("prctl").classes & kClassMask, kClassCreds);
  EXPECT_EQ(Row("clock_gettime").classes & kClassMask, kClassClock);
  EXPECT_EQ(Row("gettimeofday").classes & kClassMask, kClassClock);
  EXPECT_EQ(Row("execve").classes & kClassMask, kClassFile | kClassProcess);
  EXPECT_EQ(Row("execveat").classes & kClassMask, kClassFile | kClassProcess | kClassDesc);
  EXPECT_EQ(Row("mmap").classes & kClassMask, kClassDesc | kClassMemory);
  EXPECT_EQ(Row("kill").classes & kClassMask, kClassProcess | kClassSignal);
  EXPECT_EQ(Row("socket").classes & kClassMask, kClassNetwork);
  EXPECT_EQ(Row("sendfile").classes & kClassMask, kClassNetwork | kClassDesc);
  EXPECT_EQ(Row("shmat").classes & kClassMask, kClassIpc | kClassMemory);
  EXPECT_EQ(Row("io_uring_enter").classes & kClassMask, kClassDesc | kClassSignal);
  EXPECT_EQ(Row("sched_yield").classes & kClassMask, 0u);
  EXPECT_EQ(Row("nanosleep").classes & kClassMask, 0u);
}

// Parses EXPR, expecting success.
SyscallSet ParseOk(std::string_view expr) {
  std::string error;
  std::optional<SyscallSet> set = SyscallSet::Parse(Table(), expr, &error);
  EXPECT_TRUE(set.has_value()) << expr << ": " << error;
  return set.value_or(SyscallSet());
}

// Parses EXPR, expecting failure; returns the message.
std::string ParseError(std::string_view expr) {
  std::string error;
  std::optional<SyscallSet> set = SyscallSet::Parse(Table(), expr, &error);
  EXPECT_FALSE(set.has_value()) << expr;
  return error;
}

int Nr(std::string_view name) {
  return Row(name).nr;
}

int CountKnown(const SyscallSet& set) {
  int n = 0;
  for (const SyscallInfo& row : Table().all())
    n += set.Contains(row.nr);
  return n;
}

TEST(SyscallSetTest, DefaultSelectsEverything) {
  SyscallSet set;
  EXPECT_TRUE(set.all());
  EXPECT_TRUE(set.Contains(0));
  EXPECT_TRUE(set.Contains(5000));
  EXPECT_TRUE(set.Contains(-1));
}

TEST(SyscallSetTest, Names) {
  SyscallSet set = ParseOk("open,read");
  EXPECT_TRUE(set.Contains(Nr("open")));
  EXPECT_TRUE(set.Contains(Nr("read")));
  EXPECT_FALSE(set.Contains(Nr("write")));
  EXPECT_FALSE(set.Contains(335));
  EXPECT_FALSE(set.Contains(5000));
  EXPECT_FALSE(set.all());
  EXPECT_EQ(CountKnown(set), 2);

  // Empty items are skipped; a trailing comma is fine.
  EXPECT_EQ(CountKnown(ParseOk("read,,write,")), 2);
  EXPECT_TRUE(ParseOk("_sysctl").Contains(156));
}

TEST(SyscallSetTest, Numbers) {
  SyscallSet set = ParseOk("0,257");
  EXPECT_TRUE(set.Contains(0));
  EXPECT_TRUE(set.Contains(257));
  EXPECT_EQ(CountKnown(set), 2);
  EXPECT_EQ(ParseError("1000"), "invalid system call '1000'");
  EXPECT_EQ(ParseError("1abc"), "invalid system call '1abc'");
}

TEST(SyscallSetTest, Negation) {
  SyscallSet set = ParseOk("!open,read");
  EXPECT_FALSE(set.Contains(Nr("open")));
  EXPECT_FALSE(set.Contains(Nr("read")));
  EXPECT_TRUE(set.Contains(Nr("write")));
  EXPECT_TRUE(set.Contains(5000));
  EXPECT_FALSE(set.all());

  SyscallSet twice = ParseOk("!!read");
  EXPECT_TRUE(twice.Contains(Nr("read")));
  EXPECT_EQ(CountKnown(twice), 1);
  EXPECT_FALSE(twice.Contains(5000));
}

TEST(SyscallSetTest, AllAndNone) {
  EXPECT_TRUE(ParseOk("all").all());
  EXPECT_TRUE(ParseOk("!none").all());
  SyscallSet none = ParseOk("none");
  EXPECT_EQ(CountKnown(none), 0);
  EXPECT_FALSE(none.Contains(5000));
  EXPECT_EQ(CountKnown(ParseOk("!all")), 0);

  // Inside a list "all" is the legacy class every named syscall belongs to; "none" is not a name.
  SyscallSet all_in_list = ParseOk("read,all");
  EXPECT_EQ(CountKnown(all_in_list), static_cast<int>(Table().all().size()));
  EXPECT_FALSE(all_in_list.Contains(5000));
  EXPECT_EQ(ParseError("none,read"), "invalid system call 'none'");
}

TEST(SyscallSetTest, Classes) {
  SyscallSet file = ParseOk("%file");
  EXPECT_TRUE(file.Contains(Nr("open")));
  EXPECT_TRUE(file.Contains(Nr("stat")));
  EXPECT_TRUE(file.Contains(Nr("execve")));
  EXPECT_FALSE(file.Contains(Nr("read")));
  EXPECT_FALSE(file.Contains(Nr("fstat")));

  // Legacy spelling without '%'.
  EXPECT_EQ(CountKnown(ParseOk("file")), CountKnown(file));
  EXPECT_EQ(CountKnown(ParseOk("desc")), CountKnown(ParseOk("%desc")));
  EXPECT_EQ(CountKnown(ParseOk("%net")), CountKnown(ParseOk("%network")));
  EXPECT_EQ(CountKnown(ParseOk("network")), CountKnown(ParseOk("%network")));

  SyscallSet stat = ParseOk("%stat");
  EXPECT_TRUE(stat.Contains(Nr("stat")));
  EXPECT_EQ(CountKnown(stat), 1);

  SyscallSet stat_like = ParseOk("%%stat");
  for (const char* name : {"stat", "lstat", "fstat", "newfstatat", "statx"}) {
    EXPECT_TRUE(stat_like.Contains(Nr(name))) << name;
  }
  EXPECT_EQ(CountKnown(stat_like), 5);

  SyscallSet statfs_like = ParseOk("%%statfs");
  for (const char* name : {"statfs", "fstatfs", "ustat"}) {
    EXPECT_TRUE(statfs_like.Contains(Nr(name))) << name;
  }
  EXPECT_EQ(CountKnown(statfs_like), 3);

  SyscallSet pure = ParseOk("%pure");
  EXPECT_TRUE(pure.Contains(Nr("getpid")));
  EXPECT_TRUE(pure.Contains(Nr("gettid")));
  EXPECT_FALSE(pure.Contains(Nr("getpgid")));

  EXPECT_TRUE(ParseOk("%creds").Contains(Nr("setresuid")));
  EXPECT_TRUE(ParseOk("%clock").Contains(Nr("clock_gettime")));
  EXPECT_FALSE(ParseOk("%clock").Contains(Nr("clock_nanosleep")));
  EXPECT_TRUE(ParseOk("%memory").Contains(Nr("mmap")));
  EXPECT_TRUE(ParseOk("%ipc").Contains(Nr("semop")));
  EXPECT_TRUE(ParseOk("%signal").Contains(Nr("rt_sigaction")));
  EXPECT_TRUE(ParseOk("%process").Contains(Nr("clone3")));
  EXPECT_TRUE(ParseOk("%lstat").Contains(Nr("lstat")));
  EXPECT_TRUE(ParseOk("%fstat").Contains(Nr("statx")));
  EXPECT_TRUE(ParseOk("%statfs").Contains(Nr("statfs")));
  EXPECT_TRUE(ParseOk("%fstatfs").Contains(Nr("fstatfs")));

  SyscallSet mixed = ParseOk("%network,openat");
  EXPECT_TRUE(mixed.Contains(Nr("connect")));
  EXPECT_TRUE(mixed.Contains(Nr("openat")));
  EXPECT_FALSE(mixed.Contains(Nr("read")));

  EXPECT_EQ(ParseError("%foo"), "invalid system call '%foo'");
  EXPECT_EQ(ParseError("FILE"), "invalid system call 'FILE'");
}

TEST(SyscallSetTest, Regex) {
  SyscallSet anchored = ParseOk("/^read");
  for (const char* name : {"read", "readv", "readlink", "readahead", "readlinkat"}) {
    EXPECT_TRUE(anchored.Contains(Nr(name))) << name;
  }
  EXPECT_FALSE(anchored.Contains(Nr("pread64")));
  EXPECT_EQ(CountKnown(anchored), 5);

  SyscallSet unanchored = ParseOk("/read");
  EXPECT_TRUE(unanchored.Contains(Nr("pread64")));
  EXPECT_TRUE(unanchored.Contains(Nr("process_vm_readv")));

  SyscallSet extended = ParseOk("/^(l|f)?stat$");
  EXPECT_EQ(CountKnown(extended), 3);

  EXPECT_EQ(ParseError("/^xyz"), "invalid system call '/^xyz'");
  EXPECT_EQ(ParseError("/("), "regcomp: (: Unmatched ( or \\(");
  // A bad pattern is fatal even with '?'.
  EXPECT_EQ(ParseError("?/("), "regcomp: (: Unmatched ( or \\(");
}

TEST(SyscallSetTest, OptionalItems) {
  SyscallSet set = ParseOk("?nosuchcall,read");
  EXPECT_TRUE(set.Contains(Nr("read")));
  EXPECT_EQ(CountKnown(set), 1);
  EXPECT_EQ(CountKnown(ParseOk("?")), 0);
  EXPECT_EQ(CountKnown(ParseOk("??nosuchcall")), 0);
  EXPECT_TRUE(ParseOk("?read").Contains(Nr("read")));
}

TEST(SyscallSetTest, Errors) {
  EXPECT_EQ(ParseError("nosuchcall"), "invalid system call 'nosuchcall'");
  EXPECT_EQ(ParseError("read,nosuchcall,write"), "invalid system call 'nosuchcall'");
  EXPECT_EQ(ParseError(""), "invalid system call ''");
  EXPECT_EQ(ParseError(","), "invalid system call ','");
  EXPECT_EQ(ParseError("!"), "invalid system call '!'");
  EXPECT_EQ(ParseError(" read"), "invalid system call ' read'");
  // No error text wanted.
  EXPECT_FALSE(SyscallSet::Parse(Table(), "nosuchcall", nullptr).has_value());
}

TEST(SyscallSetTest, Personality) {
  SyscallSet set = ParseOk("read@64");
  EXPECT_TRUE(set.Contains(Nr("read")));
  EXPECT_EQ(CountKnown(set), 1);
  EXPECT_TRUE(ParseOk("%file@64").Contains(Nr("open")));
  // Other personalities are valid but select nothing in the x86_64 table.
  EXPECT_EQ(CountKnown(ParseOk("read@32")), 0);
  EXPECT_EQ(CountKnown(ParseOk("read@x32")), 0);
  EXPECT_EQ(ParseError("read@bad"),
            "incorrect personality designator 'bad' in qualification 'read@bad'");
  EXPECT_EQ(ParseError("nosuchcall@64"), "invalid system call 'nosuchcall@64'");
}

}  // namespace
}  // namespace strec::format

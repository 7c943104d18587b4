#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <sstream>

#include "strec/format/container.h"
#include "strec/format/fd_detail.h"
#include "strec/format/io.h"
#include "strec/format/trace_info.h"
#include "strec/format/trace_reader.h"
#include "support/trace_builder.h"

namespace strec::format {
namespace {

using testing::TempDir;

// Every event of the file. The events point into chunks that this keeps alive (Next()'s
// pointers last only until the next chunk is read).
class AllEvents {
 public:
  explicit AllEvents(const TraceReader& r) : chunks_(r.chunks().size()) {
    for (size_t i = 0; i < chunks_.size(); i++) {
      Status st = r.ReadChunk(i, &chunks_[i]);
      EXPECT_TRUE(st.ok()) << st.message();
      for (size_t e = 0; st.ok() && e < chunks_[i].size(); e++)
        events_.push_back(chunks_[i].event(e));
    }
  }
  size_t size() const { return events_.size(); }
  const fb::Event* operator[](size_t i) const { return events_[i]; }
  auto begin() const { return events_.begin(); }
  auto end() const { return events_.end(); }

 private:
  std::vector<DecodedChunk> chunks_;
  std::vector<const fb::Event*> events_;
};

// Counts the events that Next() yields.
size_t CountNext(TraceReader& r) {
  size_t n = 0;
  for (;;) {
    auto e = r.Next();
    EXPECT_TRUE(e.ok()) << e.status().message();
    if (!e.ok() || *e == nullptr)
      return n;
    n++;
  }
}

TEST(TraceRoundTripTest, EveryEventKindSurvives) {
  TempDir dir;
  std::string path = dir.File("t.strec");
  HeaderInfo h = HeaderInfo::ForThisHost();
  h.command = {"ls", "-l"};
  h.snaplen = 77;
  h.trace_expr = "%file";
  h.seccomp_filter = true;
  auto w = TraceWriter::Create(path, h);
  ASSERT_TRUE(w.ok()) << w.status().message();

  std::vector<uint8_t> big(3 << 20);
  for (size_t i = 0; i < big.size(); i++)
    big[i] = static_cast<uint8_t>(i * 7);
  BufferRecord bufs[] = {
      {1,
       false,
       kBufferString,
       0,
       0x7ffd0000,
       11,
       0,
       {reinterpret_cast<const uint8_t*>("/etc/passwd"), 11}},
      {1, true, kBufferPlain, 0, 0x5000, 0, 0, {}},                // empty
      {2, true, kBufferIovecData, 3, 0x6000, big.size(), 0, big},  // large
      {3, false, kBufferPlain, 0, 0xdead, 16, 14 /*EFAULT*/, {}},  // unreadable
  };
  SyscallRecord s;
  s.tid = 11;
  s.pid = 10;
  s.nr = 257;
  s.args[0] = static_cast<uint64_t>(-100);
  s.args[5] = ~0ull;
  s.ret = -2;
  s.entry_ns = 5;
  s.exit_ns = 9;
  s.flags = kSyscallNoReturn;
  s.instruction_pointer = 0x401000;
  s.buffers = bufs;
  (*w)->Add(s);
  SyscallRecord entry = s;
  entry.phase = fb::SyscallPhase::Entry;
  entry.buffers = {};
  entry.exit_ns = 0;
  entry.entry_ns = 10;
  (*w)->Add(entry);
  (*w)->Add(SpawnRecord{10, 10, fb::ForkKind::Vfork, 12, 12, 0x4111, 11});
  std::string_view argv[] = {"sh", "-c", ""};
  (*w)->Add(ExecRecord{10, 10, 11, "/bin/sh", argv, 42, 12});
  uint8_t si[128];
  for (int i = 0; i < 128; i++)
    si[i] = static_cast<uint8_t>(i);
  (*w)->Add(SignalRecord{11, 10, 19, 0, si, true, 13});
  FdDetail tcp;
  tcp.kind = kFdDetailSocket;
  tcp.found = 1;
  tcp.family = 2;  // AF_INET
  tcp.inode = 99;
  tcp.sport = 443;
  std::memcpy(tcp.proto, "TCP", 3);
  std::string detail = EncodeFdDetail(tcp);
  FdEntryRecord fds[] = {{0, "/dev/pts/0", {}}, {255, "socket:[99]", detail}};
  std::string_view cmdline[] = {"nginx:", "worker"};
  (*w)->Add(FdSnapshotRecord{10, 10, fds, 14, "/home/user", cmdline, "/system.slice/x.service"});
  (*w)->Add(LossRecord{10, 10, 3, 300, "queue full", 15});
  (*w)->Add(DetachRecord{11, 10, "SIGINT", 16});
  (*w)->Add(ExitRecord{10, 10, 0, 9, true, false, 17});
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ((*w)->events(), 9u);

  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "traces hold secrets: 0600";

  auto r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)->warnings().empty());
  ASSERT_NE((*r)->footer(), nullptr);
  EXPECT_EQ((*r)->footer()->event_count(), 9u);
  EXPECT_EQ((*r)->footer()->syscall_count(), 1u);
  const fb::Header& hdr = (*r)->header();
  EXPECT_EQ(hdr.command()->size(), 2u);
  EXPECT_EQ(hdr.command()->Get(1)->str(), "-l");
  EXPECT_EQ(hdr.settings()->snaplen(), 77u);
  EXPECT_EQ(hdr.settings()->trace_expr()->str(), "%file");
  EXPECT_TRUE(hdr.settings()->seccomp_filter());
  EXPECT_EQ(hdr.arch(), kArchX86_64);

  AllEvents ev(**r);
  ASSERT_EQ(ev.size(), 9u);
  EXPECT_EQ(CountNext(**r), 9u);
  const auto* sc = ev[0]->body_as_Syscall();
  ASSERT_NE(sc, nullptr);
  EXPECT_EQ(ev[0]->tid(), 11);
  EXPECT_EQ(ev[0]->pid(), 10);
  EXPECT_EQ(sc->phase(), fb::SyscallPhase::Complete);
  EXPECT_EQ(sc->nr(), 257);
  EXPECT_EQ(sc->arch(), kArchX86_64);
  EXPECT_EQ(sc->a0(), static_cast<uint64_t>(-100));
  EXPECT_EQ(sc->a5(), ~0ull);
  EXPECT_EQ(sc->ret(), -2);
  EXPECT_EQ(sc->entry_ns(), 5u);
  EXPECT_EQ(sc->exit_ns(), 9u);
  EXPECT_EQ(sc->flags(), kSyscallNoReturn);
  EXPECT_EQ(sc->instruction_pointer(), 0x401000u);
  ASSERT_EQ(sc->buffers()->size(), 4u);
  EXPECT_EQ(sc->buffers()->Get(0)->kind(), kBufferString);
  EXPECT_EQ(
      std::string(sc->buffers()->Get(0)->data()->begin(), sc->buffers()->Get(0)->data()->end()),
      "/etc/passwd");
  EXPECT_EQ(sc->buffers()->Get(1)->data()->size(), 0u);
  EXPECT_TRUE(sc->buffers()->Get(1)->out());
  const auto* large = sc->buffers()->Get(2);
  EXPECT_EQ(large->index(), 3u);
  EXPECT_EQ(large->full_len(), big.size());
  ASSERT_EQ(large->data()->size(), big.size());
  EXPECT_TRUE(std::equal(big.begin(), big.end(), large->data()->begin()));
  EXPECT_EQ(sc->buffers()->Get(3)->read_errno(), 14);
  EXPECT_EQ(sc->buffers()->Get(3)->addr(), 0xdeadu);

  EXPECT_EQ(ev[1]->body_as_Syscall()->phase(), fb::SyscallPhase::Entry);
  EXPECT_EQ(EventTime(*ev[1]), 10u);
  const auto* sp = ev[2]->body_as_Spawn();
  EXPECT_EQ(sp->kind(), fb::ForkKind::Vfork);
  EXPECT_EQ(sp->child_tid(), 12);
  EXPECT_EQ(sp->clone_flags(), 0x4111u);
  const auto* ex = ev[3]->body_as_Exec();
  EXPECT_EQ(ex->path()->str(), "/bin/sh");
  EXPECT_EQ(ex->former_tid(), 11);
  ASSERT_EQ(ex->argv()->size(), 3u);
  EXPECT_EQ(ex->argv()->Get(2)->str(), "");
  EXPECT_EQ(ex->envc(), 42u);
  const auto* sig = ev[4]->body_as_Signal();
  EXPECT_EQ(sig->signo(), 19);
  EXPECT_TRUE(sig->group_stop());
  ASSERT_EQ(sig->siginfo()->size(), 128u);
  EXPECT_EQ(sig->siginfo()->Get(127), 127);
  const auto* snap = ev[5]->body_as_FdSnapshot();
  ASSERT_EQ(snap->fds()->size(), 2u);
  EXPECT_EQ(snap->fds()->Get(1)->fd(), 255);
  EXPECT_EQ(snap->fds()->Get(1)->path()->str(), "socket:[99]");
  EXPECT_EQ(snap->fds()->Get(0)->detail(), nullptr);
  ASSERT_NE(snap->fds()->Get(1)->detail(), nullptr);
  const auto* kept = snap->fds()->Get(1)->detail();
  std::optional<FdDetail> back =
      DecodeFdDetail({reinterpret_cast<const char*>(kept->data()), kept->size()}, nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sport, 443);
  EXPECT_EQ(back->ProtoName(), "TCP");
  EXPECT_EQ(snap->cwd()->str(), "/home/user");
  ASSERT_EQ(snap->argv()->size(), 2u);
  EXPECT_EQ(snap->argv()->Get(1)->str(), "worker");
  EXPECT_EQ(snap->cgroup()->str(), "/system.slice/x.service");
  EXPECT_EQ(ev[6]->body_as_Loss()->events(), 3u);
  EXPECT_EQ(ev[6]->body_as_Loss()->reason()->str(), "queue full");
  EXPECT_EQ(ev[7]->body_as_Detach()->reason()->str(), "SIGINT");
  const auto* exit = ev[8]->body_as_Exit();
  EXPECT_EQ(exit->signal(), 9);
  EXPECT_TRUE(exit->core_dumped());
  EXPECT_EQ(EventTime(*ev[8]), 17u);
}

TEST(TraceRoundTripTest, ManyChunksInOrderAndSeekByTime) {
  TempDir dir;
  std::string path = dir.File("many.strec");
  testing::WriteSampleTrace(path, 20000, 16 << 10);
  auto r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_GT((*r)->chunks().size(), 20u);
  AllEvents ev(**r);
  ASSERT_EQ(ev.size(), 20000u + 7);
  EXPECT_EQ(CountNext(**r), 20000u + 7);
  uint64_t prev = 0;
  int syscalls = 0;
  for (const auto* e : ev) {
    EXPECT_GE(EventTime(*e), prev);
    prev = EventTime(*e);
    if (const auto* s = e->body_as_Syscall()) {
      ASSERT_EQ(s->buffers()->Get(0)->data()->size(), static_cast<size_t>(syscalls % 300));
      syscalls++;
    }
  }
  EXPECT_EQ(syscalls, 20000);

  // Seek to the exit time of syscall 12345: exit_ns = 1002 + 2*12345 + 1.
  uint64_t target = 1002 + 2 * 12345 + 1;
  ASSERT_TRUE((*r)->SeekTime(target).ok());
  auto e = (*r)->Next();
  ASSERT_TRUE(e.ok());
  ASSERT_NE(*e, nullptr);
  EXPECT_EQ(EventTime(**e), target);
  EXPECT_EQ((*e)->body_as_Syscall()->a2(), 12345u % 300);
  // Past the end: nothing.
  ASSERT_TRUE((*r)->SeekTime(~0ull).ok());
  auto end = (*r)->Next();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, nullptr);
  // Before the start: the first event.
  ASSERT_TRUE((*r)->SeekTime(0).ok());
  auto first = (*r)->Next();
  ASSERT_TRUE(first.ok());
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ((*first)->body_type(), fb::Body::Spawn);
}

// Format 3 stores times as differences within a chunk. Every pattern the recorder can produce
// must come back exactly: zero times (an exit without its entry), an Exit whose entry lies
// before earlier events or in an earlier chunk, times that go backwards, huge jumps, and each
// event kind, across many small chunks.
TEST(TraceRoundTripTest, TimesSurviveTheirDeltaCoding) {
  TempDir dir;
  std::string path = dir.File("times.strec");
  WriterOptions wo;
  wo.chunk_bytes = 4096;
  wo.flush_interval_ns = ~uint64_t{0};
  auto w = TraceWriter::Create(path, HeaderInfo::ForThisHost(), wo);
  ASSERT_TRUE(w.ok()) << w.status().message();
  struct Want {
    uint64_t entry, exit, time;
  };
  std::vector<Want> want;
  uint64_t seed = 12345;
  auto rnd = [&seed] {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    return seed >> 17;
  };
  uint64_t t = 1'700'000'000'000'000'000u;
  for (int i = 0; i < 5000; i++) {
    t += rnd() % 50000;
    switch (i % 9) {
      case 0:
      case 1:
      case 2: {  // Complete
        SyscallRecord r;
        r.entry_ns = t;
        r.exit_ns = t += 1 + rnd() % 3000;
        (*w)->Add(r);
        want.push_back({r.entry_ns, r.exit_ns, 0});
        break;
      }
      case 3: {  // Entry, then an Exit with the entry long before
        SyscallRecord r;
        r.phase = fb::SyscallPhase::Entry;
        r.entry_ns = t;
        (*w)->Add(r);
        want.push_back({r.entry_ns, 0, 0});
        r.phase = fb::SyscallPhase::Exit;
        r.entry_ns = t - rnd() % 100'000'000;
        r.exit_ns = t += rnd() % 1000;
        (*w)->Add(r);
        want.push_back({r.entry_ns, r.exit_ns, 0});
        break;
      }
      case 4: {  // an exit seen without its entry; then a clock that went backwards
        SyscallRecord r;
        r.phase = fb::SyscallPhase::Exit;
        r.flags = kSyscallNoEntry;
        r.exit_ns = t;
        (*w)->Add(r);
        want.push_back({0, r.exit_ns, 0});
        SpawnRecord s;
        s.time_ns = t - 5000;
        (*w)->Add(s);
        want.push_back({0, 0, s.time_ns});
        break;
      }
      case 5: {
        ExitRecord e;
        e.time_ns = i == 5 ? 0 : t;  // one event with no time at all
        (*w)->Add(e);
        want.push_back({0, 0, e.time_ns});
        break;
      }
      case 6: {
        SignalRecord s;
        s.time_ns = t += uint64_t{1} << 40;  // a jump of about 18 minutes
        (*w)->Add(s);
        want.push_back({0, 0, s.time_ns});
        break;
      }
      case 7: {
        std::string_view argv[] = {"a"};
        ExecRecord x;
        x.path = "/bin/a";
        x.argv = argv;
        x.time_ns = t;
        (*w)->Add(x);
        want.push_back({0, 0, x.time_ns});
        FdSnapshotRecord f;
        f.time_ns = t + 1;
        (*w)->Add(f);
        want.push_back({0, 0, f.time_ns});
        break;
      }
      case 8: {
        DetachRecord d;
        d.reason = "x";
        d.time_ns = t;
        (*w)->Add(d);
        want.push_back({0, 0, d.time_ns});
        LossRecord l;
        l.reason = "y";
        l.time_ns = t;
        (*w)->Add(l);
        want.push_back({0, 0, l.time_ns});
        break;
      }
    }
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_GT((*r)->chunks().size(), 10u);
  AllEvents events(**r);
  ASSERT_EQ(events.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    const fb::Event* e = events[i];
    if (e->body_type() == fb::Body::Syscall) {
      EXPECT_EQ(e->body_as_Syscall()->entry_ns(), want[i].entry) << "event " << i;
      EXPECT_EQ(e->body_as_Syscall()->exit_ns(), want[i].exit) << "event " << i;
    } else {
      EXPECT_EQ(EventTime(*e), want[i].time) << "event " << i;
    }
  }
}

TEST(TraceRoundTripTest, NoFooterIsReadWithAWarning) {
  TempDir dir;
  std::string path = dir.File("nofooter.strec");
  testing::WriteSampleTrace(path, 3000, 8 << 10);
  auto r0 = TraceReader::Open(path);
  ASSERT_TRUE(r0.ok());
  uint64_t footer_at =
      (*r0)->chunks().back().offset + kChunkHeaderSize + (*r0)->chunks().back().compressed_len;
  auto bytes = testing::ReadFileBytes(path);
  bytes.resize(footer_at);
  testing::WriteFileBytes(path, bytes);
  auto r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)->footer(), nullptr);
  ASSERT_FALSE((*r)->warnings().empty());
  EXPECT_NE((*r)->warnings()[0].find("no index footer"), std::string::npos);
  EXPECT_EQ(CountNext(**r), 3007u);
}

TEST(TraceWriterTest, FlushIntervalCutsChunks) {
  TempDir dir;
  std::string path = dir.File("flush.strec");
  WriterOptions o;
  o.flush_interval_ns = 1000;
  auto w = TraceWriter::Create(path, HeaderInfo::ForThisHost(), o);
  ASSERT_TRUE(w.ok());
  for (uint64_t t = 0; t < 10'000; t += 100)
    (*w)->Add(DetachRecord{1, 1, "x", t});
  ASSERT_TRUE((*w)->Flush().ok());
  // Everything so far is on disk without Close(): a reader sees it (with a no-footer warning).
  auto r = TraceReader::Open(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(CountNext(**r), 100u);
  EXPECT_EQ((*r)->chunks().size(), 10u);  // one chunk per 1000 ns of events
  ASSERT_TRUE((*w)->Close().ok());
}

TEST(TraceWriterTest, WriteErrorIsReportedNotDropped) {
  // /dev/full fails every write with ENOSPC.
  WriterOptions o;
  o.replace = true;  // it exists: a character device, which replace allows
  auto w = TraceWriter::Create("/dev/full", HeaderInfo::ForThisHost(), o);
  if (w.ok()) {
    for (int i = 0; i < 10; i++)
      (*w)->Add(DetachRecord{1, 1, "x", static_cast<uint64_t>(i)});
    Status st = (*w)->Close();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("/dev/full"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("No space left"), std::string::npos) << st.message();
  } else {
    EXPECT_NE(w.status().message().find("No space left"), std::string::npos)
        << w.status().message();
  }
}

TEST(TraceWriterTest, AnExistingFileIsReplacedOnlyWhenAskedAndOnlyIfOurs) {
  TempDir dir;
  std::string path = dir.File("x.strec");
  testing::WriteFileBytes(path, {1, 2, 3});
  chmod(path.c_str(), 0644);
  auto w = TraceWriter::Create(path, HeaderInfo::ForThisHost());
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find(path + ": it exists (--force"), std::string::npos)
      << w.status().message();
  EXPECT_EQ(testing::ReadFileBytes(path).size(), 3u);
  WriterOptions o;
  o.replace = true;
  w = TraceWriter::Create(path, HeaderInfo::ForThisHost(), o);
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_TRUE((*w)->Close().ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "a replaced file keeps no wider mode";
  EXPECT_GT(st.st_size, 3);
  auto null = CreateOutputFile("/dev/null", true);
  ASSERT_TRUE(null.ok()) << null.status().message();
  close(*null);
}

// A symbolic link planted where a trace will be written is never followed, even with --force:
// its target (here a file of the writer's) keeps its contents.
TEST(TraceWriterTest, ASymbolicLinkIsNeverFollowed) {
  TempDir dir;
  std::string target = dir.File("precious"), link = dir.File("t.strec");
  testing::WriteFileBytes(target, {1, 2, 3});
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  for (bool replace : {false, true}) {
    WriterOptions o;
    o.replace = replace;
    auto w = TraceWriter::Create(link, HeaderInfo::ForThisHost(), o);
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.status().message().find("symbolic link"), std::string::npos)
        << w.status().message();
    EXPECT_EQ(testing::ReadFileBytes(target).size(), 3u);
  }
  ASSERT_EQ(symlink(dir.File("nowhere").c_str(), dir.File("dangling").c_str()), 0);
  EXPECT_FALSE(TraceWriter::Create(dir.File("dangling"), HeaderInfo::ForThisHost()).ok());
  EXPECT_NE(access(dir.File("nowhere").c_str(), F_OK), 0) << "created through a dangling link";
}

// Another user's file (say one planted with mode 0666 where root records) is never reused:
// its owner could read the trace.
TEST(TraceWriterTest, AnotherUsersFileIsNeverReused) {
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root to give a file to another user";
  TempDir dir;
  std::string path = dir.File("planted.strec");
  testing::WriteFileBytes(path, {1, 2, 3});
  ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);
  chmod(path.c_str(), 0666);
  WriterOptions o;
  o.replace = true;
  auto w = TraceWriter::Create(path, HeaderInfo::ForThisHost(), o);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("belongs to another user (uid 65534)"), std::string::npos)
      << w.status().message();
  EXPECT_EQ(testing::ReadFileBytes(path).size(), 3u);
}

TEST(TraceReaderTest, NewerMajorVersionIsRefused) {
  TempDir dir;
  std::string path = dir.File("v.strec");
  testing::WriteSampleTrace(path, 10, 1 << 20);
  auto bytes = testing::ReadFileBytes(path);
  PutU16(bytes.data() + 8, kFormatMajor + 1);
  PutU32(bytes.data() + 20, Crc32c(bytes.data(), 20));
  testing::WriteFileBytes(path, bytes);
  auto r = TraceReader::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(r.status().message().find("newer strec"), std::string::npos) << r.status().message();
}

TEST(TraceReaderTest, OlderMajorVersionIsRefused) {
  TempDir dir;
  std::string path = dir.File("v1.strec");
  testing::WriteSampleTrace(path, 10, 1 << 20);
  auto bytes = testing::ReadFileBytes(path);
  PutU16(bytes.data() + 8, kOldestMajor - 1);
  PutU32(bytes.data() + 20, Crc32c(bytes.data(), 20));
  testing::WriteFileBytes(path, bytes);
  auto r = TraceReader::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(r.status().message().find("older strec"), std::string::npos) << r.status().message();
}

TEST(TraceReaderTest, NotATrace) {
  TempDir dir;
  std::string path = dir.File("text");
  testing::WriteFileBytes(path, std::vector<uint8_t>(100, 'a'));
  auto r = TraceReader::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a strec trace"), std::string::npos);
  auto missing = TraceReader::Open(dir.File("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("No such file"), std::string::npos);
}

TEST(TraceInfoTest, PrintsFactsAndCounts) {
  TempDir dir;
  std::string path = dir.File("info.strec");
  testing::WriteSampleTrace(path, 500, 4 << 10);
  std::ostringstream out;
  ASSERT_TRUE(PrintTraceInfo(path, out).ok());
  std::string s = out.str();
  EXPECT_NE(s.find("command:     sample --flag"), std::string::npos) << s;
  EXPECT_NE(s.find("syscalls:  500 (0 split"), std::string::npos) << s;
  EXPECT_NE(s.find("lost events: 5"), std::string::npos) << s;
  EXPECT_NE(s.find("footer:      present"), std::string::npos) << s;
}

TEST(Crc32cTest, KnownVector) {
  // RFC 3720 B.4: CRC-32C of "123456789" is 0xE3069283.
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  std::vector<uint8_t> zeros(32, 0);
  EXPECT_EQ(Crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
}

}  // namespace
}  // namespace strec::format

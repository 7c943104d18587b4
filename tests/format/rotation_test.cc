// Rotation (WriterOptions::rotate_*): a recording written as several complete files, and read
// back as one trace (TraceReader::OpenParts, GroupRecordings).
#include <asm/unistd.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "strec/format/trace_reader.h"
#include "strec/format/trace_writer.h"
#include "support/trace_builder.h"

namespace strec::format {
namespace {

using testing::TempDir;

// Adds n getppid calls from t0 on, 1 ms apart; returns the time after the last.
uint64_t AddCalls(TraceWriter& w, int n, uint64_t t0) {
  for (int i = 0; i < n; i++) {
    SyscallRecord r;
    r.tid = r.pid = 42;
    r.nr = __NR_getppid;
    r.ret = 1;
    r.entry_ns = t0 + static_cast<uint64_t>(i) * 1'000'000;
    r.exit_ns = r.entry_ns + 500;
    w.Add(r);
  }
  return t0 + static_cast<uint64_t>(n) * 1'000'000;
}

// Every event time of a reader, in order.
std::vector<uint64_t> Times(TraceReader& r) {
  std::vector<uint64_t> out;
  while (true) {
    auto e = r.Next();
    EXPECT_TRUE(e.ok()) << e.status().message();
    if (!e.ok() || !*e)
      return out;
    out.push_back(EventTime(**e));
  }
}

TEST(RotationTest, PartsAreCompleteTracesAndReadTogetherAsOne) {
  TempDir dir;
  WriterOptions o;
  o.chunk_bytes = 4096;
  o.rotate_bytes = 8192;
  HeaderInfo h = HeaderInfo::ForThisHost();
  h.command = {"loop"};
  auto w = TraceWriter::Create(dir.File("r.strec"), h, o);
  ASSERT_TRUE(w.ok()) << w.status().message();
  EXPECT_EQ((*w)->path(), dir.File("r.0001.strec"));
  uint64_t t = 1'000'000'000;
  int rotations = 0;
  for (int round = 0; round < 200; round++) {
    t = AddCalls(**w, 50, t);
    if ((*w)->RotationDue()) {
      ASSERT_TRUE((*w)->Rotate().ok());
      rotations++;
    }
  }
  ASSERT_TRUE((*w)->Close().ok());
  std::vector<std::string> parts = (*w)->paths();
  ASSERT_EQ(parts.size(), static_cast<size_t>(rotations) + 1);
  ASSERT_GE(parts.size(), 3u);
  EXPECT_EQ(parts[1], dir.File("r.0002.strec"));

  // Each part alone: a complete trace with its footer, its own counts, the same header.
  uint64_t events = 0;
  for (size_t k = 0; k < parts.size(); k++) {
    auto r = TraceReader::Open(parts[k]);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_NE((*r)->footer(), nullptr) << parts[k];
    EXPECT_TRUE((*r)->warnings().empty()) << parts[k];
    EXPECT_EQ((*r)->header().part(), k + 1);
    EXPECT_EQ((*r)->header().settings()->rotation()->str(), "max-size 8 KiB");
    EXPECT_EQ((*r)->header().command()->Get(0)->str(), "loop");
    uint64_t n = Times(**r).size();
    EXPECT_EQ((*r)->footer()->event_count(), n);
    events += n;
  }
  EXPECT_EQ(events, 200u * 50u);

  // Together, in any order: every event once, in order.
  std::vector<std::string> shuffled(parts.rbegin(), parts.rend());
  auto all = TraceReader::OpenParts(shuffled);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_TRUE((*all)->warnings().empty());
  std::vector<uint64_t> times = Times(**all);
  ASSERT_EQ(times.size(), 200u * 50u);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(times.front(), 1'000'000'500u);
  // Seeking goes through every part's chunks.
  ASSERT_TRUE((*all)->SeekTime(times[7000]).ok());
  auto e = (*all)->Next();
  ASSERT_TRUE(e.ok() && *e);
  EXPECT_EQ(EventTime(**e), times[7000]);

  // A part missing between two: said. Another recording, or a part twice: refused.
  auto gap = TraceReader::OpenParts({parts[0], parts[2]});
  ASSERT_TRUE(gap.ok());
  ASSERT_EQ((*gap)->warnings().size(), 1u);
  EXPECT_NE((*gap)->warnings()[0].find("part 3 follows part 1"), std::string::npos);
  testing::WriteSampleTrace(dir.File("other.strec"), 10, 4096);
  EXPECT_FALSE(TraceReader::OpenParts({parts[0], dir.File("other.strec")}).ok());
  EXPECT_FALSE(TraceReader::OpenParts({parts[0], parts[0]}).ok());

  // A rotation just before the end leaves no empty file.
  {
    auto w2 = TraceWriter::Create(dir.File("e.strec"), h, o);
    ASSERT_TRUE(w2.ok());
    AddCalls(**w2, 10, 1'000'000'000);
    ASSERT_TRUE((*w2)->Rotate().ok());
    ASSERT_TRUE((*w2)->Close().ok());
    EXPECT_EQ((*w2)->paths(), std::vector<std::string>{dir.File("e.0001.strec")});
    EXPECT_EQ(access(dir.File("e.0002.strec").c_str(), F_OK), -1);
  }

  // Grouping: the parts together in order, the other trace alone.
  std::vector<std::unique_ptr<TraceReader>> open;
  for (const std::string& p : {parts[2], dir.File("other.strec"), parts[0]})
    open.push_back(std::move(TraceReader::Open(p)).value());
  auto groups = TraceReader::GroupRecordings(std::move(open));
  ASSERT_EQ(groups.size(), 2u);
  ASSERT_EQ(groups[0].size(), 2u);
  EXPECT_EQ(groups[0][0]->path(), parts[0]);
  EXPECT_EQ(groups[0][1]->path(), parts[2]);
  ASSERT_EQ(groups[1].size(), 1u);
  EXPECT_EQ(groups[1][0]->path(), dir.File("other.strec"));
}

TEST(RotationTest, MaxFilesDeletesTheOldestAndCountsTheirEvents) {
  TempDir dir;
  WriterOptions o;
  o.rotate_ns = 100'000'000;  // 100 ms of events per file
  o.max_files = 2;
  auto w = TraceWriter::Create(dir.File("d.strec"), HeaderInfo::ForThisHost(), o);
  ASSERT_TRUE(w.ok());
  uint64_t t = 1'000'000'000;
  for (int round = 0; round < 10; round++) {
    t = AddCalls(**w, 60, t);  // 60 ms
    if ((*w)->RotationDue()) {
      ASSERT_TRUE((*w)->Rotate().ok());
    }
  }
  ASSERT_TRUE((*w)->Close().ok());
  std::vector<std::string> parts = (*w)->paths();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_GT((*w)->files_deleted(), 0u);
  EXPECT_EQ(access(dir.File("d.0001.strec").c_str(), F_OK), -1);
  auto all = TraceReader::OpenParts(parts);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Times(**all).size() + (*w)->events_deleted(), 600u);
  EXPECT_EQ((*all)->header().settings()->rotation()->str(), "max-duration 100 ms, max-files 2");
}

// The flight recorder: nothing on disk until a trigger; a dump holds the newest events up to
// the ring's size, notes what the ring dropped, and starts with the snapshots it is given.
TEST(FlightRecorderTest, DumpsHoldTheNewestEventsAndSayWhatWasDropped) {
  TempDir dir;
  WriterOptions o;
  o.chunk_bytes = 4096;
  o.flight_bytes = 16384;
  o.trigger_exit = true;
  auto w = TraceWriter::Create(dir.File("f.strec"), HeaderInfo::ForThisHost(), o);
  ASSERT_TRUE(w.ok()) << w.status().message();
  uint64_t t = AddCalls(**w, 20000, 1'000'000'000);
  ASSERT_TRUE((*w)->Flush().ok());
  EXPECT_EQ(access(dir.File("f.0001.strec").c_str(), F_OK), -1) << "nothing written yet";
  EXPECT_FALSE((*w)->DumpDue());
  (*w)->Add(ExitRecord{43, 43, 0, 0, false, false, t});  // exit 0: no trigger
  EXPECT_FALSE((*w)->DumpDue());
  (*w)->Add(ExitRecord{44, 44, 1, 0, false, false, t + 1});  // exit 1: the trigger
  EXPECT_TRUE((*w)->DumpDue());
  FdEntryRecord fds[] = {{3, "/var/log/app.log", {}}};
  FdSnapshotRecord live[] = {{42, 42, fds, t + 2, "/srv", {}, {}}};
  ASSERT_TRUE((*w)->Dump(live).ok());
  EXPECT_FALSE((*w)->DumpDue());
  AddCalls(**w, 10, t + 10);
  ASSERT_TRUE((*w)->Close().ok());  // the end dumps the rest
  ASSERT_EQ((*w)->paths(),
            (std::vector<std::string>{dir.File("f.0001.strec"), dir.File("f.0002.strec")}));

  auto r = TraceReader::Open(dir.File("f.0001.strec"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)->warnings().empty());
  EXPECT_EQ((*r)->header().settings()->rotation()->str(), "flight-recorder 16 KiB, trigger exit");
  std::vector<const char*> kinds;
  uint64_t calls = 0, dropped = 0, last = 0;
  bool exit_seen = false;
  while (true) {
    auto e = (*r)->Next();
    ASSERT_TRUE(e.ok()) << e.status().message();
    if (!*e)
      break;
    if (kinds.size() < 2)
      kinds.push_back(fb::EnumNameBody((*e)->body_type()));
    if ((*e)->body_type() == fb::Body::Loss)
      dropped = (*e)->body_as_Loss()->events();
    if ((*e)->body_type() == fb::Body::Syscall) {
      calls++;
      EXPECT_GE(EventTime(**e), last);
      last = EventTime(**e);
    }
    exit_seen |= (*e)->body_type() == fb::Body::Exit && (*e)->pid() == 44;
  }
  EXPECT_EQ(kinds, (std::vector<const char*>{"Loss", "FdSnapshot"}));
  EXPECT_TRUE(exit_seen) << "the trigger's own event";
  EXPECT_GT(calls, 1000u);
  EXPECT_LT(calls, 20000u);
  EXPECT_EQ(calls + dropped, 20000u) << "every call is in the dump or counted as dropped";
  EXPECT_EQ(last, 1'000'000'000ull + 19999ull * 1'000'000ull + 500ull) << "the newest are kept";
  EXPECT_EQ((*r)->footer()->lost_events(), dropped);
  EXPECT_EQ((*w)->flight_dropped(), dropped);
  auto second = TraceReader::Open(dir.File("f.0002.strec"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->footer()->syscall_count(), 10u);
}

}  // namespace
}  // namespace strec::format

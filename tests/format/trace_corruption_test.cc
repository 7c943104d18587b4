// Hostile input: truncation at every byte offset and random byte flips must give either the
// complete prefix with a warning or a clear error naming the file and the offset; never a crash.
#include <gtest/gtest.h>

#include <zstd.h>

#include <cstring>
#include <functional>
#include <random>

#include "strec/format/container.h"
#include "strec/format/trace_reader.h"
#include "support/trace_builder.h"

namespace strec::format {
namespace {

struct Outcome {
  bool open_ok = false;
  bool read_ok = false;
  std::string error;
  std::vector<std::string> warnings;
  std::vector<uint64_t> times;  // the events that were read
  uint64_t damaged = 0, skipped = 0;
};

Outcome ReadTrace(const std::string& path, ReadOptions options = {}) {
  Outcome o;
  auto r = TraceReader::Open(path, options);
  if (!r.ok()) {
    o.error = r.status().message();
    return o;
  }
  o.open_ok = true;
  o.warnings = (*r)->warnings();
  for (;;) {
    auto e = (*r)->Next();
    if (!e.ok()) {
      o.error = e.status().message();
      return o;
    }
    if (*e == nullptr)
      break;
    o.times.push_back(EventTime(**e) * 1000 + static_cast<uint64_t>((*e)->body_type()));
  }
  o.read_ok = true;
  o.warnings = (*r)->warnings();  // with skip_damaged, Next() adds some
  o.damaged = (*r)->damaged_chunks();
  o.skipped = (*r)->skipped_events();
  return o;
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("small.strec");
    testing::WriteSampleTrace(path_, 200, 2 << 10);  // a few KiB in several chunks
    original_ = testing::ReadFileBytes(path_);
    Outcome o = ReadTrace(path_);
    ASSERT_TRUE(o.read_ok) << o.error;
    all_ = o.times;
    auto r = TraceReader::Open(path_);
    ASSERT_GE((*r)->chunks().size(), 4u);
  }
  // Writes the trace with chunk i's header changed by `edit` (its checksum kept right) and no
  // footer, so that the reader meets the header as it scans; returns the file's path, and the
  // header's offset in *at.
  std::string WithChunkHeader(size_t i,
                              const std::function<void(ChunkHeader*)>& edit,
                              uint64_t* at) {
    auto r = TraceReader::Open(path_);
    *at = r.ok() ? (*r)->chunks().at(i).offset : 0;
    auto bytes = original_;
    ChunkHeader h;
    EXPECT_TRUE(h.Decode(bytes.data() + *at));
    edit(&h);
    h.Encode(bytes.data() + *at);
    bytes.resize(bytes.size() - kTrailerSize);
    std::string bad = dir_.File("header" + std::to_string(i) + ".strec");
    testing::WriteFileBytes(bad, bytes);
    return bad;
  }
  testing::TempDir dir_;
  std::string path_;
  std::vector<uint8_t> original_;
  std::vector<uint64_t> all_;
};

TEST_F(CorruptionTest, TruncationAtEveryOffset) {
  std::string cut = dir_.File("cut.strec");
  size_t prefixes = 0, errors = 0;
  for (size_t len = 0; len < original_.size(); len++) {
    testing::WriteFileBytes(cut, {original_.begin(), original_.begin() + len});
    Outcome o = ReadTrace(cut);
    if (o.read_ok) {
      // A complete prefix of the events, and a warning that it is one.
      ASSERT_LE(o.times.size(), all_.size()) << "len " << len;
      ASSERT_TRUE(std::equal(o.times.begin(), o.times.end(), all_.begin())) << "len " << len;
      ASSERT_FALSE(o.warnings.empty()) << "truncated to " << len << " without a warning";
      prefixes++;
    } else {
      ASSERT_NE(o.error.find(cut), std::string::npos) << o.error;
      errors++;
    }
  }
  // Only a cut inside the file header or the header FlatBuffer is an error.
  EXPECT_GT(prefixes, original_.size() * 9 / 10);
  EXPECT_GT(errors, 0u);
}

TEST_F(CorruptionTest, RandomByteFlipsAreDetected) {
  std::string bad = dir_.File("flip.strec");
  std::mt19937 rng(12345);
  int detected = 0, survived = 0;
  for (int i = 0; i < 3000; i++) {
    auto bytes = original_;
    size_t at = rng() % bytes.size();
    bytes[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    testing::WriteFileBytes(bad, bytes);
    Outcome o = ReadTrace(bad);
    if (!o.read_ok) {
      ASSERT_NE(o.error.find(bad), std::string::npos) << o.error;
      bool names_place = o.error.find("offset") != std::string::npos ||
                         o.error.find("not a strec trace") != std::string::npos ||
                         o.error.find("newer strec") != std::string::npos ||
                         o.error.find("older strec") != std::string::npos;
      ASSERT_TRUE(names_place) << o.error;
      detected++;
    } else {
      // Only a damaged footer or trailer can be read around: every event, with a warning.
      ASSERT_EQ(o.times, all_) << "flip at " << at << " changed the events silently";
      ASSERT_FALSE(o.warnings.empty()) << "flip at " << at << " went unnoticed";
      survived++;
    }
  }
  EXPECT_GT(detected, 2000);
}

TEST_F(CorruptionTest, HostileLengthsDoNotAllocateOrHang) {
  // A chunk header claiming 4 GiB, with a valid header checksum, must be refused by the caps.
  uint64_t at;
  std::string bad = WithChunkHeader(
      1,
      [](ChunkHeader* h) {
        h->raw_len = 0xFFFFFFF0u;
        h->compressed_len = 0xFFFFFF00u;
      },
      &at);
  Outcome o = ReadTrace(bad);
  ASSERT_FALSE(o.read_ok);
  EXPECT_NE(o.error.find("offset " + std::to_string(at)), std::string::npos) << o.error;
}

// A chunk header whose event count (with a valid checksum) is more than its bytes can hold is
// refused before anything is reserved for the events (it made every tool die of bad_alloc).
TEST_F(CorruptionTest, AnEventCountBeyondTheChunkIsRefused) {
  uint64_t at;
  std::string bad = WithChunkHeader(
      0, [](ChunkHeader* h) { h->event_count = 0xFFFFFFFFu; }, &at);
  Outcome o = ReadTrace(bad);
  ASSERT_FALSE(o.read_ok);
  EXPECT_NE(o.error.find("offset " + std::to_string(at)), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("4294967295 events"), std::string::npos) << o.error;
}

// Writes a trace at `path` whose only chunk holds `events` (size-prefixed, 8-aligned: the
// decompressed bytes of a chunk) and no footer, with every checksum right. `count` events.
void WriteRawChunkTrace(const std::string& path, std::vector<uint8_t> events, uint32_t count) {
  std::string seed = path + ".seed";
  {
    auto w = TraceWriter::Create(seed, HeaderInfo::ForThisHost());
    ASSERT_TRUE(w.ok());
    (*w)->Add(LossRecord{7, 7, 1, 0, "x", 5'000'000'000});
    ASSERT_TRUE((*w)->Close().ok());
  }
  uint64_t at;
  {
    auto r = TraceReader::Open(seed);
    ASSERT_TRUE(r.ok());
    at = (*r)->chunks()[0].offset;
  }
  events.resize((events.size() + 7) & ~size_t{7});
  std::vector<uint8_t> compressed(ZSTD_compressBound(events.size()));
  compressed.resize(
      ZSTD_compress(compressed.data(), compressed.size(), events.data(), events.size(), 1));
  auto bytes = testing::ReadFileBytes(seed);
  ChunkHeader h;
  ASSERT_TRUE(h.Decode(bytes.data() + at));
  h.raw_len = static_cast<uint32_t>(events.size());
  h.compressed_len = static_cast<uint32_t>(compressed.size());
  h.event_count = count;
  h.payload_crc = Crc32c(compressed.data(), compressed.size());
  bytes.resize(at + kChunkHeaderSize);  // no footer: the reader scans
  h.Encode(bytes.data() + at);
  bytes.insert(bytes.end(), compressed.begin(), compressed.end());
  testing::WriteFileBytes(path, bytes);
}

// Found by events_fuzzer: an event whose body type is Syscall but which has no body passed the
// verifier (a union's type may stand alone) and crashed whatever read its fields.
TEST(CraftedEventTest, AnEventWithoutItsBodyIsRefused) {
  testing::TempDir dir;
  flatbuffers::FlatBufferBuilder fbb;
  fb::EventBuilder e(fbb);
  e.add_tid(7);
  e.add_pid(7);
  e.add_body_type(fb::Body::Syscall);
  fbb.FinishSizePrefixed(e.Finish());
  std::string bad = dir.File("nobody.strec");
  WriteRawChunkTrace(bad, {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()}, 1);
  for (bool skip : {false, true}) {
    auto r = TraceReader::Open(bad, {.skip_damaged = skip});
    ASSERT_TRUE(r.ok()) << r.status().message();
    auto ev = (*r)->Next();
    if (!skip) {
      ASSERT_FALSE(ev.ok());
      EXPECT_NE(ev.status().message().find("chunk event 0 has no body"), std::string::npos)
          << ev.status().message();
    } else {
      ASSERT_TRUE(ev.ok());
      EXPECT_EQ(*ev, nullptr);
      EXPECT_EQ((*r)->damaged_chunks(), 1u);
    }
  }
}

// An event crafted so that a Loss's time shares its bytes with the length of its reason string:
// each field passes the FlatBuffers verifier (which does not look for overlaps), and restoring
// the time in place made the string gigabytes long (replay, --json and analyze --by file read
// it and crashed). What is read after the times are restored is verified again.
TEST(CraftedEventTest, ATimeThatOverlapsALengthIsRefused) {
  testing::TempDir dir;
  // The event, after its 4-byte size prefix (offsets from there; the u64 at 60 is 8-aligned in
  // the buffer that begins with the prefix).
  std::vector<uint8_t> b(72, 0);
  auto u16 = [&](size_t o, uint16_t v) { std::memcpy(&b[o], &v, 2); };
  auto u32 = [&](size_t o, uint32_t v) { std::memcpy(&b[o], &v, 4); };
  u32(0, 16);                                                     // root: Event at 16
  for (uint16_t i = 0, v[] = {12, 20, 4, 8, 12, 16}; i < 6; i++)  // Event's vtable at 4
    u16(4 + 2 * i, v[i]);
  u32(16, 12);  // -> vtable at 4
  u32(20, 7);   // tid
  u32(24, 7);   // pid
  b[28] = static_cast<uint8_t>(fb::Body::Loss);
  u32(32, 20);                                                  // body: Loss at 52
  for (uint16_t i = 0, v[] = {12, 16, 0, 0, 4, 8}; i < 6; i++)  // Loss's vtable at 40
    u16(40 + 2 * i, v[i]);
  u32(52, 12);                     // -> vtable at 40
  u32(56, 4);                      // reason: the string at 60
  u32(60, 4);                      // time_ns's low half: its length
  std::memcpy(&b[64], "abcd", 4);  // and its high half: the text
  std::vector<uint8_t> raw(4);
  uint32_t size = static_cast<uint32_t>(b.size());
  std::memcpy(raw.data(), &size, 4);
  raw.insert(raw.end(), b.begin(), b.end());
  std::string bad = dir.File("crafted.strec");
  WriteRawChunkTrace(bad, raw, 1);

  auto r = TraceReader::Open(bad);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto e = (*r)->Next();
  ASSERT_FALSE(e.ok()) << "read as " << ((*e)->body_as_Loss()->reason()->size()) << " bytes";
  EXPECT_NE(e.status().message().find("not valid once its times are restored"), std::string::npos)
      << e.status().message();
  EXPECT_NE(e.status().message().find(bad), std::string::npos) << e.status().message();
}

// The events of `all` but those of chunk `skip` (the chunks' event counts say which those are).
std::vector<uint64_t> Without(const std::vector<uint64_t>& all,
                              const std::vector<ChunkInfo>& chunks,
                              size_t skip) {
  std::vector<uint64_t> out;
  size_t at = 0;
  for (size_t c = 0; c < chunks.size(); c++) {
    for (uint32_t e = 0; e < chunks[c].event_count; e++, at++)
      if (c != skip)
        out.push_back(all[at]);
  }
  return out;
}

// One damaged chunk costs its own events only: with skip_damaged the others are read, and the
// loss is said with the offset and the count (without it, reading stops there with an error).
TEST_F(CorruptionTest, ADamagedChunkIsSkippedAndTheRestRead) {
  auto r = TraceReader::Open(path_);
  ASSERT_TRUE(r.ok());
  std::vector<ChunkInfo> chunks = (*r)->chunks();
  auto bytes = original_;
  bytes[chunks[1].offset + kChunkHeaderSize + 5] ^= 0x40;  // in chunk 1's compressed events
  std::string bad = dir_.File("one.strec");
  testing::WriteFileBytes(bad, bytes);
  Outcome strict = ReadTrace(bad);
  EXPECT_FALSE(strict.read_ok);
  Outcome o = ReadTrace(bad, {.skip_damaged = true});
  ASSERT_TRUE(o.read_ok) << o.error;
  EXPECT_EQ(o.times, Without(all_, chunks, 1));
  EXPECT_EQ(o.damaged, 1u);
  EXPECT_EQ(o.skipped, chunks[1].event_count);
  ASSERT_FALSE(o.warnings.empty());
  EXPECT_NE(o.warnings.back().find("offset " + std::to_string(chunks[1].offset + kChunkHeaderSize)),
            std::string::npos)
      << o.warnings.back();
  EXPECT_NE(o.warnings.back().find(std::to_string(chunks[1].event_count) + " events lost"),
            std::string::npos)
      << o.warnings.back();
}

// Without an index (the footer is gone) a chunk whose header is damaged is passed over: the
// next chunk is found by its magic and checksum.
TEST_F(CorruptionTest, WithoutAFooterTheChunksAfterADamagedHeaderAreFound) {
  auto r = TraceReader::Open(path_);
  ASSERT_TRUE(r.ok());
  std::vector<ChunkInfo> chunks = (*r)->chunks();
  auto bytes = original_;
  bytes.resize(bytes.size() - kTrailerSize);
  bytes[chunks[1].offset + 10] ^= 0x01;  // chunk 1's header
  std::string bad = dir_.File("header.strec");
  testing::WriteFileBytes(bad, bytes);
  EXPECT_FALSE(ReadTrace(bad).open_ok);
  Outcome o = ReadTrace(bad, {.skip_damaged = true});
  ASSERT_TRUE(o.read_ok) << o.error;
  EXPECT_EQ(o.times, Without(all_, chunks, 1));
  EXPECT_EQ(o.damaged, 1u);
  bool said = false;
  for (const std::string& w : o.warnings)
    said |=
        w.find("offset " + std::to_string(chunks[1].offset)) != std::string::npos &&
        w.find("up to chunk 2 at offset " + std::to_string(chunks[2].offset)) != std::string::npos;
  EXPECT_TRUE(said) << ::testing::PrintToString(o.warnings);
}

// Chunks cut out of a file whose footer is intact (a block lost in a copy): the index no longer
// matches, so the chunks are scanned, and the footer, which still verifies, says which chunks
// are missing and how many events they held, the last one included (no later chunk shows it).
TEST_F(CorruptionTest, ChunksCutOutAreComparedWithTheFooter) {
  auto r = TraceReader::Open(path_);
  ASSERT_TRUE(r.ok());
  std::vector<ChunkInfo> chunks = (*r)->chunks();
  for (size_t cut : {chunks.size() - 1, size_t{2}}) {
    SCOPED_TRACE("chunk " + std::to_string(cut) + " cut out");
    auto bytes = original_;
    uint64_t from = chunks[cut].offset;
    uint64_t to = from + kChunkHeaderSize + chunks[cut].compressed_len;
    bytes.erase(bytes.begin() + static_cast<ptrdiff_t>(from),
                bytes.begin() + static_cast<ptrdiff_t>(to));
    std::string bad = dir_.File("cut" + std::to_string(cut) + ".strec");
    testing::WriteFileBytes(bad, bytes);
    std::string lost = "1 of them not in the file (" + std::to_string(cut) + "): their " +
                       std::to_string(chunks[cut].event_count) + " events lost";
    Outcome strict = ReadTrace(bad);
    EXPECT_FALSE(strict.read_ok);
    if (cut == chunks.size() - 1) {  // nothing else shows it
      EXPECT_NE(strict.error.find(lost), std::string::npos) << strict.error;
    }
    Outcome o = ReadTrace(bad, {.skip_damaged = true});
    ASSERT_TRUE(o.read_ok) << o.error;
    EXPECT_EQ(o.times, Without(all_, chunks, cut));
    EXPECT_EQ(o.damaged, 1u);
    EXPECT_EQ(o.skipped, chunks[cut].event_count);
    bool said = false;
    for (const std::string& w : o.warnings)
      said |= w.find(lost) != std::string::npos;
    EXPECT_TRUE(said) << ::testing::PrintToString(o.warnings);
  }
}

// Random flips with skip_damaged: never a crash, never an event changed silently; what is read
// is the file's events in order, minus whole chunks, each loss said.
TEST_F(CorruptionTest, RandomByteFlipsWhenSkippingLoseOnlyWholeChunks) {
  std::string bad = dir_.File("flip.strec");
  std::mt19937 rng(54321);
  for (int i = 0; i < 1500; i++) {
    auto bytes = original_;
    size_t at = rng() % bytes.size();
    bytes[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    testing::WriteFileBytes(bad, bytes);
    Outcome o = ReadTrace(bad, {.skip_damaged = true});
    if (!o.open_ok)
      continue;  // the file header: nothing to read around
    ASSERT_TRUE(o.read_ok) << "flip at " << at << ": " << o.error;
    // A subsequence of the file's events, in order.
    size_t k = 0;
    for (size_t j = 0; j < all_.size() && k < o.times.size(); j++)
      k += all_[j] == o.times[k];
    ASSERT_EQ(k, o.times.size()) << "flip at " << at << " changed events";
    if (o.times.size() < all_.size()) {
      ASSERT_GT(o.damaged, 0u) << "flip at " << at << " lost events silently";
    }
  }
}

}  // namespace
}  // namespace strec::format

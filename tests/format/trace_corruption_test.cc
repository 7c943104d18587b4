// Hostile input: truncation at every byte offset and random byte flips must give either the
// complete prefix with a warning or a clear error naming the file and the offset; never a crash.
#include <gtest/gtest.h>

#include <random>

#include "format/trace_builder.h"
#include "strec/format/container.h"
#include "strec/format/trace_reader.h"

namespace strec::format {
namespace {

struct Outcome {
  bool open_ok = false;
  bool read_ok = false;
  std::string error;
  std::vector<std::string> warnings;
  std::vector<uint64_t> times;  // the events that were read
};

Outcome ReadTrace(const std::string& path) {
  Outcome o;
  auto r = TraceReader::Open(path);
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
  auto r = TraceReader::Open(path_);
  ASSERT_TRUE(r.ok());
  uint64_t at = (*r)->chunks()[1].offset;
  auto bytes = original_;
  ChunkHeader h;
  ASSERT_TRUE(h.Decode(bytes.data() + at));
  h.raw_len = 0xFFFFFFF0u;
  h.compressed_len = 0xFFFFFF00u;
  h.Encode(bytes.data() + at);
  // Drop the footer so the reader must scan and meet the header.
  bytes.resize(bytes.size() - kTrailerSize);
  std::string bad = dir_.File("huge.strec");
  testing::WriteFileBytes(bad, bytes);
  Outcome o = ReadTrace(bad);
  ASSERT_FALSE(o.read_ok);
  EXPECT_NE(o.error.find("offset " + std::to_string(at)), std::string::npos) << o.error;
}

// A chunk header whose event count (with a valid checksum) is more than its bytes can hold is
// refused before anything is reserved for the events (it made every tool die of bad_alloc).
TEST_F(CorruptionTest, AnEventCountBeyondTheChunkIsRefused) {
  auto r = TraceReader::Open(path_);
  ASSERT_TRUE(r.ok());
  uint64_t at = (*r)->chunks()[0].offset;
  auto bytes = original_;
  ChunkHeader h;
  ASSERT_TRUE(h.Decode(bytes.data() + at));
  h.event_count = 0xFFFFFFFFu;
  h.Encode(bytes.data() + at);
  bytes.resize(bytes.size() - kTrailerSize);  // no footer: the header is all the reader has
  std::string bad = dir_.File("count.strec");
  testing::WriteFileBytes(bad, bytes);
  Outcome o = ReadTrace(bad);
  ASSERT_FALSE(o.read_ok);
  EXPECT_NE(o.error.find("offset " + std::to_string(at)), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("4294967295 events"), std::string::npos) << o.error;
}

}  // namespace
}  // namespace strec::format

// TraceReader: reads a .strec file written by TraceWriter.
//
// Open() checks the file header and loads the chunk index from the footer; a file without a
// footer (the recorder was killed) is scanned chunk by chunk, and the scan stops with a warning
// at the first incomplete chunk. Every chunk is verified before use (header CRC, payload CRC,
// zstd, flatbuffers::Verifier); any corruption is an error that names the file and the byte
// offset, unless ReadOptions::skip_damaged: then a damaged chunk is skipped with a warning that
// names its offset and the events it held, and the chunks after it are read (found by their
// magic and checksum when there is no index to trust). Lengths are checked against the file
// size before anything is allocated.
//
// ReadChunk() is const and thread-safe (pread, caller-owned output), so chunks can be decoded
// in parallel; Next()/SeekTime() iterate on one thread.
#ifndef STREC_FORMAT_TRACE_READER_H_
#define STREC_FORMAT_TRACE_READER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "strec/format/container.h"
#include "strec/format/event.h"
#include "strec/format/status.h"

namespace strec::format {

struct ChunkInfo {
  uint64_t offset = 0;    // of the chunk header (in its part's file)
  uint32_t sequence = 0;  // its number in the file (those of damaged chunks are missing)
  uint64_t first_ns = 0, last_ns = 0;
  uint32_t event_count = 0;
  uint32_t compressed_len = 0;
  uint32_t raw_len = 0;
  uint32_t part = 0;   // OpenParts: the part (index into the files given) that holds it
  uint32_t local = 0;  // OpenParts: its index among that part's chunks
};

// A decompressed, verified chunk. Holds the bytes the events point into.
class DecodedChunk {
 public:
  size_t size() const { return events_.size(); }
  const fb::Event* event(size_t i) const { return events_[i]; }
  size_t raw_size() const { return raw_size_; }  // bytes of the decompressed events
  // Those bytes (times restored), e.g. to check what a trace holds.
  std::span<const uint8_t> raw() const {
    return {reinterpret_cast<const uint8_t*>(storage_.get()), raw_size_};
  }

 private:
  friend class TraceReader;
  std::unique_ptr<uint64_t[]> storage_;  // 8-byte aligned for FlatBuffers
  size_t capacity_ = 0;
  size_t raw_size_ = 0;
  std::vector<const fb::Event*> events_;  // into storage_
};

struct ReadOptions {
  // Skip damaged chunks (each with a warning) instead of failing at the first: the chunks are
  // independent, and one flipped bit should not cost the rest of a long recording.
  bool skip_damaged = false;
};

class TraceReader {
 public:
  static StatusOr<std::unique_ptr<TraceReader>> Open(const std::string& path,
                                                     const ReadOptions& options = {});
  // The files of one rotated recording (PATH.0001.strec, ...; in any order) read as one trace:
  // their chunks in order, the first part's header. Files of another recording are refused; a
  // missing part between two given ones is a warning (the events of its span are lost). One
  // path is Open(path).
  static StatusOr<std::unique_ptr<TraceReader>> OpenParts(const std::vector<std::string>& paths,
                                                          const ReadOptions& options = {});
  // The same over files already open (each part's warnings and counts carried over).
  static StatusOr<std::unique_ptr<TraceReader>> Join(
      std::vector<std::unique_ptr<TraceReader>> parts,
      const ReadOptions& options = {});
  // Groups open traces into recordings: the parts of a rotated recording together, in part
  // order (for Join); any other trace alone. A reader opens each file once.
  static std::vector<std::vector<std::unique_ptr<TraceReader>>> GroupRecordings(
      std::vector<std::unique_ptr<TraceReader>> readers);
  ~TraceReader();

  const std::string& path() const { return path_; }
  uint16_t major_version() const { return major_; }
  uint16_t minor_version() const { return minor_; }
  const fb::Header& header() const { return parts_.empty() ? *header_ : parts_[0]->header(); }
  // nullptr when the file has no (valid) footer.
  const fb::Footer* footer() const { return footer_; }
  const std::vector<ChunkInfo>& chunks() const { return chunks_; }
  uint64_t file_size() const { return file_size_; }
  // Things the user should know that did not stop reading (e.g. "no footer"), each naming the
  // file; with skip_damaged, Next() adds one per chunk it skips.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // With skip_damaged: the chunks skipped so far, and the events they held as far as known (a
  // chunk whose header is damaged too counts none).
  uint64_t damaged_chunks() const { return damaged_chunks_; }
  uint64_t skipped_events() const { return skipped_events_; }

  // Reads, verifies and decompresses chunk i into *out (reusing its memory).
  Status ReadChunk(size_t i, DecodedChunk* out) const;
  // What to warn when chunk i could not be read (why) and is left out: its offset (in why),
  // its number and the events it held. Next() says it with skip_damaged; a caller of
  // ReadChunk() that leaves a chunk out says the same.
  std::string SkippedChunkWarning(size_t i, const Status& why) const;

  // Sequential iteration. Returns nullptr at the end. The pointer stays valid until the next
  // call to Next() or SeekTime(). While the caller works through a chunk, the next one is read,
  // verified and decompressed on another thread.
  StatusOr<const fb::Event*> Next();
  // Positions Next() at the first event whose time is >= time_ns (monotonic clock).
  Status SeekTime(uint64_t time_ns);

 private:
  TraceReader() = default;
  Status LoadFooter();
  // Reads and verifies the footer at foff (flen bytes with its header; 0: as its header says).
  // A footer that verifies is kept in listed_ even if its index turns out not to match.
  StatusOr<const fb::Footer*> ReadFooter(uint64_t foff, uint32_t flen);
  Status ScanChunks(uint64_t first_chunk_offset);
  // After a scan: the chunks and events found against a footer that verified but could not be
  // used (listed_): what is missing is an error, or with skip_damaged a warning and the counts.
  Status CompareWithFooter();
  // skip_damaged: the offset of the next valid chunk header after `from` whose sequence is at
  // least `sequence`, or the file's size when there is none.
  uint64_t FindChunk(uint64_t from, uint32_t sequence, ChunkHeader* header) const;
  // skip_damaged: notes chunk i, which could not be read (why), as skipped.
  void SkipChunk(size_t i, const Status& why);
  Status Error(uint64_t offset, const std::string& what) const;
  static void RestoreTimes(uint64_t first_ns, DecodedChunk* chunk);

  std::string path_;
  int fd_ = -1;
  // OpenParts: the parts, whose chunks this reader's chunks_ list (ChunkInfo::part, local).
  std::vector<std::unique_ptr<TraceReader>> parts_;
  uint64_t file_size_ = 0;
  uint16_t major_ = 0, minor_ = 0;
  std::vector<uint8_t> header_bytes_;
  const fb::Header* header_ = nullptr;
  std::unique_ptr<uint64_t[]> footer_bytes_;
  const fb::Footer* footer_ = nullptr;
  const fb::Footer* listed_ = nullptr;  // a footer that verified, trusted or not
  uint64_t listed_offset_ = 0;
  std::vector<ChunkInfo> chunks_;
  std::vector<std::string> warnings_;
  ReadOptions options_;
  uint64_t damaged_chunks_ = 0, skipped_events_ = 0;

  // Starts reading chunk i into ahead_ on the prefetch thread.
  void Prefetch(size_t i);
  // Waits for the prefetch in flight and returns how it went.
  Status WaitPrefetch();
  // Waits for a prefetch in flight, if any, and forgets it.
  void DropPrefetch();
  void PrefetchLoop();

  size_t next_chunk_ = 0;
  size_t next_event_ = 0;
  DecodedChunk current_;
  DecodedChunk ahead_;                // chunk prefetch_index_, being read
  size_t prefetch_index_ = SIZE_MAX;  // SIZE_MAX: none in flight
  // One long-lived prefetch thread, started by the first Prefetch(): a thread per chunk
  // would also set up a zstd context and buffers per chunk (they are thread_local).
  std::thread prefetcher_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t requested_ = SIZE_MAX;  // the chunk the thread is to read next
  bool prefetched_ = false;      // the request is done; its status is in prefetch_status_
  bool stopping_ = false;
  Status prefetch_status_;
};

}  // namespace strec::format

#endif  // STREC_FORMAT_TRACE_READER_H_

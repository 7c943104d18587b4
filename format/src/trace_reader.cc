#include "strec/format/trace_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>

#include "strec/format/container.h"
#include "strec/format/io.h"
#include "time_delta.h"

namespace strec::format {
namespace {

std::string Num(uint64_t v) {
  return std::to_string(v);
}

// Verifier caps for a chunk of `len` bytes: every table takes at least 4 bytes.
flatbuffers::Verifier MakeVerifier(const uint8_t* buf, size_t len) {
  return flatbuffers::Verifier(buf, len, /*max_depth=*/16,
                               /*max_tables=*/static_cast<flatbuffers::uoffset_t>(len / 4 + 16));
}

}  // namespace

uint64_t WallClockNs(uint64_t realtime_ns, uint64_t monotonic_ns, uint64_t time_ns) {
  if (time_ns >= monotonic_ns) {
    uint64_t after = time_ns - monotonic_ns;
    return after > UINT64_MAX - realtime_ns ? UINT64_MAX : realtime_ns + after;
  }
  uint64_t before = monotonic_ns - time_ns;
  return before > realtime_ns ? 0 : realtime_ns - before;
}

uint64_t EventTime(const fb::Event& e) {
  switch (e.body_type()) {
    case fb::Body::Syscall: {
      const auto* s = e.body_as_Syscall();
      return s->phase() == fb::SyscallPhase::Entry ? s->entry_ns() : s->exit_ns();
    }
    case fb::Body::Spawn:
      return e.body_as_Spawn()->time_ns();
    case fb::Body::Exec:
      return e.body_as_Exec()->time_ns();
    case fb::Body::Exit:
      return e.body_as_Exit()->time_ns();
    case fb::Body::Signal:
      return e.body_as_Signal()->time_ns();
    case fb::Body::Detach:
      return e.body_as_Detach()->time_ns();
    case fb::Body::FdSnapshot:
      return e.body_as_FdSnapshot()->time_ns();
    case fb::Body::Loss:
      return e.body_as_Loss()->time_ns();
    case fb::Body::PidNs:
      return e.body_as_PidNs()->time_ns();
    default:
      return 0;
  }
}

TraceReader::~TraceReader() {
  DropPrefetch();
  if (prefetcher_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    prefetcher_.join();
  }
  if (fd_ >= 0)
    close(fd_);
}

Status TraceReader::Error(uint64_t offset, const std::string& what) const {
  return DataLoss(path_ + ": offset " + Num(offset) + ": " + what);
}

StatusOr<std::unique_ptr<TraceReader>> TraceReader::Open(const std::string& path,
                                                         const ReadOptions& options) {
  std::unique_ptr<TraceReader> r(new TraceReader());
  r->path_ = path;
  r->options_ = options;
  r->fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0)
    return ErrnoStatus("cannot open " + path, errno);
  struct stat st;
  if (fstat(r->fd_, &st) != 0)
    return ErrnoStatus("cannot stat " + path, errno);
  if (S_ISDIR(st.st_mode))
    return InvalidArgument(path + ": is a directory, not a trace");
  r->file_size_ = static_cast<uint64_t>(st.st_size);

  uint8_t fh[kFileHeaderSize];
  if (r->file_size_ < kFileHeaderSize)
    return InvalidArgument(path + ": not a strec trace (" + Num(r->file_size_) +
                           " bytes, shorter than a file header)");
  RETURN_IF_ERROR(ReadAt(r->fd_, fh, sizeof fh, 0));
  if (std::memcmp(fh, kFileMagic, sizeof kFileMagic) != 0)
    return InvalidArgument(path + ": not a strec trace (no STRECTRC magic at offset 0)");
  if (GetU32(fh + 20) != Crc32c(fh, 20))
    return r->Error(0, "file header checksum mismatch");
  r->major_ = GetU16(fh + 8);
  r->minor_ = GetU16(fh + 10);
  if (r->major_ > kFormatMajor)
    return Unimplemented(path + ": written in trace format " + Num(r->major_) + "." +
                         Num(r->minor_) + " by a newer strec; this strec reads format " +
                         Num(kFormatMajor) + ".x: upgrade strec to read it");
  if (r->major_ < kOldestMajor)
    return Unimplemented(path + ": written in trace format " + Num(r->major_) + "." +
                         Num(r->minor_) + " by an older strec; this strec reads formats " +
                         Num(kOldestMajor) + " to " + Num(kFormatMajor));
  uint32_t header_len = GetU32(fh + 12);
  if (header_len > kMaxHeaderLen || kFileHeaderSize + header_len > r->file_size_)
    return r->Error(12, "header length " + Num(header_len) + " exceeds the file");
  r->header_bytes_.resize(header_len);
  RETURN_IF_ERROR(ReadAt(r->fd_, r->header_bytes_.data(), header_len, kFileHeaderSize));
  if (Crc32c(r->header_bytes_.data(), header_len) != GetU32(fh + 16))
    return r->Error(kFileHeaderSize, "header checksum mismatch");
  {
    auto v = MakeVerifier(r->header_bytes_.data(), header_len);
    if (!v.VerifyBuffer<fb::Header>(nullptr))
      return r->Error(kFileHeaderSize, "header is not a valid FlatBuffer");
  }
  r->header_ = flatbuffers::GetRoot<fb::Header>(r->header_bytes_.data());

  uint64_t first_chunk = kFileHeaderSize + header_len;
  Status footer = r->LoadFooter();
  if (!footer.ok()) {
    std::string why = footer.message();
    if (why.rfind(path + ": ", 0) != 0)
      why = path + ": " + why;  // every warning names the file
    r->warnings_.push_back(why + "; scanning chunks instead");
    r->chunks_.clear();
    RETURN_IF_ERROR(r->ScanChunks(first_chunk));
    RETURN_IF_ERROR(r->CompareWithFooter());
  }
  return r;
}

namespace {

// What makes the parts of one recording: its start, as its recorder took it.
bool SameRecording(const fb::Header& a, const fb::Header& b) {
  return a.recorder_pid() == b.recorder_pid() && a.realtime_ns() == b.realtime_ns() &&
         a.monotonic_ns() == b.monotonic_ns();
}

}  // namespace

StatusOr<std::unique_ptr<TraceReader>> TraceReader::OpenParts(const std::vector<std::string>& paths,
                                                              const ReadOptions& options) {
  if (paths.size() == 1)
    return Open(paths[0], options);
  if (paths.empty())
    return InvalidArgument("no trace files");
  std::vector<std::unique_ptr<TraceReader>> parts;
  for (const std::string& p : paths) {
    ASSIGN_OR_RETURN(auto part, Open(p, options));
    parts.push_back(std::move(part));
  }
  return Join(std::move(parts), options);
}

StatusOr<std::unique_ptr<TraceReader>> TraceReader::Join(
    std::vector<std::unique_ptr<TraceReader>> parts,
    const ReadOptions& options) {
  if (parts.size() == 1)
    return std::move(parts[0]);
  if (parts.empty())
    return InvalidArgument("no trace files");
  std::unique_ptr<TraceReader> r(new TraceReader());
  r->options_ = options;
  for (auto& part : parts) {
    if (part->header().part() == 0)
      return InvalidArgument(part->path() + ": not a part of a rotated recording: give it alone");
    if (!r->parts_.empty() && !SameRecording(r->parts_[0]->header(), part->header()))
      return InvalidArgument(part->path() + ": part of another recording than " +
                             r->parts_[0]->path() + " (give each recording on its own)");
    r->parts_.push_back(std::move(part));
  }
  std::sort(r->parts_.begin(), r->parts_.end(),
            [](const auto& a, const auto& b) { return a->header().part() < b->header().part(); });
  r->path_ = r->parts_[0]->path();
  r->major_ = r->parts_[0]->major_version();
  r->minor_ = r->parts_[0]->minor_version();
  for (size_t k = 0; k < r->parts_.size(); k++) {
    const TraceReader& part = *r->parts_[k];
    uint32_t n = part.header().part();
    if (k > 0) {
      uint32_t prev = r->parts_[k - 1]->header().part();
      if (n == prev)
        return InvalidArgument(part.path() + ": part " + Num(n) + " given twice (also " +
                               r->parts_[k - 1]->path() + ")");
      if (n != prev + 1)
        r->warnings_.push_back(part.path() + ": part " + Num(n) + " follows part " + Num(prev) +
                               ": the events of the parts between are not here");
    }
    r->warnings_.insert(r->warnings_.end(), part.warnings().begin(), part.warnings().end());
    r->damaged_chunks_ += part.damaged_chunks();
    r->skipped_events_ += part.skipped_events();
    r->file_size_ += part.file_size();
    for (size_t c = 0; c < part.chunks().size(); c++) {
      ChunkInfo info = part.chunks()[c];
      info.part = static_cast<uint32_t>(k);
      info.local = static_cast<uint32_t>(c);
      r->chunks_.push_back(info);
    }
  }
  return r;
}

std::vector<std::vector<std::unique_ptr<TraceReader>>> TraceReader::GroupRecordings(
    std::vector<std::unique_ptr<TraceReader>> readers) {
  std::vector<std::vector<std::unique_ptr<TraceReader>>> groups;
  for (auto& r : readers) {
    auto same = std::find_if(groups.begin(), groups.end(), [&r](const auto& g) {
      return r->header().part() > 0 && g[0]->header().part() > 0 &&
             SameRecording(g[0]->header(), r->header());
    });
    if (same == groups.end()) {
      groups.emplace_back();
      same = groups.end() - 1;
    }
    same->push_back(std::move(r));
  }
  for (auto& g : groups)
    std::stable_sort(g.begin(), g.end(), [](const auto& a, const auto& b) {
      return a->header().part() < b->header().part();
    });
  return groups;
}

Status TraceReader::LoadFooter() {
  uint64_t first_chunk = kFileHeaderSize + header_bytes_.size();
  const char* kNoFooter = "no index footer (the recording did not end cleanly)";
  if (file_size_ < first_chunk + kTrailerSize + kFooterHeaderSize)
    return DataLoss(kNoFooter);
  uint8_t t[kTrailerSize];
  uint64_t toff = file_size_ - kTrailerSize;
  RETURN_IF_ERROR(ReadAt(fd_, t, sizeof t, toff));
  if (std::memcmp(t + 16, kTrailerMagic, 8) != 0)
    return DataLoss(kNoFooter);
  if (GetU32(t + 12) != Crc32c(t, 12))
    return Error(toff, "trailer checksum mismatch");
  uint64_t foff = GetU64(t);
  uint32_t flen = GetU32(t + 8);
  if (flen < kFooterHeaderSize || flen > kMaxFooterLen || foff < first_chunk || foff + flen != toff)
    return Error(toff, "trailer points outside the file");
  ASSIGN_OR_RETURN(const fb::Footer* footer, ReadFooter(foff, flen));
  uint64_t expect = first_chunk;
  if (footer->chunks()) {
    for (const fb::ChunkRef* c : *footer->chunks()) {
      if (c->offset() != expect || c->stored_len() < kChunkHeaderSize ||
          c->offset() + c->stored_len() > foff)
        return Error(foff, "footer index entry " + Num(chunks_.size()) + " is inconsistent");
      chunks_.push_back({c->offset(), static_cast<uint32_t>(chunks_.size()), c->first_ns(),
                         c->last_ns(), c->event_count(),
                         c->stored_len() - static_cast<uint32_t>(kChunkHeaderSize), 0});
      expect = c->offset() + c->stored_len();
    }
  }
  if (expect != foff)
    return Error(foff, "footer index does not cover the chunks");
  footer_ = footer;
  return OkStatus();
}

StatusOr<const fb::Footer*> TraceReader::ReadFooter(uint64_t foff, uint32_t flen) {
  uint8_t fh[kFooterHeaderSize];
  if (foff + kFooterHeaderSize > file_size_)
    return Error(foff, "incomplete footer");
  RETURN_IF_ERROR(ReadAt(fd_, fh, sizeof fh, foff));
  uint32_t body_len = GetU32(fh + 4);
  if (!flen && body_len <= kMaxFooterLen)
    flen = body_len + kFooterHeaderSize;  // found by a scan: its header says
  if (GetU32(fh) != kFooterMagic || body_len != flen - kFooterHeaderSize || GetU32(fh + 12) != 0 ||
      foff + flen > file_size_)
    return Error(foff, "bad footer header");
  footer_bytes_.reset(new uint64_t[body_len / 8 + 1]);
  auto* body = reinterpret_cast<uint8_t*>(footer_bytes_.get());
  RETURN_IF_ERROR(ReadAt(fd_, body, body_len, foff + kFooterHeaderSize));
  if (Crc32c(body, body_len) != GetU32(fh + 8))
    return Error(foff, "footer checksum mismatch");
  auto v = MakeVerifier(body, body_len);
  if (!v.VerifyBuffer<fb::Footer>(nullptr))
    return Error(foff, "footer is not a valid FlatBuffer");
  listed_ = flatbuffers::GetRoot<fb::Footer>(body);
  listed_offset_ = foff;
  return listed_;
}

Status TraceReader::CompareWithFooter() {
  if (!listed_ || !listed_->chunks())
    return OkStatus();
  // The footer's chunks are numbered 0..N-1, as their headers' sequence numbers: those the scan
  // did not find are missing, with the events the footer counted for them.
  std::vector<bool> found(listed_->chunks()->size());
  for (const ChunkInfo& c : chunks_)
    if (c.sequence < found.size())
      found[c.sequence] = true;
  uint64_t missing = 0, events = 0;
  std::string which;
  for (size_t i = 0; i < found.size(); i++) {
    if (found[i])
      continue;
    events += listed_->chunks()->Get(static_cast<flatbuffers::uoffset_t>(i))->event_count();
    if (missing++ < 8)
      which += (which.empty() ? "" : ", ") + Num(i);
    else if (missing == 9)
      which += ", ...";
  }
  if (!missing)
    return OkStatus();
  std::string what = "the footer lists " + Num(found.size()) + " chunks, " + Num(missing) +
                     " of them not in the file (" + which + "): their " + Num(events) +
                     " events lost";
  if (!options_.skip_damaged)
    return Error(listed_offset_, what);
  // Exact where the scan could only say "chunks there": it replaces the scan's count.
  damaged_chunks_ = missing;
  skipped_events_ = events;
  warnings_.push_back(Error(listed_offset_, what).message());
  return OkStatus();
}

Status TraceReader::ScanChunks(uint64_t off) {
  uint32_t sequence = 0;  // the next chunk's
  for (;;) {
    if (off == file_size_)
      return OkStatus();
    uint64_t left = file_size_ - off;
    uint8_t h[kChunkHeaderSize];
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, kChunkHeaderSize));
    RETURN_IF_ERROR(ReadAt(fd_, h, n, off));
    if (n >= 4 && GetU32(h) == kFooterMagic) {
      // A footer whose trailer is missing or bad: the chunks before it are complete, and the
      // footer, if it holds, says whether they are all (CompareWithFooter).
      if (!listed_)
        (void)ReadFooter(off, 0);
      return OkStatus();
    }
    if (n < kChunkHeaderSize) {
      warnings_.push_back(
          Error(off, "incomplete chunk (" + Num(left) + " bytes): stopped there").message());
      return OkStatus();
    }
    ChunkHeader ch;
    std::string bad;
    if (!ch.Decode(h))
      bad = GetU32(h) == kChunkMagic ? "chunk header checksum mismatch" : "expected a chunk header";
    else if (ch.raw_len > kMaxChunkRawLen || ch.compressed_len > ZSTD_compressBound(ch.raw_len))
      bad = "chunk lengths exceed the format's caps";
    else if (ch.sequence > sequence && options_.skip_damaged) {
      // A sound chunk after a gap (chunks cut out of the file): it is read, the gap is said.
      damaged_chunks_ += ch.sequence - sequence;
      warnings_.push_back(Error(off, "chunk " + Num(ch.sequence) + " follows chunk " +
                                         (sequence ? Num(sequence - 1) : std::string("none")))
                              .message() +
                          ": " + Num(ch.sequence - sequence) +
                          " chunks missing, their events lost");
      sequence = ch.sequence;
    } else if (ch.sequence != sequence)
      bad = "chunk sequence " + Num(ch.sequence) + ", expected " + Num(sequence);
    if (!bad.empty()) {
      if (!options_.skip_damaged)
        return Error(off, bad);
      // Damaged: the next chunk is found by its magic and checksum.
      uint64_t next = FindChunk(off + 1, sequence, &ch);
      damaged_chunks_++;
      warnings_.push_back(
          Error(off, bad).message() + ": skipped " + Num(next - off) + " bytes" +
          (next < file_size_ ? ", up to chunk " + Num(ch.sequence) + " at offset " + Num(next)
                             : ", to the end of the file") +
          " (" + (next < file_size_ ? Num(ch.sequence - sequence) : std::string("all the")) +
          " chunks there, their events lost)");
      if (next >= file_size_)
        return OkStatus();
      off = next;
      left = file_size_ - off;
      sequence = ch.sequence;
    }
    if (kChunkHeaderSize + uint64_t{ch.compressed_len} > left) {
      warnings_.push_back(Error(off, "incomplete chunk (" + Num(left) + " of " +
                                         Num(kChunkHeaderSize + ch.compressed_len) +
                                         " bytes): stopped there, its " + Num(ch.event_count) +
                                         " events lost")
                              .message());
      return OkStatus();
    }
    chunks_.push_back(
        {off, ch.sequence, ch.first_ns, ch.last_ns, ch.event_count, ch.compressed_len, ch.raw_len});
    off += kChunkHeaderSize + ch.compressed_len;
    sequence = ch.sequence + 1;
  }
}

uint64_t TraceReader::FindChunk(uint64_t from, uint32_t sequence, ChunkHeader* header) const {
  std::vector<uint8_t> buf(1 << 16);
  uint8_t magic[4];
  PutU32(magic, kChunkMagic);
  for (uint64_t at = from; at + kChunkHeaderSize <= file_size_;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), file_size_ - at));
    if (!ReadAt(fd_, buf.data(), n, at).ok())
      return file_size_;
    for (size_t k = 0; k + kChunkHeaderSize <= n; k++) {
      if (std::memcmp(&buf[k], magic, 4) != 0)
        continue;
      ChunkHeader ch;
      if (ch.Decode(&buf[k]) && ch.sequence >= sequence && ch.raw_len <= kMaxChunkRawLen &&
          ch.compressed_len <= ZSTD_compressBound(ch.raw_len)) {
        *header = ch;
        return at + k;
      }
    }
    at += n - kChunkHeaderSize + 1;  // a header across the block's end is seen in the next
  }
  return file_size_;
}

void TraceReader::SkipChunk(size_t i, const Status& why) {
  damaged_chunks_++;
  skipped_events_ += chunks_[i].event_count;
  warnings_.push_back(SkippedChunkWarning(i, why));
}

std::string TraceReader::SkippedChunkWarning(size_t i, const Status& why) const {
  return why.message() + ": chunk " + Num(chunks_[i].sequence) + " skipped, its " +
         Num(chunks_[i].event_count) + " events lost";
}

Status TraceReader::ReadChunk(size_t i, DecodedChunk* out) const {
  if (i >= chunks_.size())
    return InvalidArgument(path_ + ": no chunk " + Num(i));
  if (!parts_.empty())
    return parts_[chunks_[i].part]->ReadChunk(chunks_[i].local, out);
  const ChunkInfo& info = chunks_[i];
  uint8_t h[kChunkHeaderSize];
  RETURN_IF_ERROR(ReadAt(fd_, h, sizeof h, info.offset));
  ChunkHeader ch;
  if (!ch.Decode(h))
    return Error(info.offset, GetU32(h) == kChunkMagic ? "chunk header checksum mismatch"
                                                       : "expected a chunk header");
  if (ch.sequence != info.sequence || ch.compressed_len != info.compressed_len ||
      ch.event_count != info.event_count || ch.first_ns != info.first_ns ||
      ch.last_ns != info.last_ns)
    return Error(info.offset, "chunk header disagrees with the index");
  if (ch.raw_len > kMaxChunkRawLen || ch.compressed_len > ZSTD_compressBound(ch.raw_len) ||
      ch.raw_len < 8)
    return Error(info.offset, "chunk lengths exceed the format's caps");
  // Each event takes at least 8 bytes (its size prefix and a FlatBuffer, 8-aligned): a count
  // beyond that is refused before anything is allocated for it.
  if (ch.event_count > ch.raw_len / 8)
    return Error(info.offset, "chunk header says " + Num(ch.event_count) +
                                  " events, more than its " + Num(ch.raw_len) + " bytes can hold");
  uint64_t payload_off = info.offset + kChunkHeaderSize;
  thread_local std::vector<uint8_t> compressed;
  compressed.resize(ch.compressed_len);
  RETURN_IF_ERROR(ReadAt(fd_, compressed.data(), ch.compressed_len, payload_off));
  if (Crc32c(compressed.data(), ch.compressed_len) != ch.payload_crc)
    return Error(payload_off, "chunk payload checksum mismatch");
  unsigned long long content = ZSTD_getFrameContentSize(compressed.data(), ch.compressed_len);
  if (content != ch.raw_len)
    return Error(payload_off, "zstd frame size disagrees with header");
  size_t words = ch.raw_len / 8 + 1;
  if (out->capacity_ < words) {
    out->storage_.reset(new uint64_t[words]);
    out->capacity_ = words;
  }
  auto* raw = reinterpret_cast<uint8_t*>(out->storage_.get());
  out->events_.clear();
  struct DctxFree {
    void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
  };
  thread_local std::unique_ptr<ZSTD_DCtx, DctxFree> dctx(ZSTD_createDCtx());
  size_t got =
      ZSTD_decompressDCtx(dctx.get(), raw, ch.raw_len, compressed.data(), ch.compressed_len);
  if (ZSTD_isError(got) || got != ch.raw_len)
    return Error(payload_off, std::string("zstd: ") +
                                  (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short frame"));
  // The events: each a size-prefixed FlatBuffer, the next one at the next multiple of 8.
  out->events_.reserve(ch.event_count);
  thread_local std::vector<std::pair<uint32_t, uint32_t>> spans;  // each event's bytes
  spans.clear();
  size_t at = 0;
  while (at < ch.raw_len) {
    if (out->events_.size() == ch.event_count)
      return Error(payload_off, "chunk holds more than the " + Num(ch.event_count) +
                                    " events its header says (decompressed byte " + Num(at) + ")");
    uint32_t len = ch.raw_len - at >= 4 ? GetU32(raw + at) : 0;
    if (len == 0 || len > ch.raw_len - at - 4)
      return Error(payload_off, "chunk event " + Num(out->events_.size()) +
                                    " has a bad length (decompressed byte " + Num(at) + ")");
    auto v = MakeVerifier(raw + at, len + 4);
    if (!v.VerifySizePrefixedBuffer<fb::Event>(nullptr))
      return Error(payload_off, "chunk event " + Num(out->events_.size()) +
                                    " is not a valid FlatBuffer (decompressed byte " + Num(at) +
                                    ")");
    const fb::Event* ev = flatbuffers::GetSizePrefixedRoot<fb::Event>(raw + at);
    // The verifier lets a union's type stand without its value: every reader of an event
    // expects the body its type names (the fuzzer found a Syscall without one).
    if (ev->body_type() == fb::Body::NONE || !ev->body())
      return Error(payload_off, "chunk event " + Num(out->events_.size()) +
                                    " has no body (decompressed byte " + Num(at) + ")");
    out->events_.push_back(ev);
    spans.emplace_back(static_cast<uint32_t>(at), len + 4);
    at = (at + 4 + len + 7) & ~size_t{7};
  }
  if (out->events_.size() != ch.event_count)
    return Error(payload_off, "chunk holds " + Num(out->events_.size()) + " events, header says " +
                                  Num(ch.event_count));
  out->raw_size_ = ch.raw_len;
  if (major_ >= 3) {
    RestoreTimes(ch.first_ns, out);
    // The times were written in place: what is read from now on is verified again. The
    // verifier does not look for fields that share bytes, so a crafted event whose time
    // overlapped a string's length passed the first check and, restored, read gigabytes.
    for (size_t i = 0; i < spans.size(); i++) {
      auto v = MakeVerifier(raw + spans[i].first, spans[i].second);
      if (!v.VerifySizePrefixedBuffer<fb::Event>(nullptr))
        return Error(payload_off, "chunk event " + Num(i) +
                                      " is not valid once its times are restored: fields overlap "
                                      "(decompressed byte " +
                                      Num(spans[i].first) + ")");
    }
  }
  return OkStatus();
}

namespace {

// An event body whose only time is time_ns.
template <typename Body>
void RestoreStop(fb::Event* e, TimeDeltaCoder* times) {
  auto* b = static_cast<Body*>(e->mutable_body());
  b->mutate_time_ns(times->DecodeStop(b->time_ns()));
}

}  // namespace

// Format 3 stores times as differences within the chunk (time_delta.h): make them absolute
// again, in place, so that readers see the same events as in format 2.
void TraceReader::RestoreTimes(uint64_t first_ns, DecodedChunk* chunk) {
  TimeDeltaCoder times;
  times.StartChunk(first_ns);
  for (const fb::Event* ce : chunk->events_) {
    auto* e = const_cast<fb::Event*>(ce);  // points into chunk->storage_, which we own
    switch (e->body_type()) {
      case fb::Body::Syscall: {
        auto* s = static_cast<fb::Syscall*>(e->mutable_body());
        bool entry_phase = s->phase() == fb::SyscallPhase::Entry;
        uint64_t stop = times.DecodeStop(entry_phase ? s->entry_ns() : s->exit_ns());
        uint64_t other = times.DecodeBefore(entry_phase ? s->exit_ns() : s->entry_ns(), stop);
        // A field stored as 0 is absent and stays 0, which is also what it decodes to.
        s->mutate_entry_ns(entry_phase ? stop : other);
        s->mutate_exit_ns(entry_phase ? other : stop);
        break;
      }
      case fb::Body::Spawn:
        RestoreStop<fb::Spawn>(e, &times);
        break;
      case fb::Body::Exec:
        RestoreStop<fb::Exec>(e, &times);
        break;
      case fb::Body::Exit:
        RestoreStop<fb::Exit>(e, &times);
        break;
      case fb::Body::Signal:
        RestoreStop<fb::Signal>(e, &times);
        break;
      case fb::Body::Detach:
        RestoreStop<fb::Detach>(e, &times);
        break;
      case fb::Body::FdSnapshot:
        RestoreStop<fb::FdSnapshot>(e, &times);
        break;
      case fb::Body::Loss:
        RestoreStop<fb::Loss>(e, &times);
        break;
      case fb::Body::PidNs:
        RestoreStop<fb::PidNs>(e, &times);
        break;
      default:
        break;
    }
  }
}

void TraceReader::PrefetchLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || requested_ != SIZE_MAX; });
    if (stopping_)
      return;
    size_t i = requested_;
    requested_ = SIZE_MAX;
    lock.unlock();
    Status st = ReadChunk(i, &ahead_);
    lock.lock();
    prefetch_status_ = std::move(st);
    prefetched_ = true;
    cv_.notify_all();
  }
}

void TraceReader::Prefetch(size_t i) {
  prefetch_index_ = i;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requested_ = i;
    prefetched_ = false;
  }
  if (!prefetcher_.joinable())
    prefetcher_ = std::thread([this] { PrefetchLoop(); });
  else
    cv_.notify_all();
}

Status TraceReader::WaitPrefetch() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return prefetched_; });
  prefetched_ = false;
  return std::move(prefetch_status_);
}

void TraceReader::DropPrefetch() {
  if (prefetch_index_ == SIZE_MAX)
    return;
  (void)WaitPrefetch();  // a dropped chunk's status does not matter
  prefetch_index_ = SIZE_MAX;
}

StatusOr<const fb::Event*> TraceReader::Next() {
  while (next_event_ >= current_.size()) {
    if (next_chunk_ >= chunks_.size())
      return static_cast<const fb::Event*>(nullptr);
    next_event_ = 0;
    Status st;
    if (prefetch_index_ == next_chunk_) {
      prefetch_index_ = SIZE_MAX;
      st = WaitPrefetch();
      if (st.ok())
        std::swap(current_, ahead_);
    } else {
      DropPrefetch();
      st = ReadChunk(next_chunk_, &current_);
    }
    if (!st.ok()) {
      current_.events_.clear();
      if (!options_.skip_damaged)
        return st;
      SkipChunk(next_chunk_, st);
    }
    next_chunk_++;
    if (next_chunk_ < chunks_.size())
      Prefetch(next_chunk_);
  }
  return current_.event(next_event_++);
}

Status TraceReader::SeekTime(uint64_t t) {
  DropPrefetch();
  auto it = std::lower_bound(chunks_.begin(), chunks_.end(), t,
                             [](const ChunkInfo& c, uint64_t v) { return c.last_ns < v; });
  next_chunk_ = static_cast<size_t>(it - chunks_.begin());
  next_event_ = 0;
  current_.events_.clear();
  if (next_chunk_ >= chunks_.size())
    return OkStatus();
  RETURN_IF_ERROR(ReadChunk(next_chunk_++, &current_));
  while (next_event_ < current_.size() && EventTime(*current_.event(next_event_)) < t)
    next_event_++;
  return OkStatus();
}

}  // namespace strec::format

#include "strec/format/trace_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "strec/format/container.h"
#include "strec/format/io.h"
#include "strec/format/trace_reader.h"
#include "strec/format/version.h"
#include "time_delta.h"

namespace strec::format {
namespace {

uint64_t ClockNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + ts.tv_nsec;
}

}  // namespace

HeaderInfo HeaderInfo::ForThisHost() {
  HeaderInfo h;
  h.tool_version = kStrecVersion;
  utsname u;
  if (uname(&u) == 0) {
    h.hostname = u.nodename;
    h.kernel_release = u.release;
    h.kernel_version = u.version;
    h.machine = u.machine;
  }
  h.realtime_ns = ClockNs(CLOCK_REALTIME);
  h.monotonic_ns = ClockNs(CLOCK_MONOTONIC);
  h.page_size = static_cast<uint32_t>(sysconf(_SC_PAGESIZE));
  h.recorder_pid = getpid();
  return h;
}

namespace {

std::string Str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}
std::string_view View(const flatbuffers::String* s) {
  return s ? s->string_view() : std::string_view();
}

}  // namespace

HeaderInfo HeaderInfo::FromTrace(const fb::Header& in) {
  HeaderInfo h;
  h.tool_version = Str(in.tool_version());
  h.hostname = Str(in.hostname());
  h.kernel_release = Str(in.kernel_release());
  h.kernel_version = Str(in.kernel_version());
  h.machine = Str(in.machine());
  h.arch = in.arch();
  h.realtime_ns = in.realtime_ns();
  h.monotonic_ns = in.monotonic_ns();
  if (in.command())
    for (const flatbuffers::String* a : *in.command())
      h.command.push_back(Str(a));
  if (in.attached_pids())
    h.attached_pids.assign(in.attached_pids()->begin(), in.attached_pids()->end());
  if (const fb::CaptureSettings* s = in.settings()) {
    h.snaplen = s->snaplen();
    h.trace_expr = Str(s->trace_expr());
    h.follow_forks = s->follow_forks();
    h.seccomp_filter = s->seccomp_filter();
    h.capture_env = s->capture_env();
    h.backend = s->backend() ? s->backend()->str() : "ptrace";
    h.backend_note = Str(s->backend_note());
    h.redacted = Str(s->redacted());
    h.redact_key = Str(s->redact_key());
    h.rotation = Str(s->rotation());
    h.selection = Str(s->selection());
    h.origin = Str(s->origin());
    h.pidns = s->pidns();
  }
  h.page_size = in.page_size();
  h.recorder_pid = in.recorder_pid();
  h.part = in.part();
  if (in.recordings())
    for (const fb::Recording* r : *in.recordings()) {
      RecordingInfo ri;
      ri.hostname = Str(r->hostname());
      ri.kernel_release = Str(r->kernel_release());
      ri.realtime_ns = r->realtime_ns();
      ri.monotonic_ns = r->monotonic_ns();
      ri.recorder_pid = r->recorder_pid();
      if (r->command())
        for (const flatbuffers::String* a : *r->command())
          ri.command.push_back(Str(a));
      ri.pid_base = r->pid_base();
      ri.source = Str(r->source());
      h.recordings.push_back(std::move(ri));
    }
  return h;
}

// One chunk being filled (by the producer) or waiting to be written (by the writer thread): the
// events, each a size-prefixed FlatBuffer starting at a multiple of 8 bytes.
struct ChunkSlot {
  explicit ChunkSlot(size_t initial) { raw.reserve(initial); }
  std::vector<uint8_t> raw;
  uint32_t events = 0;
  uint64_t first_ns = 0, last_ns = 0;
  uint64_t syscalls = 0;
  void Reset() {
    raw.clear();
    events = 0;
    first_ns = last_ns = 0;
    syscalls = 0;
  }
};

class TraceWriter::Impl {
 public:
  Impl(int fd, const WriterOptions& options) : fd_(fd), options_(options) {
    int slots = std::max(options.max_chunks_in_flight, 1) + 1;
    for (int i = 0; i < slots; i++)
      slots_.push_back(std::make_unique<ChunkSlot>(options.chunk_bytes + options.chunk_bytes / 4));
    for (size_t i = 1; i < slots_.size(); i++)
      free_.push_back(slots_[i].get());
    current_ = slots_[0].get();
    cctx_ = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, options.zstd_level);
    thread_ = std::thread([this] { Run(); });
  }
  ~Impl() {
    StopThread();
    ZSTD_freeCCtx(cctx_);
    if (fd_ >= 0)
      close(fd_);
  }

  // --- producer side ---
  // The builder of the next event; Added() moves the finished event into the chunk.
  flatbuffers::FlatBufferBuilder& builder() { return fbb_; }
  // The time coder for the next event, whose own time is t (what Added() will be given).
  TimeDeltaCoder& Times(uint64_t t) {
    if (current_->events == 0)
      times_.StartChunk(t);  // the chunk's first_ns
    return times_;
  }
  void Added(uint64_t time_ns, flatbuffers::Offset<fb::Event> ev, bool syscall) {
    if (!file_first_ns_)
      file_first_ns_ = time_ns;
    file_last_ns_ = std::max(file_last_ns_, time_ns);
    fbb_.FinishSizePrefixed(ev);
    ChunkSlot& c = *current_;
    if (c.events == 0)
      c.first_ns = time_ns;
    c.last_ns = std::max(c.last_ns, time_ns);
    size_t size = fbb_.GetSize();
    size_t padded = (size + 7) & ~size_t{7};
    size_t at = c.raw.size();
    c.raw.resize(at + padded);
    std::memcpy(c.raw.data() + at, fbb_.GetBufferPointer(), size);
    std::memset(c.raw.data() + at + size, 0, padded - size);
    fbb_.Clear();
    c.events++;
    c.syscalls += syscall;
    if (c.raw.size() >= options_.chunk_bytes || time_ns - c.first_ns >= options_.flush_interval_ns)
      Submit();
  }
  void MaybeFlush(uint64_t now_ns) {
    if (current_->events != 0 && now_ns - current_->first_ns >= options_.flush_interval_ns)
      Submit();
  }
  // Finishes the current chunk, queues it, and takes a free slot (waiting if none is free).
  void Submit() {
    if (current_->events == 0)
      return;
    file_submitted_raw_ += current_->raw.size();
    std::unique_lock<std::mutex> lock(mu_);
    pending_.push_back(current_);
    cv_.notify_all();
    cv_.wait(lock, [this] { return !free_.empty(); });
    current_ = free_.back();
    free_.pop_back();
  }
  Status Flush() {
    Submit();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return pending_.empty() && !busy_; });
    return error_;
  }
  Status Finish(uint64_t syscalls, uint64_t events, uint64_t lost_events) {
    Status st = Flush();
    StopThread();
    if (!st.ok())
      return st;
    return WriteFooter(syscalls, events, lost_events);
  }
  // After Flush(), with the writer thread idle: the footer, the trailer, and the file closed.
  Status WriteFooter(uint64_t syscalls, uint64_t events, uint64_t lost_events) {
    // Footer: index of chunks, then the trailer that points to it.
    flatbuffers::FlatBufferBuilder fbb(1024 + index_.size() * sizeof(fb::ChunkRef));
    auto chunks = fbb.CreateVectorOfStructs(index_);
    fb::FooterBuilder fb(fbb);
    fb.add_chunks(chunks);
    fb.add_event_count(events);
    fb.add_syscall_count(syscalls);
    fb.add_lost_events(lost_events);
    fb.add_end_realtime_ns(ClockNs(CLOCK_REALTIME));
    fb.add_end_monotonic_ns(ClockNs(CLOCK_MONOTONIC));
    fbb.Finish(fb.Finish());
    uint8_t head[kFooterHeaderSize] = {};
    PutU32(head, kFooterMagic);
    PutU32(head + 4, fbb.GetSize());
    PutU32(head + 8, Crc32c(fbb.GetBufferPointer(), fbb.GetSize()));
    uint64_t footer_offset = offset_;
    RETURN_IF_ERROR(Write(head, sizeof head));
    RETURN_IF_ERROR(Write(fbb.GetBufferPointer(), fbb.GetSize()));
    uint8_t trailer[kTrailerSize];
    PutU64(trailer, footer_offset);
    PutU32(trailer + 8, static_cast<uint32_t>(kFooterHeaderSize + fbb.GetSize()));
    PutU32(trailer + 12, Crc32c(trailer, 12));
    std::memcpy(trailer + 16, kTrailerMagic, 8);
    RETURN_IF_ERROR(Write(trailer, sizeof trailer));
    if (fdatasync(fd_) != 0 && errno != EINVAL)
      return ErrnoStatus("fdatasync", errno);
    int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0)
      return ErrnoStatus("close", errno);
    return OkStatus();
  }
  Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  // A failure of the producer's own (deleting an old file): as a failed write.
  void Fail(const Status& st) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) {
      error_ = st;
      failed_.store(true, std::memory_order_relaxed);
    }
  }
  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  // The span of the current file's events so far (producer side).
  uint64_t file_span_ns() const { return file_first_ns_ ? file_last_ns_ - file_first_ns_ : 0; }
  // The current file's size once what was handed to the writer thread is written: its bytes
  // so far, and the chunks still waiting at the compression ratio seen (1 before any). Producer
  // side: a fast producer must not write far past a size limit while the thread lags.
  uint64_t file_bytes_ahead() const {
    uint64_t written = bytes_.load(std::memory_order_relaxed);
    uint64_t raw_done = file_written_raw_.load(std::memory_order_relaxed);
    uint64_t pending = file_submitted_raw_ > raw_done ? file_submitted_raw_ - raw_done : 0;
    uint64_t raw = raw_total_.load(std::memory_order_relaxed);
    uint64_t packed = packed_total_.load(std::memory_order_relaxed);
    return written + (raw && packed ? pending * packed / raw : pending);
  }
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  uint64_t lost() const { return lost_.load(std::memory_order_relaxed); }

  Status WriteFileHeader(const uint8_t* data, size_t len) { return Write(data, len); }
  // After WriteFooter(): the next file of a rotated recording, its header first.
  Status NextFile(int fd, const std::vector<uint8_t>& header) {
    file_first_ns_ = file_last_ns_ = 0;
    file_submitted_raw_ = 0;
    file_written_raw_.store(0, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mu_);  // the writer thread is idle: this publishes
    return StartFile(fd, header);
  }

 private:
  // With mu_ held and the writer thread idle: fd is the file written from now on, header first.
  Status StartFile(int fd, const std::vector<uint8_t>& header) {
    fd_ = fd;
    offset_ = 0;
    index_.clear();
    return Write(header.data(), header.size());
  }
  Status Write(const void* data, size_t len) {
    Status st = WriteAll(fd_, data, len);
    if (st.ok()) {
      offset_ += len;
      bytes_.store(offset_, std::memory_order_relaxed);
    }
    return st;
  }

  void StopThread() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable())
      thread_.join();
  }

  // The writer thread: compress and write queued chunks in order.
  void Run() {
    std::vector<uint8_t> out;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      if (pending_.empty())
        return;
      ChunkSlot* slot = pending_.front();
      pending_.pop_front();
      busy_ = true;
      bool failed = !error_.ok();
      lock.unlock();
      Status st = failed ? OkStatus() : WriteChunk(*slot, out);
      lock.lock();
      if (!st.ok() && error_.ok()) {
        error_ = st;
        failed_.store(true, std::memory_order_relaxed);
      }
      if (failed || !st.ok())
        lost_.fetch_add(slot->events, std::memory_order_relaxed);
      slot->Reset();
      free_.push_back(slot);
      busy_ = false;
      cv_.notify_all();
    }
  }

  Status WriteChunk(const ChunkSlot& slot, std::vector<uint8_t>& out) {
    const uint8_t* raw = slot.raw.data();
    size_t raw_len = slot.raw.size();
    if (raw_len > kMaxChunkRawLen)
      return InternalError("chunk exceeds the format's size cap");
    out.resize(kChunkHeaderSize + ZSTD_compressBound(raw_len));
    size_t n = ZSTD_compress2(cctx_, out.data() + kChunkHeaderSize, out.size() - kChunkHeaderSize,
                              raw, raw_len);
    if (ZSTD_isError(n))
      return InternalError(std::string("zstd: ") + ZSTD_getErrorName(n));
    ChunkHeader h;
    h.compressed_len = static_cast<uint32_t>(n);
    h.raw_len = static_cast<uint32_t>(raw_len);
    h.event_count = slot.events;
    h.payload_crc = Crc32c(out.data() + kChunkHeaderSize, n);
    h.sequence = static_cast<uint32_t>(index_.size());
    h.first_ns = slot.first_ns;
    h.last_ns = slot.last_ns;
    h.Encode(out.data());
    if (options_.flight_bytes) {
      // The flight recorder: kept in memory, the oldest dropped beyond its size.
      FlightChunk c;
      c.bytes.assign(out.begin(), out.begin() + static_cast<ptrdiff_t>(kChunkHeaderSize + n));
      c.events = slot.events;
      c.syscalls = slot.syscalls;
      // Not dropped while a dump adds its own chunk: it must not push out what it is about.
      std::lock_guard<std::mutex> lock(mu_);
      flight_total_ += c.bytes.size();
      flight_.push_back(std::move(c));
      while (!flight_hold_ && flight_.size() > 1 && flight_total_ > options_.flight_bytes) {
        flight_total_ -= flight_.front().bytes.size();
        flight_dropped_ += flight_.front().events;
        flight_.pop_front();
      }
      return OkStatus();
    }
    uint64_t at = offset_;
    RETURN_IF_ERROR(Write(out.data(), kChunkHeaderSize + n));
    index_.emplace_back(at, h.first_ns, h.last_ns, h.event_count,
                        static_cast<uint32_t>(kChunkHeaderSize + n));
    file_written_raw_.fetch_add(raw_len, std::memory_order_relaxed);
    raw_total_.fetch_add(raw_len, std::memory_order_relaxed);
    packed_total_.fetch_add(kChunkHeaderSize + n, std::memory_order_relaxed);
    return OkStatus();
  }

  struct FlightChunk {
    std::vector<uint8_t> bytes;  // chunk header (sequence to be set) and zstd frame
    uint32_t events = 0;
    uint64_t syscalls = 0;
  };

 public:
  // Flight recorder, after Flush() (the writer thread idle): the time of the oldest event kept
  // (0: none), and the events dropped from the ring since the last dump.
  uint64_t FlightOldestNs() {
    std::lock_guard<std::mutex> lock(mu_);
    if (flight_.empty())
      return 0;
    ChunkHeader h;
    h.Decode(flight_.front().bytes.data());
    return h.first_ns;
  }
  uint64_t FlightDropped() {
    std::lock_guard<std::mutex> lock(mu_);
    return flight_dropped_;
  }
  void FlightHold(bool hold) {
    std::lock_guard<std::mutex> lock(mu_);
    flight_hold_ = hold;
  }
  // Flush() and stop the thread, with no file to end (the flight recorder's last dump is done).
  Status Stop() {
    Status st = Flush();
    StopThread();
    return st;
  }
  // Writes the ring as a file to fd, after its header: the newest `first` chunks (the dump's
  // own: its fd snapshots) first, then the others from the oldest; the footer; then empties the
  // ring. *events and *syscalls: what the file holds.
  Status WriteFlight(int fd,
                     const std::vector<uint8_t>& header,
                     size_t first,
                     uint64_t* events,
                     uint64_t* syscalls) {
    std::deque<FlightChunk> chunks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      chunks.swap(flight_);
      flight_total_ = 0;
      flight_dropped_ = 0;
      RETURN_IF_ERROR(StartFile(fd, header));
    }
    first = std::min(first, chunks.size());
    std::rotate(chunks.begin(), chunks.end() - static_cast<ptrdiff_t>(first), chunks.end());
    *events = *syscalls = 0;
    for (FlightChunk& c : chunks) {
      ChunkHeader h;
      h.Decode(c.bytes.data());
      h.sequence = static_cast<uint32_t>(index_.size());
      h.Encode(c.bytes.data());
      uint64_t at = offset_;
      RETURN_IF_ERROR(Write(c.bytes.data(), c.bytes.size()));
      index_.emplace_back(at, h.first_ns, h.last_ns, h.event_count,
                          static_cast<uint32_t>(c.bytes.size()));
      *events += c.events;
      *syscalls += c.syscalls;
    }
    return OkStatus();
  }

 private:
  int fd_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ChunkSlot>> slots_;
  ChunkSlot* current_ = nullptr;                          // producer-owned
  flatbuffers::FlatBufferBuilder fbb_{1024};              // producer-owned
  TimeDeltaCoder times_;                                  // producer-owned
  uint64_t file_first_ns_ = 0, file_last_ns_ = 0;         // producer-owned: this file's events
  uint64_t file_submitted_raw_ = 0;                       // producer-owned: its chunks' raw bytes
  std::atomic<uint64_t> file_written_raw_{0};             // of those, written
  std::atomic<uint64_t> raw_total_{0}, packed_total_{0};  // every chunk written: the ratio

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ChunkSlot*> pending_;
  std::vector<ChunkSlot*> free_;
  bool busy_ = false;
  bool stop_ = false;
  Status error_;

  // Writer-thread-owned (the producer reads them only after the thread has stopped).
  ZSTD_CCtx* cctx_ = nullptr;
  uint64_t offset_ = 0;
  std::vector<fb::ChunkRef> index_;
  std::deque<FlightChunk> flight_;  // flight recorder: the newest chunks, compressed
  uint64_t flight_total_ = 0;       // their bytes
  uint64_t flight_dropped_ = 0;     // events dropped from the ring since the last dump
  bool flight_hold_ = false;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<bool> failed_{false};  // error_ is set: readable without the lock
  std::atomic<uint64_t> lost_{0};    // events in chunks that were not written
  std::thread thread_;
};

TraceWriter::TraceWriter(std::string path, std::unique_ptr<Impl> impl)
    : path_(std::move(path)), impl_(std::move(impl)) {}

TraceWriter::~TraceWriter() {
  (void)Close();
}

namespace {

// The file header and the Header FlatBuffer after it (format/README.md).
std::vector<uint8_t> EncodeFileHeader(const HeaderInfo& h) {
  flatbuffers::FlatBufferBuilder fbb(1024);
  std::vector<flatbuffers::Offset<flatbuffers::String>> cmd;
  for (const auto& a : h.command)
    cmd.push_back(fbb.CreateString(a));
  auto settings = fb::CreateCaptureSettings(
      fbb, h.snaplen, fbb.CreateString(h.trace_expr), h.follow_forks, h.seccomp_filter,
      h.capture_env, fbb.CreateString(h.backend), fbb.CreateString(h.backend_note),
      h.redacted.empty() ? 0 : fbb.CreateString(h.redacted),
      h.redact_key.empty() ? 0 : fbb.CreateString(h.redact_key),
      h.rotation.empty() ? 0 : fbb.CreateString(h.rotation),
      h.selection.empty() ? 0 : fbb.CreateString(h.selection),
      h.origin.empty() ? 0 : fbb.CreateString(h.origin), h.pidns);
  std::vector<flatbuffers::Offset<fb::Recording>> recordings;
  for (const RecordingInfo& r : h.recordings) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> rcmd;
    for (const std::string& a : r.command)
      rcmd.push_back(fbb.CreateString(a));
    recordings.push_back(fb::CreateRecording(fbb, fbb.CreateString(r.hostname),
                                             fbb.CreateString(r.kernel_release), r.realtime_ns,
                                             r.monotonic_ns, r.recorder_pid, fbb.CreateVector(rcmd),
                                             r.pid_base, fbb.CreateString(r.source)));
  }
  auto root = fb::CreateHeader(
      fbb, fbb.CreateString(h.tool_version), fbb.CreateString(h.hostname),
      fbb.CreateString(h.kernel_release), fbb.CreateString(h.kernel_version),
      fbb.CreateString(h.machine), h.arch, h.realtime_ns, h.monotonic_ns, fbb.CreateVector(cmd),
      fbb.CreateVector(h.attached_pids), settings, h.page_size, h.recorder_pid, h.part,
      recordings.empty() ? 0 : fbb.CreateVector(recordings));
  fbb.Finish(root);

  std::vector<uint8_t> buf(kFileHeaderSize + fbb.GetSize());
  std::memcpy(buf.data(), kFileMagic, 8);
  PutU16(buf.data() + 8, kFormatMajor);
  PutU16(buf.data() + 10, kFormatMinor);
  PutU32(buf.data() + 12, fbb.GetSize());
  PutU32(buf.data() + 16, Crc32c(fbb.GetBufferPointer(), fbb.GetSize()));
  PutU32(buf.data() + 20, Crc32c(buf.data(), 20));
  std::memcpy(buf.data() + kFileHeaderSize, fbb.GetBufferPointer(), fbb.GetSize());
  return buf;
}

std::string SizeText(uint64_t bytes) {
  if (bytes % (1u << 30) == 0)
    return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (1u << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  if (bytes % (1u << 10) == 0)
    return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string RotationText(const WriterOptions& o) {
  std::string s;
  auto add = [&s](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  if (o.rotate_bytes)
    add("max-size " + SizeText(o.rotate_bytes));
  if (o.rotate_ns && o.rotate_ns % 1'000'000'000 == 0)
    add("max-duration " + std::to_string(o.rotate_ns / 1'000'000'000) + " s");
  else if (o.rotate_ns)
    add("max-duration " + std::to_string(o.rotate_ns / 1'000'000) + " ms");
  if (o.flight_bytes)
    add("flight-recorder " + SizeText(o.flight_bytes));
  if (o.trigger_exit)
    add("trigger exit");
  if (o.trigger_errno) {
    const char* name = strerrorname_np(o.trigger_errno);
    add("trigger errno=" + (name ? std::string(name) : std::to_string(o.trigger_errno)));
  }
  if (o.trigger_slow_ns)
    add("trigger slow=" + std::to_string(o.trigger_slow_ns / 1000) + "us");
  if (o.max_files)
    add("max-files " + std::to_string(o.max_files));
  return s;
}

std::string PartPath(const std::string& path, uint32_t part) {
  std::string base = path;
  if (base.size() > 6 && base.compare(base.size() - 6, 6, ".strec") == 0)
    base.resize(base.size() - 6);
  char n[16];
  snprintf(n, sizeof n, ".%04u", part);
  return base + n + ".strec";
}

std::string FirstFilePath(const std::string& path, const WriterOptions& o) {
  return o.rotate_bytes || o.rotate_ns || o.flight_bytes ? PartPath(path, 1) : path;
}

StatusOr<std::unique_ptr<TraceWriter>> TraceWriter::Create(const std::string& path,
                                                           const HeaderInfo& header,
                                                           const WriterOptions& options) {
  HeaderInfo h = header;
  if (options.redactor)
    options.redactor->RedactHeader(&h);
  std::string first = FirstFilePath(path, options);
  if (first != path)
    h.rotation = RotationText(options);
  std::unique_ptr<Impl> impl;
  if (options.flight_bytes) {
    // Nothing is written until a dump: the first one's name must be free now, not then.
    if (!options.replace && access(first.c_str(), F_OK) == 0)
      return Status(StatusCode::kInvalidArgument,
                    "cannot create " + first + ": it exists (--force replaces a file of yours)");
    impl = std::make_unique<Impl>(-1, options);
  } else {
    if (first != path)
      h.part = 1;
    ASSIGN_OR_RETURN(int fd, CreateOutputFile(first, options.replace));
    std::vector<uint8_t> buf = EncodeFileHeader(h);
    impl = std::make_unique<Impl>(fd, options);
    Status st = impl->WriteFileHeader(buf.data(), buf.size());
    if (!st.ok())
      return Status(st.code(), first + ": " + st.message());
  }
  auto w = std::unique_ptr<TraceWriter>(new TraceWriter(first, std::move(impl)));
  w->base_ = path;
  w->header_ = std::move(h);
  w->options_ = options;
  if (w->header_.part == 1)  // rotation: the first part is open (a flight recorder's: not yet)
    w->parts_.push_back({first, 0});
  return w;
}

namespace {

flatbuffers::Offset<fb::Event> FinishEvent(flatbuffers::FlatBufferBuilder& fbb,
                                           int32_t tid,
                                           int32_t pid,
                                           fb::Body type,
                                           flatbuffers::Offset<void> body) {
  return fb::CreateEvent(fbb, tid, pid, type, body);
}

}  // namespace

void TraceWriter::Add(const SyscallRecord& r) {
  if (options_.flight_bytes && r.phase != fb::SyscallPhase::Entry &&
      ((options_.trigger_errno && r.ret == -options_.trigger_errno) ||
       (options_.trigger_slow_ns && r.entry_ns &&
        r.exit_ns >= r.entry_ns + options_.trigger_slow_ns)))
    dump_due_ = true;
  auto& fbb = impl_->builder();
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Buffer>>> buffers;
  std::span<const BufferRecord> bufs = r.buffers;
  if (options_.redactor && !bufs.empty())
    bufs = options_.redactor->RedactBuffers(r, &redacted_buffers_, &redacted_bytes_);
  if (!bufs.empty()) {
    // At most a few buffers per syscall: a small stack array avoids allocation.
    constexpr size_t kInline = 16;
    flatbuffers::Offset<fb::Buffer> inline_offsets[kInline];
    std::vector<flatbuffers::Offset<fb::Buffer>> heap;
    flatbuffers::Offset<fb::Buffer>* offs = inline_offsets;
    if (bufs.size() > kInline) {
      heap.resize(bufs.size());
      offs = heap.data();
    }
    for (size_t i = 0; i < bufs.size(); i++) {
      const BufferRecord& b = bufs[i];
      auto data = fbb.CreateVector(b.data.data(), b.data.size());
      offs[i] = fb::CreateBuffer(fbb, b.arg, b.out, b.index, b.addr, b.full_len, data, b.read_errno,
                                 b.kind, b.redacted, b.digest);
    }
    buffers = fbb.CreateVector(offs, bufs.size());
  }
  // The stop's own time relative to the previous event; the other time relative to it.
  TimeDeltaCoder& times = impl_->Times(r.time_ns());
  bool entry_phase = r.phase == fb::SyscallPhase::Entry;
  uint64_t stop = times.EncodeStop(r.time_ns());
  uint64_t other = times.EncodeBefore(entry_phase ? r.exit_ns : r.entry_ns, r.time_ns());
  auto body =
      fb::CreateSyscall(fbb, r.phase, r.arch, r.nr, r.args[0], r.args[1], r.args[2], r.args[3],
                        r.args[4], r.args[5], r.ret, entry_phase ? stop : other,
                        entry_phase ? other : stop, r.flags, buffers, r.instruction_pointer);
  events_++;
  syscalls_ += r.phase != fb::SyscallPhase::Entry;
  Added(r.time_ns(), FinishEvent(fbb, r.tid, r.pid, fb::Body::Syscall, body.Union()),
        r.phase != fb::SyscallPhase::Entry);
}

void TraceWriter::Add(const SpawnRecord& r) {
  auto& fbb = impl_->builder();
  auto body = fb::CreateSpawn(fbb, r.kind, r.child_tid, r.child_pid, r.clone_flags,
                              impl_->Times(r.time_ns).EncodeStop(r.time_ns));
  events_++;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::Spawn, body.Union()), false);
}

void TraceWriter::Add(const ExecRecord& r) {
  auto& fbb = impl_->builder();
  const Redactor* redact = options_.redactor.get();
  std::vector<flatbuffers::Offset<flatbuffers::String>> argv;
  argv.reserve(r.argv.size());
  for (auto a : r.argv)
    argv.push_back(redact && redact->Removes(RedactCategory::kArgv)
                       ? fbb.CreateString(redact->Token(a))
                       : fbb.CreateString(a.data(), a.size()));
  auto path = redact && redact->Removes(RedactCategory::kPaths)
                  ? fbb.CreateString(redact->PathToken(r.path))
                  : fbb.CreateString(r.path.data(), r.path.size());
  auto body = fb::CreateExec(fbb, r.former_tid, path, fbb.CreateVector(argv), r.envc,
                             impl_->Times(r.time_ns).EncodeStop(r.time_ns));
  events_++;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::Exec, body.Union()), false);
}

void TraceWriter::Add(const ExitRecord& r) {
  if (options_.trigger_exit && !r.thread_only && (r.status != 0 || r.signal != 0))
    dump_due_ = true;
  auto& fbb = impl_->builder();
  auto body = fb::CreateExit(fbb, r.status, r.signal, r.core_dumped,
                             impl_->Times(r.time_ns).EncodeStop(r.time_ns), r.thread_only);
  events_++;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::Exit, body.Union()), false);
}

void TraceWriter::Add(const SignalRecord& r) {
  auto& fbb = impl_->builder();
  auto info = fbb.CreateVector(r.siginfo.data(), r.siginfo.size());
  auto body = fb::CreateSignal(fbb, r.signo, r.code, info, r.group_stop,
                               impl_->Times(r.time_ns).EncodeStop(r.time_ns));
  events_++;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::Signal, body.Union()), false);
}

void TraceWriter::Add(const DetachRecord& r) {
  auto& fbb = impl_->builder();
  auto reason = fbb.CreateString(r.reason.data(), r.reason.size());
  auto body = fb::CreateDetach(fbb, impl_->Times(r.time_ns).EncodeStop(r.time_ns), reason);
  events_++;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::Detach, body.Union()), false);
}

void TraceWriter::Add(const FdSnapshotRecord& r) {
  auto& fbb = impl_->builder();
  const Redactor* redact = options_.redactor.get();
  bool paths = redact && redact->Removes(RedactCategory::kPaths);
  std::vector<flatbuffers::Offset<fb::FdEntry>> fds;
  for (const auto& e : r.fds) {
    auto path = paths ? fbb.CreateString(redact->FdPathToken(e.path))
                      : fbb.CreateString(e.path.data(), e.path.size());
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> detail;
    RedactCategory c = e.detail.empty() ? RedactCategory::kNone : ClassifyFdDetail(e.detail);
    if (!e.detail.empty() && !(redact && c != RedactCategory::kNone && redact->Removes(c)))
      detail = fbb.CreateVector(reinterpret_cast<const uint8_t*>(e.detail.data()), e.detail.size());
    fds.push_back(fb::CreateFdEntry(fbb, e.fd, path, detail));
  }
  flatbuffers::Offset<flatbuffers::String> cwd;
  if (!r.cwd.empty())
    cwd = paths ? fbb.CreateString(redact->FdPathToken(r.cwd))
                : fbb.CreateString(r.cwd.data(), r.cwd.size());
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> argv;
  if (!r.argv.empty()) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> args;
    args.reserve(r.argv.size());
    for (auto a : r.argv)
      args.push_back(redact && redact->Removes(RedactCategory::kArgv)
                         ? fbb.CreateString(redact->Token(a))
                         : fbb.CreateString(a.data(), a.size()));
    argv = fbb.CreateVector(args);
  }
  // A cgroup path names a service or a container: a path, tokenised as one.
  flatbuffers::Offset<flatbuffers::String> cgroup;
  if (!r.cgroup.empty())
    cgroup = paths ? fbb.CreateString(redact->PathToken(r.cgroup))
                   : fbb.CreateString(r.cgroup.data(), r.cgroup.size());
  auto body = fb::CreateFdSnapshot(
      fbb, fbb.CreateVector(fds), impl_->Times(r.time_ns).EncodeStop(r.time_ns), cwd, argv, cgroup);
  events_++;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::FdSnapshot, body.Union()), false);
}

void TraceWriter::Add(const LossRecord& r) {
  auto& fbb = impl_->builder();
  auto reason = fbb.CreateString(r.reason.data(), r.reason.size());
  auto body =
      fb::CreateLoss(fbb, r.events, r.bytes, reason, impl_->Times(r.time_ns).EncodeStop(r.time_ns));
  events_++;
  lost_events_ += r.events;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::Loss, body.Union()), false);
}

void TraceWriter::Add(const PidNsRecord& r) {
  auto& fbb = impl_->builder();
  auto ns = fbb.CreateVector(r.ns.data(), r.ns.size());
  auto tids = fbb.CreateVector(r.tids.data(), r.tids.size());
  auto tgids = fbb.CreateVector(r.tgids.data(), r.tgids.size());
  auto pgids = fbb.CreateVector(r.pgids.data(), r.pgids.size());
  auto sids = fbb.CreateVector(r.sids.data(), r.sids.size());
  auto body = fb::CreatePidNs(fbb, ns, tids, tgids, pgids, sids,
                              impl_->Times(r.time_ns).EncodeStop(r.time_ns));
  events_++;
  Added(r.time_ns, FinishEvent(fbb, r.tid, r.pid, fb::Body::PidNs, body.Union()), false);
}

bool TraceWriter::Add(const fb::Event& e, const EventMap& map) {
  auto id = [&map](int32_t v) { return v ? v + map.pid_base : 0; };
  auto at = [&map](uint64_t t) {
    return t ? static_cast<uint64_t>(static_cast<int64_t>(t) + map.shift_ns) : 0;
  };
  const int32_t tid = id(e.tid()), pid = id(e.pid());
  switch (e.body_type()) {
    case fb::Body::Syscall: {
      const fb::Syscall* s = e.body_as_Syscall();
      std::vector<BufferRecord> bufs;
      if (s->buffers()) {
        bufs.reserve(s->buffers()->size());
        for (const fb::Buffer* b : *s->buffers()) {
          BufferRecord r;
          r.arg = b->arg();
          r.out = b->out();
          r.kind = b->kind();
          r.index = b->index();
          r.addr = b->addr();
          r.full_len = b->full_len();
          r.read_errno = b->read_errno();
          if (b->data())
            r.data = std::span<const uint8_t>(b->data()->data(), b->data()->size());
          r.redacted = b->redacted();
          r.digest = b->digest();
          bufs.push_back(r);
        }
      }
      SyscallRecord r;
      r.tid = tid;
      r.pid = pid;
      r.phase = s->phase();
      r.arch = s->arch();
      r.nr = s->nr();
      uint64_t args[6] = {s->a0(), s->a1(), s->a2(), s->a3(), s->a4(), s->a5()};
      std::copy(args, args + 6, r.args);
      r.ret = s->ret();
      r.entry_ns = at(s->entry_ns());
      r.exit_ns = at(s->exit_ns());
      r.flags = s->flags();
      r.instruction_pointer = s->instruction_pointer();
      r.buffers = bufs;
      Add(r);
      return true;
    }
    case fb::Body::Spawn: {
      const fb::Spawn* s = e.body_as_Spawn();
      Add(SpawnRecord{tid, pid, s->kind(), id(s->child_tid()), id(s->child_pid()), s->clone_flags(),
                      at(s->time_ns())});
      return true;
    }
    case fb::Body::Exec: {
      const fb::Exec* x = e.body_as_Exec();
      std::vector<std::string_view> argv;
      if (x->argv())
        for (const flatbuffers::String* a : *x->argv())
          argv.push_back(View(a));
      Add(ExecRecord{tid, pid, id(x->former_tid()), View(x->path()), argv, x->envc(),
                     at(x->time_ns())});
      return true;
    }
    case fb::Body::Exit: {
      const fb::Exit* x = e.body_as_Exit();
      Add(ExitRecord{tid, pid, x->status(), x->signal(), x->core_dumped(), x->thread_only(),
                     at(x->time_ns())});
      return true;
    }
    case fb::Body::Signal: {
      const fb::Signal* s = e.body_as_Signal();
      std::span<const uint8_t> info;
      if (s->siginfo())
        info = std::span<const uint8_t>(s->siginfo()->data(), s->siginfo()->size());
      Add(SignalRecord{tid, pid, s->signo(), s->code(), info, s->group_stop(), at(s->time_ns())});
      return true;
    }
    case fb::Body::Detach: {
      const fb::Detach* d = e.body_as_Detach();
      Add(DetachRecord{tid, pid, View(d->reason()), at(d->time_ns())});
      return true;
    }
    case fb::Body::FdSnapshot: {
      const fb::FdSnapshot* f = e.body_as_FdSnapshot();
      std::vector<FdEntryRecord> fds;
      if (f->fds())
        for (const fb::FdEntry* fd : *f->fds())
          fds.push_back(FdEntryRecord{
              fd->fd(), View(fd->path()),
              fd->detail() ? std::string_view(reinterpret_cast<const char*>(fd->detail()->data()),
                                              fd->detail()->size())
                           : std::string_view()});
      std::vector<std::string_view> argv;
      if (f->argv())
        for (const flatbuffers::String* a : *f->argv())
          argv.push_back(View(a));
      Add(FdSnapshotRecord{tid, pid, fds, at(f->time_ns()), View(f->cwd()), argv,
                           View(f->cgroup())});
      return true;
    }
    case fb::Body::Loss: {
      const fb::Loss* l = e.body_as_Loss();
      Add(LossRecord{tid, pid, l->events(), l->bytes(), View(l->reason()), at(l->time_ns())});
      return true;
    }
    case fb::Body::PidNs: {
      // Ids inside other namespaces are not the recording's own: only level 0 moves.
      const fb::PidNs* x = e.body_as_PidNs();
      auto ints = [](const flatbuffers::Vector<int32_t>* v) {
        return v ? std::vector<int32_t>(v->begin(), v->end()) : std::vector<int32_t>();
      };
      std::vector<int32_t> ids[4] = {ints(x->tid()), ints(x->tgid()), ints(x->pgid()),
                                     ints(x->sid())};
      for (auto& v : ids)
        if (!v.empty())
          v[0] = id(v[0]);
      std::vector<uint64_t> ns;
      if (x->ns())
        ns.assign(x->ns()->begin(), x->ns()->end());
      Add(PidNsRecord{tid, pid, ns, ids[0], ids[1], ids[2], ids[3], at(x->time_ns())});
      return true;
    }
    default:
      return false;
  }
}

void TraceWriter::MaybeFlush(uint64_t now_ns) {
  if (impl_)
    impl_->MaybeFlush(now_ns);
}

Status TraceWriter::Flush() {
  if (!impl_)
    return FailedClosed();
  Status st = impl_->Flush();
  if (!st.ok())
    return Status(st.code(), path_ + ": " + st.message());
  return st;
}

bool TraceWriter::RotationDue() const {
  if (!impl_ || parts_.empty())
    return false;
  return (options_.rotate_bytes && impl_->file_bytes_ahead() >= options_.rotate_bytes) ||
         (options_.rotate_ns && impl_->file_span_ns() >= options_.rotate_ns);
}

Status TraceWriter::Rotate() {
  if (!impl_)
    return FailedClosed();
  if (parts_.empty())
    return InternalError(path_ + ": rotation is not enabled");
  Status st = impl_->Flush();
  if (st.ok())
    st = impl_->WriteFooter(syscalls_ - part_syscalls_, events_ - part_events_,
                            lost_events_ - part_lost_);
  if (!st.ok())
    return Status(st.code(), path_ + ": " + st.message());
  bytes_before_ += impl_->bytes();
  parts_.back().events = events_ - part_events_;
  part_events_ = events_;
  part_syscalls_ = syscalls_;
  part_lost_ = lost_events_;
  ASSIGN_OR_RETURN(int fd, OpenNextPart());
  st = impl_->NextFile(fd, EncodeFileHeader(header_));
  if (!st.ok())
    return Status(st.code(), path_ + ": " + st.message());
  parts_.push_back({path_, 0});
  trim_pending_ = options_.max_files != 0;  // once the new file holds an event
  return OkStatus();
}

StatusOr<int> TraceWriter::OpenNextPart() {
  header_.part++;
  path_ = PartPath(base_, header_.part);
  return CreateOutputFile(path_, options_.replace);
}

void TraceWriter::Added(uint64_t time_ns, flatbuffers::Offset<fb::Event> event, bool syscall) {
  impl_->Added(time_ns, event, syscall);
  last_time_ns_ = std::max(last_time_ns_, time_ns);
  if (trim_pending_)
    TrimFiles();
}

void TraceWriter::TrimFiles() {
  trim_pending_ = false;
  while (parts_.size() > options_.max_files) {
    if (unlink(parts_.front().path.c_str()) != 0 && errno != ENOENT) {
      impl_->Fail(ErrnoStatus("deleting " + parts_.front().path + " (--max-files)", errno));
      return;
    }
    files_deleted_++;
    events_deleted_ += parts_.front().events;
    parts_.erase(parts_.begin());
  }
}

std::vector<std::string> TraceWriter::paths() const {
  if (parts_.empty() && !options_.flight_bytes)
    return {path_};
  std::vector<std::string> out;
  for (const Part& p : parts_)
    out.push_back(p.path);
  return out;
}

Status TraceWriter::Dump(std::span<const FdSnapshotRecord> live) {
  if (!impl_)
    return FailedClosed();
  if (!options_.flight_bytes)
    return InternalError(path_ + ": the flight recorder is not enabled");
  dump_due_ = false;
  RETURN_IF_ERROR(impl_->Flush());
  uint64_t oldest = impl_->FlightOldestNs();
  if (!oldest)
    return OkStatus();  // nothing since the last dump
  uint64_t dropped = impl_->FlightDropped();
  size_t first = 0;
  if (dropped || !live.empty()) {
    // The dump's own chunk, made now and placed first, dated at the oldest event kept.
    impl_->FlightHold(true);
    if (dropped)
      Add(LossRecord{0, 0, dropped, 0,
                     "flight recorder: the events before these were not kept "
                     "(--flight-recorder SIZE)",
                     oldest});
    for (FdSnapshotRecord s : live) {
      s.time_ns = oldest;
      Add(s);
    }
    Status st = impl_->Flush();
    impl_->FlightHold(false);
    RETURN_IF_ERROR(st);
    first = 1;
  }
  ASSIGN_OR_RETURN(int fd, OpenNextPart());
  uint64_t events = 0, syscalls = 0;
  Status st = impl_->WriteFlight(fd, EncodeFileHeader(header_), first, &events, &syscalls);
  if (st.ok())
    st = impl_->WriteFooter(syscalls, events, dropped);
  if (!st.ok())
    return Status(st.code(), path_ + ": " + st.message());
  bytes_before_ += impl_->bytes();
  parts_.push_back({path_, events});
  flight_dropped_ += dropped;
  if (options_.max_files)
    TrimFiles();
  return OkStatus();
}

Status TraceWriter::Close() {
  if (!impl_)
    return close_status_;
  if (options_.flight_bytes) {
    // The end of the recording is a trigger: what the ring holds is dumped.
    Status st = Dump({});
    Status stopped = impl_->Stop();
    if (st.ok())
      st = stopped;
    // Events dropped after the last dump and never written.
    lost_at_close_ = impl_->lost();
    bytes_at_close_ = bytes_before_;
    impl_.reset();
    close_status_ = st.ok() ? st : Status(st.code(), path_ + ": " + st.message());
    return close_status_;
  }
  Status st =
      impl_->Finish(syscalls_ - part_syscalls_, events_ - part_events_, lost_events_ - part_lost_);
  bytes_at_close_ = bytes_before_ + impl_->bytes();
  lost_at_close_ = impl_->lost();
  impl_.reset();
  if (st.ok() && parts_.size() > 1 && events_ == part_events_) {
    // Rotated just before the end, with nothing after: no file of no events.
    if (unlink(path_.c_str()) == 0) {
      bytes_at_close_ = bytes_before_;
      parts_.pop_back();
      path_ = parts_.back().path;
    }
  }
  if (!parts_.empty())
    parts_.back().events = events_ - part_events_;
  close_status_ = st.ok() ? st : Status(st.code(), path_ + ": " + st.message());
  return close_status_;
}

Status TraceWriter::status() const {
  if (!impl_)
    return close_status_;
  Status st = impl_->status();
  if (!st.ok())
    return Status(st.code(), path_ + ": " + st.message());
  return st;
}

bool TraceWriter::failed() const {
  return impl_ ? impl_->failed() : !close_status_.ok();
}

uint64_t TraceWriter::events_lost() const {
  return impl_ ? impl_->lost() : lost_at_close_;
}

uint64_t TraceWriter::bytes_written() const {
  return impl_ ? bytes_before_ + impl_->bytes() : bytes_at_close_;
}

Status TraceWriter::FailedClosed() const {
  return InternalError(path_ + ": writer is closed");
}

Status CopyEvents(TraceReader* reader,
                  TraceWriter* writer,
                  const std::function<bool(uint64_t, const fb::Event&)>& keep,
                  uint64_t* read,
                  uint64_t* written) {
  while (true) {
    ASSIGN_OR_RETURN(const fb::Event* e, reader->Next());
    if (!e)
      return OkStatus();
    uint64_t ordinal = (*read)++;
    if (keep && !keep(ordinal, *e))
      continue;
    if (!writer->Add(*e))
      return Status(StatusCode::kDataLoss, reader->path() + ": an event without a body");
    (*written)++;
    if (writer->failed())
      return writer->status();
  }
}

Status CloseOrRemove(TraceWriter* writer, const std::string& path, Status st) {
  Status closed = writer->Close();
  if (st.ok())
    st = closed;
  if (!st.ok()) {
    struct stat sb;
    if (lstat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode))
      unlink(path.c_str());
  }
  return st;
}

}  // namespace strec::format

// TraceWriter: appends events to a .strec file.
//
// One producer thread (the tracer) calls Add*() and Flush(); the writer owns a background thread
// that compresses finished chunks with zstd and writes them. At most `max_chunks_in_flight`
// chunks wait for that thread: a producer that gets ahead blocks (back-pressure), so memory stays
// bounded. A chunk is cut when its FlatBuffer reaches `chunk_bytes`, or when its oldest event is
// `flush_interval_ns` old at the next Add (so a killed recorder loses about a second at most).
// A failed write (ENOSPC, EIO) is kept and returned by status(), Flush() and Close(); nothing is
// dropped silently. Files are created with mode 0600. Layout: format/README.md.
#ifndef STREC_FORMAT_TRACE_WRITER_H_
#define STREC_FORMAT_TRACE_WRITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "strec/format/event.h"
#include "strec/format/redact.h"
#include "strec/format/status.h"

namespace strec::format {

class TraceReader;

// A recording a joined trace was made from (fb::Recording; strec cat of different hosts).
struct RecordingInfo {
  std::string hostname, kernel_release;
  uint64_t realtime_ns = 0, monotonic_ns = 0;
  int32_t recorder_pid = 0;
  std::vector<std::string> command;
  int32_t pid_base = 0;
  std::string source;
};

struct HeaderInfo {
  std::string tool_version;
  std::string hostname, kernel_release, kernel_version, machine;
  uint32_t arch = kArchX86_64;
  uint64_t realtime_ns = 0, monotonic_ns = 0;
  std::vector<std::string> command;
  std::vector<int32_t> attached_pids;
  uint32_t snaplen = 256;
  std::string trace_expr;
  bool follow_forks = true;
  bool seccomp_filter = false;
  bool capture_env = false;
  std::string backend = "ptrace";  // the recorder backend: "ptrace" or "bpf"
  std::string backend_note;        // why that backend, when --backend auto chose it
  std::string redacted;            // what redaction removed ("data,argv"; set by the Redactor)
  std::string redact_key;          // "random" or "key FINGERPRINT" (set by the Redactor)
  uint32_t page_size = 4096;
  int32_t recorder_pid = 0;
  uint32_t part = 0;      // set by the writer: N >= 1 for file N of a rotated recording
  std::string rotation;   // set by the writer: its rotation settings (RotationText)
  std::string selection;  // which processes the recorder took up: "all", "cgroup=/x comm=y"
  std::string origin;     // what a trace made from others (slice, cat) was made from
  bool pidns = false;     // PidNs records follow tasks in other pid namespaces (ptrace backend)
  std::vector<RecordingInfo> recordings;  // a joined trace's (empty: one recording)

  // Fills host facts (uname, clocks, page size, pid, version) and leaves the rest.
  static HeaderInfo ForThisHost();
  // The header of an existing trace, to write a copy of it.
  static HeaderInfo FromTrace(const fb::Header& h);
};

// How an event is moved into a joined trace (strec cat of several recordings): pid_base added to
// every non-zero pid and tid (the event's, a spawned child's, a former execve thread's), shift_ns
// to every non-zero time.
struct EventMap {
  int32_t pid_base = 0;
  int64_t shift_ns = 0;
};

struct WriterOptions {
  size_t chunk_bytes = 1 << 20;
  uint64_t flush_interval_ns = 1'000'000'000;
  // 6: a syscall-heavy mix compresses to 30% less than at zstd's default 3, for about one more
  // microsecond of the writer thread per 4 events (bench/README.md).
  int zstd_level = 6;
  int max_chunks_in_flight = 3;
  // Replace an existing file (a regular file of this user) instead of failing: see
  // CreateOutputFile in io.h, which makes every trace (0600, never through a symbolic link).
  bool replace = false;
  // Redaction applied to everything written, header included (redact.h); null: none.
  std::shared_ptr<const Redactor> redactor;
  // Rotation: with either limit set, the recording is written as PATH.0001.strec,
  // PATH.0002.strec, ... (PartPath), each a complete trace; the producer asks RotationDue() and
  // calls Rotate() when it can introduce the live processes again in the next file. max_files:
  // the oldest files beyond that many are deleted (0: none).
  uint64_t rotate_bytes = 0;
  uint64_t rotate_ns = 0;
  uint32_t max_files = 0;
  // Flight recorder: keep only about this many bytes of the newest compressed chunks in memory
  // and write nothing until Dump() (DumpDue() says when a trigger below has fired; Close()
  // dumps what is left). Each dump is PATH.NNNN.strec, a complete trace of what the ring held;
  // max_files applies to them.
  uint64_t flight_bytes = 0;
  bool trigger_exit = false;     // a process exits non-zero or is killed by a signal
  int trigger_errno = 0;         // a syscall fails with this errno
  uint64_t trigger_slow_ns = 0;  // a syscall takes at least this long
};

// "max-size 64 MiB, max-duration 60 s, max-files 10": what the header records.
std::string RotationText(const WriterOptions& options);
// PATH (without its ".strec") + ".NNNN.strec": the file of part N of a rotated recording.
std::string PartPath(const std::string& path, uint32_t part);
// The first file a writer created with PATH and these options writes: PATH, or part 1 when it
// rotates or dumps a flight recorder.
std::string FirstFilePath(const std::string& path, const WriterOptions& options);

class TraceWriter {
 public:
  static StatusOr<std::unique_ptr<TraceWriter>> Create(const std::string& path,
                                                       const HeaderInfo& header,
                                                       const WriterOptions& options = {});
  ~TraceWriter();  // closes (and writes the footer) if Close() was not called
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void Add(const SyscallRecord& r);
  void Add(const SpawnRecord& r);
  void Add(const ExecRecord& r);
  void Add(const ExitRecord& r);
  void Add(const SignalRecord& r);
  void Add(const DetachRecord& r);
  void Add(const FdSnapshotRecord& r);
  void Add(const LossRecord& r);
  void Add(const PidNsRecord& r);
  // A recorded event as it was read (times absolute: TraceReader restores them), e.g. to copy a
  // trace; `map` moves it into a joined trace. Returns false, adding nothing, for an event
  // without a body.
  bool Add(const fb::Event& e, const EventMap& map = {});

  // Cuts the current chunk if its oldest event is older than the flush interval at `now_ns`.
  void MaybeFlush(uint64_t now_ns);
  // Rotation (WriterOptions::rotate_*): whether the current file has reached its size or the
  // duration (by the events' times). Cheap: for every stop.
  bool RotationDue() const;
  // Ends the current file (its chunks, footer and trailer) and starts the next one, with the
  // same header but its part number. The producer then adds what a reader of that file alone
  // needs first (an fd snapshot of each live process). Deletes the oldest file beyond
  // max_files.
  Status Rotate();
  bool flight_recorder() const { return options_.flight_bytes != 0; }
  // The time of the latest event added: where a new file's snapshots belong.
  uint64_t last_time_ns() const { return last_time_ns_; }
  // Flight recorder: whether a trigger fired since the last dump.
  bool DumpDue() const { return dump_due_; }
  // Writes what the ring holds as the next dump file: first a note of the events the ring
  // dropped before it (a Loss record) and `live` (an fd snapshot of each process traced now,
  // dated at the oldest event kept, so that -y names fds opened before), then the events.
  // Nothing is written when the ring is empty.
  Status Dump(std::span<const FdSnapshotRecord> live);
  // Events the flight recorder's ring dropped before the dumps (each dump notes its own).
  uint64_t flight_dropped() const { return flight_dropped_; }
  // The files of the recording that are on disk, in order (one without rotation).
  std::vector<std::string> paths() const;
  // Rotation with max_files: the files deleted, and the events they held.
  uint32_t files_deleted() const { return files_deleted_; }
  uint64_t events_deleted() const { return events_deleted_; }
  // Hands the current chunk to the writer thread and waits until everything is on disk.
  Status Flush();
  // Writes the rest, the footer and the trailer; fsyncs; closes the file. Idempotent.
  Status Close();
  // The first error the writer met, if any.
  Status status() const;
  // Whether a write has failed: cheap (no lock), for a producer's periodic check. After a
  // failure, later chunks are not written; their events are counted in events_lost().
  bool failed() const;
  uint64_t events_lost() const;

  // The file being written (the first, with rotation, until Rotate()).
  const std::string& path() const { return path_; }
  uint64_t events() const { return events_; }  // in all the files
  uint64_t syscalls() const { return syscalls_; }
  uint64_t bytes_written() const;  // file bytes so far, in all the files

 private:
  class Impl;
  TraceWriter(std::string path, std::unique_ptr<Impl> impl);
  std::string path_;
  std::unique_ptr<Impl> impl_;
  Status FailedClosed() const;
  uint64_t events_ = 0;
  uint64_t syscalls_ = 0;
  uint64_t lost_events_ = 0;  // the events the Loss records stand for (the footer says)
  uint64_t bytes_at_close_ = 0;
  uint64_t lost_at_close_ = 0;
  Status close_status_;
  // The files of a rotated recording or a flight recorder's dumps.
  struct Part {
    std::string path;
    uint64_t events = 0;
  };
  std::string base_;         // the path given to Create
  HeaderInfo header_;        // as written (redacted), part number aside
  WriterOptions options_;    // as given to Create
  std::vector<Part> parts_;  // on disk, oldest first
  uint64_t part_events_ = 0, part_syscalls_ = 0, part_lost_ = 0;  // at its start
  uint64_t bytes_before_ = 0;                                     // in the files finished before
  uint32_t files_deleted_ = 0;
  uint64_t events_deleted_ = 0;
  bool trim_pending_ = false;  // max_files: delete the oldest at the new file's first event
  bool dump_due_ = false;
  uint64_t last_time_ns_ = 0;
  uint64_t flight_dropped_ = 0;
  void Added(uint64_t time_ns, flatbuffers::Offset<fb::Event> event, bool syscall);
  void TrimFiles();
  // The next part's file (rotation, a dump): its number in header_, its name in path_.
  StatusOr<int> OpenNextPart();
  // Scratch space for redacted buffers and their bytes (producer side).
  std::vector<BufferRecord> redacted_buffers_;
  std::vector<std::string> redacted_bytes_;
};

// Copies the events of `reader` into `writer` in order: those keep(ordinal, event) says to keep,
// or all when keep is empty (keep may Add() events of its own before the one it is asked about).
// *read and *written count them. Stops at the first error of either side.
Status CopyEvents(TraceReader* reader,
                  TraceWriter* writer,
                  const std::function<bool(uint64_t, const fb::Event&)>& keep,
                  uint64_t* read,
                  uint64_t* written);

// Closes a writer that made `path` from other traces; when `st` or the close failed, removes
// path (no half copy is left) and returns the first error.
Status CloseOrRemove(TraceWriter* writer, const std::string& path, Status st);

}  // namespace strec::format

#endif  // STREC_FORMAT_TRACE_WRITER_H_

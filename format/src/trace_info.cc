#include "strec/format/trace_info.h"
#include "strec/format/time_point.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "strec/format/trace_reader.h"

namespace strec::format {

std::string EscapeForTerminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

namespace {

std::string Str(const flatbuffers::String* s) {
  return s ? EscapeForTerminal(s->string_view()) : "";
}

}  // namespace

Status PrintTraceInfo(const std::string& path, std::ostream& out) {
  ASSIGN_OR_RETURN(auto reader, TraceReader::Open(path, {.skip_damaged = true}));
  const fb::Header& h = reader->header();
  out << "file:        " << EscapeForTerminal(path) << " (" << reader->file_size() << " bytes)\n";
  out << "format:      " << reader->major_version() << "." << reader->minor_version() << "\n";
  out << "recorded by: strec " << Str(h.tool_version()) << " (pid " << h.recorder_pid() << ")\n";
  out << "host:        " << Str(h.hostname()) << ", Linux " << Str(h.kernel_release()) << " "
      << Str(h.machine()) << "\n";
  out << "started:     " << FormatRealtime(h.realtime_ns()) << "\n";
  if (h.command() && h.command()->size() > 0) {
    out << "command:    ";
    for (const auto* a : *h.command())
      out << " " << Str(a);
    out << "\n";
  }
  if (h.recordings()) {
    // A joined trace: each recording, and how its pids read (strec-replay prefixes host:pid).
    for (const fb::Recording* r : *h.recordings()) {
      out << "recording:   " << Str(r->hostname()) << ", Linux " << Str(r->kernel_release())
          << ", started " << FormatRealtime(r->realtime_ns()) << ", from " << Str(r->source())
          << ", pids + " << r->pid_base();
      if (r->command() && r->command()->size() > 0) {
        out << ":";
        for (const auto* a : *r->command())
          out << " " << Str(a);
      }
      out << "\n";
    }
  }
  if (h.attached_pids() && h.attached_pids()->size() > 0) {
    out << "attached:   ";
    for (int32_t p : *h.attached_pids())
      out << " " << p;
    out << "\n";
  }
  if (const auto* s = h.settings()) {
    out << "snaplen:     " << s->snaplen() << "\n";
    std::string expr = Str(s->trace_expr());
    out << "trace set:   " << (expr.empty() ? "all" : expr)
        << (s->seccomp_filter() ? " (seccomp-bpf filter)" : "") << "\n";
    out << "backend:     "
        << (s->backend() && s->backend()->size() ? s->backend()->str() : "ptrace");
    if (std::string note = Str(s->backend_note()); !note.empty())
      out << " (" << EscapeForTerminal(note) << ")";
    out << "\n";
    out << "environment: " << (s->capture_env() ? "kept (--capture-env)" : "count only") << "\n";
    out << "follow:      " << (s->follow_forks() ? "forks, vforks, clones" : "first process only")
        << "\n";
    if (std::string origin = Str(s->origin()); !origin.empty())
      out << "made from:   " << EscapeForTerminal(origin) << "\n";
    if (std::string selection = Str(s->selection()); !selection.empty())
      out << "selection:   " << EscapeForTerminal(selection)
          << " (processes taken up when first seen, and their children)\n";
    if (std::string rotation = Str(s->rotation()); !rotation.empty())
      out << "rotation:    " << EscapeForTerminal(rotation) << "; this file is part " << h.part()
          << " (read the parts together: strec-replay NAME.*.strec)\n";
    std::string redacted = Str(s->redacted());
    out << "redacted:    "
        << (redacted.empty() ? std::string("nothing (the trace holds the data as recorded)")
                             : EscapeForTerminal(redacted) + " (digests keyed: " +
                                   EscapeForTerminal(Str(s->redact_key())) + ")")
        << "\n";
  }
  out << "footer:      " << (reader->footer() ? "present" : "missing") << "\n";
  for (const auto& w : reader->warnings())
    out << "warning:     " << EscapeForTerminal(w) << "\n";

  uint64_t counts[static_cast<int>(fb::Body::MAX) + 1] = {};
  uint64_t entries = 0, lost = 0, compressed = 0, raw = 0, first = 0, last = 0;
  DecodedChunk chunk;
  const auto& chunks = reader->chunks();
  std::vector<std::string> damaged;
  uint64_t damaged_events = 0;
  for (size_t i = 0; i < chunks.size(); i++) {
    if (Status st = reader->ReadChunk(i, &chunk); !st.ok()) {
      damaged.push_back(reader->SkippedChunkWarning(i, st));
      damaged_events += chunks[i].event_count;
      continue;
    }
    compressed += chunks[i].compressed_len;
    raw += chunk.raw_size();
    for (size_t e = 0; e < chunk.size(); e++) {
      const fb::Event* ev = chunk.event(e);
      auto type = static_cast<size_t>(ev->body_type());
      if (type < std::size(counts))
        counts[type]++;
      if (ev->body_type() == fb::Body::Syscall &&
          ev->body_as_Syscall()->phase() == fb::SyscallPhase::Entry)
        entries++;
      if (ev->body_type() == fb::Body::Loss)
        lost += ev->body_as_Loss()->events();
    }
    if (i == 0)
      first = chunks[i].first_ns;
    last = chunks[i].last_ns;
  }
  char ratio[32];
  snprintf(ratio, sizeof ratio, "%.1f", compressed ? static_cast<double>(raw) / compressed : 0.0);
  out << "chunks:      " << chunks.size() << " (" << raw << " bytes of FlatBuffers in "
      << compressed << " bytes of zstd, ratio " << ratio << ")\n";
  uint64_t events = 0;
  for (uint64_t c : counts)
    events += c;
  out << "events:      " << events << "\n";
  out << "  syscalls:  " << counts[static_cast<int>(fb::Body::Syscall)] - entries << " (" << entries
      << " split into entry and exit)\n";
  out << "  spawns:    " << counts[static_cast<int>(fb::Body::Spawn)] << "\n";
  out << "  execs:     " << counts[static_cast<int>(fb::Body::Exec)] << "\n";
  out << "  exits:     " << counts[static_cast<int>(fb::Body::Exit)] << "\n";
  out << "  signals:   " << counts[static_cast<int>(fb::Body::Signal)] << "\n";
  out << "  detaches:  " << counts[static_cast<int>(fb::Body::Detach)] << "\n";
  out << "  fd snapshots: " << counts[static_cast<int>(fb::Body::FdSnapshot)] << "\n";
  if (uint64_t n = counts[static_cast<int>(fb::Body::PidNs)])
    out << "  pid namespace ids: " << n << "\n";
  out << "lost events: " << lost << "\n";
  if (!chunks.empty()) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.6f s", static_cast<double>(last - first) / 1e9);
    out << "time span:   " << buf << "\n";
  }
  for (const std::string& d : damaged)
    out << "damaged:     " << EscapeForTerminal(d) << "\n";
  if (!damaged.empty() || reader->damaged_chunks())
    return DataLoss(path + ": " + std::to_string(damaged.size() + reader->damaged_chunks()) +
                    " damaged chunk(s) left out of these counts (" +
                    std::to_string(damaged_events + reader->skipped_events()) +
                    " events known lost)");
  return OkStatus();
}

}  // namespace strec::format

#include "strec/replay/replay.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <utility>

#include "strec/format/io.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/text_renderer.h"
#include "strec/replay/xlat.h"

namespace strec::replay {

namespace {

// Renders the whole stream into sink; *lost counts the events the recording lost.
Status Run(EventStream* stream, const ReplayConfig& config, LineSink* sink, uint64_t* lost) {
  std::unique_ptr<TextRenderer> text;
  std::unique_ptr<JsonRenderer> json;
  if (config.json)
    json = std::make_unique<JsonRenderer>(config.render, stream->header(), sink);
  else
    text = std::make_unique<TextRenderer>(config.render, stream->header(), sink);
  for (;;) {
    auto next = stream->Next();
    if (!next.ok())
      return next.status();
    const Event* e = *next;
    if (!e)
      break;
    if (e->type == EventType::kLoss)
      *lost += e->lost_events;
    Status st = json ? json->OnEvent(*e, stream) : text->OnEvent(*e, stream);
    if (!st.ok())
      return st;
  }
  if (!(json ? json->pids_matched() : text->pids_matched())) {
    std::string list;
    for (int32_t pid : config.render.pids) {
      if (!list.empty())
        list += ',';
      list += std::to_string(pid);
    }
    return NotFound("-p " + list + ": no such process in the trace (strec info lists them)");
  }
  return text ? text->Finish() : OkStatus();
}

// Passes st on, after the reader's warnings and one when the recording lost events (the text
// shows where, in "/* strec: N events lost here ... */" lines; JSON in "loss" objects). Chunks
// the reader skipped as damaged make it an error: the output lacks their events.
Status WithWarnings(Status st,
                    const format::TraceReader& reader,
                    uint64_t lost,
                    std::vector<std::string>* warnings) {
  if (warnings) {
    for (const auto& w : reader.warnings())
      warnings->push_back(w);
    if (lost)
      warnings->push_back(std::to_string(lost) + (lost == 1 ? " event was" : " events were") +
                          " lost while recording: the replay lacks them (see the lines that "
                          "say where)");
  }
  if (st.ok() && reader.damaged_chunks())
    return DataLoss(reader.path() + ": " + std::to_string(reader.damaged_chunks()) +
                    " damaged chunk(s) skipped (" + std::to_string(reader.skipped_events()) +
                    " events known lost): the replay lacks them");
  return st;
}

}  // namespace

Status Replay(const ReplayConfig& config, FILE* out, std::vector<std::string>* warnings) {
  // A damaged chunk costs its own events, not the rest: it is skipped, said, and the exit
  // status says the output is incomplete.
  auto stream = EventStream::Open(config.traces, {.skip_damaged = true});
  if (!stream.ok())
    return stream.status();
  const fb::CaptureSettings* settings = (*stream)->header().settings();
  if (config.render.pidns && warnings && !(settings && settings->pidns()))
    warnings->push_back(
        "no pid namespace data in this trace (recorded with --backend bpf, or by an older "
        "strec-record): --pidns-translation shows the ids as the tasks saw them, untranslated");
  uint64_t lost = 0;
  if (config.per_thread) {
    if (config.output.empty())
      return InvalidArgument("-ff needs -o FILE (the files are named FILE.TID)");
    PerThreadSink sink(config.output);
    Status st = Run(stream->get(), config, &sink, &lost);
    return WithWarnings(st, (*stream)->reader(), lost, warnings);
  }
  FILE* f = out;
  if (!config.output.empty()) {
    // 0600, never through a symbolic link nor into another user's file (format/io.h).
    ASSIGN_OR_RETURN(int fd, format::CreateOutputFile(config.output, /*replace=*/true));
    f = fdopen(fd, "w");
    if (!f) {
      close(fd);
      return IoError("cannot create " + config.output + ": " + strerror(errno));
    }
    setvbuf(f, nullptr, _IOFBF, 1 << 16);  // fewer, larger writes than st_blksize's
  }
  FileSink sink(f);
  Status st = Run(stream->get(), config, &sink, &lost);
  st = WithWarnings(st, (*stream)->reader(), lost, warnings);
  Status flushed = sink.Flush();  // what was rendered before an error too
  if (st.ok())
    st = flushed;
  if (f != out) {
    if (fclose(f) != 0 && st.ok())
      st = IoError("cannot write " + config.output + ": " + strerror(errno));
  } else {
    fflush(f);
  }
  return st;
}

StatusOr<std::string> ReplayToString(const std::string& trace,
                                     const RenderOptions& options,
                                     bool json) {
  auto stream = EventStream::Open(trace);
  if (!stream.ok())
    return stream.status();
  ReplayConfig config;
  config.traces = {trace};
  config.json = json;
  config.render = options;
  StringSink sink;
  uint64_t lost = 0;
  Status st = Run(stream->get(), config, &sink, &lost);
  if (!st.ok())
    return st;
  return sink.text();
}

namespace {

// Splits "a,b,c" after its leading '!'s.
std::vector<std::string> SetWords(std::string e, bool* negate) {
  // Each leading '!' flips the set ("!!!0" is "!0").
  size_t bangs = e.find_first_not_of('!');
  if (bangs == std::string::npos)
    bangs = e.size();
  *negate = bangs % 2;
  e = e.substr(bangs);
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= e.size()) {
    size_t end = e.find(',', start);
    if (end == std::string::npos)
      end = e.size();
    out.push_back(e.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool ParseInt(const std::string& w, int64_t* v) {
  if (w.empty() || w.size() > 10 || w.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *v = std::stoll(w);
  return true;
}

}  // namespace

bool ParseStatusSet(const std::string& expr, uint32_t* bits, std::string* error) {
  bool negate;
  uint32_t v = 0;
  for (const std::string& w : SetWords(expr, &negate)) {
    if (w == "all")
      v |= kStatusAll;
    else if (w == "none")
      v |= 0;
    else if (w == "successful")
      v |= kStatusSuccessful;
    else if (w == "failed")
      v |= kStatusFailed;
    else if (w == "unfinished")
      v |= kStatusUnfinished;
    else if (w == "unavailable")
      v |= kStatusUnavailable;
    else if (w == "detached")
      v |= kStatusDetached;
    else {
      *error = "invalid status '" + w + "'";
      return false;
    }
  }
  *bits = negate ? (kStatusAll & ~v) : v;
  return true;
}

bool ParseSignalSet(const std::string& expr, uint64_t* mask, std::string* error) {
  bool negate;
  uint64_t v = 0;
  for (std::string w : SetWords(expr, &negate)) {
    int64_t n;
    for (char& ch : w)
      ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
    if (w == "ALL") {
      v = ~0ull;
    } else if (w == "NONE") {
    } else if (ParseInt(w, &n)) {
      if (n < 1 || n > 64) {
        *error = "invalid signal '" + w + "'";
        return false;
      }
      v |= 1ull << (n - 1);
    } else {
      std::string name = w.rfind("SIG", 0) == 0 ? w : "SIG" + w;
      int found = 0;
      for (int sig = 1; sig <= 64 && !found; sig++)
        if (SignalName(sig) == name)
          found = sig;
      if (!found) {
        *error = "invalid signal '" + w + "'";
        return false;
      }
      v |= 1ull << (found - 1);
    }
  }
  *mask = negate ? ~v : v;
  return true;
}

bool ParseFdSet(const std::string& expr, FdSet* set, std::string* error) {
  bool negate;
  FdSet s;
  for (const std::string& w : SetWords(expr, &negate)) {
    int64_t n;
    if (w == "all") {
      s.negated = true;
      s.fds.clear();
    } else if (w == "none") {
    } else if (ParseInt(w, &n) && n <= INT32_MAX) {
      if (s.negated)
        s.fds.erase(static_cast<int>(n));
      else
        s.fds.insert(static_cast<int>(n));
    } else {
      *error = "invalid descriptor '" + w + "'";
      return false;
    }
  }
  if (negate)
    s.negated = !s.negated;
  *set = s;
  return true;
}

bool ParseQuietSet(const std::string& expr, RenderOptions* opt, std::string* error) {
  bool negate;
  bool exit = false, superseded = false;
  for (const std::string& w : SetWords(expr, &negate)) {
    if (w == "all") {
      exit = superseded = true;
    } else if (w == "exit" || w == "exits") {
      exit = true;
    } else if (w == "thread-execve" || w == "superseded") {
      superseded = true;
    } else if (w == "none" || w == "attach" || w == "personality" || w == "path-resolution") {
      // Messages strace writes to stderr, or never for a recorded run: nothing to hide.
    } else {
      *error = "invalid quiet value '" + w + "'";
      return false;
    }
  }
  opt->quiet_exit = exit != negate;
  opt->quiet_superseded = superseded != negate;
  return true;
}

bool ParsePrecision(const std::string& p, int* digits) {
  static const std::pair<const char*, int> kUnits[] = {{"s", 0}, {"ms", 3}, {"us", 6}, {"ns", 9}};
  for (const auto& [name, d] : kUnits)
    if (p == name) {
      *digits = d;
      return true;
    }
  return false;
}

bool ParseAbsoluteTimestamps(const std::string& spec, int* style, int* digits) {
  *style = 1;
  *digits = 0;
  bool negate;
  for (std::string w : SetWords(spec, &negate)) {
    bool format = w.rfind("format:", 0) == 0, precision = w.rfind("precision:", 0) == 0;
    if (format || precision)
      w = w.substr(format ? 7 : 10);
    if (!precision && (w == "time" || w == "unix"))
      *style = w == "time" ? 1 : 3;
    else if (!format && ParsePrecision(w, digits))
      continue;
    else if (!w.empty() || format || precision)
      return false;
  }
  return !negate;
}

bool ParseDecodeFds(const std::string& spec, int* y, int* kinds) {
  bool negate;
  int v = 0, k = 0;
  bool all = false;
  for (const std::string& w : SetWords(spec, &negate)) {
    if (w == "none")
      continue;
    if (w == "path") {
      v = std::max(v, 1);
      k |= 1;
    } else if (w == "socket" || w == "dev" || w == "pidfd" || w == "all") {
      v = 2;  // as -yy: what the trace has (paths)
      k |= w == "socket" ? 2 : w == "dev" ? 4 : 8;
      all = all || w == "all";
    } else {
      return false;
    }
  }
  *y = v;
  if (kinds)
    *kinds = all ? 0 : k;
  return !negate;
}

}  // namespace strec::replay

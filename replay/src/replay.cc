#include "strec/replay/replay.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include "strec/replay/event_stream.h"
#include "strec/replay/json_renderer.h"
#include "strec/replay/text_renderer.h"

namespace strec::replay {

namespace {

Status Run(EventStream* stream, const ReplayConfig& config, LineSink* sink) {
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
    Status st = json ? json->OnEvent(*e, stream) : text->OnEvent(*e, stream);
    if (!st.ok())
      return st;
  }
  return text ? text->Finish() : OkStatus();
}

}  // namespace

Status Replay(const ReplayConfig& config, FILE* out, std::vector<std::string>* warnings) {
  auto stream = EventStream::Open(config.trace);
  if (!stream.ok())
    return stream.status();
  if (warnings)
    for (const auto& w : (*stream)->reader().warnings())
      warnings->push_back(w);
  if (config.per_thread) {
    if (config.output.empty())
      return InvalidArgument("-ff needs -o FILE (the files are named FILE.TID)");
    PerThreadSink sink(config.output);
    return Run(stream->get(), config, &sink);
  }
  FILE* f = out;
  if (!config.output.empty()) {
    f = fopen(config.output.c_str(), "we");
    if (!f)
      return IoError("cannot create " + config.output + ": " + strerror(errno));
  }
  FileSink sink(f);
  Status st = Run(stream->get(), config, &sink);
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
  config.trace = trace;
  config.json = json;
  config.render = options;
  StringSink sink;
  Status st = Run(stream->get(), config, &sink);
  if (!st.ok())
    return st;
  return sink.text();
}

bool ParseStatusSet(const std::string& expr, uint32_t* bits, std::string* error) {
  std::string e = expr;
  bool negate = !e.empty() && e[0] == '!';
  if (negate)
    e = e.substr(1);
  uint32_t v = 0;
  size_t start = 0;
  while (start <= e.size()) {
    size_t end = e.find(',', start);
    if (end == std::string::npos)
      end = e.size();
    std::string w = e.substr(start, end - start);
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
    start = end + 1;
  }
  *bits = negate ? (kStatusAll & ~v) : v;
  return true;
}

}  // namespace strec::replay

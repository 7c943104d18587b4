#include "fuzz/fuzz_common.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

#include "strec/analyze/analyze.h"
#include "strec/analyze/report.h"
#include "strec/format/container.h"
#include "strec/format/redact.h"
#include "strec/format/trace_info.h"
#include "strec/format/trace_reader.h"
#include "strec/replay/replay.h"

namespace strec::fuzz {

using format::GetU32;
using format::PutU32;

void FixChecksums(std::vector<uint8_t>* file) {
  std::vector<uint8_t>& f = *file;
  if (f.size() < format::kFileHeaderSize)
    return;
  uint32_t header_len = GetU32(&f[12]);
  if (header_len <= f.size() - format::kFileHeaderSize)
    PutU32(&f[16], format::Crc32c(&f[format::kFileHeaderSize], header_len));
  PutU32(&f[20], format::Crc32c(f.data(), 20));
  // The chunks, one after the other from the header's end, as long as each starts with its magic.
  uint64_t at = format::kFileHeaderSize + uint64_t{header_len};
  for (uint32_t seq = 0; at + format::kChunkHeaderSize <= f.size(); seq++) {
    if (GetU32(&f[at]) != format::kChunkMagic)
      break;
    format::ChunkHeader h;
    h.compressed_len = GetU32(&f[at + 4]);
    h.raw_len = GetU32(&f[at + 8]);
    h.event_count = GetU32(&f[at + 12]);
    h.sequence = GetU32(&f[at + 20]);
    h.flags = GetU32(&f[at + 24]);
    std::memcpy(&h.first_ns, &f[at + 32], 8);
    std::memcpy(&h.last_ns, &f[at + 40], 8);
    uint64_t payload = at + format::kChunkHeaderSize;
    if (h.compressed_len <= f.size() - payload)
      h.payload_crc = format::Crc32c(&f[payload], h.compressed_len);
    h.Encode(&f[at]);
    at = payload + h.compressed_len;
  }
}

void ReadEverywhere(const std::vector<uint8_t>& file) {
  int fd = memfd_create("strec-fuzz", MFD_CLOEXEC);
  if (fd < 0)
    return;
  if (write(fd, file.data(), file.size()) != static_cast<ssize_t>(file.size())) {
    close(fd);
    return;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  static FILE* devnull = fopen("/dev/null", "w");

  // The reader on its own, strict (the first error ends it) and skipping damaged chunks.
  for (bool skip : {false, true}) {
    auto r = format::TraceReader::Open(path, {.skip_damaged = skip});
    if (!r.ok())
      continue;
    for (int n = 0; n < 1000000; n++) {
      auto e = (*r)->Next();
      if (!e.ok() || !*e)
        break;
    }
  }
  // Replay as text with the options that decode the most, and as JSON.
  for (bool json : {false, true}) {
    replay::ReplayConfig config;
    config.traces = {path};
    config.json = json;
    config.render.decode_fds = 1;
    config.render.verbose = true;
    config.render.timestamps = 2;
    config.render.syscall_times = true;
    config.render.xflag = 1;
    std::vector<std::string> warnings;
    (void)replay::Replay(config, devnull, &warnings);
  }
  // The analyzer's chunk pass and its stream pass, with every view.
  for (bool stream : {false, true}) {
    analyze::AnalyzeOptions o;
    o.files = stream;
    o.slow = stream ? 5 : 0;
    o.threads = true;
    auto a = analyze::AnalyzeTraces({path}, o);
    if (a.ok()) {
      std::ostringstream out;
      analyze::ReportOptions ro;
      using analyze::View;
      ro.views = {View::kSummary, View::kPercentiles, View::kErrors, View::kProcesses,
                  View::kThreads};
      if (stream)
        ro.views.insert(ro.views.end(), {View::kFiles, View::kSlow});
      for (auto format : {analyze::OutputFormat::kTable, analyze::OutputFormat::kJson}) {
        ro.format = format;
        (void)analyze::WriteReport(*a, ro, out);
      }
    }
  }
  std::ostringstream info;
  (void)format::PrintTraceInfo(path, info);
  // A redacted copy (every category), replayed: the copy goes through TraceWriter::Add of each
  // event read, the classification of its buffers and the tokens; the replay prints markers.
  static std::shared_ptr<const format::Redactor> redactor =
      std::move(format::Redactor::Create(format::kRedactAll, "")).value();
  int out = memfd_create("strec-fuzz-redacted", MFD_CLOEXEC);
  if (out >= 0) {
    std::string copy = "/dev/fd/" + std::to_string(out);
    if (format::RedactTrace(path, copy, redactor, /*replace=*/true).ok()) {
      replay::ReplayConfig config;
      config.traces = {copy};
      config.render.decode_fds = 1;
      config.render.verbose = true;
      std::vector<std::string> warnings;
      (void)replay::Replay(config, devnull, &warnings);
    }
    close(out);
  }
  close(fd);
}

}  // namespace strec::fuzz

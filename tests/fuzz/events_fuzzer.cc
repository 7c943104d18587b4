// libFuzzer target: the input is the decompressed content of one chunk (size-prefixed event
// FlatBuffers, 8-aligned), wrapped here in a valid container (a real trace's header, a chunk
// header that agrees with it, zstd), so that every mutation is an event the readers must
// survive: the renderers' decoders and the analyzer see whatever the verifier lets through.
#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "strec/format/container.h"
#include "strec/format/trace_writer.h"

namespace {

// The file header and header FlatBuffer of a trace with no events.
const std::vector<uint8_t>& Prefix() {
  static const std::vector<uint8_t> prefix = [] {
    char path[] = "/tmp/strec-fuzz-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    strec::format::HeaderInfo h;
    h.command = {"/bin/fuzz", "arg"};
    h.monotonic_ns = 1'000'000'000;
    h.realtime_ns = 1'700'000'000'000'000'000;
    { auto w = strec::format::TraceWriter::Create(path, h); }
    FILE* f = fopen(path, "rb");
    std::vector<uint8_t> bytes(strec::format::kFileHeaderSize);
    if (f && fread(bytes.data(), 1, bytes.size(), f) == bytes.size()) {
      bytes.resize(bytes.size() + strec::format::GetU32(&bytes[12]));
      if (fread(bytes.data() + strec::format::kFileHeaderSize, 1,
                bytes.size() - strec::format::kFileHeaderSize, f) == 0)
        bytes.clear();
    }
    if (f)
      fclose(f);
    unlink(path);
    return bytes;
  }();
  return prefix;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strec::format;
  std::vector<uint8_t> raw(data, data + size);
  raw.resize(std::max<size_t>((raw.size() + 7) & ~size_t{7}, 8));
  // As many events as the reader will find walking the size prefixes.
  uint32_t events = 0;
  for (size_t at = 0; at + 4 <= raw.size(); events++) {
    uint32_t len = GetU32(&raw[at]);
    if (len == 0 || len > raw.size() - at - 4)
      break;
    at = (at + 4 + len + 7) & ~size_t{7};
  }
  std::vector<uint8_t> compressed(ZSTD_compressBound(raw.size()));
  compressed.resize(ZSTD_compress(compressed.data(), compressed.size(), raw.data(), raw.size(), 1));
  std::vector<uint8_t> file = Prefix();
  if (file.empty())
    return 0;
  ChunkHeader h;
  h.compressed_len = static_cast<uint32_t>(compressed.size());
  h.raw_len = static_cast<uint32_t>(raw.size());
  h.event_count = events;
  h.payload_crc = Crc32c(compressed.data(), compressed.size());
  h.first_ns = 1'000'000'000;
  h.last_ns = 2'000'000'000;
  size_t at = file.size();
  file.resize(at + kChunkHeaderSize);
  h.Encode(&file[at]);
  file.insert(file.end(), compressed.begin(), compressed.end());
  strec::fuzz::ReadEverywhere(file);
  return 0;
}

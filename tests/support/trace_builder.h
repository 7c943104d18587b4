// A small builder of synthetic traces for tests: events in code, no ptrace.
#ifndef STREC_TESTS_SUPPORT_TRACE_BUILDER_H_
#define STREC_TESTS_SUPPORT_TRACE_BUILDER_H_

#include <string>
#include <vector>

#include "strec/format/trace_writer.h"

namespace strec::testing {

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<uint8_t> ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes);
// Everything a trace file holds, readable: its bytes (header and footer are not compressed)
// followed by every chunk's decompressed events. What a search for a secret has to look at.
// Empty (and a test failure) if the trace does not read.
std::string AllTraceBytes(const std::string& path);

// Writes a trace of `syscalls` Complete syscall events (write(1, "x..", n) with a buffer of
// i % 300 bytes) plus one event of every other kind, with small chunks.
void WriteSampleTrace(const std::string& path, int syscalls, size_t chunk_bytes);

}  // namespace strec::testing

#endif  // STREC_TESTS_SUPPORT_TRACE_BUILDER_H_

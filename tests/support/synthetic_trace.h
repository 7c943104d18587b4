// Synthetic traces for benchmarks and tests: a trace file written in code (no tracee), at a fresh
// temporary path, removed when the object goes. The benchmarks' fixtures (bench/) and the tests
// share it so that each shape of trace is written one way.
#ifndef STREC_TESTS_SUPPORT_SYNTHETIC_TRACE_H_
#define STREC_TESTS_SUPPORT_SYNTHETIC_TRACE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "strec/format/trace_writer.h"

namespace strec::testing {

// A fresh path under /tmp that no file has ("/tmp/PREFIX-XXXXXX"): the writer creates the file
// itself (O_EXCL).
std::string FreshTempPath(const std::string& prefix);

class SyntheticTrace {
 public:
  // Writes the trace with `fill`, given the writer and the header's start time (events are
  // stamped from there on); the header is this host's, with command {"bench"}. Aborts if the
  // trace cannot be written: a benchmark or test without its input cannot go on.
  using Fill = std::function<void(format::TraceWriter& w, uint64_t start_ns)>;
  SyntheticTrace(const std::string& prefix, const Fill& fill);
  ~SyntheticTrace();
  SyntheticTrace(const SyntheticTrace&) = delete;
  SyntheticTrace& operator=(const SyntheticTrace&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace strec::testing

#endif  // STREC_TESTS_SUPPORT_SYNTHETIC_TRACE_H_

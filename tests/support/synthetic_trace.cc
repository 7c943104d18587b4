#include "support/synthetic_trace.h"

#include <unistd.h>

#include <cstdlib>

namespace strec::testing {

std::string FreshTempPath(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0)
    std::abort();
  close(fd);
  unlink(tmpl.c_str());  // a name of our own: the writer creates the file (O_EXCL)
  return tmpl;
}

SyntheticTrace::SyntheticTrace(const std::string& prefix, const Fill& fill)
    : path_(FreshTempPath(prefix)) {
  format::HeaderInfo h = format::HeaderInfo::ForThisHost();
  h.command = {"bench"};
  auto w = format::TraceWriter::Create(path_, h);
  if (!w.ok())
    std::abort();
  fill(**w, h.monotonic_ns);
  if (!(*w)->Close().ok())
    std::abort();
}

SyntheticTrace::~SyntheticTrace() {
  unlink(path_.c_str());
}

}  // namespace strec::testing

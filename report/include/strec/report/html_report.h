// `strec report`: a trace as one self-contained HTML page for a bug report (no network, no other
// file): the trace's facts (strec info), strace -c's table, latency percentiles, errors by
// syscall and by path, the slowest calls, files by bytes and time, processes, and a zoomable
// timeline of processes and threads (a lane per thread, each syscall a bar coloured by its class,
// errors marked, the strace line on hover).
//
// The figures are strec-analyze's (the same Analysis, embedded as its --format json); the
// timeline is export/'s walk (timeline.h). Sizes are bounded whatever the trace: the timeline
// draws the `max_calls` longest calls one by one and, when there are more, every call as a
// density per thread (busy time and errors in time bins); the tables keep their first rows. The
// page says what it left out.
#ifndef STREC_REPORT_HTML_REPORT_H_
#define STREC_REPORT_HTML_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "strec/format/status.h"

namespace strec::report {

struct HtmlReportOptions {
  size_t max_calls = 20000;  // timeline bars drawn one by one (the longest)
  size_t slow = 20;          // rows of the slowest calls
  uint32_t max_strlen = 32;  // -s of the strace lines
  int jobs = 2;              // strec-analyze's decoding threads
  bool replace = false;      // replace an existing output of this user
};

struct HtmlReportResult {
  uint64_t calls = 0;  // syscalls on the timeline
  uint64_t drawn = 0;  // of them drawn one by one
  uint64_t bytes = 0;  // the page's size
  std::vector<std::string> warnings;
};

// inputs: one trace, or the files of one rotated recording. On an error no output is left.
StatusOr<HtmlReportResult> WriteHtmlReport(const std::vector<std::string>& inputs,
                                           const std::string& out,
                                           const HtmlReportOptions& options);

}  // namespace strec::report

#endif  // STREC_REPORT_HTML_REPORT_H_

// `strec export --format chrome-json`: a trace as a timeline in the Trace Event Format (the JSON
// that Perfetto's UI, chrome://tracing and other viewers open). One track per thread, grouped by
// process and named by its command (renamed at each exec); each finished syscall a complete
// event ("ph": "X") named by the syscall, its strace line, return value, errno and fd paths in
// its args; signals, exits and losses as instant events; each fork or clone a flow arrow from
// the parent's call to the child's first event. Times in microseconds from the trace's start,
// its wall clock in "otherData".
#ifndef STREC_EXPORT_CHROME_JSON_H_
#define STREC_EXPORT_CHROME_JSON_H_

#include <string>
#include <vector>

#include "strec/export/options.h"

namespace strec::exporter {

// Writes `out` (gzip-compressed when it ends in .gz); on an error no output is left.
StatusOr<ExportResult> ExportChromeJson(const std::vector<std::string>& inputs,
                                        const std::string& out,
                                        const ExportOptions& options);

}  // namespace strec::exporter

#endif  // STREC_EXPORT_CHROME_JSON_H_

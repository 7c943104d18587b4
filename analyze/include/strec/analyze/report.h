// The views of an Analysis, rendered as a table (the default), JSON or CSV.
//
// The summary table reproduces `strace -c -w` (strace 6.1, src/count.c): same columns, widths,
// rounding, sort order (ties in syscall-number order, as glibc's stable qsort leaves them) and
// total line. Only calls that returned are counted; see README.md for the details.
#ifndef STREC_ANALYZE_REPORT_H_
#define STREC_ANALYZE_REPORT_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "strec/analyze/analyze.h"

namespace strec::analyze {

enum class OutputFormat { kTable, kJson, kCsv };
// strace's -S keys.
enum class SortKey { kTime, kMinTime, kMaxTime, kAvgTime, kCalls, kErrors, kName, kNothing };
enum class View { kSummary, kPercentiles, kErrors, kProcesses, kThreads, kCgroups, kFiles, kSlow };

std::optional<OutputFormat> ParseOutputFormat(std::string_view s);
// Accepts strace's spellings: time, time-total, min-time, shortest, max-time, longest,
// avg-time (avgtime), calls, count, errors, name, syscall, nothing, none, ...
std::optional<SortKey> ParseSortKey(std::string_view s);

struct ReportOptions {
  std::vector<View> views = {View::kSummary};  // in order; CSV takes exactly one
  SortKey sort = SortKey::kTime;
  OutputFormat format = OutputFormat::kTable;
};

// The name strace gives syscall `key` ("read"; "syscall_0x1c8" when the table has none).
std::string SyscallName(const SyscallKey& key);

// Writes the requested views. Fails only for an impossible request (several views as CSV).
Status WriteReport(const Analysis& analysis, const ReportOptions& options, std::ostream& out);

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_REPORT_H_

// `strec export --format jsonl`: traces as JSON Lines, one object per syscall, for the engines a
// fleet's data already goes to (DuckDB, Spark, ClickHouse, BigQuery, jq). Schema version 1
// (every line has "v":1; fields are only ever added, under the same version):
//
//   v            1
//   host         the recording host's name (strec info's "host")
//   trace        the recording: "HOST:RECORDER_PID@START" (START: its wall clock, ISO 8601 UTC)
//   command      the process's command (argv[0]'s basename, renamed at exec)
//   pid, tid     as recorded
//   time         the call's entry, wall clock, ISO 8601 UTC with nanoseconds
//   time_ns      the same, nanoseconds since the epoch
//   duration_ns  entry to exit; null when it did not return or its entry was not recorded
//   syscall, nr  name and number (x86_64)
//   class        strace's class: file, network, process, signal, ipc, memory, desc, clock, creds,
//                other (the first in that order)
//   return       the return value; null when the call did not return (exit_group, execve that
//                succeeded from another thread, a call in progress at the end)
//   errno        the error's name (ENOENT) when it failed, else null
//   fd_path      the file of its first fd argument (before the call) or of the new fd it
//                returned, as strace -y names it; null when none or unknown
//   args         the arguments as strace renders them (-y, -s as asked), without parentheses
//   strace       the whole line strace would print for it
//   raw_args     the argument registers as hex strings ("0x3")
//   unfinished   true for a call still in progress when the trace ends (else absent)
#ifndef STREC_EXPORT_JSONL_H_
#define STREC_EXPORT_JSONL_H_

#include <string>
#include <vector>

#include "strec/export/options.h"

namespace strec::exporter {

// inputs: traces of any recordings (the files of a rotated one are read together); each
// recording's calls in order, recordings in the order given. `out` ending in .zst is
// zstd-compressed, in .gz gzip-compressed. On an error no output is left.
StatusOr<ExportResult> ExportJsonl(const std::vector<std::string>& inputs,
                                   const std::string& out,
                                   const ExportOptions& options);

}  // namespace strec::exporter

#endif  // STREC_EXPORT_JSONL_H_

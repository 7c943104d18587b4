// Traces made from traces: `strec slice` cuts one down to some processes, threads, a time window
// or a syscall set; `strec cat` joins the files of one rotated recording, or the recordings of
// several hosts, into one file. Both
// write a valid .strec through format::TraceWriter (every event copied as recorded), whose
// header says what it was made from (CaptureSettings.origin).
#ifndef STREC_EDIT_SLICE_H_
#define STREC_EDIT_SLICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "strec/format/selection.h"
#include "strec/format/status.h"

namespace strec::edit {

struct SliceOptions {
  format::SelectionOptions select;  // what is kept
  bool replace = false;             // replace an existing output file of this user
};

struct EditResult {
  uint64_t events_read = 0;
  uint64_t events_written = 0;        // the snapshots included
  uint64_t snapshots = 0;             // fd snapshots written at the cut
  std::vector<std::string> warnings;  // the reader's (a damaged chunk left out, ...)
};

// Writes `out` with the events of `inputs` (one trace, or the files of one rotated recording)
// that the options select. A process whose earlier events were cut away starts with an fd
// snapshot of what the whole trace knew of it there (its fds and cwd, as replay's state tracks
// them), so that replay -y names the fds it opened before the cut. Events are copied as
// recorded: a call in progress at `from` keeps only its exit (`<... resumed>`). On an error no
// output is left.
StatusOr<EditResult> SliceTrace(const std::vector<std::string>& inputs,
                                const std::string& out,
                                const SliceOptions& options);

// Writes `out` with every event of `inputs` as one trace. The files of one rotated recording or
// the dumps of one flight recorder: in order (no part number, no rotation in its header).
// Several recordings (hosts, recorders): a joined trace (format 3.3, Header.recordings), their
// events merged by wall-clock time, recording k's pids and tids stored + k << 22 and its times
// moved onto the first's clock. A joined trace, or one recording twice, is refused.
StatusOr<EditResult> CatTraces(const std::vector<std::string>& inputs,
                               const std::string& out,
                               bool replace);

}  // namespace strec::edit

#endif  // STREC_EDIT_SLICE_H_

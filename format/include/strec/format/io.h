// Whole-buffer file I/O that retries EINTR and short transfers and returns a Status.
#ifndef STREC_FORMAT_IO_H_
#define STREC_FORMAT_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "strec/format/status.h"

namespace strec::format {

Status WriteAll(int fd, const void* data, size_t len);
// Reads exactly len bytes at offset; kDataLoss if the file ends first.
Status ReadAt(int fd, void* data, size_t len, uint64_t offset);

// Opens `path` for writing output that holds trace data (a trace, a replay, a report), and
// returns its fd (close-on-exec). Traces hold what went through the traced program's syscalls,
// passwords included, and root records where others can write, so: mode 0600; never through a
// symbolic link (a planted link could point anywhere); a new file unless `replace` is set, and
// then only a regular file of this user (made 0600 and emptied) or a character device such as
// /dev/null, never another user's file (a file planted with mode 0666 would let its owner read
// the trace). /dev/stdout, /dev/stderr and /dev/fd/N are this process's own descriptors and
// are opened as they are. Errors name the path and what to do.
StatusOr<int> CreateOutputFile(const std::string& path, bool replace);

}  // namespace strec::format

#endif  // STREC_FORMAT_IO_H_

// Whole-buffer file I/O that retries EINTR and short transfers and returns a Status.
#ifndef STREC_FORMAT_IO_H_
#define STREC_FORMAT_IO_H_

#include <cstddef>
#include <cstdint>

#include "strec/format/status.h"

namespace strec::format {

Status WriteAll(int fd, const void* data, size_t len);
// Reads exactly len bytes at offset; kDataLoss if the file ends first.
Status ReadAt(int fd, void* data, size_t len, uint64_t offset);

}  // namespace strec::format

#endif  // STREC_FORMAT_IO_H_

#include "strec/format/io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace strec {

Status ErrnoStatus(const std::string& what, int err) {
  return Status(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIo,
                what + ": " + std::strerror(err));
}

namespace format {

Status WriteAll(int fd, const void* data, size_t len) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoStatus("write failed", errno);
    }
    if (n == 0)
      return IoError("write failed: wrote nothing");
    p += n;
    len -= static_cast<size_t>(n);
  }
  return OkStatus();
}

Status ReadAt(int fd, void* data, size_t len, uint64_t offset) {
  auto* p = static_cast<uint8_t*>(data);
  while (len > 0) {
    ssize_t n = pread(fd, p, len, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoStatus("read failed at offset " + std::to_string(offset), errno);
    }
    if (n == 0)
      return DataLoss("unexpected end of file at offset " + std::to_string(offset));
    p += n;
    len -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

}  // namespace format
}  // namespace strec

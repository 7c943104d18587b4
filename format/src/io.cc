#include "strec/format/io.h"

#include <fcntl.h>
#include <sys/stat.h>
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

StatusOr<int> CreateOutputFile(const std::string& path, bool replace) {
  // This process's own descriptors (-o /dev/stdout): links, but to what it already holds.
  if (path == "/dev/stdout" || path == "/dev/stderr" || path.rfind("/dev/fd/", 0) == 0 ||
      path.rfind("/proc/self/fd/", 0) == 0) {
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return ErrnoStatus("cannot open " + path, errno);
    return fd;
  }
  constexpr int kFlags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW;
  int fd = open(path.c_str(), kFlags | O_CREAT | O_EXCL, 0600);
  if (fd >= 0)
    return fd;
  if (errno != EEXIST)
    return ErrnoStatus("cannot create " + path, errno);
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    return Status(StatusCode::kPermissionDenied,
                  "cannot create " + path +
                      ": it is a symbolic link, which strec does not write through (remove it, "
                      "or give the path it points to)");
  if (!replace)
    return Status(StatusCode::kInvalidArgument,
                  "cannot create " + path + ": it exists (--force replaces a file of yours)");
  // Opened as it is (not emptied yet), checked, then emptied: the checks are of the file that
  // is written, whatever replaced the name meanwhile.
  fd = open(path.c_str(), kFlags);
  if (fd < 0)
    return ErrnoStatus("cannot open " + path, errno);
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ErrnoStatus("cannot open " + path, err);
  }
  if (S_ISCHR(st.st_mode))
    return fd;  // /dev/null, a terminal: nothing is kept there
  std::string why;
  if (!S_ISREG(st.st_mode))
    why = "it is not a regular file";
  else if (st.st_uid != geteuid())
    why = "it belongs to another user (uid " + std::to_string(st.st_uid) + ")";
  else if (fchmod(fd, 0600) != 0 || ftruncate(fd, 0) != 0)
    why = std::strerror(errno);
  if (why.empty())
    return fd;
  close(fd);
  return Status(StatusCode::kPermissionDenied, "cannot replace " + path + ": " + why);
}

}  // namespace format
}  // namespace strec

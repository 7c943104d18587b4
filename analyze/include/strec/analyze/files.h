// Per-file statistics (`--by file`): what the syscalls did to each path, found through the
// reading side's fd → path state (replay::State). Sockets, pipes and other anonymous files are
// named as strace -y names them: "socket:[N]", "pipe:[N]", "anon_inode:[eventfd]".
//
// Memory grows with the number of distinct paths, so FileTable holds at most `limit` of them;
// the calls of any further path are summed into one overflow row (counted, never dropped).
// Not thread-safe: one owner; merge per-thread tables at the end.
#ifndef STREC_ANALYZE_FILES_H_
#define STREC_ANALYZE_FILES_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strec::analyze {

struct FileStats {
  uint64_t opens = 0;        // successful calls that returned a new fd for it (open, openat, ...)
  uint64_t reads = 0;        // read, pread64, readv, preadv(2), recvfrom, recvmsg on it
  uint64_t read_bytes = 0;   // what those returned
  uint64_t writes = 0;       // write, pwrite64, writev, pwritev(2), sendto, sendmsg on it
  uint64_t write_bytes = 0;  // what those returned
  uint64_t calls = 0;        // every finished call on it: the above, failed ones and all others
  uint64_t errors = 0;       // of those, failed (-4095..-1)
  uint64_t syscall_ns = 0;   // entry-to-exit time of those calls

  void Merge(const FileStats& other);
};

class FileTable {
  // Lookups by string_view without building a string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

 public:
  using Map = std::unordered_map<std::string, FileStats, Hash, std::equal_to<>>;

  static constexpr size_t kDefaultLimit = 65536;
  explicit FileTable(size_t limit = kDefaultLimit) : limit_(limit) {}

  // The row of `path`; the overflow row when the table is full and `path` is new.
  FileStats& For(std::string_view path);
  void Merge(const FileTable& other);

  const Map& paths() const { return paths_; }
  // Sums of the paths that did not fit, and how many calls went there.
  const FileStats& overflow() const { return overflow_; }
  size_t limit() const { return limit_; }

 private:
  size_t limit_;
  Map paths_;
  FileStats overflow_;
};

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_FILES_H_

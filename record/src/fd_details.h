// What strace -yy shows of an fd beyond its path, read while the tracee's fd exists so that
// replay can show it later (format::FdDetail, kBufferFdDetail): a socket's protocol and, from
// the kernel's socket diagnostics (NETLINK_SOCK_DIAG), its endpoints; a device's numbers; the
// pid behind a pidfd. Both recorders use it: the ptrace one while the tracee is stopped, the
// eBPF one when it reads the call's event.
#ifndef STREC_RECORD_SRC_FD_DETAILS_H_
#define STREC_RECORD_SRC_FD_DETAILS_H_

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strec/format/fd_detail.h"

namespace strec::record {

// The fds of the SCM_RIGHTS messages in a recvmsg's control data, in order (the index of a
// received fd's kBufferFdPath).
std::vector<int32_t> ReceivedFds(std::span<const uint8_t> control);

// A device node's detail (a stat of the path, as strace makes), or nullopt for anything else.
std::optional<std::string> DeviceDetail(std::string_view path);

class FdDetailReader {
 public:
  FdDetailReader() = default;
  ~FdDetailReader();
  FdDetailReader(const FdDetailReader&) = delete;
  FdDetailReader& operator=(const FdDetailReader&) = delete;

  // The detail of fd `fd` of task `tid`, which readlink named `link` (a new fd); nullopt when it
  // has none (a regular file, a pipe), or when the fd no longer is what `link` says (closed and
  // reused before an asynchronous reader got to it). `query`: ask for a socket's endpoints
  // (pointless for the fd socket() returns: an unbound socket is not listed).
  std::optional<std::string> Read(pid_t tid, int fd, std::string_view link, bool query);

  // For a found unix socket (a Read's bytes) whose peer was not found yet: the peer's detail
  // (an accepted connection makes the client's socket findable), else nullopt.
  std::optional<std::string> Peer(std::string_view detail);

  // After a call that may have bound or connected socket `fd` (bind, connect, listen, a send):
  // its detail if the socket was not found before and is now, else nullopt. A socket once found
  // is not asked again (strace also keeps the first answer, per inode).
  std::optional<std::string> Refresh(pid_t tid, int fd);

  // Many fds at once (a process's table when the recorder takes it up): `bytes` as Read gave
  // them without a query; the sockets among them are looked up with one request per protocol.
  struct Entry {
    std::string bytes;
    format::FdDetail detail;  // scratch
    std::string name;         // scratch
  };
  void Resolve(std::span<Entry> entries);

  // Requests sent to the kernel's socket diagnostics.
  uint64_t queries() const { return queries_; }

 private:
  bool Known(uint64_t inode) const { return found_[inode % found_.size()] == inode; }
  struct Target {
    format::FdDetail* detail;
    std::string* name;
  };
  // Fills the endpoint fields of *d (and a unix socket's *name) from the kernel; true when the
  // socket is listed.
  bool Lookup(format::FdDetail* d, std::string* name);
  // Asks about the sockets in *want, all of protocol p (by inode; `dump`: all the protocol's
  // sockets, else one unix socket by its inode).
  bool Ask(const format::SocketProtocol& p, std::unordered_map<uint64_t, Target>* want, bool dump);
  bool Exchange(const void* request,
                size_t size,
                uint8_t family,
                bool dump,
                std::unordered_map<uint64_t, Target>* want);
  void Answer(uint8_t family,
              const void* body,
              size_t len,
              std::unordered_map<uint64_t, Target>* want);
  int DiagSocket();

  int diag_fd_ = -1;
  bool diag_failed_ = false;
  uint64_t queries_ = 0;
  std::array<uint64_t, 1024> found_{};  // inodes found, one per slot (as strace's cache)
};

}  // namespace strec::record

#endif  // STREC_RECORD_SRC_FD_DETAILS_H_

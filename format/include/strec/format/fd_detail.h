// What a new or changed fd is beyond its path (kBufferFdDetail): a socket's protocol and
// endpoints, a device's numbers, the process a pidfd refers to. strace -yy asks the kernel for
// these when it prints; a trace keeps the recorder's answers so that replay can print them later.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace strec::format {

enum FdDetailKind : uint8_t {
  kFdDetailSocket = 1,
  kFdDetailDevice = 2,
  kFdDetailPidfd = 3,
};

// The bytes of a kBufferFdDetail buffer: this struct (little-endian, packed as laid out) and,
// for a unix socket with a name, the name's bytes after it (an abstract name starts with NUL).
struct FdDetail {
  uint8_t kind = 0;  // FdDetailKind
  // Socket: whether the kernel's socket diagnostics (NETLINK_SOCK_DIAG) knew the socket by its
  // inode. strace prints endpoints only then: an unbound inet or netlink socket is not listed,
  // nor a unix socket without a name or a peer.
  uint8_t found = 0;
  uint8_t family = 0;                  // AF_INET, AF_INET6, AF_UNIX or AF_NETLINK (what was asked)
  uint8_t is_block = 0;                // device: a block device (else a character device)
  uint32_t protocol = 0;               // netlink: the protocol (NETLINK_ROUTE, ...)
  uint64_t inode = 0;                  // socket: its inode (socket:[N])
  uint64_t peer_inode = 0;             // unix: the peer's inode (0 = none)
  uint32_t portid = 0;                 // netlink: the port id
  uint16_t sport = 0, dport = 0;       // inet: ports, host order
  uint8_t src[16] = {}, dst[16] = {};  // inet: addresses (4 or 16 bytes used)
  char proto[16] = {};  // socket: the kernel's protocol name ("TCP", "UNIX-STREAM"), NUL-padded
  uint32_t major = 0, minor = 0;  // device
  int32_t pid = 0;                // pidfd: the pid, as the recorder's pid namespace numbers it
  uint32_t reserved = 0;

  std::string_view ProtoName() const { return {proto, strnlen(proto, sizeof proto)}; }
};
static_assert(sizeof(FdDetail) == 96, "FdDetail is a file format: its layout is fixed");

// The socket protocols (by the kernel's name for them, getxattr "system.sockprotoname") whose
// sockets the kernel's socket diagnostics can describe, and how to ask: strace -yy prints
// "NAME:[INODE]" for one of these it could not find, and the plain "socket:[INODE]" for others.
struct SocketProtocol {
  const char* name;
  uint8_t family;    // AF_UNIX 1, AF_INET 2, AF_INET6 10, AF_NETLINK 16
  uint8_t protocol;  // IPPROTO_* for inet
};
inline constexpr SocketProtocol kSocketProtocols[] = {
    {"UNIX", 1, 0},         {"UNIX-STREAM", 1, 0}, {"TCP", 2, 6},       {"UDP", 2, 17},
    {"UDPLITE", 2, 136},    {"DCCP", 2, 33},       {"SCTP", 2, 132},    {"L2TP/IP", 2, 115},
    {"PING", 2, 1},         {"RAW", 2, 255},       {"TCPv6", 10, 6},    {"UDPv6", 10, 17},
    {"UDPLITEv6", 10, 136}, {"DCCPv6", 10, 33},    {"SCTPv6", 10, 132}, {"L2TP/IPv6", 10, 115},
    {"PINGv6", 10, 1},      {"RAWv6", 10, 255},    {"NETLINK", 16, 0},
};
inline const SocketProtocol* FindSocketProtocol(std::string_view name) {
  for (const SocketProtocol& p : kSocketProtocols)
    if (name == p.name)
      return &p;
  return nullptr;
}

// The inode of a socket's fd path ("socket:[N]", as readlink names it), 0 for another path.
inline uint64_t SocketInode(std::string_view path) {
  constexpr std::string_view kPrefix = "socket:[";
  if (!path.starts_with(kPrefix) || !path.ends_with(']'))
    return 0;
  uint64_t inode = 0;
  const char* last = path.data() + path.size() - 1;
  auto [end, ec] = std::from_chars(path.data() + kPrefix.size(), last, inode);
  return ec == std::errc() && end == last ? inode : 0;
}

// The index bit of a kBufferFdDetail about another socket than the call's fd: the unix peer an
// accept made findable (a client's socket is listed once the server accepted it). Readers keep
// it by inode only.
inline constexpr uint32_t kFdDetailPeerIndex = 0x80000000u;

// `name`: a unix socket's name (UNIX_DIAG_NAME), appended.
inline std::string EncodeFdDetail(const FdDetail& d, std::string_view name = {}) {
  std::string out(sizeof d, '\0');
  std::memcpy(out.data(), &d, sizeof d);
  out.append(name);
  return out;
}

// nullopt when the bytes are too short or of an unknown kind (a newer writer's).
inline std::optional<FdDetail> DecodeFdDetail(std::string_view bytes, std::string* name) {
  FdDetail d;
  if (bytes.size() < sizeof d)
    return std::nullopt;
  std::memcpy(&d, bytes.data(), sizeof d);
  if (d.kind < kFdDetailSocket || d.kind > kFdDetailPidfd)
    return std::nullopt;
  if (name)
    name->assign(bytes.substr(sizeof d));
  return d;
}

}  // namespace strec::format

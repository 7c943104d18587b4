#include "fd_details.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "strec/format/event.h"

namespace strec::record {
namespace {

std::string ProcFd(pid_t tid, int fd, const char* dir = "fd") {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s/%d", tid, dir, fd);
  return path;
}

// The pid a pidfd refers to ("Pid:" of its fdinfo, in /proc's pid namespace; -1 for a process
// that ended), 0 when unknown.
int32_t PidfdPid(pid_t tid, int fd) {
  FILE* f = fopen(ProcFd(tid, fd, "fdinfo").c_str(), "re");
  if (!f)
    return 0;
  char line[256];
  int32_t pid = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "Pid: %d", &pid) == 1)
      break;
  fclose(f);
  return pid;
}

// A NETLINK_SOCK_DIAG request: the header and a family's request struct.
template <typename Req>
struct Request {
  nlmsghdr nlh;
  Req req;
};
template <typename Req>
Request<Req> DiagRequest(uint16_t flags) {
  Request<Req> q = {};
  q.nlh.nlmsg_len = sizeof q;
  q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  q.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
  return q;
}

}  // namespace

std::vector<int32_t> ReceivedFds(std::span<const uint8_t> control) {
  std::vector<int32_t> fds;
  for (size_t at = 0; at + 16 <= control.size();) {
    uint64_t len;
    uint32_t level, type;
    std::memcpy(&len, &control[at], 8);
    std::memcpy(&level, &control[at + 8], 4);
    std::memcpy(&type, &control[at + 12], 4);
    if (len < 16 || len > control.size() - at)
      break;
    if (level == SOL_SOCKET && type == SCM_RIGHTS)
      for (size_t i = 16; i + 4 <= len; i += 4) {
        int32_t fd;
        std::memcpy(&fd, &control[at + i], 4);
        fds.push_back(fd);
      }
    at += (len + 7) & ~size_t{7};
  }
  return fds;
}

FdDetailReader::~FdDetailReader() {
  if (diag_fd_ >= 0)
    close(diag_fd_);
}

int FdDetailReader::DiagSocket() {
  if (diag_fd_ < 0 && !diag_failed_) {
    diag_fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    diag_failed_ = diag_fd_ < 0;
    // The tracee waits while the recorder asks: never more than a second per answer.
    timeval limit = {1, 0};
    if (diag_fd_ >= 0)
      setsockopt(diag_fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  return diag_fd_;
}

std::optional<std::string> FdDetailReader::Read(pid_t tid,
                                                int fd,
                                                std::string_view link,
                                                bool query) {
  format::FdDetail d;
  if (uint64_t inode = format::SocketInode(link)) {
    std::string proc = ProcFd(tid, fd);
    struct stat st;
    if (stat(proc.c_str(), &st) != 0 || st.st_ino != inode)
      return std::nullopt;  // closed (and maybe reused) since
    d.kind = format::kFdDetailSocket;
    d.inode = inode;
    ssize_t n = getxattr(proc.c_str(), "system.sockprotoname", d.proto, sizeof d.proto - 1);
    if (n < 0)
      d.proto[0] = '\0';
    std::string name;
    if (query && !Known(inode) && Lookup(&d, &name))
      found_[inode % found_.size()] = inode;
    return format::EncodeFdDetail(d, name);
  }
  if (link == "anon_inode:[pidfd]") {
    d.kind = format::kFdDetailPidfd;
    d.pid = PidfdPid(tid, fd);
    return d.pid ? std::optional(format::EncodeFdDetail(d)) : std::nullopt;
  }
  return DeviceDetail(link);
}

std::optional<std::string> DeviceDetail(std::string_view link) {
  // strace looks at the path, not the fd (a device node renamed since is not one).
  if (link.empty() || link[0] != '/')
    return std::nullopt;
  struct stat st;
  std::string path(link);
  if (stat(path.c_str(), &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
    return std::nullopt;
  format::FdDetail d;
  d.kind = format::kFdDetailDevice;
  d.is_block = S_ISBLK(st.st_mode);
  d.major = major(st.st_rdev);
  d.minor = minor(st.st_rdev);
  return format::EncodeFdDetail(d);
}

std::optional<std::string> FdDetailReader::Peer(std::string_view detail) {
  std::optional<format::FdDetail> d = format::DecodeFdDetail(detail, nullptr);
  if (!d || d->kind != format::kFdDetailSocket || !d->found || d->family != AF_UNIX ||
      !d->peer_inode || Known(d->peer_inode))
    return std::nullopt;
  format::FdDetail peer;
  peer.kind = format::kFdDetailSocket;
  peer.inode = d->peer_inode;
  std::memcpy(peer.proto, d->proto, sizeof peer.proto);
  std::string name;
  if (!Lookup(&peer, &name))
    return std::nullopt;
  found_[peer.inode % found_.size()] = peer.inode;
  return format::EncodeFdDetail(peer, name);
}

std::optional<std::string> FdDetailReader::Refresh(pid_t tid, int fd) {
  if (fd < 0)
    return std::nullopt;
  std::string proc = ProcFd(tid, fd);
  char link[64];
  ssize_t n = readlink(proc.c_str(), link, sizeof link);
  if (n <= 0 || n >= static_cast<ssize_t>(sizeof link))
    return std::nullopt;
  uint64_t inode = format::SocketInode({link, static_cast<size_t>(n)});
  if (!inode || Known(inode))
    return std::nullopt;
  std::optional<std::string> detail = Read(tid, fd, {link, static_cast<size_t>(n)}, true);
  if (!detail || !Known(inode))
    return std::nullopt;  // still not listed: nothing new to say
  return detail;
}

bool FdDetailReader::Lookup(format::FdDetail* d, std::string* name) {
  Target t{d, name};
  std::unordered_map<uint64_t, Target> one{{d->inode, t}};
  const format::SocketProtocol* p = format::FindSocketProtocol(d->ProtoName());
  return p && Ask(*p, &one, false) && d->found;
}

void FdDetailReader::Resolve(std::span<Entry> entries) {
  // One request per protocol for all its sockets (a process may hold thousands).
  for (const format::SocketProtocol& p : format::kSocketProtocols) {
    std::unordered_map<uint64_t, Target> want;
    for (Entry& e : entries) {
      std::optional<format::FdDetail> d = format::DecodeFdDetail(e.bytes, nullptr);
      if (d && d->kind == format::kFdDetailSocket && !d->found && d->ProtoName() == p.name) {
        e.detail = *d;
        want.emplace(d->inode, Target{&e.detail, &e.name});
      }
    }
    if (want.empty() || !Ask(p, &want, true))
      continue;
    for (Entry& e : entries)
      if (e.detail.found && e.detail.kind == format::kFdDetailSocket) {
        found_[e.detail.inode % found_.size()] = e.detail.inode;
        e.bytes = format::EncodeFdDetail(e.detail, e.name);
        e.detail.kind = 0;  // done
      }
  }
}

bool FdDetailReader::Ask(const format::SocketProtocol& p,
                         std::unordered_map<uint64_t, Target>* want,
                         bool dump) {
  if (DiagSocket() < 0)
    return false;
  queries_++;
  for (auto& [inode, t] : *want)
    t.detail->family = p.family;
  if (p.family == AF_UNIX) {
    auto q = DiagRequest<unix_diag_req>(dump ? NLM_F_DUMP : 0);
    q.req.sdiag_family = AF_UNIX;
    q.req.udiag_states = ~0u;
    q.req.udiag_ino = dump ? 0 : static_cast<uint32_t>(want->begin()->first);
    q.req.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
    q.req.udiag_cookie[0] = q.req.udiag_cookie[1] = ~0u;
    return Exchange(&q, sizeof q, p.family, dump, want);
  }
  if (p.family == AF_NETLINK) {
    auto q = DiagRequest<netlink_diag_req>(NLM_F_DUMP);
    q.req.sdiag_family = AF_NETLINK;
    q.req.sdiag_protocol = NDIAG_PROTO_ALL;
    q.req.ndiag_cookie[0] = q.req.ndiag_cookie[1] = ~0u;
    return Exchange(&q, sizeof q, p.family, true, want);
  }
  auto q = DiagRequest<inet_diag_req_v2>(NLM_F_DUMP);
  q.req.sdiag_family = p.family;
  q.req.sdiag_protocol = p.protocol;
  q.req.idiag_states = ~0u;
  return Exchange(&q, sizeof q, p.family, true, want);
}

// Sends one request and reads every answer (a dump to its end, so that the next request starts
// clean), filling the sockets asked for.
bool FdDetailReader::Exchange(const void* request,
                              size_t size,
                              uint8_t family,
                              bool dump,
                              std::unordered_map<uint64_t, Target>* want) {
  sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  if (sendto(diag_fd_, request, size, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) !=
      static_cast<ssize_t>(size))
    return false;
  alignas(nlmsghdr) static thread_local char buf[32768];
  for (;;) {
    ssize_t n = recv(diag_fd_, buf, sizeof buf, 0);
    if (n <= 0)  // also EINTR (a signal for the recorder: it stops) and the time limit
      return false;
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
        return true;
      if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
        Answer(family, NLMSG_DATA(h), h->nlmsg_len - NLMSG_HDRLEN, want);
    }
    if (!dump)  // a request about one unix socket has one answer
      return true;
  }
}

void FdDetailReader::Answer(uint8_t family,
                            const void* body,
                            size_t len,
                            std::unordered_map<uint64_t, Target>* want) {
  if (family == AF_UNIX && len >= sizeof(unix_diag_msg)) {
    const auto* m = static_cast<const unix_diag_msg*>(body);
    auto it = want->find(m->udiag_ino);
    if (it == want->end())
      return;
    format::FdDetail* d = it->second.detail;
    std::string* name = it->second.name;
    int rest = static_cast<int>(len - sizeof *m);
    bool embryo = false;
    for (auto* a = reinterpret_cast<const rtattr*>(m + 1); RTA_OK(a, rest); a = RTA_NEXT(a, rest)) {
      if (a->rta_type == UNIX_DIAG_NAME && name->empty()) {
        name->assign(static_cast<const char*>(RTA_DATA(a)), std::min<size_t>(RTA_PAYLOAD(a), 108));
      } else if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= 4) {
        std::memcpy(&d->peer_inode, RTA_DATA(a), 4);
        embryo = d->peer_inode == 0;
      }
    }
    // A unix socket without a name or a peer has nothing to show: strace counts it as not
    // found. A client whose connection the server has not accepted yet (its peer has no inode)
    // is left for the accept to describe whole (Peer()): strace rarely prints it in between.
    d->found = (d->peer_inode || !name->empty()) && !embryo;
  } else if (family == AF_NETLINK && len >= sizeof(netlink_diag_msg)) {
    const auto* m = static_cast<const netlink_diag_msg*>(body);
    auto it = want->find(m->ndiag_ino);
    if (it == want->end())
      return;
    it->second.detail->protocol = m->ndiag_protocol;
    it->second.detail->portid = m->ndiag_portid;
    it->second.detail->found = true;
  } else if ((family == AF_INET || family == AF_INET6) && len >= sizeof(inet_diag_msg)) {
    const auto* m = static_cast<const inet_diag_msg*>(body);
    auto it = want->find(m->idiag_inode);
    if (it == want->end() || (m->idiag_family != AF_INET && m->idiag_family != AF_INET6))
      return;
    format::FdDetail* d = it->second.detail;
    d->family = m->idiag_family;
    d->sport = ntohs(m->id.idiag_sport);
    d->dport = ntohs(m->id.idiag_dport);
    std::memcpy(d->src, m->id.idiag_src, 16);
    std::memcpy(d->dst, m->id.idiag_dst, 16);
    d->found = true;
  }
}

}  // namespace strec::record

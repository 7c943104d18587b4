#include "strec/replay/fd_text.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {
namespace {

constexpr int kPath = 1, kSocket = 2, kDev = 4, kPidfd = 8;

// The kinds of fd shown: -y paths, -yy everything, --decode-fds= its set.
int Kinds(const RenderOptions& opt) {
  if (!opt.decode_fds)
    return 0;
  if (opt.fd_kinds)
    return opt.fd_kinds;
  return opt.decode_fds >= 2 ? kPath | kSocket | kDev | kPidfd : kPath;
}

std::string Address(const format::FdDetail& d, const uint8_t* addr) {
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(d.family, addr, text, sizeof text);
  return d.family == AF_INET6 ? "[" + std::string(text) + "]" : text;
}

}  // namespace

std::string SocketText(const format::FdDetail& d, std::string_view name, int xflag) {
  std::string out(d.ProtoName());
  out += ":[";
  if (d.family == AF_INET || d.family == AF_INET6) {
    out += Address(d, d.src) + ":" + std::to_string(d.sport);
    static const uint8_t kZero[16] = {};
    size_t size = d.family == AF_INET6 ? 16 : 4;
    if (d.dport || std::memcmp(d.dst, kZero, size) != 0)
      out += "->" + Address(d, d.dst) + ":" + std::to_string(d.dport);
  } else if (d.family == AF_UNIX) {
    out += std::to_string(d.inode);
    if (d.peer_inode)
      out += "->" + std::to_string(d.peer_inode);
    if (!name.empty()) {
      out += ',';
      bool abstract = name[0] == '\0';
      if (abstract) {
        out += '@';
        name.remove_prefix(1);
      }
      QuoteOptions q;
      q.max_strlen = static_cast<uint32_t>(name.size());
      q.xflag = xflag;
      AppendQuotedCString(&out, name.substr(0, name.find('\0')), false, q);
    }
  } else if (d.family == AF_NETLINK) {
    const Xlat* protocols = FindXlat("netlink_protocol");
    const char* p = protocols ? protocols->Name(d.protocol) : nullptr;
    if (p) {
      std::string_view v = p;
      if (v.starts_with("NETLINK_"))
        v.remove_prefix(8);
      out += std::string(v) + ":" + std::to_string(d.portid);
    } else {
      out += std::to_string(d.protocol);
    }
  }
  out += ']';
  return out;
}

std::string FdTextOf(const RenderOptions& opt,
                     const State* state,
                     std::string_view path,
                     const format::FdDetail* detail,
                     std::string_view name,
                     std::optional<bool> deleted) {
  int kinds = Kinds(opt);
  if (!kinds || path.empty())
    return "";
  if (kinds & kSocket) {
    if (uint64_t inode = format::SocketInode(path)) {
      // strace asks the kernel when it prints and keeps the first answer: the recorder's
      // answer in this call, else the one the state kept, else the protocol alone.
      if (detail && detail->kind == format::kFdDetailSocket && detail->found &&
          detail->inode == inode && !(state && state->Socket(inode)))
        return "<" + SocketText(*detail, name, opt.xflag) + ">";
      if (const SocketEndpoints* s = state ? state->Socket(inode) : nullptr)
        return "<" + SocketText(s->detail, s->name, opt.xflag) + ">";
      if (detail && detail->kind == format::kFdDetailSocket &&
          format::FindSocketProtocol(detail->ProtoName()))
        return "<" + std::string(detail->ProtoName()) + ":[" + std::to_string(inode) + "]>";
      return "<" + std::string(path) + ">";
    }
  }
  if ((kinds & kDev) && path[0] == '/' && detail && detail->kind == format::kFdDetailDevice) {
    std::string out = FdPathText(path, opt.xflag, deleted);
    out.pop_back();
    out += detail->is_block ? "<block " : "<char ";
    out += std::to_string(detail->major) + ":" + std::to_string(detail->minor) + ">>";
    return out;
  }
  if ((kinds & kPidfd) && path == "anon_inode:[pidfd]") {
    if (detail && detail->kind == format::kFdDetailPidfd && detail->pid > 0)
      return "<pid:" + std::to_string(detail->pid) + ">";
    return "<" + std::string(path) + ">";
  }
  if (kinds & kPath)
    return FdPathText(path, opt.xflag, deleted);
  return "";
}

std::string FdText(const RenderOptions& opt, const State* state, int32_t tid, int64_t fd) {
  if (!Kinds(opt) || !state)
    return "";
  const FdInfo* info = state->FdEntry(tid, static_cast<int32_t>(fd));
  if (!info)
    return "";
  return FdTextOf(opt, state, info->path, info->detail ? &*info->detail : nullptr, {},
                  info->Deleted());
}

}  // namespace strec::replay

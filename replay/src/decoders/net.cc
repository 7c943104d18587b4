// Sockets: socket, connect/bind, accept, send/recv (msghdr, mmsghdr, control messages),
// get/setsockopt; struct sockaddr by family.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "decoders/decoders.h"

namespace strec::replay::detail {

static std::string FormatCmsgs(const std::string& d,
                               uint64_t controllen,
                               const std::function<std::string(int)>& fd) {
  if (d.size() < controllen)
    return "";
  std::string s = "[";
  size_t off = 0;
  bool first = true;
  while (off + 16 <= controllen) {
    uint64_t len = At<uint64_t>(d, off);
    int32_t level = At<int32_t>(d, off + 8), type = At<int32_t>(d, off + 12);
    if (len < 16 || off + len > controllen)
      return "";
    if (!first)
      s += ", ";
    first = false;
    s += "{cmsg_len=" + UDec(len) + ", cmsg_level=";
    if (level != 1 /* SOL_SOCKET */)
      return "";
    s += Styled("0x1", "SOL_SOCKET") + ", cmsg_type=";
    std::string data = d.substr(off + 16, len - 16);
    if (type == 1) {  // SCM_RIGHTS
      s += Styled("0x1", "SCM_RIGHTS") + ", cmsg_data=[";
      for (size_t i = 0; i + 4 <= data.size(); i += 4)
        s += (i ? ", " : "") + fd(At<int32_t>(data, i));
      s += "]";
    } else if (type == 2 && data.size() >= 12) {  // SCM_CREDENTIALS
      s += Styled("0x2", "SCM_CREDENTIALS") +
           ", cmsg_data={pid=" + std::to_string(At<int32_t>(data, 0)) +
           ", uid=" + UDec(At<uint32_t>(data, 4)) + ", gid=" + UDec(At<uint32_t>(data, 8)) + "}";
    } else {
      return "";
    }
    s += "}";
    off += (len + 7) & ~7ull;
  }
  return s + "]";
}

std::string SocketType(uint64_t v) {
  v &= 0xffffffff;
  std::string s;
  AppendEnum(&s, Table("socket_type"), v & 0xf);
  if (v & ~0xfull) {
    s += '|';
    AppendFlags(&s, Table("socket_type_flags"), v & ~0xfull);
  }
  return s;
}

static std::string Sockaddr(const std::string& d, uint64_t len, const QuoteOptions& q) {
  if (len < 2 || d.size() < 2)
    return "{sa_family=AF_UNSPEC}";
  std::string s = "{sa_family=";
  uint16_t family = At<uint16_t>(d, 0);
  const char* fname = Table("socket_family").Name(family);
  s += fname ? Styled(HexString(family), fname) : Dec(family) + " /* AF_??? */";
  std::string body = d.substr(2, std::min<uint64_t>(len, d.size()) - 2);
  if (CurrentXlatStyle() != XlatStyle::kAbbrev && (family == AF_INET || family == AF_INET6)) {
    // -X raw: the port and the address as the bytes they are; -X verbose adds the usual form
    // in a comment.
    bool verbose = CurrentXlatStyle() == XlatStyle::kVerbose;
    QuoteOptions hex = q;
    hex.force_hex = true;
    auto field = [&](const char* name, size_t off, size_t n, const std::string& comment) {
      s += std::string(", ") + name + "=";
      AppendQuotedBuffer(&s, d.size() >= off + n ? d.substr(off, n) : "", n, hex);
      if (verbose)
        s += " /* " + comment + " */";
    };
    std::string port = "htons(" + UDec(d.size() >= 4 ? ntohs(At<uint16_t>(d, 2)) : 0) + ")";
    if (family == AF_INET) {
      char addr[INET_ADDRSTRLEN] = "";
      if (d.size() >= 8)
        inet_ntop(AF_INET, d.data() + 4, addr, sizeof addr);
      field("sin_port", 2, 2, port);
      field("sin_addr", 4, 4, std::string("inet_addr(\"") + addr + "\")");
    } else {
      char addr[INET6_ADDRSTRLEN] = "";
      if (d.size() >= 24)
        inet_ntop(AF_INET6, d.data() + 8, addr, sizeof addr);
      field("sin6_port", 2, 2, port);
      field("sin6_flowinfo", 4, 4, "htonl(" + UDec(ntohl(At<uint32_t>(d, 4))) + ")");
      field("sin6_addr", 8, 16, std::string("inet_pton(AF_INET6, \"") + addr + "\")");
      s += ", sin6_scope_id=" + UDec(At<uint32_t>(d, 24));
    }
    return s + "}";
  }
  switch (family) {
    case AF_UNIX: {
      if (body.empty())
        break;
      QuoteOptions qq = q;
      qq.max_strlen = 108;
      s += ", sun_path=";
      if (body[0] == '\0') {
        s += "@";
        AppendQuotedBuffer(&s, body.substr(1), body.size() - 1, qq);
      } else {
        AppendQuotedCString(&s, body.substr(0, body.find('\0')), false, qq);
      }
      break;
    }
    case AF_INET: {
      char addr[INET_ADDRSTRLEN] = "";
      if (d.size() >= 8)
        inet_ntop(AF_INET, d.data() + 4, addr, sizeof addr);
      s += ", sin_port=htons(" + UDec(ntohs(At<uint16_t>(d, 2))) + "), sin_addr=inet_addr(\"" +
           addr + "\")";
      break;
    }
    case AF_INET6: {
      char addr[INET6_ADDRSTRLEN] = "";
      if (d.size() >= 24)
        inet_ntop(AF_INET6, d.data() + 8, addr, sizeof addr);
      s += ", sin6_port=htons(" + UDec(ntohs(At<uint16_t>(d, 2))) + "), sin6_flowinfo=htonl(" +
           UDec(ntohl(At<uint32_t>(d, 4))) + "), inet_pton(AF_INET6, \"" + addr +
           "\", &sin6_addr), sin6_scope_id=" + UDec(At<uint32_t>(d, 24));
      break;
    }
    case AF_NETLINK: {
      char groups[16];
      snprintf(groups, sizeof groups, "%08x", At<uint32_t>(d, 8));
      s += ", nl_pid=" + Dec(At<int32_t>(d, 4)) + ", nl_groups=" + groups;
      break;
    }
    default:
      s += ", sa_data=";
      AppendQuotedBuffer(&s, body, body.size(), q);
      break;
  }
  return s + "}";
}

static std::string SocketProtocol(uint64_t family, uint64_t proto) {
  if (family == AF_INET || family == AF_INET6)
    return Enum("inet_protocol", proto & 0xffffffff);
  if (family == AF_NETLINK)
    return Enum("netlink_protocol", proto & 0xffffffff);
  return Dec(static_cast<int32_t>(proto));
}

static void DecodeSocket(Ctx& c) {
  c.Arg(0);
  c.Sep();
  c.Put(SocketType(c.A(1)));
  c.Sep();
  c.Put(SocketProtocol(c.A(0) & 0xffffffff, c.A(2)));
  if (c.sc.nr == __NR_socketpair) {
    c.Sep();
    c.ToExit();
    c.Arg(3);
  }
  c.ToExit();
  c.Put(")");
}

// A sockaddr argument with its length from `len`.
static void SockaddrArg(Ctx& c, int i, bool out, uint64_t len) {
  if (!c.A(i)) {
    c.Put("NULL");
    return;
  }
  const Buffer* b = out ? c.Out(i) : c.In(i);
  if (!b) {
    c.Ptr(c.A(i));
    return;
  }
  if (c.Redacted(b))
    return;
  c.Put(Sockaddr(b->data, std::min<uint64_t>(len, b->data.size()), c.q));
}

// A socklen_t in/out argument: [16] or [128 => 16].
static void SocklenArg(Ctx& c, int i) {
  if (!c.A(i)) {
    c.Put("NULL");
    return;
  }
  const Buffer* in = c.In(i);
  const Buffer* out = c.Out(i);
  if (!in && !out) {
    c.Ptr(c.A(i));
    return;
  }
  int32_t vin = in ? At<int32_t>(in->data, 0) : 0, vout = out ? At<int32_t>(out->data, 0) : 0;
  if (in && out && vin != vout)
    c.Put("[" + Dec(vin) + " => " + Dec(vout) + "]");
  else
    c.Put("[" + Dec(out ? vout : vin) + "]");
}

static uint32_t SocklenOut(const Ctx& c, int i) {
  const Buffer* out = c.Out(i);
  return out ? At<uint32_t>(out->data, 0) : 0;
}

// How much of an output sockaddr strace decodes: the length the kernel returned, but no more
// than the buffer's (the length at entry).
static uint32_t SockaddrLenOut(const Ctx& c, int i) {
  const Buffer* in = c.In(i);
  uint32_t n = SocklenOut(c, i);
  return in ? std::min(n, At<uint32_t>(in->data, 0)) : n;
}

static void DecodeConnect(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  SockaddrArg(c, 1, false, c.A(2) & 0xffffffff);
  c.Sep();
  c.Put(UDec(c.A(2) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

static void DecodeAccept(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  SockaddrArg(c, 1, true, SockaddrLenOut(c, 2));
  c.Sep();
  SocklenArg(c, 2);
  if (c.sc.nr == __NR_accept4) {
    c.Sep();
    c.Put(Flags("accept4_flags", c.A(3) & 0xffffffff));
  }
  c.Put(")");
}

static void DecodeSendto(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.Data(1, false, c.A(2));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  c.Sep();
  SockaddrArg(c, 4, false, c.A(5) & 0xffffffff);
  c.Sep();
  c.Put(UDec(c.A(5) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

static void DecodeRecvfrom(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  c.Data(1, true, c.Len(kLenRet));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  c.Sep();
  SockaddrArg(c, 4, true, SockaddrLenOut(c, 5));
  c.Sep();
  SocklenArg(c, 5);
  c.Put(")");
}

// A struct msghdr (56 bytes at d[off]) of argument 1, with its buffers: msg_name (aux index
// base), msg_control (aux index base + 1), the iovecs (index base); iovec data shown up to
// `total` bytes (-1: all).
static void MsghdrAt(Ctx& c,
                     bool out,
                     const std::string& msghdr,
                     size_t off,
                     uint32_t base,
                     int64_t total) {
  const std::string d = msghdr.substr(off, 56);
  uint64_t name = At<uint64_t>(d, 0), iovlen = At<uint64_t>(d, 24), control = At<uint64_t>(d, 32),
           controllen = At<uint64_t>(d, 40);
  uint32_t namelen = At<uint32_t>(d, 8), flags = At<uint32_t>(d, 48);
  std::string s = "{msg_name=";
  const Buffer* nb = c.sc.Find(1, out, format::kBufferAux, base);
  if (!name)
    s += "NULL";
  else if (nb && !nb->read_errno && nb->redacted)
    s += RedactedText(*nb);
  else if (nb && !nb->read_errno)
    s += Sockaddr(nb->data, std::min<uint64_t>(namelen, nb->data.size()), c.q);
  else
    s += PtrString(name);
  s += ", msg_namelen=" + UDec(namelen) + ", msg_iov=";
  c.Put(s);
  c.Iovec(1, out, iovlen, total, base);
  s = ", msg_iovlen=" + UDec(iovlen);
  if (controllen) {
    const Buffer* cb = c.sc.Find(1, out, format::kBufferAux, base + 1);
    std::string cm;
    if (cb && !cb->read_errno) {
      // A received message's control length is what the kernel filled in.
      // Received fds are new: their paths come with the call (kBufferFdPath, arg 1, index =
      // the fd's position among the SCM_RIGHTS fds), not from the state.
      uint32_t k = 0;
      cm = FormatCmsgs(
          cb->data, std::min<uint64_t>(controllen, cb->data.size()), [&c, out, &k, base](int fd) {
            if (!out)
              return c.FdText(fd);
            const Buffer* p =
                c.opt.decode_fds && !base ? c.Out(1, format::kBufferFdPath, k) : nullptr;
            k++;
            return std::to_string(fd) + (p ? FdPathText(p->data, c.opt.xflag) : "");
          });
    }
    s += ", msg_control=" + (cm.empty() ? PtrString(control) : cm);
  }
  s += ", msg_controllen=" + UDec(controllen) + ", msg_flags=" + Flags("msg_flags", flags) + "}";
  c.Put(s);
}

static void Msghdr(Ctx& c, bool out) {
  const Buffer* m = out ? c.Out(1) : c.In(1);
  if (!m || m->data.size() < 56) {
    c.Ptr(c.A(1));
    return;
  }
  MsghdrAt(c, out, m->data, 0, 0, out ? c.sc.ret : -1);
}

// sendmmsg/recvmmsg: the messages the call processed, each with its msg_len, all read at exit.
static void DecodeMmsg(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  c.ToExit();
  const Buffer* m = c.Out(1);
  if (!m || c.sc.error() || !c.sc.returned()) {
    c.Ptr(c.A(1));
  } else {
    uint64_t have = m->data.size() / 64;
    c.Put("[");
    for (uint64_t i = 0; i < have; i++) {
      if (i)
        c.Put(", ");
      if (i >= c.opt.max_strlen) {
        c.Put("...");
        break;
      }
      c.Put("{msg_hdr=");
      uint32_t len = At<uint32_t>(m->data, i * 64 + 56);
      MsghdrAt(c, true, m->data, i * 64, static_cast<uint32_t>(i) << 16, len);
      c.Put(", msg_len=" + UDec(len) + "}");
    }
    c.Put(have < m->full_len / 64 && have < c.opt.max_strlen ? ", ...]" : "]");
  }
  c.Sep();
  c.Put(UDec(c.A(2) & 0xffffffff));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  if (c.sc.nr == __NR_recvmmsg) {
    c.Sep();
    c.Arg(4);
  }
  c.Put(")");
}

static void DecodeSendmsg(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  bool recv = c.sc.nr == __NR_recvmsg;
  if (recv)
    c.ToExit();
  Msghdr(c, recv);
  c.Sep();
  c.Put(Flags("msg_flags", c.A(2) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

static std::string SockoptName(uint64_t level, uint64_t name) {
  level &= 0xffffffff;
  name &= 0xffffffff;
  if (level == 1)
    return Enum("sol_socket_option", name);
  if (level == 6)
    return Enum("sol_tcp_option", name);
  return UDec(name);
}

static void DecodeSockopt(Ctx& c) {
  bool get = c.sc.nr == __NR_getsockopt;
  c.Fd(c.A(0));
  c.Sep();
  c.Put(Enum("socket_level", c.A(1) & 0xffffffff));
  c.Sep();
  c.Put(SockoptName(c.A(1), c.A(2)));
  c.Sep();
  if (get)
    c.ToExit();
  const Buffer* b = get ? c.Out(3) : c.In(3);
  uint64_t len = get ? SocklenOut(c, 4) : (c.A(4) & 0xffffffff);
  if (!c.A(3)) {
    c.Put("NULL");
  } else if (c.Redacted(b)) {
    // its marker is out
  } else if (b && len == 4 && b->data.size() >= 4) {
    int32_t v = At<int32_t>(b->data, 0);
    const char* e =
        (c.A(1) & 0xffffffff) == 1 && (c.A(2) & 0xffffffff) == 4 && v > 0 ? ErrnoName(v) : nullptr;
    c.Put("[" + (e ? std::string(e) : Dec(v)) + "]");
  } else if (b) {
    AppendQuotedBuffer(c.cur, b->data, len, c.q);
  } else {
    c.Ptr(c.A(3));
  }
  c.Sep();
  if (get)
    SocklenArg(c, 4);
  else
    c.Put(UDec(c.A(4) & 0xffffffff));
  c.ToExit();
  c.Put(")");
}

Family NetFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_socket, DecodeSocket},      {__NR_socketpair, DecodeSocket},
      {__NR_connect, DecodeConnect},    {__NR_bind, DecodeConnect},
      {__NR_accept, DecodeAccept},      {__NR_accept4, DecodeAccept},
      {__NR_getsockname, DecodeAccept}, {__NR_getpeername, DecodeAccept},
      {__NR_sendto, DecodeSendto},      {__NR_recvfrom, DecodeRecvfrom},
      {__NR_sendmsg, DecodeSendmsg},    {__NR_recvmsg, DecodeSendmsg},
      {__NR_sendmmsg, DecodeMmsg},      {__NR_recvmmsg, DecodeMmsg},
      {__NR_setsockopt, DecodeSockopt}, {__NR_getsockopt, DecodeSockopt},
  };
  return {"net", kDecoders, {}};
}

}  // namespace strec::replay::detail

// Sockets: socket, connect/bind, accept, send/recv (msghdr, mmsghdr, control messages),
// get/setsockopt; struct sockaddr by family.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <net/if.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "decoders/bpf_filter.h"
#include "decoders/decoders.h"
#include "decoders/netlink.h"

namespace strec::replay::detail {

static std::string Sockaddr(const std::string& d, uint64_t len, const QuoteOptions& q);
static std::string InetAddrField(const char* field, const std::string& d, size_t off);

// A SOL_IP control message's type and data (<linux/in.h>), as "cmsg_level=SOL_IP, cmsg_type=...,
// cmsg_data=..."; "" for a type or a size not decoded here (the control data then prints as its
// address).
static std::string IpCmsg(int32_t type, const std::string& data) {
  const char* name = Table("getsockopt_sol_ip").Name(static_cast<uint32_t>(type));
  if (!name)
    return "";
  auto hex = [](uint8_t v) { return v ? HexString(v) : std::string("0"); };  // C's %#x
  std::string s = Styled("0", "SOL_IP") + ", cmsg_type=" + Styled(HexString(type), name);
  switch (type) {
    case 8:  // IP_PKTINFO: struct in_pktinfo
      if (data.size() != 12)
        return "";
      return s + ", cmsg_data={ipi_ifindex=" + Ifindex(At<uint32_t>(data, 0)) + ", " +
             InetAddrField("ipi_spec_dst", data, 4) + ", " + InetAddrField("ipi_addr", data, 8) +
             "}";
    case 2:  // IP_TTL: an int
      if (data.size() != 4)
        return "";
      return s + ", cmsg_data=[" + UDec(At<uint32_t>(data, 0)) + "]";
    case 1:  // IP_TOS: a byte
      if (data.size() != 1)
        return "";
      return s + ", cmsg_data=[" + hex(static_cast<uint8_t>(data[0])) + "]";
    case 6:  // IP_RECVOPTS, IP_RETOPTS: the IP options, bytes
    case 7: {
      if (data.empty())
        return s;
      std::string bytes;
      for (size_t i = 0; i < data.size(); i++)
        bytes += (i ? ", " : "") + hex(static_cast<uint8_t>(data[i]));
      return s + ", cmsg_data=[" + bytes + "]";
    }
    case 0x14:  // IP_ORIGDSTADDR: a struct sockaddr_in
      if (data.size() < 2)
        return "";
      return s + ", cmsg_data=" + Sockaddr(data, data.size(), QuoteOptions());
    default:
      return "";
  }
}

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
    std::string data = d.substr(off + 16, len - 16);
    if (level == 0 /* SOL_IP */) {
      std::string ip = IpCmsg(type, data);
      if (ip.empty())
        return "";
      s += ip + "}";
      off += (len + 7) & ~7ull;
      continue;
    }
    if (level != 1 /* SOL_SOCKET */)
      return "";
    s += Styled("0x1", "SOL_SOCKET") + ", cmsg_type=";
    if (type == 1) {  // SCM_RIGHTS
      s += Styled("0x1", "SCM_RIGHTS") + ", cmsg_data=[";
      for (size_t i = 0; i + 4 <= data.size(); i += 4)
        s += (i ? ", " : "") + fd(At<int32_t>(data, i));
      s += "]";
    } else if (type == 2 && data.size() >= 12) {  // SCM_CREDENTIALS
      s += Styled("0x2", "SCM_CREDENTIALS") +
           ", cmsg_data={pid=" + std::to_string(At<int32_t>(data, 0)) +
           ", uid=" + UDec(At<uint32_t>(data, 4)) + ", gid=" + UDec(At<uint32_t>(data, 8)) + "}";
    } else if (type == 29 || type == 35 || type == 63 || type == 64) {
      // SO_TIMESTAMP_OLD/_NEW: a timeval; SO_TIMESTAMPNS_OLD/_NEW: a timespec (64-bit fields
      // on x86_64 either way); "???" when the data is shorter.
      bool ns = type == 35 || type == 64;
      const char* name = type == 29   ? "SO_TIMESTAMP_OLD"
                         : type == 35 ? "SO_TIMESTAMPNS_OLD"
                         : type == 63 ? "SO_TIMESTAMP_NEW"
                                      : "SO_TIMESTAMPNS_NEW";
      s += Styled(HexString(type), name) + ", cmsg_data=";
      s += data.size() < 16 ? "???" : ns ? Timespec(data, 0) : Timeval(data, 0);
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

// ", sin6_scope_id=N" of a sockaddr_in6 `len` bytes long ("" when it stops before the field);
// the interface's name for a link-local address, unicast or multicast.
static std::string ScopeId(const std::string& d, uint64_t len) {
  if (len < sizeof(sockaddr_in6) || d.size() < sizeof(sockaddr_in6))
    return "";
  uint32_t id = At<uint32_t>(d, 24);
  in6_addr a;
  std::memcpy(&a, d.data() + 8, sizeof a);
  bool link = IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_MC_LINKLOCAL(&a);
  return ", sin6_scope_id=" + (link ? Ifindex(id) : UDec(id));
}

static std::string Sockaddr(const std::string& d, uint64_t len, const QuoteOptions& q) {
  if (len < 2 || d.size() < 2)
    return "{sa_family=AF_UNSPEC}";
  std::string s = "{sa_family=";
  uint16_t family = At<uint16_t>(d, 0);
  const char* fname = Table("socket_family").Name(family);
  s += fname || CurrentXlatStyle() == XlatStyle::kRaw
           ? Styled(HexString(family), fname ? fname : "")
           : HexString(family) + " /* AF_??? */";
  std::string body = d.substr(2, std::min<uint64_t>(len, d.size()) - 2);
  // Shorter than its family's struct: the bytes after the family, as for an unknown family.
  uint64_t least = family == AF_INET      ? sizeof(sockaddr_in)
                   : family == AF_INET6   ? 24  // up to sin6_addr; sin6_scope_id is optional
                   : family == AF_NETLINK ? sizeof(sockaddr_nl)
                                          : 0;
  if (len < least)
    family = AF_UNSPEC;
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
      s += ScopeId(d, len);
    }
    return s + "}";
  }
  switch (family) {
    case AF_UNIX: {
      if (body.empty())
        break;
      body.resize(std::min<size_t>(body.size(), sizeof(sockaddr_un::sun_path)));
      QuoteOptions qq = q;
      qq.max_strlen = sizeof(sockaddr_un::sun_path);
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
           "\", &sin6_addr)" + ScopeId(d, len);
      break;
    }
    case AF_NETLINK: {
      char groups[16];
      snprintf(groups, sizeof groups, "%#08x", At<uint32_t>(d, 8));
      if (uint16_t pad = At<uint16_t>(d, 2))
        s += ", nl_pad=" + HexString(pad);
      s += ", nl_pid=" + Dec(At<int32_t>(d, 4)) + ", nl_groups=" + groups;
      break;
    }
    default: {
      // All of the bytes, whatever -s says.
      QuoteOptions qq = q;
      qq.max_strlen = body.size();
      s += ", sa_data=";
      AppendQuotedBuffer(&s, body, body.size(), qq);
      break;
    }
  }
  return s + "}";
}

static std::string SocketProtocol(uint64_t family, uint64_t proto) {
  if (family == AF_INET || family == AF_INET6)
    return Enum("inet_protocol", proto & 0xffffffff);
  if (family == AF_NETLINK)
    return Enum("netlink_protocol", proto & 0xffffffff);
  if (family == AF_PACKET)  // an Ethernet protocol number, in network byte order
    return "htons(" + Enum("ethernet_protocol", ntohs(static_cast<uint16_t>(proto))) + ")";
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
  if (c.Verbose()) {
    c.ToExit();
    SockaddrArg(c, 1, true, SockaddrLenOut(c, 2));
    c.Sep();
    SocklenArg(c, 2);
  } else {
    // Not in -e verbose=: strace reads no length, and prints both addresses at entry.
    c.Ptr(c.A(1));
    c.Sep();
    c.Ptr(c.A(2));
  }
  if (c.sc.nr == __NR_accept4) {
    c.Sep();
    c.Put(Flags("accept4_flags", c.A(3) & 0xffffffff));
  }
  c.Put(")");
}

// A send or receive buffer of len bytes at argument i: netlink messages on a netlink socket
// (unless -e verbose=none), else a string.
static void SockBuf(Ctx& c, int i, bool out, uint64_t len) {
  int proto;
  const Buffer* b = c.sc.Find(i, out, format::kBufferPlain, 0);
  if (c.Verbose() && NetlinkSocket(c, c.A(0), &proto) && (!out || c.ok()) && !(b && b->redacted)) {
    NlMem m;
    m.base = c.A(i);
    if (b)
      m.data = b->data;
    m.q = c.q;
    m.abbrev = !c.opt.verbose;
    m.max_elems = c.opt.max_strlen;
    c.Put(NetlinkText(m, proto, c.A(i), len));
    return;
  }
  c.Data(i, out, len);
}

static void DecodeSendto(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  SockBuf(c, 1, false, c.A(2));
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
  // With MSG_TRUNC a datagram's whole length is returned: the buffer holds at most its size.
  SockBuf(c, 1, true, std::min(c.Len(kLenRet), c.A(2)));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  c.Sep();
  if (c.Verbose()) {
    SockaddrArg(c, 4, true, SockaddrLenOut(c, 5));
    c.Sep();
    SocklenArg(c, 5);
  } else {  // the lengths are not read, nor the address
    c.Ptr(c.A(4));
    c.Sep();
    c.Ptr(c.A(5));
  }
  c.Put(")");
}

// msg_namelen of the struct msghdr at d[off] as the call was given it (a received message's
// entry copy, argument 1's input), or -1 when that was not read.
static int64_t NamelenIn(const Ctx& c, size_t off) {
  const Buffer* in = c.In(1);
  if (!in || in->data.size() < off + 12)
    return -1;
  return At<uint32_t>(in->data, off + 8);
}

// A struct msghdr (56 bytes at d[off]) of argument 1, with its buffers: msg_name (aux index
// base), msg_control (aux index base + 1), the iovecs (index base); iovec data shown up to
// `total` bytes (-1: all). A received message's name is what the kernel wrote: no more than the
// room it was given (`namelen_in`, -1 if unknown), and its length prints as "given => written"
// when the two differ.
static void MsghdrAt(Ctx& c,
                     bool out,
                     const std::string& msghdr,
                     size_t off,
                     uint32_t base,
                     int64_t total,
                     int64_t namelen_in = -1) {
  const std::string d = msghdr.substr(off, 56);
  uint64_t name = At<uint64_t>(d, 0), iovlen = At<uint64_t>(d, 24), control = At<uint64_t>(d, 32),
           controllen = At<uint64_t>(d, 40);
  uint32_t namelen = At<uint32_t>(d, 8), flags = At<uint32_t>(d, 48);
  uint64_t written = namelen_in >= 0 ? std::min<uint64_t>(namelen, namelen_in) : namelen;
  std::string s = "{msg_name=";
  const Buffer* nb = c.sc.Find(1, out, format::kBufferAux, base);
  if (!name)
    s += "NULL";
  else if (nb && !nb->read_errno && nb->redacted)
    s += RedactedText(*nb);
  else if (nb && !nb->read_errno && written >= 2)  // (shorter than sa_family: an address)
    s += Sockaddr(nb->data, std::min<uint64_t>(written, nb->data.size()), c.q);
  else
    s += PtrString(name);
  s += ", msg_namelen=";
  if (namelen_in >= 0 && namelen_in != namelen)
    s += UDec(namelen_in) + " => ";
  s += UDec(namelen) + ", msg_iov=";
  c.Put(s);
  c.Iovec(1, out, iovlen, total, base, At<uint64_t>(d, 16));
  s = ", msg_iovlen=" + UDec(iovlen);
  if (controllen) {
    const Buffer* cb = c.sc.Find(1, out, format::kBufferAux, base + 1);
    std::string cm;
    if (cb && !cb->read_errno) {
      // A received message's control length is what the kernel filled in.
      // Received fds are new: their paths come with the call (kBufferFdPath, arg 1, index =
      // the fd's position among the SCM_RIGHTS fds), not from the state.
      uint32_t k = 0;
      cm = FormatCmsgs(cb->data, std::min<uint64_t>(controllen, cb->data.size()),
                       [&c, out, &k, base](int fd) {
                         if (!out)
                           return c.FdText(fd);
                         std::string text = base ? "" : c.NewFdText(1, k);
                         k++;
                         return std::to_string(fd) + text;
                       });
    }
    s += ", msg_control=" + (cm.empty() ? PtrString(control) : cm);
  }
  s += ", msg_controllen=" + UDec(controllen) + ", msg_flags=" + Flags("msg_flags", flags) + "}";
  c.Put(s);
}

static void Msghdr(Ctx& c, bool out) {
  if (out && c.sc.error()) {
    // A failed receive wrote nothing: strace shows the one field it read at entry.
    int64_t namelen = NamelenIn(c, 0);
    if (namelen >= 0)
      c.Put("{msg_namelen=" + Dec(static_cast<int32_t>(namelen)) + "}");
    else
      c.Ptr(c.A(1));
    return;
  }
  const Buffer* m = out ? c.Out(1) : c.In(1);
  if (!m || m->data.size() < 56) {
    c.Ptr(c.A(1));
    return;
  }
  MsghdrAt(c, out, m->data, 0, 0, out ? c.sc.ret : -1, out ? NamelenIn(c, 0) : -1);
}

// How many messages of an mmsghdr vector are shown: -s of them (all under -v), and no more
// than the kernel takes in one call (UIO_MAXIOV).
static uint64_t MmsgShown(const Ctx& c) {
  return c.opt.verbose ? 1024 : std::min<uint64_t>(c.opt.max_strlen, 1024);
}

// The struct mmsghdr vector of `count` messages in b: each message's header, with its msg_len
// for those the call processed (out), then "..." where -s stops it, or "... /* ADDR */" where it
// stopped being readable.
static void MmsgArray(Ctx& c, const Buffer& b, bool out, uint64_t count) {
  uint64_t have = b.data.size() / 64;
  c.Put("[");
  for (uint64_t i = 0; i < have; i++) {
    if (i)
      c.Put(", ");
    if (i >= MmsgShown(c)) {
      c.Put("...");
      break;
    }
    c.Put("{msg_hdr=");
    uint32_t len = At<uint32_t>(b.data, i * 64 + 56);
    MsghdrAt(c, out, b.data, i * 64, static_cast<uint32_t>(i) << 16, out ? int64_t{len} : -1,
             out && c.sc.nr == __NR_recvmmsg ? NamelenIn(c, i * 64) : -1);
    c.Put(out ? ", msg_len=" + UDec(len) + "}" : "}");
  }
  if (have < count && have < MmsgShown(c))
    c.Put(b.read_errno ? ", ... /* " + PtrString(c.A(1) + have * 64) + " */" : ", ...");
  c.Put("]");
}

// sendmmsg/recvmmsg: the messages the call processed, each with its msg_len, all read at exit.
static void DecodeMmsg(Ctx& c) {
  c.Fd(c.A(0));
  c.Sep();
  // Not in -e verbose=: all at entry, the messages (and recvmmsg's timeout) as addresses.
  bool verbose = c.Verbose();
  if (verbose)
    c.ToExit();
  const Buffer* m = verbose ? c.Out(1) : nullptr;
  // A failed sendmmsg: the messages as given (read at entry, with what they point at read at
  // exit), all of them but no more than -s, then "... /* ADDR */" where the array stopped being
  // readable.
  const Buffer* given = verbose && c.sc.nr == __NR_sendmmsg && c.sc.error()
                            ? c.sc.Find(1, false, format::kBufferPlain, 0)
                            : nullptr;
  if (given && !given->redacted && given->data.size() >= 64)
    MmsgArray(c, *given, false, c.A(2) & 0xffffffff);
  else if (!m || c.sc.error() || !c.sc.returned())
    c.Ptr(c.A(1));
  else
    MmsgArray(c, *m, true, m->full_len / 64);
  c.Sep();
  c.Put(UDec(c.A(2) & 0xffffffff));
  c.Sep();
  c.Put(Flags("msg_flags", c.A(3) & 0xffffffff));
  if (c.sc.nr == __NR_recvmmsg) {
    c.Sep();
    if (!c.A(4))
      c.Put("NULL");
    else if (verbose)
      c.Struct(4, false, "timespec");  // the timeout as it was at entry
    else
      c.Ptr(c.A(4));
  }
  if (!verbose)
    c.ToExit();
  c.Put(")");
}

// recvmmsg: "0 (Timeout)", or the time left of the timeout, "1 (left {tv_sec=0, tv_nsec=9})".
static std::string RecvmmsgReturn(const Syscall& sc, const DecodeEnv& env) {
  if (sc.ret == 0)
    return "0 (Timeout)";
  if (!sc.args[4] || !CallVerbose(*env.opt, sc.nr))
    return "";
  const Buffer* b = sc.Find(4, true);
  std::string left = b && !b->read_errno && !b->redacted && b->data.size() >= 16
                         ? Timespec(b->data, 0)
                         : PtrString(sc.args[4]);
  return Dec(sc.ret) + " (left " + left + ")";
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

// ---- getsockopt / setsockopt ----

static std::string SockoptLevel(uint32_t level) {
  if (const char* n = Table("socket_level").Name(level))
    return Styled(HexString(level), n);
  if (CurrentXlatStyle() == XlatStyle::kRaw)
    return HexString(level);
  return HexString(level) + " /* SOL_?? */";  // sic: two question marks
}

// The option names of a level (getsockopt and setsockopt differ at some), or nullptr when the
// level has none and its options print as numbers.
static const char* SockoptTable(uint32_t level, bool get) {
  switch (level) {
    case SOL_IP:
      return get ? "getsockopt_sol_ip" : "setsockopt_sol_ip";
    case SOL_SOCKET:
      return get ? "getsockopt_sol_socket" : "setsockopt_sol_socket";
    case SOL_IPV6:
      return get ? "getsockopt_sol_ipv6" : "setsockopt_sol_ipv6";
    case 6:  // SOL_TCP
      return "sockopt_sol_tcp";
    case 17:  // SOL_UDP
      return "sockopt_sol_udp";
    case 40:  // AF_VSOCK's options are given at its family's number
      return "sockopt_af_vsock";
    case 101:
      return "sockopt_sol_can_raw";
    case 132:
      return "sockopt_sol_sctp";
    case SOL_RAW:
      return "sockopt_sol_raw";
    default:
      break;
  }
  static const char* const kFrom256[] = {
      "sockopt_sol_ipx",
      "sockopt_sol_ax25",
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      "sockopt_sol_packet",
      nullptr,
      nullptr,
      "sockopt_sol_irda",
      nullptr,
      "sockopt_sol_llc",
      "sockopt_sol_dccp",
      "sockopt_sol_netlink",
      "sockopt_sol_tipc",
      "sockopt_sol_rxrpc",
      "sockopt_sol_pppol2tp",
      "sockopt_sol_bluetooth",
      "sockopt_sol_pnpipe",
      "sockopt_sol_rds",
      "sockopt_sol_iucv",
      "sockopt_sol_caif",
      "sockopt_sol_alg",
      "sockopt_sol_nfc",
      "sockopt_sol_kcm",
      "sockopt_sol_tls",
      "sockopt_sol_xdp",
  };
  if (level >= 256 && level - 256 < std::size(kFrom256))
    return kFrom256[level - 256];
  return nullptr;
}

static std::string HexAll(const std::string& d, size_t off, size_t n) {
  std::string s;
  QuoteOptions hex;
  hex.force_hex = true;
  hex.max_strlen = static_cast<uint32_t>(n);
  AppendQuotedBuffer(&s, std::string_view(d).substr(off, n), n, hex);
  return s;
}

// An interface index: its name on this machine, else the number.
std::string Ifindex(uint32_t v) {
  char name[IF_NAMESIZE];
  if (v && if_indextoname(v, name))
    return Styled(UDec(v), std::string("if_nametoindex(\"") + name + "\")");
  return UDec(v);
}

static std::string InetAddrField(const char* field, const std::string& d, size_t off) {
  char addr[INET_ADDRSTRLEN] = "";
  inet_ntop(AF_INET, d.data() + off, addr, sizeof addr);
  std::string text = std::string("inet_addr(\"") + addr + "\")";
  std::string s = std::string(field) + "=";
  if (CurrentXlatStyle() == XlatStyle::kAbbrev)
    return s + text;
  s += HexAll(d, off, 4);
  return CurrentXlatStyle() == XlatStyle::kVerbose ? s + " /* " + text + " */" : s;
}

// Fields of 4 bytes each, of which the first `have` bytes are there: a field cut short prints
// its bytes in hex and ends the struct.
template <typename F>
static std::string Partial(const std::string& d,
                           size_t have,
                           std::initializer_list<const char*> names,
                           F value) {
  std::string s = "{";
  size_t i = 0;
  for (const char* n : names) {
    if (have <= i * 4)
      break;
    if (i)
      s += ", ";
    s += std::string(n) + "=";
    if (have < i * 4 + 4) {
      s += HexAll(d, i * 4, have - i * 4);
      break;
    }
    s += value(i, At<uint32_t>(d, i * 4));
    i++;
  }
  return s + "}";
}

static std::string IcmpFilter(uint32_t v) {
  bool inverted = std::popcount(v) > 16;
  if (inverted)
    v = ~v;
  std::string s = inverted ? "~[" : "[";
  bool first = true;
  for (uint32_t bit = 0; bit < 32; bit++) {
    if (!(v & (1u << bit)))
      continue;
    if (!first)
      s += " ";
    first = false;
    AppendEnum(&s, Table("icmp_filter_types"), bit);
  }
  return s + "]";
}

enum class OptKind {
  kDefault,
  kInt,
  kNetlinkInt,
  kTxrehash,
  kError,
  kLinger,
  kUcred,
  kTpStats,
  kU32Array,
  kIcmpFilter,
  kSockFprog,
  kBpfArray,
  kPacketMreq,
  kTpacketReq,
  kIpMreq,
  kIpv6Mreq,
  kGroupReq,
};

// The SOL_SOCKET options whose value is an int (asm-generic/socket.h): SO_DEBUG, SO_REUSEADDR,
// SO_DONTROUTE, SO_BROADCAST, SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_NO_CHECK,
// SO_PRIORITY, SO_BSDCOMPAT, SO_REUSEPORT, SO_PASSCRED, SO_RCVLOWAT, SO_SNDLOWAT,
// SO_DETACH_FILTER, SO_TIMESTAMP_OLD, SO_ACCEPTCONN, SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_PASSSEC,
// SO_TIMESTAMPNS_OLD, SO_MARK, SO_TIMESTAMPING_OLD, SO_RXQ_OVFL, SO_WIFI_STATUS, SO_PEEK_OFF,
// SO_NOFCS, SO_LOCK_FILTER, SO_SELECT_ERR_QUEUE, SO_BUSY_POLL, SO_INCOMING_CPU, SO_CNX_ADVICE,
// SO_INCOMING_NAPI_ID, SO_ZEROCOPY, SO_TIMESTAMP_NEW, SO_TIMESTAMPNS_NEW, SO_TIMESTAMPING_NEW,
// SO_DETACH_REUSEPORT_BPF, SO_PREFER_BUSY_POLL, SO_BUSY_POLL_BUDGET, SO_RESERVE_MEM, SO_RCVMARK.
constexpr uint32_t kSolSocketInts[] = {1,  2,  5,  6,  7,  8,  9,  10, 11, 12, 14, 15, 16, 18, 19,
                                       27, 29, 30, 32, 33, 34, 35, 36, 37, 40, 41, 42, 43, 44, 45,
                                       46, 49, 53, 56, 60, 63, 64, 65, 68, 69, 70, 73, 75};

static OptKind SockoptKind(uint32_t level, uint32_t name, bool get) {
  switch (level) {
    case SOL_SOCKET:
      if (std::find(std::begin(kSolSocketInts), std::end(kSolSocketInts), name) !=
          std::end(kSolSocketInts))
        return OptKind::kInt;
      switch (name) {
        case 74:
          return OptKind::kTxrehash;
        case 4:
          return get ? OptKind::kError : OptKind::kDefault;
        case 13:
          return OptKind::kLinger;
        case 17:
          return get ? OptKind::kUcred : OptKind::kDefault;
        case 26:
          return get ? OptKind::kBpfArray : OptKind::kSockFprog;
        case 51:
          return get ? OptKind::kDefault : OptKind::kSockFprog;
        default:
          return OptKind::kDefault;
      }
    case 270:  // SOL_NETLINK
      return get && name == 9 ? OptKind::kU32Array : OptKind::kNetlinkInt;
    case 263:  // SOL_PACKET
      if (get)
        return name == 6 ? OptKind::kTpStats : OptKind::kDefault;
      if (name == 1 || name == 2)
        return OptKind::kPacketMreq;
      if (name == 5 || name == 13)
        return OptKind::kTpacketReq;
      return OptKind::kDefault;
    case SOL_RAW:
      return name == 1 ? OptKind::kIcmpFilter : OptKind::kDefault;
    case SOL_IP:
      if (!get && (name == 35 || name == 36))
        return OptKind::kIpMreq;
      if (!get && (name == 42 || name == 45))
        return OptKind::kGroupReq;
      return OptKind::kDefault;
    case SOL_IPV6:
      if (!get && (name == 20 || name == 21 || name == 27 || name == 28))
        return OptKind::kIpv6Mreq;
      if (!get && (name == 42 || name == 45))
        return OptKind::kGroupReq;
      return OptKind::kDefault;
    default:
      return OptKind::kDefault;
  }
}

// An option's value of `len` bytes (signed: strace's view of optlen), from `d`, the readable
// prefix of what optval points to; "" to print the address.
static std::string SockoptValue(Ctx& c,
                                OptKind kind,
                                bool get,
                                int32_t len,
                                int32_t in_len,
                                const std::string& d) {
  uint64_t ulen = static_cast<uint32_t>(len);
  auto int_value = [&](int32_t v) {
    switch (kind) {
      case OptKind::kTxrehash: {
        std::string s;
        AppendEnumDec(&s, Table("sock_txrehash"), v);
        return "[" + s + "]";
      }
      case OptKind::kError: {
        // Numbered as unsigned; strace 6.1 names neither ENOPARAM nor ENOGRACE.
        const char* e = v > 0 && v != 519 && v != 531 ? ErrnoName(v) : nullptr;
        return "[" +
               (e ? Styled(UDec(static_cast<uint32_t>(v)), e) : UDec(static_cast<uint32_t>(v))) +
               "]";
      }
      default:
        return "[" + Dec(v) + "]";
    }
  };
  switch (kind) {
    case OptKind::kInt:
    case OptKind::kTxrehash:
    case OptKind::kError:
      if (get && len < 4)
        return d.size() >= ulen ? HexAll(d, 0, ulen) : "";
      if (len < 4 || d.size() < 4)
        return "";
      return int_value(At<int32_t>(d, 0));
    case OptKind::kNetlinkInt:
      if ((!get && len < 4) || d.size() < 4)
        return "";
      return "[" + Dec(At<int32_t>(d, 0)) + "]";
    case OptKind::kLinger: {
      if (!get && len < 8)
        return "";
      size_t have = std::min<uint64_t>(get ? ulen : 8, 8);
      if (d.size() < have)
        return "";
      return Partial(d, have, {"l_onoff", "l_linger"},
                     [](size_t, uint32_t v) { return Dec(static_cast<int32_t>(v)); });
    }
    case OptKind::kUcred: {
      size_t have = std::min<uint64_t>(ulen, 12);
      if (d.size() < have)
        return "";
      return Partial(d, have, {"pid", "uid", "gid"}, [&c](size_t i, uint32_t v) {
        if (i == 0 && c.opt.pidns)  // the peer's pid, in the caller's pid namespace
          return PidText(static_cast<int32_t>(v), c.opt, c.env.state, c.sc.tid);
        return i == 0 || v == 0xffffffffu ? Dec(static_cast<int32_t>(v)) : UDec(v);
      });
    }
    case OptKind::kTpStats: {
      size_t have = std::min<uint64_t>(ulen, 12);
      if (d.size() < have)
        return "";
      return Partial(d, have, {"tp_packets", "tp_drops", "tp_freeze_q_cnt"},
                     [](size_t, uint32_t v) { return UDec(v); });
    }
    case OptKind::kU32Array: {
      uint64_t n = static_cast<uint64_t>(std::min(in_len, len)) / 4;
      if (n && d.size() < 4)
        return "";
      std::string s = "[";
      for (uint64_t i = 0; i < n; i++) {
        if (i)
          s += ", ";
        if (!c.opt.verbose && i >= c.opt.max_strlen) {
          s += "...";
          break;
        }
        if (d.size() < i * 4 + 4) {
          s += "... /* " + PtrString(c.A(3) + i * 4) + " */";
          break;
        }
        s += UDec(At<uint32_t>(d, i * 4));
      }
      return s + "]";
    }
    case OptKind::kIcmpFilter: {
      if (len <= 0)
        return "";
      size_t have = std::min<uint64_t>(ulen, 4);
      if (d.size() < have)
        return "";
      uint32_t v = 0xffffffffu;
      std::memcpy(&v, d.data(), have);
      return IcmpFilter(v);
    }
    case OptKind::kSockFprog:
      if (len != 16 || d.size() < 16)
        return "";
      return SockFprog(c, 3, d, BpfFlavour::kSocket);
    case OptKind::kBpfArray: {
      if (!c.opt.verbose)
        return "";
      const Buffer* b = c.sc.Find(3, true, format::kBufferPlain, 0);
      return b ? BpfProgram(b->data, c.A(3), ulen, BpfFlavour::kSocket) : "";
    }
    case OptKind::kPacketMreq: {
      if (len != 16 || d.size() < 16)
        return "";
      uint16_t type = At<uint16_t>(d, 4), alen = At<uint16_t>(d, 6);
      std::string s = "{mr_ifindex=" + Ifindex(At<uint32_t>(d, 0)) + ", mr_type=";
      AppendEnum(&s, Table("packet_mr_type"), type);
      s += ", mr_alen=" + UDec(alen) + ", mr_address=";
      size_t n = std::min<size_t>(alen, 8);
      // strace formats the address in a buffer that an empty address leaves as it was: with
      // mr_alen 0 it prints the previous address again.
      static thread_local std::string mac;
      if (n)
        mac.clear();
      for (size_t i = 0; i < n; i++) {
        char b[4];
        snprintf(b, sizeof b, i ? ":%02x" : "%02x", static_cast<uint8_t>(d[8 + i]));
        mac += b;
      }
      XlatStyle st = CurrentXlatStyle();
      if (st == XlatStyle::kAbbrev)
        s += mac;
      else
        s += HexAll(d, 8, n) +
             (st == XlatStyle::kVerbose && !mac.empty() ? " /* " + mac + " */" : "");
      return s + "}";
    }
    case OptKind::kTpacketReq:
      if (len != 16 || d.size() < 16)
        return "";
      return "{tp_block_size=" + UDec(At<uint32_t>(d, 0)) +
             ", tp_block_nr=" + UDec(At<uint32_t>(d, 4)) +
             ", tp_frame_size=" + UDec(At<uint32_t>(d, 8)) +
             ", tp_frame_nr=" + UDec(At<uint32_t>(d, 12)) + "}";
    case OptKind::kIpMreq:
      if (len < 8 || d.size() < 8)
        return "";
      return "{" + InetAddrField("imr_multiaddr", d, 0) + ", " +
             InetAddrField("imr_interface", d, 4) + "}";
    case OptKind::kIpv6Mreq: {
      if (len < 20 || d.size() < 20)
        return "";
      char addr[INET6_ADDRSTRLEN] = "";
      inet_ntop(AF_INET6, d.data(), addr, sizeof addr);
      std::string s = "{";
      if (CurrentXlatStyle() == XlatStyle::kAbbrev) {
        s += std::string("inet_pton(AF_INET6, \"") + addr + "\", &ipv6mr_multiaddr)";
      } else {
        s += "ipv6mr_multiaddr=" + HexAll(d, 0, 16);
        if (CurrentXlatStyle() == XlatStyle::kVerbose)
          s += std::string(" /* inet_pton(AF_INET6, \"") + addr + "\") */";
      }
      return s + ", ipv6mr_interface=" + Ifindex(At<uint32_t>(d, 16)) + "}";
    }
    case OptKind::kGroupReq: {
      if (len < 136 || d.size() < 136)
        return "";
      QuoteOptions q = c.q;
      q.max_strlen = 128;
      return "{gr_interface=" + Ifindex(At<uint32_t>(d, 0)) +
             ", gr_group=" + Sockaddr(d.substr(8, 128), 128, q) + "}";
    }
    case OptKind::kDefault:
    default: {
      if (len == 4)
        return d.size() >= 4 ? "[" + Dec(At<int32_t>(d, 0)) + "]" : "";
      if (len == 0)
        return "\"\"";
      uint64_t want = std::min<uint64_t>(ulen, uint64_t{c.opt.max_strlen} + 1);
      if (d.size() < want)
        return "";
      std::string s;
      AppendQuotedBuffer(&s, d, ulen, c.q);
      return s;
    }
  }
}

static void DecodeSockopt(Ctx& c) {
  bool get = c.sc.nr == __NR_getsockopt;
  uint32_t level = c.A(1) & 0xffffffff, name = c.A(2) & 0xffffffff;
  c.Fd(c.A(0));
  c.Sep();
  c.Put(SockoptLevel(level));
  c.Sep();
  if (const char* table = SockoptTable(level, get)) {
    std::string s;
    AppendEnum(&s, Table(table), name);
    c.Put(s);
  } else {
    c.Put(UDec(name));
  }
  c.Sep();
  if (get && !c.Verbose()) {
    // Not in -e verbose=: the length is not read, both addresses print at entry.
    c.Ptr(c.A(3));
    c.Sep();
    c.Ptr(c.A(4));
    c.ToExit();
    c.Put(")");
    return;
  }
  if (get)
    c.ToExit();
  OptKind kind = SockoptKind(level, name, get);
  const Buffer* b = c.sc.Find(3, get, format::kBufferPlain, 0);
  std::string value;
  int32_t len = static_cast<int32_t>(c.A(4)), in_len = len;
  bool decode = c.Verbose();  // setsockopt's value: its address when not in -e verbose=
  if (get) {
    const Buffer* in = c.A(4) ? c.In(4) : nullptr;
    const Buffer* out = c.A(4) ? c.Out(4) : nullptr;
    in_len = in ? At<int32_t>(in->data, 0) : 0;
    len = out ? At<int32_t>(out->data, 0) : 0;
    decode = c.ok() && in && out && in_len > 0 && len > 0;
  }
  if (!c.A(3)) {
    c.Put("NULL");
  } else if (decode && b && c.Redacted(b)) {
    // its marker is out
  } else {
    if (decode)
      value = SockoptValue(c, kind, get, len, in_len, b ? b->data : std::string());
    c.Put(value.empty() ? PtrString(c.A(3)) : value);
  }
  c.Sep();
  if (get)
    SocklenArg(c, 4);
  else
    c.Put(Dec(static_cast<int32_t>(c.A(4))));
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
      {__NR_sendmmsg, DecodeMmsg},      {__NR_recvmmsg, DecodeMmsg, RecvmmsgReturn},
      {__NR_setsockopt, DecodeSockopt}, {__NR_getsockopt, DecodeSockopt},
  };
  return {"net", kDecoders, {}};
}

}  // namespace strec::replay::detail

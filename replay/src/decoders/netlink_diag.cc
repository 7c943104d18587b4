// NETLINK_SOCK_DIAG's payloads: a request or a reply by the socket family in its first byte
// (linux/unix_diag.h, linux/netlink_diag.h), each a fixed struct and then attributes.
#include <linux/netlink.h>
#include <sys/socket.h>

#include <string>

#include "decoders/decoders.h"
#include "decoders/netlink.h"

namespace strec::replay::detail {
namespace {

std::string U8(const std::string& d, size_t off) {
  return UDec(At<uint8_t>(d, off));
}
std::string U32(const std::string& d, size_t off) {
  return UDec(At<uint32_t>(d, off));
}
std::string Cookie(const std::string& d, size_t off) {
  std::string s = "[";
  s += U32(d, off);
  s += ", ";
  s += U32(d, off + 4);
  s += ']';
  return s;
}
std::string Name(const char* table, uint64_t v) {
  std::string s;
  AppendEnum(&s, Table(table), v);
  return s;
}
std::string FlagSet(const char* table, uint64_t v) {
  std::string s;
  AppendFlags(&s, Table(table), v);
  return s;
}
// A set of states as bits: "1<<TCP_ESTABLISHED|1<<TCP_LISTEN" (styled as one number by -X).
std::string StateBits(uint32_t v) {
  if (!v)
    return "0";
  return Whole(HexString(v), [v]() {
    uint32_t rest = v;
    std::string s;
    const Xlat& t = Table("tcp_states");
    for (int i = 0; i < 32; i++) {
      const char* name = t.Name(i);
      if (!(rest & (1u << i)) || !name)
        continue;
      if (!s.empty())
        s += '|';
      s += "1<<";
      s += name;
      rest &= ~(1u << i);
    }
    if (rest) {
      if (!s.empty())
        s += '|';
      s += HexString(rest);
    }
    return s;
  });
}

std::string Dec32(uint64_t v) {
  return UDec(v);
}
std::string Hex64(uint64_t v) {
  return HexString(v);
}

const NlAttrDecoder kUnixAttrs[] = {
    nullptr,                                                        // UNIX_DIAG_NAME
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // UNIX_DIAG_VFS
      return NlFixed(
          m, a, n, 8,
          [](const std::string& d) {
            return "{udiag_vfs_dev=" + Makedev(At<uint32_t>(d, 4)) +
                   ", udiag_vfs_ino=" + U32(d, 0) + "}";
          },
          out);
    },
    nullptr,                                                        // UNIX_DIAG_PEER
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // UNIX_DIAG_ICONS
      return NlArray(m, a, n, 4, Dec32, out);
    },
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // UNIX_DIAG_RQLEN
      return NlFixed(
          m, a, n, 8,
          [](const std::string& d) {
            return "{udiag_rqueue=" + U32(d, 0) + ", udiag_wqueue=" + U32(d, 4) + "}";
          },
          out);
    },
};

bool Ring(const NlMem& m, uint64_t a, uint64_t n, std::string* out) {
  return NlFixed(
      m, a, n, 16,
      [](const std::string& d) {
        return "{ndr_block_size=" + U32(d, 0) + ", ndr_block_nr=" + U32(d, 4) +
               ", ndr_frame_size=" + U32(d, 8) + ", ndr_frame_nr=" + U32(d, 12) + "}";
      },
      out);
}

const NlAttrDecoder kNetlinkAttrs[] = {
    nullptr,                                                        // NETLINK_DIAG_MEMINFO
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // NETLINK_DIAG_GROUPS
      return NlArray(m, a, n, 8, Hex64, out);
    },
    Ring,                                                           // NETLINK_DIAG_RX_RING
    Ring,                                                           // NETLINK_DIAG_TX_RING
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // NETLINK_DIAG_FLAGS
      return NlFixed(
          m, a, n, 4,
          [](const std::string& d) { return FlagSet("netlink_diag_flags", At<uint32_t>(d, 0)); },
          out);
    },
};

struct DiagStruct {
  int family;
  bool request;
  NlFamilyHeader header;
};

const DiagStruct kStructs[] = {
    {AF_UNIX,
     true,
     {"sdiag_family",
      24,
      [](const std::string& d) {
        return "sdiag_protocol=" + U8(d, 1) + ", udiag_states=" + StateBits(At<uint32_t>(d, 4)) +
               ", udiag_ino=" + U32(d, 8) +
               ", udiag_show=" + FlagSet("unix_diag_show", At<uint32_t>(d, 12)) +
               ", udiag_cookie=" + Cookie(d, 16);
      },
      {}}},
    {AF_UNIX,
     false,
     {"udiag_family",
      16,
      [](const std::string& d) {
        return "udiag_type=" + SocketType(At<uint8_t>(d, 1)) +
               ", udiag_state=" + Name("tcp_states", At<uint8_t>(d, 2)) +
               ", udiag_ino=" + U32(d, 4) + ", udiag_cookie=" + Cookie(d, 8);
      },
      {"unix_diag_attrs", kUnixAttrs}}},
    {AF_NETLINK,
     true,
     {"sdiag_family",
      20,
      [](const std::string& d) {
        uint8_t proto = At<uint8_t>(d, 1);
        return "sdiag_protocol=" +
               (proto == 255 ? std::string("NDIAG_PROTO_ALL") : Name("netlink_protocol", proto)) +
               ", ndiag_ino=" + U32(d, 4) +
               ", ndiag_show=" + FlagSet("netlink_diag_show", At<uint32_t>(d, 8)) +
               ", ndiag_cookie=" + Cookie(d, 12);
      },
      {}}},
    {AF_NETLINK,
     false,
     {"ndiag_family",
      28,
      [](const std::string& d) {
        return "ndiag_type=" + SocketType(At<uint8_t>(d, 1)) +
               ", ndiag_protocol=" + Name("netlink_protocol", At<uint8_t>(d, 2)) +
               ", ndiag_state=" + Name("netlink_states", At<uint8_t>(d, 3)) +
               ", ndiag_portid=" + U32(d, 4) + ", ndiag_dst_portid=" + U32(d, 8) +
               ", ndiag_dst_group=" + U32(d, 12) + ", ndiag_ino=" + U32(d, 16) +
               ", ndiag_cookie=" + Cookie(d, 20);
      },
      {"netlink_diag_attrs", kNetlinkAttrs}}},
};

bool Payload(const NlMem& m, const NlMsg& msg, uint64_t addr, uint64_t len, std::string* out) {
  uint8_t family = 0;
  m.Get(addr, &family);
  bool request = msg.flags & NLM_F_REQUEST;
  if (len > 1 && m.Has(addr, 1))
    for (const DiagStruct& s : kStructs)
      if (s.family == family && s.request == request) {
        NlFamilyStruct(m, s.header, addr, len, out);
        return true;
      }
  NlFamilyData(m, addr, len, out);
  return true;
}

}  // namespace

const NlProtocol kNlSockDiag = {
    NETLINK_SOCK_DIAG, "nl_sock_diag_types", nullptr, [](uint16_t) { return "netlink_get_flags"; },
    Payload,
};

}  // namespace strec::replay::detail

// Netlink messages in the data of send and receive calls on a netlink socket: the walk over
// the messages of a buffer (struct nlmsghdr, NLMSG_ALIGN'ed one after another), over a message's
// attributes (struct nlattr, NLA_ALIGN'ed), the generic message types (NLMSG_ERROR with the
// message it answers, NLMSG_DONE), and the payload of each protocol (netlink_*.cc register
// theirs in kProtocols below). Memory the recorder could not read prints as its address, as
// strace prints what it cannot fetch.
#include "decoders/netlink.h"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <algorithm>

#include "decoders/decoders.h"

namespace strec::replay::detail {

bool NlMem::Has(uint64_t addr, uint64_t n) const {
  return addr >= base && addr - base <= data.size() && data.size() - (addr - base) >= n;
}

std::string_view NlMem::Bytes(uint64_t addr, uint64_t n) const {
  return Has(addr, n) ? data.substr(addr - base, n) : std::string_view();
}

std::string NlMem::Str(uint64_t addr, uint64_t len) const {
  if (!addr)
    return "NULL";
  if (len == 0)
    return "\"\"";
  uint64_t want = std::min<uint64_t>(len, q.max_strlen);
  if (!Has(addr, want))
    return PtrString(addr);
  QuoteOptions hex = q;
  hex.force_hex = true;
  std::string s;
  AppendQuotedBuffer(&s, data.substr(addr - base, want), len, hex);
  return s;
}

namespace {

struct NlMsgHdr {
  uint32_t len;
  uint16_t type, flags;
  uint32_t seq, pid;
};

// The walk shared by messages and attributes: a header of hdr_len bytes whose first field is
// the element's length; each element prints through `element(addr, len left)`, and the next
// one starts at the aligned length. Elements print in [] when there are more than one; what
// is left too short for a header prints as a string, an unreadable header as its address.
template <typename Element>
void Walk(const NlMem& m,
          uint64_t addr,
          uint64_t len,
          uint32_t hdr_len,
          uint32_t (*elem_len)(std::string_view),
          Element element,
          std::string* out) {
  bool array = false;
  for (uint32_t n = 0;; n++) {
    if (len < hdr_len) {
      *out += m.Str(addr, len);
      break;
    }
    if (!m.Has(addr, hdr_len)) {
      *out += array ? "... /* " + PtrString(addr) + " */" : PtrString(addr);
      break;
    }
    if (m.abbrev && n == m.max_elems) {
      *out += "...";
      break;
    }
    uint32_t raw = elem_len(m.Bytes(addr, hdr_len));
    uint64_t step = (static_cast<uint64_t>(raw) + 3) & ~3ull;
    uint64_t next_len = 0, next = 0;
    if (raw >= hdr_len) {
      next_len = len >= step ? len - step : 0;
      if (next_len && addr + step > addr)
        next = addr + step;
    }
    if (!array && next) {
      *out += "[";
      array = true;
    }
    element(addr, len);
    if (!next)
      break;
    *out += ", ";
    addr = next;
    len = next_len;
  }
  if (array)
    *out += "]";
}

uint32_t U32Len(std::string_view h) {
  uint32_t v;
  std::memcpy(&v, h.data(), 4);
  return v;
}

uint32_t U16Len(std::string_view h) {
  uint16_t v;
  std::memcpy(&v, h.data(), 2);
  return v;
}

std::string Hdr(const NlMsgHdr& h, int proto) {
  std::string s = "{nlmsg_len=" + UDec(h.len) + ", nlmsg_type=";
  const NlProtocol* p = FindNlProtocol(proto);
  const char* flags_table = "netlink_flags";
  if (h.type < NLMSG_MIN_TYPE) {
    AppendEnum(&s, Table("nlmsg_types"), h.type);
    if (h.type == NLMSG_ERROR)
      flags_table = "netlink_ack_flags";
  } else if (p && p->type_text) {
    s += p->type_text(h.type);
  } else if (p && p->types) {
    AppendEnum(&s, Table(p->types), h.type);
  } else {
    AppendEnum(&s, Table("nlmsg_types"), h.type);
  }
  if (h.type >= NLMSG_MIN_TYPE && p && p->flags_table)
    flags_table = p->flags_table(h.type);
  s += ", nlmsg_flags=" + FlagsDflt(flags_table, h.flags);
  return s + ", nlmsg_seq=" + UDec(h.seq) + ", nlmsg_pid=" + UDec(h.pid) + "}";
}

void Message(const NlMem& m, int proto, uint64_t addr, uint64_t len, std::string* out);

// NLMSG_ERROR's payload: the error, then the message it answers (and the extended ack's
// attributes after it).
void ErrorPayload(const NlMem& m, int proto, uint64_t addr, uint64_t len, std::string* out) {
  constexpr uint64_t kErrLen = 4 + sizeof(nlmsghdr);
  if (len < kErrLen) {
    *out += m.Str(addr, len);
    return;
  }
  if (!m.Has(addr, kErrLen)) {
    *out += PtrString(addr);
    return;
  }
  int32_t err = At<int32_t>(std::string(m.Bytes(addr, 4)), 0);
  *out += "{error=";
  if (err < 0 && ErrnoName(-err))
    *out += Styled(Dec(err), std::string("-") + ErrnoName(-err));
  else
    *out += Dec(err);
  *out += ", msg=";
  Message(m, proto, addr + 4, len - 4, out);
  *out += "}";
}

// A message: its header, then its payload when it has one.
void Message(const NlMem& m, int proto, uint64_t addr, uint64_t len, std::string* out) {
  NlMsgHdr h;
  std::memcpy(&h, m.Bytes(addr, sizeof h).data(), sizeof h);
  uint64_t n = std::min<uint64_t>(h.len, len);
  bool payload = n > sizeof h;
  if (payload)
    *out += "[";
  *out += Hdr(h, proto);
  if (!payload)
    return;
  *out += ", ";
  uint64_t pa = addr + sizeof h, pl = n - sizeof h;
  NlMsg msg{h.type, h.flags, proto};
  if (h.type == NLMSG_ERROR) {
    ErrorPayload(m, proto, pa, pl, out);
  } else if (h.type == NLMSG_DONE) {
    if (pl < 4)
      *out += m.Str(pa, pl);
    else if (!m.Has(pa, 4))
      *out += PtrString(pa);
    else
      *out += Dec(At<int32_t>(std::string(m.Bytes(pa, 4)), 0));
  } else if (h.type < NLMSG_MIN_TYPE) {
    *out += m.Str(pa, pl);
  } else {
    const NlProtocol* p = FindNlProtocol(proto);
    if (!p || !p->payload || !p->payload(m, msg, pa, pl, out))
      *out += m.Str(pa, pl);
  }
  *out += "]";
}

}  // namespace

void NlAttrs(const NlMem& m,
             const NlAttrSpec& spec,
             uint64_t addr,
             uint64_t len,
             std::string* out) {
  Walk(
      m, addr, len, 4, U16Len,
      [&](uint64_t a, uint64_t left) {
        uint16_t nla_len = At<uint16_t>(std::string(m.Bytes(a, 4)), 0);
        uint16_t type = At<uint16_t>(std::string(m.Bytes(a, 4)), 2);
        uint64_t n = std::min<uint64_t>(nla_len, left);
        bool payload = n > 4;
        if (payload)
          *out += "[";
        *out += "{nla_len=" + UDec(nla_len) + ", nla_type=";
        uint16_t flags = type & (NLA_F_NESTED | NLA_F_NET_BYTEORDER), t = type & NLA_TYPE_MASK;
        if (flags) {
          AppendFlags(out, Table("nla_type_flags"), flags);
          *out += "|";
        }
        if (spec.types)
          AppendEnum(out, Table(spec.types), t);
        else
          *out += UDec(t);
        *out += "}";
        if (!payload)
          return;
        *out += ", ";
        NlAttrDecoder d = t < spec.decoders.size() ? spec.decoders[t] : nullptr;
        if (!d || !d(m, a + 4, n - 4, out))
          *out += m.Str(a + 4, n - 4);
        *out += "]";
      },
      out);
}

bool NlFixed(const NlMem& m,
             uint64_t addr,
             uint64_t len,
             uint32_t size,
             std::string (*text)(const std::string& d),
             std::string* out) {
  if (len < size)
    return false;
  if (!m.Has(addr, size)) {
    *out += PtrString(addr);
    return true;
  }
  *out += text(std::string(m.Bytes(addr, size)));
  return true;
}

bool NlArray(const NlMem& m,
             uint64_t addr,
             uint64_t len,
             uint32_t size,
             std::string (*elem)(uint64_t v),
             std::string* out) {
  uint64_t n = len / size;
  if (!n)
    return false;
  if (!m.Has(addr, size)) {
    *out += PtrString(addr);
    return true;
  }
  *out += "[";
  for (uint64_t i = 0; i < n; i++) {
    uint64_t a = addr + i * size;
    if (i)
      *out += ", ";
    if (m.abbrev && i == m.max_elems) {
      *out += "...";
      break;
    }
    uint64_t v = 0;
    if (!m.Has(a, size)) {
      *out += "... /* " + PtrString(a) + " */";
      break;
    }
    std::memcpy(&v, m.Bytes(a, size).data(), size);
    *out += elem(v);
  }
  *out += "]";
  return true;
}

void NlFamilyStruct(const NlMem& m,
                    const NlFamilyHeader& h,
                    uint64_t addr,
                    uint64_t len,
                    std::string* out) {
  uint8_t family;
  if (!m.Get(addr, &family)) {
    *out += PtrString(addr);
    return;
  }
  *out += '{';
  *out += h.first;
  *out += '=';
  AppendEnum(out, Table("socket_family"), family);
  if (len < h.size) {
    *out += ", ...}";
    return;
  }
  if (!m.Has(addr, h.size)) {
    *out += ", " + PtrString(addr + 1) + "}";
    return;
  }
  if (h.fields) {
    *out += ", ";
    *out += h.fields(std::string(m.Bytes(addr, h.size)));
  }
  *out += '}';
  uint64_t aligned = NLMSG_ALIGN(h.size);
  if (len > aligned) {
    *out += ", ";
    NlMem attrs = m;
    attrs.family = family;
    NlAttrs(attrs, h.attrs, addr + aligned, len - aligned, out);
  }
}

void NlFamilyData(const NlMem& m, uint64_t addr, uint64_t len, std::string* out) {
  uint8_t family;
  if (!m.Get(addr, &family)) {
    *out += PtrString(addr);
    return;
  }
  *out += "{family=";
  AppendEnum(out, Table("socket_family"), family);
  if (len > 1) {
    *out += ", data=";
    *out += m.Str(addr + 1, len - 1);
  }
  *out += '}';
}

std::string NetlinkText(const NlMem& m, int proto, uint64_t addr, uint64_t len) {
  std::string out;
  Walk(
      m, addr, len, sizeof(nlmsghdr), U32Len,
      [&](uint64_t a, uint64_t left) { Message(m, proto, a, left, &out); }, &out);
  return out;
}

const NlProtocol* FindNlProtocol(int proto) {
  static const NlProtocol* const kProtocols[] = {
      &kNlSockDiag, &kNlRoute, &kNlAudit, &kNlSelinux, &kNlXfrm,
  };
  for (const NlProtocol* p : kProtocols)
    if (p->protocol == proto)
      return p;
  return nullptr;
}

bool NetlinkSocket(const Ctx& c, int64_t fd, int* proto) {
  if (!c.env.state)
    return false;
  const FdInfo* f = c.env.state->FdEntry(c.sc.tid, fd);
  if (!f || f->socket_family != AF_NETLINK)
    return false;
  *proto = f->socket_bound ? f->socket_protocol : -1;
  return true;
}

}  // namespace strec::replay::detail

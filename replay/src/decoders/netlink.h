// The netlink decoders' shared parts (netlink.cc walks messages and attributes; netlink_*.cc
// hold the payloads of one protocol each).
#ifndef STREC_REPLAY_SRC_DECODERS_NETLINK_H_
#define STREC_REPLAY_SRC_DECODERS_NETLINK_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "strec/replay/strings.h"

namespace strec::replay::detail {

struct Ctx;

// The tracee's bytes a buffer argument was captured with: data is what could be read from
// base on (a prefix of the buffer when its end was unreadable).
struct NlMem {
  uint64_t base = 0;
  std::string_view data;
  QuoteOptions q;
  bool abbrev = true;       // without -v: arrays cut after max_elems elements
  uint32_t max_elems = 32;  // -s
  int family = -1;          // the address family of the message's header, for its attributes

  bool Has(uint64_t addr, uint64_t n) const;
  // n bytes at addr, or "" when they were not read.
  std::string_view Bytes(uint64_t addr, uint64_t n) const;
  template <typename T>
  bool Get(uint64_t addr, T* v) const {
    if (!Has(addr, sizeof(T)))
      return false;
    std::memcpy(v, data.data() + (addr - base), sizeof(T));
    return true;
  }
  // len bytes at addr as strace prints an undecoded part: in hex, cut at -s, or the address
  // when they were not read.
  std::string Str(uint64_t addr, uint64_t len) const;
};

// The message whose payload is decoded.
struct NlMsg {
  uint16_t type, flags;
  int protocol;
};

// An attribute's payload of len bytes at addr: appends it and returns true, or false (having
// appended nothing) to print it as bytes.
using NlAttrDecoder = bool (*)(const NlMem& m, uint64_t addr, uint64_t len, std::string* out);

// Payload printers for attributes of common shapes. NlFixed: a value of `size` bytes printed by
// `text` from its bytes (false when the payload is shorter; its address when unreadable).
// NlArray: the payload's len / size elements, each by `elem` from its value, cut as strace cuts
// arrays (false when not one fits).
bool NlFixed(const NlMem& m,
             uint64_t addr,
             uint64_t len,
             uint32_t size,
             std::string (*text)(const std::string& d),
             std::string* out);
bool NlArray(const NlMem& m,
             uint64_t addr,
             uint64_t len,
             uint32_t size,
             std::string (*elem)(uint64_t v),
             std::string* out);

// The attributes of one place: their type names, and a decoder per type (nullptr: bytes).
struct NlAttrSpec {
  const char* types;
  std::span<const NlAttrDecoder> decoders;
};

// A protocol's messages: the names of its types (a table, or a function for types made of
// parts), the flags table of a type, and its payloads.
struct NlProtocol {
  int protocol;
  const char* types;
  std::string (*type_text)(uint16_t type);
  const char* (*flags_table)(uint16_t type);
  // Appends a message's payload (len bytes at addr, len > 0) and returns true, or false to
  // print it as bytes.
  bool (*payload)(const NlMem& m, const NlMsg& msg, uint64_t addr, uint64_t len, std::string* out);
};

extern const NlProtocol kNlSockDiag;  // netlink_diag.cc
extern const NlProtocol kNlRoute;     // netlink_route.cc
extern const NlProtocol kNlAudit;     // netlink_misc.cc
extern const NlProtocol kNlSelinux;   // netlink_misc.cc
extern const NlProtocol kNlXfrm;      // netlink_misc.cc

const NlProtocol* FindNlProtocol(int proto);

// A protocol's fixed header whose first byte is an address family (size bytes, its fields
// after the family printed by `fields`), then attributes from its aligned end: "{first=AF_X,
// ...}" when the payload is shorter, the address of its second byte when unreadable (of its
// first when not even the family could be read).
struct NlFamilyHeader {
  const char* first;
  uint32_t size;
  std::string (*fields)(const std::string& d);  // nullptr: the family alone
  NlAttrSpec attrs;
};
void NlFamilyStruct(const NlMem& m,
                    const NlFamilyHeader& h,
                    uint64_t addr,
                    uint64_t len,
                    std::string* out);

// A payload whose first byte is a family and whose rest has no decoder: "{family=AF_X,
// data=\"...\"}" (or its address when the family byte is unreadable).
void NlFamilyData(const NlMem& m, uint64_t addr, uint64_t len, std::string* out);

// The attributes in len bytes at addr.
void NlAttrs(const NlMem& m, const NlAttrSpec& spec, uint64_t addr, uint64_t len, std::string* out);

// The messages in len bytes at addr on a socket of protocol proto.
std::string NetlinkText(const NlMem& m, int proto, uint64_t addr, uint64_t len);

// True when fd is a netlink socket the trace saw made; *proto its protocol, or -1 before it
// was bound (strace does not know it then).
bool NetlinkSocket(const Ctx& c, int64_t fd, int* proto);

}  // namespace strec::replay::detail

#endif  // STREC_REPLAY_SRC_DECODERS_NETLINK_H_

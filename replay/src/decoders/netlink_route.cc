// NETLINK_ROUTE's payloads (linux/rtnetlink.h and the headers of its families): each group of
// four message types (new, delete, get, set) carries one fixed header and then attributes.
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <string>

#include "decoders/decoders.h"
#include "decoders/netlink.h"

namespace strec::replay::detail {
namespace {

std::string U8(const std::string& d, size_t off) {
  return UDec(At<uint8_t>(d, off));
}

const NlAttrDecoder kAddrLabelAttrs[] = {
    nullptr,
    nullptr,                                                        // IFAL_ADDRESS
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // IFAL_LABEL
      return NlFixed(
          m, a, n, 4, [](const std::string& d) { return UDec(At<uint32_t>(d, 0)); }, out);
    },
};

// An address of the header's family: inet_addr("1.2.3.4"), inet_pton(AF_INET6, "::1").
bool Address(const NlMem& m, uint64_t a, uint64_t n, std::string* out) {
  uint32_t size = m.family == AF_INET ? 4 : m.family == AF_INET6 ? 16 : 0;
  if (!size || n < size)
    return false;
  if (!m.Has(a, size)) {
    *out += PtrString(a);
    return true;
  }
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(m.family, m.Bytes(a, size).data(), text, sizeof text);
  *out += m.family == AF_INET ? "inet_addr(\"" : "inet_pton(AF_INET6, \"";
  *out += text;
  *out += "\")";
  return true;
}

const NlAttrDecoder kAddrAttrs[] = {
    nullptr,                                                        // IFA_UNSPEC
    Address,                                                        // IFA_ADDRESS
    Address,                                                        // IFA_LOCAL
    nullptr,                                                        // IFA_LABEL
    Address,                                                        // IFA_BROADCAST
    Address,                                                        // IFA_ANYCAST
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // IFA_CACHEINFO
      return NlFixed(
          m, a, n, 16,
          [](const std::string& d) {
            return "{ifa_prefered=" + UDec(At<uint32_t>(d, 0)) +
                   ", ifa_valid=" + UDec(At<uint32_t>(d, 4)) +
                   ", cstamp=" + UDec(At<uint32_t>(d, 8)) +
                   ", tstamp=" + UDec(At<uint32_t>(d, 12)) + "}";
          },
          out);
    },
    Address,                                                        // IFA_MULTICAST
    [](const NlMem& m, uint64_t a, uint64_t n, std::string* out) {  // IFA_FLAGS
      return NlFixed(
          m, a, n, 4,
          [](const std::string& d) {
            std::string s;
            AppendFlags(&s, Table("ifaddrflags"), At<uint32_t>(d, 0));
            return s;
          },
          out);
    },
};

// The fixed header of each group of message types, by its first type.
struct RouteHeader {
  uint16_t first_type;
  NlFamilyHeader header;
};

const RouteHeader kHeaders[] = {
    {RTM_NEWADDR,
     {"ifa_family",
      8,
      [](const std::string& d) {
        std::string s = "ifa_prefixlen=" + U8(d, 1) + ", ifa_flags=";
        AppendFlags(&s, Table("ifaddrflags"), At<uint8_t>(d, 2));
        s += ", ifa_scope=";
        AppendEnum(&s, Table("routing_scopes"), At<uint8_t>(d, 3));
        s += ", ifa_index=" + Ifindex(At<uint32_t>(d, 4));
        return s;
      },
      {"rtnl_addr_attrs", kAddrAttrs}}},
    {RTM_NEWADDRLABEL,
     {"ifal_family",
      12,
      [](const std::string& d) {
        return "ifal_prefixlen=" + U8(d, 2) + ", ifal_flags=" + U8(d, 3) +
               ", ifal_index=" + Ifindex(At<uint32_t>(d, 4)) +
               ", ifal_seq=" + UDec(At<uint32_t>(d, 8));
      },
      {"rtnl_addrlabel_attrs", kAddrLabelAttrs}}},
    {RTM_GETDCB - 2,
     {"dcb_family",
      4,
      [](const std::string& d) {
        std::string s = "cmd=";
        AppendEnum(&s, Table("dcb_commands"), At<uint8_t>(d, 1));
        return s;
      },
      {"dcb_attrs", {}}}},
    {RTM_NEWNETCONF, {"ncm_family", 1, nullptr, {"rtnl_netconf_attrs", {}}}},
    {RTM_NEWMDB,
     {"family",
      8,
      [](const std::string& d) { return "ifindex=" + Ifindex(At<uint32_t>(d, 4)); },
      {"rtnl_mdb_attrs", {}}}},
    {RTM_NEWNSID, {"rtgen_family", 1, nullptr, {"rtnl_nsid_attrs", {}}}},
};

bool Payload(const NlMem& m, const NlMsg& msg, uint64_t addr, uint64_t len, std::string* out) {
  uint16_t group = msg.type & ~3;
  for (const RouteHeader& h : kHeaders)
    if (h.first_type == group) {
      NlFamilyStruct(m, h.header, addr, len, out);
      return true;
    }
  NlFamilyData(m, addr, len, out);
  return true;
}

}  // namespace

const NlProtocol kNlRoute = {
    NETLINK_ROUTE,
    "nl_route_types",
    nullptr,
    [](uint16_t type) {
      if (type == RTM_DELACTION)  // asks like a get
        return "netlink_get_flags";
      switch ((type - RTM_BASE) & 3) {
        case 0:
          return "netlink_new_flags";
        case 1:
          return "netlink_delete_flags";
        case 2:
          return "netlink_get_flags";
        default:
          return "netlink_flags";
      }
    },
    Payload,
};

}  // namespace strec::replay::detail

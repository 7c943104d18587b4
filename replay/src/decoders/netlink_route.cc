// NETLINK_ROUTE's payloads (linux/rtnetlink.h and the headers of its families): each group of
// four message types (new, delete, get, set) carries one fixed header and then attributes.
#include <linux/rtnetlink.h>

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

// The fixed header of each group of message types, by its first type.
struct RouteHeader {
  uint16_t first_type;
  NlFamilyHeader header;
};

const RouteHeader kHeaders[] = {
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
  for (const RouteHeader& h : kHeaders) {
    if (h.first_type != group)
      continue;
    if (!m.Has(addr, 1)) {
      *out += PtrString(addr);
      return true;
    }
    NlFamilyStruct(m, h.header, addr, len, out);
    return true;
  }
  return false;
}

}  // namespace

const NlProtocol kNlRoute = {
    NETLINK_ROUTE,
    "nl_route_types",
    nullptr,
    [](uint16_t type) {
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

// The netlink protocols strace names the message types of without decoding their payloads
// (NETLINK_AUDIT, NETLINK_XFRM), and NETLINK_SELINUX's two messages (linux/selinux_netlink.h).
#include <linux/netlink.h>
#include <linux/selinux_netlink.h>
#include <linux/xfrm.h>

#include <string>

#include "decoders/decoders.h"
#include "decoders/netlink.h"

namespace strec::replay::detail {
namespace {

// The flags of an XFRM message by the kind of its name (XFRM_MSG_NEW*, _GET*, _DEL*).
const char* XfrmFlags(uint16_t type) {
  const char* name = Table("nl_xfrm_types").Name(type);
  if (!name)
    return "netlink_flags";
  std::string_view kind = std::string_view(name).substr(9, 3);
  return kind == "NEW"   ? "netlink_new_flags"
         : kind == "GET" ? "netlink_get_flags"
         : kind == "DEL" ? "netlink_delete_flags"
                         : "netlink_flags";
}

bool SelinuxPayload(const NlMem& m,
                    const NlMsg& msg,
                    uint64_t addr,
                    uint64_t len,
                    std::string* out) {
  if (msg.type == SELNL_MSG_SETENFORCE)
    return NlFixed(
        m, addr, len, 4,
        [](const std::string& d) { return "{val=" + Dec(At<int32_t>(d, 0)) + "}"; }, out);
  if (msg.type == SELNL_MSG_POLICYLOAD)
    return NlFixed(
        m, addr, len, 4,
        [](const std::string& d) { return "{seqno=" + UDec(At<uint32_t>(d, 0)) + "}"; }, out);
  return false;
}

}  // namespace

const NlProtocol kNlAudit = {NETLINK_AUDIT, "nl_audit_types", nullptr, nullptr, nullptr};
const NlProtocol kNlSelinux = {NETLINK_SELINUX, "nl_selinux_types", nullptr, nullptr,
                               SelinuxPayload};
const NlProtocol kNlXfrm = {NETLINK_XFRM, "nl_xfrm_types", nullptr, XfrmFlags, nullptr};

}  // namespace strec::replay::detail

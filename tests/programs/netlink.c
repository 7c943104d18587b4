// Netlink messages in sendto's data on a NETLINK_SOCK_DIAG socket, with strace's edge cases:
// a buffer shorter than a header, a header alone, a payload, several messages in one buffer,
// a length past the buffer's end, NLMSG_ERROR with the message it answers, NLMSG_DONE, a
// sock_diag request and reply (short, whole, with attributes), and memory that cannot be read.
// Then NETLINK_ROUTE: fixed headers with attributes, and the kernel's ack read back with
// recvfrom (the socket bound to a port id of its own, so that the ack is the same every run).
// Messages that are not requests are ignored by the kernel; the requests ask about inode 0.
#include <linux/dcbnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/selinux_netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <linux/xfrm.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "page_before_hole.h"

static int fd;

static void Send(const void* buf, size_t len) {
  sendto(fd, buf, len, MSG_DONTWAIT, NULL, 0);
}

static void Hdr(struct nlmsghdr* h, uint32_t len, uint16_t type, uint16_t flags, uint32_t seq) {
  h->nlmsg_len = len;
  h->nlmsg_type = type;
  h->nlmsg_flags = flags;
  h->nlmsg_seq = seq;
  h->nlmsg_pid = 0;
}

int main(void) {
  char* end = HoleAfterPage();  // unreadable from here on
  if (!end)
    return 1;
  fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
  if (fd < 0)
    return 0;

  union {
    char bytes[256];
    struct nlmsghdr h;
  } b;
  memset(&b, 0, sizeof b);

  Send("abcd", 4);                  // shorter than a header
  Send(NULL, 16);                   // NULL
  Send(end, 16);                    // unreadable
  Send(end - 8, 16);                // half readable
  Hdr(&b.h, 16, NLMSG_NOOP, 0, 1);  // a header alone
  Send(&b, 16);
  Hdr(&b.h, 20, NLMSG_NOOP, NLM_F_ACK | 0x300, 2);  // a payload
  memcpy(b.bytes + 16, "wxyz", 4);
  Send(&b, 20);
  Hdr(&b.h, 28, NLMSG_NOOP, 0, 3);  // longer than the buffer
  Send(&b, 20);
  Hdr(&b.h, 8, NLMSG_NOOP, 0, 4);  // shorter than its header
  Send(&b, 20);

  // Two messages, then the second cut short, then the second unreadable.
  Hdr(&b.h, 20, NLMSG_NOOP, 0, 5);
  memcpy(b.bytes + 20, b.bytes, 20);
  Send(&b, 40);
  Send(&b, 24);
  memcpy(end - 20, b.bytes, 20);
  Send(end - 20, 40);

  // NLMSG_ERROR: too short, the error with the message it answers, and its payload.
  Hdr(&b.h, 24, NLMSG_ERROR, 0x100, 6);
  Send(&b, 24);
  Hdr(&b.h, 36, NLMSG_ERROR, 0, 7);
  int32_t err = -13;
  memcpy(b.bytes + 16, &err, 4);
  Hdr((struct nlmsghdr*)(b.bytes + 20), 16, NLMSG_NOOP, NLM_F_REQUEST, 42);
  Send(&b, 36);
  Hdr(&b.h, 40, NLMSG_ERROR, 0, 8);
  Hdr((struct nlmsghdr*)(b.bytes + 20), 20, NLMSG_NOOP, NLM_F_REQUEST, 43);
  Send(&b, 40);
  memcpy(end - 36, b.bytes, 36);
  Send(end - 20, 36);

  // NLMSG_DONE with its int, too short, unreadable.
  Hdr(&b.h, 20, NLMSG_DONE, NLM_F_MULTI, 9);
  err = -1234;
  memcpy(b.bytes + 16, &err, 4);
  Send(&b, 20);
  Hdr(&b.h, 18, NLMSG_DONE, NLM_F_MULTI, 10);
  Send(&b, 18);
  memcpy(end - 16, b.bytes, 16);
  Hdr((struct nlmsghdr*)(end - 16), 20, NLMSG_DONE, NLM_F_MULTI, 11);
  Send(end - 16, 20);

  // sock_diag: a family alone, an unknown family with data, a unix request (short, whole).
  Hdr(&b.h, 17, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 12);
  b.bytes[16] = AF_UNIX;
  Send(&b, 17);
  Hdr(&b.h, 21, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 13);
  b.bytes[16] = 0x7f;
  Send(&b, 21);
  Hdr(&b.h, 21, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 14);
  b.bytes[16] = AF_UNIX;
  Send(&b, 21);
  struct unix_diag_req req = {.sdiag_family = AF_UNIX,
                              .udiag_states = 1 << 1 | 1 << 10,
                              .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER,
                              .udiag_cookie = {1, 2}};
  Hdr(&b.h, 16 + sizeof req, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 15);
  memcpy(b.bytes + 16, &req, sizeof req);
  Send(&b, 16 + sizeof req);

  // A unix reply with attributes: one, two, an unknown one, a short one, one unreadable.
  struct unix_diag_msg msg = {.udiag_family = AF_UNIX,
                              .udiag_type = SOCK_STREAM,
                              .udiag_state = 4,
                              .udiag_ino = 77,
                              .udiag_cookie = {3, 4}};
  memcpy(b.bytes + 16, &msg, sizeof msg);
  struct nlattr* a = (struct nlattr*)(b.bytes + 32);
  a->nla_len = 4;
  a->nla_type = UNIX_DIAG_NAME;
  Hdr(&b.h, 36, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 16);
  Send(&b, 36);
  a[1].nla_len = 4;
  a[1].nla_type = NLA_F_NESTED | UNIX_DIAG_PEER;
  Hdr(&b.h, 40, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 17);
  Send(&b, 40);
  a->nla_len = 7;
  a->nla_type = 0x55;
  memcpy(a + 1, "123", 3);
  Hdr(&b.h, 39, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 18);
  Send(&b, 39);
  Hdr(&b.h, 34, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 19);
  Send(&b, 34);
  a->nla_len = 4;
  a->nla_type = UNIX_DIAG_NAME;
  Hdr(&b.h, 40, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, 20);
  memcpy(end - 36, b.bytes, 36);
  Send(end - 36, 40);
  memcpy(end - 30, b.bytes, 30);
  Send(end - 30, 40);

  // Headers one after another (the recorder keeps 256 bytes of a buffer by default).
  static struct nlmsghdr many[15];
  for (int i = 0; i < 15; i++)
    Hdr(&many[i], 16, NLMSG_NOOP, 0, i);
  Send(many, sizeof many);
  close(fd);

  fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
  if (fd < 0)
    return 0;
  struct sockaddr_nl self = {.nl_family = AF_NETLINK, .nl_pid = 0x7e57ab1e};
  bind(fd, (struct sockaddr*)&self, sizeof self);
  memset(&b, 0, sizeof b);
  // Not requests (the kernel ignores them): RTM_GETNSID with an unknown attribute, DCB, an
  // address label, MDB, short, unreadable.
  Hdr(&b.h, 28, RTM_GETNSID, NLM_F_DUMP, 21);
  b.bytes[16] = AF_UNSPEC;
  a = (struct nlattr*)(b.bytes + 20);
  a->nla_len = 8;
  a->nla_type = 0x3fff;
  memcpy(a + 1, "abcd", 4);
  Send(&b, 28);
  Hdr(&b.h, 28, RTM_SETDCB, 0, 22);
  struct dcbmsg dcb = {.dcb_family = AF_UNSPEC, .cmd = DCB_CMD_GSTATE};
  memcpy(b.bytes + 16, &dcb, sizeof dcb);
  a->nla_type = DCB_ATTR_STATE;
  Send(&b, 28);
  Hdr(&b.h, 36, RTM_DELADDRLABEL, NLM_F_NONREC, 23);
  uint32_t label[3] = {AF_INET6 | 64 << 16, 1, 5};
  memcpy(b.bytes + 16, label, sizeof label);
  a = (struct nlattr*)(b.bytes + 28);
  a->nla_len = 8;
  a->nla_type = 2;  // IFAL_LABEL
  memcpy(a + 1, "\1\0\0\0", 4);
  Send(&b, 36);
  Hdr(&b.h, 32, RTM_NEWMDB, NLM_F_CREATE | NLM_F_EXCL, 24);
  uint32_t mdb[2] = {AF_BRIDGE, 1};
  memcpy(b.bytes + 16, mdb, sizeof mdb);
  a = (struct nlattr*)(b.bytes + 24);
  a->nla_len = 8;
  a->nla_type = 0x3ffe;
  Send(&b, 32);
  Hdr(&b.h, 20, RTM_NEWMDB, 0, 25);
  Send(&b, 20);
  memcpy(end - 20, b.bytes, 20);
  Hdr((struct nlmsghdr*)(end - 20), 32, RTM_NEWMDB, 0, 26);
  Send(end - 20, 32);
  Hdr(&b.h, 20, RTM_NEWNETCONF, 0, 27);
  b.bytes[16] = AF_INET;
  Send(&b, 20);
  // A request for an ack, and the ack.
  Hdr(&b.h, 16, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 28);
  Send(&b, 16);
  recvfrom(fd, b.bytes, sizeof b.bytes, MSG_DONTWAIT, NULL, NULL);

  // NETLINK_XFRM (type names, flags by kind) and NETLINK_SELINUX (its two payloads), none of
  // them requests. The sockets before stay open: strace decodes the first message on a
  // reused fd number by the protocol of the socket that had it before.
  fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_XFRM);
  if (fd >= 0) {
    memset(&b, 0, sizeof b);
    Hdr(&b.h, 16, XFRM_MSG_GETSA, NLM_F_DUMP, 29);
    Send(&b, 16);
    Hdr(&b.h, 16, XFRM_MSG_DELSA, NLM_F_ECHO | NLM_F_NONREC, 30);
    Send(&b, 16);
    Hdr(&b.h, 20, XFRM_MSG_ALLOCSPI, 0x100, 31);
    Send(&b, 20);
    Hdr(&b.h, 16, 0x7fff, 0, 32);
    Send(&b, 16);
  }
  fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_SELINUX);
  if (fd >= 0) {
    memset(&b, 0, sizeof b);
    int32_t val = -7;
    memcpy(b.bytes + 16, &val, 4);
    Hdr(&b.h, 20, SELNL_MSG_SETENFORCE, 0, 33);
    Send(&b, 20);
    Hdr(&b.h, 20, SELNL_MSG_POLICYLOAD, 0, 34);
    Send(&b, 20);
    Hdr(&b.h, 19, SELNL_MSG_POLICYLOAD, 0, 35);
    Send(&b, 19);
    memcpy(end - 18, b.bytes, 18);
    Hdr((struct nlmsghdr*)(end - 18), 20, SELNL_MSG_SETENFORCE, 0, 36);
    Send(end - 18, 20);
  }
  return 0;
}

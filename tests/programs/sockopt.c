// getsockopt(2)/setsockopt(2) with the options strec decodes and their edge cases: lengths
// shorter and longer than the value, negative, NULL and unreadable values, a value that runs
// into an unmapped page, unknown levels and names; a socket filter attached and read back; the
// structs of the multicast, packet and ICMP options (on fd -1: decoded, then refused); and
// seccomp filters that the kernel refuses (seccomp(2) and prctl(PR_SET_SECCOMP)).
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);  // its end runs into an unmapped page
  if (!map)
    return 1;
  char* end = map + page;
  int* tail = (int*)(end - sizeof(int));  // an int with nothing readable after it
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
    return 1;
  int fd = sv[0];
  int one = 1, value = 0;
  socklen_t len;
  char buf[64];
  memset(buf, 'a', sizeof buf);

  // SOL_SOCKET int options.
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);  // [1], 4
  *tail = 0;
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, tail, 5);   // [0], 5: strace reads 4 bytes
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, tail, 3);   // EINVAL, the address
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, tail, -1);  // EINVAL, -1
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, NULL, 4);   // EFAULT, NULL
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, end, 4);    // EFAULT, the address
  len = sizeof value;
  getsockopt(fd, SOL_SOCKET, SO_PASSCRED, &value, &len);  // [1], [4]
  len = 3;
  getsockopt(fd, SOL_SOCKET, SO_PASSCRED, &value, &len);  // "\x01\x00\x00", [3]
  len = 8;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, buf, &len);  // [N], [8 => 4]
  len = 0;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, buf, &len);  // the address, [0]
  len = 4;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, NULL, &len);            // EFAULT
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, buf, NULL);             // EFAULT
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, buf, (socklen_t*)end);  // EFAULT, both addresses
  len = sizeof value;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len);   // [2]
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &len);  // [0]
  setsockopt(fd, SOL_SOCKET, SO_TYPE, buf, 5);         // "aaaaa": the bytes, ENOPROTOOPT
  setsockopt(fd, SOL_SOCKET, SO_TYPE, buf, 40);        // cut at 32 with "..."
  setsockopt(fd, SOL_SOCKET, SO_TYPE, buf, 0);         // ""
  setsockopt(fd, SOL_SOCKET, 0x4c4c, &one, 4);         // an unknown name
  value = 2;
  setsockopt(fd, SOL_SOCKET, SO_TXREHASH, &value, 4);  // [2 /* SOCK_TXREHASH_??? */]

  // struct linger.
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg + 1);
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, 4);  // EINVAL, the address
  len = sizeof lg;
  getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len);
  len = 3;
  getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len);  // {l_onoff="\x01\x00\x00"}
  len = 6;
  getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len);  // {l_onoff=1, l_linger="\x00\x00"}

  // A socket filter, attached and read back.
  struct sock_filter insns[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_NET_OFF + 2),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_LL_OFF),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0xfffff040),  // SKF_AD_??? (the kernel refuses it)
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x11, 0, 1),
      BPF_STMT(BPF_MISC | BPF_TAX, 0),
      BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_A, 0),
  };
  struct sock_fprog prog = {9, insns};
  setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);  // EINVAL: SKF_AD_???
  prog.filter = insns + 4;
  prog.len = 5;
  setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
  setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, 12);  // EINVAL, the address
  setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof prog);
  prog.filter = NULL;
  setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);  // filter=NULL
  // A program whose second instruction is in the unmapped page.
  memcpy(end - sizeof insns[0], insns, sizeof insns[0]);
  prog.filter = (struct sock_filter*)(end - sizeof insns[0]);
  prog.len = 2;
  setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);  // EFAULT
  struct sock_filter back[8];
  len = 8;
  getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, back, &len);  // [8 => 5]
  len = 2;
  getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, back, &len);  // EINVAL
  setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof one);

  // Multicast, packet, ICMP and netlink options, refused on fd -1.
  struct ip_mreq mreq = {{htonl(0xe0000003)}, {htonl(0x7f000001)}};
  setsockopt(-1, SOL_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq);
  setsockopt(-1, SOL_IP, IP_DROP_MEMBERSHIP, &mreq, 12);
  setsockopt(-1, SOL_IP, IP_ADD_MEMBERSHIP, &mreq, 7);  // the address
  struct ipv6_mreq mreq6 = {{{{0xff, 1, [15] = 0xc}}}, 1};
  setsockopt(-1, SOL_IPV6, IPV6_ADD_MEMBERSHIP, &mreq6, sizeof mreq6);
  setsockopt(-1, SOL_IPV6, IPV6_JOIN_ANYCAST, &mreq6, sizeof mreq6);
  struct group_req greq;
  memset(&greq, 0, sizeof greq);
  greq.gr_interface = 1;
  struct sockaddr_in* sin = (struct sockaddr_in*)&greq.gr_group;
  sin->sin_family = AF_INET;
  sin->sin_port = htons(65535);
  sin->sin_addr.s_addr = htonl(0xe0000003);
  setsockopt(-1, SOL_IP, MCAST_JOIN_GROUP, &greq, sizeof greq);
  setsockopt(-1, SOL_IPV6, MCAST_LEAVE_GROUP, &greq, sizeof greq - 1);  // the address
  struct packet_mreq pm = {1, PACKET_MR_PROMISC, 6, {0, 0x11, 0x22, 0x33, 0x44, 0x55}};
  setsockopt(-1, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &pm, sizeof pm);
  pm.mr_ifindex = 12345;
  pm.mr_type = 0xff;
  pm.mr_alen = 0;
  setsockopt(-1, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &pm, sizeof pm);
  setsockopt(-1, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &pm, sizeof pm + 1);  // the address
  struct tpacket_req tr = {4096, 2, 2048, 4};
  setsockopt(-1, SOL_PACKET, PACKET_RX_RING, &tr, sizeof tr);
  setsockopt(-1, SOL_PACKET, PACKET_TX_RING, &tr, sizeof tr - 1);  // the address
  len = 12;
  getsockopt(-1, SOL_PACKET, PACKET_STATISTICS, buf, &len);  // EBADF: the address, [12]
  setsockopt(-1, SOL_PACKET, 0x7fff, &one, 4);               // PACKET_???
  struct icmp_filter icf = {(1 << ICMP_ECHOREPLY) | (1 << ICMP_DEST_UNREACH) | (1 << 7)};
  setsockopt(-1, SOL_RAW, ICMP_FILTER, &icf, sizeof icf);
  icf.data = ~icf.data;
  setsockopt(-1, SOL_RAW, ICMP_FILTER, &icf, sizeof icf);
  setsockopt(-1, SOL_RAW, ICMP_FILTER, &icf, 1);  // bits 8..31 set
  setsockopt(-1, SOL_RAW, ICMP_FILTER, &icf, 0);  // the address
  setsockopt(-1, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &one, 4);
  setsockopt(-1, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &one, 2);  // the address
  setsockopt(-1, SOL_TCP, TCP_NODELAY, &one, 4);
  setsockopt(-1, 2, 1, &one, 4);             // an unknown level: 0x2 /* SOL_?? */
  setsockopt(-1, 100, 0xffffffff, &one, 4);  // a level without names: 4294967295
  syscall(SYS_setsockopt, -1, 0x100000001ul, 0x100000002ul, &one, 4);  // 32 bits: SOL_SOCKET

  // Seccomp filters the kernel refuses: a program that does not end with a return, and one
  // that is empty (a refused program is not installed).
  struct sock_filter sec[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, 0x10000),
      BPF_STMT(BPF_ST, 0),
  };
  struct sock_fprog sprog = {6, sec};
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &sprog);
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0xffffffc0ul, &sprog);
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG | 0x80, &sprog);
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, NULL);
  syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, end);
  // The other operations: which actions the kernel knows, the notification sizes, unknown ones.
  unsigned int action = SECCOMP_RET_LOG;
  syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);  // [SECCOMP_RET_LOG]
  action = 0xffffffff;
  syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);    // EOPNOTSUPP, SECCOMP_RET_???
  syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, end);        // EFAULT, the address
  syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0xcafe, NULL);  // EINVAL
  unsigned short sizes[3];
  syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, sizes);    // {seccomp_notif=80, ...}
  syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, end - 2);  // EFAULT, the address
  syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 1, NULL);     // EINVAL
  syscall(SYS_seccomp, 0xfacefeed000000fful, 0xdeadbeef00000001ul, 0x1234ul);  // SET_MODE_???
  sprog.len = 0;
  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &sprog, 0, 0);
  sprog.len = 6;
  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &sprog, 0, 0);
  return 0;
}

// ioctl: the network block device's requests (linux/nbd.h): all _IO, the argument is the value.
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

bool DecodeNbdIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0xab00:  // NBD_SET_SOCK: a socket's fd
      c.Fd(c.A(2));
      return true;
    case 0xab01:  // NBD_SET_BLKSIZE
    case 0xab02:  // NBD_SET_SIZE
    case 0xab07:  // NBD_SET_SIZE_BLOCKS
    case 0xab09:  // NBD_SET_TIMEOUT
      c.Put(UDec(c.A(2)));
      return true;
    case 0xab0a:  // NBD_SET_FLAGS
      c.Put(FlagsDflt("nbd_flags", c.A(2)));
      return true;
    case 0xab03:  // NBD_DO_IT
    case 0xab04:  // NBD_CLEAR_SOCK
    case 0xab05:  // NBD_CLEAR_QUE
    case 0xab06:  // NBD_PRINT_DEBUG
    case 0xab08:  // NBD_DISCONNECT
      IoctlNoArg(c);
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail

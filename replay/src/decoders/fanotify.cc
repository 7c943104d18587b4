// fanotify_init (the notification class, then the flags) and fanotify_mark (its flags, the
// 64-bit event mask, the directory fd with FAN_NOFD, the path). Facts from linux/fanotify.h and
// fanotify_init(2), fanotify_mark(2); tables in format/xlat/fanotify.def.
#include <asm/unistd.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kClassBits = 0xc;  // FAN_ALL_CLASS_BITS

void DecodeFanotifyInit(Ctx& c) {
  uint32_t v = static_cast<uint32_t>(c.A(0));
  c.Put(Enum("fanotify_classes", v & kClassBits));
  if (v & ~kClassBits)
    c.Put("|" + FlagsDflt("fanotify_init_flags", v & ~kClassBits));
  c.Put(", " + OpenFlags(static_cast<uint32_t>(c.A(1))));
  c.ToExit();
  c.Put(")");
}

void DecodeFanotifyMark(Ctx& c) {
  c.Fd(c.A(0));
  c.Put(", " + FlagsDflt("fanotify_mark_flags", static_cast<uint32_t>(c.A(1))) + ", " +
        FlagsDflt("fanotify_mask", c.A(2)) + ", ");
  if (c.I(3) == -1)  // FAN_NOFD
    c.Put(Styled("-1", "FAN_NOFD"));
  else
    c.DirFd(c.I(3));
  c.Put(", ");
  c.Path(4);
  c.ToExit();
  c.Put(")");
}

}  // namespace

Family FanotifyFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_fanotify_init, DecodeFanotifyInit},
      {__NR_fanotify_mark, DecodeFanotifyMark},
  };
  return {"fanotify", kDecoders, {}};
}

}  // namespace strec::replay::detail

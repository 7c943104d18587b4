// Memory: mmap flags, mremap, mincore.
#include <arpa/inet.h>
#include <asm/unistd.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "decoders/decoders.h"

namespace strec::replay::detail {

std::string MmapFlags(uint64_t v) {
  v &= 0xffffffff;
  if (CurrentXlatStyle() != XlatStyle::kAbbrev)
    return Whole(HexString(v), [v] { return MmapFlags(v); });
  std::string s;
  uint64_t type = v & 0xf;
  uint64_t rest = v & ~0xfull;
  uint64_t huge = (rest >> 26) & 0x3f;
  rest &= ~(0x3full << 26);
  if (type == 0)
    s = "MAP_FILE";  // the historical name of no mapping type
  else if (const char* n = Table("mmap_type").Name(type))
    s = n;
  else
    s = HexString(type) + " /* MAP_??? */";
  if (rest) {
    s += '|';
    AppendFlags(&s, Table("mmap_flags"), rest);
  }
  if (huge)
    s += "|" + UDec(huge) + "<<MAP_HUGE_SHIFT";
  return s;
}

static void DecodeMremap(Ctx& c) {
  c.Ptr(c.A(0));
  c.Sep();
  c.Put(UDec(c.A(1)));
  c.Sep();
  c.Put(UDec(c.A(2)));
  c.Sep();
  c.Put(Flags("mremap_flags", c.A(3) & 0xffffffff));
  if (c.A(3) & 2) {  // MREMAP_FIXED
    c.Sep();
    c.Ptr(c.A(4));
  }
  c.ToExit();
  c.Put(")");
}

// mincore(addr, length, vec): vec has a byte per page of length (rounded up), of which strace
// shows the low bit ("[1, 0]"). It reads them whatever the call returned.
static void DecodeMincore(Ctx& c) {
  constexpr uint64_t kPage = 4096;
  c.Ptr(c.A(0));
  c.Sep();
  c.Put(UDec(c.A(1)));
  c.Sep();
  c.ToExit();
  uint64_t pages = c.A(1) / kPage + (c.A(1) % kPage ? 1 : 0);
  const Buffer* b = c.sc.Find(2, true);
  if (!c.A(2)) {
    c.Put("NULL");
  } else if (pages == 0 && c.sc.returned()) {
    c.Put("[]");  // nothing to read, whatever -e verbose= says
  } else if (!c.Verbose() || !b || !c.sc.returned()) {
    c.Ptr(c.A(2));
  } else if (!c.Redacted(b)) {
    if (b->data.empty()) {
      c.Ptr(c.A(2));
    } else {
      std::string s = "[";
      uint64_t have = b->data.size();
      for (uint64_t i = 0; i < pages; i++) {
        if (i)
          s += ", ";
        if (i >= have) {
          s += b->read_errno ? "... /* " + PtrString(c.A(2) + i) + " */" : "...";
          break;
        }
        if (i >= c.opt.max_strlen) {
          s += "...";
          break;
        }
        s += UDec(static_cast<uint8_t>(b->data[i]) & 1);
      }
      c.Put(s + "]");
    }
  }
  c.Put(")");
}

Family MemoryFamily() {
  static const DecoderEntry kDecoders[] = {{__NR_mremap, DecodeMremap},
                                           {__NR_mincore, DecodeMincore}};
  return {"memory", kDecoders, {}};
}

}  // namespace strec::replay::detail

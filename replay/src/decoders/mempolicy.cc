// NUMA memory policies and memfd_create: mbind, set_mempolicy, get_mempolicy and migrate_pages
// (a mode with its MPOL_F_* flags; node masks of maxnode - 1 bits, printed as an array of
// unsigned longs in hex), and memfd_create's flags (MFD_* and the huge page size as
// N<<MFD_HUGE_SHIFT). Facts from linux/mempolicy.h, linux/memfd.h and mbind(2); tables in
// format/xlat/mempolicy.def and xlat.def (memfd_flags). The recorder copies a node mask by
// maxnode (capture.cc, and STREC_CAP_NODEMASK in the eBPF program).
#include <asm/unistd.h>

#include <cstdio>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint64_t kModeFlags = (1 << 15) | (1 << 14) | (1 << 13);  // MPOL_MODE_FLAGS

// A policy mode: the mode's name with its flags after it; an unknown mode with flags as the
// flags then the mode in hex; an unknown mode alone as "0x6 /* MPOL_??? */".
std::string PolicyMode(uint64_t v) {
  uint64_t flags = v & kModeFlags, mode = v & ~kModeFlags;
  const char* name = Table("mempolicy_mode").Name(mode);
  if (!name && !flags) {
    if (CurrentXlatStyle() == XlatStyle::kRaw)
      return HexString(v);
    return HexString(v) + " /* " + UnknownName(Table("mempolicy_mode")) + " */";
  }
  return Whole(HexString(v), [&] {
    std::string f = flags ? Flags("mempolicy_mode_flags", flags) : "";
    if (name)
      return std::string(name) + (flags ? "|" + f : "");
    return f + "|" + HexString(mode);
  });
}

std::string NodeMaskLong(const std::string& d, size_t off) {
  char buf[32];
  snprintf(buf, sizeof buf, "%#016llx", static_cast<unsigned long long>(At<uint64_t>(d, off)));
  return buf;
}

// A node mask of maxnode - 1 bits at argument `arg`: its unsigned longs as "%#016lx" does.
std::string NodeMask(Ctx& c, int arg, bool out, uint64_t maxnode) {
  if (!c.A(arg))
    return "NULL";
  if (maxnode == 0)
    return "[]";
  uint64_t count = (maxnode - 1 + 63) / 64;
  if (count == 0)
    return PtrString(c.A(arg));
  return PartialArray(c, arg, out, count, 8, NodeMaskLong);
}

void DecodeMbind(Ctx& c) {
  c.Put(PtrString(c.A(0)) + ", " + UDec(c.A(1)) + ", " + PolicyMode(c.A(2)) + ", " +
        NodeMask(c, 3, false, c.A(4)) + ", " + UDec(c.A(4)) + ", " +
        Flags("mbind_flags", static_cast<uint32_t>(c.A(5))));
  c.ToExit();
  c.Put(")");
}

void DecodeSetMempolicy(Ctx& c) {
  c.Put(PolicyMode(static_cast<uint32_t>(c.A(0))) + ", " + NodeMask(c, 1, false, c.A(2)) + ", " +
        UDec(c.A(2)));
  c.ToExit();
  c.Put(")");
}

void DecodeGetMempolicy(Ctx& c) {
  c.ToExit();
  uint32_t flags = static_cast<uint32_t>(c.A(4));
  const Buffer* mode = c.Out(0);
  if (!c.A(0))
    c.Put("NULL");
  else if (mode && mode->data.size() >= 4)
    // MPOL_F_NODE without MPOL_F_ADDR: the kernel writes a node number (unverified against
    // strace: its tests do not make such a call).
    c.Put(
        "[" +
        ((flags & 1) ? Dec(At<int32_t>(mode->data, 0)) : PolicyMode(At<uint32_t>(mode->data, 0))) +
        "]");
  else
    c.Ptr(c.A(0));
  c.Put(", " + NodeMask(c, 1, true, c.A(2)) + ", " + UDec(c.A(2)) + ", " + PtrString(c.A(3)) +
        ", " + Flags("get_mempolicy_flags", flags) + ")");
}

void DecodeMigratePages(Ctx& c) {
  c.Pid(c.A(0));
  c.Put(", " + UDec(c.A(1)) + ", " + NodeMask(c, 2, false, c.A(1)) + ", " +
        NodeMask(c, 3, false, c.A(1)));
  c.ToExit();
  c.Put(")");
}

// move_pages(pid, count, pages, nodes, status, flags): the arrays of count pointers, node
// numbers and statuses (written by the kernel: a node, or a negative errno by its name).
std::string PagePtr(const std::string& d, size_t off) {
  return PtrString(At<uint64_t>(d, off));
}
std::string NodeNumber(const std::string& d, size_t off) {
  return Dec(At<int32_t>(d, off));
}
std::string PageStatus(const std::string& d, size_t off) {
  int32_t v = At<int32_t>(d, off);
  const char* name = v < 0 ? ErrnoName(-v) : nullptr;
  return name ? Styled(Dec(v), "-" + std::string(name)) : Dec(v);
}

std::string PagesArray(Ctx& c,
                       int arg,
                       bool out,
                       uint64_t count,
                       size_t elem,
                       std::string (*print)(const std::string& d, size_t off)) {
  if (!c.A(arg))
    return "NULL";
  if (count == 0)
    return "[]";
  return PartialArray(c, arg, out, count, elem, print);
}

void DecodeMovePages(Ctx& c) {
  uint64_t count = c.A(1);
  c.Pid(c.A(0));
  c.Put(", " + UDec(count) + ", " + PagesArray(c, 2, false, count, 8, PagePtr) + ", " +
        PagesArray(c, 3, false, count, 4, NodeNumber) + ", ");
  c.ToExit();
  c.Put(PagesArray(c, 4, true, count, 4, PageStatus) + ", " +
        Flags("move_pages_flags", static_cast<uint32_t>(c.A(5))) + ")");
}

// memfd_create's flags (unsigned int): the MFD_* names, the unknown rest in hex, then the huge
// page size as N<<MFD_HUGE_SHIFT; one constant for -X.
constexpr uint32_t kMfdHugeShift = 26, kMfdHugeMask = 0x3f;

std::string MemfdFlags(uint64_t v) {
  uint32_t f = static_cast<uint32_t>(v);
  uint32_t size = (f >> kMfdHugeShift) & kMfdHugeMask;
  uint32_t rest = f & ~(kMfdHugeMask << kMfdHugeShift);
  return Whole(HexString(f), [&] {
    std::string s = rest || !size ? Flags("memfd_flags", rest) : "";
    if (size)
      s += (s.empty() ? "" : "|") + UDec(size) + "<<MFD_HUGE_SHIFT";
    return s;
  });
}

void DecodeMemfdCreate(Ctx& c) {
  c.String(0);
  c.Put(", " + MemfdFlags(c.A(1)));
  c.ToExit();
  c.Put(")");
}

}  // namespace

Family MempolicyFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_mbind, DecodeMbind},
      {__NR_set_mempolicy, DecodeSetMempolicy},
      {__NR_get_mempolicy, DecodeGetMempolicy},
      {__NR_migrate_pages, DecodeMigratePages},
      {__NR_move_pages, DecodeMovePages},
      {__NR_memfd_create, DecodeMemfdCreate},
  };
  return {"mempolicy", kDecoders, {}};
}

}  // namespace strec::replay::detail

// ioctl: the file system requests (linux/fs.h, linux/fiemap.h): freeze and thaw, FITRIM, the
// inode flags, fsxattr, and FIEMAP with the extents the kernel writes after struct fiemap.
#include <algorithm>
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

namespace {

// struct fsxattr (28 bytes): fsx_xflags, fsx_extsize, fsx_nextents, fsx_projid, fsx_cowextsize.
std::string Fsxattr(const std::string& d, bool nextents) {
  Fields f;
  f.Add("fsx_xflags", FlagsDflt("fs_xflags", At<uint32_t>(d, 0)));
  f.Add("fsx_extsize", UDec(At<uint32_t>(d, 4)));
  if (nextents)
    f.Add("fsx_nextents", UDec(At<uint32_t>(d, 8)));
  f.Add("fsx_projid", HexString(At<uint32_t>(d, 12)));
  f.Add("fsx_cowextsize", UDec(At<uint32_t>(d, 16)));
  return f.Text();
}

std::string InodeFlags(const std::string& d) {
  return Bracketed(FlagsDflt("fs_inode_flags", At<uint32_t>(d, 0)));
}

// The extents after struct fiemap (kBufferAux 0, struct fiemap_extent of 56 bytes each).
std::string Extents(const Ctx& c, uint32_t mapped) {
  if (!mapped)
    return "[]";
  const Buffer* b = c.Out(2, format::kBufferAux);
  if (!b || b->data.size() < 56)
    return PtrString(c.A(2) + 32);
  uint64_t have = b->data.size() / 56;
  std::string s = ArrayText(std::min<uint64_t>(mapped, have), UINT64_MAX, [&](uint64_t k) {
    size_t e = k * 56;
    return Fields()
        .Add("fe_logical", UDec(At<uint64_t>(b->data, e)))
        .Add("fe_physical", UDec(At<uint64_t>(b->data, e + 8)))
        .Add("fe_length", UDec(At<uint64_t>(b->data, e + 16)))
        .Add("fe_flags", FlagsDflt("fiemap_extent_flags", At<uint32_t>(b->data, e + 40)))
        .Text();
  });
  if (mapped > have)  // more than the recorder copied
    s.insert(s.size() - 1, ", ...");
  return s;
}

}  // namespace

bool DecodeFsIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0xc0045877:  // FIFREEZE
    case 0xc0045878:  // FITHAW
      IoctlNoArg(c);
      return true;
    case 0xc0185879:  // FITRIM: struct fstrim_range
      InArg(c, 24, [](const std::string& d) {
        return Fields()
            .Add("start", HexString(At<uint64_t>(d, 0)))
            .Add("len", UDec(At<uint64_t>(d, 8)))
            .Add("minlen", UDec(At<uint64_t>(d, 16)))
            .Text();
      });
      return true;
    case 0x401c5820:  // FS_IOC_FSSETXATTR
      InArg(c, 28, [](const std::string& d) { return Fsxattr(d, false); });
      return true;
    case 0x801c581f:  // FS_IOC_FSGETXATTR
      OutArg(c, 28, [](const std::string& d) { return Fsxattr(d, true); });
      return true;
    case 0x80086601:  // FS_IOC_GETFLAGS (an int, whatever the request's size says)
    case 0x80046601:  // FS_IOC32_GETFLAGS
      OutArg(c, 4, InodeFlags);
      return true;
    case 0x40086602:  // FS_IOC_SETFLAGS
    case 0x40046602:  // FS_IOC32_SETFLAGS
      InArg(c, 4, InodeFlags);
      return true;
    case 0xc020660b:  // FS_IOC_FIEMAP
      InOutArg(
          c, 32,
          [](const std::string& d) {
            return Fields()
                .Add("fm_start", UDec(At<uint64_t>(d, 0)))
                .Add("fm_length", UDec(At<uint64_t>(d, 8)))
                .Add("fm_flags", FlagsDflt("fiemap_flags", At<uint32_t>(d, 16)))
                .Add("fm_extent_count", UDec(At<uint32_t>(d, 24)))
                .Text();
          },
          [&](const std::string& d) {
            Fields f;
            f.Add("fm_flags", FlagsDflt("fiemap_flags", At<uint32_t>(d, 16)));
            f.Add("fm_mapped_extents", UDec(At<uint32_t>(d, 20)));
            if (c.opt.verbose)
              f.Add("fm_extents", Extents(c, At<uint32_t>(d, 20)));
            else
              f.More();
            return f.Text();
          });
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail

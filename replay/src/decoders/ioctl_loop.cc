// ioctl: the loop device's requests (linux/loop.h): struct loop_info (168 bytes on x86_64),
// loop_info64 (232) and loop_config (304), which the recorder copies by the sizes in
// record/bpf/ioctl_sizes.h (the requests predate the _IOC encoding).
#include <string>

#include "decoders/decoders.h"
#include "decoders/ioctl_common.h"

namespace strec::replay::detail {

namespace {

// lo_encrypt_key: its first lo_encrypt_key_size bytes (at most the 32 it has).
std::string Key(const Ctx& c, const std::string& d, size_t off, uint32_t size) {
  uint32_t n = size < 32 ? size : 32;
  QuoteOptions q = c.q;
  q.max_strlen = 32;
  std::string s;
  AppendQuotedBuffer(&s, d.substr(off, n), n, q);
  return s;
}

// The encryption fields print with -v or when there is an encryption.
bool ShowCrypt(const Ctx& c, uint32_t type) {
  return c.opt.verbose || type != 0;
}

// struct loop_info (the old one: int lo_number, unsigned long devices, int offset).
std::string LoopInfo(const Ctx& c, const std::string& d) {
  uint32_t type = At<uint32_t>(d, 36), key_size = At<uint32_t>(d, 40);
  Fields f;
  f.Add("lo_number", Dec(At<int32_t>(d, 0)));
  if (c.opt.verbose) {
    f.Add("lo_device", Makedev(At<uint64_t>(d, 8)));
    f.Add("lo_inode", UDec(At<uint64_t>(d, 16)));
    f.Add("lo_rdevice", Makedev(At<uint64_t>(d, 24)));
  }
  f.Add("lo_offset", HexString(At<uint32_t>(d, 32)));
  if (ShowCrypt(c, type)) {
    f.Add("lo_encrypt_type", Enum("loop_crypt_type", type));
    f.Add("lo_encrypt_key_size", UDec(key_size));
  }
  f.Add("lo_flags", FlagsDflt("loop_flags", At<uint32_t>(d, 44)));
  f.Add("lo_name", CharArray(c, d, 48, 64));
  if (ShowCrypt(c, type))
    f.Add("lo_encrypt_key", Key(c, d, 112, key_size));
  if (!c.opt.verbose)
    return f.More().Text();
  f.Add("lo_init",
        ArrayText(2, 2, [&](uint64_t k) { return HexString(At<uint64_t>(d, 144 + k * 8)); }));
  f.Add("reserved",
        ArrayText(4, 4, [&](uint64_t k) { return HexString(At<uint8_t>(d, 160 + k)); }));
  return f.Text();
}

// struct loop_info64 at d[off].
std::string LoopInfo64(const Ctx& c, const std::string& d, size_t off) {
  uint32_t type = At<uint32_t>(d, off + 44), key_size = At<uint32_t>(d, off + 48);
  Fields f;
  if (c.opt.verbose) {
    f.Add("lo_device", Makedev(At<uint64_t>(d, off)));
    f.Add("lo_inode", UDec(At<uint64_t>(d, off + 8)));
    f.Add("lo_rdevice", Makedev(At<uint64_t>(d, off + 16)));
  }
  f.Add("lo_offset", HexString(At<uint64_t>(d, off + 24)));
  if (c.opt.verbose)
    f.Add("lo_sizelimit", UDec(At<uint64_t>(d, off + 32)));
  f.Add("lo_number", UDec(At<uint32_t>(d, off + 40)));
  if (ShowCrypt(c, type)) {
    f.Add("lo_encrypt_type", Enum("loop_crypt_type", type));
    f.Add("lo_encrypt_key_size", UDec(key_size));
  }
  f.Add("lo_flags", FlagsDflt("loop_flags", At<uint32_t>(d, off + 52)));
  f.Add("lo_file_name", CharArray(c, d, off + 56, 64));
  if (ShowCrypt(c, type)) {
    f.Add("lo_crypt_name", CharArray(c, d, off + 120, 64));
    f.Add("lo_encrypt_key", Key(c, d, off + 184, key_size));
  }
  if (!c.opt.verbose)
    return f.More().Text();
  f.Add("lo_init",
        ArrayText(2, 2, [&](uint64_t k) { return HexString(At<uint64_t>(d, off + 216 + k * 8)); }));
  return f.Text();
}

}  // namespace

bool DecodeLoopIoctl(Ctx& c, uint32_t req) {
  switch (req) {
    case 0x4c00:  // LOOP_SET_FD
    case 0x4c06:  // LOOP_CHANGE_FD
    case 0x4c80:  // LOOP_CTL_ADD
    case 0x4c81:  // LOOP_CTL_REMOVE
      c.Put(Dec(c.I(2)));
      return true;
    case 0x4c08:  // LOOP_SET_DIRECT_IO
    case 0x4c09:  // LOOP_SET_BLOCK_SIZE
      c.Put(UDec(c.A(2)));
      return true;
    case 0x4c01:  // LOOP_CLR_FD
    case 0x4c07:  // LOOP_SET_CAPACITY
    case 0x4c82:  // LOOP_CTL_GET_FREE
      IoctlNoArg(c);
      return true;
    case 0x4c02:  // LOOP_SET_STATUS
      InArg(c, 168, [&](const std::string& d) { return LoopInfo(c, d); });
      return true;
    case 0x4c03:  // LOOP_GET_STATUS
      OutArg(c, 168, [&](const std::string& d) { return LoopInfo(c, d); });
      return true;
    case 0x4c04:  // LOOP_SET_STATUS64
      InArg(c, 232, [&](const std::string& d) { return LoopInfo64(c, d, 0); });
      return true;
    case 0x4c05:  // LOOP_GET_STATUS64
      OutArg(c, 232, [&](const std::string& d) { return LoopInfo64(c, d, 0); });
      return true;
    case 0x4c0a:  // LOOP_CONFIGURE: struct loop_config
      InArg(c, 304, [&](const std::string& d) {
        Fields f;
        f.Add("fd", Dec(At<int32_t>(d, 0)));
        f.Add("block_size", UDec(At<uint32_t>(d, 4)));
        f.Add("info", LoopInfo64(c, d, 8));
        if (!AllZero(d, 240, 64))
          f.Add("__reserved", ArrayText(8, 8, [&](uint64_t k) {
                  return HexString(At<uint64_t>(d, 240 + k * 8));
                }));
        return f.Text();
      });
      return true;
    default:
      return false;
  }
}

}  // namespace strec::replay::detail

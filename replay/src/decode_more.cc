#include "decode_more.h"

#include <cstring>

#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {

namespace {

template <typename T>
T At(const std::string& d, size_t off) {
  T v{};
  if (off + sizeof(T) <= d.size())
    std::memcpy(&v, d.data() + off, sizeof(T));
  return v;
}

std::string U(uint64_t v) {
  return std::to_string(v);
}

std::string Flags(const char* table, uint64_t v) {
  std::string s;
  if (const Xlat* x = FindXlat(table))
    AppendFlags(&s, *x, v, "0");
  else
    s = HexString(v);
  return s;
}

}  // namespace

std::string FormatSysinfo(const std::string& d) {
  std::string s = "{uptime=" + std::to_string(At<int64_t>(d, 0)) + ", loads=[" +
                  U(At<uint64_t>(d, 8)) + ", " + U(At<uint64_t>(d, 16)) + ", " +
                  U(At<uint64_t>(d, 24)) + "]";
  const char* names[] = {"totalram", "freeram", "sharedram", "bufferram", "totalswap", "freeswap"};
  for (int i = 0; i < 6; i++)
    s += std::string(", ") + names[i] + "=" + U(At<uint64_t>(d, 32 + 8 * i));
  s += ", procs=" + U(At<uint16_t>(d, 80)) + ", totalhigh=" + U(At<uint64_t>(d, 88)) +
       ", freehigh=" + U(At<uint64_t>(d, 96)) + ", mem_unit=" + U(At<uint32_t>(d, 104)) + "}";
  return s;
}

std::string FormatTms(const std::string& d) {
  return "{tms_utime=" + U(At<uint64_t>(d, 0)) + ", tms_stime=" + U(At<uint64_t>(d, 8)) +
         ", tms_cutime=" + U(At<uint64_t>(d, 16)) + ", tms_cstime=" + U(At<uint64_t>(d, 24)) + "}";
}

std::string FormatStatfs(const std::string& d) {
  uint64_t type = At<uint64_t>(d, 0);
  std::string s = "{f_type=";
  const Xlat* magic = FindXlat("fs_magic");
  const char* name = magic ? magic->Name(type) : nullptr;
  s += name ? Styled(HexString(type), name) : HexString(type);
  const char* names[] = {"f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree"};
  for (int i = 0; i < 6; i++)
    s += std::string(", ") + names[i] + "=" + U(At<uint64_t>(d, 8 + 8 * i));
  char fsid[64];
  snprintf(fsid, sizeof fsid, "{val=[%#x, %#x]}", At<uint32_t>(d, 56), At<uint32_t>(d, 60));
  s += std::string(", f_fsid=") + fsid + ", f_namelen=" + U(At<uint64_t>(d, 64)) +
       ", f_frsize=" + U(At<uint64_t>(d, 72));
  s += ", f_flags=" + Flags("statfs_flags", At<uint64_t>(d, 80));
  return s + "}";
}

std::string FormatEpollData(uint64_t data) {
  return "{u32=" + U(static_cast<uint32_t>(data)) + ", u64=" + U(data) + "}";
}

std::string FormatFdSet(const std::string& d,
                        uint64_t nfds,
                        const std::function<std::string(int)>& fd) {
  std::string s = "[";
  bool first = true;
  for (uint64_t i = 0; i < nfds && i / 8 < d.size(); i++) {
    if (!(static_cast<uint8_t>(d[i / 8]) >> (i % 8) & 1))
      continue;
    if (!first)
      s += ' ';
    first = false;
    s += fd(static_cast<int>(i));
  }
  return s + "]";
}

std::string FormatCmsgs(const std::string& d,
                        uint64_t controllen,
                        const std::function<std::string(int)>& fd) {
  if (d.size() < controllen)
    return "";
  std::string s = "[";
  size_t off = 0;
  bool first = true;
  while (off + 16 <= controllen) {
    uint64_t len = At<uint64_t>(d, off);
    int32_t level = At<int32_t>(d, off + 8), type = At<int32_t>(d, off + 12);
    if (len < 16 || off + len > controllen)
      return "";
    if (!first)
      s += ", ";
    first = false;
    s += "{cmsg_len=" + U(len) + ", cmsg_level=";
    if (level != 1 /* SOL_SOCKET */)
      return "";
    s += Styled("0x1", "SOL_SOCKET") + ", cmsg_type=";
    std::string data = d.substr(off + 16, len - 16);
    if (type == 1) {  // SCM_RIGHTS
      s += Styled("0x1", "SCM_RIGHTS") + ", cmsg_data=[";
      for (size_t i = 0; i + 4 <= data.size(); i += 4)
        s += (i ? ", " : "") + fd(At<int32_t>(data, i));
      s += "]";
    } else if (type == 2 && data.size() >= 12) {  // SCM_CREDENTIALS
      s += Styled("0x2", "SCM_CREDENTIALS") +
           ", cmsg_data={pid=" + std::to_string(At<int32_t>(data, 0)) +
           ", uid=" + U(At<uint32_t>(data, 4)) + ", gid=" + U(At<uint32_t>(data, 8)) + "}";
    } else {
      return "";
    }
    s += "}";
    off += (len + 7) & ~7ull;
  }
  return s + "]";
}

}  // namespace strec::replay

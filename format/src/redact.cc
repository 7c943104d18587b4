#include "strec/format/redact.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "strec/format/fd_detail.h"
#include "strec/format/syscall_table.h"
#include "strec/format/trace_reader.h"
#include "strec/format/trace_writer.h"

namespace strec::format {
namespace {

constexpr const char* kNames[kRedactCategories] = {"", "data", "argv", "paths", "addrs", "host"};

std::string Hex(uint64_t v, int digits) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; i--, v >>= 4)
    s[static_cast<size_t>(i)] = kDigits[v & 15];
  return s;
}

bool SodiumReady() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

// SipHash-2-4 (libsodium's crypto_shorthash): a keyed pseudo-random function made for short
// inputs, 64 bits out; several times faster than a keyed BLAKE2b on the recorder's thread.
uint64_t KeyedHash(const void* data, size_t len, const uint8_t* key) {
  uint8_t out[crypto_shorthash_BYTES];
  crypto_shorthash(out, static_cast<const unsigned char*>(data), len, key);
  uint64_t v;
  std::memcpy(&v, out, sizeof v);
  return v;
}

// The argument that is a struct sockaddr in the socket calls that take one, else -1.
int SockaddrArg(int nr) {
  switch (nr) {
    case __NR_connect:
    case __NR_bind:
    case __NR_accept:
    case __NR_accept4:
    case __NR_getsockname:
    case __NR_getpeername:
      return 1;
    case __NR_sendto:
    case __NR_recvfrom:
      return 4;
    default:
      return -1;
  }
}

RedactCategory ClassifySpecial(int nr, const uint64_t args[6], const BufferRecord& b) {
  if (int a = SockaddrArg(nr); a >= 0)  // the address, or its length
    return b.arg == a ? RedactCategory::kAddrs : RedactCategory::kNone;
  switch (nr) {
    case __NR_sendmsg:
    case __NR_recvmsg:
    case __NR_sendmmsg:
    case __NR_recvmmsg:
      return RedactCategory::kNone;  // struct msghdr: pointers and lengths
    case __NR_select:
    case __NR_pselect6:
    case __NR_fcntl:
    case __NR_futex:
    case __NR_clone:
    case __NR_clone3:
    case __NR_wait4:
    case __NR_rt_sigtimedwait:
    case __NR_prctl:  // PR_GET_NAME: a thread's name, which every user can read in /proc
      return RedactCategory::kNone;
    case __NR_getsockopt:
    case __NR_setsockopt:
      // An int option's value (SO_REUSEADDR, TCP_NODELAY...) is a setting; longer values (keys
      // such as TCP_MD5SIG's, filters) may be anything.
      return b.arg == 3 && b.full_len > 4 ? RedactCategory::kData : RedactCategory::kNone;
    case __NR_ioctl:
      // The requests of the old numbering (terminal and socket ioctls, whose layouts replay
      // knows) are structure; a request with an _IOC size may carry anything.
      return ((args[1] >> 30) & 3) == 0 ? RedactCategory::kNone : RedactCategory::kData;
    case __NR_getdents:
    case __NR_getdents64:
      return RedactCategory::kPaths;  // directory entries: file names
    default:
      return RedactCategory::kData;
  }
}

}  // namespace

const char* RedactCategoryName(uint8_t category) {
  return category < kRedactCategories ? kNames[category] : "";
}

StatusOr<uint32_t> ParseRedactList(std::string_view list) {
  uint32_t what = 0;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string_view word =
        list.substr(pos, comma == std::string_view::npos ? list.npos : comma - pos);
    if (word == "all") {
      what |= kRedactAll;
    } else {
      int found = 0;
      for (int c = 1; c < kRedactCategories; c++)
        if (word == kNames[c])
          found = c;
      if (!found)
        return InvalidArgument("unknown redaction '" + std::string(word) +
                               "' (expected a list of data, argv, paths, addrs, host, or all)");
      what |= 1u << found;
    }
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  return what;
}

std::string RedactListText(uint32_t what) {
  std::string s;
  for (int c = 1; c < kRedactCategories; c++)
    if (what & (1u << c)) {
      if (!s.empty())
        s += ',';
      s += kNames[c];
    }
  return s;
}

// A socket's endpoints are addresses, a unix socket's name a path; the rest (protocol, device
// numbers, a pidfd's pid) is structure.
RedactCategory ClassifyFdDetail(std::string_view bytes) {
  std::string name;
  std::optional<FdDetail> d = DecodeFdDetail(bytes, &name);
  if (!d || d->kind != kFdDetailSocket || !d->found)
    return RedactCategory::kNone;
  if (d->family == 1 /* AF_UNIX */)
    return name.empty() ? RedactCategory::kNone : RedactCategory::kPaths;
  return d->family == 16 /* AF_NETLINK */ ? RedactCategory::kNone : RedactCategory::kAddrs;
}

RedactCategory ClassifyBuffer(uint32_t arch,
                              int nr,
                              const uint64_t args[6],
                              const BufferRecord& b) {
  const SyscallTable* table = SyscallTable::ForArch(arch);
  const SyscallInfo* info = table ? table->Find(nr) : nullptr;
  if (!info || arch != kArchX86_64)
    return RedactCategory::kData;
  switch (b.kind) {
    case kBufferIovecArray:
    case kBufferStringPtrs:
      return RedactCategory::kNone;  // addresses and lengths
    case kBufferIovecData:
      return RedactCategory::kData;
    case kBufferFdPath:
    case kBufferCwd:
      return RedactCategory::kPaths;
    case kBufferFdDetail:
      return ClassifyFdDetail({reinterpret_cast<const char*>(b.data.data()), b.data.size()});
    case kBufferAux:
      // msg_name of message i is index i << 16; its control data (i << 16) | 1 is structure
      // (SCM_RIGHTS fds, credentials).
      if ((nr == __NR_sendmsg || nr == __NR_recvmsg || nr == __NR_sendmmsg ||
           nr == __NR_recvmmsg) &&
          (b.index & 0xffff) == 0)
        return RedactCategory::kAddrs;
      return RedactCategory::kNone;
    case kBufferString:
      if (nr == __NR_execve || nr == __NR_execveat)
        return b.arg == 0 || (nr == __NR_execveat && b.arg == 1) ? RedactCategory::kPaths
                                                                 : RedactCategory::kArgv;
      if (nr == __NR_prctl)
        return RedactCategory::kNone;  // PR_SET_NAME: a thread's name
      if (b.arg < info->nargs && info->args[b.arg].kind == ArgKind::kPath)
        return RedactCategory::kPaths;
      return RedactCategory::kData;
    case kBufferPlain:
      break;
    default:
      return RedactCategory::kData;
  }
  if (nr == __NR_sethostname || nr == __NR_setdomainname)
    return RedactCategory::kHost;
  if ((nr == __NR_readlink && b.arg == 1) || (nr == __NR_readlinkat && b.arg == 2))
    return RedactCategory::kPaths;  // the link's target
  if (b.arg >= info->nargs)
    return RedactCategory::kData;
  const ArgSpec& a = info->args[b.arg];
  std::string_view param = a.param ? a.param : "";
  switch (a.kind) {
    case ArgKind::kInData:
    case ArgKind::kOutData:
      if (param == "path")
        return RedactCategory::kPaths;
      return param == "cpu_set" ? RedactCategory::kNone : RedactCategory::kData;
    case ArgKind::kInStruct:
    case ArgKind::kOutStruct:
    case ArgKind::kInOutStruct:
    case ArgKind::kInArray:
    case ArgKind::kOutArray:
    case ArgKind::kInOutArray:
      return param == "utsname" ? RedactCategory::kHost : RedactCategory::kNone;
    case ArgKind::kSpecial:
      return ClassifySpecial(nr, args, b);
    default:
      return RedactCategory::kData;
  }
}

StatusOr<std::unique_ptr<Redactor>> Redactor::Create(uint32_t what, const std::string& key_file) {
  if (!SodiumReady())
    return Status(StatusCode::kInternal, "libsodium failed to initialise");
  static_assert(crypto_shorthash_KEYBYTES == 16);
  std::array<uint8_t, 16> key;  // from the key file: its BLAKE2b hash
  std::string note = "random";
  if (key_file.empty()) {
    randombytes_buf(key.data(), key.size());
  } else {
    int fd = open(key_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return ErrnoStatus(key_file, errno);
    std::string bytes;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 && bytes.size() < (1u << 20))
      bytes.append(buf, static_cast<size_t>(n));
    int err = errno;
    close(fd);
    if (n < 0)
      return ErrnoStatus(key_file, err);
    if (bytes.size() < 16)
      return InvalidArgument(key_file + ": a redaction key needs at least 16 bytes (" +
                             std::to_string(bytes.size()) +
                             " here); make one with: head -c 32 /dev/urandom > FILE");
    crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size(), nullptr, 0);
    sodium_memzero(bytes.data(), bytes.size());
    sodium_memzero(buf, sizeof buf);
    static constexpr char kContext[] = "strec redaction key fingerprint";
    note = "key " + Hex(KeyedHash(kContext, sizeof kContext - 1, key.data()), 16);
  }
  auto redactor = std::unique_ptr<Redactor>(new Redactor(what, key, std::move(note)));
  sodium_memzero(key.data(), key.size());
  return redactor;
}

Redactor::Redactor(uint32_t what, const std::array<uint8_t, 16>& key, std::string key_note)
    : what_(what), key_(key), key_note_(std::move(key_note)) {}

Redactor::~Redactor() {
  sodium_memzero(key_.data(), key_.size());
}

uint64_t Redactor::Digest(std::string_view bytes) const {
  return KeyedHash(bytes.data(), bytes.size(), key_.data());
}

std::string Redactor::Token(std::string_view bytes) const {
  std::string token(1, '#');
  token += Hex(Digest(bytes) >> 16, 12);
  return token;
}

std::string Redactor::PathToken(std::string_view path) const {
  std::string out;
  out.reserve(path.size() + 16);
  size_t pos = 0;
  while (true) {
    size_t slash = path.find('/', pos);
    std::string_view part = path.substr(pos, slash == path.npos ? path.npos : slash - pos);
    if (part.empty() || part == "." || part == "..")
      out += part;
    else
      out += Token(part);
    if (slash == path.npos)
      break;
    out += '/';
    pos = slash + 1;
  }
  return out;
}

std::string Redactor::FdPathToken(std::string_view path) const {
  if (!path.empty() && path[0] != '/')
    return std::string(path);  // "pipe:[12]", "socket:[34]", "anon_inode:[eventfd]"
  // "/path (deleted)": the suffix is the kernel's, not part of the name.
  static constexpr std::string_view kDeleted = " (deleted)";
  if (path.size() > kDeleted.size() && path.substr(path.size() - kDeleted.size()) == kDeleted)
    return PathToken(path.substr(0, path.size() - kDeleted.size())) + std::string(kDeleted);
  return PathToken(path);
}

void Redactor::RedactHeader(HeaderInfo* h) const {
  // A copy of a redacted trace: what both removed, and both keys.
  auto before = ParseRedactList(h->redacted);
  h->redacted = RedactListText(what_ | (h->redacted.empty() || !before.ok() ? 0 : *before));
  if (h->redact_key.empty() || (h->redact_key == key_note_ && key_note_ != "random"))
    h->redact_key = key_note_;
  else
    h->redact_key += "; then " + key_note_;
  if (Removes(RedactCategory::kArgv))
    for (auto& arg : h->command)
      arg = Token(arg);
  if (Removes(RedactCategory::kHost))
    h->hostname = Token(h->hostname);
  for (RecordingInfo& r : h->recordings) {  // a joined trace's
    if (Removes(RedactCategory::kArgv))
      for (auto& arg : r.command)
        arg = Token(arg);
    if (Removes(RedactCategory::kHost)) {
      r.hostname = Token(r.hostname);
      r.source = Token(r.source);  // files are often named by their host
    }
  }
}

std::span<const BufferRecord> Redactor::RedactBuffers(const SyscallRecord& r,
                                                      std::vector<BufferRecord>* out,
                                                      std::vector<std::string>* storage) const {
  out->assign(r.buffers.begin(), r.buffers.end());
  if (storage->size() < out->size())
    storage->resize(out->size());
  for (size_t i = 0; i < out->size(); i++) {
    BufferRecord& b = (*out)[i];
    if (b.redacted || b.data.empty())
      continue;  // redacted before (a copy of a redacted trace), or nothing to remove
    RedactCategory c = ClassifyBuffer(r.arch, r.nr, r.args, b);
    if (c == RedactCategory::kNone || !Removes(c))
      continue;
    std::string_view bytes(reinterpret_cast<const char*>(b.data.data()), b.data.size());
    b.redacted = static_cast<uint8_t>(c);
    removed_[static_cast<size_t>(c)]++;
    b.digest = Digest(bytes);
    std::string& kept = (*storage)[i];
    kept.clear();
    if (c == RedactCategory::kPaths) {
      // A path keeps its token; directory entries (many names in one buffer) only their digest.
      if (b.kind == kBufferFdPath || b.kind == kBufferCwd)
        kept = FdPathToken(bytes);
      else if (r.nr != __NR_getdents && r.nr != __NR_getdents64 && b.kind != kBufferFdDetail)
        kept = PathToken(bytes.substr(0, bytes.find('\0')));
    }
    b.data = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kept.data()), kept.size());
  }
  return *out;
}

}  // namespace strec::format

namespace strec::format {

StatusOr<RedactResult> RedactTrace(const std::string& in,
                                   const std::string& out,
                                   std::shared_ptr<const Redactor> redactor,
                                   bool replace) {
  ASSIGN_OR_RETURN(auto reader, TraceReader::Open(in));
  WriterOptions options;
  options.replace = replace;
  options.redactor = redactor;
  ASSIGN_OR_RETURN(auto writer,
                   TraceWriter::Create(out, HeaderInfo::FromTrace(reader->header()), options));
  RedactResult result;
  uint64_t read = 0;
  Status st = CopyEvents(reader.get(), writer.get(), {}, &read, &result.events);
  // No half copy: the input's error is what the user needs to see.
  RETURN_IF_ERROR(CloseOrRemove(writer.get(), out, st));
  for (int c = 0; c < kRedactCategories; c++)
    result.removed[c] = redactor->removed(static_cast<RedactCategory>(c));
  result.warnings = reader->warnings();
  return result;
}

}  // namespace strec::format

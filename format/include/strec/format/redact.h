// Redaction: what a trace may hold that should not reach whoever gets the file (a bug report),
// and a Redactor that removes it as events are written (TraceWriter applies it: to a recording
// with `strec-record --redact`, to a copy with `strec redact`).
//
// A removed buffer keeps its place, its length and a keyed digest (SipHash-2-4, libsodium) of its
// bytes, so that equal buffers still compare equal within a trace, and across traces redacted
// with the same key file; without one the key is random and discarded, so that nobody can test
// a guess against a digest. Paths become tokens component by component ("/home/alice/.netrc" ->
// "/#0a1b2c3d4e5f/#.../#..."): the same path is always the same token, a relative path resolved
// against a redacted working directory gives the token of the absolute path, and the structure
// (depth, "." and "..") stays. The categories and what each covers: format/README.md.
#ifndef STREC_FORMAT_REDACT_H_
#define STREC_FORMAT_REDACT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strec/format/event.h"
#include "strec/format/status.h"

namespace strec::format {

struct HeaderInfo;

// What a buffer or string holds, for redaction (fb::Buffer::redacted).
enum class RedactCategory : uint8_t {
  kNone = 0,  // structure (stat, timespec, iovec lengths, flags...): always kept
  kData,      // I/O payloads and other opaque bytes: read/write, send/recv, sockopt values...
  kArgv,      // execve's argv and environment strings, the recorded command line
  kPaths,     // path arguments, fd and cwd paths, directory entries, readlink results
  kAddrs,     // socket addresses (sockaddr, msg_name)
  kHost,      // the host name: the header's, uname's, sethostname's
};
inline constexpr int kRedactCategories = 6;

inline constexpr uint32_t RedactBit(RedactCategory c) {
  return 1u << static_cast<unsigned>(c);
}
inline constexpr uint32_t kRedactAll =
    RedactBit(RedactCategory::kData) | RedactBit(RedactCategory::kArgv) |
    RedactBit(RedactCategory::kPaths) | RedactBit(RedactCategory::kAddrs) |
    RedactBit(RedactCategory::kHost);

// "data", "argv", "paths", "addrs", "host" ("" for kNone or a value out of range).
const char* RedactCategoryName(uint8_t category);
// "data,argv,paths,addrs,host" or "all" -> bits; an unknown word is an error naming it.
StatusOr<uint32_t> ParseRedactList(std::string_view list);
// The bits as a list in the order above ("" for none).
std::string RedactListText(uint32_t what);

// The category of a kBufferFdDetail's bytes (format::FdDetail): kAddrs for an inet socket's
// endpoints, kPaths for a unix socket's name, else kNone.
RedactCategory ClassifyFdDetail(std::string_view bytes);

// The category of buffer b of syscall nr (x86_64 numbers; anything else is kData).
RedactCategory ClassifyBuffer(uint32_t arch, int nr, const uint64_t args[6], const BufferRecord& b);

class Redactor {
 public:
  // what: RedactBit()s. key_file: "" for a random key, else a file whose bytes (at least 16)
  // make the key, for digests that compare across traces.
  static StatusOr<std::unique_ptr<Redactor>> Create(uint32_t what, const std::string& key_file);
  ~Redactor();  // wipes the key

  uint32_t what() const { return what_; }
  bool Removes(RedactCategory c) const { return what_ & RedactBit(c); }
  // "random", or "key " + a fingerprint of the key that does not reveal it.
  const std::string& key_note() const { return key_note_; }

  uint64_t Digest(std::string_view bytes) const;
  // "#" + 12 hex digits of the digest.
  std::string Token(std::string_view bytes) const;
  // The path with each component but "", "." and ".." replaced by its token.
  std::string PathToken(std::string_view path) const;
  // A path the kernel reported (readlink of an fd): "pipe:[N]", "socket:[N]", "anon_inode:..."
  // name no file and are kept; anything else is a path.
  std::string FdPathToken(std::string_view path) const;

  // The header with its command line and host name redacted as asked, and the redaction noted.
  void RedactHeader(HeaderInfo* h) const;
  // The buffers of r as they are to be written: *out and *storage are scratch space, reused.
  std::span<const BufferRecord> RedactBuffers(const SyscallRecord& r,
                                              std::vector<BufferRecord>* out,
                                              std::vector<std::string>* storage) const;
  // Buffers removed so far, by category (one writer uses a Redactor at a time).
  uint64_t removed(RedactCategory c) const { return removed_[static_cast<size_t>(c)]; }

 private:
  Redactor(uint32_t what, const std::array<uint8_t, 16>& key, std::string key_note);
  uint32_t what_;
  std::array<uint8_t, 16> key_;  // SipHash-2-4's
  std::string key_note_;
  mutable std::array<uint64_t, kRedactCategories> removed_ = {};
};

struct RedactResult {
  uint64_t events = 0;
  uint64_t removed[kRedactCategories] = {};  // buffers, by category
  std::vector<std::string> warnings;         // the input's (e.g. no footer)
};

// Writes a redacted copy of trace `in` to `out` (created as CreateOutputFile does; `replace` as
// there). The input must read cleanly: a damaged chunk is an error naming its offset.
StatusOr<RedactResult> RedactTrace(const std::string& in,
                                   const std::string& out,
                                   std::shared_ptr<const Redactor> redactor,
                                   bool replace);

}  // namespace strec::format

#endif  // STREC_FORMAT_REDACT_H_

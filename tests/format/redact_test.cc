// Redaction (format/redact.h): what each category covers, the tokens' properties, the keyed
// digests, and a redacted copy made by the writer: nothing planted survives in its bytes, and
// every event is still there.
#include <asm/unistd.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "strec/format/fd_detail.h"
#include "strec/format/redact.h"
#include "strec/format/trace_reader.h"
#include "strec/format/trace_writer.h"
#include "support/trace_builder.h"

namespace strec::format {
namespace {

using testing::TempDir;

std::unique_ptr<Redactor> Make(uint32_t what, const std::string& key = "") {
  auto r = Redactor::Create(what, key);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(RedactTest, ParsesTheListAndNamesAnUnknownWord) {
  auto all = ParseRedactList("all");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, kRedactAll);
  EXPECT_EQ(RedactListText(*all), "data,argv,paths,addrs,host");
  auto two = ParseRedactList("paths,data");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(RedactListText(*two), "data,paths");
  auto bad = ParseRedactList("data,passwords");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'passwords'"), std::string::npos);
  EXPECT_FALSE(ParseRedactList("").ok());
}

// The categories, for the buffers the recorders write (record/src/capture.cc).
TEST(RedactTest, ClassifiesEachKindOfBuffer) {
  uint64_t args[6] = {};
  auto cls = [&](int nr, uint8_t arg, uint8_t kind, bool out = false, uint32_t index = 0,
                 uint64_t full_len = 8) {
    BufferRecord b;
    b.arg = arg;
    b.kind = kind;
    b.out = out;
    b.index = index;
    b.full_len = full_len;
    return ClassifyBuffer(kArchX86_64, nr, args, b);
  };
  using C = RedactCategory;
  EXPECT_EQ(cls(__NR_write, 1, kBufferPlain), C::kData);
  EXPECT_EQ(cls(__NR_read, 1, kBufferPlain, true), C::kData);
  EXPECT_EQ(cls(__NR_getrandom, 0, kBufferPlain, true), C::kData);
  EXPECT_EQ(cls(__NR_writev, 1, kBufferIovecArray), C::kNone);
  EXPECT_EQ(cls(__NR_writev, 1, kBufferIovecData), C::kData);
  EXPECT_EQ(cls(__NR_openat, 1, kBufferString), C::kPaths);
  EXPECT_EQ(cls(__NR_openat, kArgReturn, kBufferFdPath, true), C::kPaths);
  EXPECT_EQ(cls(__NR_chdir, kArgReturn, kBufferCwd, true), C::kPaths);
  EXPECT_EQ(cls(__NR_readlink, 1, kBufferPlain, true), C::kPaths);
  EXPECT_EQ(cls(__NR_getdents64, 1, kBufferPlain, true), C::kPaths);
  EXPECT_EQ(cls(__NR_execve, 0, kBufferString), C::kPaths);
  EXPECT_EQ(cls(__NR_execve, 1, kBufferString, false, 2), C::kArgv);
  EXPECT_EQ(cls(__NR_execve, 2, kBufferString, false, 0), C::kArgv);  // environment
  EXPECT_EQ(cls(__NR_execve, 1, kBufferStringPtrs), C::kNone);
  EXPECT_EQ(cls(__NR_connect, 1, kBufferPlain), C::kAddrs);
  EXPECT_EQ(cls(__NR_recvfrom, 4, kBufferPlain, true), C::kAddrs);
  EXPECT_EQ(cls(__NR_recvfrom, 5, kBufferPlain, true), C::kNone);           // its length
  EXPECT_EQ(cls(__NR_recvmsg, 1, kBufferAux, true, 0), C::kAddrs);          // msg_name
  EXPECT_EQ(cls(__NR_recvmsg, 1, kBufferAux, true, 1), C::kNone);           // msg_control
  EXPECT_EQ(cls(__NR_recvmsg, 1, kBufferPlain, true), C::kNone);            // the msghdr
  EXPECT_EQ(cls(__NR_setsockopt, 3, kBufferPlain, false, 0, 4), C::kNone);  // an int
  EXPECT_EQ(cls(__NR_setsockopt, 3, kBufferPlain, false, 0, 80), C::kData);
  EXPECT_EQ(cls(__NR_uname, 0, kBufferPlain, true), C::kHost);
  EXPECT_EQ(cls(__NR_sethostname, 0, kBufferPlain), C::kHost);
  EXPECT_EQ(cls(__NR_newfstatat, 2, kBufferPlain, true), C::kNone);  // struct stat
  EXPECT_EQ(cls(__NR_prctl, 1, kBufferString), C::kNone);            // PR_SET_NAME
  EXPECT_EQ(cls(__NR_mount, 4, kBufferString), C::kData);            // mount options
  EXPECT_EQ(cls(9999, 0, kBufferPlain), C::kData);                   // unknown: data
  args[1] = 0x5401;                                                  // TCGETS
  EXPECT_EQ(cls(__NR_ioctl, 2, kBufferPlain, true), C::kNone);
  args[1] = 0xc0186201;  // an _IOWR request: anything
  EXPECT_EQ(cls(__NR_ioctl, 2, kBufferPlain, true), C::kData);
}

TEST(RedactTest, PathTokensKeepStructureAndResolveConsistently) {
  auto r = Make(kRedactAll);
  ASSERT_TRUE(r);
  std::string abs = r->PathToken("/home/alice/.netrc");
  EXPECT_EQ(abs, r->PathToken("/home/alice/.netrc"));
  EXPECT_EQ(abs.find("alice"), std::string::npos);
  EXPECT_EQ(std::count(abs.begin(), abs.end(), '/'), 3);
  // cwd + relative gives the absolute path's token.
  EXPECT_EQ(r->PathToken("/home/alice") + "/" + r->PathToken(".netrc"), abs);
  EXPECT_EQ(r->PathToken("../x/./"), "../" + r->PathToken("x") + "/./");
  EXPECT_EQ(r->PathToken(""), "");
  EXPECT_EQ(r->FdPathToken("pipe:[1234]"), "pipe:[1234]");
  EXPECT_EQ(r->FdPathToken("/tmp/secret (deleted)"), r->PathToken("/tmp/secret") + " (deleted)");
  // A component's token is the top of the same digest an argv string gets.
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(r->Digest("alice")));
  EXPECT_EQ(r->Token("alice"), "#" + std::string(hex, 12));
}

TEST(RedactTest, DigestsAreKeyed) {
  TempDir dir;
  std::string key = dir.File("key");
  std::ofstream(key) << "0123456789abcdef-a-test-key";
  auto a = Make(kRedactAll, key), b = Make(kRedactAll, key), c = Make(kRedactAll),
       d = Make(kRedactAll);
  ASSERT_TRUE(a && b && c && d);
  EXPECT_EQ(a->Digest("secret"), b->Digest("secret"));  // the same key file compares
  EXPECT_NE(a->Digest("secret"), a->Digest("secreT"));
  EXPECT_NE(c->Digest("secret"), d->Digest("secret"));  // random keys do not
  EXPECT_EQ(a->key_note(), b->key_note());
  EXPECT_EQ(a->key_note().rfind("key ", 0), 0u);
  EXPECT_EQ(a->key_note().find("0123456789"), std::string::npos);
  EXPECT_EQ(c->key_note(), "random");
  std::ofstream(key) << "short";
  auto bad = Redactor::Create(kRedactAll, key);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("16 bytes"), std::string::npos);
  EXPECT_FALSE(Redactor::Create(kRedactAll, dir.File("missing")).ok());
}

// Writes one event of each kind with planted secrets, redacted as `what`.
void WritePlanted(const std::string& path, std::shared_ptr<const Redactor> redactor) {
  HeaderInfo h = HeaderInfo::ForThisHost();
  h.hostname = "host-SECRET-h";
  h.command = {"curl", "-H", "Authorization: Bearer SECRET-argv"};
  WriterOptions o;
  o.redactor = std::move(redactor);
  auto w = TraceWriter::Create(path, h, o);
  ASSERT_TRUE(w.ok()) << w.status().message();
  std::string_view data = "password=SECRET-data", path_arg = "/home/SECRET-path/notes";
  BufferRecord open_bufs[] = {
      {.arg = 1, .kind = kBufferString, .full_len = path_arg.size(), .data = Bytes(path_arg)},
      {.arg = kArgReturn,
       .out = true,
       .kind = kBufferFdPath,
       .full_len = path_arg.size(),
       .data = Bytes(path_arg)}};
  SyscallRecord open;
  open.tid = open.pid = 7;
  open.nr = __NR_openat;
  open.ret = 3;
  open.entry_ns = 10, open.exit_ns = 11;
  open.buffers = open_bufs;
  (*w)->Add(open);
  BufferRecord write_buf[] = {{.arg = 1, .full_len = data.size(), .data = Bytes(data)}};
  SyscallRecord write = open;
  write.nr = __NR_write;
  write.ret = static_cast<int64_t>(data.size());
  write.entry_ns = 12, write.exit_ns = 13;
  write.buffers = write_buf;
  (*w)->Add(write);
  std::string_view argv[] = {"curl", "SECRET-argv"};
  (*w)->Add(ExecRecord{7, 7, 0, "/home/SECRET-path/bin", argv, 3, 14});
  // A unix socket bound to a name (strace -yy's detail): the name is a path.
  FdDetail sock;
  sock.kind = kFdDetailSocket;
  sock.found = 1;
  sock.family = 1;  // AF_UNIX
  sock.inode = 77;
  std::memcpy(sock.proto, "UNIX-STREAM", 11);
  std::string detail = EncodeFdDetail(sock, "/run/SECRET-path.sock");
  FdEntryRecord fds[] = {
      {0, "/home/SECRET-path/in", {}}, {1, "pipe:[99]", {}}, {3, "socket:[77]", detail}};
  std::string_view cmdline[] = {"curl", "SECRET-argv"};
  (*w)->Add(FdSnapshotRecord{7, 7, fds, 15, "/home/SECRET-path", cmdline, "/SECRET-path.slice"});
  (*w)->Add(ExitRecord{7, 7, 0, 0, false, false, 16});
  ASSERT_TRUE((*w)->Close().ok());
}

TEST(RedactTest, TheWriterLeavesNothingPlantedAndKeepsEveryEvent) {
  TempDir dir;
  WritePlanted(dir.File("plain.strec"), nullptr);
  std::string plain = testing::AllTraceBytes(dir.File("plain.strec"));
  for (const char* s : {"SECRET-data", "SECRET-path", "SECRET-argv", "SECRET-h"})
    EXPECT_NE(plain.find(s), std::string::npos) << s << " should be in the plain trace";

  WritePlanted(dir.File("redacted.strec"), Make(kRedactAll));
  std::string redacted = testing::AllTraceBytes(dir.File("redacted.strec"));
  ASSERT_FALSE(redacted.empty());
  EXPECT_EQ(redacted.find("SECRET"), std::string::npos);
  EXPECT_NE(redacted.find("pipe:[99]"), std::string::npos);  // not a path: kept

  auto reader = TraceReader::Open(dir.File("redacted.strec"));
  ASSERT_TRUE(reader.ok());
  const fb::CaptureSettings* s = (*reader)->header().settings();
  EXPECT_EQ(s->redacted()->str(), "data,argv,paths,addrs,host");
  EXPECT_EQ(s->redact_key()->str(), "random");
  int events = 0;
  while (true) {
    auto e = (*reader)->Next();
    ASSERT_TRUE(e.ok());
    if (!*e)
      break;
    events++;
    if (const fb::Syscall* sc = (*e)->body_as_Syscall()) {
      for (const fb::Buffer* b : *sc->buffers()) {
        EXPECT_NE(b->redacted(), 0);
        EXPECT_NE(b->digest(), 0u);
        EXPECT_GT(b->full_len(), 0u);  // the length stays
      }
    }
  }
  EXPECT_EQ(events, 5);
}

// A copy of a redacted trace, redacted again: both redactions are in the header, and the
// buffers redacted before keep their digests.
TEST(RedactTest, RedactingACopyAgainAddsToTheHeader) {
  TempDir dir;
  auto first = Make(RedactBit(RedactCategory::kData));
  WritePlanted(dir.File("a.strec"), std::move(first));
  auto second = Make(RedactBit(RedactCategory::kPaths));
  auto r = RedactTrace(dir.File("a.strec"), dir.File("b.strec"), std::move(second), false);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->events, 5u);
  EXPECT_EQ(r->removed[static_cast<int>(RedactCategory::kPaths)], 2u);
  auto reader = TraceReader::Open(dir.File("b.strec"));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->header().settings()->redacted()->str(), "data,paths");
  EXPECT_EQ((*reader)->header().settings()->redact_key()->str(), "random; then random");
  std::string bytes = testing::AllTraceBytes(dir.File("b.strec"));
  EXPECT_EQ(bytes.find("SECRET-data"), std::string::npos);
  EXPECT_EQ(bytes.find("SECRET-path"), std::string::npos);
  EXPECT_NE(bytes.find("SECRET-argv"), std::string::npos);  // not asked for
  // An existing output is refused, and a failed copy leaves nothing.
  auto again = RedactTrace(dir.File("a.strec"), dir.File("b.strec"), Make(kRedactAll), false);
  EXPECT_FALSE(again.ok());
  auto bad = RedactTrace(dir.File("missing.strec"), dir.File("c.strec"), Make(kRedactAll), false);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(access(dir.File("c.strec").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace strec::format

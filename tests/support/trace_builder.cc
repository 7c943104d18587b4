#include "support/trace_builder.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "strec/format/trace_reader.h"

namespace strec::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "strec-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFileBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::string AllTraceBytes(const std::string& path) {
  std::vector<uint8_t> file = ReadFileBytes(path);
  std::string all(file.begin(), file.end());
  auto reader = format::TraceReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  if (!reader.ok())
    return "";
  format::DecodedChunk chunk;
  for (size_t i = 0; i < (*reader)->chunks().size(); i++) {
    Status st = (*reader)->ReadChunk(i, &chunk);
    EXPECT_TRUE(st.ok()) << st.message();
    all.append(reinterpret_cast<const char*>(chunk.raw().data()), chunk.raw().size());
  }
  return all;
}

void WriteSampleTrace(const std::string& path, int syscalls, size_t chunk_bytes) {
  using namespace format;
  HeaderInfo h = HeaderInfo::ForThisHost();
  h.command = {"sample", "--flag"};
  WriterOptions o;
  o.chunk_bytes = chunk_bytes;
  auto w = TraceWriter::Create(path, h, o);
  if (!w.ok())
    throw std::runtime_error(w.status().message());
  std::vector<uint8_t> data(300);
  for (size_t i = 0; i < data.size(); i++)
    data[i] = static_cast<uint8_t>(i);
  uint64_t t = 1000;
  (*w)->Add(SpawnRecord{100, 100, fb::ForkKind::Clone, 101, 100, 0x3d0f00, t++});
  std::string_view argv[] = {"prog", "arg"};
  (*w)->Add(ExecRecord{100, 100, 0, "/bin/prog", argv, 3, t++});
  for (int i = 0; i < syscalls; i++) {
    BufferRecord b{0,
                   false,
                   kBufferPlain,
                   0,
                   0x1000,
                   static_cast<uint64_t>(i % 300),
                   0,
                   std::span<const uint8_t>(data.data(), i % 300)};
    SyscallRecord s;
    s.tid = s.pid = 100;
    s.nr = 1;
    s.args[0] = 1;
    s.args[1] = 0x1000;
    s.args[2] = i % 300;
    s.ret = i % 300;
    s.entry_ns = t++;
    s.exit_ns = t++;
    s.buffers = {&b, 1};
    (*w)->Add(s);
  }
  uint8_t siginfo[128] = {10};
  (*w)->Add(SignalRecord{100, 100, 10, 0, siginfo, false, t++});
  FdEntryRecord fds[] = {{0, "/dev/null", {}}, {3, "pipe:[1234]", {}}};
  (*w)->Add(FdSnapshotRecord{100, 100, fds, t++, "/", {}, {}});
  (*w)->Add(LossRecord{100, 100, 5, 500, "test loss", t++});
  (*w)->Add(DetachRecord{101, 100, "test", t++});
  (*w)->Add(ExitRecord{100, 100, 3, 0, false, false, t++});
  Status st = (*w)->Close();
  if (!st.ok())
    throw std::runtime_error(st.message());
}

}  // namespace strec::testing

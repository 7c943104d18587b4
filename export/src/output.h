// An export's output file: plain, gzip (.gz) or zstd (.zst), written in large pieces. Callers
// append to buffer() and call MaybeFlush(); Close() says whether everything was written.
#ifndef STREC_EXPORT_SRC_OUTPUT_H_
#define STREC_EXPORT_SRC_OUTPUT_H_

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "strec/format/status.h"

namespace strec::exporter {

class Output {
 public:
  enum class Compression { kNone, kGzip, kZstd };
  // By the file name's ending: .gz, .zst, else none.
  static Compression CompressionFor(const std::string& path);

  // Creates `path` as every strec output is made (format::CreateOutputFile: 0600, never through
  // a symbolic link, an existing file only with `replace`), compressed by its name.
  static StatusOr<std::unique_ptr<Output>> Create(const std::string& path, bool replace);
  // Closes; when `st` is an error or the close fails, removes the file (no half output is
  // left) and returns the first error.
  Status Finish(Status st);

  // Takes fd (closed by Close or on failure to open).
  Output(int fd, Compression c);
  ~Output() { Close(); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  bool ok() const { return (gz_file_ || file_) && !failed_; }
  std::string& buffer() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= (1 << 20))
      Flush();
  }
  void Flush();
  // False when anything failed.
  bool Close();

 private:
  void WriteZstd(ZSTD_EndDirective mode);

  Compression c_;
  std::string path_;  // set by Create
  gzFile gz_file_ = nullptr;
  FILE* file_ = nullptr;  // plain and zstd
  ZSTD_CCtx* zstd_ = nullptr;
  bool failed_ = false;
  std::string buf_, zbuf_;
};

}  // namespace strec::exporter

#endif  // STREC_EXPORT_SRC_OUTPUT_H_

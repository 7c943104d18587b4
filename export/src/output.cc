#include "output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "strec/format/io.h"

namespace strec::exporter {

namespace {

bool EndsWith(const std::string& s, const char* end) {
  std::string e(end);
  return s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}

}  // namespace

Output::Compression Output::CompressionFor(const std::string& path) {
  if (EndsWith(path, ".gz"))
    return Compression::kGzip;
  if (EndsWith(path, ".zst"))
    return Compression::kZstd;
  return Compression::kNone;
}

StatusOr<std::unique_ptr<Output>> Output::Create(const std::string& path, bool replace) {
  ASSIGN_OR_RETURN(int fd, format::CreateOutputFile(path, replace));
  auto out = std::make_unique<Output>(fd, CompressionFor(path));
  out->path_ = path;
  if (!out->ok()) {
    out->Close();
    unlink(path.c_str());
    return Status(StatusCode::kIo, path + ": cannot open for writing");
  }
  return out;
}

Status Output::Finish(Status st) {
  bool closed = Close();
  if (st.ok() && !closed)
    st = Status(StatusCode::kIo, path_ + ": cannot write: " + strerror(errno));
  if (!st.ok())
    unlink(path_.c_str());
  return st;
}

Output::Output(int fd, Compression c) : c_(c) {
  if (c == Compression::kGzip) {
    gz_file_ = gzdopen(fd, "wb6");
  } else {
    file_ = fdopen(fd, "w");
    if (file_ && c == Compression::kZstd) {
      zstd_ = ZSTD_createCCtx();
      // Level 3 (zstd's default) with its worker threads off: one core compresses ~300 MB/s.
      if (!zstd_ || ZSTD_isError(ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, 3)))
        failed_ = true;
      zbuf_.resize(ZSTD_CStreamOutSize());
    }
  }
  if (!gz_file_ && !file_)
    close(fd);
}

void Output::WriteZstd(ZSTD_EndDirective mode) {
  ZSTD_inBuffer in{buf_.data(), buf_.size(), 0};
  bool done = false;
  while (!done && !failed_) {
    ZSTD_outBuffer out{zbuf_.data(), zbuf_.size(), 0};
    size_t left = ZSTD_compressStream2(zstd_, &out, &in, mode);
    if (ZSTD_isError(left)) {
      failed_ = true;
      break;
    }
    if (out.pos && fwrite(zbuf_.data(), 1, out.pos, file_) != out.pos)
      failed_ = true;
    done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
  }
}

void Output::Flush() {
  if (failed_)
    return;
  if (!buf_.empty()) {
    if (c_ == Compression::kGzip)
      failed_ = !gz_file_ || gzwrite(gz_file_, buf_.data(), static_cast<unsigned>(buf_.size())) !=
                                 static_cast<int>(buf_.size());
    else if (c_ == Compression::kZstd)
      WriteZstd(ZSTD_e_continue);
    else
      failed_ = !file_ || fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size();
  }
  buf_.clear();
}

bool Output::Close() {
  Flush();
  if (zstd_) {
    if (file_)
      WriteZstd(ZSTD_e_end);  // the frame's end
    ZSTD_freeCCtx(zstd_);
    zstd_ = nullptr;
  }
  if (gz_file_) {
    failed_ |= gzclose(gz_file_) != Z_OK;
    gz_file_ = nullptr;
  }
  if (file_) {
    failed_ |= fclose(file_) != 0;
    file_ = nullptr;
  }
  return !failed_;
}

}  // namespace strec::exporter

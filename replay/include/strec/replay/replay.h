// strec-replay's entry points: render a whole trace with a set of options (the library call the
// CLI and the tests use), and the command-line main.
#ifndef STREC_REPLAY_REPLAY_H_
#define STREC_REPLAY_REPLAY_H_

#include <cstdio>
#include <string>
#include <vector>

#include "strec/format/status.h"
#include "strec/replay/options.h"

namespace strec::replay {

struct ReplayConfig {
  // The .strec file, or the files of one rotated recording (in any order: read as one trace).
  std::vector<std::string> traces;
  std::string output;       // -o FILE ("" = the given stream)
  bool per_thread = false;  // -ff (with -o): FILE.TID per thread
  bool json = false;
  RenderOptions render;
};

// Renders config.traces to config.output (or to `out`). Reader warnings (a file without its
// index, ...) are appended to *warnings when given.
Status Replay(const ReplayConfig& config, FILE* out, std::vector<std::string>* warnings = nullptr);
// Renders to a string: for tests.
StatusOr<std::string> ReplayToString(const std::string& trace,
                                     const RenderOptions& options,
                                     bool json = false);

// strace's -e status= set ("successful,failed", "!failed", "all", "none") as StatusBits.
bool ParseStatusSet(const std::string& expr, uint32_t* bits, std::string* error);

// strace's -e signal= set: names with or without "SIG", numbers, "all", "none", "!" to negate.
bool ParseSignalSet(const std::string& expr, uint64_t* mask, std::string* error);
// -e read= / -e write=: fd numbers, "all", "none", "!" to negate.
bool ParseFdSet(const std::string& expr, FdSet* set, std::string* error);
// -e quiet=: attach, exit, path-resolution, personality, thread-execve (superseded), all, none.
bool ParseQuietSet(const std::string& expr, RenderOptions* opt, std::string* error);
// --relative-timestamps=, --syscall-times=: s, ms, us, ns as digits after the point (0, 3, 6, 9).
bool ParsePrecision(const std::string& precision, int* digits);
// --absolute-timestamps=[[format:]time|unix][,[precision:]s|ms|us|ns]: *style 1 (time of day)
// or 3 (seconds since the epoch, as -ttt), *digits as ParsePrecision (0 unless given).
bool ParseAbsoluteTimestamps(const std::string& spec, int* style, int* digits);
// --decode-fds= / -e decode-fds=: none, path, socket, dev, pidfd, all; *y as -y counts (0, 1, 2),
// *kinds as RenderOptions::fd_kinds.
bool ParseDecodeFds(const std::string& spec, int* y, int* kinds = nullptr);

int ReplayMain(int argc, char** argv);

}  // namespace strec::replay

#endif  // STREC_REPLAY_REPLAY_H_

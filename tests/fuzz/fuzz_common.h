// What the two fuzz targets share: a trace's bytes put where the tools can open them, and every
// reader of a trace run over them (strict and skipping reader, text and JSON replay, the
// analyzer's passes, strec info, a redacted copy and its replay). Anything but a clean error is a
// finding: a crash, a sanitizer report, a hang (libFuzzer's -timeout), an allocation beyond
// -rss_limit_mb.
#ifndef STREC_TESTS_FUZZ_FUZZ_COMMON_H_
#define STREC_TESTS_FUZZ_FUZZ_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace strec::fuzz {

// Puts the checksums of the file header, the header FlatBuffer and every chunk that still
// starts with its magic right, so that mutations reach the decoders behind them.
void FixChecksums(std::vector<uint8_t>* file);

// Writes `file` to an in-memory file and runs every reader over it.
void ReadEverywhere(const std::vector<uint8_t>& file);

}  // namespace strec::fuzz

#endif  // STREC_TESTS_FUZZ_FUZZ_COMMON_H_

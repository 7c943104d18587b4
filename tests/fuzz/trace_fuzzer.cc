// libFuzzer target: the input is a whole .strec file. Its checksums are put right first (a
// mutation almost always breaks one), so that the mutations reach the chunk decoder, the
// FlatBuffers verification and everything that reads events. Seeds: tests/fuzz/corpus/.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> file(data, data + size);
  strec::fuzz::FixChecksums(&file);
  strec::fuzz::ReadEverywhere(file);
  return 0;
}

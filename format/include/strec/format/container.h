// The .strec container: fixed little-endian headers around FlatBuffers and zstd frames. The
// layout, byte by byte, is in format/README.md; these are its constants and packing helpers.
#ifndef STREC_FORMAT_CONTAINER_H_
#define STREC_FORMAT_CONTAINER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace strec::format {

inline constexpr uint16_t kFormatMajor = 3;  // what this strec writes
inline constexpr uint16_t kOldestMajor = 2;  // the oldest it reads (2: absolute times)
inline constexpr uint16_t kFormatMinor = 5;  // additions old readers can ignore

inline constexpr char kFileMagic[8] = {'S', 'T', 'R', 'E', 'C', 'T', 'R', 'C'};
inline constexpr char kTrailerMagic[8] = {'S', 'T', 'R', 'E', 'C', 'E', 'N', 'D'};
inline constexpr uint32_t kChunkMagic = 0x4B4E4843;   // "CHNK" in little-endian byte order
inline constexpr uint32_t kFooterMagic = 0x58444E49;  // "INDX"

inline constexpr size_t kFileHeaderSize = 24;
inline constexpr size_t kChunkHeaderSize = 48;
inline constexpr size_t kFooterHeaderSize = 16;
inline constexpr size_t kTrailerSize = 24;

// Sanity caps that a reader applies before allocating anything.
inline constexpr uint32_t kMaxHeaderLen = 1u << 20;
inline constexpr uint32_t kMaxChunkRawLen = 256u << 20;
inline constexpr uint32_t kMaxFooterLen = 64u << 20;

// CRC-32C (Castagnoli), with the SSE4.2 instruction where the CPU has it.
uint32_t Crc32c(const void* data, size_t len, uint32_t crc = 0);

inline void PutU16(uint8_t* p, uint16_t v) {
  std::memcpy(p, &v, 2);
}
inline void PutU32(uint8_t* p, uint32_t v) {
  std::memcpy(p, &v, 4);
}
inline void PutU64(uint8_t* p, uint64_t v) {
  std::memcpy(p, &v, 8);
}
inline uint16_t GetU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline uint32_t GetU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t GetU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the container is little-endian");

// The fixed header before each chunk's zstd frame.
struct ChunkHeader {
  uint32_t compressed_len = 0;  // bytes of the zstd frame that follows
  uint32_t raw_len = 0;         // bytes of the size-prefixed FlatBuffer inside it
  uint32_t event_count = 0;
  uint32_t payload_crc = 0;  // CRC-32C of the zstd frame
  uint32_t sequence = 0;     // 0, 1, 2, ... in file order
  uint32_t flags = 0;
  uint64_t first_ns = 0;  // time range of the chunk's events
  uint64_t last_ns = 0;

  void Encode(uint8_t out[kChunkHeaderSize]) const;
  // False when the magic or the header's own CRC does not match.
  bool Decode(const uint8_t in[kChunkHeaderSize]);
};

}  // namespace strec::format

#endif  // STREC_FORMAT_CONTAINER_H_

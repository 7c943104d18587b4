#include "strec/format/container.h"

#include <array>

namespace strec::format {
namespace {

constexpr uint32_t kCrc32cPoly = 0x82F63B78;  // reflected Castagnoli polynomial

struct Crc32cTables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  constexpr Crc32cTables() {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? (c >> 1) ^ kCrc32cPoly : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
      for (int s = 1; s < 8; s++)
        t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  }
};
constexpr Crc32cTables kTables;

uint32_t Crc32cPortable(const uint8_t* p, size_t len, uint32_t crc) {
  while (len >= 8) {
    uint64_t v = GetU64(p) ^ crc;
    crc = kTables.t[7][v & 0xFF] ^ kTables.t[6][(v >> 8) & 0xFF] ^ kTables.t[5][(v >> 16) & 0xFF] ^
          kTables.t[4][(v >> 24) & 0xFF] ^ kTables.t[3][(v >> 32) & 0xFF] ^
          kTables.t[2][(v >> 40) & 0xFF] ^ kTables.t[1][(v >> 48) & 0xFF] ^ kTables.t[0][v >> 56];
    p += 8;
    len -= 8;
  }
  while (len--)
    crc = (crc >> 8) ^ kTables.t[0][(crc ^ *p++) & 0xFF];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(const uint8_t* p, size_t len, uint32_t crc) {
  uint64_t c = crc;
  while (len >= 8) {
    c = __builtin_ia32_crc32di(c, GetU64(p));
    p += 8;
    len -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (len--)
    c32 = __builtin_ia32_crc32qi(c32, *p++);
  return c32;
}
#endif

}  // namespace

uint32_t Crc32c(const void* data, size_t len, uint32_t crc) {
  const auto* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
#if defined(__x86_64__)
  static const bool has_sse42 = __builtin_cpu_supports("sse4.2");
  crc = has_sse42 ? Crc32cSse42(p, len, crc) : Crc32cPortable(p, len, crc);
#else
  crc = Crc32cPortable(p, len, crc);
#endif
  return ~crc;
}

void ChunkHeader::Encode(uint8_t out[kChunkHeaderSize]) const {
  PutU32(out + 0, kChunkMagic);
  PutU32(out + 4, compressed_len);
  PutU32(out + 8, raw_len);
  PutU32(out + 12, event_count);
  PutU32(out + 16, payload_crc);
  PutU32(out + 20, sequence);
  PutU32(out + 24, flags);
  PutU32(out + 28, 0);
  PutU64(out + 32, first_ns);
  PutU64(out + 40, last_ns);
  // The header CRC covers bytes 0..27 and 32..47 and sits in the reserved word at 28.
  uint32_t crc = Crc32c(out, 28);
  crc = Crc32c(out + 32, 16, crc);
  PutU32(out + 28, crc);
}

bool ChunkHeader::Decode(const uint8_t in[kChunkHeaderSize]) {
  if (GetU32(in) != kChunkMagic)
    return false;
  uint32_t crc = Crc32c(in, 28);
  crc = Crc32c(in + 32, 16, crc);
  if (crc != GetU32(in + 28))
    return false;
  compressed_len = GetU32(in + 4);
  raw_len = GetU32(in + 8);
  event_count = GetU32(in + 12);
  payload_crc = GetU32(in + 16);
  sequence = GetU32(in + 20);
  flags = GetU32(in + 24);
  first_ns = GetU64(in + 32);
  last_ns = GetU64(in + 40);
  return true;
}

}  // namespace strec::format

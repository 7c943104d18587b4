// Classic BPF programs: an instruction's code split into its fields (class, then size and mode,
// source and operation, return value or misc operation by class), its k with the constants of
// the program's flavour, and the program as an array. Facts: linux/filter.h, linux/bpf_common.h
// and linux/seccomp.h; the printed forms from strace 6.1's expected output.
#include "decoders/bpf_filter.h"

#include "decoders/decoders.h"

namespace strec::replay::detail {
namespace {

std::string Field(const char* table, uint64_t v) {
  std::string s;
  AppendEnum(&s, Table(table), v);
  return s;
}

// Bits no field covers: always with the comment, whatever -X says.
std::string Rest(uint64_t v) {
  return "|" + HexString(v) + " /* BPF_??? */";
}

std::string Code(uint16_t code) {
  uint16_t cls = code & 0x07;
  std::string s = Field("bpf_class", cls);
  switch (cls) {
    case 0x00:  // BPF_LD
    case 0x01:  // BPF_LDX
      s += "|" + Field("bpf_size", code & 0x18) + "|" + Field("bpf_mode", code & 0xe0);
      break;
    case 0x02:  // BPF_ST
    case 0x03:  // BPF_STX
      if (code & ~0x07)
        s += Rest(code & ~0x07);
      break;
    case 0x04:  // BPF_ALU
      s += "|" + Field("bpf_src", code & 0x08) + "|" + Field("bpf_op_alu", code & 0xf0);
      break;
    case 0x05:  // BPF_JMP
      s += "|" + Field("bpf_src", code & 0x08) + "|" + Field("bpf_op_jmp", code & 0xf0);
      break;
    case 0x06:  // BPF_RET
      s += "|" + Field("bpf_rval", code & 0x18);
      if (code & ~0x1f)
        s += Rest(code & ~0x1f);
      break;
    default:  // BPF_MISC
      s += "|" + Field("bpf_miscop", code & 0xf8);
      if (code & 0xff00)
        s += Rest(code & 0xff00);
      break;
  }
  return s;
}

// k of a BPF_STMT.
std::string K(uint16_t code, uint32_t k, BpfFlavour f) {
  if (f == BpfFlavour::kSocket && (code & 0x07) == 0x00 && (code & 0xe0) == 0x20) {
    // An absolute load: the ancillary data, network and link layer areas have their bases.
    if (k >= 0xfffff000u)
      return Styled("0xfffff000", "SKF_AD_OFF") + "+" + Field("skf_ad", k - 0xfffff000u);
    if (k >= 0xfff00000u)
      return Styled("0xfff00000", "SKF_NET_OFF") + "+" + UDec(k - 0xfff00000u);
    if (k >= 0xffe00000u)
      return Styled("0xffe00000", "SKF_LL_OFF") + "+" + UDec(k - 0xffe00000u);
  }
  if (f == BpfFlavour::kSeccomp && (code & 0x07) == 0x06) {
    std::string s = Field("seccomp_ret_action", k & 0xffff0000u);
    if (k & 0xffff)
      s += "|" + HexString(k & 0xffff);
    return s;
  }
  return HexString(k);
}

std::string Insn(const std::string& d, size_t off, BpfFlavour f) {
  uint16_t code = At<uint16_t>(d, off);
  uint8_t jt = At<uint8_t>(d, off + 2), jf = At<uint8_t>(d, off + 3);
  uint32_t k = At<uint32_t>(d, off + 4);
  if (jt == 0 && jf == 0)
    return "BPF_STMT(" + Code(code) + ", " + K(code, k, f) + ")";
  return "BPF_JUMP(" + Code(code) + ", " + HexString(k) + ", " + HexString(jt) + ", " +
         HexString(jf) + ")";
}

}  // namespace

std::string BpfProgram(const std::string& data, uint64_t addr, uint64_t count, BpfFlavour f) {
  if (count > 0 && data.size() < 8)
    return "";
  std::string s = "[";
  uint64_t shown = count < kBpfMaxShown ? count : kBpfMaxShown;
  for (uint64_t i = 0; i < shown; i++) {
    if (i)
      s += ", ";
    if ((i + 1) * 8 > data.size()) {
      s += "... /* " + PtrString(addr + i * 8) + " */";
      return s + "]";
    }
    s += Insn(data, i * 8, f);
  }
  if (count > shown)
    s += ", ...";
  return s + "]";
}

std::string SockFprog(Ctx& c, int arg, const std::string& fprog, BpfFlavour f) {
  uint16_t len = At<uint16_t>(fprog, 0);
  uint64_t filter = At<uint64_t>(fprog, 8);
  std::string s = "{len=" + UDec(len) + ", filter=";
  std::string prog;
  if (filter && c.opt.verbose) {
    const Buffer* b = c.sc.Find(arg, false, format::kBufferAux, 0);
    if (len == 0)
      prog = "[]";
    else if (b)
      prog = BpfProgram(b->data, filter, len, f);
  }
  if (!filter)
    s += "NULL";
  else if (!prog.empty())
    s += prog;
  else
    s += PtrString(filter);
  return s + "}";
}

}  // namespace strec::replay::detail

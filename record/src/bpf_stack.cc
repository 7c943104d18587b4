#include "strec/record/bpf_stack.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

namespace strec::record::bpfstack {
namespace {

// Opcodes and fields of the BPF instruction set (linux/bpf_common.h, linux/bpf.h).
constexpr uint8_t kClassLd = 0x00, kClassLdx = 0x01, kClassSt = 0x02, kClassStx = 0x03,
                  kClassJmp = 0x05, kClassAlu64 = 0x07;
constexpr uint8_t kMovReg64 = 0xbf;  // BPF_ALU64 | BPF_MOV | BPF_X
constexpr uint8_t kAddImm64 = 0x07;  // BPF_ALU64 | BPF_ADD | BPF_K
constexpr uint8_t kCall = 0x85;      // BPF_JMP | BPF_CALL
constexpr uint8_t kLdImm64 = 0x18;   // BPF_LD | BPF_IMM | BPF_DW: two instruction slots
constexpr uint8_t kPseudoCall = 1;   // src_reg of a call to a BPF function
constexpr int32_t kBpfLoop = 181;    // BPF_FUNC_loop
// The verifier inlines bpf_loop (Linux 5.19 and later) with three spill slots on its caller's
// frame (optimize_bpf_loop: BPF_REG_SIZE * 3).
constexpr int64_t kInlinedLoopSlots = 24;
constexpr int kFramePointer = 10;

int Dst(const Insn& i) {
  return i.regs & 0x0f;
}
int Src(const Insn& i) {
  return i.regs >> 4;
}

}  // namespace

uint32_t FrameDepth(const Insn* insns, size_t count) {
  // fp[r]: r holds r10 + fp[r] (a pointer into the frame), or nothing known.
  std::optional<int64_t> fp[11];
  int64_t deepest = 0;
  bool loops = false;
  auto touch = [&](int64_t offset) { deepest = std::min(deepest, offset); };
  for (size_t n = 0; n < count; n++) {
    const Insn& i = insns[n];
    const uint8_t cls = i.code & 0x07;
    const int dst = Dst(i), src = Src(i);
    if (cls == kClassLdx) {
      if (src == kFramePointer)
        touch(i.off);
      else if (src < 10 && fp[src])
        touch(*fp[src] + i.off);
      if (dst < 10)
        fp[dst].reset();
    } else if (cls == kClassSt || cls == kClassStx) {
      if (dst == kFramePointer)
        touch(i.off);
      else if (dst < 10 && fp[dst])
        touch(*fp[dst] + i.off);
    } else if (i.code == kMovReg64 && dst < 10) {
      if (src == kFramePointer)
        fp[dst] = 0;
      else
        fp[dst] = src < 10 ? fp[src] : std::nullopt;
      if (fp[dst])
        touch(*fp[dst]);
    } else if (i.code == kAddImm64 && dst < 10) {
      if (fp[dst]) {
        *fp[dst] += i.imm;
        touch(*fp[dst]);
      }
    } else if (cls == kClassJmp && i.code == kCall) {
      loops |= src == 0 && i.imm == kBpfLoop;
      for (int r = 0; r <= 5; r++)  // a call leaves r0-r5 undefined
        fp[r].reset();
    } else if ((cls == kClassAlu64 || cls == 0x04 /* BPF_ALU */ || cls == kClassLd) && dst < 10) {
      fp[dst].reset();
      if (i.code == kLdImm64)
        n++;  // its second half is not an instruction
    }
  }
  // The verifier counts whole 8-byte slots: a 4-byte store at r10 - 20 takes the slot at 24.
  return static_cast<uint32_t>((-deepest + 7) / 8 * 8 + (loops ? kInlinedLoopSlots : 0));
}

uint32_t RoundedFrame(uint32_t depth) {
  return (std::max<uint32_t>(depth, 1) + 31) / 32 * 32;
}

namespace {

// The object file's bytes, with bounds-checked views of its structures.
class Elf {
 public:
  explicit Elf(std::string bytes) : bytes_(std::move(bytes)) {}
  template <typename T>
  const T* At(uint64_t offset, uint64_t count = 1) const {
    if (offset > bytes_.size() || count > (bytes_.size() - offset) / sizeof(T))
      return nullptr;
    return reinterpret_cast<const T*>(bytes_.data() + offset);
  }
  size_t size() const { return bytes_.size(); }

 private:
  std::string bytes_;
};

struct Place {
  uint16_t section;
  uint64_t insn;  // instruction index within the section
  bool operator<(const Place& o) const {
    return section != o.section ? section < o.section : insn < o.insn;
  }
};

}  // namespace

StatusOr<std::vector<Function>> ReadObject(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return ErrnoStatus(path, errno);
  Elf elf(std::string(std::istreambuf_iterator<char>(in), {}));
  auto bad = [&](const std::string& what) { return DataLoss(path + ": " + what); };
  const auto* eh = elf.At<Elf64_Ehdr>(0);
  if (!eh || std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
    return bad("not a 64-bit little-endian ELF file");
  if (eh->e_machine != EM_BPF)
    return bad("not a BPF object (ELF machine " + std::to_string(eh->e_machine) + ")");
  if (eh->e_shentsize != sizeof(Elf64_Shdr))
    return bad("unexpected section header size");
  const auto* sh = elf.At<Elf64_Shdr>(eh->e_shoff, eh->e_shnum);
  if (!sh || eh->e_shnum == 0 || eh->e_shstrndx >= eh->e_shnum)
    return bad("section headers out of bounds");
  auto name_in = [&](const Elf64_Shdr& strtab, uint32_t at) -> std::string {
    if (at >= strtab.sh_size || !elf.At<char>(strtab.sh_offset, strtab.sh_size))
      return "";
    const char* s = elf.At<char>(strtab.sh_offset) + at;
    return std::string(s, strnlen(s, strtab.sh_size - at));
  };
  auto executable = [&](uint32_t idx) {
    return idx < eh->e_shnum && sh[idx].sh_type == SHT_PROGBITS &&
           (sh[idx].sh_flags & SHF_EXECINSTR);
  };

  const Elf64_Shdr* symtab = nullptr;
  for (uint16_t s = 0; s < eh->e_shnum; s++)
    if (sh[s].sh_type == SHT_SYMTAB)
      symtab = &sh[s];
  if (!symtab || symtab->sh_link >= eh->e_shnum)
    return bad("no symbol table");
  const size_t nsyms = symtab->sh_size / sizeof(Elf64_Sym);
  const auto* syms = elf.At<Elf64_Sym>(symtab->sh_offset, nsyms);
  if (!syms)
    return bad("symbol table out of bounds");
  const Elf64_Shdr& strtab = sh[symtab->sh_link];

  // The functions, by where they start; the instructions of each.
  std::vector<Function> functions;
  std::map<Place, size_t> starts;
  struct Body {
    uint16_t section;
    uint64_t first, count;
  };
  std::vector<Body> bodies;
  for (size_t k = 0; k < nsyms; k++) {
    const Elf64_Sym& sym = syms[k];
    if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || !executable(sym.st_shndx) || sym.st_size == 0)
      continue;
    const Elf64_Shdr& sec = sh[sym.st_shndx];
    std::string name = name_in(strtab, sym.st_name);
    if (sym.st_value % sizeof(Insn) || sym.st_size % sizeof(Insn) || sym.st_value > sec.sh_size ||
        sym.st_size > sec.sh_size - sym.st_value)
      return bad("function " + name + " lies outside its section");
    Function f;
    f.name = name;
    f.entry = name_in(sh[eh->e_shstrndx], sec.sh_name) != ".text";
    const Insn* insns = elf.At<Insn>(sec.sh_offset + sym.st_value, sym.st_size / sizeof(Insn));
    if (!insns)
      return bad("function " + name + " lies outside the file");
    f.depth = FrameDepth(insns, sym.st_size / sizeof(Insn));
    starts[{sym.st_shndx, sym.st_value / sizeof(Insn)}] = functions.size();
    bodies.push_back({sym.st_shndx, sym.st_value / sizeof(Insn), sym.st_size / sizeof(Insn)});
    functions.push_back(std::move(f));
  }

  // Relocations of the executable sections: which symbol an instruction refers to.
  std::map<Place, const Elf64_Sym*> relocated;
  for (uint16_t s = 0; s < eh->e_shnum; s++) {
    if (sh[s].sh_type != SHT_REL || !executable(sh[s].sh_info))
      continue;
    const size_t n = sh[s].sh_size / sizeof(Elf64_Rel);
    const auto* rel = elf.At<Elf64_Rel>(sh[s].sh_offset, n);
    if (!rel)
      return bad("relocations out of bounds");
    for (size_t k = 0; k < n; k++) {
      if (ELF64_R_SYM(rel[k].r_info) >= nsyms)
        return bad("relocation names a symbol that does not exist");
      relocated[{static_cast<uint16_t>(sh[s].sh_info), rel[k].r_offset / sizeof(Insn)}] =
          &syms[ELF64_R_SYM(rel[k].r_info)];
    }
  }

  // Calls to BPF functions, and functions loaded as values (bpf_loop's callbacks), as libbpf
  // resolves them: through the relocation's symbol when there is one, else relative.
  for (size_t f = 0; f < functions.size(); f++) {
    const Body& b = bodies[f];
    const Insn* insns = elf.At<Insn>(sh[b.section].sh_offset, b.first + b.count) + b.first;
    for (uint64_t n = 0; n < b.count; n++) {
      const Insn& i = insns[n];
      const uint64_t at = b.first + n;
      std::optional<Place> target;
      auto r = relocated.find({b.section, at});
      const Elf64_Sym* sym = r == relocated.end() ? nullptr : r->second;
      if (i.code == kCall && Src(i) == kPseudoCall) {
        if (sym)
          target = Place{sym->st_shndx, sym->st_value / sizeof(Insn) + i.imm + 1};
        else
          target = Place{b.section, at + i.imm + 1};
      } else if (i.code == kLdImm64) {
        if (sym && executable(sym->st_shndx))
          target = Place{sym->st_shndx, (sym->st_value + i.imm) / sizeof(Insn)};
        n++;
      }
      if (!target)
        continue;
      auto callee = starts.find(*target);
      if (callee == starts.end())
        return bad("function " + functions[f].name + " calls an address that starts no function");
      auto& c = functions[f].callees;
      if (std::find(c.begin(), c.end(), callee->second) == c.end())
        c.push_back(callee->second);
    }
  }
  if (functions.empty())
    return bad("no BPF functions");
  return functions;
}

StatusOr<std::vector<Chain>> WorstChains(const std::vector<Function>& functions) {
  // deepest[f]: the deepest chain that starts at f (f included), found depth first.
  std::vector<std::optional<Chain>> deepest(functions.size());
  std::vector<bool> open(functions.size());
  std::string cycle;
  auto walk = [&](auto& self, size_t f) -> bool {
    if (deepest[f])
      return true;
    if (open[f]) {
      cycle = functions[f].name;
      return false;
    }
    open[f] = true;
    Chain best;
    uint32_t frames = 0;
    for (size_t c : functions[f].callees) {
      if (!self(self, c)) {
        cycle = functions[f].name + " -> " + cycle;
        return false;
      }
      if (deepest[c]->total > best.total)
        best = *deepest[c];
      frames = std::max(frames, deepest[c]->frames);
    }
    open[f] = false;
    best.path.insert(best.path.begin(), f);
    best.total += RoundedFrame(functions[f].depth);
    best.frames = frames + 1;
    deepest[f] = std::move(best);
    return true;
  };
  std::vector<Chain> chains;
  for (size_t f = 0; f < functions.size(); f++) {
    if (!functions[f].entry)
      continue;
    if (!walk(walk, f))
      return InvalidArgument("recursive calls: " + cycle);
    Chain c = *deepest[f];
    c.program = functions[f].name;
    chains.push_back(std::move(c));
  }
  return chains;
}

std::string DescribeChain(const std::vector<Function>& functions, const Chain& chain) {
  std::string s;
  for (size_t f : chain.path) {
    if (!s.empty())
      s += " -> ";
    s += functions[f].name + " (" + std::to_string(RoundedFrame(functions[f].depth)) + ")";
  }
  return s + " = " + std::to_string(chain.total) + " bytes";
}

}  // namespace strec::record::bpfstack

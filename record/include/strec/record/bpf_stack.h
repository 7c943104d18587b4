// The stack budget of strec-record's eBPF programs, measured from the compiled object.
//
// The kernel's verifier refuses a program whose deepest chain of calls needs more than 512
// bytes of BPF stack: each frame's depth (the deepest r10-relative slot it touches) rounded up
// to 32, summed over the entry program, the functions it calls and the bpf_loop callbacks it
// passes (a callback runs on top of its caller's frame). How close a program comes to that
// depends on the compiler's inlining and stack colouring, so the build measures it on the
// object it made and fails above a budget with margin (BpfStackCheck, run by record/CMakeLists.txt
// as strec-bpf-stack). This is an upper bound of the kernel's own count: it reads every
// instruction, where the verifier skips the dead ones.
//
// Pure functions, callable from any thread; no libbpf, so it runs where the object is built.
#ifndef STREC_RECORD_BPF_STACK_H_
#define STREC_RECORD_BPF_STACK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "strec/format/status.h"

namespace strec::record::bpfstack {

// The verifier's limit, and the budget the build holds the programs to: a kernel or compiler
// that needs up to 128 bytes more still loads.
inline constexpr uint32_t kVerifierLimit = 512;
inline constexpr uint32_t kBudget = 384;
inline constexpr uint32_t kMaxFrames = 8;  // the verifier's MAX_CALL_FRAMES

// One BPF instruction as in the object file (struct bpf_insn: 8 bytes, little-endian).
struct Insn {
  uint8_t code;
  uint8_t regs;  // dst_reg in the low 4 bits, src_reg in the high 4
  int16_t off;
  int32_t imm;
};
static_assert(sizeof(Insn) == 8);

// The deepest byte below the frame pointer (r10) that the instructions touch: loads and stores
// through r10, and pointers made from it (`rX = r10; rX += -N`) that go to helpers or calls;
// plus the 24 bytes the verifier adds to a frame that calls bpf_loop when it inlines the loop.
uint32_t FrameDepth(const Insn* insns, size_t count);

// The kernel's accounting of a frame: its depth rounded up to 32 (at least 32).
uint32_t RoundedFrame(uint32_t depth);

// A function of the object: an entry program (in its own ELF section, e.g. raw_tp/sys_exit) or
// a subprogram (.text), with its frame depth and what it calls or passes as a callback.
struct Function {
  std::string name;
  bool entry = false;
  uint32_t depth = 0;
  std::vector<size_t> callees;  // indexes into the same vector
};

// The deepest chain from one entry program.
struct Chain {
  std::string program;
  std::vector<size_t> path;  // function indexes, the program first
  uint32_t total = 0;        // sum of RoundedFrame(depth) along the path
  uint32_t frames = 0;       // the most frames of any chain from the program (not only this)
};

// Reads the functions and their call graph from a BPF ELF object (clang -target bpf -c).
// Errors name the file and what is wrong with it.
StatusOr<std::vector<Function>> ReadObject(const std::string& path);

// The deepest chain of every entry program. A recursive call graph is an error (the verifier
// refuses recursion too).
StatusOr<std::vector<Chain>> WorstChains(const std::vector<Function>& functions);

// "on_exit (96) -> scm_step (32) -> ... = 352 bytes": the chain with each rounded frame.
std::string DescribeChain(const std::vector<Function>& functions, const Chain& chain);

}  // namespace strec::record::bpfstack

#endif  // STREC_RECORD_BPF_STACK_H_

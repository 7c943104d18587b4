// strec-bpf-stack OBJECT [--budget BYTES] [--functions]: the stack each eBPF program's deepest
// call chain needs (record/include/strec/record/bpf_stack.h); --functions also lists every
// function's own depth, unrounded, as the verifier's statistics print it (STREC_BPF_DEBUG=stats).
// Exits 1 when a program is over the budget (default bpfstack::kBudget) or has more frames than the
// verifier allows; the build runs it on every strec.bpf.o it compiles (record/README.md, "Stack
// budget").
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "strec/record/bpf_stack.h"

using namespace strec::record::bpfstack;

int main(int argc, char** argv) {
  const char* object = nullptr;
  uint32_t budget = kBudget;
  bool list = false;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--budget") == 0 && i + 1 < argc)
      budget = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    else if (std::strcmp(argv[i], "--functions") == 0)
      list = true;
    else if (!object && argv[i][0] != '-')
      object = argv[i];
    else
      object = nullptr, i = argc;
  }
  if (!object || budget == 0) {
    std::fprintf(stderr, "usage: strec-bpf-stack OBJECT [--budget BYTES] [--functions]\n");
    return 2;
  }
  auto functions = ReadObject(object);
  if (!functions.ok()) {
    std::fprintf(stderr, "strec-bpf-stack: %s\n", functions.status().message().c_str());
    return 1;
  }
  auto chains = WorstChains(*functions);
  if (!chains.ok()) {
    std::fprintf(stderr, "strec-bpf-stack: %s: %s\n", object, chains.status().message().c_str());
    return 1;
  }
  std::printf(
      "strec-bpf-stack: %s: the deepest call chain of each program (bytes of stack, "
      "each frame rounded up to 32; budget %u, the verifier's limit %u)\n",
      object, budget, kVerifierLimit);
  if (list) {
    for (const Function& f : *functions)
      std::printf("  function %-20s %4u%s\n", f.name.c_str(), f.depth,
                  f.entry ? "  (program)" : "");
  }
  int failed = 0;
  for (const Chain& c : *chains) {
    std::printf("  %-20s %4u  %s\n", c.program.c_str(), c.total,
                DescribeChain(*functions, c).c_str());
    if (c.total > budget) {
      std::fprintf(stderr,
                   "strec-bpf-stack: %s: program %s needs %u bytes of stack, over the budget of "
                   "%u (the verifier refuses more than %u): %s\n",
                   object, c.program.c_str(), c.total, budget, kVerifierLimit,
                   DescribeChain(*functions, c).c_str());
      failed = 1;
    }
    if (c.frames > kMaxFrames) {
      std::fprintf(stderr,
                   "strec-bpf-stack: %s: program %s has a chain of %u calls; the verifier allows "
                   "%u\n",
                   object, c.program.c_str(), c.frames, kMaxFrames);
      failed = 1;
    }
  }
  return failed;
}

// The stack budget of the eBPF programs (strec/record/bpf_stack.h): how a frame's depth is read
// from instructions, how chains add up, and the budget on the object this build compiled.
#include "strec/record/bpf_stack.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "support/trace_builder.h"

namespace strec::record::bpfstack {
namespace {

// Instructions as clang emits them (linux/bpf.h encodings).
Insn StoreFp(int16_t off) {  // *(u64 *)(r10 + off) = r1
  return {0x7b, 0x1a, off, 0};
}
Insn LoadFp(int16_t off) {  // r1 = *(u32 *)(r10 + off)
  return {0x61, 0xa1, off, 0};
}
Insn MovFromFp(int dst) {  // rDST = r10
  return {0xbf, static_cast<uint8_t>(dst | 10 << 4), 0, 0};
}
Insn AddImm(int dst, int32_t imm) {  // rDST += imm
  return {0x07, static_cast<uint8_t>(dst), 0, imm};
}
Insn StoreVia(int dst, int16_t off) {  // *(u8 *)(rDST + off) = r1
  return {0x73, static_cast<uint8_t>(dst | 1 << 4), off, 0};
}
Insn Helper(int32_t id) {
  return {0x85, 0, 0, id};
}
Insn MovImm(int dst, int32_t imm) {  // rDST = imm
  return {0xb7, static_cast<uint8_t>(dst), 0, imm};
}

TEST(BpfStackTest, DirectAccessesCountWholeSlots) {
  std::vector<Insn> code = {StoreFp(-16), LoadFp(-20)};
  EXPECT_EQ(FrameDepth(code.data(), code.size()), 24u);  // -20 lies in the slot that ends at 24
  EXPECT_EQ(FrameDepth(code.data(), 1), 16u);
  EXPECT_EQ(FrameDepth(nullptr, 0), 0u);
}

TEST(BpfStackTest, PointersMadeFromTheFramePointerCount) {
  // r2 = r10; r2 += -96; a helper gets r2 (bpf_probe_read_user into a stack buffer).
  std::vector<Insn> code = {MovFromFp(2), AddImm(2, -96), Helper(112)};
  EXPECT_EQ(FrameDepth(code.data(), code.size()), 96u);
  // Through a copy, with an offset on the access; a register overwritten no longer counts.
  code = {MovFromFp(3),    AddImm(3, -40), {0xbf, 0x34, 0, 0} /* r4 = r3 */,
          StoreVia(4, -8), MovImm(3, 0),   AddImm(3, -200)};
  EXPECT_EQ(FrameDepth(code.data(), code.size()), 48u);
  // A call leaves r1-r5 undefined.
  code = {MovFromFp(1), Helper(1), AddImm(1, -300)};
  EXPECT_EQ(FrameDepth(code.data(), code.size()), 0u);
}

TEST(BpfStackTest, AFrameThatCallsBpfLoopHasRoomForItsInlining) {
  std::vector<Insn> code = {StoreFp(-8), Helper(181)};
  EXPECT_EQ(FrameDepth(code.data(), code.size()), 8u + 24u);
}

TEST(BpfStackTest, FramesRoundUpTo32) {
  EXPECT_EQ(RoundedFrame(0), 32u);
  EXPECT_EQ(RoundedFrame(1), 32u);
  EXPECT_EQ(RoundedFrame(32), 32u);
  EXPECT_EQ(RoundedFrame(33), 64u);
}

TEST(BpfStackTest, TheDeepestChainOfEachProgram) {
  // prog -> a (100) -> c (200); prog -> b (400): b's chain is deeper in bytes (64 + 416 against
  // 64 + 128 + 224), a's in frames.
  std::vector<Function> f(4);
  f[0] = {"prog", true, 40, {1, 2}};
  f[1] = {"a", false, 100, {3}};
  f[2] = {"b", false, 400, {}};
  f[3] = {"c", false, 200, {}};
  auto chains = WorstChains(f);
  ASSERT_TRUE(chains.ok()) << chains.status().message();
  ASSERT_EQ(chains->size(), 1u);
  const Chain& c = (*chains)[0];
  EXPECT_EQ(c.program, "prog");
  EXPECT_EQ(c.path, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(c.total, 64u + 416u);
  EXPECT_EQ(c.frames, 3u);
  EXPECT_EQ(DescribeChain(f, c), "prog (64) -> b (416) = 480 bytes");
}

TEST(BpfStackTest, RecursionIsAnError) {
  std::vector<Function> f(2);
  f[0] = {"prog", true, 8, {1}};
  f[1] = {"loop", false, 8, {1}};
  auto chains = WorstChains(f);
  ASSERT_FALSE(chains.ok());
  EXPECT_NE(chains.status().message().find("prog -> loop -> loop"), std::string::npos)
      << chains.status().message();
}

TEST(BpfStackTest, AFileThatIsNoBpfObjectIsRefusedByName) {
  testing::TempDir dir;
  std::string path = dir.File("not.o");
  std::ofstream(path) << "not an ELF file";
  auto f = ReadObject(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(f.status().message().find(path), std::string::npos) << f.status().message();
  f = ReadObject(dir.File("missing.o"));
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("missing.o"), std::string::npos);
  f = ReadObject("/proc/self/exe");  // an ELF file, not for BPF
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("not a BPF object"), std::string::npos)
      << f.status().message();
}

#ifdef STREC_BPF_OBJECT
// The object this build compiled: its seven programs are found, each within the budget (the
// build checked it too), with the callbacks of bpf_loop counted as frames.
TEST(BpfStackTest, TheBuiltProgramsAreWithinTheBudget) {
  auto f = ReadObject(STREC_BPF_OBJECT);
  ASSERT_TRUE(f.ok()) << f.status().message();
  auto chains = WorstChains(*f);
  ASSERT_TRUE(chains.ok()) << chains.status().message();
  std::set<std::string> programs;
  for (const Chain& c : *chains) {
    programs.insert(c.program);
    EXPECT_LE(c.total, kBudget) << DescribeChain(*f, c);
    EXPECT_LE(c.frames, kMaxFrames) << c.program;
    EXPECT_EQ(c.total % 32, 0u);
  }
  EXPECT_EQ(programs, (std::set<std::string>{"on_enter", "on_exit", "on_fork", "on_exec",
                                             "on_task_exit", "on_signal", "on_signal_generate"}));
  // Callbacks are followed (bpf_loop gets them as values, not calls): the dentry walk's step
  // is reached from on_exit through two loops.
  auto index = [&](const std::string& name) {
    for (size_t i = 0; i < f->size(); i++)
      if ((*f)[i].name == name)
        return i;
    return f->size();
  };
  std::vector<bool> seen(f->size());
  std::vector<size_t> todo = {index("on_exit")};
  while (!todo.empty()) {
    size_t i = todo.back();
    todo.pop_back();
    if (i >= f->size() || seen[i])
      continue;
    seen[i] = true;
    todo.insert(todo.end(), (*f)[i].callees.begin(), (*f)[i].callees.end());
  }
  for (const char* name : {"exit_arg", "scm_step", "put_fd_path", "put_path", "path_step"}) {
    ASSERT_LT(index(name), f->size()) << name;
    EXPECT_TRUE(seen[index(name)]) << name << " is not reached from on_exit";
  }
}
#endif

}  // namespace
}  // namespace strec::record::bpfstack

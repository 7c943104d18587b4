// The one syscall table: every x86_64 syscall with its number, name, strace class bits and a kind
// for each argument. The recorder reads the kinds to decide what to copy out of the tracee and
// when; the renderer reads the same kinds to print. The rows live in
// format/syscalls/x86_64.def (data, one row per syscall); struct sizes in
// format/syscalls/structs.def. Immutable after static initialisation: any thread may call.
#ifndef STREC_FORMAT_SYSCALL_TABLE_H_
#define STREC_FORMAT_SYSCALL_TABLE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strec::format {

// AUDIT_ARCH_X86_64, as PTRACE_GET_SYSCALL_INFO reports it.
inline constexpr uint32_t kArchX86_64 = 0xC000003E;

// strace's syscall classes, selectable with -e trace=%NAME.
enum SyscallClass : uint32_t {
  kClassFile = 1u << 0,         // %file
  kClassIpc = 1u << 1,          // %ipc
  kClassNetwork = 1u << 2,      // %network (%net)
  kClassProcess = 1u << 3,      // %process
  kClassSignal = 1u << 4,       // %signal
  kClassDesc = 1u << 5,         // %desc
  kClassMemory = 1u << 6,       // %memory
  kClassStat = 1u << 7,         // %stat
  kClassLstat = 1u << 8,        // %lstat
  kClassFstat = 1u << 9,        // %fstat
  kClassStatLike = 1u << 10,    // %%stat
  kClassStatfs = 1u << 11,      // %statfs
  kClassFstatfs = 1u << 12,     // %fstatfs
  kClassStatfsLike = 1u << 13,  // %%statfs
  kClassPure = 1u << 14,        // %pure
  kClassClock = 1u << 15,       // %clock
  kClassCreds = 1u << 16,       // %creds
  kClassMask = (1u << 17) - 1,
  // Properties that are not strace classes, in the same field.
  kReturnsFd = 1u << 31,   // a successful call returns a new file descriptor
  kChangesCwd = 1u << 30,  // a successful call changes the working directory
};

// What one argument is. Scalar kinds need no capture; the others say which tracee memory the
// recorder copies (entry for inputs, exit for outputs) and how long it is.
enum class ArgKind : uint8_t {
  // Scalars (nothing to capture).
  kInt,      // int, printed signed decimal
  kUInt,     // unsigned int
  kLong,     // long
  kULong,    // unsigned long
  kHex,      // printed in hex
  kPtr,      // an address printed as such (NULL or 0x...)
  kFd,       // file descriptor
  kDirFd,    // dirfd of *at() calls (AT_FDCWD)
  kSize,     // size_t
  kOff,      // off_t / loff_t
  kFlags,    // bit flags; param names the flag table
  kEnum,     // one constant; param names the table
  kMode,     // file mode bits
  kPid,      // pid_t
  kUid,      // uid_t
  kGid,      // gid_t
  kSignal,   // signal number
  kClockId,  // clockid_t
  // Memory that the recorder captures.
  kPath,      // NUL-terminated path read at entry, kept whole (up to PATH_MAX)
  kString,    // other NUL-terminated string read at entry, kept whole (up to PATH_MAX)
  kInData,    // bytes read at entry, length arg[len]; cut to the snap length
  kOutData,   // bytes read at exit, length = return value (len == kLenRet) or arg[len]; snap length
  kInStruct,  // fixed-size struct (param = struct name) read at entry
  kOutStruct,    // fixed-size struct read at exit (when the call succeeded)
  kInOutStruct,  // fixed-size struct read at entry and at exit
  kInArray,      // count arg[len] structs of type param, read at entry
  kOutArray,     // structs read at exit, count = return value (kLenRet) or arg[len]
  kInOutArray,   // count arg[len] structs, read at entry and at exit
  kInIovec,      // struct iovec[arg[len]]; element data read at entry (snap length in all)
  kOutIovec,     // struct iovec[arg[len]]; element data read at exit, return value bytes in all
  kStrArray,     // NULL-terminated array of string pointers (execve argv), read at entry
  kSpecial,      // irregular; the recorder and renderer have hand-written code for it
};

inline constexpr uint8_t kLenNone = 0xFF;
inline constexpr uint8_t kLenRet = 6;  // "the length is the return value"

struct ArgSpec {
  ArgKind kind = ArgKind::kHex;
  uint8_t len = kLenNone;       // argument index that holds the length, or kLenRet
  const char* param = nullptr;  // flag/enum table or struct name
};

struct SyscallInfo {
  int nr = -1;
  const char* name = nullptr;
  uint32_t classes = 0;
  uint8_t nargs = 0;
  ArgSpec args[6];
};

// A syscall whose arguments depend on the value of one of them (prctl's option, arch_prctl's
// code, ...): one row per value, from format/syscalls/variants.def. `info` has the syscall's
// number, name and classes and, for that value, how many arguments strace prints and their
// kinds, which both backends capture and which the renderer prints as it does any row's (unless
// the syscall's family has a hand-written decoder, which then reads the row's captures).
struct SyscallVariant {
  uint8_t selector = 0;  // the argument whose value selects the row
  uint32_t value = 0;    // its value (selectors are ints: the low 32 bits)
  SyscallInfo info;
};

// The variant of the call `info` the arguments select, or nullptr (x86_64 rows).
const SyscallVariant* FindVariant(const SyscallInfo& info, const uint64_t args[6]);
// Every variant of syscall `nr`, in the order of their values (the eBPF backend loads them).
std::span<const SyscallVariant> VariantsOf(int nr);
// The row that describes a call: its variant's, or `info` itself.
inline const SyscallInfo& ResolveVariant(const SyscallInfo& info, const uint64_t args[6]) {
  const SyscallVariant* v = FindVariant(info, args);
  return v ? v->info : info;
}

// Size in bytes of a struct named in the table (x86_64 layout), or 0 if unknown.
uint32_t StructSize(std::string_view name);

// The value of argument `len` used as another's length (ArgSpec::len < 6): an int-sized one
// (kInt, kUInt) is its low 32 bits, what the kernel reads (a program may leave garbage above).
inline uint64_t LengthArg(const SyscallInfo& info, const uint64_t args[6], uint8_t len) {
  if (len >= 6)
    return 0;
  ArgKind k = len < info.nargs ? info.args[len].kind : ArgKind::kHex;
  return k == ArgKind::kUInt || k == ArgKind::kInt ? args[len] & 0xffffffffu : args[len];
}

class SyscallTable {
 public:
  // The table for an AUDIT_ARCH_* value, or nullptr for an architecture strec has no table for.
  static const SyscallTable* ForArch(uint32_t arch);

  // Entry for a syscall number, or nullptr when the number is unknown.
  const SyscallInfo* Find(int nr) const {
    return nr >= 0 && static_cast<size_t>(nr) < by_nr_.size() ? by_nr_[nr] : nullptr;
  }
  const SyscallInfo* FindByName(std::string_view name) const;
  std::span<const SyscallInfo> all() const { return rows_; }
  int max_nr() const { return static_cast<int>(by_nr_.size()) - 1; }

  explicit SyscallTable(std::span<const SyscallInfo> rows);

 private:
  std::span<const SyscallInfo> rows_;
  std::vector<const SyscallInfo*> by_nr_;
};

// A set of syscall numbers chosen with strace's -e trace= syntax: comma-separated names,
// %classes, /regex, "all", "none", a leading "!" to negate, and "?" to ignore unknown names.
class SyscallSet {
 public:
  // Every syscall selected.
  SyscallSet() : bits_(kMaxNr, true) {}
  // Parses EXPR against a table; error text says which word is unknown.
  static std::optional<SyscallSet> Parse(const SyscallTable& table,
                                         std::string_view expr,
                                         std::string* error);

  bool Contains(int nr) const {
    return nr >= 0 && static_cast<size_t>(nr) < bits_.size() ? bits_[nr] : unknown_selected_;
  }
  bool all() const;
  // Adds every syscall `other` selects.
  SyscallSet& operator|=(const SyscallSet& other) {
    for (size_t i = 0; i < bits_.size(); i++)
      bits_[i] = bits_[i] || other.bits_[i];
    unknown_selected_ = unknown_selected_ || other.unknown_selected_;
    return *this;
  }
  // None selected.
  static SyscallSet None() {
    SyscallSet s;
    s.bits_.assign(kMaxNr, false);
    s.unknown_selected_ = false;
    return s;
  }
  static constexpr int kMaxNr = 1024;

 private:
  std::vector<bool> bits_;
  bool unknown_selected_ = true;
};

// A tool's -e option where only the syscall set is chosen: "trace=SET" or a bare "SET" gives SET;
// any other "NAME=..." gives nullopt (the caller says where that option belongs).
std::optional<std::string> TraceSetOption(const std::string& e);

}  // namespace strec::format

#endif  // STREC_FORMAT_SYSCALL_TABLE_H_

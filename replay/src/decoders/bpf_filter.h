// Classic BPF programs (struct sock_filter arrays) as strace prints them: the socket filters of
// setsockopt(SO_ATTACH_FILTER) and getsockopt(SO_GET_FILTER), and the seccomp filters of
// seccomp(SECCOMP_SET_MODE_FILTER) and prctl(PR_SET_SECCOMP). Internal to strec_replay.
#ifndef STREC_REPLAY_SRC_DECODERS_BPF_FILTER_H_
#define STREC_REPLAY_SRC_DECODERS_BPF_FILTER_H_

#include <cstdint>
#include <string>

#include "decoders/decoders.h"

namespace strec::replay::detail {

// Which constants an instruction's k names: a socket filter's special load offsets
// (SKF_AD_OFF+...) or a seccomp filter's return actions (SECCOMP_RET_...).
enum class BpfFlavour { kSocket, kSeccomp };

// The most instructions printed (BPF_MAXINSNS); a longer program ends with "...".
constexpr uint64_t kBpfMaxShown = 4096;

// `count` instructions at `addr`, of which `data` holds the readable prefix: "[BPF_STMT(...),
// BPF_JUMP(...)]", with "... /* 0x... */" where the memory ends; "" when not even the first
// instruction is there (the caller prints the address).
std::string BpfProgram(const std::string& data, uint64_t addr, uint64_t count, BpfFlavour f);

// A struct sock_fprog from its 16 bytes: {len=N, filter=...}. The instructions (captured as the
// argument's kBufferAux buffer) are printed under -v only, the filter's address otherwise.
std::string SockFprog(Ctx& c, int arg, const std::string& fprog, BpfFlavour f);

}  // namespace strec::replay::detail

#endif  // STREC_REPLAY_SRC_DECODERS_BPF_FILTER_H_

// Formatting of more kernel structures for decode.cc: pure functions of the captured bytes (the
// x86_64 layouts). Internal to strec_replay; any thread may call.
#ifndef STREC_REPLAY_SRC_DECODE_MORE_H_
#define STREC_REPLAY_SRC_DECODE_MORE_H_

#include <cstdint>
#include <functional>
#include <string>

namespace strec::replay {

// struct sysinfo (112 bytes), struct tms (32), struct statfs (120).
std::string FormatSysinfo(const std::string& d);
std::string FormatTms(const std::string& d);
std::string FormatStatfs(const std::string& d);
// epoll_event's data union as strace prints it: {u32=N, u64=N}.
std::string FormatEpollData(uint64_t data);
// An fd_set of `nfds` descriptors as "[3 4]"; `fd` prints one descriptor (for -y).
std::string FormatFdSet(const std::string& d,
                        uint64_t nfds,
                        const std::function<std::string(int)>& fd);
// A msghdr's control messages ("[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS,
// cmsg_data=[3]}]"), or "" when they cannot be shown (the caller prints the address).
std::string FormatCmsgs(const std::string& d,
                        uint64_t controllen,
                        const std::function<std::string(int)>& fd);

}  // namespace strec::replay

#endif  // STREC_REPLAY_SRC_DECODE_MORE_H_

// What strace -y, -yy and --decode-fds= print after an fd: "<path>", a socket's protocol and
// endpoints "<TCP:[127.0.0.1:80->127.0.0.1:41234]>", a device "</dev/null<char 1:3>>", a pidfd
// "<pid:1234>"; from what the trace recorded (paths, format::FdDetail) and the replay state.
#ifndef STREC_REPLAY_FD_TEXT_H_
#define STREC_REPLAY_FD_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "strec/format/fd_detail.h"
#include "strec/replay/event_stream.h"
#include "strec/replay/options.h"

namespace strec::replay {

// The text after fd `fd` of thread `tid` ("" when the options show nothing or the state knows
// nothing of the fd).
std::string FdText(const RenderOptions& opt, const State* state, int32_t tid, int64_t fd);

// The same for an fd the call itself made or received and whose path (and detail: nullptr
// when none) is in the call's own buffers. `name`: a unix socket's name from that detail.
std::string FdTextOf(const RenderOptions& opt,
                     const State* state,
                     std::string_view path,
                     const format::FdDetail* detail,
                     std::string_view name = {},
                     std::optional<bool> deleted = {});

// A socket's description as strace -yy prints it, from the recorder's answer: "TCP:[SRC->DST]",
// "UNIX-STREAM:[INODE->PEER,\"name\"]", "NETLINK:[ROUTE:PORTID]".
std::string SocketText(const format::FdDetail& d, std::string_view name, int xflag);

}  // namespace strec::replay

#endif  // STREC_REPLAY_FD_TEXT_H_

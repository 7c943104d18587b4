// Names of errno values and signals as strace prints them (facts from the kernel headers).
// Immutable tables: any thread may call.
#ifndef STREC_ANALYZE_NAMES_H_
#define STREC_ANALYZE_NAMES_H_

#include <string>

namespace strec::analyze {

// "ENOENT" for 2, "ERESTARTSYS" for 512; "E<N>" for a number the kernel does not define.
std::string ErrnoName(int err);

// "SIGKILL" for 9, "SIGRT_2" for SIGRTMIN+2 (strace's spelling); "SIG<N>" otherwise.
std::string SignalName(int signo);

}  // namespace strec::analyze

#endif  // STREC_ANALYZE_NAMES_H_

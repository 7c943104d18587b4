// The facts and chunk statistics of a trace, for `strec info FILE` / `strec-replay --info`.
#ifndef STREC_FORMAT_TRACE_INFO_H_
#define STREC_FORMAT_TRACE_INFO_H_

#include <ostream>
#include <string>
#include <string_view>

#include "strec/format/status.h"

namespace strec::format {

// Reads every chunk (verifying it) and prints a human-readable summary to out.
Status PrintTraceInfo(const std::string& path, std::ostream& out);

// Text safe for a terminal: control bytes and non-ASCII as C escapes (\n, \x1b, ...).
std::string EscapeForTerminal(std::string_view s);

}  // namespace strec::format

#endif  // STREC_FORMAT_TRACE_INFO_H_

// The tools' thin mains parse with CLI11 the same way: --help and --version end with status 0,
// a usage error with CLI11's message and status 2. Header-only; include it only where CLI11 is
// linked (the mains).
#ifndef STREC_FORMAT_COMMAND_LINE_H_
#define STREC_FORMAT_COMMAND_LINE_H_

#include <CLI/CLI.hpp>

#include <optional>

namespace strec {

// Runs `parse` (a call of app.parse); returns the status to exit with when the program ends
// there, nullopt when it goes on.
template <typename Parse>
std::optional<int> ParseCommandLine(CLI::App& app, Parse parse) {
  try {
    parse();
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is success; anything else a usage error
  }
  return std::nullopt;
}

inline std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv) {
  return ParseCommandLine(app, [&] { app.parse(argc, argv); });
}

}  // namespace strec

#endif  // STREC_FORMAT_COMMAND_LINE_H_

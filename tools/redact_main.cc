// strec-redact (`strec redact`): a copy of a trace without its secrets, to attach to a bug
// report. The work is format::RedactTrace (format/src/redact.cc); this is its command line.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "strec/format/command_line.h"
#include "strec/format/redact.h"
#include "strec/format/version.h"

int main(int argc, char** argv) {
  using strec::format::RedactBit;
  using strec::format::RedactCategory;
  CLI::App app{
      "strec redact: write a copy of a trace with its secrets removed, to share it. Data\n"
      "buffers (what went through read, write, send, recv...) are always removed; argv and\n"
      "environment, paths, socket addresses and the host name on request. A removed buffer\n"
      "keeps its length and a keyed digest, so equal buffers still compare equal; paths\n"
      "become tokens component by component (the same path, the same token). The copy\n"
      "replays and analyzes like the original, with the same calls; its header says what was\n"
      "removed (strec info).\n\n"
      "usage: strec redact [--argv] [--paths] [--addrs] [--host] [--all] [--key FILE]\n"
      "                    [--force] IN -o OUT",
      "strec redact"};
  app.set_version_flag("--version", std::string("strec redact ") + strec::kStrecVersion);
  std::string in, out, key;
  bool argv_flag = false, paths = false, addrs = false, host = false, all = false, force = false;
  app.add_option("input", in, "the trace to copy")->required();
  app.add_option("-o,--output", out,
                 "the redacted copy (created 0600, never through a symbolic link; an existing "
                 "file is an error unless --force)")
      ->required();
  app.add_flag("--argv", argv_flag,
               "remove execve's argv and environment strings and the recorded command line");
  app.add_flag("--paths", paths,
               "replace every path (arguments, fd and cwd paths, directory entries, readlink "
               "results) by its token: /#0a1b2c3d4e5f/#... for /home/user");
  app.add_flag("--addrs", addrs, "remove socket addresses (IP addresses, ports, unix paths)");
  app.add_flag("--host", host, "remove the host name (the header's, uname's, sethostname's)");
  app.add_flag("--all", all, "all of the above");
  app.add_option("--key", key,
                 "a file of at least 16 secret bytes that keys the digests, so that those of "
                 "traces redacted with it compare (default: a random key, discarded)");
  app.add_flag("--force", force, "replace OUT if it is a regular file of yours");
  app.footer(
      "\nExit status: 0 when the copy is written, 1 if it could not be (no copy is "
      "left), 2 for a usage error.");
  if (auto stop = strec::ParseCommandLine(app, argc, argv))
    return *stop;
  uint32_t what = RedactBit(RedactCategory::kData);
  if (argv_flag || all)
    what |= RedactBit(RedactCategory::kArgv);
  if (paths || all)
    what |= RedactBit(RedactCategory::kPaths);
  if (addrs || all)
    what |= RedactBit(RedactCategory::kAddrs);
  if (host || all)
    what |= RedactBit(RedactCategory::kHost);
  auto redactor = strec::format::Redactor::Create(what, key);
  if (!redactor.ok()) {
    std::cerr << "strec redact: " << redactor.status().message() << "\n";
    return 2;
  }
  auto r = strec::format::RedactTrace(in, out, std::move(redactor).value(), force);
  if (!r.ok()) {
    std::cerr << "strec redact: " << r.status().message() << "\n";
    return 1;
  }
  for (const auto& w : r->warnings)
    std::cerr << "strec redact: warning: " << w << "\n";
  std::cerr << "strec redact: " << out << ": " << r->events << " events; removed";
  bool any = false;
  for (int c = 1; c < strec::format::kRedactCategories; c++)
    if (what & (1u << c)) {
      std::cerr << (any ? ", " : " ") << r->removed[c] << " "
                << strec::format::RedactCategoryName(static_cast<uint8_t>(c));
      any = true;
    }
  std::cerr << " buffers\n";
  return 0;
}

// failed_opens TRACE...: the paths that failed to open, with how often and why, most first.
// An example of the reader API (strec/trace.h): the path is the call's path argument as
// recorded (open, openat, openat2, creat).
#include <strec/trace.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: failed_opens TRACE...\n";
    return 2;
  }
  std::map<std::pair<std::string, std::string>, int> failures;  // (path, errno) -> count
  try {
    for (int i = 1; i < argc; i++) {
      strec::Trace trace = strec::Trace::Open(argv[i]);
      while (const strec::TraceEvent* e = trace.Next()) {
        if (e->kind != strec::EventKind::Syscall || e->err == 0)
          continue;
        int path_arg = e->name == "open" || e->name == "creat"       ? 0
                       : e->name == "openat" || e->name == "openat2" ? 1
                                                                     : -1;
        if (path_arg < 0)
          continue;
        std::string path = "?";
        for (const strec::ArgBuffer& b : e->buffers)
          if (b.arg == path_arg && !b.out)
            path = b.data;
        failures[{path, e->errno_name}]++;
      }
    }
  } catch (const strec::TraceError& err) {
    std::cerr << "failed_opens: " << err.what() << "\n";
    return 1;
  }
  std::vector<std::pair<int, std::pair<std::string, std::string>>> rows;
  for (const auto& [key, n] : failures)
    rows.push_back({n, key});
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (const auto& [n, key] : rows)
    std::cout << n << "\t" << key.second << "\t" << key.first << "\n";
  return 0;
}

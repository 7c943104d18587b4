// latency_histogram SYSCALL TRACE: how long SYSCALL took, as a histogram of powers of two in
// microseconds. An example of the reader API (strec/trace.h), linked statically (libstrec.a).
#include <strec/trace.h>

#include <cstdint>
#include <iostream>
#include <map>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: latency_histogram SYSCALL TRACE\n";
    return 2;
  }
  std::string name = argv[1];
  std::map<int, uint64_t> buckets;  // bucket k: [2^k, 2^(k+1)) µs; -1: under 1 µs
  uint64_t calls = 0, total_ns = 0;
  try {
    strec::Trace trace = strec::Trace::Open(argv[2]);
    while (const strec::TraceEvent* e = trace.Next()) {
      if (e->kind != strec::EventKind::Syscall || !e->returned || e->name != name)
        continue;
      calls++;
      auto ns = e->duration_ns();
      if (!ns)
        continue;
      total_ns += *ns;
      int k = -1;
      for (uint64_t us = *ns / 1000; us > 0; us >>= 1)
        k++;
      buckets[k]++;
    }
  } catch (const strec::TraceError& err) {
    std::cerr << "latency_histogram: " << err.what() << "\n";
    return 1;
  }
  std::cout << name << ": " << calls << " calls, " << total_ns << " ns in all\n";
  for (const auto& [k, n] : buckets) {
    std::string range =
        k < 0 ? "<1 us"
              : std::to_string(1ull << k) + "-" + std::to_string((1ull << (k + 1)) - 1) + " us";
    std::cout << range << "\t" << n << "\t" << std::string(n * 60 / calls + 1, '#') << "\n";
  }
  return 0;
}

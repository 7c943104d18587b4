// The registry: every family's decoders, return printers and struct printers, looked up by
// syscall number or struct name. A syscall or struct belongs to one family only.
#include <unordered_map>
#include <vector>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

struct Registry {
  // A flat table for the syscall numbers (the lookup is on every syscall rendered).
  static constexpr int kFlat = 1024;
  std::vector<Decoder> decoders = std::vector<Decoder>(kFlat, nullptr);
  std::vector<ReturnDecoder> returns = std::vector<ReturnDecoder>(kFlat, nullptr);
  std::unordered_map<std::string_view, StructPrinter> structs;

  Registry() {
    for (const Family& f :
         {FilesFamily(),    NetFamily(),       ProcessFamily(), PrctlFamily(),  SignalsFamily(),
          MemoryFamily(),   TimeFamily(),      EventsFamily(),  IoctlFamily(),  MiscFamily(),
          IpcFamily(),      MempolicyFamily(), QuotaFamily(),   KernelFamily(), FanotifyFamily(),
          LandlockFamily(), SchedFamily(),     IoUringFamily(), MqFamily(),     PtraceFamily(),
          SysadminFamily()}) {
      for (const DecoderEntry& e : f.decoders) {
        if (e.nr < 0 || e.nr >= kFlat)
          continue;
        decoders[e.nr] = e.decode;
        returns[e.nr] = e.ret;
      }
      for (const StructEntry& e : f.structs)
        structs.emplace(e.name, e.print);
    }
  }
};

const Registry& TheRegistry() {
  static const Registry r;
  return r;
}

}  // namespace

Decoder FindDecoder(int nr) {
  return nr >= 0 && nr < Registry::kFlat ? TheRegistry().decoders[nr] : nullptr;
}

ReturnDecoder FindReturnDecoder(int nr) {
  return nr >= 0 && nr < Registry::kFlat ? TheRegistry().returns[nr] : nullptr;
}

StructPrinter FindStructPrinter(std::string_view name) {
  auto it = TheRegistry().structs.find(name);
  return it == TheRegistry().structs.end() ? nullptr : it->second;
}

}  // namespace strec::replay::detail

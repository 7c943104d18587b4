// What every strec export format takes and gives back.
#ifndef STREC_EXPORT_OPTIONS_H_
#define STREC_EXPORT_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "strec/format/selection.h"
#include "strec/format/status.h"

namespace strec::exporter {

struct ExportOptions {
  format::SelectionOptions select;  // what is exported (syscalls by their end time)
  uint32_t max_strlen = 32;         // -s of the strace lines
  bool replace = false;             // replace an existing output of this user
};

struct ExportResult {
  uint64_t syscalls = 0;  // complete events written
  uint64_t events = 0;    // chrome-json: every trace event written (metadata included)
  uint64_t traces = 0;    // recordings read (jsonl takes several)
  std::vector<std::string> warnings;
};

}  // namespace strec::exporter

#endif  // STREC_EXPORT_OPTIONS_H_

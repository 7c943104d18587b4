#include "strec/analyze/files.h"

#include <algorithm>

namespace strec::analyze {

void FileStats::Merge(const FileStats& o) {
  opens += o.opens;
  reads += o.reads;
  read_bytes += o.read_bytes;
  writes += o.writes;
  write_bytes += o.write_bytes;
  calls += o.calls;
  errors += o.errors;
  syscall_ns += o.syscall_ns;
}

FileStats& FileTable::For(std::string_view path) {
  auto it = paths_.find(path);
  if (it != paths_.end())
    return it->second;
  if (paths_.size() >= limit_)
    return overflow_;
  return paths_.emplace(std::string(path), FileStats{}).first->second;
}

void FileTable::Merge(const FileTable& o) {
  // Paths of `o` in a fixed order, so which ones overflow does not depend on hashing.
  std::vector<const std::pair<const std::string, FileStats>*> rows;
  rows.reserve(o.paths_.size());
  for (const auto& row : o.paths_)
    rows.push_back(&row);
  std::sort(rows.begin(), rows.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* row : rows)
    For(row->first).Merge(row->second);
  overflow_.Merge(o.overflow_);
}

}  // namespace strec::analyze

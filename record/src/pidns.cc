#include "pidns.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace strec::record {

namespace {

std::string ProcPath(pid_t tid, const char* rest) {
  return "/proc/" + std::to_string(tid) + rest;
}

std::string ReadSmallFile(const std::string& path) {
  std::string s;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return s;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    s.append(buf, static_cast<size_t>(n));
  close(fd);
  return s;
}

std::vector<pid_t> Numbers(const std::string& text) {
  std::vector<pid_t> v;
  const char* p = text.c_str();
  for (;;) {
    char* e;
    long n = strtol(p, &e, 10);
    if (e == p)
      break;
    v.push_back(static_cast<pid_t>(n));
    p = e;
  }
  return v;
}

// The numbers after "Key:" in /proc/PID/status.
std::vector<int32_t> StatusField(std::string_view status, std::string_view key) {
  size_t at = 0;
  while (at < status.size()) {
    size_t end = status.find('\n', at);
    if (end == std::string_view::npos)
      end = status.size();
    std::string_view line = status.substr(at, end - at);
    at = end + 1;
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':')
      return Numbers(std::string(line.substr(key.size() + 1)));
  }
  return {};
}

uint64_t InodeOf(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

std::vector<pid_t> ListDir(const std::string& path) {
  std::vector<pid_t> v;
  DIR* d = opendir(path.c_str());
  if (!d)
    return v;
  while (dirent* e = readdir(d))
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
      v.push_back(static_cast<pid_t>(atoi(e->d_name)));
  closedir(d);
  return v;
}

}  // namespace

PidNsReader::PidNsReader() {
  self_ns_ = InodeOf("/proc/self/ns/pid");
  // /proc/thread-self is "TGID/task/TID" in /proc's numbering; NSpid has one number per level
  // from /proc's namespace down to ours.
  char link[64] = {};
  if (readlink("/proc/thread-self", link, sizeof link - 1) > 0) {
    const char* t = strstr(link, "/task/");
    self_proc_tid_ = static_cast<pid_t>(atoi(t ? t + 6 : link));
  }
  std::vector<int32_t> nspid = StatusField(ReadSmallFile("/proc/thread-self/status"), "NSpid");
  ok_ = self_ns_ && self_proc_tid_ && !nspid.empty();
  proc_levels_ = nspid.empty() ? 0 : nspid.size() - 1;
}

bool PidNsReader::Matches(pid_t proc_tid, pid_t tid) {
  std::string status = ReadSmallFile(ProcPath(proc_tid, "/status"));
  std::vector<int32_t> tracer = StatusField(status, "TracerPid");
  std::vector<int32_t> nspid = StatusField(status, "NSpid");
  return !tracer.empty() && tracer[0] == self_proc_tid_ && nspid.size() > proc_levels_ &&
         nspid[proc_levels_] == tid;
}

pid_t PidNsReader::ProcTid(pid_t tid, pid_t tgid, pid_t parent) {
  if (proc_levels_ == 0)
    return tid;
  if (auto it = proc_tid_.find(tid); it != proc_tid_.end())
    return it->second;
  auto found = [&](pid_t q) {
    proc_tid_[tid] = q;
    return q;
  };
  // A thread: among its process's; a child: among its parent's children; else anywhere.
  if (tgid != tid)
    if (auto it = proc_tid_.find(tgid); it != proc_tid_.end())
      for (pid_t q : ListDir(ProcPath(it->second, "/task")))
        if (Matches(q, tid))
          return found(q);
  if (parent)
    if (auto it = proc_tid_.find(parent); it != proc_tid_.end()) {
      std::string dir = ProcPath(it->second, "/task/") + std::to_string(it->second);
      for (pid_t q : Numbers(ReadSmallFile(dir + "/children")))
        if (Matches(q, tid))
          return found(q);
    }
  for (pid_t p : ListDir("/proc")) {
    if (Matches(p, tid))
      return found(p);
    if (tgid != tid)
      for (pid_t q : ListDir(ProcPath(p, "/task")))
        if (q != p && Matches(q, tid))
          return found(q);
  }
  return 0;
}

const std::vector<uint64_t>* PidNsReader::Chain(pid_t proc_tid, uint64_t own_ns) {
  if (auto it = chains_.find(own_ns); it != chains_.end())
    return &it->second;
  // From the task's namespace up to ours through NS_GET_PARENT (which refuses to go above the
  // caller's own namespace).
  std::vector<uint64_t> up;
  int fd = open(ProcPath(proc_tid, "/ns/pid").c_str(), O_RDONLY | O_CLOEXEC);
  while (fd >= 0) {
    struct stat st;
    if (fstat(fd, &st) != 0)
      break;
    up.push_back(st.st_ino);
    if (st.st_ino == self_ns_)
      break;
    int parent = ioctl(fd, NS_GET_PARENT);
    close(fd);
    fd = parent;
  }
  if (fd >= 0)
    close(fd);
  if (up.empty() || up.back() != self_ns_ || up.front() != own_ns)
    return nullptr;  // not below ours (or gone meanwhile)
  std::reverse(up.begin(), up.end());
  return &(chains_[own_ns] = std::move(up));
}

bool PidNsReader::Read(pid_t tid, pid_t tgid, pid_t parent, PidNsIds* out) {
  if (!ok_)
    return false;
  pid_t q = ProcTid(tid, tgid, parent);
  if (!q)
    return false;
  uint64_t own = InodeOf(ProcPath(q, "/ns/pid"));
  if (!own || own == self_ns_)
    return false;
  const std::vector<uint64_t>* chain = Chain(q, own);
  if (!chain)
    return false;
  std::string status = ReadSmallFile(ProcPath(q, "/status"));
  size_t levels = chain->size();
  auto ids = [&](const char* key, std::vector<int32_t>* v) {
    *v = StatusField(status, key);
    if (v->size() != proc_levels_ + levels)
      return false;
    v->erase(v->begin(), v->begin() + static_cast<ptrdiff_t>(proc_levels_));
    return true;
  };
  if (!ids("NSpid", &out->tid) || !ids("NStgid", &out->tgid) || !ids("NSpgid", &out->pgid) ||
      !ids("NSsid", &out->sid) || out->tid[0] != tid)
    return false;
  out->ns = *chain;
  own_ns_[tid] = own;
  for (size_t level = 1; level < levels; level++)
    local_[{out->ns[level], out->tid[level]}] = tid;
  return true;
}

pid_t PidNsReader::Resolve(pid_t observer, int32_t id) const {
  auto ns = own_ns_.find(observer);
  if (ns == own_ns_.end())
    return id;
  auto it = local_.find({ns->second, id});
  return it == local_.end() ? 0 : it->second;
}

}  // namespace strec::record

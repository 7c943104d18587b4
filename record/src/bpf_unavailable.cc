// The eBPF backend's stand-in for builds without it (no clang, bpftool, libbpf or kernel BTF
// where strec was built: record/CMakeLists.txt says which was missing).
#include "strec/record/bpf_recorder.h"

namespace strec::record {

bool HaveBpfBackend() {
  return false;
}

std::string BpfUnavailableReason() {
  return "this strec-record was built without the eBPF backend (clang, bpftool, libbpf-dev and "
         "/sys/kernel/btf/vmlinux are needed at build time)";
}

RecordResult RecordWithBpf(const RecordOptions&,
                           const format::SyscallTable&,
                           const format::SyscallSet&) {
  RecordResult r;
  r.status = Status(StatusCode::kUnimplemented,
                    "this strec-record was built without the eBPF backend (clang, bpftool, "
                    "libbpf-dev and /sys/kernel/btf/vmlinux are needed at build time); use "
                    "--backend=ptrace");
  r.exit_code = 1;
  r.backend_unavailable = true;
  return r;
}

}  // namespace strec::record

// The eBPF backend of strec-record (bpf_recorder.cc; the BPF program is record/bpf/strec.bpf.c).
// Built only where clang, bpftool, libbpf and the kernel's BTF are found (STREC_HAVE_BPF).
#ifndef STREC_RECORD_BPF_RECORDER_H_
#define STREC_RECORD_BPF_RECORDER_H_

#include <string>

#include "strec/format/syscall_table.h"
#include "strec/record/recorder.h"

struct strec_spec;

namespace strec::record {

// Whether this build has the eBPF backend.
bool HaveBpfBackend();

// Why the eBPF backend cannot run here whatever strec does, as a clause ("not privileged (it
// needs root, or ...)", "the kernel has no BTF (...)", "the kernel is too old: ..."); empty when
// it is built in and this process and kernel have what it needs. Loads a probe program.
std::string BpfUnavailableReason();

// The verifier's verdict in libbpf's log of a failed load, in one line: "the kernel's verifier
// rejected program on_exit: combined stack size of 5 calls is 544. Too large". Empty when the
// log holds no program's load log. (Defined with the backend.)
std::string VerifierVerdict(const std::string& libbpf_log);

// Records as Record() does, with the eBPF backend. When it is not built in or cannot be loaded
// here, the result has backend_unavailable set and a status naming the cause in one line (what
// the machine lacks, or the verifier's verdict), and nothing was started or written.
RecordResult RecordWithBpf(const RecordOptions& options,
                           const format::SyscallTable& table,
                           const format::SyscallSet& set);

}  // namespace strec::record

#endif  // STREC_RECORD_BPF_RECORDER_H_

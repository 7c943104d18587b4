// The eBPF backend of strec-record (bpf_recorder.cc; the BPF program is record/bpf/strec.bpf.c).
// Built only where clang, bpftool, libbpf and the kernel's BTF are found (STREC_HAVE_BPF).
#ifndef STREC_RECORD_BPF_RECORDER_H_
#define STREC_RECORD_BPF_RECORDER_H_

#include "strec/format/syscall_table.h"
#include "strec/record/recorder.h"

struct strec_spec;

namespace strec::record {

// Whether this build has the eBPF backend.
bool HaveBpfBackend();

// Records as Record() does, with the eBPF backend; an error status when it is not built in or
// cannot be loaded here.
RecordResult RecordWithBpf(const RecordOptions& options,
                           const format::SyscallTable& table,
                           const format::SyscallSet& set);

}  // namespace strec::record

#endif  // STREC_RECORD_BPF_RECORDER_H_

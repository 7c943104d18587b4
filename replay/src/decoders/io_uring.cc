// The io_uring family: io_uring_setup's struct io_uring_params and io_uring_enter's flags
// (linux/io_uring.h).
#include <sys/syscall.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kSetupAttachWq = 1u << 5;  // IORING_SETUP_ATTACH_WQ: wq_fd is meant

// struct io_sqring_offsets / io_cqring_offsets at d[off]: seven __u32 fields, then resv1 (__u32)
// and resv2 (__u64), shown only when not zero.
std::string RingOffsets(const std::string& d, size_t off, const char* const (&names)[7]) {
  std::string s = "{";
  for (size_t i = 0; i < 7; i++)
    s += std::string(i ? ", " : "") + names[i] + "=" + UDec(At<uint32_t>(d, off + i * 4));
  if (uint32_t r = At<uint32_t>(d, off + 28))
    s += ", resv1=" + HexString(r);
  if (uint64_t r = At<uint64_t>(d, off + 32))
    s += ", resv2=" + HexString(r);
  return s + "}";
}

// io_uring_setup(entries, params): what the caller passes at entry; the sizes, features and
// ring offsets the kernel wrote at exit of a successful call.
void DecodeIoUringSetup(Ctx& c) {
  c.Put(UDec(c.A(0) & 0xffffffff) + ", ");
  const Buffer* in = c.In(1);
  if (!c.A(1)) {
    c.Put("NULL)");
    return;
  }
  if (!in || in->data.size() < 120) {
    c.Ptr(c.A(1));
    c.Put(")");
    return;
  }
  if (c.Redacted(in)) {
    c.Put(")");
    return;
  }
  const std::string& d = in->data;
  uint32_t flags = At<uint32_t>(d, 8);
  std::string s = "{flags=" + Flags("io_uring_setup_flags", flags);
  uint32_t cpu = At<uint32_t>(d, 12);
  s += ", sq_thread_cpu=" + (cpu ? HexString(cpu) : std::string("0"));
  s += ", sq_thread_idle=" + UDec(At<uint32_t>(d, 16));
  c.Put(s);
  if (flags & kSetupAttachWq) {
    c.Put(", wq_fd=");
    c.Fd(At<int32_t>(d, 24));
  }
  if (At<uint32_t>(d, 28) || At<uint32_t>(d, 32) || At<uint32_t>(d, 36)) {
    c.Put(", resv=[" + HexString(At<uint32_t>(d, 28)) + ", " + HexString(At<uint32_t>(d, 32)) +
          ", " + HexString(At<uint32_t>(d, 36)) + "]");
  }
  c.ToExit();
  const Buffer* out = c.Out(1);
  if (out && out->data.size() >= 120) {
    static const char* const kSq[7] = {"head",  "tail",    "ring_mask", "ring_entries",
                                       "flags", "dropped", "array"};
    static const char* const kCq[7] = {"head",     "tail", "ring_mask", "ring_entries",
                                       "overflow", "cqes", "flags"};
    const std::string& o = out->data;
    c.Put(", sq_entries=" + UDec(At<uint32_t>(o, 0)) + ", cq_entries=" + UDec(At<uint32_t>(o, 4)) +
          ", features=" + Flags("io_uring_features", At<uint32_t>(o, 20)) +
          ", sq_off=" + RingOffsets(o, 40, kSq) + ", cq_off=" + RingOffsets(o, 80, kCq));
  }
  c.Put("})");
}

// io_uring_enter(fd, to_submit, min_complete, flags, sig, sigsz): flags is an unsigned int.
void DecodeIoUringEnter(Ctx& c) {
  for (int i = 0; i < 6; i++) {
    if (i)
      c.Sep();
    if (i == 3)
      c.Put(FlagsDflt("io_uring_enter_flags", c.A(3) & 0xffffffff));
    else
      c.Arg(i);
  }
  c.Put(")");
}

}  // namespace

Family IoUringFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_io_uring_setup, DecodeIoUringSetup},
      {__NR_io_uring_enter, DecodeIoUringEnter},
  };
  return {"io_uring", kDecoders, {}};
}

}  // namespace strec::replay::detail

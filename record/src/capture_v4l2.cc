// The ptrace capture of what Video4Linux2 structs point to (record/bpf/v4l2_arrays.h names
// the requests): v4l2_format's clips and v4l2_ext_controls' controls with their strings, as
// kBufferAux buffers of argument 2 (index 0 the array, 1 + i the string of control i).
#include <algorithm>
#include <cstring>

#include "strec/record/capture.h"
#include "v4l2_arrays.h"

namespace strec::record {

namespace {

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

void Capture::V4l2Arrays(pid_t tid, uint64_t req, bool out, CapturedBuffers* dst) {
  const CapturedBuffers::Item* s = nullptr;
  for (const CapturedBuffers::Item& it : dst->items_)
    if (it.rec.arg == 2 && it.rec.out == out && it.rec.kind == format::kBufferPlain)
      s = &it;
  if (!s || s->rec.read_errno)
    return;
  const uint8_t* p = dst->bytes(s->off);
  int fmt = strec_v4l2_format_offset(req);
  if (fmt >= 0) {
    if (s->len < static_cast<size_t>(fmt) + 48)
      return;
    uint32_t type = Load<uint32_t>(p + fmt), count = Load<uint32_t>(p + fmt + 40);
    uint64_t clips = Load<uint64_t>(p + fmt + 32);
    if ((type == 3 || type == 8) && clips && count)
      Plan(2, out, clips, std::min<uint64_t>(count, STREC_V4L2_CLIPS_MAX) * STREC_V4L2_CLIP_SIZE,
           uint64_t{count} * STREC_V4L2_CLIP_SIZE, format::kBufferAux, 0);
    Execute(tid, dst);
    return;
  }
  if (!strec_v4l2_is_ext_ctrls(req) || s->len < STREC_V4L2_EXT_CONTROLS)
    return;
  uint32_t count = Load<uint32_t>(p + 4);
  uint64_t controls = Load<uint64_t>(p + 24);
  if (!controls || !count)
    return;
  uint64_t n = std::min<uint64_t>(count, STREC_V4L2_CONTROLS_MAX);
  Plan(2, out, controls, n * STREC_V4L2_CONTROL_SIZE, uint64_t{count} * STREC_V4L2_CONTROL_SIZE,
       format::kBufferAux, 0);
  size_t before = dst->items_.size();
  Execute(tid, dst);
  if (dst->items_.size() == before)
    return;
  const CapturedBuffers::Item& arr = dst->items_.back();
  size_t off = arr.off;
  uint64_t got = arr.len / STREC_V4L2_CONTROL_SIZE;
  for (uint64_t i = 0; i < got; i++) {
    const uint8_t* e = dst->bytes(off + i * STREC_V4L2_CONTROL_SIZE);
    uint32_t size = Load<uint32_t>(e + 4);
    uint64_t str = Load<uint64_t>(e + 12);
    if (size && str)
      Plan(2, out, str, Cap(size), size, format::kBufferAux, static_cast<uint32_t>(1 + i));
  }
  Execute(tid, dst);
}

}  // namespace strec::record

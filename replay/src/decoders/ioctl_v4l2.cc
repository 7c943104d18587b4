// ioctl: Video4Linux2's requests (linux/videodev2.h): the VIDIOC_* names and the structs they
// pass. What the caller passes prints at entry; a request's arrays reached through a pointer
// (v4l2_format's clips, v4l2_ext_controls' controls and their strings) are kBufferAux buffers
// of argument 2, copied by both recorders (record/src/capture.cc, record/bpf/strec.bpf.c).
// Layouts are x86_64's.
#include <algorithm>
#include <string>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kQueryCap = 0x80685600, kEnumFmt = 0xc0405602, kGFmt = 0xc0d05604,
                   kSFmt = 0xc0d05605, kReqBufs = 0xc0145608, kQueryBuf = 0xc0585609,
                   kGFbuf = 0x8030560a, kSFbuf = 0x4030560b, kQBuf = 0xc058560f,
                   kDqBuf = 0xc0585611, kStreamOn = 0x40045612, kStreamOff = 0x40045613,
                   kGParm = 0xc0cc5615, kSParm = 0xc0cc5616, kGStd = 0x80085617, kSStd = 0x40085618,
                   kEnumStd = 0xc0485619, kEnumInput = 0xc050561a, kGCtrl = 0xc008561b,
                   kSCtrl = 0xc008561c, kGTuner = 0xc054561d, kSTuner = 0x4054561e,
                   kQueryCtrl = 0xc0445624, kGInput = 0x80045626, kSInput = 0xc0045627,
                   kCropCap = 0xc02c563a, kGCrop = 0xc014563b, kSCrop = 0x4014563c,
                   kTryFmt = 0xc0d05640, kGExtCtrls = 0xc0205647, kSExtCtrls = 0xc0205648,
                   kTryExtCtrls = 0xc0205649, kEnumFrameSizes = 0xc02c564a,
                   kEnumFrameIntervals = 0xc034564b, kCreateBufs = 0xc100565c,
                   kQueryExtCtrl = 0xc0e85667;

std::string U(const std::string& d, size_t off) {
  return UDec(At<uint32_t>(d, off));
}
std::string S(const std::string& d, size_t off) {
  return Dec(At<int32_t>(d, off));
}
std::string BufType(uint32_t v) {
  return Enum("v4l2_buf_types", v);
}

// A fourcc code: v4l2_fourcc('Y', 'U', 'Y', 'V') with the format's name in a comment when it
// has one; the number with -X raw.
std::string Fourcc(uint32_t v) {
  if (CurrentXlatStyle() == XlatStyle::kRaw)
    return HexString(v);
  std::string s = "v4l2_fourcc(";
  for (int i = 0; i < 4; i++) {
    unsigned char ch = static_cast<unsigned char>(v >> (8 * i));
    s += i ? ", '" : "'";
    if (ch == '\'' || ch == '\\') {
      s += '\\';
      s += static_cast<char>(ch);
    } else if (ch >= 0x20 && ch < 0x7f) {
      s += static_cast<char>(ch);
    } else {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", ch);
      s += buf;
    }
    s += '\'';
  }
  s += ')';
  if (const char* name = Table("v4l2_pix_fmts").Name(v))
    s += std::string(" /* ") + name + " */";
  return s;
}

// A control id: its name, or its class and the offset in it ("V4L2_CTRL_CLASS_USER+0x10").
std::string ControlId(uint32_t id) {
  if (const char* name = Table("v4l2_cids").Name(id))
    return Styled(HexString(id), name);
  if (const char* cls = Table("v4l2_control_classes").Name(id & 0xffff0000)) {
    uint32_t off = id & 0xffff;
    return Styled(HexString(id), std::string(cls) + "+" + (off ? HexString(off) : "0"));
  }
  return Enum("v4l2_cids", id);
}

// A queried control id: the V4L2_CTRL_FLAG_NEXT_* bits, then the id.
std::string QueriedControlId(uint32_t id) {
  uint32_t flags = id & 0xc0000000;
  if (!flags || CurrentXlatStyle() == XlatStyle::kRaw)
    return ControlId(id);
  return Flags("v4l2_control_id_flags", flags) + "|" + ControlId(id & ~0xc0000000u);
}

// A char[size] field at d[off], a C string: without a NUL, its first size - 1 bytes and "...".
std::string CharArray(const Ctx& c, const std::string& d, size_t off, size_t size) {
  std::string field = d.substr(off, size), s;
  size_t nul = field.find('\0');
  AppendQuotedCString(&s, field.substr(0, nul == std::string::npos ? size - 1 : nul),
                      nul == std::string::npos, c.q);
  return s;
}

std::string Rect(const std::string& d, size_t off) {
  return "{left=" + S(d, off) + ", top=" + S(d, off + 4) + ", width=" + U(d, off + 8) +
         ", height=" + U(d, off + 12) + "}";
}

// The elements the recorders keep of an array (record/bpf/v4l2_arrays.h): an array cut there
// goes on with "..." as one longer than -s does.
constexpr uint64_t kArrayKept = 64;

// How many elements of an array strace shows: -s of them, all with -v.
uint64_t ArrayShown(const Ctx& c) {
  return c.opt.verbose ? ~uint64_t{0} : c.q.max_strlen;
}

// Elements of `size` bytes from an array buffer (kBufferAux `index` of argument 2): as many as
// were read, up to ArrayShown of them, then "..." or, where the rest could not be read,
// "... /* address */".
template <typename F>
std::string ArrayOf(const Ctx& c,
                    const Buffer* b,
                    uint64_t addr,
                    uint64_t count,
                    size_t size,
                    F elem) {
  uint64_t have = b ? b->data.size() / size : 0;
  if (!have)
    return PtrString(addr);  // not even the first one
  std::string s = "[";
  for (uint64_t i = 0; i < count; i++) {
    if (i)
      s += ", ";
    if (i >= ArrayShown(c) || (i >= have && have >= kArrayKept)) {
      s += "...";
      break;
    }
    if (i >= have) {
      s += "... /* " + PtrString(addr + i * size) + " */";
      break;
    }
    s += elem(b->data.substr(i * size, size), i);
  }
  return s + "]";
}

// Whether ArrayOf shows the array `b` of `count` elements without running into memory it
// could not read.
bool ArrayRead(const Ctx& c, const Buffer* b, uint64_t count, size_t size) {
  uint64_t have = b ? b->data.size() / size : 0;
  return have >= std::min<uint64_t>({count, ArrayShown(c), kArrayKept});
}

// A buffer of argument 2 whatever became of the call (an array's bytes read in part count).
const Buffer* Find(const Ctx& c, bool out, uint8_t kind, uint32_t index) {
  const Buffer* b = c.sc.Find(2, out, kind, index);
  return b && (b->data.size() || !b->read_errno) ? b : nullptr;
}

// struct v4l2_format's union (at 8) as its type (at 0) says: "fmt.pix={...}", or "" for a
// type without one.
std::string FormatBody(const Ctx& c, const std::string& d, bool out) {
  uint32_t type = At<uint32_t>(d, 0);
  std::string s;
  const size_t f = 8;
  switch (type) {
    case 1:
    case 2:
      s += "fmt.pix={width=" + U(d, f) + ", height=" + U(d, f + 4) +
           ", pixelformat=" + Fourcc(At<uint32_t>(d, f + 8)) +
           ", field=" + Enum("v4l2_fields", At<uint32_t>(d, f + 12)) +
           ", bytesperline=" + U(d, f + 16) + ", sizeimage=" + U(d, f + 20) +
           ", colorspace=" + Enum("v4l2_colorspaces", At<uint32_t>(d, f + 24)) + "}";
      break;
    case 9:
    case 10: {
      uint32_t planes = At<uint8_t>(d, f + 180);
      s += "fmt.pix_mp={width=" + U(d, f) + ", height=" + U(d, f + 4) +
           ", pixelformat=" + Fourcc(At<uint32_t>(d, f + 8)) +
           ", field=" + Enum("v4l2_fields", At<uint32_t>(d, f + 12)) +
           ", colorspace=" + Enum("v4l2_colorspaces", At<uint32_t>(d, f + 16)) + ", plane_fmt=[";
      for (uint32_t i = 0; i < planes && i < 8; i++)
        s += (i ? ", {sizeimage=" : "{sizeimage=") + U(d, f + 20 + i * 20) +
             ", bytesperline=" + U(d, f + 24 + i * 20) + "}";
      s += "], num_planes=" + UDec(planes) + "}";
      break;
    }
    case 3:
    case 8: {
      uint64_t clips = At<uint64_t>(d, f + 24), bitmap = At<uint64_t>(d, f + 40);
      uint32_t count = At<uint32_t>(d, f + 32);
      s += "fmt.win={w=" + Rect(d, f) + ", field=" + Enum("v4l2_fields", At<uint32_t>(d, f + 16)) +
           ", chromakey=" + HexString(At<uint32_t>(d, f + 20)) + ", clips=";
      if (!count)
        s += "[]";
      else if (!clips)
        s += "NULL";
      else
        s += ArrayOf(c, Find(c, out, format::kBufferAux, 0), clips, count, 24,
                     [](const std::string& e, uint64_t) { return "{c=" + Rect(e, 0) + "}"; });
      uint8_t alpha = At<uint8_t>(d, f + 48);  // strace leaves it out when 0
      s += ", clipcount=" + UDec(count) + ", bitmap=" + (bitmap ? PtrString(bitmap) : "NULL") +
           (alpha ? ", global_alpha=" + HexString(alpha) : "") + "}";
      break;
    }
    case 4:
    case 5:
      s += "fmt.vbi={sampling_rate=" + U(d, f) + ", offset=" + U(d, f + 4) +
           ", samples_per_line=" + U(d, f + 8) +
           ", sample_format=" + Fourcc(At<uint32_t>(d, f + 12)) + ", start=[" + S(d, f + 16) +
           ", " + S(d, f + 20) + "], count=[" + U(d, f + 24) + ", " + U(d, f + 28) +
           "], flags=" + FlagsDflt("v4l2_vbi_flags", At<uint32_t>(d, f + 32)) + "}";
      break;
    case 6:
    case 7:
      s += "fmt.sliced={service_set=" + FlagsDflt("v4l2_sliced_flags", At<uint16_t>(d, f)) +
           ", service_lines=[";
      for (int i = 0; i < 2; i++) {
        s += i ? ", [" : "[";
        for (int j = 0; j < 24; j++)
          s += (j ? ", " : "") + HexString(At<uint16_t>(d, f + 2 + (i * 24 + j) * 2));
        s += "]";
      }
      s += "], io_size=" + U(d, f + 100) + "}";
      break;
    case 11:
    case 12:
      s += "fmt.sdr={pixelformat=" + Fourcc(At<uint32_t>(d, f)) + ", buffersize=" + U(d, f + 4) +
           "}";
      break;
    case 13:
    case 14:
      s += "fmt.meta={dataformat=" + Fourcc(At<uint32_t>(d, f)) + ", buffersize=" + U(d, f + 4) +
           "}";
      break;
  }
  return s;
}

// The whole struct v4l2_format.
std::string Format(const Ctx& c, const std::string& d, bool out) {
  std::string body = FormatBody(c, d, out);
  return "{type=" + BufType(At<uint32_t>(d, 0)) + (body.empty() ? "" : ", " + body) + "}";
}

// struct v4l2_streamparm's capture or output parameters (at 4) as its type says, or "".
std::string ParmBody(const std::string& d) {
  uint32_t type = At<uint32_t>(d, 0);
  if (type != 1 && type != 2)
    return "";
  bool capture = type == 1;
  return std::string(capture ? "parm.capture={" : "parm.output={") +
         "capability=" + FlagsDflt("v4l2_streaming_capabilities", At<uint32_t>(d, 4)) +
         (capture ? ", capturemode=" : ", outputmode=") +
         FlagsDflt("v4l2_capture_modes", At<uint32_t>(d, 8)) + ", timeperframe=" + U(d, 12) + "/" +
         U(d, 16) + ", extendedmode=" + HexString(At<uint32_t>(d, 20)) +
         (capture ? ", readbuffers=" : ", writebuffers=") + U(d, 24) + "}";
}

// struct v4l2_tuner after its index: name to afc.
std::string TunerBody(const Ctx& c, const std::string& d) {
  return "name=" + CharArray(c, d, 4, 32) +
         ", type=" + Enum("v4l2_tuner_types", At<uint32_t>(d, 36)) +
         ", capability=" + FlagsDflt("v4l2_tuner_caps", At<uint32_t>(d, 40)) +
         ", rangelow=" + U(d, 44) + ", rangehigh=" + U(d, 48) +
         ", rxsubchans=" + FlagsDflt("v4l2_tuner_rxsubchans", At<uint32_t>(d, 52)) +
         ", audmode=" + Enum("v4l2_tuner_audmodes", At<uint32_t>(d, 56)) + ", signal=" + S(d, 60) +
         ", afc=" + S(d, 64);
}

// struct v4l2_framebuffer: its capability and flags in hex, as strace shows them.
std::string FrameBuffer(const std::string& d) {
  return "{capability=" + HexString(At<uint32_t>(d, 0)) +
         ", flags=" + HexString(At<uint32_t>(d, 4)) + ", base=" + PtrString(At<uint64_t>(d, 8)) +
         "}";
}

// ", reserved=[0x.., ...]" for `n` reserved u32 at d[off] unless all are zero.
std::string Reserved(const std::string& d, size_t off, size_t n) {
  std::string s;
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    uint32_t v = At<uint32_t>(d, off + 4 * i);
    any |= v != 0;
    s += (i ? ", " : "") + HexString(v);
  }
  return any ? ", reserved=[" + s + "]" : "";
}

// The v4l2_ext_control elements (20 bytes, packed) of `b`; their strings are kBufferAux
// 1 + i of the same direction.
std::string ExtControls(const Ctx& c, bool out, const Buffer* b, uint64_t addr, uint32_t count) {
  return ArrayOf(c, b, addr, count, 20, [&](const std::string& e, uint64_t i) {
    uint32_t size = At<uint32_t>(e, 4);
    // (an id without a name is not shown as its class and offset here)
    std::string s = "{id=" + Enum("v4l2_cids", At<uint32_t>(e, 0)) + ", size=" + UDec(size);
    if (!size)
      return s + ", value=" + S(e, 12) + ", value64=" + Dec(At<int64_t>(e, 12)) + "}";
    s += ", string=";
    const Buffer* str = Find(c, out, format::kBufferAux, static_cast<uint32_t>(1 + i));
    if (!str || str->data.size() < size) {
      s += PtrString(At<uint64_t>(e, 12));
    } else {
      QuoteOptions q = c.q;
      AppendQuotedBuffer(&s, str->data, size, q);
    }
    return s + "}";
  });
}

// VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS: what the caller passes, then
// the controls (and the index of the failing one) as they are after the call, whatever its
// result.
void ExtCtrls(Ctx& c, bool get, const std::string& d) {
  uint32_t count = At<uint32_t>(d, 4);
  uint64_t controls = At<uint64_t>(d, 24);
  c.Put("{ctrl_class=" + Enum("v4l2_control_classes", At<uint32_t>(d, 0)) +
        ", count=" + UDec(count));
  bool done = !count;
  if (!get && count) {
    const Buffer* arr = Find(c, false, format::kBufferAux, 0);
    c.Put(", controls=" + ExtControls(c, false, arr, controls, count));
    done = !ArrayRead(c, arr, count, 20);
  }
  if (done) {
    c.Put("}");
    return;
  }
  c.ToExit();
  const Buffer* after = Find(c, true, format::kBufferPlain, 0);
  if (!after || after->data.size() < 32) {
    c.Put(get ? "}" : " => {}");  // never read back: nothing more to show
    return;
  }
  const std::string& a = after->data;
  c.Put(get ? ", controls=" : "} => {controls=");
  c.Put(ExtControls(c, true, Find(c, true, format::kBufferAux, 0), At<uint64_t>(a, 24),
                    At<uint32_t>(a, 4)));
  c.Put((c.ok() ? "" : ", error_idx=" + U(a, 8)) + "}");  // the failing control's index
}

// Whether the struct v4l2_format `d` passed was shown whole: strace shows it again after the
// call unless it is an overlay window without clips or with clips it could not all read.
bool WholeClips(const Ctx& c, const std::string& d) {
  uint32_t type = At<uint32_t>(d, 0), count = At<uint32_t>(d, 40);
  if (type != 3 && type != 8)
    return true;
  const Buffer* clips = Find(c, false, format::kBufferAux, 0);
  return count && At<uint64_t>(d, 32) && ArrayRead(c, clips, count, 24);
}

// What the kernel writes into a request's struct, after what the caller passed (printed at
// entry, its closing brace left open): `o` is the struct after a successful call, `in` before.
void PrintResult(Ctx& c, uint32_t req, const std::string& o, const std::string& in) {
  switch (req) {
    case kEnumFmt:
      c.Put(", flags=" + FlagsDflt("v4l2_fmtdesc_flags", At<uint32_t>(o, 8)) + ", description=" +
            CharArray(c, o, 12, 32) + ", pixelformat=" + Fourcc(At<uint32_t>(o, 44)) + "}");
      break;
    case kGFmt: {
      std::string body = FormatBody(c, o, true);
      c.Put((body.empty() ? "" : ", " + body) + "}");
      break;
    }
    case kSFmt:
    case kTryFmt: {
      std::string body = WholeClips(c, in) ? FormatBody(c, o, true) : "";
      c.Put((body.empty() ? "" : "} => {" + body) + "}");
      break;
    }
    case kReqBufs:
      c.Put(" => " + U(o, 0) + "}");
      break;
    case kQueryBuf:
    case kQBuf:
    case kDqBuf: {
      uint32_t memory = At<uint32_t>(o, 60), flags = At<uint32_t>(o, 12);
      std::string s = req == kDqBuf ? ", index=" + U(o, 0) : "";
      s += ", memory=" + Enum("v4l2_memories", memory);
      if (memory == 1)
        s += ", m.offset=" + HexString(At<uint32_t>(o, 64));
      else if (memory == 2)
        s += ", m.userptr=" + PtrString(At<uint64_t>(o, 64));
      s += ", length=" + U(o, 72) + ", bytesused=" + U(o, 8) + ", flags=";
      if (CurrentXlatStyle() == XlatStyle::kRaw) {
        s += HexString(flags);
      } else {
        uint32_t rest = flags & ~0x7e000u;
        if (rest)
          s += FlagsDflt("v4l2_buf_flags", rest) + "|";
        s += Enum("v4l2_buf_flags_ts_type", flags & 0xe000) + "|" +
             Enum("v4l2_buf_flags_ts_src", flags & 0x70000);
      }
      if (req == kDqBuf)
        s += ", timestamp=" + Timeval(o, 24);
      c.Put(s + ", ...}");
      break;
    }
    case kGParm:
    case kSParm: {
      std::string body = ParmBody(o);
      c.Put((body.empty() ? "" : (req == kGParm ? ", " : "} => {") + body) + "}");
      break;
    }
    case kEnumStd:
      c.Put(", name=" + CharArray(c, o, 16, 24) + ", frameperiod=" + U(o, 40) + "/" + U(o, 44) +
            ", framelines=" + U(o, 48) + "}");
      break;
    case kEnumInput:
      c.Put(", name=" + CharArray(c, o, 4, 32) +
            ", type=" + Enum("v4l2_input_types", At<uint32_t>(o, 36)) + "}");
      break;
    case kGCtrl:
      c.Put(", value=" + S(o, 4) + "}");
      break;
    case kSCtrl:
      c.Put(" => " + S(o, 4) + "}");
      break;
    case kGTuner:
      c.Put(", " + TunerBody(c, o) + "}");
      break;
    case kSTuner:
      c.Put("} => {" + TunerBody(c, in) + "}");  // _IOW: the kernel writes nothing back
      break;
    case kQueryCtrl:
      c.Put(", type=" + Enum("v4l2_control_types", At<uint32_t>(o, 4)) +
            ", name=" + CharArray(c, o, 8, 32));
      if (!c.opt.verbose) {
        c.Put(", ...}");
        break;
      }
      c.Put(", minimum=" + S(o, 40) + ", maximum=" + S(o, 44) + ", step=" + S(o, 48) +
            ", default_value=" + S(o, 52) + ", flags=" +
            FlagsDflt("v4l2_control_flags", At<uint32_t>(o, 56)) + Reserved(o, 60, 2) + "}");
      break;
    case kQueryExtCtrl: {
      c.Put(", type=" + Enum("v4l2_control_types", At<uint32_t>(o, 4)) +
            ", name=" + CharArray(c, o, 8, 32));
      if (!c.opt.verbose) {
        c.Put(", ...}");
        break;
      }
      uint32_t dims = At<uint32_t>(o, 84);
      std::string s =
          ", minimum=" + Dec(At<int64_t>(o, 40)) + ", maximum=" + Dec(At<int64_t>(o, 48)) +
          ", step=" + UDec(At<uint64_t>(o, 56)) + ", default_value=" + Dec(At<int64_t>(o, 64)) +
          ", flags=" + FlagsDflt("v4l2_control_flags", At<uint32_t>(o, 72)) +
          ", elem_size=" + U(o, 76) + ", elems=" + U(o, 80) + ", nr_of_dims=" + UDec(dims) +
          ", dims=[";
      for (uint32_t i = 0; i < dims && i < 4; i++)
        s += (i ? ", " : "") + U(o, 88 + 4 * i);
      c.Put(s + "]" + Reserved(o, 104, 32) + "}");
      break;
    }
    case kCropCap:
      c.Put(", bounds=" + Rect(o, 4) + ", defrect=" + Rect(o, 20) + ", pixelaspect=" + U(o, 36) +
            "/" + U(o, 40) + "}");
      break;
    case kGCrop:
      c.Put(", c=" + Rect(o, 4) + "}");
      break;
    case kEnumFrameSizes: {
      uint32_t type = At<uint32_t>(o, 8);
      std::string s = ", type=" + Enum("v4l2_framesize_types", type);
      if (type == 1)
        s += ", discrete={width=" + U(o, 12) + ", height=" + U(o, 16) + "}";
      else if (type == 3)
        s += ", stepwise={min_width=" + U(o, 12) + ", max_width=" + U(o, 16) +
             ", step_width=" + U(o, 20) + ", min_height=" + U(o, 24) + ", max_height=" + U(o, 28) +
             ", step_height=" + U(o, 32) + "}";
      c.Put(s + "}");
      break;
    }
    case kEnumFrameIntervals: {
      uint32_t type = At<uint32_t>(o, 16);
      std::string s = ", type=" + Enum("v4l2_frameinterval_types", type);
      if (type == 1)
        s += ", discrete=" + U(o, 20) + "/" + U(o, 24);
      else if (type == 2 || type == 3)
        s += ", stepwise={min=" + U(o, 20) + "/" + U(o, 24) + ", max=" + U(o, 28) + "/" + U(o, 32) +
             ", step=" + U(o, 36) + "/" + U(o, 40) + "}";
      c.Put(s + "}");
      break;
    }
    default:
      c.Put("}");
  }
}

// The requests whose struct has a part the kernel fills in (see PrintResult).
bool HasResult(uint32_t req) {
  switch (req) {
    case kEnumFmt:
    case kGFmt:
    case kSFmt:
    case kTryFmt:
    case kReqBufs:
    case kQueryBuf:
    case kQBuf:
    case kDqBuf:
    case kGParm:
    case kSParm:
    case kEnumStd:
    case kEnumInput:
    case kGCtrl:
    case kSCtrl:
    case kGTuner:
    case kSTuner:
    case kQueryCtrl:
    case kQueryExtCtrl:
    case kCropCap:
    case kGCrop:
    case kEnumFrameSizes:
    case kEnumFrameIntervals:
      return true;
  }
  return false;
}

// What the kernel only writes (_IOR), after a successful call.
std::string ReadOnlyResult(const Ctx& c, uint32_t req, const std::string& o) {
  switch (req) {
    case kQueryCap: {
      uint32_t v = At<uint32_t>(o, 80), caps = At<uint32_t>(o, 84);
      std::string s =
          "{driver=" + CharArray(c, o, 0, 16) + ", card=" + CharArray(c, o, 16, 32) +
          ", bus_info=" + CharArray(c, o, 48, 32) + ", version=" +
          Styled(HexString(v), "KERNEL_VERSION(" + UDec(v >> 16) + ", " + UDec((v >> 8) & 0xff) +
                                   ", " + UDec(v & 0xff) + ")") +
          ", capabilities=" + FlagsDflt("v4l2_device_capabilities", caps) +
          ", device_caps=" + FlagsDflt("v4l2_device_capabilities", At<uint32_t>(o, 88));
      return s + "}";
    }
    case kGFbuf:
      return FrameBuffer(o);
    case kGStd:
      return "[" + HexString(At<uint64_t>(o, 0)) + "]";
    case kGInput:
      return "[" + U(o, 0) + "]";
  }
  return "";
}

}  // namespace

bool DecodeV4l2Ioctl(Ctx& c, uint32_t req) {
  // Not in -e verbose=: strace decodes no Video4Linux2 argument (the number is printed).
  if (((req >> 8) & 0xff) != 'V' || !Table("v4l2_ioctl_cmds").Name(req) || !c.Verbose())
    return false;
  bool read_only = req == kQueryCap || req == kGFbuf || req == kGStd || req == kGInput;
  if (!read_only && !HasResult(req)) {
    switch (req) {
      case kSFbuf:
      case kStreamOn:
      case kStreamOff:
      case kSStd:
      case kSInput:
      case kSCrop:
      case kGExtCtrls:
      case kSExtCtrls:
      case kTryExtCtrls:
      case kCreateBufs:
        break;
      default:
        return false;  // no decoder: the address
    }
  }
  if (!c.A(2)) {
    c.Put("NULL");
    return true;
  }
  if (read_only) {  // _IOR: at exit, when the call succeeded; else the address
    c.ToExit();
    const Buffer* b = c.Out(2);
    if (c.Redacted(b))
      return true;
    std::string s = b ? ReadOnlyResult(c, req, b->data) : "";
    c.Put(s.empty() ? PtrString(c.A(2)) : s);
    return true;
  }
  const Buffer* b = c.In(2);
  if (!b) {
    c.Ptr(c.A(2));
    return true;
  }
  if (c.Redacted(b))
    return true;
  const std::string& d = b->data;
  switch (req) {
    case kEnumFmt:
      c.Put("{index=" + U(d, 0) + ", type=" + BufType(At<uint32_t>(d, 4)));
      break;
    case kGFmt:
    case kGParm:
    case kCropCap:
    case kGCrop:
      c.Put("{type=" + BufType(At<uint32_t>(d, 0)));
      break;
    case kSFmt:
    case kTryFmt: {
      std::string body = FormatBody(c, d, false);
      c.Put("{type=" + BufType(At<uint32_t>(d, 0)) + (body.empty() ? "" : ", " + body));
      break;
    }
    case kReqBufs:
      c.Put("{type=" + BufType(At<uint32_t>(d, 4)) +
            ", memory=" + Enum("v4l2_memories", At<uint32_t>(d, 8)) + ", count=" + U(d, 0));
      break;
    case kQueryBuf:
    case kQBuf:
      c.Put("{type=" + BufType(At<uint32_t>(d, 4)) + ", index=" + U(d, 0));
      break;
    case kDqBuf:
      c.Put("{type=" + BufType(At<uint32_t>(d, 4)));
      break;
    case kSFbuf:
      c.Put(FrameBuffer(d));
      break;
    case kStreamOn:
    case kStreamOff:
      c.Put("[" + BufType(At<uint32_t>(d, 0)) + "]");
      break;
    case kSParm: {
      std::string body = ParmBody(d);
      c.Put("{type=" + BufType(At<uint32_t>(d, 0)) + (body.empty() ? "" : ", " + body));
      break;
    }
    case kSStd:
      c.Put("[" + HexString(At<uint64_t>(d, 0)) + "]");
      break;
    case kEnumStd:
    case kEnumInput:
    case kGTuner:
      c.Put("{index=" + U(d, 0));
      break;
    case kGCtrl:
      c.Put("{id=" + ControlId(At<uint32_t>(d, 0)));
      break;
    case kSCtrl:
      c.Put("{id=" + ControlId(At<uint32_t>(d, 0)) + ", value=" + S(d, 4));
      break;
    case kSTuner:
      c.Put("{index=" + U(d, 0) + ", " + TunerBody(c, d));
      break;
    case kQueryCtrl:
    case kQueryExtCtrl:
      c.Put("{id=" + QueriedControlId(At<uint32_t>(d, 0)));
      break;
    case kSInput:
      c.Put("[" + U(d, 0) + "]");
      break;
    case kSCrop:
      c.Put("{type=" + BufType(At<uint32_t>(d, 0)) + ", c=" + Rect(d, 4) + "}");
      break;
    case kGExtCtrls:
    case kSExtCtrls:
    case kTryExtCtrls:
      ExtCtrls(c, req == kGExtCtrls, d);
      break;
    case kEnumFrameSizes:
      c.Put("{index=" + U(d, 0) + ", pixel_format=" + Fourcc(At<uint32_t>(d, 4)));
      break;
    case kEnumFrameIntervals:
      c.Put("{index=" + U(d, 0) + ", pixel_format=" + Fourcc(At<uint32_t>(d, 4)) +
            ", width=" + U(d, 8) + ", height=" + U(d, 12));
      break;
    case kCreateBufs:
      c.Put("{count=" + U(d, 4) + ", memory=" + Enum("v4l2_memories", At<uint32_t>(d, 8)) +
            ", format=" + Format(c, d.substr(16), false) + "}");
      break;
  }
  if (!HasResult(req))
    return true;
  c.ToExit();
  const Buffer* o = c.Out(2);
  if (req == kSTuner && c.ok())
    o = b;
  if (!o || c.Redacted(o)) {
    if (!o)
      c.Put("}");
    return true;
  }
  PrintResult(c, req, o->data, d);
  return true;
}

// VIDIOC_CREATE_BUFS returns the index and count of the buffers it made: "0 ({index=0, count=2})".
std::string V4l2IoctlReturn(const Syscall& sc, const DecodeEnv& env) {
  if (static_cast<uint32_t>(sc.args[1]) != kCreateBufs || !sc.returned() || sc.error() ||
      !CallVerbose(*env.opt, sc.nr))
    return "";
  const Buffer* b = sc.Find(2, true, format::kBufferPlain, 0);
  if (!b || b->read_errno || b->redacted || b->data.size() < 8)
    return "";
  return Dec(sc.ret) + " ({index=" + U(b->data, 0) + ", count=" + U(b->data, 4) + "})";
}

}  // namespace strec::replay::detail

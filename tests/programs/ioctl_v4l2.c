// Video4Linux2 ioctls (linux/videodev2.h) on fd -1 and on /dev/null (which has no such
// requests): the structs each request passes with their enums, flags, fourcc codes and control
// ids known and unknown; NULL, unreadable and half-readable arguments; v4l2_format by buffer
// type with its overlay clips (none, NULL, running into an unmapped page); v4l2_ext_controls
// with no controls, unreadable ones, values and strings, and a last control in the hole;
// requests strec does not decode and unknown 'V' requests.
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "page_before_hole.h"

static char* end;

// An object of `size` bytes ending at the unmapped page, filled with a pattern.
static void* AtEnd(size_t size) {
  char* p = end - size;
  for (size_t i = 0; i < size; i++)
    p[i] = (char)(0x80 + i);
  return p;
}

static void Formats(int fd, unsigned long req) {
  struct v4l2_format* f = AtEnd(sizeof *f);
  static const unsigned types[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0, 15};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    memset(f, 0x5a, sizeof *f);
    f->type = types[i];
    switch (types[i]) {
      case 1:
      case 2:
        f->fmt.pix.width = 640;
        f->fmt.pix.height = 480;
        f->fmt.pix.pixelformat = types[i] == 1 ? V4L2_PIX_FMT_YUYV : 0x0127415c;
        f->fmt.pix.field = types[i] == 1 ? V4L2_FIELD_INTERLACED : 42;
        f->fmt.pix.colorspace = types[i] == 1 ? V4L2_COLORSPACE_SRGB : 99;
        break;
      case 9:
      case 10:
        f->fmt.pix_mp.pixelformat = V4L2_PIX_FMT_NV12M;
        f->fmt.pix_mp.field = V4L2_FIELD_NONE;
        f->fmt.pix_mp.colorspace = V4L2_COLORSPACE_REC709;
        f->fmt.pix_mp.num_planes = types[i] == 9 ? 2 : 0;
        break;
      case 3:
      case 8: {
        struct v4l2_clip* clips = AtEnd(2 * sizeof *clips);
        f = AtEnd(sizeof *f + 2 * sizeof *clips);
        memset(f, 0x5a, sizeof *f);
        f->type = types[i];
        f->fmt.win.field = V4L2_FIELD_ANY;
        f->fmt.win.clips = clips;
        f->fmt.win.clipcount = types[i] == 3 ? 3 : 2;  // the third is in the hole
        f->fmt.win.bitmap = NULL;
        f->fmt.win.global_alpha = 0;
        ioctl(fd, req, f);
        f->fmt.win.clipcount = 0;
        ioctl(fd, req, f);
        f->fmt.win.clipcount = 1;
        f->fmt.win.clips = NULL;
        break;
      }
      case 4:
      case 5:
        f->fmt.vbi.sample_format = V4L2_PIX_FMT_GREY;
        f->fmt.vbi.flags = types[i] == 4 ? V4L2_VBI_UNSYNC | V4L2_VBI_INTERLACED : 0x40;
        break;
      case 6:
      case 7:
        f->fmt.sliced.service_set = types[i] == 6 ? V4L2_SLICED_VBI_625 : 0x8000;
        break;
      case 11:
      case 12:
        f->fmt.sdr.pixelformat = V4L2_SDR_FMT_CU8;
        break;
      case 13:
      case 14:
        f->fmt.meta.dataformat = V4L2_META_FMT_UVC;
        break;
    }
    ioctl(fd, req, f);
    f = AtEnd(sizeof *f);
  }
  ioctl(fd, req, NULL);
  ioctl(fd, req, end - 4);  // runs into the hole
}

static void Controls(int fd) {
  static const unsigned ids[] = {0,        V4L2_CID_BRIGHTNESS,
                                 0x980000, 0x990a64,
                                 0xa31234, 0xa60000,
                                 0x97abcd, V4L2_CID_AUTOGAIN,
                                 0x9a0901, V4L2_CID_CAMERA_CLASS};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    struct v4l2_control c = {ids[i], (int)(i * 1000 - 3000)};
    ioctl(fd, VIDIOC_G_CTRL, &c);
    ioctl(fd, VIDIOC_S_CTRL, &c);
    struct v4l2_queryctrl q = {.id = ids[i]};
    ioctl(fd, VIDIOC_QUERYCTRL, &q);
    q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
    ioctl(fd, VIDIOC_QUERYCTRL, &q);
    struct v4l2_query_ext_ctrl qe = {.id = q.id | V4L2_CTRL_FLAG_NEXT_COMPOUND};
    ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &qe);
  }
  ioctl(fd, VIDIOC_G_CTRL, NULL);
  ioctl(fd, VIDIOC_S_CTRL, end - 4);

  struct v4l2_ext_control* ctrls = AtEnd(3 * sizeof *ctrls);
  struct v4l2_ext_controls* ec = AtEnd(3 * sizeof *ctrls + sizeof *ec);
  memset(ctrls, 0, 3 * sizeof *ctrls);
  static char str[] = "ab\0c\377";
  ctrls[0].id = V4L2_CID_CONTRAST;
  ctrls[0].value64 = -2;
  ctrls[1].id = 0xa31234;
  ctrls[1].size = 5;
  ctrls[1].string = str;
  ctrls[2].id = 0x1234;
  ctrls[2].size = 3;
  ctrls[2].string = end - 1;  // runs into the hole
  static const unsigned long reqs[] = {VIDIOC_S_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS,
                                       VIDIOC_G_EXT_CTRLS};
  for (size_t i = 0; i < 3; i++) {
    ec->ctrl_class = V4L2_CTRL_CLASS_USER;
    ec->count = 0;
    ec->controls = ctrls;
    ioctl(fd, reqs[i], ec);
    ec->ctrl_class = 0x160000;
    ec->count = 3;
    ioctl(fd, reqs[i], ec);
    ec->ctrl_class = V4L2_CTRL_CLASS_CAMERA;
    ec->count = 2;
    ioctl(fd, reqs[i], ec);
    ec->count = 4;  // the fourth is in the hole
    ioctl(fd, reqs[i], ec);
    ec->controls = (void*)(end + 16);
    ioctl(fd, reqs[i], ec);
    ec->controls = NULL;
    ioctl(fd, reqs[i], ec);
    ioctl(fd, reqs[i], NULL);
    ioctl(fd, reqs[i], end - 8);
  }
}

static void Others(int fd) {
  struct v4l2_fmtdesc fd_ = {.index = 3, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
  ioctl(fd, VIDIOC_ENUM_FMT, &fd_);
  fd_.type = 77;
  ioctl(fd, VIDIOC_ENUM_FMT, &fd_);
  ioctl(fd, VIDIOC_G_FMT, AtEnd(sizeof(struct v4l2_format)));
  struct v4l2_format gf = {.type = V4L2_BUF_TYPE_META_OUTPUT};
  ioctl(fd, VIDIOC_G_FMT, &gf);

  struct v4l2_requestbuffers rb = {.count = 4, .type = 1, .memory = V4L2_MEMORY_DMABUF};
  ioctl(fd, VIDIOC_REQBUFS, &rb);
  ioctl(fd, VIDIOC_REQBUFS, AtEnd(sizeof rb));
  struct v4l2_buffer b = {.index = 7, .type = 2};
  ioctl(fd, VIDIOC_QUERYBUF, &b);
  ioctl(fd, VIDIOC_QBUF, &b);
  ioctl(fd, VIDIOC_DQBUF, &b);
  ioctl(fd, VIDIOC_QBUF, end - 8);

  struct v4l2_framebuffer fb = {.capability = V4L2_FBUF_CAP_CHROMAKEY, .flags = 3, .base = NULL};
  ioctl(fd, VIDIOC_S_FBUF, &fb);
  fb.base = &fb;
  ioctl(fd, VIDIOC_S_FBUF, &fb);
  ioctl(fd, VIDIOC_G_FBUF, &fb);

  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  ioctl(fd, VIDIOC_STREAMON, &type);
  type = 0;
  ioctl(fd, VIDIOC_STREAMOFF, &type);
  ioctl(fd, VIDIOC_STREAMOFF, end - 2);

  struct v4l2_streamparm sp;
  memset(&sp, 0, sizeof sp);
  sp.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  sp.parm.capture.capability = V4L2_CAP_TIMEPERFRAME | 0x10;
  sp.parm.capture.timeperframe.numerator = 1;
  sp.parm.capture.timeperframe.denominator = 30;
  sp.parm.capture.readbuffers = 4;
  ioctl(fd, VIDIOC_S_PARM, &sp);
  ioctl(fd, VIDIOC_G_PARM, &sp);
  sp.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
  sp.parm.output.outputmode = 3;
  ioctl(fd, VIDIOC_S_PARM, &sp);
  sp.type = V4L2_BUF_TYPE_VBI_CAPTURE;
  ioctl(fd, VIDIOC_S_PARM, &sp);

  v4l2_std_id std = V4L2_STD_PAL_B | V4L2_STD_NTSC_M;
  ioctl(fd, VIDIOC_S_STD, &std);
  ioctl(fd, VIDIOC_G_STD, &std);
  struct v4l2_standard st = {.index = 2};
  ioctl(fd, VIDIOC_ENUMSTD, &st);
  struct v4l2_input in = {.index = 1};
  ioctl(fd, VIDIOC_ENUMINPUT, &in);
  int input = 2;
  ioctl(fd, VIDIOC_S_INPUT, &input);
  ioctl(fd, VIDIOC_G_INPUT, &input);

  struct v4l2_tuner t;
  memset(&t, 0, sizeof t);
  t.index = 1;
  strcpy((char*)t.name, "tuner \"one\"\n");
  t.type = V4L2_TUNER_ANALOG_TV;
  t.capability = V4L2_TUNER_CAP_NORM | V4L2_TUNER_CAP_STEREO | 0x8000;
  t.rxsubchans = V4L2_TUNER_SUB_STEREO | V4L2_TUNER_SUB_RDS;
  t.audmode = V4L2_TUNER_MODE_LANG1_LANG2;
  t.signal = -5;
  t.afc = 7;
  ioctl(fd, VIDIOC_S_TUNER, &t);
  memset(t.name, 'x', sizeof t.name);  // no NUL
  t.type = 9;
  t.audmode = 9;
  ioctl(fd, VIDIOC_S_TUNER, &t);
  ioctl(fd, VIDIOC_G_TUNER, &t);

  struct v4l2_cropcap cc = {.type = V4L2_BUF_TYPE_VIDEO_OVERLAY};
  ioctl(fd, VIDIOC_CROPCAP, &cc);
  struct v4l2_crop cr = {.type = 1, .c = {-1, 2, 3, 4}};
  ioctl(fd, VIDIOC_G_CROP, &cr);
  ioctl(fd, VIDIOC_S_CROP, &cr);

  struct v4l2_frmsizeenum fs = {.index = 0, .pixel_format = V4L2_PIX_FMT_MJPEG};
  ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs);
  fs.pixel_format = 0x00ff7f20;  // ' ', DEL, 0xff, NUL
  ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs);
  struct v4l2_frmivalenum fi = {.index = 1, .pixel_format = V4L2_PIX_FMT_H264, 1920, 1080};
  ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi);

  struct v4l2_create_buffers cb;
  memset(&cb, 0, sizeof cb);
  cb.count = 2;
  cb.memory = V4L2_MEMORY_MMAP;
  cb.format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  cb.format.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
  ioctl(fd, VIDIOC_CREATE_BUFS, &cb);
  ioctl(fd, VIDIOC_CREATE_BUFS, AtEnd(sizeof cb));

  // Arrays longer than -s: 32 elements, then "...".
  static struct v4l2_ext_control many[40];
  for (unsigned i = 0; i < 40; i++)
    many[i].id = V4L2_CID_BRIGHTNESS + i;
  struct v4l2_ext_controls lots = {
      .ctrl_class = V4L2_CTRL_CLASS_USER, .count = 40, .controls = many};
  ioctl(fd, VIDIOC_S_EXT_CTRLS, &lots);
  static struct v4l2_clip clips[40];
  struct v4l2_format win;
  memset(&win, 0, sizeof win);
  win.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_OVERLAY;
  win.fmt.win.clips = clips;
  win.fmt.win.clipcount = 40;
  ioctl(fd, VIDIOC_S_FMT, &win);

  ioctl(fd, VIDIOC_QUERYCAP, NULL);
  ioctl(fd, VIDIOC_QUERYCAP, end - 8);
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  strcpy((char*)cap.driver, "uvcvideo");
  cap.version = 0x060100;
  cap.capabilities = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
  cap.device_caps = V4L2_CAP_VIDEO_CAPTURE;
  ioctl(fd, VIDIOC_QUERYCAP, &cap);  // no V4L2_CAP_DEVICE_CAPS
  cap.capabilities |= V4L2_CAP_DEVICE_CAPS;
  ioctl(fd, VIDIOC_QUERYCAP, &cap);
  for (unsigned memory = 3; memory <= 5; memory++) {  // OVERLAY, DMABUF, unknown
    struct v4l2_buffer vb = {.index = 1, .type = 1, .memory = memory, .flags = 0x4001};
    vb.m.fd = 5;
    ioctl(fd, VIDIOC_DQBUF, &vb);
  }
  struct v4l2_frmsizeenum fsz = {.index = 1, .pixel_format = V4L2_PIX_FMT_YUYV, .type = 2};
  ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fsz);
  struct v4l2_frmivalenum fiv = {.index = 1, .pixel_format = V4L2_PIX_FMT_YUYV, .type = 2};
  ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fiv);
  // Requests strec prints the address of, and unknown ones of type 'V'.
  ioctl(fd, VIDIOC_G_AUDIO, &t);
  ioctl(fd, VIDIOC_LOG_STATUS, 0);
  ioctl(fd, VIDIOC_G_SELECTION, 0x1234);
  ioctl(fd, _IOC(_IOC_NONE, 'V', 104, 0), 0);
  ioctl(fd, _IOC(_IOC_READ, 'V', 200, 8), 0);
  ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, 'V', 3, 16), &t);
  ioctl(fd, _IOC(_IOC_WRITE, 'V', 45, 4), &input);
  ioctl(fd, _IOC(_IOC_NONE, 0, 0, 0), 0);
}

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);
  if (!map)
    return 1;
  end = map + page;
  int null = open("/dev/null", O_RDWR);
  if (null < 0)
    return 1;
  Formats(-1, VIDIOC_S_FMT);
  Formats(-1, VIDIOC_TRY_FMT);
  Formats(null, VIDIOC_S_FMT);
  Controls(-1);
  Controls(null);
  Others(-1);
  Others(null);
  close(null);
  return 0;
}

/* The Video4Linux2 requests whose struct points to more memory that strace shows, for both
 * recorders (capture_v4l2.cc and strec.bpf.c), so it is C. Request numbers and layouts
 * (x86_64) from <linux/videodev2.h>. */
#ifndef STREC_RECORD_BPF_V4L2_ARRAYS_H_
#define STREC_RECORD_BPF_V4L2_ARRAYS_H_

#define STREC_V4L2_CLIP_SIZE 24    /* struct v4l2_clip */
#define STREC_V4L2_CONTROL_SIZE 20 /* struct v4l2_ext_control (packed) */
#define STREC_V4L2_EXT_CONTROLS 32 /* sizeof(struct v4l2_ext_controls) */
#define STREC_V4L2_CONTROLS_MAX 64 /* the controls (and their strings) kept */
#define STREC_V4L2_CLIPS_MAX 64    /* the clips kept */

/* VIDIOC_G_FMT, VIDIOC_S_FMT, VIDIOC_TRY_FMT, VIDIOC_CREATE_BUFS: the offset of their struct
 * v4l2_format, whose overlay window (types 3 and 8) has clips[clipcount] at 8 + 24 (count at
 * 8 + 32); -1 for other requests. */
static inline int strec_v4l2_format_offset(unsigned long req) {
  switch (req & 0xffffffff) {
    case 0xc0d05604: /* VIDIOC_G_FMT */
    case 0xc0d05605: /* VIDIOC_S_FMT */
    case 0xc0d05640: /* VIDIOC_TRY_FMT */
      return 0;
    case 0xc100565c: /* VIDIOC_CREATE_BUFS */
      return 16;
  }
  return -1;
}

/* VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS: struct v4l2_ext_controls, its
 * count at 4 and controls at 24; each control's size at 4 and, when nonzero, the pointer to its
 * payload (a string) at 12. strace shows them again after the call, whatever its result. */
static inline int strec_v4l2_is_ext_ctrls(unsigned long req) {
  req &= 0xffffffff;
  return req == 0xc0205647 || req == 0xc0205648 || req == 0xc0205649;
}

#endif /* STREC_RECORD_BPF_V4L2_ARRAYS_H_ */

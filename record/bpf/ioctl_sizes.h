/* What ioctl's third argument points to: its size and which way it goes. The _IOC encoding says
 * it for most requests; the tty ioctls that predate it and the requests whose encoded size is
 * not what the kernel copies are listed. Shared by the ptrace capture (capture.cc) and the BPF
 * program (strec.bpf.c), so it is C. Values from <asm-generic/ioctls.h> and termbits.h
 * (struct termios is 36 bytes in the kernel's layout, struct termio 18), linux/hdreg.h, linux/fs.h
 * and linux/loop.h. */
#ifndef STREC_RECORD_BPF_IOCTL_SIZES_H_
#define STREC_RECORD_BPF_IOCTL_SIZES_H_

/* Returns the size (0: not one of them); *in: read at entry, *out: read at exit. */
static inline unsigned int strec_legacy_ioctl_size(unsigned long req, int* in, int* out) {
  *in = *out = 0;
  switch (req) {
    case 0x5401: /* TCGETS */
      *out = 1;
      return 36;
    case 0x5402: /* TCSETS */
    case 0x5403: /* TCSETSW */
    case 0x5404: /* TCSETSF */
      *in = 1;
      return 36;
    case 0x5405: /* TCGETA */
      *out = 1;
      return 18;
    case 0x5406: /* TCSETA */
    case 0x5407: /* TCSETAW */
    case 0x5408: /* TCSETAF */
      *in = 1;
      return 18;
    case 0x540F: /* TIOCGPGRP */
    case 0x5411: /* TIOCOUTQ */
    case 0x5415: /* TIOCMGET */
    case 0x541B: /* FIONREAD */
    case 0x5429: /* TIOCGSID */
      *out = 1;
      return 4;
    case 0x5410: /* TIOCSPGRP */
    case 0x5421: /* FIONBIO */
    case 0x5452: /* FIOASYNC */
    case 0x5416: /* TIOCMBIS */
    case 0x5417: /* TIOCMBIC */
    case 0x5418: /* TIOCMSET */
      *in = 1;
      return 4;
    case 0x5413: /* TIOCGWINSZ */
      *out = 1;
      return 8;
    case 0x5414: /* TIOCSWINSZ */
      *in = 1;
      return 8;
    case 0x0301: /* HDIO_GETGEO: struct hd_geometry */
      *out = 1;
      return 16;
    case 0x0302: /* HDIO_GET_UNMASKINTR and the other HDIO getters of a long */
    case 0x0304:
    case 0x0308:
    case 0x0309:
    case 0x030a:
    case 0x030b:
    case 0x030c:
    case 0x030e:
    case 0x030f:
    case 0x0310:
    case 0x031a:
      *out = 1;
      return 8;
    case 0x0307: /* HDIO_OBSOLETE_IDENTITY */
      *out = 1;
      return 142;
    case 0x030d: /* HDIO_GET_IDENTITY */
      *out = 1;
      return 512;
    case 0x031c: /* HDIO_DRIVE_RESET, HDIO_SCAN_HWIF: int[3] */
    case 0x0328:
      *in = 1;
      return 12;
    case 0x031f: /* HDIO_DRIVE_CMD: struct hd_drive_cmd_hdr, then its data (capture.cc) */
      *in = *out = 1;
      return 4;
    case 0x40187013: /* RTC_PARAM_GET: _IOW, but the kernel writes the value back */
      *in = *out = 1;
      return 24;
    case 0x4c02: /* LOOP_SET_STATUS: struct loop_info */
      *in = 1;
      return 168;
    case 0x4c03: /* LOOP_GET_STATUS */
      *out = 1;
      return 168;
    case 0x4c04: /* LOOP_SET_STATUS64: struct loop_info64 */
      *in = 1;
      return 232;
    case 0x4c05: /* LOOP_GET_STATUS64 */
      *out = 1;
      return 232;
    case 0x4c0a: /* LOOP_CONFIGURE: struct loop_config */
      *in = 1;
      return 304;
    case 0xb704: /* NS_GET_OWNER_UID: _IO(0xb7, 4), the kernel writes a uid_t */
      *out = 1;
      return 4;
    /* FS_IOC_GETFLAGS, FS_IOC_GETVERSION: _IOR(.., long), the kernel writes an int. */
    case 0x80086601:
    case 0x80087601:
      *out = 1;
      return 4;
    case 0x40086602: /* FS_IOC_SETFLAGS, FS_IOC_SETVERSION: _IOW(.., long), an int is read */
    case 0x40087602:
      *in = 1;
      return 4;
    default:
      return 0;
  }
}

/* Any request: the size (0: nothing to copy); *in: read at entry, *out: read at exit. */
static inline unsigned int strec_ioctl_size(unsigned long req, int* in, int* out) {
  unsigned int size;
  req &= 0xffffffff;
  size = strec_legacy_ioctl_size(req, in, out);
  if (size || !(req >> 30))
    return size;
  *in = (req >> 30) & 1;  /* _IOC_WRITE: user to kernel */
  *out = (req >> 31) & 1; /* _IOC_READ: kernel to user */
  return (req >> 16) & 0x3fff;
}

/* FS_IOC_FIEMAP's struct fiemap is followed by fm_mapped_extents struct fiemap_extent (56
 * bytes each) the kernel writes: the first ones of them are copied at exit (kBufferAux 0). */
#define STREC_FS_IOC_FIEMAP 0xc020660bu
#define STREC_FIEMAP_EXTENTS_MAX 128

#endif /* STREC_RECORD_BPF_IOCTL_SIZES_H_ */

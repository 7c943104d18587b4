/* The tty ioctls that predate the _IOC encoding: the size of the object their third argument
 * points to, and which way it goes. Shared by the ptrace capture (capture.cc) and the BPF
 * program (strec.bpf.c), so it is C. Values from <asm-generic/ioctls.h> and termbits.h
 * (struct termios is 36 bytes in the kernel's layout, struct termio 18), and linux/hdreg.h. */
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
    default:
      return 0;
  }
}

#endif /* STREC_RECORD_BPF_IOCTL_SIZES_H_ */

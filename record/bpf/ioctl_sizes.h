/* The tty ioctls that predate the _IOC encoding: the size of the object their third argument
 * points to, and which way it goes. Shared by the ptrace capture (capture.cc) and the BPF
 * program (strec.bpf.c), so it is C. Values from <asm-generic/ioctls.h> and termbits.h
 * (struct termios is 36 bytes in the kernel's layout, struct termio 18). */
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
      *in = 1;
      return 4;
    case 0x5413: /* TIOCGWINSZ */
      *out = 1;
      return 8;
    case 0x5414: /* TIOCSWINSZ */
      *in = 1;
      return 8;
    default:
      return 0;
  }
}

#endif /* STREC_RECORD_BPF_IOCTL_SIZES_H_ */

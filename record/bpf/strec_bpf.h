/* The records that record/bpf/strec.bpf.c writes to its ring buffer and bpf_recorder.cc reads:
 * one layout, shared by the BPF program (built with clang -target bpf, types from vmlinux.h)
 * and the recorder (C++, types from <linux/types.h>). Every record starts with strec_hdr and is
 * a multiple of 8 bytes; a syscall record is followed by `nbufs` strec_buf, each followed by
 * its `len` bytes of data, padded to 8. */
#ifndef STREC_RECORD_BPF_STREC_BPF_H_
#define STREC_RECORD_BPF_STREC_BPF_H_

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Syscall numbers the capture table covers (x86_64 has fewer than 512). */
#define STREC_NR_MAX 512
/* Bytes of one buffer at most; a record starts its last buffer before STREC_SCRATCH_HALF (a per-CPU
 * map value is at most 32 KiB). */
#define STREC_READ_MAX 8192
#define STREC_SCRATCH_HALF 16384
#define STREC_SCRATCH 32768 /* > STREC_SCRATCH_HALF + STREC_READ_MAX + headers */
/* iovec elements and argv strings captured at most. */
#define STREC_IOV_MAX 16
#define STREC_ARGV_MAX 64
#define STREC_MMSG_MAX 256 /* messages of a sendmmsg/recvmmsg (snaplen cuts them earlier) */

enum strec_rec_type {
  STREC_REC_ENTER = 1,  /* strec_syscall: a syscall entry, with the buffers read at entry */
  STREC_REC_EXIT = 2,   /* strec_syscall: its exit, ret set, with the buffers read at exit */
  STREC_REC_SPAWN = 3,  /* strec_spawn */
  STREC_REC_EXEC = 4,   /* strec_exec: a successful execve, seen in the new image */
  STREC_REC_GONE = 5,   /* strec_gone: a thread ended */
  STREC_REC_SIGNAL = 6, /* strec_signal: a signal was delivered */
  STREC_REC_NEW = 7,    /* strec_new: the selection (-a, --cgroup, --comm, -u) took up a thread */
};

struct strec_hdr {
  __u32 size; /* the whole record, header included */
  __u16 type;
  __u16 nbufs;
  __s32 tid;
  __s32 tgid;
  __u64 time_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
};

struct strec_syscall {
  struct strec_hdr h;
  __s32 nr;
  __u32 flags; /* STREC_SC_* */
  __u64 args[6];
  __s64 ret; /* STREC_REC_EXIT only */
  __u64 ip;
};

/* strec_syscall.flags */
#define STREC_SC_NO_ENTRY 1  /* an exit whose entry was not seen (tracing began inside it) */
#define STREC_SC_TRUNCATED 2 /* buffers left out: the record's scratch space ran out */

struct strec_buf {
  __u8 arg;
  __u8 out;
  __u8 kind; /* format::BufferKind */
  __u8 pad;
  __u32 index;
  __u64 addr;
  __u64 full_len;
  __s32 err; /* errno of a failed read (the data is then empty) */
  __u32 len; /* bytes of data that follow (then padding to 8) */
};

struct strec_spawn {
  struct strec_hdr h; /* the parent */
  __s32 child_tid;
  __s32 child_tgid;
  __u64 clone_flags;
  __u32 syscall_nr; /* the parent's syscall: fork, vfork, clone or clone3 */
  __u32 pad;
};

struct strec_exec {
  struct strec_hdr h; /* tid: the thread that now leads the process */
  __s32 former_tid;   /* the thread that called execve */
  __u32 argc;         /* argv entries in `args` */
  __u32 args_len;     /* bytes of NUL-separated argv that follow the filename */
  __u32 filename_len; /* bytes of filename (no NUL) that follow this struct */
  /* then filename, then args (the new image's argv, as the kernel copied it) */
};

struct strec_gone {
  struct strec_hdr h;
  __s32 exit_code; /* the wait status: (code << 8) or the killing signal (| 0x80 core) */
  __u32 pad;
};

struct strec_signal {
  struct strec_hdr h;
  __s32 signo;
  __s32 code;
  __u64 handler;    /* 0: SIG_DFL, 1: SIG_IGN, else the handler */
  __u8 siginfo[48]; /* the kernel's siginfo (the user siginfo_t's first 48 bytes) */
  __u32 ignored;    /* generated but discarded: the target ignores it (a tracer sees it) */
  __u32 pad;
};

/* A thread taken up by the selection, before its first record: the recorder introduces its
 * process (command line, cwd, fds, cgroup from /proc; comm when it is gone already). */
struct strec_new {
  struct strec_hdr h;
  char comm[16];
  __u64 cgroup_id; /* its cgroup v2 id */
  __u32 uid;
  __u32 pad;
};

/* The selection's limits: --comm names and --cgroup directories. */
#define STREC_COMM_MAX 8
#define STREC_CGROUP_MAX 8

/* How the BPF program captures one argument: the recorder fills a table of these, one
 * strec_spec per syscall number, from format's syscall table. */
enum strec_cap {
  STREC_CAP_NONE = 0,
  STREC_CAP_STR,           /* NUL-terminated string at entry (up to `size` bytes) */
  STREC_CAP_IN,            /* bytes at entry: `size` bytes, or arg[len] cut to the snap length */
  STREC_CAP_OUT,           /* bytes at exit, when the call succeeded: `size`, arg[len] or ret */
  STREC_CAP_INOUT,         /* STREC_CAP_IN and STREC_CAP_OUT */
  STREC_CAP_IN_IOV,        /* struct iovec[arg[len]] and its data at entry */
  STREC_CAP_OUT_IOV,       /* struct iovec[arg[len]] at exit, its data up to ret bytes */
  STREC_CAP_STRARRAY,      /* argv: the pointers and their strings at entry */
  STREC_CAP_COUNT,         /* envp: only the number of entries (kBufferStringPtrs, no data) */
  STREC_CAP_IOCTL,         /* ioctl's argument: its size and direction from the request (arg 1) */
  STREC_CAP_ADDR_OUT,      /* at exit: as many bytes as the socklen at arg[len] says, up to `size`
                              (0: the snap length) */
  STREC_CAP_FDSET,         /* select's fd_set: (arg[len] + 63) / 64 * 8 bytes, at entry and exit */
  STREC_CAP_MSGHDR_IN,     /* sendmsg: the msghdr, its name, control data and iovecs at entry */
  STREC_CAP_MSGHDR_OUT,    /* recvmsg: the msghdr at entry; it, name, control, iovecs at exit */
  STREC_CAP_FUTEX_TIMEOUT, /* futex's struct timespec, for the ops that take one (arg 1) */
  STREC_CAP_FCNTL,         /* fcntl's struct flock or f_owner_ex, by command (arg 1) */
  STREC_CAP_VARIANT,       /* by the value of argument `len` (the selector, as 32 bits): the
                              capture the recorder put in variant_caps for this syscall, value
                              and argument (format/syscalls/variants.def), or none */
  STREC_CAP_SIGSET_ARG,    /* pselect6's { sigset pointer, size }, and the sigset behind it */
  STREC_CAP_MMSG,          /* sendmmsg/recvmmsg's struct mmsghdr array: at entry its vlen
                              (arg 2) entries; at exit the ret messages processed, each with its
                              name, control data and iovecs */
  STREC_CAP_EXT,           /* an extensible struct of arg[len] bytes of which the recorder knows
                              `size`: those at entry, the rest (up to byte STREC_EXT_MAX) as
                              kBufferAux 0; elem STREC_EXT_CLONE3: clone3's clone_args, with
                              its set_tid array (kBufferAux 1) at entry, and at the exit of a
                              successful call the struct again, the pidfd and the parent tid
                              (kBufferAux 2, 3) */
  STREC_CAP_FPROG,         /* a struct sock_fprog at entry, and its program of len instructions
                              (up to STREC_FPROG_MAX) as the argument's kBufferAux */
  STREC_CAP_SOCKOPT_IN,    /* setsockopt's optval: arg 4 bytes cut to the snap length; a socket
                              filter's program too (SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF) */
  STREC_CAP_SOCKOPT_OUT,   /* getsockopt's optval at exit: as many bytes as *arg 4 says (cut to
                              the snap length), instructions of 8 bytes for SO_GET_FILTER */
  STREC_CAP_MSGBUF,        /* a struct msgbuf (long mtype, then arg[len] bytes of text, cut to
                              the snap length): at entry (elem 0, msgsnd) or at the exit of a
                              successful call (elem 1, msgrcv) */
  STREC_CAP_QUOTA,         /* quotactl's address by the command in arg[len] >> 8: Q_QUOTAON's
                              path, or the struct the kernel reads (at entry) or writes (at the
                              exit of a successful call) */
  STREC_CAP_NODEMASK,      /* a node mask of arg[len] - 1 bits (unsigned longs), cut to the
                              snap length: at entry (elem 0), or at the exit of a successful
                              call (elem 1) */
  STREC_CAP_PAGES,         /* at exit, whatever the call returned: a byte per page of arg[len]
                              bytes (mincore's vector), cut to the snap length */
};
#define STREC_EXT_MAX 4096
#define STREC_EXT_CLONE3 1
/* sched_setattr's struct sched_attr: its size field, then as much as that says (0: 48 bytes)
 * up to 56; at an E2BIG exit the size field the kernel wrote. sched_getattr's: min(arg[len],
 * `size`) bytes at the exit of a successful call. */
#define STREC_EXT_SCHED_SET 2
#define STREC_EXT_SCHED_GET 3
#define STREC_SET_TID_MAX 64

/* The instructions of a classic BPF program kept (one buffer of STREC_READ_MAX bytes). */
#define STREC_FPROG_MAX (STREC_READ_MAX / 8)

/* The key of variant_caps: a syscall, its selector's value, one of its arguments. */
struct strec_variant_key {
  __s32 nr;
  __u32 value;
  __u32 arg;
};
#define STREC_VARIANT_MAX 4096

#define STREC_LEN_NONE 7
#define STREC_LEN_RET 6

struct strec_arg_cap {
  __u8 cap;   /* strec_cap */
  __u8 len;   /* the argument that holds the length (or count), STREC_LEN_RET, or STREC_LEN_NONE */
  __u16 elem; /* element size for arrays (count arg[len]); 0: arg[len] is a byte count */
  __u32 size; /* a fixed size (when len is STREC_LEN_NONE), or a cap on the length that
                 replaces the snap length */
};

/* strec_spec.flags: what the exit of a successful call names (kBufferFdPath, kBufferCwd). */
#define STREC_SPEC_RET_FD 1  /* the return value is a new fd */
#define STREC_SPEC_FCNTL 2   /* fcntl: F_DUPFD and F_DUPFD_CLOEXEC return a new fd */
#define STREC_SPEC_FD_PAIR 4 /* two new fds in the int[2] at the argument flags >> 8 */
#define STREC_SPEC_CWD 8     /* the working directory changed */
#define STREC_SPEC_SCM_RIGHTS \
  16 /* recvmsg: the fds received in the msghdr's (arg 1) control data */

struct strec_spec {
  __u8 traced;     /* record this syscall (the -e trace= set) */
  __u8 enter_args; /* the arguments from 0 to enter_args - 1 hold all that is read at entry */
  __u8 exit_args;  /* and at exit (an input read again at exit makes it all six) */
  __u8 int_args;   /* bit i: argument i is a C int, of which the kernel reads the low 32 bits
                      (what the program reads by it, a length or a count, is read so too) */
  __u32 flags;     /* STREC_SPEC_* */
  struct strec_arg_cap args[8]; /* 6 used: 8 lets the BPF program bound an index by a mask */
};

/* What strace -yy shows of a socket or pidfd: format::FdDetail's layout (fd_detail.h, checked
 * against it in bpf_recorder.cc), followed by a unix socket's name. */
struct strec_fd_detail {
  __u8 kind; /* 1 socket, 2 device, 3 pidfd */
  __u8 found;
  __u8 family;
  __u8 is_block;
  __u32 protocol;
  __u64 inode;
  __u64 peer_inode;
  __u32 portid;
  __u16 sport, dport;
  __u8 src[16], dst[16];
  char proto[16];
  __u32 major, minor;
  __s32 pid;
  __u32 reserved;
};

#endif /* STREC_RECORD_BPF_STREC_BPF_H_ */

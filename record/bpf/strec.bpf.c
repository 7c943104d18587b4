// SPDX-License-Identifier: GPL-2.0
/* strec-record's eBPF backend: syscall entries and exits of the traced threads, with their
 * argument buffers, and the process events around them (fork, exec, exit, signals), written to
 * a ring buffer that bpf_recorder.cc turns into trace events. The traced program is never
 * stopped: the cost is a few hundred nanoseconds per syscall in the kernel.
 *
 * What to capture comes from user space: `specs`, one strec_spec per syscall number, built
 * from the one syscall table (format/syscalls/x86_64.def). Which threads: `tasks`, filled by
 * the recorder with the command it starts or the processes it attaches to, and here with their
 * children (sched_process_fork) and, with a selection (-a, --cgroup, --comm, -u), with each
 * thread that matches it when it is first seen making a syscall or exec'ing (admit).
 *
 * GPL: bpf_probe_read_user and friends are GPL-only helpers. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ioctl_sizes.h"
#include "quota_sizes.h"
#include "strec_bpf.h"
#include "v4l2_arrays.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the recorder before loading. */
const volatile __u32 snaplen = 256;
const volatile __u32 follow = 1;
/* Wake the recorder only when this much is waiting (it polls with a timeout anyway): a wakeup
 * per record would cost a context switch per record. */
const volatile __u64 wake_bytes = 1 << 20;

/* The selection: with select_mode set, a thread not in `tasks` is taken up when it matches all of
 * what is given (no filter: every thread, -a). The recorder's own threads never match. */
const volatile __u32 select_mode = 0;
const volatile __u32 self_tgid = 0;
const volatile __u32 sel_uid = 0xffffffff; /* -u; all ones: any user */
const volatile __u32 n_comms = 0;
const volatile char sel_comms[STREC_COMM_MAX][16]; /* --comm, NUL-padded as the kernel's comm */
const volatile __u32 n_cgroups = 0;

/* --cgroup: the cgroup v2 directories (their descendants included), filled by the recorder. */
struct {
  __uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
  __uint(max_entries, STREC_CGROUP_MAX);
  __type(key, __u32);
  __type(value, __u32);
} cgroups SEC(".maps");

/* tasks' flags */
#define T_IN_SYSCALL 1 /* between a recorded entry and its exit */
#define T_RECORDING 2  /* its syscalls are recorded (the started command: from its execve) */
#define T_WAIT_EXEC 4  /* the started command before its execve */
#define T_ATTACHED 8   /* attached with -p: an exit without entry is recorded, once */
#define T_SELECT_AT_EXEC                                              \
  16 /* the started command with a selection: it is recorded from its \
        execve if it matches then, as any other process */

struct task {
  __u32 tgid;
  __u32 flags;
  __u32 retry; /* arguments whose read at entry failed: read again at exit */
  __s32 nr;
  __u32 saved; /* a value read at entry for the exit (recvmsg: the room given for the name) */
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __uint(map_flags, BPF_F_NO_PREALLOC); /* allocated per thread: nothing up front */
  __type(key, __u32);
  __type(value, struct task);
} tasks SEC(".maps");

/* What to capture, per syscall number: filled by the recorder before loading (.rodata, so
 * no map update per syscall at start-up and no map lookup per call). Volatile: the compiler
 * must read it, never assume its zero initialiser. */
const volatile struct strec_spec specs[STREC_NR_MAX];

/* The captures of STREC_CAP_VARIANT arguments, by syscall, selector value and argument: filled
 * by the recorder after loading, from format/syscalls/variants.def. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, STREC_VARIANT_MAX);
  __type(key, struct strec_variant_key);
  __type(value, struct strec_arg_cap);
} variant_caps SEC(".maps");

static __always_inline const volatile struct strec_spec* spec_of(__u64 nr) {
  return &specs[nr & (STREC_NR_MAX - 1)];
}

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 64 << 20); /* resized by the recorder */
} events SEC(".maps");

struct scratch {
  __u8 data[STREC_SCRATCH];
};

/* [0] for every program but signal_generate, [1] for it: a timer interrupt can send a signal
 * (and fire signal_generate) while a syscall program is building its record on the same CPU. */
#define SCRATCH_SIGNAL_GENERATE 1
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, struct scratch);
} scratch SEC(".maps");

/* [0] records the ring buffer had no room for, [1] their bytes, [2] threads that could not be
 * followed (the tasks map was full). */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 3);
  __type(key, __u32);
  __type(value, __u64);
} drops SEC(".maps");

static __always_inline struct scratch* get_scratch_slot(__u32 slot) {
  return bpf_map_lookup_elem(&scratch, &slot);
}

static __always_inline struct scratch* get_scratch(void) {
  return get_scratch_slot(0);
}

/* The scratch record's header, filled: type, size, thread, now. */
static __always_inline void* header(struct scratch* s,
                                    __u16 type,
                                    __u32 size,
                                    __u32 tid,
                                    __u32 tgid) {
  struct strec_hdr* h = (struct strec_hdr*)s->data;
  h->size = size;
  h->type = type;
  h->nbufs = 0;
  h->tid = tid;
  h->tgid = tgid;
  h->time_ns = bpf_ktime_get_ns();
  return h;
}

static __always_inline void emit(struct scratch* s, __u32 bytes) {
  __u64 size = bytes < STREC_SCRATCH ? bytes : STREC_SCRATCH - 8;
  /* For the verifier, the bound it can see: in asm, which the compiler cannot drop as
   * redundant after the line above (clang 16 does drop a C mask, and the load fails). */
  asm volatile("%0 &= %1" : "+r"(size) : "i"(STREC_SCRATCH - 1));
  __u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) + size >= wake_bytes
                    ? BPF_RB_FORCE_WAKEUP
                    : BPF_RB_NO_WAKEUP;
  /* The recorder may wait for an end; it reads /proc for a new process while it is there. */
  __u16 type = ((struct strec_hdr*)s->data)->type;
  if (type == STREC_REC_GONE || type == STREC_REC_NEW)
    flags = BPF_RB_FORCE_WAKEUP;
  if (bpf_ringbuf_output(&events, s->data, size, flags) != 0) {
    __u32 k = 0;
    __u64* n = bpf_map_lookup_elem(&drops, &k);
    if (n)
      (*n)++;
    k = 1;
    n = bpf_map_lookup_elem(&drops, &k);
    if (n)
      *n += size;
  }
}

/* Whether the current thread matches the selection. The command strec-record forks is its
 * child until the recorder puts it in `tasks` (skip_parent: it is past that, at its execve). */
static __noinline int selected(__u32 skip_parent) {
  if ((__u32)(bpf_get_current_pid_tgid() >> 32) == self_tgid)
    return 0;
  if (sel_uid != 0xffffffff && (__u32)bpf_get_current_uid_gid() != sel_uid)
    return 0;
  if (n_comms) {
    char comm[16];
    __builtin_memset(comm, 0, sizeof comm);
    bpf_get_current_comm(comm, sizeof comm);
    __u32 any = 0;
    for (__u32 i = 0; i < STREC_COMM_MAX && i < n_comms && !any; i++) {
      __u32 same = 1;
      for (__u32 j = 0; j < 16 && same; j++) {
        if (comm[j] != sel_comms[i][j])
          same = 0;
        else if (!comm[j])
          break;
      }
      any = same;
    }
    if (!any)
      return 0;
  }
  if (n_cgroups) {
    __u32 any = 0;
    for (__u32 i = 0; i < STREC_CGROUP_MAX && i < n_cgroups && !any; i++)
      any = bpf_current_task_under_cgroup(&cgroups, i) == 1;
    if (!any)
      return 0;
  }
  if (!skip_parent) {
    struct task_struct* cur = bpf_get_current_task_btf();
    if (BPF_CORE_READ(cur, real_parent, tgid) == self_tgid)
      return 0;
  }
  return 1;
}

/* Takes up the current thread (tid of tgid) as recorded, with `flags` besides, and tells the
 * recorder before its first record. 0 when the table is full (counted as unfollowed). */
static __noinline int admit(__u32 tid, __u32 tgid, __u32 flags) {
  struct task nt = {tgid, T_RECORDING | flags, 0, -1, 0xffffffff};
  if (bpf_map_update_elem(&tasks, &tid, &nt, BPF_NOEXIST) != 0) {
    __u32 k = 2;
    __u64* n = bpf_map_lookup_elem(&drops, &k);
    if (n)
      (*n)++;
    return 0;
  }
  struct scratch* s = get_scratch();
  if (!s)
    return 1;
  struct strec_new* r = header(s, STREC_REC_NEW, sizeof(struct strec_new), tid, tgid);
  __builtin_memset(r->comm, 0, sizeof r->comm);
  bpf_get_current_comm(r->comm, sizeof r->comm);
  r->cgroup_id = bpf_get_current_cgroup_id();
  r->uid = (__u32)bpf_get_current_uid_gid();
  r->pad = 0;
  emit(s, sizeof *r);
  return 1;
}

#define PATH_END 4096

struct pathbuf {
  char buf[PATH_END + 512];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pathbuf);
} pathbufs SEC(".maps");

/* meta: arg | out << 3 | kind << 4 | str << 8 | kernel << 9 | index << 16 */
#define META(arg, out, kind, str, index)                                             \
  ((__u64)(arg) | ((__u64)(out) << 3) | ((__u64)(kind) << 4) | ((__u64)(str) << 8) | \
   ((__u64)(index) << 16))

/* Appends one strec_buf at `off` of the scratch record, reading `want` bytes (at most
 * STREC_READ_MAX) at `addr`. Returns the new offset; 0 when the read failed (the buffer is
 * still recorded, with its errno), with the offset in *next. */
__noinline __u32 put_buf(__u32 off, __u64 addr, __u64 want, __u64 meta, __u64 full_len) {
  struct scratch* s = get_scratch();
  if (!s || off > STREC_SCRATCH_HALF)
    return off;
  __u32 doff = off + sizeof(struct strec_buf);
  if (doff >= STREC_SCRATCH_HALF)
    return off;
  /* The masks change nothing (both values are in range already): they show the verifier
   * bounds it can follow, doff + len < STREC_SCRATCH. */
  off &= STREC_SCRATCH_HALF - 1;
  doff &= STREC_SCRATCH_HALF - 1;
  struct strec_buf* b = (struct strec_buf*)&s->data[off];
  __u32 len = want > STREC_READ_MAX ? STREC_READ_MAX : (__u32)want;
  len &= 2 * STREC_READ_MAX - 1;
  int str = (meta >> 8) & 1;
  long r;
  b->arg = meta & 7;
  b->out = (meta >> 3) & 1;
  b->kind = (meta >> 4) & 15;
  b->pad = 0;
  b->index = meta >> 16;
  b->addr = addr;
  b->full_len = full_len;
  b->err = 0;
  if (str) {
    if (len == 0)
      len = 1;
    r = bpf_probe_read_user_str(&s->data[doff], len, (const void*)addr);
    /* A short limited string (a task name) may end just before unmapped memory without a
     * NUL: its len - 1 bytes are then all there is to keep, as a cut string. */
    if (r == -14 && len > 1 && len <= 64 &&
        bpf_probe_read_user(&s->data[doff], (len - 1) & 63, (const void*)addr) == 0)
      r = len;
    if (r > 0) {
      /* r counts the NUL; a string that filled the room was cut: one more than kept */
      b->len = r - 1;
      b->full_len = (__u32)r == len ? r : r - 1;
    }
  } else if ((meta >> 9) & 1) { /* a path built here: addr is where it starts in pathbufs */
    __u32 zero = 0;
    struct pathbuf* pb = bpf_map_lookup_elem(&pathbufs, &zero);
    r = -14;
    if (pb)
      r = len ? bpf_probe_read_kernel(&s->data[doff], len, &pb->buf[addr & (PATH_END - 1)]) : 0;
    if (r == 0)
      b->len = len;
  } else {
    r = len ? bpf_probe_read_user(&s->data[doff], len, (const void*)addr) : 0;
    if (r == 0)
      b->len = len;
    if (r < 0) {
      /* The part in the first page, when a later one failed: kept with the errno, as the
       * ptrace recorder keeps what it could read (a decoder may need only those bytes). */
      __u32 head = 4096 - (__u32)(addr & 4095);
      head &= 2 * STREC_READ_MAX - 1;
      if (head && head < len && bpf_probe_read_user(&s->data[doff], head, (const void*)addr) == 0) {
        b->err = -r;
        b->len = head;
        return doff + ((head + 7) & ~7u);
      }
    }
  }
  if (r < 0) {
    b->err = -r;
    b->len = 0;
  }
  return doff + ((b->len + 7) & ~7u);
}

/* fds received with SCM_RIGHTS that are named, per recvmsg (a power of two) */
#define STREC_SCM_FDS_MAX 64

struct ctx {
  __u32 off;
  __u16 nbufs;
  __u16 truncated;
};

/* The syscall record being built and the state of the loops that fill it, per CPU. The
 * verifier adds up the stack of a whole chain of calls (a program, a bpf_loop callback, its
 * body, a nested loop's callback, ..., put_buf) against its limit of 512 bytes, so nothing of
 * size lives on the stack: the loops' callbacks get no context and find their state here, and
 * each frame holds a few words (record/README.md, "Stack budget"). Only the syscall programs
 * use it, and nothing that can interrupt them on the same CPU does. */
struct work {
  struct ctx c; /* the record's fill */
  __u32 nr;
  __u32 retry;   /* at entry: the reads that failed; at exit: the reads to do again */
  __u32 saved;   /* struct task's saved: set at entry, given back at exit */
  __s64 ret;     /* at exit */
  __u64 args[8]; /* 6 used: 8 lets an index be bounded by a mask */
  __u64 regs[10];
  struct {
    __u64 addr, n, left;
    __u32 base; /* added to the indexes (message i of an mmsg vector: i << 16) */
    __u8 arg, out;
  } iov;
  struct {
    __u64 addr;
    __u32 n;
    __u8 arg;
  } argv;
  struct {
    __u64 addr, n;
    __u64 p[8];
  } count;
  struct {
    __u64 addr, n;
    __u64 m[8]; /* the struct mmsghdr being read */
    __u8 out;   /* 0: a failed sendmmsg's, read as inputs */
  } mmsg;
  struct {
    __u64 control, end; /* the control data and its length */
    __u64 at, j, index; /* the cmsg at `at`, its fd j; the fds seen so far */
    __s32 fds[STREC_SCM_FDS_MAX];
  } scm;
  struct {
    struct dentry* d;
    struct vfsmount* m;
    __u32 pos; /* the path so far is pathbuf[pos, PATH_END) */
    __u32 err;
  } path;
  __u64 m[8]; /* a struct msghdr being read */
  struct {
    __u64 addr, n, k; /* an array's n elements of `size` bytes; k: those readable */
    __u32 size;
    __u8 out;
  } v4l2;
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct work);
} works SEC(".maps");

static __always_inline struct work* get_work(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&works, &zero);
}

static __always_inline void add(struct ctx* c, __u64 addr, __u64 want, __u64 meta, __u64 full_len) {
  __u32 next = put_buf(c->off, addr, want, meta, full_len);
  if (next == c->off) {
    c->truncated = 1;
    return;
  }
  c->off = next;
  c->nbufs++;
}

static __always_inline __u64 arg_len(const struct strec_arg_cap* a, const __u64* args, __s64 ret) {
  __u64 n;
  if (a->len == STREC_LEN_NONE)
    return a->size;
  if (a->len == STREC_LEN_RET)
    n = ret < 0 ? 0 : (__u64)ret;
  else if (a->len < 6)
    n = args[a->len];
  else
    return 0;
  if (a->elem)
    return n > (1u << 20) ? 0 : n * a->elem;
  return n;
}

/* The bytes of one argument: the snap length cuts data (not fixed-size structs); arrays are cut
 * to whole elements. */
static __always_inline __u64 snap(const struct strec_arg_cap* a, __u64 len) {
  __u64 cap = snaplen;
  if (a->len == STREC_LEN_NONE)
    return len;
  if (a->elem)
    cap = cap * a->elem; /* snaplen elements, as the ptrace recorder keeps */
  else if (a->size)
    cap = a->size; /* kept whole up to this (a sockaddr, dirents), whatever the snap length */
  return len < cap ? len : cap;
}

/* The number of entries of a NULL-terminated pointer array (envp), up to 4096. The loops
 * below run as bpf_loop callbacks: the verifier checks a callback once, not each iteration.
 * Their state is in struct work, not in a context on the stack (bpf_loop gets NULL). */
static long count_step(__u32 i, void* data) {
  struct work* w = get_work();
  if (!w || bpf_probe_read_user(w->count.p, sizeof w->count.p,
                                (const void*)(w->count.addr + i * sizeof w->count.p)) != 0)
    return 1;
  for (int j = 0; j < 8; j++) {
    if (!w->count.p[j])
      return 1;
    w->count.n++;
  }
  return 0;
}

static __always_inline __u64 count_ptrs(struct work* w, __u64 addr) {
  w->count.addr = addr;
  w->count.n = 0;
  bpf_loop(512, count_step, NULL, 0);
  return w->count.n;
}

/* A callback with no global body (unlike the others below): it is small enough to verify at
 * each of its call sites, and one frame less matters where it is called from the deepest. */
static long iov_step(__u32 i, void* data) {
  struct work* w = get_work();
  __u64 v[2];
  if (!w || i >= w->iov.n ||
      bpf_probe_read_user(v, sizeof v, (const void*)(w->iov.addr + 16 * i)) != 0)
    return 1;
  __u64 filled = v[1];
  if (w->iov.out) {
    filled = filled < w->iov.left ? filled : w->iov.left;
    w->iov.left -= filled;
  }
  __u64 keep = filled < snaplen ? filled : snaplen;
  add(&w->c, v[0], keep, META(w->iov.arg, w->iov.out, 2 /* kBufferIovecData */, 0, w->iov.base + i),
      filled);
  return 0;
}

static __always_inline void
iov(struct work* w, __u8 arg, __u8 out, __u64 addr, __u64 count, __s64 total, __u32 base) {
  __u64 n = count < STREC_IOV_MAX ? count : STREC_IOV_MAX;
  if (n > snaplen)
    n = snaplen;
  __u32 before = w->c.off;
  add(&w->c, addr, n * 16, META(arg, out, 1 /* kBufferIovecArray */, 0, base), count * 16);
  if (w->c.off == before)
    return;
  w->iov.addr = addr;
  w->iov.n = n;
  w->iov.left = total < 0 ? ~0ull : (__u64)total;
  w->iov.base = base;
  w->iov.arg = arg;
  w->iov.out = out;
  bpf_loop(STREC_IOV_MAX, iov_step, NULL, 0);
}

/* argv: each string (index i), then the pointer array. */
__noinline int argv_step_body(__u32 i) {
  struct work* w = get_work();
  __u64 p = 0;
  if (!w || bpf_probe_read_user(&p, 8, (const void*)(w->argv.addr + 8 * i)) != 0 || !p)
    return 1;
  add(&w->c, p, 4096, META(w->argv.arg, 0, 3 /* kBufferString */, 1, i), 0);
  w->argv.n++;
  return 0;
}

static long argv_step(__u32 i, void* data) {
  return argv_step_body(i) ? 1 : 0;
}

static __always_inline void argv(struct work* w, __u8 arg, __u64 addr) {
  if (!addr)
    return;
  w->argv.addr = addr;
  w->argv.n = 0;
  w->argv.arg = arg;
  bpf_loop(STREC_ARGV_MAX, argv_step, NULL, 0);
  __u32 n = w->argv.n;
  __u64 full = n < STREC_ARGV_MAX ? n : count_ptrs(w, addr);
  add(&w->c, addr, n * 8, META(arg, 0, 4 /* kBufferStringPtrs */, 0, 0), full);
}

/* ---- Irregular arguments the table cannot describe by a length alone ---- */

/* ioctl's argument (arg 2): returns its size for this direction (0: none). */
static __always_inline __u32 ioctl_size(__u64 req, int exit) {
  int in = 0, out = 0;
  __u32 size = strec_ioctl_size(req, &in, &out);
  return (exit ? out : in) ? size : 0;
}

/* Video4Linux2's arrays behind the struct of argument 2 (v4l2_arrays.h): v4l2_format's clips
 * and v4l2_ext_controls' controls (kBufferAux 0), each control's string (kBufferAux 1 + i).
 * An array keeps its first elements that can be read, as the ptrace recorder's does. */
static long v4l2_readable_step(__u32 i, void* data) {
  struct work* w = get_work();
  __u8 b;
  if (!w || i >= w->v4l2.n)
    return 1;
  __u64 e = w->v4l2.addr + (__u64)i * w->v4l2.size;
  if (bpf_probe_read_user(&b, 1, (const void*)e) != 0 ||
      bpf_probe_read_user(&b, 1, (const void*)(e + w->v4l2.size - 1)) != 0)
    return 1;
  w->v4l2.k = i + 1;
  return 0;
}

static long v4l2_string_step(__u32 i, void* data) {
  struct work* w = get_work();
  __u32 size = 0;
  __u64 p = 0;
  if (!w || i >= w->v4l2.k)
    return 1;
  __u64 e = w->v4l2.addr + (__u64)i * STREC_V4L2_CONTROL_SIZE;
  if (bpf_probe_read_user(&size, 4, (const void*)(e + 4)) != 0 ||
      bpf_probe_read_user(&p, 8, (const void*)(e + 12)) != 0)
    return 1;
  if (size && p)
    add(&w->c, p, size < snaplen ? size : snaplen, META(2, w->v4l2.out, 5, 0, 1 + i), size);
  return 0;
}

static __always_inline void v4l2_array(struct work* w,
                                       __u64 addr,
                                       __u64 count,
                                       __u32 size,
                                       __u64 max,
                                       __u8 out) {
  w->v4l2.addr = addr;
  w->v4l2.n = count < max ? count : max;
  w->v4l2.size = size;
  w->v4l2.k = 0;
  w->v4l2.out = out;
  bpf_loop(64, v4l2_readable_step, NULL, 0);
  if (w->v4l2.k)
    add(&w->c, addr, w->v4l2.k * size, META(2, out, 5 /* kBufferAux */, 0, 0), count * size);
}

static __always_inline void v4l2_arrays(struct work* w, __u64 v, __u8 out) {
  __u64 req = w->args[1];
  int fmt = strec_v4l2_format_offset(req);
  __u32 u[2] = {0, 0};
  __u64 p = 0;
  if (fmt >= 0) {
    /* the type, then the window's clips and clipcount */
    if (bpf_probe_read_user(&u[0], 4, (const void*)(v + fmt)) != 0 || (u[0] != 3 && u[0] != 8) ||
        bpf_probe_read_user(&p, 8, (const void*)(v + fmt + 32)) != 0 ||
        bpf_probe_read_user(&u[1], 4, (const void*)(v + fmt + 40)) != 0 || !p || !u[1])
      return;
    v4l2_array(w, p, u[1], STREC_V4L2_CLIP_SIZE, STREC_V4L2_CLIPS_MAX, out);
    return;
  }
  if (!strec_v4l2_is_ext_ctrls(req) || bpf_probe_read_user(&u[1], 4, (const void*)(v + 4)) != 0 ||
      bpf_probe_read_user(&p, 8, (const void*)(v + 24)) != 0 || !p || !u[1])
    return;
  v4l2_array(w, p, u[1], STREC_V4L2_CONTROL_SIZE, STREC_V4L2_CONTROLS_MAX, out);
  bpf_loop(64, v4l2_string_step, NULL, 0);
}

static __always_inline __u64 fdset_bytes(__u64 nfds) {
  nfds &= 0xffffffff;
  __u64 n = (nfds + 63) / 64 * 8;
  return n < 1024 * 8 ? n : 1024 * 8;
}

/* struct msghdr (56 bytes): the header (kBufferPlain), then msg_name (kBufferAux, index 0),
 * msg_control (kBufferAux, index 1) and the iovecs, their data up to `total` bytes (-1: all). */
static __always_inline void msghdr(struct work* w, __u64 addr, __u8 out, __s64 total) {
  __u64* m = w->m;
  add(&w->c, addr, 56, META(1, out, 0, 0, 0), 56);
  if (bpf_probe_read_user(m, 56, (const void*)addr) != 0)
    return;
  __u64 namelen = m[1] & 0xffffffff, controllen = m[5];
  /* A received name is no longer than the room given at entry, whatever length is reported. */
  __u64 room = out && w->saved < namelen ? w->saved : namelen;
  if (m[0])
    add(&w->c, m[0], room < 128 ? room : 128, META(1, out, 5 /* kBufferAux */, 0, 0), namelen);
  if (m[4])
    add(&w->c, m[4], controllen < 4096 ? controllen : 4096, META(1, out, 5, 0, 1), controllen);
  if (m[2])
    iov(w, 1, out, m[2], m[3], total, 0);
}

/* The messages of a sendmmsg/recvmmsg, at exit: struct mmsghdr is the msghdr (56 bytes) and
 * msg_len (4), padded to 64. Message i's name is kBufferAux index i << 16, its control data
 * (i << 16) | 1, its iovecs indexes from i << 16, their data cut at its msg_len. Those of a
 * failed sendmmsg are inputs (out = 0), their data whole. */
__noinline int mmsg_step_body(__u32 i) {
  struct work* w = get_work();
  if (!w || i >= w->mmsg.n ||
      bpf_probe_read_user(w->mmsg.m, sizeof w->mmsg.m, (const void*)(w->mmsg.addr + 64 * i)) != 0)
    return 1;
  __u64* m = w->mmsg.m;
  __u8 out = w->mmsg.out;
  __u64 namelen = m[1] & 0xffffffff, controllen = m[5];
  __s64 len = out ? (__s64)(m[7] & 0xffffffff) : -1;
  __u32 base = i << 16;
  if (m[0])
    add(&w->c, m[0], namelen < 128 ? namelen : 128, META(1, out, 5 /* kBufferAux */, 0, base),
        namelen);
  if (m[4])
    add(&w->c, m[4], controllen < 4096 ? controllen : 4096, META(1, out, 5, 0, base | 1),
        controllen);
  if (m[2])
    iov(w, 1, out, m[2], m[3], len, base);
  return 0;
}

static long mmsg_step(__u32 i, void* data) {
  return mmsg_step_body(i) ? 1 : 0;
}

/* The mmsghdr array of `count` messages, at most snaplen of them. */
static __always_inline __u64 mmsg_count(__u64 count) {
  __u64 n = count < snaplen ? count : snaplen;
  return n < STREC_MMSG_MAX ? n : STREC_MMSG_MAX;
}

/* Argument i, an extensible struct (STREC_CAP_EXT) of arg[len] bytes: its known part and the
 * rest; clone3's pointers. */
__noinline int ext_struct(__u32 i, __u32 len, __u32 known, __u32 kind, __u32 out) {
  struct work* w = get_work();
  if (!w || i >= 6 || len >= 6)
    return 1;
  struct ctx* c = &w->c;
  __u64 ji = i, jl = len;
  /* the masks, which the compiler cannot drop, are for the verifier */
  asm volatile("%0 &= 7" : "+r"(ji));
  asm volatile("%0 &= 7" : "+r"(jl));
  __u64 v = w->args[ji], n = w->args[jl];
  known &= 0xffff;
  add(c, v, n < known ? n : known, META(i & 7, out & 1, 0, 0, 0), n);
  if (n > known && known < STREC_EXT_MAX) {
    __u64 end = n < STREC_EXT_MAX ? n : STREC_EXT_MAX; /* up to the struct's byte 4095 */
    add(c, v + known, end - known, META(i & 7, out & 1, 5 /* kBufferAux */, 0, 0), n - known);
  }
  if (kind != STREC_EXT_CLONE3)
    return 0;
  __u64 f[2] = {0, 0};
  if (!out) { /* set_tid, set_tid_size */
    if (n < 80 || bpf_probe_read_user(f, sizeof f, (const void*)(v + 64)) != 0 || !f[0] || !f[1])
      return 0;
    __u64 k = f[1] < STREC_SET_TID_MAX ? f[1] : STREC_SET_TID_MAX;
    add(c, f[0], k * 4, META(i & 7, 0, 5, 0, 1), f[1] < (1ull << 32) ? f[1] * 4 : 0);
    return 0;
  }
  __u64 flags = 0;
  if (n < 32 || bpf_probe_read_user(&flags, 8, (const void*)v) != 0)
    return 0;
  if ((flags & 0x1000) && bpf_probe_read_user(&f[0], 8, (const void*)(v + 8)) == 0 && f[0])
    add(c, f[0], 4, META(i & 7, 1, 5, 0, 2), 4); /* CLONE_PIDFD: the pidfd */
  if ((flags & 0x100000) && bpf_probe_read_user(&f[1], 8, (const void*)(v + 24)) == 0 && f[1])
    add(c, f[1], 4, META(i & 7, 1, 5, 0, 3), 4); /* CLONE_PARENT_SETTID: the tid */
  return 0;
}

/* struct sched_attr (STREC_EXT_SCHED_SET, STREC_EXT_SCHED_GET) at v, argument i. */
__noinline int sched_attr(__u32 i, __u64 v, __u32 kind, __u32 out) {
  struct work* w = get_work();
  if (!w || i >= 6)
    return 1;
  struct ctx* c = &w->c;
  if (kind == STREC_EXT_SCHED_GET) {
    __u64 n = w->args[2] & 0xffffffff;
    n = n < 56 ? n : 56;
    add(c, v, n, META(i & 7, 1, 0, 0, 0), n);
    return 0;
  }
  if (out) {
    add(c, v, 4, META(i & 7, 1, 0, 0, 0), 4);
    return 0;
  }
  __u32 size = 0;
  long err = bpf_probe_read_user(&size, 4, (const void*)v);
  __u64 whole = size ? size : 48;
  __u64 n = err || whole < 48 ? 4 : whole < 56 ? whole : 56;
  add(c, v, n, META(i & 7, 0, 0, 0, 0), whole);
  return 0;
}

/* Argument i's capture (i < 6), copied once out of the volatile spec so that a bound checked
 * is the bound used; returns the argument's value, or 0 when there is nothing to capture. */
static __always_inline __u64 arg_cap(const struct work* w, __u32 i, struct strec_arg_cap* cap) {
  __u64 j = i;
  /* the mask, which the compiler cannot drop, is for the verifier */
  asm volatile("%0 &= 7" : "+r"(j));
  const volatile struct strec_arg_cap* va = &spec_of(w->nr)->args[j];
  *cap = (struct strec_arg_cap){va->cap, va->len, va->elem, va->size};
  if (cap->cap == STREC_CAP_VARIANT) {
    struct strec_variant_key key = {(__s32)w->nr, (__u32)w->args[cap->len & 7], (__u32)j};
    const struct strec_arg_cap* vc = bpf_map_lookup_elem(&variant_caps, &key);
    if (!vc || vc->cap == STREC_CAP_VARIANT) {
      cap->cap = STREC_CAP_NONE;
      return 0;
    }
    *cap = *vc;
  }
  return cap->cap == STREC_CAP_NONE ? 0 : w->args[j];
}

/* The program of the struct sock_fprog at v (argument i), as the argument's kBufferAux. */
static __always_inline void fprog(struct ctx* c, __u32 i, __u64 v) {
  __u64 p[2];
  if (bpf_probe_read_user(p, sizeof p, (const void*)v) != 0 || !p[1])
    return;
  __u64 len = p[0] & 0xffff;
  if (len)
    add(c, p[1], (len < STREC_FPROG_MAX ? len : STREC_FPROG_MAX) * 8,
        META(i, 0, 5 /* kBufferAux */, 0, 0), len * 8);
}

/* SOL_SOCKET's options whose value is a struct sock_fprog (setsockopt) or the instructions of
 * one (getsockopt, SO_GET_FILTER), by the level and name in args 1 and 2. */
static __always_inline int sockopt_filter(const struct work* w, int get) {
  __u64 level = w->args[1] & 0xffffffff, name = w->args[2] & 0xffffffff;
  return level == 1 && (name == 26 || (!get && name == 51));
}

/* A node mask of maxnode - 1 bits at v (argument i): its unsigned longs, cut to the snap
 * length. */
static __always_inline void nodemask(struct ctx* c, __u32 i, __u32 out, __u64 v, __u64 maxnode) {
  if (maxnode == 0 || maxnode >= (1ull << 40))
    return;
  __u64 bytes = (maxnode - 1 + 63) / 64 * 8;
  add(c, v, (bytes < snaplen ? bytes : snaplen) & ~7ull, META(i, out & 1, 0, 0, 0), bytes);
}

/* The bodies of the bpf_loop callbacks below are global functions: the verifier checks a
 * global function once, on its own, where a callback's body is checked again for each state
 * it is entered with until they converge (24 ms of the start-up for enter alone, before). */
__noinline int enter_arg_body(__u32 i) {
  struct work* w = get_work();
  struct scratch* s = get_scratch();
  if (!w || !s || i >= 6)
    return 1;
  struct strec_arg_cap cap;
  const struct strec_arg_cap* a = &cap;
  __u64 v = arg_cap(w, i, &cap);
  if (!v)
    return 0;
  struct ctx* c = &w->c;
  __u32 before = c->off;
  __u16 nb = c->nbufs;
  switch (a->cap) {
    case STREC_CAP_STR:
      add(c, v, a->size ? a->size : 4096, META(i, 0, 3 /* kBufferString */, 1, 0), 0);
      break;
    case STREC_CAP_IN:
    case STREC_CAP_INOUT: {
      __u64 len = arg_len(a, w->args, 0);
      add(c, v, snap(a, len), META(i, 0, 0, 0, 0), len);
      break;
    }
    case STREC_CAP_IN_IOV:
      if (a->len < 6)
        iov(w, i, 0, v, w->args[a->len & 7], -1, 0);
      break;
    case STREC_CAP_EXT:
      if (a->elem == STREC_EXT_SCHED_SET)
        sched_attr(i, v, a->elem, 0);
      else if (a->elem != STREC_EXT_SCHED_GET)
        ext_struct(i, a->len, a->size, a->elem, 0);
      break;
    case STREC_CAP_STRARRAY:
      argv(w, i, v);
      break;
    case STREC_CAP_COUNT:
      add(c, v, 0, META(i, 0, 4 /* kBufferStringPtrs */, 0, 0), count_ptrs(w, v));
      break;
    case STREC_CAP_IOCTL: {
      __u32 n = ioctl_size(w->args[1], 0);
      if (n)
        add(c, v, n, META(i, 0, 0, 0, 0), n);
      /* RNDADDENTROPY: struct rand_pool_info's buf_size bytes of data after it */
      __u32 size = 0;
      if ((w->args[1] & 0xffffffff) == 0x40085203 &&
          bpf_probe_read_user(&size, 4, (const void*)(v + 4)) == 0 && size)
        add(c, v + 8, size < snaplen ? size : snaplen, META(i, 0, 5 /* kBufferAux */, 0, 0), size);
      if (n && i == 2)
        v4l2_arrays(w, v, 0);
      break;
    }
    case STREC_CAP_FDSET: {
      __u64 n = fdset_bytes(w->args[a->len & 7]);
      add(c, v, n, META(i, 0, 0, 0, 0), n);
      break;
    }
    case STREC_CAP_MSGHDR_IN:
      msghdr(w, v, 0, -1);
      break;
    case STREC_CAP_MSGHDR_OUT: {
      __u32 room;
      add(c, v, 56, META(i, 0, 0, 0, 0), 56);
      w->saved = bpf_probe_read_user(&room, 4, (const void*)(v + 8)) == 0 ? room : 0xffffffff;
      break;
    }
    case STREC_CAP_FUTEX_TIMEOUT: {
      __u64 op = w->args[1] & 127; /* without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */
      if (op == 0 || op == 9 || op == 6 || op == 11 || op == 13) /* WAIT, WAIT_BITSET, LOCK_PI,
                                                                   WAIT_REQUEUE_PI, LOCK_PI2 */
        add(c, v, 16, META(i, 0, 0, 0, 0), 16);
      break;
    }
    case STREC_CAP_FCNTL: {
      __u64 cmd = w->args[1] & 0xffffffff;
      if (cmd == 5 || cmd == 6 || cmd == 7 || cmd == 36 || cmd == 37 || cmd == 38)
        add(c, v, 32, META(i, 0, 0, 0, 0), 32); /* struct flock: GETLK, SETLK(W), OFD_* */
      else if (cmd == 15)
        add(c, v, 8, META(i, 0, 0, 0, 0), 8); /* F_SETOWN_EX */
      break;
    }
    case STREC_CAP_MMSG: {
      __u64 vlen = w->args[2] & 0xffffffff;
      add(c, v, mmsg_count(vlen) * 64, META(i, 0, 0, 0, 0), vlen * 64);
      break;
    }
    case STREC_CAP_FPROG:
      add(c, v, 16, META(i, 0, 0, 0, 0), 16);
      fprog(c, i, v);
      break;
    case STREC_CAP_SOCKOPT_IN: {
      __u64 len = w->args[4] & 0xffffffff;
      add(c, v, len < snaplen ? len : snaplen, META(i, 0, 0, 0, 0), len);
      if (len == 16 && sockopt_filter(w, 0))
        fprog(c, i, v);
      break;
    }
    case STREC_CAP_MSGBUF:
      if (!a->elem && a->len < 6) {
        __u64 len = w->args[a->len & 7];
        add(c, v, 8 + (len < snaplen ? len : snaplen), META(i, 0, 0, 0, 0), 8 + len);
      }
      break;
    case STREC_CAP_QUOTA: {
      __u32 cmd = (__u32)w->args[a->len & 7] >> 8;
      __u32 n = strec_quota_size(cmd, 0);
      if (cmd == 0x800002) /* Q_QUOTAON: the quota file's path */
        add(c, v, 4096, META(i, 0, 3 /* kBufferString */, 1, 0), 0);
      else if (n)
        add(c, v, n, META(i, 0, 0, 0, 0), n);
      break;
    }
    case STREC_CAP_NODEMASK:
      if (!a->elem)
        nodemask(c, i, 0, v, w->args[a->len & 7]);
      break;
    case STREC_CAP_SIGSET_ARG: {
      __u64 p[2];
      add(c, v, 16, META(i, 0, 0, 0, 0), 16);
      if (bpf_probe_read_user(p, sizeof p, (const void*)v) == 0 && p[0])
        add(c, p[0], 8, META(i, 0, 5 /* kBufferAux */, 0, 0), p[1]);
      break;
    }
  }
  /* A string or plain input that could not be read now (its page not yet in memory: a BPF
   * program cannot fault it in) is read again at exit, after the kernel has touched it. */
  if (c->nbufs == nb + 1 && (a->cap == STREC_CAP_STR || a->cap == STREC_CAP_IN) &&
      before < STREC_SCRATCH_HALF) {
    struct strec_buf* b = (struct strec_buf*)&s->data[before & (STREC_SCRATCH_HALF - 1)];
    if (b->err == 14 /* EFAULT */)
      w->retry |= 1u << i;
  }
  return 0;
}

__noinline int exit_arg_body(__u32 i) {
  struct work* w = get_work();
  if (!w || i >= 6)
    return 1;
  struct strec_arg_cap cap;
  const struct strec_arg_cap* a = &cap;
  __u64 v = arg_cap(w, i, &cap);
  struct ctx* c = &w->c;
  if (!v)
    return 0;
  if (w->retry & (1u << i)) {
    /* an input read again (out = 0): the recorder puts it in place of the failed one */
    if (a->cap == STREC_CAP_STR) {
      add(c, v, a->size ? a->size : 4096, META(i, 0, 3, 1, 0), 0);
    } else {
      __u64 len = arg_len(a, w->args, 0);
      add(c, v, snap(a, len), META(i, 0, 0, 0, 0), len);
    }
    return 0;
  }
  /* sched_setattr's E2BIG writes the size the kernel knows in the struct */
  if (a->cap == STREC_CAP_EXT && a->elem == STREC_EXT_SCHED_SET) {
    if (w->ret == -7)
      sched_attr(i, v, a->elem, 1);
    return 0;
  }
  /* VIDIOC_*_EXT_CTRLS: the controls as they are after the call, whatever its result */
  if (a->cap == STREC_CAP_IOCTL && i == 2 && strec_v4l2_is_ext_ctrls(w->args[1])) {
    add(c, v, STREC_V4L2_EXT_CONTROLS, META(i, 1, 0, 0, 0), STREC_V4L2_EXT_CONTROLS);
    v4l2_arrays(w, v, 1);
    return 0;
  }
  /* a failed sendmmsg: its messages as it was given them (strace shows them), from here rather
     than at entry, where a successful call's would be read twice */
  if (a->cap == STREC_CAP_MMSG && w->nr == 307 && w->ret < 0 && w->ret >= -4095) {
    w->mmsg.addr = v;
    w->mmsg.n = mmsg_count(w->args[2] & 0xffffffff);
    w->mmsg.out = 0;
    return 0;
  }
  /* mincore's vector: a byte per page of arg[len], shown whatever the call returned */
  if (a->cap == STREC_CAP_PAGES) {
    __u64 pages = (w->args[a->len & 7] + 4095) >> 12;
    if (w->args[a->len & 7] > ~0ull - 4095)
      pages = 1ull << 52;
    add(c, v, pages < snaplen ? pages : snaplen, META(i, 1, 0, 0, 0), pages);
    return 0;
  }
  /* a failed call writes nothing, but an interrupted nanosleep/clock_nanosleep (EINTR,
     ERESTART_RESTARTBLOCK) its remaining time */
  if (w->ret < 0 && w->ret >= -4095 &&
      !((w->nr == 35 || w->nr == 230) && (w->ret == -4 || w->ret == -516)))
    return 0;
  switch (a->cap) {
    case STREC_CAP_OUT:
    case STREC_CAP_INOUT: {
      __u64 len = arg_len(a, w->args, w->ret);
      add(c, v, snap(a, len), META(i, 1, 0, 0, 0), len);
      break;
    }
    case STREC_CAP_OUT_IOV:
      if (a->len < 6)
        iov(w, i, 1, v, w->args[a->len & 7], w->ret, 0);
      break;
    case STREC_CAP_IOCTL: {
      __u32 n = ioctl_size(w->args[1], 1), mapped = 0;
      if (n)
        add(c, v, n, META(i, 1, 0, 0, 0), n);
      /* HDIO_DRIVE_CMD: sector_count * 512 bytes of data after the header */
      __u8 count = 0;
      if ((w->args[1] & 0xffffffff) == 0x031f &&
          bpf_probe_read_user(&count, 1, (const void*)(v + 3)) == 0 && count) {
        __u32 len = (__u32)count * 512;
        add(c, v + 4, len < snaplen ? len : snaplen, META(i, 1, 5 /* kBufferAux */, 0, 0), len);
      }
      if (n && i == 2 && strec_v4l2_format_offset(w->args[1]) >= 0)
        v4l2_arrays(w, v, 1);
      if ((w->args[1] & 0xffffffff) == STREC_FS_IOC_FIEMAP &&
          bpf_probe_read_user(&mapped, 4, (const void*)(v + 20)) == 0 && mapped) {
        __u64 k = mapped < STREC_FIEMAP_EXTENTS_MAX ? mapped : STREC_FIEMAP_EXTENTS_MAX;
        add(c, v + 32, k * 56, META(i, 1, 5 /* kBufferAux */, 0, 0), (__u64)mapped * 56);
      }
      break;
    }
    case STREC_CAP_ADDR_OUT: {
      __u32 len = 0;
      __u64 p = w->args[a->len & 7];
      if (a->len < 6 && p && bpf_probe_read_user(&len, 4, (const void*)p) == 0) {
        __u64 cap = a->size ? a->size : snaplen;
        add(c, v, len < cap ? len : cap, META(i, 1, 0, 0, 0), len);
      }
      break;
    }
    case STREC_CAP_FDSET: {
      __u64 n = fdset_bytes(w->args[a->len & 7]);
      add(c, v, n, META(i, 1, 0, 0, 0), n);
      break;
    }
    case STREC_CAP_SOCKOPT_OUT: {
      __u32 len = 0;
      __u64 p = w->args[4];
      if (!p || bpf_probe_read_user(&len, 4, (const void*)p) != 0 || len > 0x7fffffff)
        break; /* a negative length shows nothing */
      __u64 n = len < snaplen ? len : snaplen;
      if (sockopt_filter(w, 1))
        n = (len < STREC_FPROG_MAX ? len : STREC_FPROG_MAX) * 8;
      add(c, v, n, META(i, 1, 0, 0, 0), len);
      break;
    }
    case STREC_CAP_MSGHDR_OUT:
      msghdr(w, v, 1, w->ret);
      break;
    case STREC_CAP_EXT:
      if (a->elem == STREC_EXT_CLONE3)
        ext_struct(i, a->len, a->size, a->elem, 1);
      else if (a->elem == STREC_EXT_SCHED_GET)
        sched_attr(i, v, a->elem, 1);
      break;
    case STREC_CAP_FCNTL: {
      __u64 cmd = w->args[1] & 0xffffffff;
      if (cmd == 5 || cmd == 36) /* F_GETLK, F_OFD_GETLK */
        add(c, v, 32, META(i, 1, 0, 0, 0), 32);
      else if (cmd == 16) /* F_GETOWN_EX */
        add(c, v, 8, META(i, 1, 0, 0, 0), 8);
      break;
    }
    case STREC_CAP_QUOTA: {
      __u32 n = strec_quota_size((__u32)w->args[a->len & 7] >> 8, 1);
      if (n)
        add(c, v, n, META(i, 1, 0, 0, 0), n);
      break;
    }
    case STREC_CAP_NODEMASK:
      if (a->elem)
        nodemask(c, i, 1, v, w->args[a->len & 7]);
      break;
    case STREC_CAP_MSGBUF:
      if (a->elem && a->len < 6) {
        __u64 len = w->args[a->len & 7];
        add(c, v, 8 + (len < snaplen ? len : snaplen), META(i, 1, 0, 0, 0), 8 + len);
      }
      break;
    case STREC_CAP_MMSG:
      if (w->ret > 0) {
        __u64 n = mmsg_count(w->ret);
        add(c, v, n * 64, META(i, 1, 0, 0, 0), (__u64)w->ret * 64);
        w->mmsg.addr = v; /* its messages: on_exit, after the arguments */
        w->mmsg.n = n;
        w->mmsg.out = 1;
      }
      break;
  }
  return 0;
}

static long enter_arg(__u32 i, void* data) {
  return enter_arg_body(i) ? 1 : 0;
}

static long exit_arg(__u32 i, void* data) {
  return exit_arg_body(i) ? 1 : 0;
}

static __always_inline struct strec_syscall* start(struct scratch* s,
                                                   __u16 type,
                                                   __u32 tid,
                                                   __u32 tgid,
                                                   __s32 nr) {
  struct strec_syscall* r = header(s, type, 0, tid, tgid); /* size and nbufs set when done */
  r->nr = nr;
  r->flags = 0;
  r->ret = 0;
  return r;
}

/* The programs are raw tracepoints, not tp_btf: attaching a tp_btf program makes libbpf parse
 * the whole of the kernel's BTF (60-70 ms) to find the tracepoint's type, where a raw
 * tracepoint is found by name. So their pointer arguments are plain numbers here, read with
 * bpf_probe_read_kernel / BPF_CORE_READ rather than dereferenced. */

/* A syscall's argument registers and ip, from its pt_regs: one read of the words r10 .. ip
 * (x86_64's pt_regs is the order the entry code pushes them in). */
#define REGS_FROM __builtin_offsetof(struct pt_regs, r10)
#define REGS_WORD(f) ((__builtin_offsetof(struct pt_regs, f) - REGS_FROM) / 8)
_Static_assert(REGS_WORD(ip) == 9, "pt_regs: r10 .. ip are 10 consecutive words");

/* Into w->args and the record. */
static __always_inline void read_regs(struct pt_regs* regs,
                                      struct work* w,
                                      struct strec_syscall* r) {
  __u64* g = w->regs;
  if (bpf_probe_read_kernel(g, sizeof w->regs, (void*)regs + REGS_FROM) != 0)
    __builtin_memset(g, 0, sizeof w->regs);
  w->args[0] = g[REGS_WORD(di)];
  w->args[1] = g[REGS_WORD(si)];
  w->args[2] = g[REGS_WORD(dx)];
  w->args[3] = g[REGS_WORD(r10)];
  w->args[4] = g[REGS_WORD(r8)];
  w->args[5] = g[REGS_WORD(r9)];
  r->ip = g[REGS_WORD(ip)];
  for (int i = 0; i < 6; i++)
    r->args[i] = w->args[i];
}

/* The arguments as the kernel takes them: an int's low 32 bits (the record keeps the registers
 * whole). */
static __always_inline void narrow_int_args(struct work* w, const volatile struct strec_spec* sp) {
  __u8 m = sp->int_args;
  for (int i = 0; i < 6; i++)
    if (m & (1u << i))
      w->args[i] &= 0xffffffff;
}

/* The work state of a new syscall record. */
static __always_inline void begin_work(struct work* w,
                                       __u32 nr,
                                       __s64 ret,
                                       __u32 retry,
                                       __u32 saved) {
  w->c.off = sizeof(struct strec_syscall);
  w->c.nbufs = 0;
  w->c.truncated = 0;
  w->nr = nr;
  w->ret = ret;
  w->retry = retry;
  w->saved = saved;
  w->mmsg.n = 0;
}

/* Ends the record: its buffers' count, size and flags, then into the ring. */
static __always_inline void finish(struct scratch* s, struct strec_syscall* r, struct work* w) {
  r->h.nbufs = w->c.nbufs;
  if (w->c.truncated)
    r->flags |= STREC_SC_TRUNCATED;
  r->h.size = w->c.off;
  emit(s, w->c.off);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_enter, struct pt_regs* regs, long id) {
  if (id < 0 || id >= STREC_NR_MAX)
    return 0;
  __u32 nr = id;
  const volatile struct strec_spec* sp = spec_of(nr);
  /* Every syscall of the machine comes here: those outside the set (with a narrowed -e
   * trace=) end before the per-thread lookup. execve is looked at always: it starts the
   * recording of the command. */
  if (!sp->traced && nr != 59 && nr != 322) /* execve, execveat */
    return 0;
  __u64 id2 = bpf_get_current_pid_tgid();
  __u32 tid = (__u32)id2;
  struct task* t = bpf_map_lookup_elem(&tasks, &tid);
  if (!t) {
    if (!select_mode || !selected(0) || !admit(tid, id2 >> 32, 0))
      return 0;
    t = bpf_map_lookup_elem(&tasks, &tid);
    if (!t)
      return 0;
  }
  if (t->flags & T_WAIT_EXEC) {
    if (nr != 59 && nr != 322)
      return 0;
    t->flags = (t->flags & ~T_WAIT_EXEC) | T_RECORDING;
  }
  t->flags &= ~(T_IN_SYSCALL | T_ATTACHED);
  if (!(t->flags & T_RECORDING) || !sp->traced)
    return 0;
  struct scratch* s = get_scratch();
  struct work* w = get_work();
  if (!s || !w)
    return 0;
  t->flags |= T_IN_SYSCALL;
  t->nr = nr;
  t->retry = 0;
  struct strec_syscall* r = start(s, STREC_REC_ENTER, tid, t->tgid, nr);
  read_regs(regs, w, r);
  narrow_int_args(w, sp);
  begin_work(w, nr, 0, 0, 0xffffffff);
  if (sp->enter_args)
    bpf_loop(sp->enter_args, enter_arg, NULL, 0);
  t->retry = w->retry;
  t->saved = w->saved;
  finish(s, r, w);
  return 0;
}

/* ---- What a new fd or the working directory names, as readlink of /proc/PID/fd/N shows it ----
 * The path is built backwards in a per-CPU buffer, one dentry name at a time, crossing mount
 * points up to the root of the mount tree; pipes, sockets and anonymous inodes are named as the
 * kernel names them ("pipe:[INODE]"). */

/* One step up the tree. A callback with no global body: its one call site is in put_path, a
 * global function verified once, and a frame less keeps the chains below the stack budget. */
static long path_step(__u32 i, void* data) {
  __u32 zero = 0;
  struct pathbuf* pb = bpf_map_lookup_elem(&pathbufs, &zero);
  struct work* w = get_work();
  if (!pb || !w)
    return 1;
  typeof(w->path)* k = &w->path;
  struct dentry* d = k->d;
  struct vfsmount* m = k->m;
  if (d == BPF_CORE_READ(m, mnt_root)) {
    struct mount* mnt = (struct mount*)((void*)m - bpf_core_field_offset(struct mount, mnt));
    struct mount* parent = BPF_CORE_READ(mnt, mnt_parent);
    if (parent == mnt)
      return 1; /* the root of the mount tree */
    k->d = BPF_CORE_READ(mnt, mnt_mountpoint);
    k->m = (struct vfsmount*)((void*)parent + bpf_core_field_offset(struct mount, mnt));
    return 0;
  }
  struct dentry* parent = BPF_CORE_READ(d, d_parent);
  if (parent == d)
    return 1;
  __u32 len = BPF_CORE_READ(d, d_name.len);
  const unsigned char* name = BPF_CORE_READ(d, d_name.name);
  if (len > 255 || k->pos < len + 1) {
    k->err = 1;
    return 1;
  }
  __u32 pos = k->pos - len;
  bpf_probe_read_kernel(&pb->buf[pos & (PATH_END - 1)], len & 255, name);
  pos--;
  pb->buf[pos & (PATH_END - 1)] = '/';
  k->pos = pos;
  k->d = parent;
  return 0;
}

static const char fmt_pipe[] = "pipe:[%llu]";
static const char fmt_socket[] = "socket:[%llu]";
static const char fmt_anon[] = "anon_inode:%s";

/* Appends, at `off` of the scratch record, the path of the dentry d on the mount m as a buffer
 * of the given meta, recorded at `addr`; returns the new offset (off when nothing was added).
 * Global functions, like put_buf: the verifier checks each once, not at every call. */
__noinline __u32 put_path(__u32 off, __u64 dentry, __u64 mnt, __u64 meta, __u64 addr) {
  __u32 zero = 0;
  struct pathbuf* pb = bpf_map_lookup_elem(&pathbufs, &zero);
  struct work* w = get_work();
  struct dentry* d = (struct dentry*)dentry;
  if (!pb || !w || !dentry || !mnt)
    return off;
  __u64 magic = BPF_CORE_READ(d, d_sb, s_magic);
  __u64 arg[1];
  long n = -1;
  __u32 start = PATH_END;
  if (magic == 0x50495045 || magic == 0x534F434B) { /* PIPEFS_MAGIC, SOCKFS_MAGIC */
    arg[0] = BPF_CORE_READ(d, d_inode, i_ino);
    n = bpf_snprintf(pb->buf, 64, magic == 0x50495045 ? fmt_pipe : fmt_socket, arg, 8);
  } else if (magic == 0x09041934) { /* ANON_INODE_FS_MAGIC: the name is the dentry's */
    arg[0] = (__u64)BPF_CORE_READ(d, d_name.name);
    n = bpf_snprintf(pb->buf, 128, fmt_anon, arg, 8);
  } else if (magic == 0x50494446) { /* PID_FS_MAGIC: pidfds (Linux 6.9+) keep their old name */
    arg[0] = (__u64) "[pidfd]";
    n = bpf_snprintf(pb->buf, 128, fmt_anon, arg, 8);
  }
  struct dentry* parent = BPF_CORE_READ(d, d_parent);
  if (n <= 0 && parent == d && d != BPF_CORE_READ((struct vfsmount*)mnt, mnt_root) &&
      BPF_CORE_READ(d, d_op, d_dname)) {
    /* A file with no place in any tree (memfd, and others made by alloc_file_pseudo): the
     * kernel names it "/NAME (deleted)" (simple_dname). */
    __u32 len = BPF_CORE_READ(d, d_name.len) & 255;
    pb->buf[0] = '/';
    if (bpf_probe_read_kernel(&pb->buf[1], len, BPF_CORE_READ(d, d_name.name)) == 0) {
      __builtin_memcpy(&pb->buf[(1 + len) & 511], " (deleted)", 10);
      n = 1 + len + 10 + 1; /* with a NUL, as bpf_snprintf counts */
    }
  }
  if (n > 0) {
    start = 0;
  } else {
    w->path.d = d;
    w->path.m = (struct vfsmount*)mnt;
    w->path.pos = PATH_END;
    w->path.err = 0;
    bpf_loop(128, path_step, NULL, 0);
    if (w->path.err)
      return off;
    start = w->path.pos;
    if (start >= PATH_END) {
      start = PATH_END - 1;
      pb->buf[start] = '/';
    }
    n = PATH_END - start + 1;
    /* a file whose last link went away: readlink says so */
    if (!BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d && n < 200) {
      __builtin_memcpy(&pb->buf[PATH_END], " (deleted)", 11);
      n += 10;
    }
  }
  /* n counts a NUL */
  __u32 next = put_buf(off, start, n - 1, meta | (1ull << 9), n - 1);
  struct scratch* s = get_scratch();
  if (next != off && s && off < STREC_SCRATCH_HALF) {
    __u64 o = off;
    asm volatile("%0 &= %1" : "+r"(o) : "i"(STREC_SCRATCH_HALF - 1)); /* for the verifier */
    ((struct strec_buf*)&s->data[o])->addr = addr;
  }
  return next;
}

/* The current thread's open file `fd`, or NULL. */
static __always_inline struct file* fd_file(__s64 fd) {
  if (fd < 0 || fd > 0x7fffffff)
    return 0;
  struct task_struct* task = bpf_get_current_task_btf();
  struct fdtable* fdt = BPF_CORE_READ(task, files, fdt);
  if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
    return 0;
  struct file** arr = BPF_CORE_READ(fdt, fd);
  struct file* f = 0;
  if (bpf_probe_read_kernel(&f, sizeof f, &arr[fd]) != 0)
    return 0;
  return f;
}

/* The path of the current thread's fd (kBufferFdPath). */
__noinline __u32 put_fd_path(__u32 off, __s64 fd, __u64 meta) {
  struct file* f = fd_file(fd);
  if (!f)
    return off;
  return put_path(off, (__u64)BPF_CORE_READ(f, f_path.dentry), (__u64)BPF_CORE_READ(f, f_path.mnt),
                  meta, fd);
}

/* ---- What strace -yy shows of a socket, a device or a pidfd (kBufferFdDetail) ----
 * Read from the kernel's own structures at the call's exit, as the ptrace recorder asks the
 * socket diagnostics then: "found" is what those would answer (an inet socket with a local
 * port, a netlink socket with a port id, a unix socket with a name or a peer). */
#define DETAIL_ONLY_NEW (1ull << 10) /* only a socket found for the first time */
#define DETAIL_PEER (1ull << 11)     /* the fd's unix socket's peer rather than the socket */

/* Sockets described as found already (the ptrace recorder keeps the same, 1024 by inode). */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 4096);
  __type(key, __u64);
  __type(value, __u8);
} found_sockets SEC(".maps");

static __always_inline __u64 socket_inode(struct socket* sock) {
  struct socket_alloc* a = container_of(sock, struct socket_alloc, socket);
  return BPF_CORE_READ(a, vfs_inode.i_ino);
}

__noinline __u32 put_fd_detail(__u32 off, __s64 fd, __u64 meta) {
  __u32 zero = 0;
  struct pathbuf* pb = bpf_map_lookup_elem(&pathbufs, &zero);
  struct file* f = fd_file(fd);
  if (!pb || !f)
    return off;
  struct strec_fd_detail* d = (struct strec_fd_detail*)pb->buf;
  __builtin_memset(d, 0, sizeof *d);
  struct dentry* dentry = BPF_CORE_READ(f, f_path.dentry);
  __u64 magic = BPF_CORE_READ(dentry, d_sb, s_magic);
  __u32 size = sizeof *d;
  if (magic == 0x50494446 || magic == 0x09041934) { /* PID_FS_MAGIC, ANON_INODE_FS_MAGIC */
    char name[8] = {};
    if (magic == 0x09041934 &&
        (bpf_probe_read_kernel(name, 8, BPF_CORE_READ(dentry, d_name.name)) != 0 ||
         __builtin_memcmp(name, "[pidfd]", 8) != 0))
      return off;
    if (meta & (DETAIL_ONLY_NEW | DETAIL_PEER))
      return off;
    /* the struct pid: the pidfs inode's (6.9+), or the anonymous file's */
    struct pid* pid =
        magic == 0x50494446 ? BPF_CORE_READ(f, f_inode, i_private) : BPF_CORE_READ(f, private_data);
    d->kind = 3;
    d->pid = BPF_CORE_READ(pid, numbers[0].nr);
    if (d->pid <= 0)
      return off;
  } else if (magic == 0x534F434B) { /* SOCKFS_MAGIC */
    struct socket* sock = BPF_CORE_READ(f, private_data);
    struct sock* sk = BPF_CORE_READ(sock, sk);
    __u64 ino = BPF_CORE_READ(dentry, d_inode, i_ino);
    if (meta & DETAIL_PEER) { /* an accept makes its client's socket findable */
      if (!sk || BPF_CORE_READ(sk, __sk_common.skc_family) != 1 /* AF_UNIX */)
        return off;
      sk = BPF_CORE_READ((struct unix_sock*)sk, peer);
      sock = sk ? BPF_CORE_READ(sk, sk_socket) : 0;
      if (!sock)
        return off;
      ino = socket_inode(sock);
    }
    if (!sk)
      return off;
    d->kind = 1;
    d->inode = ino;
    struct proto* prot = BPF_CORE_READ(sk, __sk_common.skc_prot);
    bpf_probe_read_kernel_str(d->proto, sizeof d->proto, &prot->name);
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    d->family = family;
    if (family == 2 || family == 10) { /* AF_INET, AF_INET6 */
      __u16 port = BPF_CORE_READ(sk, __sk_common.skc_num);
      d->found = port != 0;
      d->sport = port;
      d->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
      if (family == 2) {
        __u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
        __u32 b = BPF_CORE_READ(sk, __sk_common.skc_daddr);
        __builtin_memcpy(d->src, &a, 4);
        __builtin_memcpy(d->dst, &b, 4);
      } else {
        BPF_CORE_READ_INTO(&d->src, sk, __sk_common.skc_v6_rcv_saddr);
        BPF_CORE_READ_INTO(&d->dst, sk, __sk_common.skc_v6_daddr);
      }
    } else if (family == 16) { /* AF_NETLINK */
      d->portid = BPF_CORE_READ((struct netlink_sock*)sk, portid);
      d->protocol = BPF_CORE_READ(sk, sk_protocol);
      d->found = d->portid != 0;
    } else if (family == 1) { /* AF_UNIX */
      struct unix_sock* u = (struct unix_sock*)sk;
      struct sock* peer = BPF_CORE_READ(u, peer);
      struct socket* ps = peer ? BPF_CORE_READ(peer, sk_socket) : 0;
      if (ps)
        d->peer_inode = socket_inode(ps);
      /* a client not accepted yet: its peer has no inode; left for the accept (fd_details.cc) */
      __u8 embryo = peer && !ps;
      struct unix_address* addr = BPF_CORE_READ(u, addr);
      int len = addr ? BPF_CORE_READ(addr, len) : 0;
      __u64 n = len > 2 && len <= 110 ? len - 2 : 0; /* the name, after sun_family */
      asm volatile("%0 &= 127" : "+r"(n));           /* for the verifier */
      if (n) {
        void* name = (void*)addr + bpf_core_field_offset(struct unix_address, name) + 2;
        if (bpf_probe_read_kernel(&pb->buf[sizeof *d], n, name) != 0)
          n = 0;
      }
      size += n;
      d->found = (d->peer_inode || n) && !embryo;
    }
    if (d->found) {
      __u8 one = 1;
      if ((meta & DETAIL_ONLY_NEW) && bpf_map_lookup_elem(&found_sockets, &ino))
        return off;
      bpf_map_update_elem(&found_sockets, &ino, &one, BPF_ANY);
    } else if (meta & DETAIL_ONLY_NEW) {
      return off;
    }
  } else {
    /* A device node: its numbers (strace stats the path; this is the node the path named) */
    struct inode* inode = BPF_CORE_READ(f, f_inode);
    __u16 mode = BPF_CORE_READ(inode, i_mode) & 0170000;
    if ((mode != 0020000 && mode != 0060000) || (meta & (DETAIL_ONLY_NEW | DETAIL_PEER)))
      return off;
    __u32 rdev = BPF_CORE_READ(inode, i_rdev); /* the kernel's dev_t: major << 20 | minor */
    d->kind = 2;
    d->is_block = mode == 0060000;
    d->major = rdev >> 20;
    d->minor = rdev & 0xfffff;
  }
  return put_buf(off, 0, size, meta | (1ull << 9), size);
}

static __always_inline void counted(struct ctx* c, __u32 next) {
  if (next == c->off)
    return;
  c->off = next;
  c->nbufs++;
}

static __always_inline void add_fd_path(struct ctx* c, __s64 fd, __u8 arg, __u32 index) {
  counted(c, put_fd_path(c->off, fd, META(arg, 1, 6 /* kBufferFdPath */, 0, index)));
  counted(c, put_fd_detail(c->off, fd, META(arg, 1, 8 /* kBufferFdDetail */, 0, index)));
  counted(c, put_fd_detail(c->off, fd,
                           META(arg, 1, 8, 0, index | 0x80000000u /* kFdDetailPeerIndex */) |
                               DETAIL_ONLY_NEW | DETAIL_PEER));
}

/* The fds a recvmsg received with SCM_RIGHTS, named like a new fd (kBufferFdPath of argument
 * 1, index: the fd's position among all the SCM_RIGHTS fds of the control data). A first loop
 * finds them, one per step; a second names them: naming one from inside the first would put
 * the cmsg walk's frames on top of the dentry walk's, the deepest chain of calls there is. */
__noinline int scm_step_body(void) {
  struct work* w = get_work();
  if (!w)
    return 1;
  typeof(w->scm)* k = &w->scm;
  for (int skip = 0; skip < 8; skip++) { /* cmsgs that hold no (more) fds */
    __u64 h[2];
    if (k->at + 16 > k->end || bpf_probe_read_user(h, sizeof h, (const void*)(k->control + k->at)))
      return 1;
    __u64 len = h[0];
    if (len < 16 || len > k->end - k->at)
      return 1;
    if ((__u32)h[1] == 1 && (h[1] >> 32) == 1 && 16 + 4 * (k->j + 1) <= len) { /* SOL_SOCKET,
                                                                                 SCM_RIGHTS */
      __s32 fd = -1;
      if (bpf_probe_read_user(&fd, sizeof fd, (const void*)(k->control + k->at + 16 + 4 * k->j)))
        return 1;
      k->j++;
      k->fds[k->index++ & (STREC_SCM_FDS_MAX - 1)] = fd;
      return k->index < STREC_SCM_FDS_MAX ? 0 : 1;
    }
    k->at += (len + 7) & ~7ull;
    k->j = 0;
  }
  return 1;
}

static long scm_step(__u32 i, void* data) {
  return scm_step_body() ? 1 : 0;
}

static long scm_name_step(__u32 i, void* data) {
  struct work* w = get_work();
  if (!w || i >= w->scm.index)
    return 1;
  add_fd_path(&w->c, w->scm.fds[i & (STREC_SCM_FDS_MAX - 1)], 1, i);
  return 0;
}

static __always_inline void add_received_fds(struct work* w, __u64 msghdr) {
  __u64* m = w->m;
  if (!msghdr || bpf_probe_read_user(m, 48, (const void*)msghdr) != 0 || !m[4])
    return;
  w->scm.control = m[4];
  w->scm.end = m[5] < 4096 ? m[5] : 4096;
  w->scm.at = w->scm.j = w->scm.index = 0;
  bpf_loop(STREC_SCM_FDS_MAX, scm_step, NULL, 0);
  bpf_loop(STREC_SCM_FDS_MAX, scm_name_step, NULL, 0);
}

static __always_inline void add_cwd(struct ctx* c) {
  struct task_struct* task = bpf_get_current_task_btf();
  counted(c, put_path(c->off, (__u64)BPF_CORE_READ(task, fs, pwd.dentry),
                      (__u64)BPF_CORE_READ(task, fs, pwd.mnt), META(6, 1, 7 /* kBufferCwd */, 0, 0),
                      0));
}

/* Whether the current thread is being killed: SIGKILL pending, its group exiting, or another
 * thread's execve taking the group over. */
static __always_inline int dying(void) {
  struct task_struct* task = bpf_get_current_task_btf();
  struct task_struct* exec_task = BPF_CORE_READ(task, signal, group_exec_task);
  if (exec_task && exec_task != task)
    return 1;
  if (BPF_CORE_READ(task, signal, flags) & 4 /* SIGNAL_GROUP_EXIT */)
    return 1;
  return (BPF_CORE_READ(task, pending.signal.sig[0]) >> 8) & 1; /* SIGKILL is 9: bit 8 */
}

SEC("raw_tp/sys_exit")
int BPF_PROG(on_exit, struct pt_regs* regs, long ret) {
  __s64 nr0 = -1;
  bpf_probe_read_kernel(&nr0, sizeof nr0, &regs->orig_ax);
  if (nr0 == -1) {
    /* rt_sigreturn restores the registers of the signal frame, orig_ax (-1) with them: its
     * exit is known by the entry recorded for the thread. */
    __u32 self = (__u32)bpf_get_current_pid_tgid();
    struct task* st = bpf_map_lookup_elem(&tasks, &self);
    if (st && (st->flags & T_IN_SYSCALL) && st->nr == 15 /* rt_sigreturn */)
      nr0 = 15;
  }
  if (nr0 < 0 || nr0 >= STREC_NR_MAX)
    return 0;
  if (!spec_of(nr0)->traced)
    return 0; /* outside the set: before the per-thread lookup, as at entry */
  __u64 id2 = bpf_get_current_pid_tgid();
  __u32 tid = (__u32)id2;
  struct task* t = bpf_map_lookup_elem(&tasks, &tid);
  if (!t) {
    /* Inside this call since before the recording began (or since before it joined a selected
     * cgroup): its exit is recorded without an entry, as after -p. */
    if (!select_mode || !selected(0) || !admit(tid, id2 >> 32, T_ATTACHED))
      return 0;
    t = bpf_map_lookup_elem(&tasks, &tid);
    if (!t)
      return 0;
  }
  __u32 flags = 0;
  __s64 nr = nr0;
  if (t->flags & T_IN_SYSCALL) {
    t->flags &= ~T_IN_SYSCALL;
    nr = t->nr;
  } else if (t->flags & T_ATTACHED) {
    t->flags &= ~T_ATTACHED;
    flags = STREC_SC_NO_ENTRY;
  } else {
    return 0;
  }
  if (nr < 0 || nr >= STREC_NR_MAX)
    return 0;
  if (dying()) {
    /* A thread killed inside a call (SIGKILL, another thread's exit_group or execve) leaves it
     * with no result a tracer could see: its exit record says "never returned". */
    t->flags |= T_IN_SYSCALL;
    return 0;
  }
  const volatile struct strec_spec* sp = spec_of(nr);
  if (!sp->traced)
    return 0;
  struct scratch* s = get_scratch();
  struct work* w = get_work();
  if (!s || !w)
    return 0;
  struct strec_syscall* r = start(s, STREC_REC_EXIT, tid, t->tgid, nr);
  r->ret = ret;
  r->flags = flags;
  read_regs(regs, w, r);
  narrow_int_args(w, sp);
  begin_work(w, nr, ret, t->retry, t->saved);
  __u32 n = w->retry ? 6 : sp->exit_args;
  t->retry = 0;
  if (n)
    bpf_loop(n, exit_arg, NULL, 0);
  /* The messages of a recvmmsg/sendmmsg, from here rather than from the argument's loop: one
   * nesting of loops less on the deepest chain of calls. */
  if (w->mmsg.n)
    bpf_loop(STREC_MMSG_MAX, mmsg_step, NULL, 0);
  if (!(ret < 0 && ret >= -4095) && sp->flags) {
    __u32 fl = sp->flags;
    __u64 cmd = w->args[1] & 0xffffffff;
    if ((fl & STREC_SPEC_RET_FD) || ((fl & STREC_SPEC_FCNTL) && (cmd == 0 || cmd == 1030)))
      add_fd_path(&w->c, ret, 6 /* kArgReturn */, 0);
    if (fl & STREC_SPEC_FD_PAIR) {
      __u32 a = (fl >> 8) & 7;
      int fds[2];
      if (a < 6 && bpf_probe_read_user(fds, sizeof fds, (const void*)w->args[a]) == 0) {
        add_fd_path(&w->c, fds[0], a, 0);
        add_fd_path(&w->c, fds[1], a, 1);
      }
    }
    if (fl & STREC_SPEC_CWD)
      add_cwd(&w->c);
    if (fl & STREC_SPEC_SCM_RIGHTS)
      add_received_fds(w, w->args[1]);
  }
  /* A bind, connect, listen or send (also one that failed: a connect in progress) may have made
   * its socket findable. */
  if (nr == 49 || nr == 42 || nr == 50 || nr == 44 || nr == 46 || nr == 307)
    counted(&w->c, put_fd_detail(w->c.off, w->args[0], META(0, 1, 8, 0, 0) | DETAIL_ONLY_NEW));
  finish(s, r, w);
  return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct* parent, struct task_struct* child) {
  __u32 ptid = BPF_CORE_READ(parent, pid);
  struct task* t = bpf_map_lookup_elem(&tasks, &ptid);
  if (!t || !follow)
    return 0;
  __u32 ctid = BPF_CORE_READ(child, pid), ctgid = BPF_CORE_READ(child, tgid);
  struct task nt = {ctgid, t->flags & (T_RECORDING | T_WAIT_EXEC), 0, -1, 0xffffffff};
  if (bpf_map_update_elem(&tasks, &ctid, &nt, BPF_ANY) != 0) {
    __u32 k = 2;
    __u64* n = bpf_map_lookup_elem(&drops, &k);
    if (n)
      (*n)++;
  }
  if (!(t->flags & T_RECORDING))
    return 0;
  struct scratch* s = get_scratch();
  if (!s)
    return 0;
  struct strec_spawn* r = header(s, STREC_REC_SPAWN, sizeof(struct strec_spawn), ptid, t->tgid);
  r->child_tid = ctid;
  r->child_tgid = ctgid;
  r->syscall_nr = t->nr;
  r->clone_flags = 0;
  r->pad = 0;
  /* the parent is the current task: the tracepoint fires in the thread that forked */
  struct pt_regs* regs = (struct pt_regs*)bpf_task_pt_regs(bpf_get_current_task_btf());
  if (regs) {
    __u64 di = BPF_CORE_READ(regs, di);
    if (t->nr == 56) /* clone */
      r->clone_flags = di;
    else if (t->nr == 435) /* clone3: struct clone_args.flags */
      bpf_probe_read_user(&r->clone_flags, 8, (const void*)di);
  }
  emit(s, sizeof *r);
  return 0;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) {
  __u32 old = old_pid, tid = BPF_CORE_READ(p, pid);
  struct task* t = bpf_map_lookup_elem(&tasks, &old);
  __u32 at_exec = t && (t->flags & T_SELECT_AT_EXEC);
  if (at_exec)
    bpf_map_delete_elem(&tasks, &old);
  if (!t || at_exec) {
    /* With a selection, a program exec'd (--comm matches its new name) is taken up here, its
     * exec recorded; its execve returns as a call whose entry was not seen (the registers
     * that held its arguments are cleared for the new image by now). */
    if (!select_mode || !selected(at_exec) || !admit(tid, BPF_CORE_READ(p, tgid), T_ATTACHED))
      return 0;
    t = bpf_map_lookup_elem(&tasks, &tid);
    if (!t)
      return 0;
    old = tid;
  }
  struct task moved = *t;
  if (old != tid) {
    /* a non-leader thread exec'd: it now has the leader's id */
    bpf_map_update_elem(&tasks, &tid, &moved, BPF_ANY);
    bpf_map_delete_elem(&tasks, &old);
  }
  if (!(moved.flags & T_RECORDING))
    return 0;
  struct scratch* s = get_scratch();
  if (!s)
    return 0;
  struct strec_exec* r = header(s, STREC_REC_EXEC, 0, tid, BPF_CORE_READ(p, tgid));
  r->former_tid = old;
  r->argc = BPF_CORE_READ(bprm, argc);
  long n = bpf_probe_read_kernel_str(&s->data[sizeof *r], 4096, BPF_CORE_READ(bprm, filename));
  __u32 flen = n > 0 ? n - 1 : 0;
  r->filename_len = flen;
  __u64 start = BPF_CORE_READ(p, mm, arg_start), end = BPF_CORE_READ(p, mm, arg_end);
  __u64 alen = end > start ? end - start : 0;
  if (alen > STREC_READ_MAX)
    alen = STREC_READ_MAX;
  __u32 aoff = sizeof *r + 4096;
  r->args_len = 0;
  if (alen && bpf_probe_read_user(&s->data[aoff], alen, (const void*)start) == 0)
    r->args_len = alen;
  /* filename at sizeof *r, args at sizeof *r + 4096: the reader knows the layout */
  __u32 size = (aoff + r->args_len + 7) & ~7u;
  r->h.size = size;
  emit(s, size);
  return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_task_exit, struct task_struct* p) {
  __u32 tid = BPF_CORE_READ(p, pid);
  struct task* t = bpf_map_lookup_elem(&tasks, &tid);
  if (!t)
    return 0;
  __u32 recording = t->flags & T_RECORDING, tgid = t->tgid;
  bpf_map_delete_elem(&tasks, &tid);
  if (!recording)
    return 0;
  /* A leader that ends because another of its threads exec'd: that thread takes its id, and
   * the exec record says so (a tracer sees no exit of it either). */
  struct task_struct* exec_task = BPF_CORE_READ(p, signal, group_exec_task);
  if (exec_task && exec_task != p && tid == tgid)
    return 0;
  struct scratch* s = get_scratch();
  if (!s)
    return 0;
  struct strec_gone* r = header(s, STREC_REC_GONE, sizeof(struct strec_gone), tid, tgid);
  r->exit_code = BPF_CORE_READ(p, exit_code);
  r->pad = 0;
  emit(s, sizeof *r);
  return 0;
}

/* Writes a signal record for thread tid of tgid. info: the kernel's siginfo, or
 * SEND_SIG_NOINFO (0: sent from user space, by the current task) or SEND_SIG_PRIV (1: by the
 * kernel), for which the siginfo a tracer would see is made up here. */
static __always_inline void emit_signal(__u32 tid,
                                        __u32 tgid,
                                        int sig,
                                        struct kernel_siginfo* info,
                                        __u64 handler,
                                        __u32 ignored) {
  struct scratch* s = get_scratch_slot(ignored ? SCRATCH_SIGNAL_GENERATE : 0);
  if (!s)
    return;
  struct strec_signal* r = header(s, STREC_REC_SIGNAL, sizeof(struct strec_signal), tid, tgid);
  r->signo = sig;
  r->handler = handler;
  r->ignored = ignored;
  r->pad = 0;
  __builtin_memset(r->siginfo, 0, sizeof r->siginfo);
  if ((unsigned long)info > 1) {
    bpf_probe_read_kernel(r->siginfo, sizeof r->siginfo, info);
    r->code = BPF_CORE_READ(info, si_code);
  } else {
    int* si = (int*)r->siginfo;
    struct task_struct* cur = bpf_get_current_task_btf();
    si[0] = sig;
    si[2] = info ? 0x80 /* SI_KERNEL */ : 0 /* SI_USER */;
    if (!info) {
      si[4] = BPF_CORE_READ(cur, tgid);
      si[5] = BPF_CORE_READ(cur, cred, uid.val);
    }
    r->code = si[2];
  }
  emit(s, sizeof *r);
}

SEC("raw_tp/signal_deliver")
int BPF_PROG(on_signal, int sig, struct kernel_siginfo* info, struct k_sigaction* ka) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct task* t = bpf_map_lookup_elem(&tasks, &tid);
  if (!t || !(t->flags & T_RECORDING) || sig == 9 /* SIGKILL: never reported, as by ptrace */)
    return 0;
  emit_signal(tid, t->tgid, sig, info, ka ? (__u64)BPF_CORE_READ(ka, sa.sa_handler) : 0, 0);
  return 0;
}

/* A signal the target ignores (SIGCHLD, SIGCONT, SIGWINCH, SIGURG by default, or SIG_IGN) is
 * dropped when sent and never delivered; a ptrace tracer would still have seen it (the kernel
 * queues every signal of a traced thread), so it is recorded when generated. */
SEC("raw_tp/signal_generate")
int BPF_PROG(on_signal_generate,
             int sig,
             struct kernel_siginfo* info,
             struct task_struct* task,
             int group,
             int result) {
  if (result != 1 /* TRACE_SIGNAL_IGNORED */ || sig == 9)
    return 0;
  __u32 tid = BPF_CORE_READ(task, pid);
  struct task* t = bpf_map_lookup_elem(&tasks, &tid);
  if (!t || !(t->flags & T_RECORDING))
    return 0;
  emit_signal(tid, t->tgid, sig, info, 1 /* SIG_IGN, or ignored by default */, 1);
  return 0;
}

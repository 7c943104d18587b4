/*
 * workload.c -- the recording-overhead harness's workloads (bench/overhead.sh).
 *
 * Usage: workload MODE N [DIR]
 *   getppid    N x syscall(SYS_getppid)                                   (N syscalls)
 *   write      N x 16-byte write to /dev/null                             (N)
 *   pread      N x 4 KiB pread64 at offset 0 of a 4 KiB file (page-cached) (N)
 *   openclose  N x open("/dev/null") + close                              (2N)
 *   threads    4 threads, N/4 iterations each, cycling through the four above (1.25N)
 *   mix        a process tree: 3 forked workers (the third execs this program, which runs 2
 *              threads) doing N iterations in all of a 28-syscall body of mixed kinds (open,
 *              fstat, read, lseek, pread, stat, access, getdents64, pipe I/O, mmap/munmap,
 *              fcntl, dup, sigprocmask, getcwd, uname, readlink, a failing open, ...):
 *              about 28N syscalls plus process set-up; N = 5000 gives about 145k.
 * Scratch files go to a new directory under DIR (default $TMPDIR or /tmp), removed at the end.
 *
 * Prints one line on stdout, the same natively and under any tracer (a checksum of what was read,
 * no pids, fds or times), so the harness can check that tracing changed nothing. Exit status 0;
 * 2 with usage on stderr for bad arguments; 1 with a message on stderr on an unexpected failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLK 4096
#define MIX_WORKERS 3
#define DIR_ENTRIES 8

static void die(const char* what) {
  fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
  _exit(1);
}

/* ---- scratch directory: data (4 KiB of a pattern) and d/ with DIR_ENTRIES empty files ---- */

static char scratch[4096], data_path[4200], dir_path[4200];

static void MakeScratch(const char* base) {
  if (!base)
    base = getenv("TMPDIR");
  if (!base || !*base)
    base = "/tmp";
  snprintf(scratch, sizeof scratch, "%s/strec-workload-XXXXXX", base);
  if (!mkdtemp(scratch))
    die("mkdtemp");
  snprintf(data_path, sizeof data_path, "%s/data", scratch);
  snprintf(dir_path, sizeof dir_path, "%s/d", scratch);
  int fd = open(data_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    die("create data file");
  static char blk[BLK];
  for (int i = 0; i < BLK; i++)
    blk[i] = (char)('a' + i % 26);
  if (write(fd, blk, BLK) != BLK)
    die("write data file");
  close(fd);
  if (mkdir(dir_path, 0755) != 0)
    die("mkdir");
  for (int i = 0; i < DIR_ENTRIES; i++) {
    char p[4300];
    snprintf(p, sizeof p, "%s/f%d", dir_path, i);
    fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      die("create dir entry");
    close(fd);
  }
}

static void RemoveScratch(void) {
  char p[4300];
  for (int i = 0; i < DIR_ENTRIES; i++) {
    snprintf(p, sizeof p, "%s/f%d", dir_path, i);
    unlink(p);
  }
  rmdir(dir_path);
  unlink(data_path);
  rmdir(scratch);
}

/* ---- the single-syscall loops ---- */

static int null_fd = -1, data_fd = -1;

static uint64_t DoGetppid(void) {
  syscall(SYS_getppid);
  return 1;
}

static uint64_t DoWrite(void) {
  if (write(null_fd, "0123456789abcdef", 16) != 16)
    die("write");
  return 16;
}

static uint64_t DoPread(void) {
  unsigned char buf[BLK];
  if (pread(data_fd, buf, BLK, 0) != BLK)
    die("pread");
  return buf[0] + buf[BLK - 1];
}

static uint64_t DoOpenClose(void) {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die("open(/dev/null)");
  close(fd);
  return 2;
}

static uint64_t (*const kCycle[4])(void) = {DoGetppid, DoWrite, DoPread, DoOpenClose};

struct Worker {
  pthread_t thread;
  long iterations;
  long start;
  uint64_t sum;
};

static void* CycleWorker(void* arg) {
  struct Worker* w = arg;
  for (long i = 0; i < w->iterations; i++)
    w->sum += kCycle[(i + w->start) & 3]();
  return NULL;
}

/* ---- the mixed body: 28 syscalls an iteration ---- */

static uint64_t MixBody(int pipe_fds[2]) {
  unsigned char buf[BLK];
  uint64_t sum = 0;
  struct stat st;

  int fd = open(data_path, O_RDONLY | O_CLOEXEC); /* 1 openat */
  if (fd < 0)
    die("open data");
  if (fstat(fd, &st) != 0) /* 2 fstat */
    die("fstat");
  sum += (uint64_t)st.st_size;
  if (read(fd, buf, BLK) != BLK) /* 3 read */
    die("read");
  sum += buf[7];
  lseek(fd, 0, SEEK_SET);              /* 4 lseek */
  if (pread(fd, buf, 512, 100) != 512) /* 5 pread64 */
    die("pread");
  sum += buf[0];
  close(fd);                     /* 6 close */
  if (stat(data_path, &st) != 0) /* 7 newfstatat */
    die("stat");
  sum += access(dir_path, R_OK) == 0; /* 8 access */

  int dfd = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* 9 openat */
  if (dfd < 0)
    die("open dir");
  long n;
  int entries = 0;
  while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) /* 10, 11 getdents64 */
    entries++;
  if (n < 0)
    die("getdents64");
  sum += (uint64_t)entries;
  close(dfd); /* 12 close */

  static const char kPayload[64] =
      "pipe payload of sixty-four bytes, padded to sixty-four bytes...";
  if (write(pipe_fds[1], kPayload, sizeof kPayload) != sizeof kPayload) /* 13 write */
    die("write pipe");
  if (read(pipe_fds[0], buf, 64) != 64) /* 14 read */
    die("read pipe");
  sum += buf[5];

  void* m =
      mmap(NULL, 2 * BLK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); /* 15 mmap */
  if (m == MAP_FAILED)
    die("mmap");
  munmap(m, 2 * BLK); /* 16 munmap */

  syscall(SYS_getpid); /* 17 getpid */
  struct timespec ts;
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); /* 18 clock_gettime (not the vDSO) */
  if (write(null_fd, buf, 128) != 128)              /* 19 write */
    die("write /dev/null");
  sum += fcntl(null_fd, F_GETFL) >= 0; /* 20 fcntl */
  int d = dup(null_fd);                /* 21 dup */
  if (d < 0)
    die("dup");
  close(d); /* 22 close */
  sigset_t set;
  sigprocmask(SIG_BLOCK, NULL, &set); /* 23 rt_sigprocmask */
  char cwd[4096];
  sum += getcwd(cwd, sizeof cwd) != NULL; /* 24 getcwd */
  struct utsname u;
  sum += uname(&u) == 0; /* 25 uname */
  char exe[4096];
  sum += readlink("/proc/self/exe", exe, sizeof exe) > 0;   /* 26 readlink */
  sum += open("/nonexistent/strec-workload", O_RDONLY) < 0; /* 27 openat -> ENOENT */
  syscall(SYS_getuid);                                      /* 28 getuid */
  return sum;
}

struct MixThread {
  pthread_t thread;
  long iterations;
  uint64_t sum;
};

static void* MixThreadMain(void* arg) {
  struct MixThread* t = arg;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0)
    die("pipe2");
  for (long i = 0; i < t->iterations; i++)
    t->sum += MixBody(p);
  close(p[0]);
  close(p[1]);
  return NULL;
}

/* Runs `iterations` of the body on `threads` threads; writes the checksum to `report_fd`. */
static void MixWorker(long iterations, int threads, int report_fd) {
  null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_fd < 0)
    die("open(/dev/null)");
  struct MixThread t[2] = {{0}};
  uint64_t sum = 0;
  for (int i = 0; i < threads; i++) {
    t[i].iterations = iterations / threads + (i < iterations % threads);
    int rc = pthread_create(&t[i].thread, NULL, MixThreadMain, &t[i]);
    if (rc != 0) {
      errno = rc;
      die("pthread_create");
    }
  }
  for (int i = 0; i < threads; i++) {
    pthread_join(t[i].thread, NULL);
    sum += t[i].sum;
  }
  if (write(report_fd, &sum, sizeof sum) != sizeof sum)
    die("report");
}

static int Mix(const char* self, long iterations) {
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0)
    die("pipe2");
  pid_t pids[MIX_WORKERS];
  for (int w = 0; w < MIX_WORKERS; w++) {
    long share = iterations / MIX_WORKERS + (w < iterations % MIX_WORKERS);
    pid_t pid = fork();
    if (pid < 0)
      die("fork");
    if (pid == 0) {
      if (w < MIX_WORKERS - 1) {
        MixWorker(share, 1, report[1]);
        _exit(0);
      }
      /* The last worker execs: `workload mix-exec SHARE SCRATCH REPORT_FD`. */
      int fd = dup(report[1]); /* without O_CLOEXEC */
      if (fd < 0)
        die("dup");
      char share_s[32], fd_s[16];
      snprintf(share_s, sizeof share_s, "%ld", share);
      snprintf(fd_s, sizeof fd_s, "%d", fd);
      execl(self, self, "mix-exec", share_s, scratch, fd_s, (char*)NULL);
      die("execl");
    }
    pids[w] = pid;
  }
  close(report[1]);
  uint64_t sum = 0, part;
  int parts = 0;
  while (read(report[0], &part, sizeof part) == sizeof part) {
    sum += part;
    parts++;
  }
  int failed = parts != MIX_WORKERS;
  for (int w = 0; w < MIX_WORKERS; w++) {
    int status;
    if (waitpid(pids[w], &status, 0) != pids[w])
      die("waitpid");
    failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  close(report[0]);
  RemoveScratch();
  if (failed) {
    fprintf(stderr, "workload: a mix worker failed (%d of %d reported)\n", parts, MIX_WORKERS);
    return 1;
  }
  printf("mix iterations=%ld workers=%d checksum=%llu\n", iterations, MIX_WORKERS,
         (unsigned long long)sum);
  return 0;
}

static int Usage(void) {
  fputs("usage: workload getppid|write|pread|openclose|threads|mix N [DIR]\n", stderr);
  return 2;
}

int main(int argc, char** argv) {
  if (argc == 5 && strcmp(argv[1], "mix-exec") == 0) {
    /* The exec'd mix worker: mix-exec SHARE SCRATCH REPORT_FD. */
    snprintf(scratch, sizeof scratch, "%s", argv[3]);
    snprintf(data_path, sizeof data_path, "%s/data", scratch);
    snprintf(dir_path, sizeof dir_path, "%s/d", scratch);
    MixWorker(strtol(argv[2], NULL, 10), 2, atoi(argv[4]));
    return 0;
  }
  if (argc < 3 || argc > 4)
    return Usage();
  const char* mode = argv[1];
  char* end;
  long n = strtol(argv[2], &end, 10);
  if (*end || n < 0)
    return Usage();

  int cycle = strcmp(mode, "threads") == 0;
  uint64_t (*op)(void) = NULL;
  if (strcmp(mode, "getppid") == 0)
    op = DoGetppid;
  else if (strcmp(mode, "write") == 0)
    op = DoWrite;
  else if (strcmp(mode, "pread") == 0)
    op = DoPread;
  else if (strcmp(mode, "openclose") == 0)
    op = DoOpenClose;
  else if (!cycle && strcmp(mode, "mix") != 0)
    return Usage();

  MakeScratch(argc > 3 ? argv[3] : NULL);
  if (!op && !cycle)
    return Mix("/proc/self/exe", n);

  null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  data_fd = open(data_path, O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || data_fd < 0)
    die("open");
  unsigned char warm[BLK];
  if (pread(data_fd, warm, BLK, 0) != BLK) /* into the page cache before the loop */
    die("pread");

  uint64_t sum = 0;
  if (cycle) {
    struct Worker w[4] = {{0}};
    for (int i = 0; i < 4; i++) {
      w[i].iterations = n / 4 + (i < n % 4);
      w[i].start = i;
      int rc = pthread_create(&w[i].thread, NULL, CycleWorker, &w[i]);
      if (rc != 0) {
        errno = rc;
        die("pthread_create");
      }
    }
    for (int i = 0; i < 4; i++) {
      pthread_join(w[i].thread, NULL);
      sum += w[i].sum;
    }
  } else {
    for (long i = 0; i < n; i++)
      sum += op();
  }
  close(data_fd);
  close(null_fd);
  RemoveScratch();
  printf("%s iterations=%ld checksum=%llu\n", mode, n, (unsigned long long)sum);
  return 0;
}

// POSIX message queues as strec decodes them: mq_open with and without O_CREAT (mode and
// struct mq_attr only with it), a NULL and an unreadable name; mq_getsetattr's attributes;
// mq_timedsend/mq_timedreceive data (a NULL message, one that runs into an unmapped page past
// what strace prints); mq_notify's struct sigevent for each notification kind.
#include <fcntl.h>
#include <linux/mqueue.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

struct sev {  // the kernel's struct sigevent, as far as strace reads it
  unsigned long value;
  int signo, notify;
  unsigned long function, attributes;
};

int main(void) {
  char* end = HoleAfterPage();  // unreadable from here on
  if (!end)
    return 1;
  const char* name = "strec-fixture-mq";
  struct mq_attr attr, old;
  memset(&attr, 0, sizeof attr);
  attr.mq_maxmsg = 2;
  attr.mq_msgsize = 64;

  syscall(SYS_mq_unlink, name);                // ENOENT, most likely
  syscall(SYS_mq_open, NULL, O_RDONLY, 0, 0);  // EFAULT: no mode, no attr
  syscall(SYS_mq_open, end, O_RDONLY, 0, 0);   // EFAULT, the address
  // A name longer than -s that runs into the hole: read as a path, so its address.
  memset(end - 64, 'q', 64);
  syscall(SYS_mq_open, end - 64, O_RDONLY, 0, 0);
  long fd = syscall(SYS_mq_open, name, O_RDWR | O_CREAT | O_NONBLOCK, 0600, &attr);
  syscall(SYS_mq_open, name, O_RDWR | O_CREAT, 0600, end - 8);  // EFAULT: the attr's address
  syscall(SYS_mq_getsetattr, fd, NULL, &old);
  syscall(SYS_mq_getsetattr, fd, &old, NULL);

  char msg[64];
  for (int i = 0; i < 64; i++)
    msg[i] = (char)(0x80 + i);
  unsigned prio = 0;
  syscall(SYS_mq_timedsend, fd, NULL, 0, 0, NULL);  // NULL, 0 bytes
  syscall(SYS_mq_timedsend, fd, msg, 8, 42, NULL);
  syscall(SYS_mq_timedsend, fd, msg, 64, 42, NULL);
  char* cut = end - 40;  // 40 readable bytes of 64: more than strace prints
  memcpy(cut, msg, 40);
  syscall(SYS_mq_timedsend, -1, cut, 64, 1, NULL);  // EBADF
  char buf[64];
  syscall(SYS_mq_timedreceive, fd, buf, sizeof buf, &prio, NULL);
  syscall(SYS_mq_timedreceive, fd, buf, sizeof buf, &prio, NULL);
  syscall(SYS_mq_timedreceive, fd, buf, sizeof buf, &prio, NULL);  // EAGAIN

  struct sev* s = (struct sev*)(end - sizeof(struct sev));
  s->value = 0xdeadbeefbadc0dedul;
  s->signo = SIGALRM;
  s->function = 0x1234;
  s->attributes = 0;
  int kinds[] = {0xdefaced, 1 /* SIGEV_NONE */, 0 /* SIGEV_SIGNAL */, 2 /* SIGEV_THREAD */,
                 4 /* SIGEV_THREAD_ID */};
  for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    s->notify = kinds[i];
    syscall(SYS_mq_notify, -1, s);  // EBADF
  }
  s->value = 0;  // a zero sigev_value is left out
  for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    s->notify = kinds[i];
    syscall(SYS_mq_notify, -1, s);
  }
  s->signo = 0x7eed;
  s->notify = 1;
  syscall(SYS_mq_notify, -1, s);        // SIGEV_NONE: the signal as a number
  syscall(SYS_mq_notify, -1, NULL);     // EBADF
  syscall(SYS_mq_notify, -1, end - 8);  // EBADF or EFAULT: the address
  close(fd);
  syscall(SYS_mq_unlink, name);
  return 0;
}

// System V IPC with the calls strec decodes and their edge cases: msgget/semget/shmget with
// unknown flag bits, huge page sizes and keys that do not exist; the *ctl commands with the
// structs they read (IPC_SET, at entry even when the call fails) and write (IPC_INFO,
// MSG_INFO, SEM_INFO), NULL and unreadable buffers, unknown commands; a message sent and
// received, a receive that finds none, an unreadable message; shmat's flags. Identifiers of new
// queues vary from run to run (the fidelity test names them ID); no call prints a time or a pid.
#define _GNU_SOURCE
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  char* map = PageBeforeHole(page);
  if (!map)
    return 1;
  char* end = map + page;
  const long key = 0x7eadbeef;  // no such key: the calls without IPC_CREAT fail with ENOENT

  syscall(SYS_shmget, key, 4096, 0);
  syscall(SYS_shmget, key, 4096, (21 << 26) | 0600);
  syscall(SYS_shmget, key, 4096, 0x2ce0000 | 0125);
  syscall(SYS_shmget, key, 4096, IPC_EXCL | SHM_NORESERVE | 0x10000 | (30 << 26) | 0644);
  syscall(SYS_semget, key, 1, IPC_EXCL | IPC_NOWAIT | 0640);
  syscall(SYS_semget, key, -1, 0xface0000 | 0600);
  syscall(SYS_msgget, key, 0);
  syscall(SYS_msgget, key, IPC_NOWAIT | 0xface0000 | 0600);

  struct msqid_ds mds;
  memset(&mds, 0, sizeof mds);
  mds.msg_perm.uid = 1000;
  mds.msg_perm.gid = 100;
  mds.msg_perm.mode = 0640;
  mds.msg_qbytes = 4096;
  syscall(SYS_msgctl, -1, IPC_SET, &mds);  // EINVAL: the struct as passed
  syscall(SYS_msgctl, -1, IPC_SET, end);   // the address
  syscall(SYS_msgctl, -1, IPC_STAT, NULL);
  syscall(SYS_msgctl, -1, 0xdeadbeef, NULL);  // unknown command
  struct msginfo minfo;
  syscall(SYS_msgctl, 0, IPC_INFO, &minfo);
  syscall(SYS_msgctl, 0, IPC_INFO, end);  // EFAULT

  struct semid_ds sds;
  memset(&sds, 0, sizeof sds);
  sds.sem_perm.uid = 1;
  sds.sem_perm.gid = 2;
  sds.sem_perm.mode = 0600;
  syscall(SYS_semctl, -1, 0, IPC_SET, &sds);
  syscall(SYS_semctl, -1, 3, IPC_STAT, &sds);  // EINVAL: the address
  syscall(SYS_semctl, -1, 0, 0xdeadbeef, 0xbadc0dedUL);
  syscall(SYS_semctl, -1, 0, SETVAL, 1);
  syscall(SYS_semctl, -1, 0, IPC_RMID, 0);
  struct seminfo sinfo;
  syscall(SYS_semctl, 0, 0, IPC_INFO, &sinfo);
  syscall(SYS_semctl, 0, 0, SEM_INFO, end);

  struct shmid_ds shds;
  memset(&shds, 0, sizeof shds);
  shds.shm_perm.uid = 3;
  shds.shm_perm.gid = 4;
  shds.shm_perm.mode = 0;
  syscall(SYS_shmctl, -1, IPC_SET, &shds);
  syscall(SYS_shmctl, -1, SHM_STAT, &shds);
  syscall(SYS_shmctl, -1, 0xdefaced2, NULL);
  syscall(SYS_shmctl, -1, SHM_LOCK, NULL);
  struct shminfo hinfo;
  syscall(SYS_shmctl, 0, IPC_INFO, &hinfo);
  syscall(SYS_shmat, -1, NULL, SHM_RDONLY | SHM_RND | SHM_EXEC | 0xf0000000);
  syscall(SYS_shmat, -1, 0x1000, 0);
  syscall(SYS_shmdt, NULL);

  // A queue of our own: a message in, out, and none left.
  int id = syscall(SYS_msgget, IPC_PRIVATE, IPC_CREAT | 0600);
  if (id < 0)
    return 1;
  struct {
    long mtype;
    char mtext[16];
  } msg = {42, "hello\0world"};
  syscall(SYS_msgsnd, id, &msg, 11, 0);
  memset(&msg, 0, sizeof msg);
  syscall(SYS_msgrcv, id, &msg, sizeof msg.mtext, 0, IPC_NOWAIT | MSG_NOERROR);
  syscall(SYS_msgrcv, id, &msg, sizeof msg.mtext, -5, IPC_NOWAIT);  // ENOMSG: the address
  syscall(SYS_msgsnd, id, end, 8, IPC_NOWAIT);                      // EFAULT
  syscall(SYS_msgsnd, id, NULL, 0, IPC_NOWAIT);
  syscall(SYS_msgctl, id, IPC_STAT, end);
  syscall(SYS_msgctl, id, IPC_RMID, NULL);
  return 0;
}

// quotactl(2) and quotactl_fd(2) with the commands strec decodes, all on devices and files that
// do not exist (or fds that are not open), so that every call fails the same way each run: the
// VFS and XFS commands with known, unknown and zero types, unknown commands, the quota
// formats of Q_QUOTAON, the structs the kernel reads (printed at entry, -v or not) and those it
// would write (their address), NULL and unreadable addresses and paths.
#define _GNU_SOURCE
#include <linux/dqblk_xfs.h>
#include <linux/quota.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page_before_hole.h"

#ifndef SYS_quotactl_fd
#define SYS_quotactl_fd 443
#endif

#define CMD(c, t) ((unsigned)(((c) << 8) | ((t)&0xff)))

int main(void) {
  char* end = HoleAfterPage();  // unreadable from here on
  if (!end)
    return 1;
  const char* dev = "/dev/strec-no-such-device";
  struct if_dqblk dq;
  memset(&dq, 0xa5, sizeof dq);
  dq.dqb_valid = QIF_BLIMITS | QIF_ITIME | 0x100;
  struct if_dqinfo di = {7200, 3600, DQF_ROOT_SQUASH | 0x20, IIF_BGRACE | IIF_FLAGS};
  struct fs_disk_quota fdq;
  memset(&fdq, 0, sizeof fdq);
  fdq.d_version = FS_DQUOT_VERSION;
  fdq.d_flags = FS_GROUP_QUOTA;
  fdq.d_fieldmask = FS_DQ_BHARD | FS_DQ_ISOFT;
  fdq.d_id = 1000;
  fdq.d_blk_hardlimit = 1 << 20;
  fdq.d_itimer = -5;
  fdq.d_rtbwarns = 3;
  unsigned flags = FS_QUOTA_UDQ_ACCT | FS_QUOTA_PDQ_ENFD | 0x100;
  unsigned out[40];

  syscall(SYS_quotactl, 0xbadc0ded, dev, 0xca7faced, end);
  syscall(SYS_quotactl, 0, NULL, -1, NULL);
  syscall(SYS_quotactl, QCMD(Q_SYNC, USRQUOTA), dev);
  syscall(SYS_quotactl, QCMD(Q_SYNC, 0xfff), NULL);
  syscall(SYS_quotactl, QCMD(Q_QUOTAON, GRPQUOTA), dev, QFMT_VFS_V1, "/strec/aquota.group");
  syscall(SYS_quotactl, QCMD(Q_QUOTAON, PRJQUOTA), dev, 77, end);
  syscall(SYS_quotactl, QCMD(Q_QUOTAOFF, 3), end);
  syscall(SYS_quotactl, QCMD(Q_GETQUOTA, USRQUOTA), dev, 1000, out);
  syscall(SYS_quotactl, QCMD(Q_GETNEXTQUOTA, GRPQUOTA), dev, -1, NULL);
  syscall(SYS_quotactl, QCMD(Q_SETQUOTA, PRJQUOTA), dev, 3141592653u, &dq);
  syscall(SYS_quotactl, QCMD(Q_SETQUOTA, USRQUOTA), dev, 0, end);
  syscall(SYS_quotactl, QCMD(Q_GETINFO, USRQUOTA), dev, 0, out);
  syscall(SYS_quotactl, QCMD(Q_SETINFO, GRPQUOTA), dev, 0, &di);
  syscall(SYS_quotactl, QCMD(Q_SETINFO, GRPQUOTA), dev, 0, NULL);
  syscall(SYS_quotactl, QCMD(Q_GETFMT, USRQUOTA), dev, 0, out);
  syscall(SYS_quotactl, CMD(Q_XQUOTAON, USRQUOTA), dev, 0, &flags);
  syscall(SYS_quotactl, CMD(Q_XQUOTAOFF, GRPQUOTA), dev, 0, end);
  syscall(SYS_quotactl, CMD(Q_XQUOTARM, PRJQUOTA), dev, 0, &flags);
  syscall(SYS_quotactl, CMD(Q_XGETQUOTA, USRQUOTA), dev, 5, out);
  syscall(SYS_quotactl, CMD(Q_XGETNEXTQUOTA, USRQUOTA), NULL, 5, out);
  syscall(SYS_quotactl, CMD(Q_XSETQLIM, PRJQUOTA), dev, 42, &fdq);
  syscall(SYS_quotactl, CMD(Q_XGETQSTAT, USRQUOTA), dev, 0, out);
  syscall(SYS_quotactl, CMD(Q_XGETQSTATV, GRPQUOTA), dev, 0, out);
  syscall(SYS_quotactl, CMD(Q_XQUOTASYNC, 0xed), dev);
  syscall(SYS_quotactl_fd, -1, QCMD(Q_GETFMT, GRPQUOTA), 0, out);
  syscall(SYS_quotactl_fd, -1, QCMD(Q_SETINFO, USRQUOTA), 0, &di);
  syscall(SYS_quotactl_fd, 1000, QCMD(Q_QUOTAON, USRQUOTA), QFMT_VFS_OLD, NULL);
  return 0;
}

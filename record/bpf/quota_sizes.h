/* quotactl's address by its command (linux/quota.h, linux/dqblk_xfs.h): the bytes of the struct
 * the kernel reads (at entry) or writes (at exit, out), 0 for none; Q_QUOTAON's address is a
 * path, read as a string by the callers. Shared by the ptrace capture (capture.cc) and the BPF
 * program (strec.bpf.c), so it is C. */
#ifndef STREC_RECORD_BPF_QUOTA_SIZES_H_
#define STREC_RECORD_BPF_QUOTA_SIZES_H_

static inline unsigned int strec_quota_size(unsigned int cmd, int out) {
  switch (cmd) {
    case 0x800007: /* Q_GETQUOTA: struct if_dqblk */
    case 0x800009: /* Q_GETNEXTQUOTA: struct if_nextdqblk */
      return out ? 72 : 0;
    case 0x800008: /* Q_SETQUOTA */
      return out ? 0 : 72;
    case 0x800005: /* Q_GETINFO: struct if_dqinfo */
      return out ? 24 : 0;
    case 0x800006: /* Q_SETINFO */
      return out ? 0 : 24;
    case 0x800004: /* Q_GETFMT: the format */
      return out ? 4 : 0;
    case 0x5803: /* Q_XGETQUOTA: struct fs_disk_quota */
    case 0x5809: /* Q_XGETNEXTQUOTA */
      return out ? 112 : 0;
    case 0x5804: /* Q_XSETQLIM */
      return out ? 0 : 112;
    case 0x5805: /* Q_XGETQSTAT: struct fs_quota_stat */
      return out ? 80 : 0;
    case 0x5808: /* Q_XGETQSTATV: struct fs_quota_statv */
      return out ? 160 : 0;
    case 0x5801: /* Q_XQUOTAON, Q_XQUOTAOFF, Q_XQUOTARM: the flags */
    case 0x5802:
    case 0x5806:
      return out ? 0 : 4;
    default:
      return 0;
  }
}

#endif /* STREC_RECORD_BPF_QUOTA_SIZES_H_ */

// quotactl and quotactl_fd: the command as QCMD(cmd, type), and by command the id (a user,
// group or project id, or for Q_QUOTAON the quota format) and the address (the quota file's
// path, or struct if_dqblk, if_nextdqblk, if_dqinfo, fs_disk_quota, fs_quota_stat,
// fs_quota_statv, a format or XFS flags: read at entry, or written, printed at exit). Facts from
// linux/quota.h, linux/dqblk_xfs.h and quotactl(2); tables in format/xlat/quota.def. The
// recorder copies the address's bytes by command (capture.cc, STREC_CAP_QUOTA in the eBPF
// program).
#include <asm/unistd.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

enum QuotaCmd : uint32_t {
  kQSync = 0x800001,
  kQQuotaOn = 0x800002,
  kQQuotaOff = 0x800003,
  kQGetFmt = 0x800004,
  kQGetInfo = 0x800005,
  kQSetInfo = 0x800006,
  kQGetQuota = 0x800007,
  kQSetQuota = 0x800008,
  kQGetNextQuota = 0x800009,
  kXQuotaOn = 0x5801,
  kXQuotaOff = 0x5802,
  kXGetQuota = 0x5803,
  kXSetQlim = 0x5804,
  kXGetQstat = 0x5805,
  kXQuotaRm = 0x5806,
  kXQuotaSync = 0x5807,
  kXGetQstatV = 0x5808,
  kXGetNextQuota = 0x5809,
};

// A quota type; an unknown one as "0xed /* ???QUOTA */".
std::string QuotaType(uint32_t type) {
  const char* name = Table("quota_type").Name(type);
  return name ? std::string(name) : HexString(type) + " /* ???QUOTA */";
}

std::string Qcmd(uint32_t v) {
  return Whole(UDec(v), [&] {
    return "QCMD(" + Enum("quota_cmd", v >> 8) + ", " + QuotaType(v & 0xff) + ")";
  });
}

std::string U64At(const std::string& d, size_t off) {
  return UDec(At<uint64_t>(d, off));
}
std::string U32At(const std::string& d, size_t off) {
  return UDec(At<uint32_t>(d, off));
}
std::string S32At(const std::string& d, size_t off) {
  return Dec(At<int32_t>(d, off));
}
std::string U16At(const std::string& d, size_t off) {
  return UDec(At<uint16_t>(d, off));
}

// struct if_dqblk (72 bytes), or if_nextdqblk with its dqb_id; without -v up to dqb_curinodes.
std::string Dqblk(const std::string& d, bool next, bool verbose) {
  std::string s = "{dqb_bhardlimit=" + U64At(d, 0) + ", dqb_bsoftlimit=" + U64At(d, 8) +
                  ", dqb_curspace=" + U64At(d, 16) + ", dqb_ihardlimit=" + U64At(d, 24) +
                  ", dqb_isoftlimit=" + U64At(d, 32) + ", dqb_curinodes=" + U64At(d, 40);
  if (verbose)
    s += ", dqb_btime=" + U64At(d, 48) + ", dqb_itime=" + U64At(d, 56) +
         ", dqb_valid=" + FlagsDflt("if_dqblk_valid", At<uint32_t>(d, 64));
  if (next)
    s += ", dqb_id=" + U32At(d, 68);
  return s + (verbose ? "}" : ", ...}");
}

// struct if_dqinfo (24 bytes).
std::string Dqinfo(const std::string& d) {
  return "{dqi_bgrace=" + U64At(d, 0) + ", dqi_igrace=" + U64At(d, 8) +
         ", dqi_flags=" + Flags("if_dqinfo_flags", At<uint32_t>(d, 16)) +
         ", dqi_valid=" + Flags("if_dqinfo_valid", At<uint32_t>(d, 20)) + "}";
}

// struct fs_disk_quota (112 bytes); without -v up to d_icount.
std::string FsDiskQuota(const std::string& d, bool verbose) {
  std::string s = "{d_version=" + Dec(At<int8_t>(d, 0)) +
                  ", d_flags=" + Flags("xfs_dqblk_flags", At<uint8_t>(d, 1)) +
                  ", d_fieldmask=" + HexString(At<uint16_t>(d, 2)) + ", d_id=" + U32At(d, 4) +
                  ", d_blk_hardlimit=" + U64At(d, 8) + ", d_blk_softlimit=" + U64At(d, 16) +
                  ", d_ino_hardlimit=" + U64At(d, 24) + ", d_ino_softlimit=" + U64At(d, 32) +
                  ", d_bcount=" + U64At(d, 40) + ", d_icount=" + U64At(d, 48);
  if (!verbose)
    return s + ", ...}";
  return s + ", d_itimer=" + S32At(d, 56) + ", d_btimer=" + S32At(d, 60) +
         ", d_iwarns=" + U16At(d, 64) + ", d_bwarns=" + U16At(d, 66) +
         ", d_rtb_hardlimit=" + U64At(d, 72) + ", d_rtb_softlimit=" + U64At(d, 80) +
         ", d_rtbcount=" + U64At(d, 88) + ", d_rtbtimer=" + S32At(d, 96) +
         ", d_rtbwarns=" + U16At(d, 100) + "}";
}

// fs_qfilestat / fs_qfilestatv at d[off].
std::string FileStat(const std::string& d, size_t off) {
  return "{qfs_ino=" + U64At(d, off) + ", qfs_nblks=" + U64At(d, off + 8) +
         ", qfs_nextents=" + U32At(d, off + 16) + "}";
}

// struct fs_quota_stat (80 bytes) or, `v`, fs_quota_statv (160); without -v only qs_version.
std::string QuotaStat(const std::string& d, bool v, bool verbose) {
  std::string s = "{qs_version=" + Dec(At<int8_t>(d, 0));
  if (!verbose)
    return s + ", ...}";
  s += ", qs_flags=" + Flags("xfs_quota_flags", At<uint16_t>(d, 2));
  if (v)
    s += ", qs_incoredqs=" + U32At(d, 4) + ", qs_uquota=" + FileStat(d, 8) +
         ", qs_gquota=" + FileStat(d, 32) + ", qs_pquota=" + FileStat(d, 56) +
         ", qs_btimelimit=" + S32At(d, 80) + ", qs_itimelimit=" + S32At(d, 84) +
         ", qs_rtbtimelimit=" + S32At(d, 88) + ", qs_bwarnlimit=" + U16At(d, 92) +
         ", qs_iwarnlimit=" + U16At(d, 94);
  else
    s += ", qs_uquota=" + FileStat(d, 8) + ", qs_gquota=" + FileStat(d, 32) +
         ", qs_incoredqs=" + U32At(d, 56) + ", qs_btimelimit=" + S32At(d, 60) +
         ", qs_itimelimit=" + S32At(d, 64) + ", qs_rtbtimelimit=" + S32At(d, 68) +
         ", qs_bwarnlimit=" + U16At(d, 72) + ", qs_iwarnlimit=" + U16At(d, 74);
  return s + "}";
}

// What the address of a command is: its size (0: printed as an address), and whether the
// kernel writes it (at exit) or reads it (at entry).
struct AddrShape {
  uint32_t size;
  bool out;
};

AddrShape ShapeOf(uint32_t cmd) {
  switch (cmd) {
    case kQGetQuota:
    case kQGetNextQuota:
      return {72, true};
    case kQSetQuota:
      return {72, false};
    case kQGetInfo:
      return {24, true};
    case kQSetInfo:
      return {24, false};
    case kQGetFmt:
      return {4, true};
    case kXGetQuota:
    case kXGetNextQuota:
      return {112, true};
    case kXSetQlim:
      return {112, false};
    case kXGetQstat:
      return {80, true};
    case kXGetQstatV:
      return {160, true};
    case kXQuotaOn:
    case kXQuotaOff:
    case kXQuotaRm:
      return {4, false};
    default:
      return {0, false};
  }
}

std::string AddrText(Ctx& c, uint32_t cmd, const std::string& d) {
  bool v = c.opt.verbose;
  switch (cmd) {
    case kQGetQuota:
    case kQSetQuota:
    case kQGetNextQuota:
      return Dqblk(d, cmd == kQGetNextQuota, v);
    case kQGetInfo:
    case kQSetInfo:
      return Dqinfo(d);
    case kQGetFmt:
      return "[" + Enum("quota_formats", At<uint32_t>(d, 0)) + "]";
    case kXGetQuota:
    case kXSetQlim:
    case kXGetNextQuota:
      return FsDiskQuota(d, v);
    case kXGetQstat:
    case kXGetQstatV:
      return QuotaStat(d, cmd == kXGetQstatV, v);
    case kXQuotaRm:
      return "[" + Flags("xfs_dqblk_flags", At<uint32_t>(d, 0)) + "]";
    default:  // Q_XQUOTAON, Q_XQUOTAOFF
      return "[" + Flags("xfs_quota_flags", At<uint32_t>(d, 0)) + "]";
  }
}

std::string Id(uint64_t v) {
  uint32_t id = static_cast<uint32_t>(v);
  return id == 0xffffffff ? "-1" : UDec(id);
}

// The arguments after the command: id (arg 2) and address (arg 3), as the command has them.
void IdAndAddr(Ctx& c, uint32_t qcmd) {
  uint32_t cmd = qcmd >> 8;
  switch (cmd) {
    case kQSync:
    case kQQuotaOff:
    case kXQuotaSync:
      break;
    case kQQuotaOn:
      c.Put(", " + Enum("quota_formats", static_cast<uint32_t>(c.A(2))) + ", ");
      c.Path(3);
      break;
    case kQGetInfo:
    case kQSetInfo:
    case kQGetFmt:
    case kXGetQstat:
    case kXGetQstatV:
    case kXQuotaOn:
    case kXQuotaOff:
    case kXQuotaRm:
    case kQGetQuota:
    case kQSetQuota:
    case kQGetNextQuota:
    case kXGetQuota:
    case kXSetQlim:
    case kXGetNextQuota: {
      bool with_id = cmd == kQGetQuota || cmd == kQSetQuota || cmd == kQGetNextQuota ||
                     cmd == kXGetQuota || cmd == kXSetQlim || cmd == kXGetNextQuota;
      c.Put(with_id ? ", " + Id(c.A(2)) + ", " : ", ");
      AddrShape shape = ShapeOf(cmd);
      if (shape.out)
        c.ToExit();
      const Buffer* b = shape.out ? c.Out(3) : c.In(3);
      if (c.Redacted(b))
        break;
      if (b && b->data.size() >= shape.size)
        c.Put(AddrText(c, cmd, b->data));
      else
        c.Ptr(c.A(3));
      break;
    }
    default:
      c.Put(", " + Id(c.A(2)) + ", " + PtrString(c.A(3)));
  }
  c.ToExit();
  c.Put(")");
}

void DecodeQuotactl(Ctx& c) {
  uint32_t qcmd = static_cast<uint32_t>(c.A(0));
  c.Put(Qcmd(qcmd) + ", ");
  c.Path(1);
  IdAndAddr(c, qcmd);
}

void DecodeQuotactlFd(Ctx& c) {
  uint32_t qcmd = static_cast<uint32_t>(c.A(1));
  c.Fd(c.A(0));
  c.Put(", " + Qcmd(qcmd));
  IdAndAddr(c, qcmd);
}

}  // namespace

Family QuotaFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_quotactl, DecodeQuotactl},
      {__NR_quotactl_fd, DecodeQuotactlFd},
  };
  return {"quota", kDecoders, {}};
}

}  // namespace strec::replay::detail

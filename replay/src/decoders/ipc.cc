// System V IPC: msgget/semget/shmget (the key, the flags with the permission bits and, for
// shmget, the huge page size), msgctl/semctl/shmctl (the command with IPC_64 apart, and by
// command the struct the kernel reads or writes: msqid_ds, semid_ds, shmid_ds, msginfo,
// seminfo, shminfo, shm_info), msgsnd/msgrcv (struct msgbuf), semop/semtimedop (struct sembuf
// arrays) and shmat. Facts from the kernel's UAPI headers (linux/ipc.h, linux/shm.h,
// linux/sem.h, linux/msg.h, asm/ipcbuf.h, asm/shmbuf.h, asm/sembuf.h, asm/msgbuf.h: the IPC_64
// layouts, which x86_64 always uses); tables in format/xlat/ipc.def. The structs' bytes are
// captured by variants.def's rows (by command), msgbuf by the recorder's kSpecial handling.
#include <asm/unistd.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kIpc64 = 0x100, kModeBits = 0777;
constexpr uint32_t kShmHugeShift = 26, kShmHugeMask = 0x3f;
constexpr uint32_t kIpcRmid = 0, kIpcSet = 1, kIpcStat = 2, kIpcInfo = 3;

std::string IpcKey(uint64_t v) {
  uint32_t key = static_cast<uint32_t>(v);
  return key ? HexString(key) : Styled("0", "IPC_PRIVATE");
}

// msgget/semget/shmget's flags: the flag names (with the unknown rest in hex), for shmget the
// huge page size as N<<SHM_HUGE_SHIFT, then the permission bits in octal. strace separates the
// permission bits of msgget and semget from the flags only when a flag has a name or with -X raw
// ("0xface00000600").
std::string GetFlags(const char* table, uint64_t v, bool huge) {
  uint32_t f = static_cast<uint32_t>(v);
  uint32_t mode = f & kModeBits;
  f &= ~kModeBits;
  uint32_t size = huge ? (f >> kShmHugeShift) & kShmHugeMask : 0;
  f &= ~(size << kShmHugeShift);
  std::string s;
  if (f) {
    s = Flags(table, f);
    bool named = false;
    for (const XlatEntry& e : Table(table).entries)
      named |= (f & e.value) != 0;
    if (huge || named || CurrentXlatStyle() == XlatStyle::kRaw)
      s += "|";
  }
  if (size) {
    std::string n = UDec(size);
    switch (CurrentXlatStyle()) {
      case XlatStyle::kRaw:
        s += n + "<<" + UDec(kShmHugeShift);
        break;
      case XlatStyle::kVerbose:
        s += n + "<<" + UDec(kShmHugeShift) + " /* SHM_HUGE_SHIFT */";
        break;
      default:
        s += n + "<<SHM_HUGE_SHIFT";
    }
    s += "|";
  }
  return s + Octal(mode);
}

void DecodeShmget(Ctx& c) {
  c.Put(IpcKey(c.A(0)) + ", " + UDec(c.A(1)) + ", " + GetFlags("shm_resource_flags", c.A(2), true));
  c.ToExit();
  c.Put(")");
}

void DecodeSemget(Ctx& c) {
  c.Put(IpcKey(c.A(0)) + ", " + Dec(c.I(1)) + ", " + GetFlags("ipc_flags", c.A(2), false));
  c.ToExit();
  c.Put(")");
}

void DecodeMsgget(Ctx& c) {
  c.Put(IpcKey(c.A(0)) + ", " + GetFlags("ipc_flags", c.A(1), false));
  c.ToExit();
  c.Put(")");
}

void DecodeShmat(Ctx& c) {
  c.Put(Dec(c.I(0)) + ", " + PtrString(c.A(1)) + ", " +
        Flags("shmat_flags", static_cast<uint32_t>(c.A(2))));
  c.ToExit();
  c.Put(")");
}

// ---- The *ctl commands ----

std::string Command(const char* table, uint32_t cmd) {
  std::string s;
  if (cmd & kIpc64) {
    s = Styled(HexString(kIpc64), "IPC_64") + "|";
    cmd &= ~kIpc64;
  }
  return s + Enum(table, cmd);
}

// struct ipc64_perm at d[0]: key, uid, gid, cuid, cgid, mode (u32 each); IPC_SET passes only
// uid, gid and mode.
std::string Perm(const std::string& d, bool set) {
  std::string s = "{uid=" + UDec(At<uint32_t>(d, 4)) + ", gid=" + UDec(At<uint32_t>(d, 8)) +
                  ", mode=" + Octal(At<uint32_t>(d, 20));
  if (!set)
    s += ", key=" + UDec(At<uint32_t>(d, 0)) + ", cuid=" + UDec(At<uint32_t>(d, 12)) +
         ", cgid=" + UDec(At<uint32_t>(d, 16));
  return s + "}";
}

std::string U64At(const std::string& d, size_t off) {
  return UDec(At<uint64_t>(d, off));
}
std::string I32At(const std::string& d, size_t off) {
  return Dec(At<int32_t>(d, off));
}

// struct shmid64_ds (112 bytes).
std::string ShmidDs(const std::string& d, bool set) {
  std::string s = "{shm_perm=" + Perm(d, set);
  if (!set)
    s += ", shm_segsz=" + U64At(d, 48) + ", shm_cpid=" + I32At(d, 80) +
         ", shm_lpid=" + I32At(d, 84) + ", shm_nattch=" + U64At(d, 88) +
         ", shm_atime=" + U64At(d, 56) + ", shm_dtime=" + U64At(d, 64) +
         ", shm_ctime=" + U64At(d, 72);
  return s + "}";
}

// struct msqid64_ds (120 bytes); IPC_SET passes msg_qbytes too.
std::string MsqidDs(const std::string& d, bool set) {
  std::string s = "{msg_perm=" + Perm(d, set);
  if (!set)
    s += ", msg_stime=" + U64At(d, 48) + ", msg_rtime=" + U64At(d, 56) +
         ", msg_ctime=" + U64At(d, 64) + ", msg_qnum=" + U64At(d, 80);
  s += ", msg_qbytes=" + U64At(d, 88);
  if (!set)
    s += ", msg_lspid=" + I32At(d, 96) + ", msg_lrpid=" + I32At(d, 100);
  return s + "}";
}

// struct semid64_ds of x86_64 (104 bytes).
std::string SemidDs(const std::string& d, bool set) {
  std::string s = "{sem_perm=" + Perm(d, set);
  if (!set)
    s += ", sem_otime=" + U64At(d, 48) + ", sem_ctime=" + U64At(d, 64) +
         ", sem_nsems=" + U64At(d, 80);
  return s + "}";
}

// struct shminfo64's first five fields (unsigned long each).
std::string Shminfo(const std::string& d) {
  return "{shmmax=" + U64At(d, 0) + ", shmmin=" + U64At(d, 8) + ", shmmni=" + U64At(d, 16) +
         ", shmseg=" + U64At(d, 24) + ", shmall=" + U64At(d, 32) + "}";
}

// struct shm_info: int used_ids, then unsigned longs.
std::string ShmInfo(const std::string& d) {
  return "{used_ids=" + I32At(d, 0) + ", shm_tot=" + U64At(d, 8) + ", shm_rss=" + U64At(d, 16) +
         ", shm_swp=" + U64At(d, 24) + ", swap_attempts=" + U64At(d, 32) +
         ", swap_successes=" + U64At(d, 40) + "}";
}

// struct msginfo: seven ints and an unsigned short.
std::string Msginfo(const std::string& d) {
  return "{msgpool=" + I32At(d, 0) + ", msgmap=" + I32At(d, 4) + ", msgmax=" + I32At(d, 8) +
         ", msgmnb=" + I32At(d, 12) + ", msgmni=" + I32At(d, 16) + ", msgssz=" + I32At(d, 20) +
         ", msgtql=" + I32At(d, 24) + ", msgseg=" + UDec(At<uint16_t>(d, 28)) + "}";
}

// struct seminfo: ten ints.
std::string Seminfo(const std::string& d) {
  static const char* const kNames[] = {"semmap", "semmni", "semmns", "semmnu", "semmsl",
                                       "semopm", "semume", "semusz", "semvmx", "semaem"};
  std::string s = "{";
  for (size_t i = 0; i < std::size(kNames); i++)
    s += std::string(i ? ", " : "") + kNames[i] + "=" + I32At(d, i * 4);
  return s + "}";
}

enum class Shape { kNone, kSet, kStat, kInfo, kFamilyInfo };

// What a command's pointer argument is: the *_ds the kernel reads (IPC_SET), writes (IPC_STAT
// and the family's *_STAT, *_STAT_ANY), or the limits it writes (IPC_INFO, and the family's
// *_INFO: struct shm_info for shmctl, the same struct as IPC_INFO for msgctl and semctl).
Shape ShapeOf(uint32_t cmd, uint32_t family_stat) {
  cmd &= ~kIpc64;
  if (cmd == kIpcSet)
    return Shape::kSet;
  if (cmd == kIpcStat || cmd == family_stat || cmd == family_stat + 2)
    return Shape::kStat;
  if (cmd == kIpcInfo)
    return Shape::kInfo;
  if (cmd == family_stat + 1)
    return Shape::kFamilyInfo;
  return Shape::kNone;
}

// The pointer argument `arg` of a *ctl call: the struct `print` makes of its bytes, at entry
// for IPC_SET and at exit (successful calls) for the others; its address otherwise.
template <typename F>
void CtlArg(Ctx& c, int arg, Shape shape, uint32_t size, F print) {
  bool in = shape == Shape::kSet;
  if (!in)
    c.ToExit();
  const Buffer* b = in ? c.In(arg) : shape == Shape::kNone ? nullptr : c.Out(arg);
  if (c.Redacted(b)) {
    // its marker only
  } else if (b && b->data.size() >= size) {
    c.Put(print(b->data));
  } else {
    c.Ptr(c.A(arg));
  }
  if (in)
    c.ToExit();
}

void DecodeShmctl(Ctx& c) {
  uint32_t cmd = static_cast<uint32_t>(c.A(1));
  Shape shape = ShapeOf(cmd, 13);  // SHM_STAT, SHM_INFO, SHM_STAT_ANY
  c.Put(Dec(c.I(0)) + ", " + Command("shmctl_cmd", cmd) + ", ");
  uint32_t size = shape == Shape::kInfo ? 40 : shape == Shape::kFamilyInfo ? 48 : 112;
  CtlArg(c, 2, shape, size, [&](const std::string& d) {
    return shape == Shape::kInfo         ? Shminfo(d)
           : shape == Shape::kFamilyInfo ? ShmInfo(d)
                                         : ShmidDs(d, shape == Shape::kSet);
  });
  c.Put(")");
}

void DecodeMsgctl(Ctx& c) {
  uint32_t cmd = static_cast<uint32_t>(c.A(1));
  Shape shape = ShapeOf(cmd, 11);  // MSG_STAT, MSG_INFO, MSG_STAT_ANY
  c.Put(Dec(c.I(0)) + ", " + Command("msgctl_cmd", cmd) + ", ");
  bool info = shape == Shape::kInfo || shape == Shape::kFamilyInfo;
  CtlArg(c, 2, shape, info ? 30 : 104, [&](const std::string& d) {
    return info ? Msginfo(d) : MsqidDs(d, shape == Shape::kSet);
  });
  c.Put(")");
}

void DecodeSemctl(Ctx& c) {
  uint32_t cmd = static_cast<uint32_t>(c.A(2));
  Shape shape = ShapeOf(cmd, 18);  // SEM_STAT, SEM_INFO, SEM_STAT_ANY
  c.Put(Dec(c.I(0)) + ", " + Dec(c.I(1)) + ", " + Command("semctl_cmd", cmd) + ", ");
  bool info = shape == Shape::kInfo || shape == Shape::kFamilyInfo;
  CtlArg(c, 3, shape, info ? 40 : 88, [&](const std::string& d) {
    return info ? Seminfo(d) : SemidDs(d, shape == Shape::kSet);
  });
  c.Put(")");
}

// ---- Semaphore operations ----

// struct sembuf at d[off]: unsigned short sem_num, short sem_op, short sem_flg.
std::string Sembuf(const std::string& d, size_t off) {
  return "{sem_num=" + UDec(At<uint16_t>(d, off)) + ", sem_op=" + Dec(At<int16_t>(d, off + 2)) +
         ", sem_flg=" + Flags("semop_flags", At<uint16_t>(d, off + 4)) + "}";
}

// semop(id, sops, nsops) and semtimedop(id, sops, nsops, timeout).
void DecodeSemop(Ctx& c) {
  uint32_t count = static_cast<uint32_t>(c.A(2));
  c.Put(Dec(c.I(0)) + ", " +
        (c.A(1) ? PartialArray(c, 1, false, count, 6, Sembuf) : std::string("NULL")) + ", " +
        UDec(count));
  if (c.sc.nr == __NR_semtimedop) {
    c.Sep();
    c.Arg(3);
  }
  c.ToExit();
  c.Put(")");
}

// ---- Messages ----

// struct msgbuf: long mtype, then the text (`len` bytes of it).
std::string Msgbuf(Ctx& c, const Buffer* b, uint64_t addr, uint64_t len) {
  if (!b || b->data.size() < 8)
    return PtrString(addr);
  std::string s = "{mtype=" + Dec(At<int64_t>(b->data, 0)) + ", mtext=";
  AppendQuotedBuffer(&s, b->data.substr(8), len, c.q);
  return s + "}";
}

void DecodeMsgsnd(Ctx& c) {
  c.Put(Dec(c.I(0)) + ", ");
  const Buffer* b = c.In(1);
  if (c.Redacted(b))
    return;
  c.Put(Msgbuf(c, b, c.A(1), c.A(2)) + ", " + UDec(c.A(2)) + ", " +
        Flags("ipc_msg_flags", static_cast<uint32_t>(c.A(3))));
  c.ToExit();
  c.Put(")");
}

void DecodeMsgrcv(Ctx& c) {
  c.Put(Dec(c.I(0)) + ", ");
  c.ToExit();
  const Buffer* b = c.Out(1);
  if (c.Redacted(b))
    return;
  c.Put(Msgbuf(c, b, c.A(1), c.A(2)) + ", " + UDec(c.A(2)) + ", " +
        Dec(static_cast<int64_t>(c.A(3))) + ", " +
        Flags("ipc_msg_flags", static_cast<uint32_t>(c.A(4))) + ")");
}

}  // namespace

Family IpcFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_shmget, DecodeShmget}, {__NR_semget, DecodeSemget},    {__NR_msgget, DecodeMsgget},
      {__NR_shmat, DecodeShmat},   {__NR_shmctl, DecodeShmctl},    {__NR_msgctl, DecodeMsgctl},
      {__NR_semctl, DecodeSemctl}, {__NR_msgsnd, DecodeMsgsnd},    {__NR_msgrcv, DecodeMsgrcv},
      {__NR_semop, DecodeSemop},   {__NR_semtimedop, DecodeSemop},
  };
  return {"ipc", kDecoders, {}};
}

}  // namespace strec::replay::detail

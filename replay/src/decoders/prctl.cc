// prctl(2): each option prints its own arguments (none, some decoded, the rest in hex) and some
// their return value; what the recorder captures for an option (output pointers, strings) is in
// format/syscalls/variants.def. Facts from linux/prctl.h and prctl(2); the tables are in
// format/xlat/prctl.def.
#include <asm/unistd.h>
#include <linux/prctl.h>

#include "decoders/bpf_filter.h"
#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint32_t kSetVma = 0x53564d41;      // PR_SET_VMA
constexpr uint32_t kSetPtracer = 0x59616d61;  // PR_SET_PTRACER

uint32_t Option(const Ctx& c) {
  return static_cast<uint32_t>(c.A(0));
}

// The names of the flags of a returned value, for the comment after it, or "" when none of its
// bits has a name (or -X raw).
std::string ReturnComment(const char* table, uint64_t v) {
  if (CurrentXlatStyle() == XlatStyle::kRaw)
    return "";
  const Xlat& x = Table(table);
  bool named = v == 0 && x.Name(0);
  for (const XlatEntry& e : x.entries)
    named |= e.value && (v & e.value) == e.value;
  if (!named)
    return "";
  ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
  return " (" + Flags(table, v, x.Name(0) ? x.Name(0) : "0") + ")";
}

// arg (from) .. arg 4 in hex.
void RestHex(Ctx& c, int from) {
  for (int i = from; i < 5; i++) {
    c.Sep();
    c.Put(HexString(c.A(i)));
  }
}

// PR_SET_PDEATHSIG's signal: a name up to 64, a number above (unsigned above 128).
std::string DeathSignal(uint64_t v) {
  return v > 128 ? UDec(v) : SignalArg(static_cast<int64_t>(v));
}

// An output argument printed at exit: "[value]" from the `size` bytes the recorder read when
// the call succeeded, else NULL or the address.
template <typename F>
void OutValue(Ctx& c, int arg, size_t size, F print) {
  c.Sep();
  c.ToExit();
  const Buffer* b = c.A(arg) ? c.Out(arg) : nullptr;
  if (!c.A(arg))
    c.Put("NULL");
  else if (c.Redacted(b))
    return;
  else if (b && b->data.size() >= size)
    c.Put("[" + print(b->data) + "]");
  else
    c.Ptr(c.A(arg));
}

void OutInt(Ctx& c, int arg, std::string (*print)(uint32_t)) {
  OutValue(c, arg, 4, [print](const std::string& d) { return print(At<uint32_t>(d, 0)); });
}

// PR_SVE_SET_VL / PR_SME_SET_VL: the flags above the length, then the length:
// "PR_SVE_SET_VL_ONEXEC|0xea57", "0x10000|0".
std::string VectorLength(const char* table, uint64_t v) {
  uint64_t flags = v & ~0xffffull, len = v & 0xffff;
  if (!flags)
    return HexString(len);
  std::string s;
  {
    ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
    s = Flags(table, flags);
  }
  return s + "|" + HexString(len);
}

const char* VectorTable(uint32_t op) {
  return op == PR_SVE_SET_VL || op == PR_SVE_GET_VL ? "pr_sve_vl_flags" : "pr_sme_vl_flags";
}

// PR_SET_TAGGED_ADDR_CTRL's value: "PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_SYNC|0x5<<PR_MTE_TAG_SHIFT".
std::string TaggedAddr(uint64_t v) {
  std::string s = v & 1 ? "PR_TAGGED_ADDR_ENABLE" : "!PR_TAGGED_ADDR_ENABLE";
  {
    ScopedXlatStyle abbrev(XlatStyle::kAbbrev);
    s += "|" + Enum("pr_tagged_addr_mte_tcf", v & 6);
  }
  if (uint64_t tag = (v & 0x7fff8) >> 3)
    s += "|" + HexString(tag) + "<<PR_MTE_TAG_SHIFT";
  if (uint64_t rest = v & ~0x7ffffull)
    s += "|" + HexString(rest);
  return s;
}

// A value whose abbreviated form no table gives: raw, abbreviated, or both (-X verbose).
std::string Composed(uint64_t v, const std::string& names) {
  return Styled(HexString(v), names);
}

// PR_SET_NAME: the kernel takes at most TASK_COMM_LEN - 1 bytes; strace reads as many and shows
// "..." unless it met the NUL among them.
void TaskName(Ctx& c, int arg) {
  const Buffer* b = c.A(arg) ? c.In(arg, format::kBufferString) : nullptr;
  if (!c.A(arg)) {
    c.Put("NULL");
    return;
  }
  if (!b) {
    c.Ptr(c.A(arg));
    return;
  }
  if (c.Redacted(b))
    return;
  size_t limit = std::min<size_t>(15, c.opt.max_strlen);
  bool cut = b->data.size() >= limit + (limit == 15 ? 0 : 1);
  QuoteOptions q = c.q;
  q.max_strlen = limit;
  AppendQuotedCString(c.cur, std::string_view(b->data).substr(0, limit), cut, q);
}

void Decode(Ctx& c) {
  uint32_t op = Option(c);
  c.Put(Enum("prctl_option", op));
  uint64_t a2 = c.A(1);
  switch (op) {
    case PR_GET_KEEPCAPS:
    case PR_GET_TIMING:
    case PR_GET_SECCOMP:
    case PR_GET_TIMERSLACK:
    case PR_TASK_PERF_EVENTS_DISABLE:
    case PR_TASK_PERF_EVENTS_ENABLE:
    case PR_GET_DUMPABLE:
    case PR_GET_SECUREBITS:
    case PR_GET_FP_MODE:
    case PR_SVE_GET_VL:
    case PR_SME_GET_VL:
      break;
    case PR_SET_PDEATHSIG:
      c.Sep();
      c.Put(DeathSignal(a2));
      break;
    case PR_GET_PDEATHSIG:
      OutInt(c, 1, [](uint32_t v) { return SignalArg(static_cast<int32_t>(v)); });
      break;
    case PR_SET_DUMPABLE:
      c.Sep();
      c.Put(Enum("pr_dumpable", a2));
      break;
    case PR_GET_UNALIGN:
      OutInt(c, 1, [](uint32_t v) { return FlagsOr("pr_unalign_flags", v); });
      break;
    case PR_SET_UNALIGN:
      c.Sep();
      c.Put(FlagsOr("pr_unalign_flags", a2 & 0xffffffff));
      break;
    case PR_SET_KEEPCAPS:
    case PR_SET_FPEMU:
    case PR_SET_FPEXC:
    case PR_SET_TIMING:
    case PR_SET_ENDIAN:
    case PR_SET_CHILD_SUBREAPER:
      c.Sep();
      c.Put(UDec(a2));
      break;
    case PR_GET_FPEMU:
    case PR_GET_FPEXC:
    case PR_GET_ENDIAN:
    case PR_GET_CHILD_SUBREAPER:
      OutInt(c, 1, [](uint32_t v) { return UDec(v); });
      break;
    case PR_SET_NAME:
      c.Sep();
      TaskName(c, 1);
      break;
    case PR_GET_NAME:
      c.Sep();
      c.ToExit();
      if (!c.A(1))
        c.Put("NULL");
      else
        c.Struct(1, true, "comm");
      break;
    case PR_SET_SECCOMP:
      c.Sep();
      c.Put(Enum("seccomp_mode", a2));
      if (a2 == 2) {  // SECCOMP_MODE_FILTER: struct sock_fprog
        c.Sep();
        const Buffer* b = c.A(2) ? c.In(2) : nullptr;
        if (!c.A(2))
          c.Put("NULL");
        else if (b && b->data.size() >= 16)
          c.Put(SockFprog(c, 2, b->data, BpfFlavour::kSeccomp));
        else
          c.Ptr(c.A(2));
      } else if (a2 != 1) {
        RestHex(c, 2);
      }
      break;
    case PR_CAPBSET_READ:
    case PR_CAPBSET_DROP:
      c.Sep();
      c.Put(Enum("cap", a2));
      break;
    case PR_GET_TSC:
      OutInt(c, 1, [](uint32_t v) { return Enum("pr_tsc", v); });
      break;
    case PR_SET_TSC:
      c.Sep();
      c.Put(Enum("pr_tsc", a2 & 0xffffffff));
      break;
    case PR_SET_SECUREBITS:
      c.Sep();
      c.Put(FlagsOr("secbits", a2));
      break;
    case PR_SET_TIMERSLACK:
      c.Sep();
      c.Put(Dec(static_cast<int64_t>(a2)));
      break;
    case PR_MCE_KILL:
      c.Sep();
      c.Put(Enum("pr_mce_kill", a2));
      c.Sep();
      c.Put(a2 == PR_MCE_KILL_SET ? Enum("pr_mce_kill_policy", c.A(2)) : HexString(c.A(2)));
      RestHex(c, 3);
      break;
    case PR_SET_MM:
      c.Sep();
      c.Put(Enum("pr_set_mm", a2 & 0xffffffff));
      RestHex(c, 2);
      break;
    case PR_SET_NO_NEW_PRIVS:
    case PR_SET_THP_DISABLE:
    case PR_SET_IO_FLUSHER:
      c.Sep();
      c.Put(UDec(a2));
      RestHex(c, 2);
      break;
    case PR_GET_TID_ADDRESS:
      OutValue(c, 1, 8, [](const std::string& d) { return PtrString(At<uint64_t>(d, 0)); });
      break;
    case PR_SET_FP_MODE:
      c.Sep();
      c.Put(FlagsOr("pr_fp_mode", a2 & 0xffffffff));
      break;
    case PR_CAP_AMBIENT:
      c.Sep();
      c.Put(Enum("pr_cap_ambient", a2));
      if (a2 == PR_CAP_AMBIENT_IS_SET || a2 == PR_CAP_AMBIENT_RAISE || a2 == PR_CAP_AMBIENT_LOWER) {
        c.Sep();
        c.Put(Enum("cap", c.A(2)));
        RestHex(c, 3);
      } else {
        RestHex(c, 2);
      }
      break;
    case PR_SVE_SET_VL:
    case PR_SME_SET_VL:
      c.Sep();
      c.Put(CurrentXlatStyle() == XlatStyle::kRaw || !(a2 & ~0xffffull)
                ? HexString(CurrentXlatStyle() == XlatStyle::kRaw ? a2 : a2 & 0xffff)
                : Composed(a2, VectorLength(VectorTable(op), a2)));
      break;
    case PR_GET_SPECULATION_CTRL:
      c.Sep();
      c.Put(Enum("pr_spec_cmds", a2));
      break;
    case PR_SET_SPECULATION_CTRL:
      c.Sep();
      c.Put(Enum("pr_spec_cmds", a2));
      c.Sep();
      c.Put(a2 <= 2 ? Enum("pr_spec_set_store_bypass_flags", c.A(2)) : HexString(c.A(2)));
      break;
    case PR_PAC_RESET_KEYS:
      c.Sep();
      c.Put(FlagsOr("pr_pac_reset_keys", a2));
      RestHex(c, 2);
      break;
    case PR_SET_TAGGED_ADDR_CTRL:
      c.Sep();
      c.Put(Composed(a2, TaggedAddr(a2)));
      RestHex(c, 2);
      break;
    case PR_SET_SYSCALL_USER_DISPATCH:
      c.Sep();
      c.Put(Enum("pr_sud_cmds", a2));
      c.Put(", " + HexString(c.A(2)) + ", " + HexString(c.A(3)) + ", " + PtrString(c.A(4)));
      break;
    case PR_PAC_SET_ENABLED_KEYS:
      c.Sep();
      c.Put(FlagsOr("pr_pac_enabled_keys", a2));
      c.Sep();
      c.Put(FlagsOr("pr_pac_enabled_keys", c.A(2)));
      RestHex(c, 3);
      break;
    case PR_SCHED_CORE: {
      uint32_t cmd = static_cast<uint32_t>(a2);
      c.Sep();
      c.Put(Enum("pr_sched_core_cmds", cmd));
      c.Put(", " + Dec(c.I(2)) + ", ");
      // The scope prints as -X verbose would, whatever -X says but raw.
      if (CurrentXlatStyle() == XlatStyle::kRaw) {
        c.Put(HexString(c.A(3) & 0xffffffff));
      } else {
        ScopedXlatStyle verbose(XlatStyle::kVerbose);
        c.Put(Enum("pr_sched_core_pidtypes", c.A(3) & 0xffffffff));
      }
      if (cmd == PR_SCHED_CORE_GET) {
        OutValue(c, 4, 8, [](const std::string& d) { return HexString(At<uint64_t>(d, 0)); });
      } else {
        c.Sep();
        c.Ptr(c.A(4));
      }
      break;
    }
    case kSetVma:
      c.Sep();
      c.Put(Enum("pr_set_vma", a2));
      if (a2 == PR_SET_VMA_ANON_NAME) {
        c.Put(", " + PtrString(c.A(2)) + ", " + UDec(c.A(3)) + ", ");
        c.String(4);
      } else {
        RestHex(c, 2);
      }
      break;
    case kSetPtracer:
      c.Sep();
      c.Put(c.I(1) == -1 ? Styled("-1", "PR_SET_PTRACER_ANY")
                         : PidText(c.I(1), c.opt, c.env.state, c.sc.tid));
      break;
    default:  // unknown options, and the ones strace prints in hex
      RestHex(c, 1);
      break;
  }
  c.ToExit();
  c.Put(")");
}

// The return values that are more than a number.
std::string Return(const Syscall& sc, const DecodeEnv&) {
  uint32_t op = static_cast<uint32_t>(sc.args[0]);
  uint64_t r = static_cast<uint64_t>(sc.ret);
  auto named = [&](const char* table) {
    const char* name = Table(table).Name(r);
    return name ? UDec(r) + " (" + name + ")" : UDec(r);
  };
  switch (op) {
    case PR_GET_DUMPABLE:
      return named("pr_dumpable");
    case PR_MCE_KILL_GET:
      return named("pr_mce_kill_policy");
    case PR_GET_SECUREBITS:
      return r ? HexString(r) + ReturnComment("secbits", r) : "0";
    case PR_GET_FP_MODE:
      return r ? HexString(r) + ReturnComment("pr_fp_mode", r) : "0";
    case PR_SVE_SET_VL:
    case PR_SVE_GET_VL:
    case PR_SME_SET_VL:
    case PR_SME_GET_VL:
      if (!r)
        return "0";
      if (CurrentXlatStyle() == XlatStyle::kRaw || !(r & ~0xffffull))
        return HexString(r);
      return HexString(r) + " (" + VectorLength(VectorTable(op), r) + ")";
    case PR_GET_SPECULATION_CTRL:
      if (sc.args[1] > 2)
        return UDec(r);
      return HexString(r) + ReturnComment("pr_spec_get_store_bypass_flags", r);
    case PR_GET_TAGGED_ADDR_CTRL:
      if (CurrentXlatStyle() == XlatStyle::kRaw)
        return HexString(r);
      return HexString(r) + " (" + TaggedAddr(r) + ")";
    case PR_PAC_GET_ENABLED_KEYS:
      return HexString(r) + ReturnComment("pr_pac_enabled_keys", r);
    default:
      return "";
  }
}

}  // namespace

// seccomp(2): the operation, its flags and its argument (linux/seccomp.h): a filter program, an
// action to ask about, the sizes of the notification structs.
static void DecodeSeccomp(Ctx& c) {
  uint32_t op = c.A(0) & 0xffffffff, flags = c.A(1) & 0xffffffff;
  const char* name = Table("seccomp_op").Name(op);
  if (name)
    c.Put(Styled(HexString(op), name));
  else if (CurrentXlatStyle() == XlatStyle::kRaw)
    c.Put(HexString(op));
  else
    c.Put(HexString(op) + " /* SECCOMP_SET_MODE_??? */");
  c.Sep();
  c.Put(op == 1 ? FlagsOr("seccomp_filter_flags", flags) : HexString(flags));
  c.Sep();
  const Buffer* b = c.A(2) ? c.In(2) : nullptr;
  switch (op) {
    case 1:  // SECCOMP_SET_MODE_FILTER
      if (!c.A(2))
        c.Put("NULL");
      else if (b && b->data.size() >= 16)
        c.Put(SockFprog(c, 2, b->data, BpfFlavour::kSeccomp));
      else
        c.Ptr(c.A(2));
      break;
    case 2:  // SECCOMP_GET_ACTION_AVAIL
      if (!c.A(2)) {
        c.Put("NULL");
      } else if (b && b->data.size() >= 4) {
        std::string s;
        AppendEnum(&s, Table("seccomp_ret_action"), At<uint32_t>(b->data, 0));
        c.Put("[" + s + "]");
      } else {
        c.Ptr(c.A(2));
      }
      break;
    case 3: {  // SECCOMP_GET_NOTIF_SIZES
      c.ToExit();
      const Buffer* o = c.A(2) ? c.Out(2) : nullptr;
      if (!c.A(2))
        c.Put("NULL");
      else if (o && o->data.size() >= 6)
        c.Put("{seccomp_notif=" + UDec(At<uint16_t>(o->data, 0)) +
              ", seccomp_notif_resp=" + UDec(At<uint16_t>(o->data, 2)) +
              ", seccomp_data=" + UDec(At<uint16_t>(o->data, 4)) + "}");
      else
        c.Ptr(c.A(2));
      break;
    }
    default:  // SECCOMP_SET_MODE_STRICT takes NULL; the others are unknown
      c.Ptr(c.A(2));
      break;
  }
  c.ToExit();
  c.Put(")");
}

Family PrctlFamily() {
  static const DecoderEntry kDecoders[] = {{__NR_prctl, Decode, Return},
                                           {__NR_seccomp, DecodeSeccomp}};
  return {"prctl", kDecoders, {}};
}

}  // namespace strec::replay::detail

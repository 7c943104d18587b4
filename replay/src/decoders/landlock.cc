// landlock_create_ruleset (struct landlock_ruleset_attr when the size holds it, "..." for the
// bytes after it; the ruleset fd it returns, or with LANDLOCK_CREATE_RULESET_VERSION the ABI
// version) and landlock_add_rule (struct landlock_path_beneath_attr for
// LANDLOCK_RULE_PATH_BENEATH). Facts from linux/landlock.h and landlock(7); tables in
// format/xlat/landlock.def. The path-beneath attribute is captured by a variants.def row.
#include <asm/unistd.h>

#include "decoders/decoders.h"

namespace strec::replay::detail {

namespace {

constexpr uint64_t kRulesetAttrSize = 8;  // struct landlock_ruleset_attr
constexpr uint32_t kCreateVersion = 1;    // LANDLOCK_CREATE_RULESET_VERSION
constexpr uint32_t kRulePathBeneath = 1;  // LANDLOCK_RULE_PATH_BENEATH
constexpr size_t kPathBeneathSize = 12;   // struct landlock_path_beneath_attr (packed)

void DecodeCreateRuleset(Ctx& c) {
  uint64_t size = c.A(1);
  const Buffer* b = c.In(0);
  if (!c.A(0)) {
    c.Put("NULL");
  } else if (c.Redacted(b)) {
    // its marker only
  } else if (size >= kRulesetAttrSize && b && b->data.size() >= kRulesetAttrSize) {
    c.Put("{handled_access_fs=" + FlagsDflt("landlock_access_fs", At<uint64_t>(b->data, 0)) +
          (size > kRulesetAttrSize ? ", ...}" : "}"));
  } else {
    c.Ptr(c.A(0));
  }
  c.Put(", " + UDec(size) + ", " +
        FlagsDflt("landlock_create_ruleset_flags", static_cast<uint32_t>(c.A(2))));
  c.ToExit();
  c.Put(")");
}

// With LANDLOCK_CREATE_RULESET_VERSION the call returns the ABI version, not an fd.
std::string CreateRulesetReturn(const Syscall& sc, const DecodeEnv&) {
  if (static_cast<uint32_t>(sc.args[2]) & kCreateVersion)
    return Dec(sc.ret);
  return "";
}

void DecodeAddRule(Ctx& c) {
  uint32_t type = static_cast<uint32_t>(c.A(1));
  c.Fd(c.A(0));
  c.Put(", " + Enum("landlock_rule_type", type) + ", ");
  const Buffer* b = type == kRulePathBeneath ? c.In(2) : nullptr;
  if (c.Redacted(b)) {
    // its marker only
  } else if (b && b->data.size() >= kPathBeneathSize) {
    c.Put("{allowed_access=" + FlagsDflt("landlock_access_fs", At<uint64_t>(b->data, 0)) +
          ", parent_fd=" + c.FdText(At<int32_t>(b->data, 8)) + "}");
  } else {
    c.Ptr(c.A(2));
  }
  c.Put(", " + HexString(static_cast<uint32_t>(c.A(3))));
  c.ToExit();
  c.Put(")");
}

}  // namespace

Family LandlockFamily() {
  static const DecoderEntry kDecoders[] = {
      {__NR_landlock_create_ruleset, DecodeCreateRuleset, CreateRulesetReturn},
      {__NR_landlock_add_rule, DecodeAddRule},
  };
  return {"landlock", kDecoders, {}};
}

}  // namespace strec::replay::detail

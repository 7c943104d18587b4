#include "strec/replay/json_renderer.h"

#include <cstdio>

#include "strec/replay/decode.h"
#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {

std::vector<std::string> SplitArgs(const std::string& args) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < args.size(); i++) {
    char c = args[i];
    if (quoted) {
      cur += c;
      if (c == '\\' && i + 1 < args.size())
        cur += args[++i];
      else if (c == '"')
        quoted = false;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '{' || c == '[' || c == '(') {
      depth++;
    } else if (c == '}' || c == ']' || c == ')') {
      depth--;
    } else if (c == ',' && depth == 0 && i + 1 < args.size() && args[i + 1] == ' ') {
      out.push_back(cur);
      cur.clear();
      i++;
      continue;
    }
    cur += c;
  }
  if (!cur.empty() || !out.empty())
    out.push_back(cur);
  return out;
}

std::string JsonString(std::string_view s, JsonHighBytes high) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f || (c > 0x7f && high == JsonHighBytes::kEscape)) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

JsonRenderer::JsonRenderer(const RenderOptions& options, const fb::Header& header, LineSink* sink)
    : opt_(options),
      realtime_ns_(header.realtime_ns()),
      monotonic_ns_(header.monotonic_ns()),
      sink_(sink) {}

std::string JsonRenderer::Common(const Event& e, const char* type, uint64_t time_ns) const {
  uint64_t real = realtime_ns_ + (time_ns - monotonic_ns_);
  char t[64];
  snprintf(t, sizeof t, "%llu.%09llu", static_cast<unsigned long long>(real / 1000000000),
           static_cast<unsigned long long>(real % 1000000000));
  return std::string("{\"type\":\"") + type + "\",\"pid\":" + std::to_string(e.pid) +
         ",\"tid\":" + std::to_string(e.tid) + ",\"time\":" + t;
}

Status JsonRenderer::OnEvent(const Event& e, EventStream* stream) {
  std::string line;
  switch (e.type) {
    case EventType::kSyscall:
    case EventType::kSyscallExit: {
      const Syscall& sc = *e.syscall;
      if (!opt_.trace.Contains(sc.nr))
        break;
      const format::SyscallInfo* info = stream->table()->Find(sc.nr);
      DecodeEnv env;
      env.opt = &opt_;
      env.state = &stream->state();
      SyscallText t = DecodeSyscall(sc, info, env);
      stream->ApplyCurrent();
      std::string all = t.entry + t.exit;
      if (!all.empty() && all.back() == ')')
        all.pop_back();
      line = Common(e, "syscall", sc.has_entry ? sc.entry_ns : sc.exit_ns);
      line += ",\"syscall\":" + JsonString(t.name) + ",\"nr\":" + std::to_string(sc.nr);
      line += ",\"args\":[";
      std::vector<std::string> parts = SplitArgs(all);
      for (size_t i = 0; i < parts.size(); i++) {
        if (i)
          line += ',';
        line += JsonString(parts[i]);
      }
      line += "],\"raw_args\":[";
      int n = info ? info->nargs : 6;
      for (int i = 0; i < n; i++) {
        if (i)
          line += ',';
        line += '"';
        line += HexString(sc.args[i]);
        line += '"';
      }
      line += "]";
      if (sc.returned()) {
        line += ",\"return\":" + std::to_string(sc.ret);
        line += ",\"text\":" + JsonString(DecodeReturn(sc, info, env));
        if (int err = sc.error()) {
          const char* name = ErrnoName(err);
          line += ",\"errno\":" + JsonString(name ? name : std::to_string(err));
        }
      } else {
        line += ",\"return\":null";
      }
      if (sc.returned() && sc.has_entry && sc.exit_ns >= sc.entry_ns) {
        char d[48];
        uint64_t ns = sc.exit_ns - sc.entry_ns;
        snprintf(d, sizeof d, "%llu.%09llu", static_cast<unsigned long long>(ns / 1000000000),
                 static_cast<unsigned long long>(ns % 1000000000));
        line += std::string(",\"duration\":") + d;
      }
      line += "}";
      break;
    }
    case EventType::kSignal:
      line = Common(e, "signal", e.time_ns) + ",\"signal\":" + JsonString(SignalName(e.signo)) +
             ",\"group_stop\":" + (e.group_stop ? "true" : "false") +
             ",\"siginfo\":" + JsonString(FormatSiginfo(e.siginfo, opt_)) + "}";
      break;
    case EventType::kExit:
      line = Common(e, "exit", e.time_ns);
      if (e.signal)
        line += ",\"killed_by\":" + JsonString(SignalName(e.signal)) +
                ",\"core_dumped\":" + (e.core_dumped ? "true" : "false");
      else
        line += ",\"status\":" + std::to_string(e.status);
      line += "}";
      break;
    case EventType::kExec: {
      line = Common(e, "exec", e.time_ns) + ",\"path\":" + JsonString(e.path) + ",\"argv\":[";
      for (size_t i = 0; i < e.argv.size(); i++) {
        if (i)
          line += ',';
        line += JsonString(e.argv[i]);
      }
      line += "]";
      if (e.former_tid)
        line += ",\"former_tid\":" + std::to_string(e.former_tid);
      line += "}";
      break;
    }
    case EventType::kSpawn:
      line = Common(e, "spawn", e.time_ns) + ",\"child_tid\":" + std::to_string(e.child_tid) +
             ",\"child_pid\":" + std::to_string(e.child_pid) +
             ",\"clone_flags\":" + JsonString(HexString(e.clone_flags)) + "}";
      break;
    case EventType::kLoss:
      line = Common(e, "loss", e.time_ns) + ",\"events\":" + std::to_string(e.lost_events) +
             ",\"bytes\":" + std::to_string(e.lost_bytes) + ",\"reason\":" + JsonString(e.reason) +
             "}";
      break;
    default:
      break;
  }
  stream->ApplyCurrent();
  if (line.empty())
    return OkStatus();
  return sink_->Write(sink_->OutputOf(e.tid), line + "\n");
}

}  // namespace strec::replay

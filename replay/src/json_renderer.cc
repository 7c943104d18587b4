#include "strec/replay/json_renderer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "strec/format/event.h"
#include "strec/replay/decode.h"
#include "strec/replay/strings.h"
#include "strec/replay/xlat.h"

namespace strec::replay {

std::vector<std::string_view> SplitArgViews(std::string_view args) {
  std::vector<std::string_view> out;
  size_t from = 0;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < args.size(); i++) {
    char c = args[i];
    if (quoted) {
      if (c == '\\')
        i++;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '{' || c == '[' || c == '(') {
      depth++;
    } else if (c == '}' || c == ']' || c == ')') {
      depth--;
    } else if (c == ',' && depth == 0 && i + 1 < args.size() && args[i + 1] == ' ') {
      out.push_back(args.substr(from, i - from));
      from = ++i + 1;
    }
  }
  if (from < args.size() || !out.empty())
    out.push_back(args.substr(std::min(from, args.size())));
  return out;
}

std::vector<std::string> SplitArgs(const std::string& args) {
  std::vector<std::string> out;
  for (std::string_view v : SplitArgViews(args))
    out.emplace_back(v);
  return out;
}

void AppendJsonString(std::string* out, std::string_view s, JsonHighBytes high) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet appended, which need no escape
  for (size_t i = 0; i < s.size(); i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool plain = c >= 0x20 && c != '"' && c != '\\' && c != 0x7f &&
                 (c < 0x80 || high == JsonHighBytes::kKeep);
    if (plain)
      continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(u, sizeof u);
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

std::string JsonString(std::string_view s, JsonHighBytes high) {
  std::string out;
  AppendJsonString(&out, s, high);
  return out;
}

namespace {

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// SECONDS.NANOSECONDS, the nanoseconds with all 9 digits.
void AppendSeconds(std::string* out, uint64_t ns) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, ns / 1000000000);
  out->append(buf, r.ptr);
  uint64_t frac = ns % 1000000000;
  char f[10] = {'.'};
  for (int i = 9; i >= 1; i--, frac /= 10)
    f[i] = static_cast<char>('0' + frac % 10);
  out->append(f, sizeof f);
}

// "0x..." as %#llx prints it ("0" for zero).
void AppendHex(std::string* out, uint64_t v) {
  if (v == 0) {
    out->push_back('0');
    return;
  }
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v, 16);
  out->append("0x");
  out->append(buf, r.ptr);
}

}  // namespace

JsonRenderer::JsonRenderer(const RenderOptions& options, const fb::Header& header, LineSink* sink)
    : opt_(options),
      realtime_ns_(header.realtime_ns()),
      monotonic_ns_(header.monotonic_ns()),
      pids_(header),
      sink_(sink),
      pid_filter_(options.pids) {}

void JsonRenderer::Common(const Event& e, const char* type, uint64_t time_ns) {
  line_.clear();
  line_ += "{\"type\":\"";
  line_ += type;
  line_ += "\",\"pid\":";
  AppendInt(&line_, e.pid);
  line_ += ",\"tid\":";
  AppendInt(&line_, e.tid);
  if (pids_.joined()) {  // pids stay unique across the recordings; the host says whose
    line_ += ",\"host\":";
    AppendJsonString(&line_, pids_.HostOf(e.pid));
  }
  line_ += ",\"time\":";
  AppendSeconds(&line_, format::WallClockNs(realtime_ns_, monotonic_ns_, time_ns));
}

Status JsonRenderer::OnEvent(const Event& e, EventStream* stream) {
  std::string& line = line_;
  line.clear();
  pid_filter_.Follow(e);
  if (!pid_filter_.Shown(e)) {
    stream->ApplyCurrent();  // the state (fd paths) follows every process
    return OkStatus();
  }
  auto key = [&line](const char* k) {
    line += ",\"";
    line += k;
    line += "\":";
  };
  switch (e.type) {
    case EventType::kSyscall:
    case EventType::kSyscallExit: {
      const Syscall& sc = *e.syscall;
      const format::SyscallInfo* info = stream->table()->Find(sc.nr);
      if (!CallSelected(sc, info, stream->state(), opt_) || !StatusSelected(sc, opt_))
        break;
      DecodeEnv env;
      env.opt = &opt_;
      env.state = &stream->state();
      SyscallText t = DecodeSyscall(sc, info, env);
      stream->ApplyCurrent();
      std::string all = ArgumentsText(t);
      Common(e, "syscall", sc.has_entry ? sc.entry_ns : sc.exit_ns);
      key("syscall");
      AppendJsonString(&line, t.name);
      key("nr");
      AppendInt(&line, sc.nr);
      key("args");
      line += '[';
      std::vector<std::string_view> parts = SplitArgViews(all);
      for (size_t i = 0; i < parts.size(); i++) {
        if (i)
          line += ',';
        AppendJsonString(&line, parts[i]);
      }
      line += ']';
      key("raw_args");
      line += '[';
      int n = info ? info->nargs : 6;
      for (int i = 0; i < n; i++) {
        if (i)
          line += ',';
        line += '"';
        AppendHex(&line, sc.args[i]);
        line += '"';
      }
      line += ']';
      if (sc.returned()) {
        key("return");
        AppendInt(&line, sc.ret);
        key("text");
        AppendJsonString(&line, DecodeReturn(sc, info, env));
        if (int err = sc.error()) {
          const char* name = ErrnoName(err);
          key("errno");
          AppendJsonString(&line, name ? std::string(name) : std::to_string(err));
        }
      } else {
        key("return");
        line += "null";
      }
      if (sc.returned() && sc.has_entry && sc.exit_ns >= sc.entry_ns) {
        key("duration");
        AppendSeconds(&line, sc.exit_ns - sc.entry_ns);
      }
      line += '}';
      break;
    }
    case EventType::kSignal:
      Common(e, "signal", e.time_ns);
      key("signal");
      AppendJsonString(&line, SignalName(e.signo));
      key("group_stop");
      line += e.group_stop ? "true" : "false";
      key("siginfo");
      AppendJsonString(&line, FormatSiginfo(e.siginfo, opt_));
      line += '}';
      break;
    case EventType::kExit:
      Common(e, "exit", e.time_ns);
      if (e.signal) {
        key("killed_by");
        AppendJsonString(&line, SignalName(e.signal));
        key("core_dumped");
        line += e.core_dumped ? "true" : "false";
      } else {
        key("status");
        AppendInt(&line, e.status);
      }
      line += '}';
      break;
    case EventType::kExec: {
      Common(e, "exec", e.time_ns);
      key("path");
      AppendJsonString(&line, e.path);
      key("argv");
      line += '[';
      for (size_t i = 0; i < e.argv.size(); i++) {
        if (i)
          line += ',';
        AppendJsonString(&line, e.argv[i]);
      }
      line += ']';
      if (e.former_tid) {
        key("former_tid");
        AppendInt(&line, e.former_tid);
      }
      line += '}';
      break;
    }
    case EventType::kSpawn:
      Common(e, "spawn", e.time_ns);
      key("child_tid");
      AppendInt(&line, e.child_tid);
      key("child_pid");
      AppendInt(&line, e.child_pid);
      key("clone_flags");
      line += '"';
      AppendHex(&line, e.clone_flags);
      line += '"';
      line += '}';
      break;
    case EventType::kLoss:
      Common(e, "loss", e.time_ns);
      key("events");
      AppendInt(&line, static_cast<int64_t>(e.lost_events));
      key("bytes");
      AppendInt(&line, static_cast<int64_t>(e.lost_bytes));
      key("reason");
      AppendJsonString(&line, e.reason);
      line += '}';
      break;
    default:
      break;
  }
  stream->ApplyCurrent();
  if (line.empty())
    return OkStatus();
  line += '\n';
  return sink_->Write(sink_->OutputOf(e.tid), line);
}

}  // namespace strec::replay

// `import strec`: the reader API (strec/trace.h) for Python.
//
//   import strec
//   for ev in strec.open("run.strec", strace=True):
//       if ev.kind == "syscall" and ev.errno:
//           print(ev.pid, ev.strace)
//
// strec.open(path_or_paths, strace=False, fd_paths=True, string_limit=32) returns a Trace: its
// facts (.info, a dict) and an iterator of Event objects (light: attributes, to_dict()). With
// strace=True each event carries the line strace prints for it (rendering costs about as much as
// reading). A damaged or unreadable trace raises strec.TraceError with a one-line message.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "strec/trace.h"

namespace py = pybind11;

namespace {

// An event as Python sees it: the API's, and its strace line when asked for.
struct PyEvent {
  strec::TraceEvent e;
  std::optional<std::string> strace;

  py::dict ToDict() const {
    py::dict d;
    d["kind"] = strec::KindName(e.kind);
    d["pid"] = e.pid;
    d["tid"] = e.tid;
    d["host"] = e.host;
    d["time_ns"] = e.time_ns;
    d["wall_ns"] = e.wall_ns;
    if (e.kind == strec::EventKind::Syscall || e.kind == strec::EventKind::SyscallEntry) {
      d["nr"] = e.nr;
      d["name"] = e.name;
      d["args"] = std::vector<uint64_t>(e.args, e.args + e.nargs);
      d["returned"] = e.returned;
      d["ret"] = e.returned ? py::object(py::int_(e.ret)) : py::none();
      d["errno"] = e.errno_name.empty() ? py::none() : py::object(py::str(e.errno_name));
      d["duration_ns"] = e.duration_ns() ? py::object(py::int_(*e.duration_ns())) : py::none();
    }
    if (e.kind == strec::EventKind::Spawn) {
      d["child_pid"] = e.child_pid;
      d["child_tid"] = e.child_tid;
    }
    if (e.kind == strec::EventKind::Exec) {
      d["path"] = e.path;
      d["argv"] = e.argv;
    }
    if (e.kind == strec::EventKind::Exit) {
      d["status"] = e.status;
      d["signal"] = e.signal;
    }
    if (e.kind == strec::EventKind::Signal)
      d["signo"] = e.signo;
    if (e.kind == strec::EventKind::Loss)
      d["lost_events"] = e.lost_events;
    d["strace"] = strace ? py::object(py::str(*strace)) : py::none();
    return d;
  }
};

class PyTrace {
 public:
  PyTrace(std::vector<std::string> paths, bool strace, strec::OpenOptions o)
      : trace_(strec::Trace::Open(paths, o)), strace_(strace) {}

  PyEvent Next() {
    const strec::TraceEvent* e;
    {
      py::gil_scoped_release release;  // decoding needs no Python
      e = trace_.Next();
    }
    if (!e)
      throw py::stop_iteration();
    PyEvent out{*e, std::nullopt};
    if (strace_)
      out.strace = trace_.Strace(*e);
    return out;
  }

  py::dict Info() const {
    const strec::TraceInfo& i = trace_.info();
    py::dict d;
    d["path"] = i.path;
    d["host"] = i.host;
    d["kernel_release"] = i.kernel_release;
    d["machine"] = i.machine;
    d["backend"] = i.backend;
    d["command"] = i.command;
    d["start_monotonic_ns"] = i.start_monotonic_ns;
    d["start_wall_ns"] = i.start_wall_ns;
    d["events"] = i.events;
    d["syscalls"] = i.syscalls;
    d["lost_events"] = i.lost_events;
    d["complete"] = i.complete;
    d["warnings"] = i.warnings;
    return d;
  }

  std::optional<std::string> FdPath(int32_t tid, int fd) const { return trace_.FdPath(tid, fd); }
  void SeekTime(uint64_t ns) { trace_.SeekTime(ns); }

 private:
  strec::Trace trace_;
  bool strace_;
};

PyTrace Open(py::object paths, bool strace, bool fd_paths, uint32_t string_limit) {
  std::vector<std::string> list;
  if (py::isinstance<py::str>(paths) || py::hasattr(paths, "__fspath__"))
    list.push_back(py::str(py::module_::import("os").attr("fspath")(paths)));
  else
    for (py::handle p : paths)
      list.push_back(py::str(py::module_::import("os").attr("fspath")(p)));
  strec::OpenOptions o;
  o.fd_paths = fd_paths;
  o.string_limit = string_limit;
  return PyTrace(std::move(list), strace, o);
}

}  // namespace

PYBIND11_MODULE(strec, m) {
  m.doc() = "Read strec syscall traces (.strec): typed events and the strace line of each.";
  m.attr("__version__") = strec::Version();
  py::register_exception<strec::TraceError>(m, "TraceError", PyExc_OSError);

  py::class_<strec::ArgBuffer>(m, "ArgBuffer", "tracee memory recorded with an argument")
      .def_readonly("arg", &strec::ArgBuffer::arg)
      .def_readonly("out", &strec::ArgBuffer::out)
      .def_readonly("index", &strec::ArgBuffer::index)
      .def_readonly("addr", &strec::ArgBuffer::addr)
      .def_readonly("full_len", &strec::ArgBuffer::full_len)
      .def_property_readonly("data", [](const strec::ArgBuffer& b) { return py::bytes(b.data); })
      .def_readonly("read_errno", &strec::ArgBuffer::read_errno)
      .def_readonly("redacted", &strec::ArgBuffer::redacted);

  py::class_<PyEvent>(m, "Event", "one event of a trace (strec/trace.h's TraceEvent)")
      .def_property_readonly("kind", [](const PyEvent& p) { return strec::KindName(p.e.kind); })
      .def_property_readonly("pid", [](const PyEvent& p) { return p.e.pid; })
      .def_property_readonly("tid", [](const PyEvent& p) { return p.e.tid; })
      .def_property_readonly("host", [](const PyEvent& p) { return p.e.host; })
      .def_property_readonly("time_ns", [](const PyEvent& p) { return p.e.time_ns; })
      .def_property_readonly("wall_ns", [](const PyEvent& p) { return p.e.wall_ns; })
      .def_property_readonly("nr", [](const PyEvent& p) { return p.e.nr; })
      .def_property_readonly("name", [](const PyEvent& p) { return p.e.name; })
      .def_property_readonly(
          "args",
          [](const PyEvent& p) { return std::vector<uint64_t>(p.e.args, p.e.args + p.e.nargs); })
      .def_property_readonly("returned", [](const PyEvent& p) { return p.e.returned; })
      .def_property_readonly("ret",
                             [](const PyEvent& p) -> py::object {
                               return p.e.returned ? py::int_(p.e.ret) : py::object(py::none());
                             })
      .def_property_readonly("err", [](const PyEvent& p) { return p.e.err; })
      .def_property_readonly("errno",
                             [](const PyEvent& p) -> py::object {
                               if (p.e.errno_name.empty())
                                 return py::none();
                               return py::str(p.e.errno_name);
                             })
      .def_property_readonly("entry_ns", [](const PyEvent& p) { return p.e.entry_ns; })
      .def_property_readonly("exit_ns", [](const PyEvent& p) { return p.e.exit_ns; })
      .def_property_readonly("duration_ns", [](const PyEvent& p) { return p.e.duration_ns(); })
      .def_property_readonly("buffers", [](const PyEvent& p) { return p.e.buffers; })
      .def_property_readonly("child_pid", [](const PyEvent& p) { return p.e.child_pid; })
      .def_property_readonly("child_tid", [](const PyEvent& p) { return p.e.child_tid; })
      .def_property_readonly("path", [](const PyEvent& p) { return p.e.path; })
      .def_property_readonly("argv", [](const PyEvent& p) { return p.e.argv; })
      .def_property_readonly("status", [](const PyEvent& p) { return p.e.status; })
      .def_property_readonly("signal", [](const PyEvent& p) { return p.e.signal; })
      .def_property_readonly("signo", [](const PyEvent& p) { return p.e.signo; })
      .def_property_readonly("reason", [](const PyEvent& p) { return p.e.reason; })
      .def_property_readonly("lost_events", [](const PyEvent& p) { return p.e.lost_events; })
      .def_property_readonly("fds", [](const PyEvent& p) { return p.e.fds; })
      .def_property_readonly(
          "strace", [](const PyEvent& p) { return p.strace; },
          "the strace line (with strec.open(..., strace=True)), else None")
      .def("to_dict", &PyEvent::ToDict)
      .def("__repr__", [](const PyEvent& p) {
        return "<strec.Event " + std::string(strec::KindName(p.e.kind)) + " pid " +
               std::to_string(p.e.pid) + (p.e.name.empty() ? "" : " " + p.e.name) + ">";
      });

  py::class_<PyTrace>(m, "Trace", "an open trace: iterate it for its events")
      .def_property_readonly("info", &PyTrace::Info)
      .def("__iter__", [](PyTrace& t) -> PyTrace& { return t; })
      .def("__next__", &PyTrace::Next)
      .def("fd_path", &PyTrace::FdPath, py::arg("tid"), py::arg("fd"),
           "what fd of thread tid refers to before the current event, or None")
      .def("seek_time", &PyTrace::SeekTime, py::arg("time_ns"),
           "continue at the first event at or after time_ns (monotonic, as info's start)");

  m.def("open", &Open, py::arg("path"), py::arg("strace") = false, py::arg("fd_paths") = true,
        py::arg("string_limit") = 32,
        "open a trace (a path, or the files of one rotated recording as a list)");
}

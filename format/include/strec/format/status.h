// A small Status / StatusOr<T> after Perfetto's base::Status and abseil's codes. Library code
// returns these; only a main turns them into a message and an exit code.
#ifndef STREC_FORMAT_STATUS_H_
#define STREC_FORMAT_STATUS_H_

#include <string>
#include <utility>
#include <variant>

namespace strec {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the user asked for something that cannot be
  kNotFound,
  kDataLoss,       // a corrupt or truncated file
  kUnimplemented,  // e.g. a newer format major version
  kIo,             // a failed read or write (ENOSPC, EIO, ...)
  kInternal,
  kPermissionDenied,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() {
  return Status();
}
inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status DataLoss(std::string m) {
  return {StatusCode::kDataLoss, std::move(m)};
}
inline Status IoError(std::string m) {
  return {StatusCode::kIo, std::move(m)};
}
inline Status Unimplemented(std::string m) {
  return {StatusCode::kUnimplemented, std::move(m)};
}
inline Status InternalError(std::string m) {
  return {StatusCode::kInternal, std::move(m)};
}
inline Status NotFound(std::string m) {
  return {StatusCode::kNotFound, std::move(m)};
}

// "what: strerror(err)"
Status ErrnoStatus(const std::string& what, int err);

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design
  StatusOr(T value) : v_(std::move(value)) {}         // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& value() const& { return std::get<T>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace strec

#define STREC_CONCAT_INNER(a, b) a##b
#define STREC_CONCAT(a, b) STREC_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)         \
  do {                                \
    ::strec::Status status_ = (expr); \
    if (!status_.ok())                \
      return status_;                 \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok())                              \
    return tmp.status();                      \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(STREC_CONCAT(statusor_, __LINE__), lhs, expr)

#endif  // STREC_FORMAT_STATUS_H_

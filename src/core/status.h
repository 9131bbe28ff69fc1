// Status and Result<T>: the one error type of ohlcv-rag.
//
// Every function that can fail across a folder boundary returns a Status (no
// value) or a Result<T> (a value or a Status). Exceptions thrown by libraries
// stop in the one adapter file that calls the library. An OK Status holds no
// message and costs one enum. service/ maps codes to HTTP statuses and cli/
// maps them to exit codes; add a code only when a caller must act on it
// differently.
//
// Thread-safety: plain values, safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ohlcv {

enum class StatusCode : uint8_t {
  kOk = 0,
  kNotFound,
  kInvalidArgument,
  kIOError,
  kCorruption,
  kUnavailable,        // a dependency (remote API, Chroma, LLM) cannot be reached
  kDeadlineExceeded,   // a timeout
  kResourceExhausted,  // rate limited, quota, body too large
  kUnauthenticated,
  kPermissionDenied,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or a non-OK Status. REQUIRES: constructed from a non-OK Status when
// there is no value. value() on an error is a programming error (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}     // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ohlcv

// Propagates a non-OK Status from an expression returning Status.
#define OHLCV_RETURN_IF_ERROR(expr)              \
  do {                                           \
    ::ohlcv::Status _st = (expr);                \
    if (!_st.ok()) return _st;                   \
  } while (0)

#define OHLCV_CONCAT_INNER(a, b) a##b
#define OHLCV_CONCAT(a, b) OHLCV_CONCAT_INNER(a, b)
// `OHLCV_ASSIGN_OR_RETURN(auto x, Fn());` declares x from a Result or returns its Status.
#define OHLCV_ASSIGN_OR_RETURN(decl, expr) \
  OHLCV_ASSIGN_OR_RETURN_IMPL(OHLCV_CONCAT(_res_, __LINE__), decl, expr)
#define OHLCV_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  decl = std::move(tmp).value()

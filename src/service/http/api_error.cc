#include "service/http/api_error.h"

#include <nlohmann/json.hpp>

namespace ohlcv {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kIOError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

std::string_view ErrorCodeFor(int s) {
  switch (s) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 429: return "rate_limited";
    case 431: return "header_too_large";
    case 503: return "unavailable";
    case 504: return "timeout";
    default: return s >= 500 ? "internal" : "error";
  }
}

ServerResponse ErrorResponse(int http_status, std::string_view message) {
  nlohmann::json doc = {{"error", {{"code", ErrorCodeFor(http_status)}, {"message", message}}}};
  ServerResponse r;
  r.status = http_status;
  // Messages can carry bytes from the request (a bad ticker); replace invalid
  // UTF-8 rather than throw.
  r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

ServerResponse StatusResponse(const Status& status) {
  return ErrorResponse(HttpStatusFor(status.code()), status.message());
}

}  // namespace ohlcv

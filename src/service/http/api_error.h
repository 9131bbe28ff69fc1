// The service's error replies: `{"error": {"code", "message"}}` with the HTTP
// status that goes with it, and the one mapping from Status codes to HTTP
// statuses (STYLE.md habit 1: service/ maps codes to statuses in one place).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "core/status.h"
#include "service/http/http_types.h"

namespace ohlcv {

// The HTTP status for a non-OK Status code: InvalidArgument 400,
// Unauthenticated 401, PermissionDenied 403, NotFound 404,
// ResourceExhausted 429, Unavailable 503, DeadlineExceeded 504, others 500.
int HttpStatusFor(StatusCode code);

// The machine-readable error code for an HTTP status ("bad_request",
// "unauthorized", "forbidden", "not_found", "method_not_allowed",
// "payload_too_large", "rate_limited", "unavailable", ...).
std::string_view ErrorCodeFor(int http_status);

// {"error":{"code": ErrorCodeFor(status), "message": message}}.
ServerResponse ErrorResponse(int http_status, std::string_view message);

// ErrorResponse(HttpStatusFor(status.code()), status.message()).
// REQUIRES: !status.ok().
ServerResponse StatusResponse(const Status& status);

}  // namespace ohlcv

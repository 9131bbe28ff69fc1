// ServerRequest / ServerResponse: the service's own plain request and response
// values, so routes, auth, metrics and the fuzz target never see Boost.Beast
// (only http_server.cc does).
//
// Ownership: plain values. Thread-safety: none needed (one request is handled
// by one thread at a time).
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include <string_view>
#include <utility>
#include <vector>

namespace ohlcv {

struct ServerRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, "/api/v1/tickers/AAPL/bars?start=2019-01-01"
  std::string path;    // target without the query, percent-decoded
  std::string query;   // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case, in arrival order
  std::string body;
  std::string remote;  // peer address, for logs

  // First header with this lower-case name; "" when absent.
  std::string_view Header(std::string_view lower_name) const;
  // Percent-decoded query parameter; nullopt when absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // Like QueryParam, but a value with a bad percent-escape (or an encoded
  // NUL, "%00") is InvalidArgument naming the parameter, not "absent".
  Result<std::optional<std::string>> QueryValue(std::string_view name) const;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  bool close = false;  // send "Connection: close" and close after writing
};

// Splits a target into percent-decoded path and raw query. False when the
// target is not origin-form ("/..."), or decodes to NUL or an invalid escape.
bool SplitTarget(std::string_view target, std::string* path, std::string* query);

// Percent-decoding ('+' as space when form is true). False on a bad escape.
bool PercentDecode(std::string_view in, std::string* out, bool form);

}  // namespace ohlcv

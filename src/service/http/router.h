// Router: route templates such as "/api/v1/tickers/{T}/bars" to handlers.
//
// A template is a path of '/'-separated segments; "{name}" matches one
// non-empty segment and binds it. Literal segments beat parameters when both
// match. Match() tells 404 (no template matches the path) from 405 (a
// template matches, but not for this method; `allowed` lists the methods for
// the Allow header). Metrics and logs label requests by the matched
// template, never the raw path, so label cardinality stays bounded.
//
// Thread-safety: build with Add() before serving; Match() is const and safe
// for concurrent use afterwards.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/http/http_types.h"

namespace ohlcv {

struct RouteParams {
  std::vector<std::pair<std::string, std::string>> values;
  // The bound value of {name}; "" when absent.
  std::string_view Get(std::string_view name) const;
};

using RouteHandler = std::function<ServerResponse(const ServerRequest&, const RouteParams&)>;

struct RouteOptions {
  bool auth = true;          // needs an API key (every /api/ route)
  bool run_inline = false;   // cheap and non-blocking: runs on the I/O thread, not the worker pool
  // Cheap (cached reads, job lookups): runs on a thread of its own with its
  // own queue, so expensive routes (questions, analyses) filling the worker
  // pool cannot starve it.
  bool light = false;
};

struct Route {
  std::string method;
  std::string pattern;  // the template, used as the metrics "endpoint" label
  RouteHandler handler;
  RouteOptions options;
  std::vector<std::string> segments;  // split pattern
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
  const Route* route = nullptr;  // set when kFound
  RouteParams params;
  std::string allowed;  // "GET, POST" when kMethodNotAllowed
};

class Router {
 public:
  // REQUIRES: pattern starts with '/'; no duplicate (method, pattern).
  void Add(std::string method, std::string pattern, RouteHandler handler, RouteOptions options = {});
  RouteMatch Match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace ohlcv

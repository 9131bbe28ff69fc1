#include "service/http/router.h"

#include <algorithm>

namespace ohlcv {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

// Score: number of literal segments (more literal = more specific); -1 = no match.
int MatchScore(const Route& r, const std::vector<std::string_view>& segs, RouteParams* params) {
  if (r.segments.size() != segs.size()) return -1;
  int literals = 0;
  RouteParams p;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& pat = r.segments[i];
    if (IsParam(pat)) {
      if (segs[i].empty()) return -1;
      p.values.emplace_back(pat.substr(1, pat.size() - 2), std::string(segs[i]));
    } else {
      if (pat != segs[i]) return -1;
      ++literals;
    }
  }
  if (params) *params = std::move(p);
  return literals;
}

}  // namespace

std::string_view RouteParams::Get(std::string_view name) const {
  for (const auto& [k, v] : values) {
    if (k == name) return v;
  }
  return {};
}

void Router::Add(std::string method, std::string pattern, RouteHandler handler, RouteOptions options) {
  Route r{std::move(method), std::move(pattern), std::move(handler), options, {}};
  for (auto seg : Split(r.pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch m;
  auto segs = Split(path);
  if (segs.empty()) return m;
  int best = -1;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    RouteParams params;
    int score = MatchScore(r, segs, &params);
    if (score < 0) continue;
    // HEAD is served by GET routes (body dropped by the server).
    bool method_ok = r.method == method || (method == "HEAD" && r.method == "GET");
    if (!method_ok) {
      if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) allowed.push_back(r.method);
      continue;
    }
    if (score > best) {
      best = score;
      m.kind = RouteMatch::Kind::kFound;
      m.route = &r;
      m.params = std::move(params);
    }
  }
  if (m.kind != RouteMatch::Kind::kFound && !allowed.empty()) {
    m.kind = RouteMatch::Kind::kMethodNotAllowed;
    std::sort(allowed.begin(), allowed.end());
    for (const auto& a : allowed) m.allowed += (m.allowed.empty() ? "" : ", ") + a;
  }
  return m;
}

}  // namespace ohlcv

#include "service/ui/ui_routes.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "service/http/api_error.h"
#include "kb/knowledge_base.h"
#include "service/api/request_parse.h"
#include "service/api/service.h"
#include "service/ui/ui_assets.h"
#include "service/ui/ui_chart.h"

namespace ohlcv {
namespace {

// FNV-1a, 64 bits: the ETag only has to change when the bytes do.
std::string ETagFor(std::string_view body) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("\"{:016x}\"", h);
}

// True when If-None-Match names `etag` (or is "*").
bool NotModified(const ServerRequest& req, std::string_view etag) {
  std::string_view inm = req.Header("if-none-match");
  return !inm.empty() && (inm == "*" || inm.find(etag) != std::string_view::npos);
}

ServerResponse PageReply(const ServerRequest& req, std::string_view content_type, std::string_view body,
                         bool immutable) {
  ServerResponse r;
  r.headers.emplace_back("Content-Security-Policy", std::string(kUiContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  std::string etag = ETagFor(body);
  r.headers.emplace_back("ETag", etag);
  if (NotModified(req, etag)) {
    r.status = 304;
    return r;
  }
  r.content_type = std::string(content_type);
  r.body = std::string(body);
  return r;
}

ServerResponse Index(const ServerRequest& req) {
  if (const UiAsset* page = FindUiAsset("index.html")) return PageReply(req, page->content_type, page->body, false);
  return PageReply(req, UiContentType("index.html"), FallbackUiPage(), false);
}

// True when the client takes gzip. "gzip;q=0" is treated as a yes: no
// browser sends it, and the reply would still be correct HTTP.
bool AcceptsGzip(const ServerRequest& req) {
  return req.Header("accept-encoding").find("gzip") != std::string_view::npos;
}

ServerResponse Asset(const ServerRequest& req, const RouteParams& p) {
  std::string path = "assets/" + std::string(p.Get("file"));
  const UiAsset* asset = FindUiAsset(path);
  if (!asset) return ErrorResponse(404, "no UI asset " + req.path);
  // web/build.sh writes <name>.gz beside each bundle file.
  const UiAsset* gz = path.ends_with(".gz") ? nullptr : FindUiAsset(path + ".gz");
  bool zipped = gz && AcceptsGzip(req);
  ServerResponse r = PageReply(req, asset->content_type, zipped ? gz->body : asset->body, asset->immutable);
  if (gz) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (zipped) r.headers.emplace_back("Content-Encoding", "gzip");
  return r;
}

ServerResponse Chart(Service& s, const ServerRequest& req, const RouteParams& p) {
  auto q = ParseBarsQuery(p.Get("T"), req);
  if (!q.ok()) return StatusResponse(q.status());
  auto chart = BuildChartJson(*s.kb(), *q);
  if (!chart.ok()) return StatusResponse(chart.status());
  ServerResponse r;
  r.body = chart->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace

void RegisterUiRoutes(Router& router, Service& service) {
  using P = const RouteParams&;
  using R = const ServerRequest&;
  // Static bytes from memory: cheap enough for the I/O thread.
  RouteOptions page{.auth = false, .run_inline = true};
  router.Add("GET", "/", [](R req, P) { return Index(req); }, page);
  router.Add("GET", "/index.html", [](R req, P) { return Index(req); }, page);
  router.Add("GET", "/assets/{file}", [](R req, P p) { return Asset(req, p); }, page);
  router.Add("GET", "/api/v1/tickers/{T}/chart", [&service](R req, P p) { return Chart(service, req, p); });
}

}  // namespace ohlcv

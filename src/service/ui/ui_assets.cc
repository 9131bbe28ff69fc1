#include "service/ui/ui_assets.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace ohlcv {
namespace {

// What the generated file defines: one entry per file of the dist folder.
// Each array carries one extra trailing NUL (an empty file would otherwise be
// an empty array, which C++ forbids); `size` excludes it.
struct GeneratedAsset {
  const char* path;
  const unsigned char* data;
  size_t size;
};

#ifdef OHLCV_WEB_ASSETS_INC
// Defines kGeneratedUiAssets[] (see cmake/web_assets.cmake).
#include OHLCV_WEB_ASSETS_INC
#else
constexpr std::array<GeneratedAsset, 0> kGeneratedUiAssets{};
#endif

std::vector<UiAsset> BuildTable() {
  std::vector<UiAsset> table;
  for (const GeneratedAsset& g : kGeneratedUiAssets) {
    std::string_view path(g.path);
    table.push_back({path, UiContentType(path),
                     std::string_view(reinterpret_cast<const char*>(g.data), g.size),
                     path.starts_with("assets/")});
  }
  std::sort(table.begin(), table.end(), [](const UiAsset& a, const UiAsset& b) { return a.path < b.path; });
  return table;
}

const std::vector<UiAsset>& Table() {
  static const std::vector<UiAsset> table = BuildTable();
  return table;
}

constexpr std::string_view kFallbackPage = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ohlcv-rag</title>
</head>
<body>
<main>
<h1>ohlcv-rag</h1>
<p>The API is running, but this binary was built without the web UI.</p>
<p>To embed it, build the page and reconfigure with the folder it wrote:</p>
<pre>web/build.sh build/web-dist
cmake -S . -B build -DOHLCV_WEB_DIST=$PWD/build/web-dist
ninja -C build ohlcv-rag</pre>
<p>See docs/web.md. The API itself is described in docs/service.md
(for example <code>GET /api/v1/status</code> with an <code>X-API-Key</code> header).</p>
</main>
</body>
</html>
)";

}  // namespace

std::span<const UiAsset> EmbeddedUiAssets() { return Table(); }

const UiAsset* FindUiAsset(std::string_view path) {
  const auto& t = Table();
  auto it = std::lower_bound(t.begin(), t.end(), path, [](const UiAsset& a, std::string_view p) { return a.path < p; });
  return it != t.end() && it->path == path ? &*it : nullptr;
}

std::string_view FallbackUiPage() { return kFallbackPage; }

std::string_view UiContentType(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (path.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

}  // namespace ohlcv

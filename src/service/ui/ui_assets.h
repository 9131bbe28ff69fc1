// UI assets: the web page's files (issue 7) compiled into the binary, so a
// running service needs no npm, no CDN and no files next to it.
//
// web/build.sh bundles the page into a folder (index.html plus
// assets/<name>-<hash>.<ext>); configuring with -DOHLCV_WEB_DIST=<folder>
// makes cmake/web_assets.cmake turn every file of it into a byte array that
// ui_assets.cc includes. Without that option the table is empty and "/"
// serves FallbackUiPage(), which says how to build the UI: the C++ build never
// needs node.
//
// Ownership: every string_view points into static storage and stays valid for
// the life of the process. Thread-safety: immutable after static
// initialisation; safe for concurrent use.
#pragma once

#include <span>
#include <string_view>

namespace ohlcv {

struct UiAsset {
  std::string_view path;          // relative to the dist folder: "index.html", "assets/app-5KQ3.js"
  std::string_view content_type;  // from the extension (UiContentType)
  std::string_view body;          // the file's bytes
  // True for files under assets/: their names carry a content hash, so a
  // browser may cache them forever; index.html must be revalidated.
  bool immutable = false;
};

// Every embedded file, sorted by path. Empty when built without OHLCV_WEB_DIST.
std::span<const UiAsset> EmbeddedUiAssets();

// The embedded file at `path` (no leading '/'); nullptr when there is none.
const UiAsset* FindUiAsset(std::string_view path);

// The page served at "/" when no UI is embedded: plain HTML, no script,
// saying how to build and embed the UI.
std::string_view FallbackUiPage();

// Content type for a file name by its extension ("text/javascript;
// charset=utf-8" for .js, ...); "application/octet-stream" when unknown.
std::string_view UiContentType(std::string_view path);

}  // namespace ohlcv

// The web UI's routes (issue 7), registered on the API port next to the API:
//   GET /                           the page (index.html; without an embedded
//   GET /index.html                 UI, a page saying how to build it)
//   GET /assets/{file}              hashed bundle files (ui_assets.h)
//   GET /api/v1/tickers/{T}/chart   bars + indicators + patterns (ui_chart.h)
//
// The page and its assets need no API key (the page asks for one and sends
// it on every /api/ call); the chart route does, like every /api/ route.
// Page replies carry a strict Content-Security-Policy (scripts, styles and
// fetches from this origin only, nothing inline), nosniff, no referrer, and
// caching by name: assets/ files are immutable for a year (their names change
// with their content), index.html is "no-cache" with an ETag so a reload
// revalidates it in one round trip (304).
//
// Ownership: the Service passed to RegisterUiRoutes is borrowed and must
// outlive the router. Thread-safety: the handlers keep no state of their own.
#pragma once

#include <string_view>

#include "service/http/router.h"

namespace ohlcv {

class Service;

// The Content-Security-Policy sent with every page reply.
inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

void RegisterUiRoutes(Router& router, Service& service);

}  // namespace ohlcv

// Fuzzes the layer outside input reaches first: request targets, query
// strings and the JSON bodies of every API route (service/request_parse.h),
// plus the auth header parsing, query values (QueryValue), the date-range
// rule, the redaction of unauthenticated replies and ingest path confinement. Nothing may crash, hang or throw; every
// rejection must be an InvalidArgument (a 400 for the client).
//
// Input layout: first byte picks the parser, the rest is the payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/ticker.h"
#include "service/http/api_error.h"
#include "service/api/auth.h"
#include "service/http/http_types.h"
#include "service/api/request_parse.h"
#include "service/api/service.h"
#include "sources/csv_paths.h"

namespace {

void CheckRejection(const ohlcv::Status& st) {
  if (!st.ok() && st.code() != ohlcv::StatusCode::kInvalidArgument) std::abort();
  if (!st.ok()) {
    // The error reply must be producible from any message (invalid UTF-8 included).
    auto r = ohlcv::StatusResponse(st);
    if (r.status != 400 || r.body.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector % 11) {
    case 0:
      CheckRejection(ohlcv::ParseQueryBody(payload, false).status());
      break;
    case 1:
      CheckRejection(ohlcv::ParseQueryBody(payload, true).status());
      break;
    case 2:
      CheckRejection(ohlcv::ParseSimilarBody(payload).status());
      break;
    case 3:
      CheckRejection(ohlcv::ParseIngestBody(payload).status());
      break;
    case 4:
      CheckRejection(ohlcv::ParseAnalyzeBody(payload).status());
      break;
    case 5: {
      ohlcv::ServerRequest req;
      if (ohlcv::SplitTarget(payload, &req.path, &req.query)) {
        if (req.path.empty() || req.path[0] != '/') std::abort();
        auto q = ohlcv::ParseBarsQuery("AAPL", req);
        CheckRejection(q.status());
        if (q.ok() && q->start && q->end && *q->start > *q->end) std::abort();
        (void)req.QueryParam("start");
      }
      break;
    }
    case 6: {
      ohlcv::ServerRequest req;
      req.headers.emplace_back(selector & 8 ? "authorization" : "x-api-key", std::string(payload));
      ohlcv::ApiKeyAuth auth({"k1", "another-key"});
      int idx = -1;
      ohlcv::Status st = auth.Check(req, &idx);
      if (st.ok() != (idx >= 0)) std::abort();
      break;
    }
    case 7: {
      auto t = ohlcv::ParseTicker(payload);
      CheckRejection(t.status());
      if (t.ok() && (t->empty() || t->size() > 16)) std::abort();
      break;
    }
    case 8: {
      // Unauthenticated replies: redaction never crashes and is idempotent
      // (what it leaves holds no URL or absolute path token).
      std::string out = ohlcv::RedactForPublic(payload);
      if (ohlcv::RedactForPublic(out) != out) std::abort();
      if (payload.substr(0, 7) == "http://" && out.find('@') != std::string::npos &&
          payload.find_first_of(" '\",") == std::string_view::npos) {
        std::abort();  // a single URL token with credentials must be gone
      }
      break;
    }
    case 9: {
      // Query values: a bad escape is a 400, never "absent"; the one date-range rule.
      ohlcv::ServerRequest req;
      req.query = std::string(payload);
      auto strict = req.QueryValue("start");
      CheckRejection(strict.status());
      auto loose = req.QueryParam("start");
      if (strict.ok() && strict->has_value() && (!loose || *loose != **strict)) std::abort();
      int64_t a = payload.size() > 1 ? static_cast<int8_t>(payload[0]) : 0;
      int64_t b = payload.size() > 1 ? static_cast<int8_t>(payload[1]) : 0;
      ohlcv::Status range = ohlcv::CheckDateRange(a * 86400, b * 86400);
      CheckRejection(range);
      if (range.ok() != (a <= b)) std::abort();
      break;
    }
    case 10: {
      // Ingest paths: nothing is inside a root that does not exist, and the
      // refusal never depends on the path.
      auto confined = ohlcv::ConfinedPath(std::string(payload), {"/nonexistent-ohlcv-fuzz-root"});
      if (confined.ok() || confined.status().code() != ohlcv::StatusCode::kPermissionDenied) std::abort();
      static const std::string first = confined.status().message();
      if (confined.status().message() != first) std::abort();
      break;
    }
  }
  return 0;
}

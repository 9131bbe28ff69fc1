// ChromaClient: the thin JSON-over-HTTP layer under the ChromaDB store. It
// sends one v2 API call (method, path under /api/v2, JSON body) through the
// shared HttpClient (retries with backoff on transport errors, 429 and 5xx;
// kept-alive connections reused) with the optional bearer token, and maps
// Chroma's answers to Status:
//   transport failure     -> Unavailable / DeadlineExceeded (from HttpClient)
//   400, 422              -> InvalidArgument ("chroma POST /api/v2/...: <message>")
//   401 / 403             -> Unauthenticated / PermissionDenied
//   404                   -> NotFound
//   409 (already exists)  -> InvalidArgument (get-or-create flows use Send()
//                            and read the status themselves)
//   413, 429              -> ResourceExhausted
//   5xx and others        -> Unavailable
// Private to index/.
//
// Thread-safety: safe for concurrent use (HttpClient is; nothing else mutates).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "index/vector_store.h"
#include "net/http_client.h"

namespace ohlcv::index_internal {

struct ChromaClientOptions {
  std::string base_url;                      // "http://host:port", no trailing slash
  std::string auth_token;                    // "Authorization: Bearer <token>" when non-empty
  std::chrono::milliseconds timeout{10000};  // per attempt
  int max_retries = 3;
};

// A Chroma answer: the HTTP status and the parsed body (null when empty).
struct ChromaReply {
  long http_status = 0;
  nlohmann::json body;
};

class ChromaClient {
 public:
  explicit ChromaClient(ChromaClientOptions options);

  // `path` starts with "/api/v2/". `body` is sent as JSON unless null.
  // Returns the reply for a 2xx status, else the mapped Status (above).
  Result<nlohmann::json> Call(const std::string& method, const std::string& path,
                              const nlohmann::json& body = nullptr);
  // As Call, but with an already serialised JSON body (large upserts are
  // assembled as text, not as a json tree).
  Result<nlohmann::json> CallRaw(const std::string& method, const std::string& path,
                                 std::string body);
  // As CallRaw, with this attempt timeout and without the client's own
  // retries (callers that size timeouts and backoff to a batch retry themselves).
  Result<nlohmann::json> CallOnce(const std::string& method, const std::string& path, std::string body,
                                  std::chrono::milliseconds timeout);
  // As Call, but returns any HTTP status (for get-or-create flows where 404 or
  // 409 are expected answers). Only transport failures are errors.
  Result<ChromaReply> Send(const std::string& method, const std::string& path,
                           const nlohmann::json& body = nullptr);

  // GET /api/v2/heartbeat with one attempt and a short timeout, so a health
  // probe against a dead server answers in bounded time.
  Status Heartbeat(std::chrono::milliseconds timeout);

  // Maps a non-2xx reply to a Status naming method and path.
  static Status ErrorFor(const std::string& method, const std::string& path, const ChromaReply& r);

 private:
  Result<ChromaReply> SendText(const std::string& method, const std::string& path, std::string body,
                               std::chrono::milliseconds timeout, bool retry);

  ChromaClientOptions options_;
  HttpClient http_;
};

// Creates the tenant and database when missing (another replica creating
// them in between is fine); returns the collections path
// "/api/v2/tenants/T/databases/D/collections/".
Result<std::string> OpenChromaDatabase(ChromaClient& client, const std::string& tenant,
                                       const std::string& database);

// Gets or creates collection `name` in the cosine space with the embedder
// identity as metadata, and returns its UUID. InvalidArgument when it exists
// with another embedder or another space. `hnsw` adds HNSW settings to the
// creation ({"ef_search": 128, ...}; ignored for an existing collection).
Result<std::string> OpenChromaCollection(ChromaClient& client, const std::string& collections_path,
                                         const std::string& name, const EmbedderIdentity& embedder,
                                         VectorSpace space,
                                         const nlohmann::json& hnsw = nlohmann::json::object());

}  // namespace ohlcv::index_internal

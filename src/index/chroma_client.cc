#include "index/chroma_client.h"

#include <algorithm>

#include <fmt/format.h>

namespace ohlcv::index_internal {
namespace {

HttpClientOptions HttpOptionsFor(const ChromaClientOptions& o) {
  HttpClientOptions h;
  h.request_timeout = o.timeout;
  // A dead host should fail fast; a slow answer may still take `timeout`.
  h.connect_timeout = std::min(o.timeout, std::chrono::milliseconds(3000));
  h.max_retries = o.max_retries;
  h.initial_backoff = std::chrono::milliseconds(100);
  h.max_backoff = std::chrono::milliseconds(2000);
  return h;
}

}  // namespace

ChromaClient::ChromaClient(ChromaClientOptions options)
    : options_(std::move(options)), http_(HttpOptionsFor(options_)) {}

Result<ChromaReply> ChromaClient::SendText(const std::string& method, const std::string& path,
                                           std::string body, std::chrono::milliseconds timeout,
                                           bool retry) {
  HttpRequest req;
  req.method = method;
  req.url = options_.base_url + path;
  req.timeout = timeout;
  req.retry = retry;
  if (!body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = std::move(body);
  }
  req.headers.emplace_back("Accept", "application/json");
  if (!options_.auth_token.empty()) {
    req.headers.emplace_back("Authorization", "Bearer " + options_.auth_token);
  }
  auto resp = http_.Send(req);
  if (!resp.ok()) return resp.status().WithContext("chroma");
  ChromaReply reply;
  reply.http_status = resp->status;
  if (!resp->body.empty()) {
    reply.body = nlohmann::json::parse(resp->body, nullptr, false);
    if (reply.body.is_discarded()) {
      if (resp->status >= 200 && resp->status < 300) {
        return Status::Corruption(fmt::format("chroma {} {}: reply is not JSON", method, path));
      }
      reply.body = nlohmann::json{{"message", resp->body.substr(0, 200)}};
    }
  }
  return reply;
}

Result<ChromaReply> ChromaClient::Send(const std::string& method, const std::string& path,
                                       const nlohmann::json& body) {
  return SendText(method, path, body.is_null() ? std::string() : body.dump(), {}, true);
}

Result<nlohmann::json> ChromaClient::CallRaw(const std::string& method, const std::string& path,
                                             std::string body) {
  OHLCV_ASSIGN_OR_RETURN(ChromaReply r, SendText(method, path, std::move(body), {}, true));
  if (r.http_status < 200 || r.http_status >= 300) return ErrorFor(method, path, r);
  return std::move(r.body);
}

Result<nlohmann::json> ChromaClient::CallOnce(const std::string& method, const std::string& path,
                                              std::string body, std::chrono::milliseconds timeout) {
  OHLCV_ASSIGN_OR_RETURN(ChromaReply r, SendText(method, path, std::move(body), timeout, false));
  if (r.http_status < 200 || r.http_status >= 300) return ErrorFor(method, path, r);
  return std::move(r.body);
}

Result<nlohmann::json> ChromaClient::Call(const std::string& method, const std::string& path,
                                          const nlohmann::json& body) {
  return CallRaw(method, path, body.is_null() ? std::string() : body.dump());
}

Status ChromaClient::Heartbeat(std::chrono::milliseconds timeout) {
  auto r = SendText("GET", "/api/v2/heartbeat", {}, timeout, false);
  if (!r.ok()) return Status::Unavailable(r.status().message());
  if (r->http_status != 200) {
    Status st = ErrorFor("GET", "/api/v2/heartbeat", *r);
    // An auth failure is the caller's problem, not the server's health.
    if (st.code() == StatusCode::kUnauthenticated || st.code() == StatusCode::kPermissionDenied) {
      return st;
    }
    return Status::Unavailable(st.message());
  }
  return Status::Ok();
}

Status ChromaClient::ErrorFor(const std::string& method, const std::string& path,
                              const ChromaReply& r) {
  std::string detail;
  if (r.body.is_object()) {
    if (r.body.contains("error") && r.body["error"].is_string())
      detail = r.body["error"].get<std::string>();
    if (r.body.contains("message") && r.body["message"].is_string()) {
      detail += (detail.empty() ? "" : ": ") + r.body["message"].get<std::string>();
    }
  }
  std::string msg = fmt::format("chroma {} {}: HTTP {}{}{}", method, path, r.http_status,
                                detail.empty() ? "" : " ", detail);
  switch (r.http_status) {
    case 400:
    case 409:
    case 422:
      return Status::InvalidArgument(std::move(msg));
    case 401:
      return Status::Unauthenticated(std::move(msg));
    case 403:
      return Status::PermissionDenied(std::move(msg));
    case 404:
      return Status::NotFound(std::move(msg));
    case 413:
    case 429:
      return Status::ResourceExhausted(std::move(msg));
    default:
      return Status::Unavailable(std::move(msg));
  }
}

namespace {

// Collection metadata keys holding the embedder identity.
constexpr const char* kMetaEmbedder = "ohlcv_embedder";
constexpr const char* kMetaDimension = "ohlcv_dimension";
constexpr const char* kMetaShapeDimension = "ohlcv_shape_dimension";

Status EnsureExists(ChromaClient& client, const std::string& get_path, const std::string& create_path,
                    const std::string& name) {
  OHLCV_ASSIGN_OR_RETURN(ChromaReply r, client.Send("GET", get_path));
  if (r.http_status == 200) return Status::Ok();
  if (r.http_status != 404) return ChromaClient::ErrorFor("GET", get_path, r);
  OHLCV_ASSIGN_OR_RETURN(ChromaReply c, client.Send("POST", create_path, nlohmann::json{{"name", name}}));
  // 409: another replica created it in between.
  if (c.http_status == 200 || c.http_status == 201 || c.http_status == 409) return Status::Ok();
  return ChromaClient::ErrorFor("POST", create_path, c);
}

}  // namespace

Result<std::string> OpenChromaDatabase(ChromaClient& client, const std::string& tenant_name,
                                       const std::string& database) {
  const std::string tenants = "/api/v2/tenants";
  const std::string tenant = tenants + "/" + UrlEncode(tenant_name);
  OHLCV_RETURN_IF_ERROR(EnsureExists(client, tenant, tenants, tenant_name));
  const std::string dbs = tenant + "/databases";
  const std::string db = dbs + "/" + UrlEncode(database);
  OHLCV_RETURN_IF_ERROR(EnsureExists(client, db, dbs, database));
  return db + "/collections/";
}

Result<std::string> OpenChromaCollection(ChromaClient& client, const std::string& collections_path,
                                         const std::string& name, const EmbedderIdentity& e,
                                         VectorSpace space, const nlohmann::json& hnsw) {
  using nlohmann::json;
  json meta = {{kMetaEmbedder, e.name},
               {kMetaDimension, static_cast<int64_t>(e.dimension)},
               {kMetaShapeDimension, static_cast<int64_t>(e.shape_dimension)},
               {"ohlcv_space", space == VectorSpace::kText ? "text" : "shape"}};
  json hnsw_config = hnsw.is_object() ? hnsw : json::object();
  hnsw_config["space"] = "cosine";
  json body = {{"name", name},
               {"get_or_create", true},
               {"metadata", meta},
               {"configuration", {{"hnsw", hnsw_config}}}};
  std::string path = collections_path;
  path.pop_back();  // no trailing slash for the collection list itself
  OHLCV_ASSIGN_OR_RETURN(json c, client.Call("POST", path, body));
  if (!c.is_object() || !c.contains("id") || !c["id"].is_string()) {
    return Status::Corruption("chroma: collection '" + name + "' reply has no id");
  }
  // get_or_create returns an existing collection's metadata unchanged, which
  // is how a store built with another embedder is recognised.
  const json have = c.value("metadata", json::object());
  auto str = [&](const char* k) {
    return have.is_object() && have.contains(k)
               ? (have[k].is_string() ? have[k].get<std::string>() : have[k].dump())
               : std::string("?");
  };
  if (str(kMetaEmbedder) != e.name || str(kMetaDimension) != std::to_string(e.dimension) ||
      str(kMetaShapeDimension) != std::to_string(e.shape_dimension)) {
    return Status::InvalidArgument(fmt::format(
        "chroma collection {} was built with embedder '{}' (dimension {}, shape {}) but opened "
        "with '{}' (dimension {}, shape {}); use the same embedder, or delete the collection and ingest again",
        name, str(kMetaEmbedder), str(kMetaDimension), str(kMetaShapeDimension), e.name,
        e.dimension, e.shape_dimension));
  }
  const json cfg = c.value("configuration_json", json::object());
  if (cfg.is_object() && cfg.contains("hnsw") && cfg["hnsw"].is_object() &&
      cfg["hnsw"].value("space", "cosine") != "cosine") {
    return Status::InvalidArgument("chroma collection " + name + " does not use the cosine space");
  }
  return c["id"].get<std::string>();
}

}  // namespace ohlcv::index_internal

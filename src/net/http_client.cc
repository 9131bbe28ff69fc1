// libcurl adapter behind HttpClient. The only file that includes curl for
// requests; curl errors become Status here and go no further.
#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <thread>

#include "net/backoff.h"
#include "util/time.h"

namespace ohlcv {
namespace {

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlSlist = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init is not thread-safe on every build; do it once per process.
void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// The URL as it may appear in messages: no query string (API keys live there).
std::string RedactedUrl(const std::string& url) {
  const size_t q = url.find('?');
  return q == std::string::npos ? url : url.substr(0, q) + "?...";
}

// Per-attempt state the curl callbacks write into.
struct Transfer {
  HttpResponse* response = nullptr;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->max_bytes != 0 && t->response->body.size() + len > t->max_bytes) {
    t->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  t->response->body.append(data, len);
  return len;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  // A new status line starts a new header block (redirects, 100 Continue):
  // only the final response's headers are kept.
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();
    return len;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;  // blank line ending the block
  t->response->headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                    Trim(line.substr(colon + 1)));
  return len;
}

bool IsRetryableStatus(long status) { return status == 429 || (status >= 500 && status <= 599); }

// Maps a failed transfer to a Status; `retryable` says whether another attempt may help.
Status TransportError(CURLcode code, const char* detail, const Transfer& t, const HttpRequest& req,
                      bool* retryable) {
  const std::string what = req.method + " " + RedactedUrl(req.url) + ": " +
                            (detail[0] != '\0' ? std::string(detail) : curl_easy_strerror(code));
  *retryable = false;
  if (t.too_large) {
    return Status::ResourceExhausted(what + " (response body over " +
                                     std::to_string(t.max_bytes) + " bytes)");
  }
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return Status::InvalidArgument(what);
    case CURLE_OPERATION_TIMEDOUT:
      *retryable = true;
      return Status::DeadlineExceeded(what);
    default:
      *retryable = true;
      return Status::Unavailable(what);
  }
}

double UnitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

struct HttpClient::Impl {
  std::mutex mu;
  std::vector<CurlHandle> idle;  // guarded by mu

  CurlHandle Acquire() {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        CurlHandle h = std::move(idle.back());
        idle.pop_back();
        return h;
      }
    }
    return CurlHandle(curl_easy_init());
  }

  void Release(CurlHandle h, size_t max_idle) {
    std::lock_guard lock(mu);
    if (idle.size() < max_idle) idle.push_back(std::move(h));
  }
};

std::string HttpResponse::Header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  GlobalInitOnce();
}

HttpClient::~HttpClient() = default;

namespace {

// One attempt on `h`. Fills *resp (status, headers, body) or returns the transport error.
Status Perform(CURL* h, const HttpClientOptions& opt, const HttpRequest& req, HttpResponse* resp,
               bool* retryable) {
  curl_easy_reset(h);  // keeps live connections, the point of pooling handles
  *resp = HttpResponse{};
  Transfer t{resp, opt.max_response_bytes, false};
  char errbuf[CURL_ERROR_SIZE] = {0};

  const auto timeout = req.timeout.count() > 0 ? req.timeout : opt.request_timeout;
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM: we are multithreaded
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, opt.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);

  const std::string method = [&] {
    std::string m = req.method;
    std::transform(m.begin(), m.end(), m.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return m;
  }();
  if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE") {
    if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST" || !req.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
    }
  } else {
    *retryable = false;
    return Status::InvalidArgument("unsupported HTTP method '" + req.method + "'");
  }

  CurlSlist headers;
  auto add = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next != nullptr) {
      headers.release();
      headers.reset(next);
    }
  };
  for (const auto& [name, value] : req.headers) add(name + ": " + value);
  // No "Expect: 100-continue" round trip before POST bodies.
  add("Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode rc = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);  // the list dies with this scope
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) return TransportError(rc, errbuf, t, req, retryable);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
  *retryable = IsRetryableStatus(resp->status);
  return Status::Ok();
}

}  // namespace

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  CurlHandle handle = impl_->Acquire();
  if (!handle) return Status::Internal("curl_easy_init failed");
  const int max_attempts = 1 + (request.retry ? std::max(0, options_.max_retries) : 0);

  HttpResponse response;
  Status status;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    bool retryable = false;
    status = Perform(handle.get(), options_, request, &response, &retryable);
    response.attempts = attempt + 1;
    if (!retryable || attempt + 1 == max_attempts) break;

    auto delay = BackoffDelay(attempt, options_.initial_backoff, options_.max_backoff, UnitRandom());
    if (status.ok()) {
      // The server knows best when it will take us again (429, 503).
      if (auto after = ParseRetryAfter(response.Header("retry-after"), NowSeconds())) {
        delay = std::min(*after, options_.max_backoff);
      }
    }
    std::this_thread::sleep_for(delay);
  }
  impl_->Release(std::move(handle), options_.max_idle_handles);
  if (!status.ok()) {
    if (response.attempts > 1) {
      return status.WithContext("after " + std::to_string(response.attempts) + " attempts");
    }
    return status;
  }
  return response;
}

std::string UrlEncode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace ohlcv

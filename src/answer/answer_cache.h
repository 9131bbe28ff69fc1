// AnswerCache: a bounded LRU of answers with a time to live, keyed by the
// normalised question, query type, number of results, API filters and the
// bar store's data version. An ingest bumps the data version, so answers
// computed before it simply stop matching (and age out of the LRU).
//
// Thread-safety: safe for concurrent use (one mutex; entries are copied out).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "answer/answer.h"

namespace ohlcv {

struct AnswerCacheOptions {
  size_t capacity = 1024;                   // entries; 0 disables the cache. Default 1024.
  std::chrono::milliseconds ttl{600000};    // entry lifetime; default 10 minutes
};

// Plain counters; the service exports them as metrics.
struct AnswerCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;      // includes expired entries
  uint64_t expired = 0;
  uint64_t evictions = 0;   // dropped for capacity
  uint64_t inserts = 0;
  size_t size = 0;
};

// Lower case, runs of whitespace to one space, trimmed, trailing ?.! dropped.
std::string NormalizeQuestion(std::string_view question);
// The cache key of a request at one data version.
std::string AnswerCacheKey(const AskRequest& request, uint64_t data_version);

class AnswerCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // `clock` is for tests; default steady_clock::now.
  explicit AnswerCache(AnswerCacheOptions options = {}, Clock clock = {});

  std::optional<Answer> Get(const std::string& key);
  void Put(const std::string& key, const Answer& answer);
  void Clear();
  AnswerCacheStats stats() const;

 private:
  struct Entry {
    Answer answer;
    std::chrono::steady_clock::time_point expires;
    std::list<std::string>::iterator pos;
  };
  const AnswerCacheOptions options_;
  const Clock clock_;
  mutable std::mutex mu_;  // guards everything below
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, Entry> entries_;
  AnswerCacheStats stats_;
};

}  // namespace ohlcv

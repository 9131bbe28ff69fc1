#include "answer/answer_cache.h"

#include <cctype>

#include <fmt/format.h>

namespace ohlcv {

std::string NormalizeQuestion(std::string_view q) {
  std::string out;
  bool space = false;
  for (char ch : q) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  while (!out.empty() && (out.back() == '?' || out.back() == '.' || out.back() == '!' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::string AnswerCacheKey(const AskRequest& r, uint64_t data_version) {
  const WindowFilter& f = r.filters;
  std::string filters;
  for (const auto& t : f.tickers) filters += "t:" + t + ",";
  for (const auto& s : f.sectors) filters += "s:" + s + ",";
  if (f.interval) filters += fmt::format("i:{},", static_cast<int>(*f.interval));
  if (f.start_ts) filters += fmt::format("from:{},", *f.start_ts);
  if (f.end_ts) filters += fmt::format("to:{},", *f.end_ts);
  for (auto p : f.patterns) filters += fmt::format("p:{},", static_cast<int>(p));
  for (const auto& c : f.numeric) filters += fmt::format("n:{}{}{},", c.field, static_cast<int>(c.op), c.value);
  for (const auto& id : f.exclude_ids) filters += "x:" + id + ",";
  if (r.plan) filters += "plan:" + PlanToJson(*r.plan) + ",";
  return fmt::format("v{}|{}|n{}|{}|{}", data_version, r.type ? static_cast<int>(*r.type) : -1, r.n_results,
                     filters, NormalizeQuestion(r.question));
}

AnswerCache::AnswerCache(AnswerCacheOptions options, Clock clock)
    : options_(options), clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

std::optional<Answer> AnswerCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    ++stats_.misses;
    return std::nullopt;
  }
  if (clock_() >= it->second.expires) {
    lru_.erase(it->second.pos);
    entries_.erase(it);
    ++stats_.expired;
    ++stats_.misses;
    stats_.size = entries_.size();
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second.pos);
  ++stats_.hits;
  return it->second.answer;
}

void AnswerCache::Put(const std::string& key, const Answer& answer) {
  if (options_.capacity == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  const auto expires = clock_() + options_.ttl;
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.answer = answer;
    it->second.expires = expires;
    lru_.splice(lru_.begin(), lru_, it->second.pos);
    return;
  }
  lru_.push_front(key);
  entries_.emplace(key, Entry{answer, expires, lru_.begin()});
  ++stats_.inserts;
  while (entries_.size() > options_.capacity) {
    entries_.erase(lru_.back());
    lru_.pop_back();
    ++stats_.evictions;
  }
  stats_.size = entries_.size();
}

void AnswerCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  lru_.clear();
  stats_.size = 0;
}

AnswerCacheStats AnswerCache::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace ohlcv

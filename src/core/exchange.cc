#include "core/exchange.h"

#include <date/tz.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace ohlcv {
namespace {

// Regular sessions (continuous trading, local time); lunch breaks (Tokyo,
// Hong Kong, Shanghai) are inside the session. Tokyo closes at 15:30 since
// 2024-11-05 (15:00 before).
constexpr std::array<Exchange, 21> kExchanges = {{
    {"XNYS", "New York", "America/New_York", 9 * 60 + 30, 16 * 60, ""},
    {"XNAS", "Nasdaq", "America/New_York", 9 * 60 + 30, 16 * 60, ""},
    {"XTSE", "Toronto", "America/Toronto", 9 * 60 + 30, 16 * 60, ".TO .V .CN .NE"},
    {"XLON", "London", "Europe/London", 8 * 60, 16 * 60 + 30, ".L .IL"},
    {"XETR", "Frankfurt Xetra", "Europe/Berlin", 9 * 60, 17 * 60 + 30, ".DE .F"},
    {"XPAR", "Paris", "Europe/Paris", 9 * 60, 17 * 60 + 30, ".PA"},
    {"XAMS", "Amsterdam", "Europe/Amsterdam", 9 * 60, 17 * 60 + 30, ".AS"},
    {"XSWX", "Zurich", "Europe/Zurich", 9 * 60, 17 * 60 + 30, ".SW"},
    {"XMIL", "Milan", "Europe/Rome", 9 * 60, 17 * 60 + 30, ".MI"},
    {"XMAD", "Madrid", "Europe/Madrid", 9 * 60, 17 * 60 + 30, ".MC"},
    {"XTKS", "Tokyo", "Asia/Tokyo", 9 * 60, 15 * 60 + 30, ".T"},
    {"XHKG", "Hong Kong", "Asia/Hong_Kong", 9 * 60 + 30, 16 * 60, ".HK"},
    {"XSHG", "Shanghai", "Asia/Shanghai", 9 * 60 + 30, 15 * 60, ".SS"},
    {"XSHE", "Shenzhen", "Asia/Shanghai", 9 * 60 + 30, 15 * 60, ".SZ"},
    {"XKRX", "Seoul", "Asia/Seoul", 9 * 60, 15 * 60 + 30, ".KS .KQ"},
    {"XSES", "Singapore", "Asia/Singapore", 9 * 60, 17 * 60, ".SI"},
    {"XASX", "Sydney", "Australia/Sydney", 10 * 60, 16 * 60, ".AX"},
    {"XNZE", "Auckland", "Pacific/Auckland", 10 * 60, 16 * 60 + 45, ".NZ"},
    {"XNSE", "Mumbai NSE", "Asia/Kolkata", 9 * 60 + 15, 15 * 60 + 30, ".NS"},
    {"XBOM", "Mumbai BSE", "Asia/Kolkata", 9 * 60 + 15, 15 * 60 + 30, ".BO"},
    // Crypto ("BTC-USD") and currency pairs ("EURUSD=X") trade around the clock.
    {"UTC", "24-hour markets (UTC)", "Etc/UTC", 0, 24 * 60, ""},
}};
constexpr size_t kUtcIndex = kExchanges.size() - 1;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// True when the space-separated `list` holds `word`.
bool ListHas(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    const size_t sp = list.find(' ');
    if (EqualsNoCase(list.substr(0, sp), word)) return true;
    if (sp == std::string_view::npos) break;
    list.remove_prefix(sp + 1);
  }
  return false;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsNoCase(s.substr(s.size() - suffix.size()), suffix);
}

const date::time_zone* LocateZone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;  // no tz database, or a zone it lacks
  }
}

std::string CodeList() {
  std::string s;
  for (const Exchange& e : kExchanges) s += (s.empty() ? "" : ", ") + std::string(e.code);
  return s;
}

}  // namespace

std::span<const Exchange> Exchanges() { return kExchanges; }

const Exchange* FindExchange(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kAliases = {
      {{"US", "XNYS"}, {"NYSE", "XNYS"}, {"NASDAQ", "XNAS"}, {"LSE", "XLON"}, {"TSE", "XTKS"}, {"ASX", "XASX"}}};
  for (const auto& [alias, to] : kAliases) {
    if (EqualsNoCase(code, alias)) code = to;
  }
  for (const Exchange& e : kExchanges) {
    if (EqualsNoCase(e.code, code)) return &e;
  }
  return nullptr;
}

const Exchange& ExchangeOfTicker(std::string_view ticker) {
  if (EndsWith(ticker, "=X") || EndsWith(ticker, "-USD") || EndsWith(ticker, "-USDT") || EndsWith(ticker, "-EUR")) {
    return kExchanges[kUtcIndex];
  }
  const size_t dot = ticker.rfind('.');
  if (dot != std::string_view::npos && dot > 0) {
    const std::string_view suffix = ticker.substr(dot);
    for (const Exchange& e : kExchanges) {
      if (!e.suffixes.empty() && ListHas(e.suffixes, suffix)) return e;
    }
  }
  return kExchanges[0];
}

Result<const Exchange*> ResolveExchange(std::string_view ticker, std::string_view setting) {
  if (setting.empty() || EqualsNoCase(setting, "auto")) return &ExchangeOfTicker(ticker);
  if (const Exchange* e = FindExchange(setting)) return e;
  return Status::InvalidArgument("unknown exchange '" + std::string(setting) + "': use auto or one of " + CodeList());
}

Status ValidateExchangeSetting(std::string_view setting) {
  OHLCV_ASSIGN_OR_RETURN(const Exchange* e, ResolveExchange("", setting));
  (void)e;
  for (const Exchange& x : kExchanges) {
    if (LocateZone(x.zone) == nullptr) {
      return Status::Unavailable("time zone '" + std::string(x.zone) +
                                        "' is not in the time zone database (/usr/share/zoneinfo): install tzdata");
    }
  }
  return Status::Ok();
}

LocalClock::LocalClock(const Exchange& exchange) : exchange_(&exchange), zone_(LocateZone(exchange.zone)) {
  if (zone_ == nullptr) {  // UTC for ever
    begin_ = INT64_MIN;
    end_ = INT64_MAX;
  }
}

void LocalClock::Refresh(int64_t utc) {
  using std::chrono::seconds;
  const date::sys_info info = zone_->get_info(date::sys_seconds{seconds{utc}});
  begin_ = info.begin.time_since_epoch().count();
  end_ = info.end.time_since_epoch().count();
  offset_ = info.offset.count();
  abbrev_ = info.abbrev;
}

std::string LocalClock::Abbreviation(int64_t utc) {
  Offset(utc);
  return abbrev_;
}

int64_t LocalClock::ToUtc(int64_t local) {
  // Fast path: the cached offset explains `local` unambiguously when the
  // instant lies inside the cached interval, at least a day from its ends.
  const int64_t guess = local - offset_;
  if (zone_ == nullptr || (guess >= begin_ + 86400 && guess < end_ - 86400 && begin_ < end_)) {
    return zone_ == nullptr ? local : guess;
  }
  using std::chrono::seconds;
  const date::local_info info = zone_->get_info(date::local_seconds{seconds{local}});
  int64_t utc = 0;
  switch (info.result) {
    case date::local_info::unique:
      utc = local - info.first.offset.count();
      break;
    case date::local_info::nonexistent:  // skipped: read with the offset before the gap
      utc = local - info.first.offset.count();
      break;
    case date::local_info::ambiguous:  // shown twice: the later instant
      utc = local - info.second.offset.count();
      break;
  }
  Offset(utc);  // keep the cache near the times asked for
  return utc;
}

std::string LocalClock::Format(int64_t utc) {
  const int64_t l = ToLocal(utc);
  const int64_t days = l / 86400 - (l % 86400 < 0);
  const int64_t sod = l - days * 86400;
  const date::year_month_day ymd{date::sys_days{date::days{days}}};
  char buf[64];
  if (sod % 60 == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(sod / 3600),
                  static_cast<int>(sod / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(sod / 3600),
                  static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  }
  return std::string(buf) + " " + abbrev_;
}

}  // namespace ohlcv

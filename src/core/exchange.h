// Exchanges: the one table of exchange code -> IANA time zone and regular
// session hours, the ticker -> exchange rule (the Yahoo suffix convention),
// and LocalClock, which converts UTC epoch seconds to the exchange's wall
// clock with Howard Hinnant's date/tz library (the OS tz database,
// /usr/share/zoneinfo from Debian's tzdata).
//
// Rule for tickers: the suffix after the last '.' names the exchange (".L"
// London, ".DE" Xetra, ".PA" Paris, ".T" Tokyo, ".HK" Hong Kong, ".AX"
// Sydney, ".TO" Toronto, ".NS" NSE Mumbai, ...); a ticker without a known
// suffix is US (New York; "BRK.B" too). Crypto pairs ("BTC-USD") and
// currency pairs ("EURUSD=X") trade around the clock and are put on UTC. The
// setting `exchange` (OHLCV_EXCHANGE, default "auto") overrides the rule for
// every ticker.
//
// Thread-safety: the table and the functions are immutable / pure. A
// LocalClock caches the current zone offset and is not thread-safe; it is
// cheap to create (one zone lookup), so keep one per thread or per series.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace date {
class time_zone;
}

namespace ohlcv {

struct Exchange {
  std::string_view code;      // ISO 10383 MIC: "XNYS"
  std::string_view name;      // "New York"
  std::string_view zone;      // IANA zone: "America/New_York"
  int open_minutes = 0;       // regular session open, local minutes after midnight
  int close_minutes = 0;      // regular session close
  std::string_view suffixes;  // Yahoo ticker suffixes, space separated: ".L .IL"
};

// Every exchange of the table; the first is US (XNYS), the default.
std::span<const Exchange> Exchanges();

// The exchange of code `code` (case-insensitive; also "US", "NYSE",
// "NASDAQ", "LSE", "UTC"), nullptr when unknown.
const Exchange* FindExchange(std::string_view code);

// The exchange of `ticker` by the suffix rule above.
const Exchange& ExchangeOfTicker(std::string_view ticker);

// `setting` "" or "auto": ExchangeOfTicker; otherwise the exchange it names
// (InvalidArgument listing the codes when it names none).
Result<const Exchange*> ResolveExchange(std::string_view ticker, std::string_view setting);

// InvalidArgument unless `setting` is "auto" or an exchange code; also
// checks that the time zone database holds every zone of the table (a
// missing tzdata package is an error here, not a silent UTC later).
Status ValidateExchangeSetting(std::string_view setting);

// The wall clock of one exchange.
class LocalClock {
 public:
  // The zone of `exchange`; UTC when the time zone database lacks it
  // (ValidateExchangeSetting reports that case at start-up).
  explicit LocalClock(const Exchange& exchange);

  const Exchange& exchange() const { return *exchange_; }

  // Local offset from UTC in seconds at `utc` (e.g. -14400 for EDT).
  int64_t Offset(int64_t utc) {
    if (utc < begin_ || utc >= end_) Refresh(utc);
    return offset_;
  }
  // The wall-clock time as epoch seconds read as UTC.
  int64_t ToLocal(int64_t utc) { return utc + Offset(utc); }
  // The local calendar day (days since 1970-01-01) of `utc`.
  int64_t LocalDay(int64_t utc) {
    const int64_t l = ToLocal(utc);
    return l / 86400 - (l % 86400 < 0);
  }
  // The zone abbreviation at `utc` ("EDT", "AEDT", "+0530" style when the
  // zone has none).
  std::string Abbreviation(int64_t utc);

  // Wall-clock time `local` (epoch seconds read as UTC) to UTC. A time the
  // clock skips (spring forward) maps forward by the gap; a time it shows
  // twice (fall back) maps to the later instant (standard time).
  int64_t ToUtc(int64_t local);

  // "2024-03-11 10:30 EDT" (seconds shown when not zero).
  std::string Format(int64_t utc);

 private:
  void Refresh(int64_t utc);

  const Exchange* exchange_;
  const date::time_zone* zone_ = nullptr;
  int64_t begin_ = 0;  // the cached offset holds for UTC in [begin_, end_)
  int64_t end_ = 0;
  int64_t offset_ = 0;
  std::string abbrev_ = "UTC";
};

}  // namespace ohlcv

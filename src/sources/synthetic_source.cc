// SyntheticSource: seeded, deterministic OHLCV so the demo and tests run
// offline (declared in sources/source.h as NewSyntheticSource).
//
// Determinism: each ticker's stream is xoshiro256** seeded from
// splitmix64(seed ^ FNV-1a(ticker)); normals are Irwin-Hall (sum of 12
// uniforms - 6) and prices move by (1 + r), so the generator uses only
// + - * / sqrt and round, which IEEE 754 makes identical on every platform
// (no libm transcendental, no std::*_distribution whose output is
// implementation-defined). A bar never depends on the request: a daily (or
// weekly, monthly) stream always starts at SyntheticSourceOptions::start_ts;
// an intraday session is seeded by (seed, ticker, interval, day) and opens at
// the previous trading day's close of the ticker's daily stream, so any
// range of days is generated without the years before it. start/end only
// choose which bars are returned:
//   - neither: the first `bars` bars of the stream (2015 on by default);
//   - otherwise bars in [start, end], a missing start meaning the stream's
//     beginning and a missing end meaning now.
// No bar is ever after now (SyntheticSourceOptions::now_ts, else the clock;
// a bar must have ended: intraday ts + interval <= now, daily after 21:00 UTC),
// so `--period 1y` gives the past year. At most 5,000,000 bars are generated
// per Fetch (InvalidArgument beyond).
//
// Model: three regimes (bull, bear, sideways with mean reversion) switching
// on average every ~80 trading days; daily gaps (3% of days, sigma 2.5%);
// high/low extend the body by a random fraction of the bar's volatility;
// prices rounded to cents; volume log-ish around a per-ticker base, rising
// with |return|, 1.5x on gap days, 2-4x spikes on 2% of bars, U-shaped over
// the session for intraday bars. Calendar: weekdays except Jan 1, Jul 4 and
// Dec 25 (of the local date); daily bars at 00:00 UTC, intraday bars in the
// regular session of the ticker's exchange in its local time (core/exchange.h:
// 09:30-16:00 New York time for US tickers, i.e. 14:30-21:00 UTC in winter
// and 13:30-20:00 UTC in summer; 10:00-16:00 Sydney time for ".AX", which
// starts the previous UTC day in its summer), weekly bars on Mondays,
// monthly on the 1st.
//
// Thread-safety: Plan/Fetch are const in effect; safe to call concurrently.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sources/source.h"
#include "core/exchange.h"
#include "core/ticker.h"
#include "util/time.h"

namespace ohlcv {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kSessionClose = 21 * 3600;  // a daily bar is complete after 21:00 UTC (16:00 EST)
constexpr size_t kMaxBars = 5'000'000;                 // per Fetch, to bound memory
const std::array<const char*, 4> kDefaultTickers = {"AAPL", "MSFT", "GOOGL", "AMZN"};

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

// xoshiro256** (Blackman & Vigna), seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = SplitMix64(&seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Normal() {  // Irwin-Hall approximation: mean 0, variance 1, |x| < 6
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += Uniform();
    return sum - 6.0;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_;
};

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

bool TradingDay(int64_t days) {
  int64_t wd = ((days + 4) % 7 + 7) % 7;  // 0 = Sunday; 1970-01-01 was a Thursday
  if (wd == 0 || wd == 6) return false;
  CivilDate c = CivilFromDays(days);
  return !((c.month == 1 && c.day == 1) || (c.month == 7 && c.day == 4) ||
           (c.month == 12 && c.day == 25));
}

// The first bar time of `interval` (daily or longer) strictly after `after`.
int64_t NextSlot(Interval interval, int64_t after) {
  int64_t d = FloorDiv(after, kDay);
  if (interval == Interval::k1wk) {
    do ++d; while (((d + 4) % 7 + 7) % 7 != 1);
    return d * kDay;
  }
  if (interval == Interval::k1mo) {
    CivilDate c = CivilFromDays(d + 1);
    int64_t first = DaysFromCivil(c.year, c.month, 1);
    if (first <= d) first = c.month == 12 ? DaysFromCivil(c.year + 1, 1, 1) : DaysFromCivil(c.year, c.month + 1, 1);
    return first * kDay;
  }
  do ++d; while (!TradingDay(d));
  return d * kDay;
}

struct Regime {
  double drift;      // per trading day
  double vol;        // per trading day
  double reversion;  // pull toward the regime's anchor price, per day
};
constexpr std::array<Regime, 3> kRegimes = {{
    {0.0009, 0.011, 0.0},   // bull
    {-0.0011, 0.019, 0.0},  // bear
    {0.0, 0.008, 0.02},     // sideways
}};

double Cents(double x) { return std::max(0.01, std::round(x * 100) / 100); }
double Clamp(double x, double lo, double hi) { return std::min(hi, std::max(lo, x)); }

// Generates one ticker's stream; see the file comment for the model.
class Generator {
 public:
  Generator(uint64_t seed, const std::string& ticker, Interval interval)
      : rng_(SplitMix64(&seed) ^ Fnv1a(ticker)), interval_(interval) {
    // Time scale of one bar relative to a trading day (6.5 h session).
    double days_per_bar = IsIntraday(interval) ? IntervalSeconds(interval) / 23400.0
                          : interval == Interval::k1wk ? 5.0
                          : interval == Interval::k1mo ? 21.0
                                                       : 1.0;
    scale_ = days_per_bar;
    root_scale_ = std::sqrt(days_per_bar);
    price_ = 20 + rng_.Uniform() * 300;
    base_price_ = price_;
    anchor_ = price_;
    vol_mult_ = 0.7 + rng_.Uniform() * 0.8;
    base_volume_ = (5e5 + rng_.Uniform() * 3e7) * days_per_bar;
    regime_ = static_cast<int>(rng_.Next() % 3);
  }

  // Restarts the walk at `price` (an intraday session opening at the
  // previous daily close); the session runs [open, close) UTC.
  void StartAt(double price, int64_t open = 0, int64_t close = 0) {
    price_ = base_price_ = anchor_ = price;
    session_open_ = open;
    session_close_ = close;
  }
  double price() const { return price_; }

  Bar Step(int64_t ts) {
    // Regime switch: mean duration ~80 trading days.
    if (rng_.Uniform() < scale_ / 80.0) {
      regime_ = (regime_ + 1 + static_cast<int>(rng_.Next() % 2)) % 3;
      anchor_ = price_;
    }
    if (price_ < base_price_ / 20) regime_ = 0;  // keep prices far from zero
    const Regime& r = kRegimes[regime_];
    const double sigma = r.vol * vol_mult_ * root_scale_;
    double drift = r.drift * scale_ - r.reversion * scale_ * (price_ / anchor_ - 1);

    // Gaps happen between sessions: daily-or-longer bars, or the first bar of a session.
    bool session_start = !IsIntraday(interval_) || ts == session_open_;
    bool gap = session_start && rng_.Uniform() < 0.03;
    double open_move = gap ? Clamp(rng_.Normal() * 0.025, -0.15, 0.15)
                           : (session_start ? rng_.Normal() * 0.1 * sigma : 0.0);
    double open = price_ * (1 + open_move);
    double z = rng_.Normal();
    double ret = Clamp(drift + sigma * z, -0.25, 0.25);
    double close = open * (1 + ret);
    double hi_ext = std::fabs(rng_.Normal()) * 0.4 * sigma;
    double lo_ext = std::fabs(rng_.Normal()) * 0.4 * sigma;

    Bar bar;
    bar.ts = ts;
    bar.open = Cents(open);
    bar.close = Cents(close);
    // Rounding to cents is monotonic, so high/low stay outside the body.
    bar.high = Cents(std::max(open, close) * (1 + hi_ext));
    bar.low = Cents(std::min(open, close) * std::max(0.5, 1 - lo_ext));
    bar.low = std::min(bar.low, std::min(bar.open, bar.close));
    bar.adj_close = bar.close;
    price_ = bar.close;

    double vol = base_volume_ * std::max(0.2, 1 + 0.25 * rng_.Normal()) * (0.5 + 0.6 * std::fabs(z));
    if (gap) vol *= 1.5;
    if (rng_.Uniform() < 0.02) vol *= 2 + 2 * rng_.Uniform();
    if (IsIntraday(interval_)) {
      double x = static_cast<double>(ts - session_open_) / static_cast<double>(session_close_ - session_open_);
      vol *= 0.8 + 3.2 * (x - 0.5) * (x - 0.5);
    }
    bar.volume = std::max(100.0, std::round(vol));
    return bar;
  }

 private:
  Rng rng_;
  Interval interval_;
  double scale_ = 1, root_scale_ = 1;
  double price_ = 100, base_price_ = 100, anchor_ = 100;
  double vol_mult_ = 1, base_volume_ = 1e6;
  int regime_ = 0;
  int64_t session_open_ = 0;   // intraday: the session's first bar (UTC)
  int64_t session_close_ = 1;  // and its end
};

class SyntheticSource final : public Source {
 public:
  explicit SyntheticSource(SyntheticSourceOptions options) : options_(options) {}

  std::string_view name() const override { return "synthetic"; }

  Result<std::vector<std::string>> Plan(const FetchRequest& request) override {
    std::vector<std::string> out;
    if (request.tickers.empty()) return std::vector<std::string>(kDefaultTickers.begin(), kDefaultTickers.end());
    OHLCV_ASSIGN_OR_RETURN(auto tickers, ParseTickerList(request.tickers));
    if (tickers.empty()) return Status::InvalidArgument("synthetic: no tickers requested");
    return tickers;
  }

  Result<FetchResult> Fetch(const std::string& unit, const FetchRequest& request) override {
    OHLCV_ASSIGN_OR_RETURN(std::string ticker, ParseTicker(unit));
    const int64_t now = options_.now_ts ? options_.now_ts : NowSeconds();
    // Count-limited (the first `bars`) only when the request names no range.
    const bool by_count = !request.start && !request.end;
    // Only bars whose period has ended by now: an intraday bar stamped at its
    // open, a daily bar once its session closed.
    const int64_t last_complete = IsIntraday(request.interval) ? now - IntervalSeconds(request.interval)
                                  : request.interval == Interval::k1d ? now - kSessionClose
                                                                      : now;
    const int64_t hi = std::min(request.end.value_or(last_complete), last_complete);
    BarSeries series;
    series.ticker = ticker;
    series.interval = request.interval;
    if (by_count) series.reserve(options_.bars);
    Status st = IsIntraday(request.interval) ? GenerateIntraday(ticker, request, by_count, hi, &series)
                                             : GenerateDaily(ticker, request, by_count, hi, &series);
    OHLCV_RETURN_IF_ERROR(st);
    FetchResult result;
    result.rows_read = series.size();
    if (!series.empty()) result.series.push_back(std::move(series));
    return result;
  }

  bool synthetic() const override { return true; }

 private:
  bool Full(const BarSeries& s, bool by_count) const { return by_count && s.size() >= options_.bars; }

  static Status TooMany(const std::string& ticker) {
    return Status::InvalidArgument("synthetic: range needs more than 5,000,000 bars for " + ticker);
  }

  // Daily, weekly, monthly: one stream from options_.start_ts.
  Status GenerateDaily(const std::string& ticker, const FetchRequest& request, bool by_count,
                       int64_t hi, BarSeries* series) const {
    Generator gen(options_.seed, ticker, request.interval);
    int64_t ts = NextSlot(request.interval, options_.start_ts - 1);
    for (size_t n = 0; ts <= hi && !Full(*series, by_count); ++n) {
      if (n >= kMaxBars) return TooMany(ticker);
      Bar bar = gen.Step(ts);  // always step: bar n must not depend on the request
      if (!request.start || ts >= *request.start) series->push_back(bar);
      ts = NextSlot(request.interval, ts);
    }
    return Status::Ok();
  }

  // Intraday: session by session, each seeded by its day and opening at the
  // previous daily close, so a range in 2026 costs only its own sessions.
  Status GenerateIntraday(const std::string& ticker, const FetchRequest& request, bool by_count,
                          int64_t hi, BarSeries* series) const {
    const int64_t lo = std::max(options_.start_ts, request.start.value_or(options_.start_ts));
    const int64_t step = IntervalSeconds(request.interval);
    const Exchange& exchange = ExchangeOfTicker(ticker);
    LocalClock clock(exchange);  // one tz lookup per transition, not per bar
    Generator daily(options_.seed, ticker, Interval::k1d);
    int64_t daily_ts = NextSlot(Interval::k1d, options_.start_ts - 1);
    double prev_close = daily.price();
    size_t n = 0;
    // `day` is the exchange's local trading date; its session may open the
    // UTC day before (Sydney, Tokyo), hence the start one day early.
    for (int64_t day = FloorDiv(lo, kDay) - 1; !Full(*series, by_count); ++day) {
      const int64_t open = clock.ToUtc(day * kDay + int64_t{exchange.open_minutes} * 60);
      if (open > hi) break;
      if (!TradingDay(day)) continue;
      const int64_t close = clock.ToUtc(day * kDay + int64_t{exchange.close_minutes} * 60);
      // The daily stream up to the day before: its close opens this session.
      while (daily_ts < day * kDay) {
        prev_close = daily.Step(daily_ts).close;
        daily_ts = NextSlot(Interval::k1d, daily_ts);
      }
      uint64_t day_seed = options_.seed ^ (static_cast<uint64_t>(day) * 0x9E3779B97F4A7C15ull) ^
                          (static_cast<uint64_t>(request.interval) << 56);
      Generator gen(day_seed, ticker, request.interval);
      gen.StartAt(prev_close, open, close);
      for (int64_t ts = open; ts < close; ts += step) {
        if (ts > hi || Full(*series, by_count)) break;
        if (++n > kMaxBars) return TooMany(ticker);
        Bar bar = gen.Step(ts);  // always step: the session's bars do not depend on the range
        if (ts >= lo) series->push_back(bar);
      }
    }
    return Status::Ok();
  }

  const SyntheticSourceOptions options_;
};

}  // namespace

std::unique_ptr<Source> NewSyntheticSource(SyntheticSourceOptions options) {
  return std::make_unique<SyntheticSource>(options);
}

}  // namespace ohlcv

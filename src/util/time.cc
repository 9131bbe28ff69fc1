#include "util/time.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace ohlcv {
namespace {

constexpr int64_t kDay = 86400;

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Fixed-width digits at s[pos, pos+n).
bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  std::string_view d = s.substr(pos, n);
  return AllDigits(d) && ParseInt(d, out);
}

// Parses the date part "YYYY-MM-DD" / "YYYY/MM/DD" / "YYYYMMDD"; sets *len.
bool ParseDatePart(std::string_view s, int64_t* days, size_t* len) {
  int64_t y, m, d;
  if (!Digits(s, 0, 4, &y)) return false;
  if (s.size() >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4]) {
    if (!Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return false;
    *len = 10;
  } else if (Digits(s, 4, 2, &m) && Digits(s, 6, 2, &d)) {
    *len = 8;
  } else {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(static_cast<int>(y), static_cast<unsigned>(m)))
    return false;
  *days = DaysFromCivil(static_cast<int>(y), static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// Parses "HH:MM[:SS[.fff]]" then an optional "Z" / "+HH:MM" / "-HHMM".
bool ParseTimePart(std::string_view s, int64_t* secs) {
  int64_t h, mi, sec = 0;
  if (!Digits(s, 0, 2, &h) || s.size() < 5 || s[2] != ':' || !Digits(s, 3, 2, &mi)) return false;
  size_t pos = 5;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &sec)) return false;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    }
  }
  if (h > 23 || mi > 59 || sec > 60) return false;
  int64_t offset = 0;
  if (pos < s.size()) {
    std::string_view tz = s.substr(pos);
    while (!tz.empty() && tz.front() == ' ') tz.remove_prefix(1);
    if (tz == "Z" || tz == "UTC" || tz == "z") {
      offset = 0;
    } else if (!tz.empty() && (tz[0] == '+' || tz[0] == '-')) {
      int64_t oh, om = 0;
      if (!Digits(tz, 1, 2, &oh)) return false;
      size_t p = 3;
      if (p < tz.size() && tz[p] == ':') ++p;
      if (p < tz.size()) {
        if (!Digits(tz, p, 2, &om) || p + 2 != tz.size()) return false;
      }
      offset = (oh * 3600 + om * 60) * (tz[0] == '+' ? 1 : -1);
    } else {
      return false;
    }
  }
  *secs = h * 3600 + mi * 60 + sec - offset;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

CivilDate CivilFromTs(int64_t ts) {
  int64_t days = ts / kDay;  // floor division without negating (INT64_MIN safe)
  if (ts % kDay < 0) --days;
  return CivilFromDays(days);
}

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.size() > 1 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.empty()) return std::nullopt;
  // Epoch seconds (or milliseconds): all digits, not a YYYYMMDD date. Values
  // beyond about +-3000 years are rejected so date arithmetic cannot overflow.
  constexpr int64_t kMaxEpoch = int64_t{100'000'000'000};
  if (AllDigits(s) && s.size() != 8) {
    int64_t v;
    if (!ParseInt(s, &v)) return std::nullopt;
    if (s.size() >= 13) v /= 1000;
    if (v > kMaxEpoch) return std::nullopt;
    return v;
  }
  if (s.size() > 1 && s[0] == '-' && AllDigits(s.substr(1))) {
    int64_t v;
    if (ParseInt(s, &v) && v >= -kMaxEpoch) return v;
    return std::nullopt;
  }
  int64_t days;
  size_t len;
  if (!ParseDatePart(s, &days, &len)) return std::nullopt;
  int64_t ts = days * kDay;
  if (len == s.size()) return ts;
  char sep = s[len];
  if (sep != 'T' && sep != ' ' && sep != 't') return std::nullopt;
  int64_t secs;
  if (!ParseTimePart(s.substr(len + 1), &secs)) return std::nullopt;
  return ts + secs;
}

std::string NotADate(std::string_view text) {
  return "'" + std::string(text.substr(0, 64)) + "' is not a date (YYYY-MM-DD)";
}

std::optional<int64_t> ParseEndTimestamp(std::string_view text) {
  auto ts = ParseTimestamp(text);
  if (!ts) return ts;
  std::string_view s = Trim(text);
  int64_t days;
  size_t len;
  if (ParseDatePart(s, &days, &len) && len == s.size()) return *ts + kDay - 1;
  return ts;
}

std::string FormatDate(int64_t ts) {
  CivilDate c = CivilFromTs(ts);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::string FormatDateTime(int64_t ts) {
  int64_t tod = ((ts % kDay) + kDay) % kDay;
  if (tod == 0) return FormatDate(ts);
  char buf[8];
  std::snprintf(buf, sizeof buf, " %02d:%02d", static_cast<int>(tod / 3600),
                static_cast<int>(tod % 3600 / 60));
  return FormatDate(ts) + buf;
}

std::string FormatIso8601(int64_t ts) {
  int64_t tod = ((ts % kDay) + kDay) % kDay;
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02dZ", static_cast<int>(tod / 3600),
                static_cast<int>(tod % 3600 / 60), static_cast<int>(tod % 60));
  return FormatDate(ts) + buf;
}

std::string FormatCompact(int64_t ts) {
  CivilDate c = CivilFromTs(ts);
  int64_t tod = ((ts % kDay) + kDay) % kDay;
  char buf[24];
  if (tod == 0) {
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", c.year, c.month, c.day);
  } else {
    std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d", c.year, c.month, c.day,
                  static_cast<int>(tod / 3600), static_cast<int>(tod % 3600 / 60));
  }
  return buf;
}

Result<std::optional<int64_t>> PeriodStart(std::string_view period, int64_t now) {
  std::string_view p = Trim(period);
  if (p == "max") return std::optional<int64_t>();
  if (p == "ytd") {
    CivilDate c = CivilFromTs(now);
    return std::optional<int64_t>(DaysFromCivil(c.year, 1, 1) * kDay);
  }
  size_t i = 0;
  while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) ++i;
  int64_t n;
  if (i == 0 || !ParseInt(p.substr(0, i), &n) || n <= 0 || n > 1000) {
    return Status::InvalidArgument("bad period '" + std::string(period) +
                                   "' (expected e.g. 5d, 1mo, 6mo, 1y, 5y, ytd, max)");
  }
  std::string_view unit = p.substr(i);
  int64_t seconds;
  if (unit == "d") {
    seconds = n * kDay;
  } else if (unit == "w" || unit == "wk") {
    seconds = n * 7 * kDay;
  } else if (unit == "mo") {
    CivilDate c = CivilFromTs(now);
    int64_t months = static_cast<int64_t>(c.year) * 12 + (c.month - 1) - n;
    int y = static_cast<int>(months / 12);
    unsigned m = static_cast<unsigned>(months % 12) + 1;
    unsigned d = std::min(c.day, DaysInMonth(y, m));
    return std::optional<int64_t>(DaysFromCivil(y, m, d) * kDay);
  } else if (unit == "y") {
    CivilDate c = CivilFromTs(now);
    int y = c.year - static_cast<int>(n);
    unsigned d = std::min(c.day, DaysInMonth(y, c.month));
    return std::optional<int64_t>(DaysFromCivil(y, c.month, d) * kDay);
  } else if (unit == "h") {
    seconds = n * 3600;
  } else {
    return Status::InvalidArgument("bad period '" + std::string(period) +
                                   "' (expected e.g. 5d, 1mo, 6mo, 1y, 5y, ytd, max)");
  }
  return std::optional<int64_t>(now - seconds);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ohlcv

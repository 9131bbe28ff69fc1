// ParseCsvBuffer: the hot path of the CSV source. One pass over the buffer,
// fields as string_views (sources/csv_record.h), numbers with std::from_chars,
// dates through a YYYY-MM-DD fast path; strings are built only for tickers
// and for issues.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "sources/bar_check.h"
#include "util/csv_record.h"
#include "sources/csv_source.h"
#include "util/time.h"

namespace ohlcv {
namespace {

// Accepted bar times: 1800-01-01 to 2300-01-01. Anything else is a typo or
// garbage, and keeping it out keeps date arithmetic far from overflow.
constexpr int64_t kMinTs = -5364662400;
constexpr int64_t kMaxTs = 10413792000;

enum Col { kTs, kTime, kOpen, kHigh, kLow, kClose, kVolume, kAdj, kName, kNumCols };

constexpr std::array<std::string_view, kNumCols> kColNames = {
    "Date", "Time", "Open", "High", "Low", "Close", "Volume", "Adj Close", "Name"};

// Header spelling (lower case, letters and digits only) -> column. Earlier
// entries win when a header holds several spellings of one column.
struct Spelling {
  std::string_view key;
  Col col;
};
constexpr Spelling kSpellings[] = {
    {"date", kTs},       {"datetime", kTs},      {"timestamp", kTs}, {"time", kTime},
    {"open", kOpen},     {"high", kHigh},        {"low", kLow},      {"close", kClose},
    {"volume", kVolume}, {"vol", kVolume},       {"adjclose", kAdj}, {"adjustedclose", kAdj},
    {"name", kName},     {"ticker", kName},      {"symbol", kName},
};

std::string HeaderKey(std::string_view s) {
  std::string key;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') key.push_back(static_cast<char>(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) key.push_back(c);
  }
  return key;
}

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsUpper(std::string_view text, std::string_view upper) {
  if (text.size() != upper.size()) return false;
  for (size_t i = 0; i < text.size(); ++i)
    if (Upper(text[i]) != upper[i]) return false;
  return true;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Upper(c);
  return out;
}

// Quotes a field for a reason, cut to keep reports short.
std::string Shown(std::string_view s) {
  constexpr size_t kMax = 40;
  return "\"" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "...\"" : "\"");
}

bool ParseDouble(std::string_view s, double* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

int Digit(char c) { return c >= '0' && c <= '9' ? c - '0' : -1; }

// "YYYY-MM-DD" exactly, a valid date: the shape of nearly every daily file.
bool FastDate(std::string_view s, int64_t* ts) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int d[8];
  static constexpr int kPos[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (int i = 0; i < 8; ++i)
    if ((d[i] = Digit(s[kPos[i]])) < 0) return false;
  int year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
  unsigned month = static_cast<unsigned>(d[4] * 10 + d[5]);
  unsigned day = static_cast<unsigned>(d[6] * 10 + d[7]);
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  *ts = DaysFromCivil(year, month, day) * 86400;
  return true;
}

std::optional<int64_t> ParseTime(std::string_view date, std::string_view time) {
  int64_t ts;
  if (time.empty()) {
    if (FastDate(date, &ts)) return ts;
    if (auto t = ParseTimestamp(date)) return t;
    // Fractional epoch seconds ("1551398400.0"), as some exporters write.
    double v;
    if (date.find('.') != std::string_view::npos && ParseDouble(date, &v) && std::isfinite(v) &&
        std::fabs(v) < 1e11) {
      return static_cast<int64_t>(std::floor(v));
    }
    return std::nullopt;
  }
  std::string joined;
  joined.reserve(date.size() + 1 + time.size());
  joined.append(date).append(" ").append(time);
  return ParseTimestamp(joined);
}

struct SeriesBuild {
  BarSeries series;
  std::vector<uint32_t> lines;  // input line of each row of `series`
};

// Line number at the end of "name:line" (issues are sorted by it).
uint64_t LineOf(const RowIssue& issue) {
  size_t colon = issue.where.rfind(':');
  uint64_t line = 0;
  if (colon != std::string::npos) {
    std::from_chars(issue.where.data() + colon + 1, issue.where.data() + issue.where.size(), line);
  }
  return line;
}

class Parser {
 public:
  Parser(std::string_view data, const std::string& name, const FetchRequest& request,
         std::string_view ticker_override)
      : reader_(data), data_size_(data.size()), name_(name), request_(request) {
    default_ticker_ = ticker_override.empty() ? TickerFromFileName(name) : ToUpper(ticker_override);
    for (const auto& t : request.tickers) wanted_.push_back(ToUpper(t));
  }

  Result<FetchResult> Run();

 private:
  Status ReadHeader(bool* found);
  void ParseRow();
  void Issue(uint32_t line, std::string reason) {
    result_.issues.push_back(RowIssue{fmt::format("{}:{}", name_, line), std::move(reason)});
  }
  bool Wanted(std::string_view ticker) const {
    if (wanted_.empty()) return true;
    return std::any_of(wanted_.begin(), wanted_.end(),
                       [&](const std::string& w) { return EqualsUpper(ticker, w); });
  }
  SeriesBuild& SeriesFor(std::string_view ticker);

  CsvRecordReader reader_;
  size_t data_size_;
  const std::string& name_;
  const FetchRequest& request_;
  std::string default_ticker_;
  std::vector<std::string> wanted_;  // upper case
  std::array<int, kNumCols> col_;
  size_t min_fields_ = 0;  // a row needs this many fields
  std::vector<SeriesBuild> builds_;
  size_t last_build_ = 0;
  FetchResult result_;
};

Status Parser::ReadHeader(bool* found) {
  *found = false;
  while (reader_.Next()) {
    if (reader_.blank()) continue;
    *found = true;
    break;
  }
  if (!*found) return Status::Ok();
  col_.fill(-1);
  const auto& fields = reader_.fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string key = HeaderKey(fields[i].text);
    for (const Spelling& sp : kSpellings) {
      if (key == sp.key && col_[sp.col] < 0) col_[sp.col] = static_cast<int>(i);
    }
  }
  if (col_[kTs] < 0) std::swap(col_[kTs], col_[kTime]);  // a lone "Time" holds the whole stamp
  std::string missing;
  for (Col c : {kTs, kOpen, kHigh, kLow, kClose, kVolume}) {
    if (col_[c] >= 0) {
      min_fields_ = std::max(min_fields_, static_cast<size_t>(col_[c]) + 1);
    } else {
      missing += missing.empty() ? "" : ", ";
      missing += kColNames[c];
    }
  }
  if (!missing.empty()) {
    // Names only what was recognised (our own column names), never the text
    // of the file: over the API the file may be anything (a secret).
    std::string recognised;
    for (Col c : {kTs, kOpen, kHigh, kLow, kClose, kVolume}) {
      if (col_[c] < 0) continue;
      recognised += recognised.empty() ? "" : ", ";
      recognised += kColNames[c];
    }
    return Status::InvalidArgument(fmt::format("{}:{}: missing column(s) {}; the header has {} field(s){}{}",
                                               name_, reader_.line(), missing, fields.size(),
                                               recognised.empty() ? "" : ", recognised: ", recognised));
  }
  return Status::Ok();
}

SeriesBuild& Parser::SeriesFor(std::string_view ticker) {
  if (!builds_.empty() && EqualsUpper(ticker, builds_[last_build_].series.ticker)) {
    return builds_[last_build_];
  }
  for (size_t i = 0; i < builds_.size(); ++i) {
    if (EqualsUpper(ticker, builds_[i].series.ticker)) return builds_[last_build_ = i];
  }
  SeriesBuild& b = builds_.emplace_back();
  b.series.ticker = ToUpper(ticker);
  b.series.interval = request_.interval;
  if (builds_.size() == 1) {
    // Daily files run about 60-110 bytes a row: reserve once, not log2(n) times.
    size_t guess = data_size_ / 64 + 16;
    b.series.reserve(guess);
    b.lines.reserve(guess);
  }
  last_build_ = builds_.size() - 1;
  return b;
}

void Parser::ParseRow() {
  const uint32_t line = reader_.line();
  const auto& f = reader_.fields();
  ++result_.rows_read;
  if (reader_.malformed()) return Issue(line, "malformed quoting");
  if (f.size() < min_fields_) {
    return Issue(line, fmt::format("expected at least {} fields, found {}", min_fields_, f.size()));
  }
  std::string_view ticker = default_ticker_;
  std::string unescaped;
  if (col_[kName] >= 0) {
    if (static_cast<size_t>(col_[kName]) >= f.size()) return Issue(line, "missing ticker");
    const CsvField& nf = f[col_[kName]];
    ticker = nf.text;
    if (nf.has_escapes) ticker = unescaped = Unescape(nf.text);
    if (ticker.empty()) return Issue(line, "empty ticker");
  }
  if (!Wanted(ticker)) return;

  std::string_view time_text;
  if (col_[kTime] >= 0 && static_cast<size_t>(col_[kTime]) < f.size()) time_text = f[col_[kTime]].text;
  std::string_view ts_text = f[col_[kTs]].text;
  std::optional<int64_t> ts = ParseTime(ts_text, time_text);
  if (!ts) {
    return Issue(line, time_text.empty() ? "unparsable date " + Shown(ts_text)
                                         : "unparsable date " + Shown(ts_text) + " / time " +
                                               Shown(time_text));
  }
  if (*ts < kMinTs || *ts >= kMaxTs) return Issue(line, "date out of range " + Shown(ts_text));
  if ((request_.start && *ts < *request_.start) || (request_.end && *ts > *request_.end)) return;

  Bar bar;
  bar.ts = *ts;
  struct Num {
    Col col;
    double* out;
  };
  const Num nums[] = {{kOpen, &bar.open},   {kHigh, &bar.high},    {kLow, &bar.low},
                      {kClose, &bar.close}, {kVolume, &bar.volume}};
  for (const Num& n : nums) {
    std::string_view s = f[col_[n.col]].text;
    if (s.empty()) return Issue(line, fmt::format("missing {}", kColNames[n.col]));
    if (!ParseDouble(s, n.out)) return Issue(line, fmt::format("unparsable {} {}", kColNames[n.col], Shown(s)));
  }
  if (col_[kAdj] >= 0 && static_cast<size_t>(col_[kAdj]) < f.size() && !f[col_[kAdj]].text.empty()) {
    std::string_view s = f[col_[kAdj]].text;
    if (!ParseDouble(s, &bar.adj_close)) return Issue(line, "unparsable Adj Close " + Shown(s));
  }
  if (auto reason = CheckBar(bar)) return Issue(line, std::move(*reason));
  if (auto note = RangeNote(bar)) Issue(line, std::move(*note));

  SeriesBuild& b = SeriesFor(ticker);
  b.series.push_back(bar);
  b.lines.push_back(line);
}

Result<FetchResult> Parser::Run() {
  bool have_header;
  OHLCV_RETURN_IF_ERROR(ReadHeader(&have_header));
  if (!have_header) return std::move(result_);
  // Without a ticker column the whole file is one ticker: skip it unread.
  if (col_[kName] < 0 && !Wanted(default_ticker_)) return std::move(result_);

  while (reader_.Next()) {
    if (reader_.blank()) continue;
    ParseRow();
  }

  for (SeriesBuild& b : builds_) {
    const std::vector<uint32_t>& lines = b.lines;
    SortAndDedup(&b.series, [&](size_t row) { return fmt::format("{}:{}", name_, lines[row]); },
                 &result_.issues);
    if (!b.series.empty()) result_.series.push_back(std::move(b.series));
  }
  std::stable_sort(result_.issues.begin(), result_.issues.end(),
                   [](const RowIssue& a, const RowIssue& b) { return LineOf(a) < LineOf(b); });
  if (request_.strict) OHLCV_RETURN_IF_ERROR(StrictStatus(result_.issues));
  return std::move(result_);
}

}  // namespace

std::string TickerFromFileName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  while (!base.empty() && (base.front() == ' ' || base.front() == '\t')) base.remove_prefix(1);
  while (!base.empty() && (base.back() == ' ' || base.back() == '\t')) base.remove_suffix(1);
  return ToUpper(base);
}

bool CsvHeaderNamesTickers(std::string_view head) {
  CsvRecordReader reader(head);
  while (reader.Next()) {
    if (reader.blank()) continue;
    for (const auto& field : reader.fields()) {
      const std::string key = HeaderKey(field.text);
      for (const Spelling& sp : kSpellings) {
        if (sp.col == kName && key == sp.key) return true;
      }
    }
    return false;
  }
  return false;
}

Result<FetchResult> ParseCsvBuffer(std::string_view data, const std::string& name,
                                   const FetchRequest& request, std::string_view ticker_override) {
  Parser parser(data, name, request, ticker_override);
  return parser.Run();
}

}  // namespace ohlcv

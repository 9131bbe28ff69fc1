#include "index/window_rows.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace ohlcv::index_internal {
namespace {

#define OHLCV_W(f) \
  NumericField{#f, [](const Window& w) { return static_cast<double>(w.f); }, \
               [](Window& w, double v) { w.f = static_cast<decltype(w.f)>(v); }}
#define OHLCV_I(f) \
  NumericField{#f, [](const Window& w) { return w.last.f; }, [](Window& w, double v) { w.last.f = v; }}

// Write it once: this table drives the schema, inserts, decoding and the
// filter whitelist. Appending is safe; removing or renaming needs a schema bump.
const std::array kFields = {
    OHLCV_W(start_bar), OHLCV_W(n_bars), OHLCV_W(open), OHLCV_W(first_close), OHLCV_W(close),
    OHLCV_W(high), OHLCV_W(high_ts), OHLCV_W(low), OHLCV_W(low_ts), OHLCV_W(return_pct),
    OHLCV_W(volatility), OHLCV_W(max_drawdown_pct), OHLCV_W(avg_volume),
    OHLCV_W(relative_volume),
    NumericField{"trend", [](const Window& w) { return static_cast<double>(w.trend); },
                 [](Window& w, double v) {
                   w.trend = std::isnan(v) ? TrendState::kSideways
                                           : static_cast<TrendState>(static_cast<int>(v));
                 }},
    OHLCV_I(sma20), OHLCV_I(sma50), OHLCV_I(sma200), OHLCV_I(ema12), OHLCV_I(ema26),
    OHLCV_I(rsi14), OHLCV_I(macd), OHLCV_I(macd_signal), OHLCV_I(macd_hist), OHLCV_I(bb_pctb),
    OHLCV_I(bb_bandwidth), OHLCV_I(atr14), OHLCV_I(adx14), OHLCV_I(plus_di14),
    OHLCV_I(minus_di14), OHLCV_I(stoch_k), OHLCV_I(stoch_d), OHLCV_I(willr14), OHLCV_I(cci20),
    OHLCV_I(mfi14), OHLCV_I(roc10), OHLCV_I(rsi14_max), OHLCV_I(rsi14_min),
};
#undef OHLCV_W
#undef OHLCV_I

// Leading columns read by DecodeWindow before the numeric ones.
constexpr int kLeadColumns = 6;  // id, ticker, sector, bar_interval, start_ts, end_ts
constexpr int kTrailColumns = 3;  // patterns, summary, shape

}  // namespace

std::span<const NumericField> NumericFields() { return kFields; }

std::optional<std::string_view> NumericColumn(std::string_view field) {
  if (field == "start_ts" || field == "end_ts") return field;
  for (const auto& f : kFields) {
    if (field == f.name) return std::string_view(f.name);
  }
  return std::nullopt;
}

std::string SchemaSql() {
  std::string numeric;
  for (const auto& f : kFields) numeric += fmt::format("  \"{}\" REAL,\n", f.name);
  // Small, filterable columns first and blobs last: SQLite reads a row's
  // columns in order, so filters rarely touch the overflow pages.
  return fmt::format(R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS windows(
  seq INTEGER PRIMARY KEY,        -- from meta.last_seq; grows with every write
  id TEXT NOT NULL UNIQUE,
  label INTEGER NOT NULL UNIQUE,  -- HNSW label; kept across re-upserts of an id
  ticker TEXT NOT NULL,
  sector TEXT NOT NULL,
  bar_interval INTEGER NOT NULL,  -- core/interval.h Interval value
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
{}  patterns TEXT NOT NULL,        -- kind:bar:ts:ref_ts:value;...
  summary TEXT NOT NULL,
  shape BLOB,                     -- float32 x shape_dimension, as given
  text_vec BLOB                   -- float32 x dimension, L2-normalised
);
CREATE INDEX IF NOT EXISTS windows_ticker ON windows(ticker, end_ts);
CREATE INDEX IF NOT EXISTS windows_sector ON windows(sector);
CREATE INDEX IF NOT EXISTS windows_end ON windows(end_ts);
CREATE TABLE IF NOT EXISTS window_patterns(
  kind INTEGER NOT NULL, window_id TEXT NOT NULL, PRIMARY KEY(kind, window_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS window_patterns_by_window ON window_patterns(window_id);
-- Labels removed from SQLite, so an HNSW file saved earlier can replay them.
CREATE TABLE IF NOT EXISTS deletions(seq INTEGER PRIMARY KEY, label INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS windows_fts USING fts5(summary, ticker, sector);
-- Document frequency per term, to drop terms too common to rank (see LexicalSearch).
CREATE VIRTUAL TABLE IF NOT EXISTS windows_fts_vocab USING fts5vocab(windows_fts, 'row');
)",
                     numeric);
}

std::string WindowSelectColumns(std::string_view alias) {
  std::string out = fmt::format("{0}.id, {0}.ticker, {0}.sector, {0}.bar_interval, {0}.start_ts, {0}.end_ts", alias);
  for (const auto& f : kFields) out += fmt::format(", {}.\"{}\"", alias, f.name);
  out += fmt::format(", {0}.patterns, {0}.summary, {0}.shape", alias);
  return out;
}

int WindowSelectColumnCount() {
  return kLeadColumns + static_cast<int>(kFields.size()) + kTrailColumns;
}

Result<Window> DecodeWindow(const sqlite::Stmt& s, int c) {
  Window w;
  w.id = s.Text(c);
  w.ticker = s.Text(c + 1);
  w.sector = s.Text(c + 2);
  w.interval = static_cast<Interval>(s.Int(c + 3));
  w.start_ts = s.Int(c + 4);
  w.end_ts = s.Int(c + 5);
  int col = c + kLeadColumns;
  for (const auto& f : kFields) f.set(w, s.Double(col++));
  OHLCV_ASSIGN_OR_RETURN(w.patterns, DecodePatterns(s.Text(col)));
  w.summary = s.Text(col + 1);
  w.shape = BlobToFloats(s.Blob(col + 2));
  return w;
}

std::string WindowInsertSql() {
  std::string cols = "seq, id, label, ticker, sector, bar_interval, start_ts, end_ts";
  std::string params = "?, ?, ?, ?, ?, ?, ?, ?";
  for (const auto& f : kFields) {
    cols += fmt::format(", \"{}\"", f.name);
    params += ", ?";
  }
  cols += ", patterns, summary, shape, text_vec";
  params += ", ?, ?, ?, ?";
  return fmt::format("INSERT OR REPLACE INTO windows({}) VALUES({})", cols, params);
}

void BindWindowRow(sqlite::Stmt& s, const Window& w, int64_t seq, int64_t label,
                   std::span<const float> text_vec) {
  s.BindInt(1, seq);
  s.BindText(2, w.id);
  s.BindInt(3, label);
  s.BindText(4, w.ticker);
  s.BindText(5, w.sector);
  s.BindInt(6, static_cast<int64_t>(w.interval));
  s.BindInt(7, w.start_ts);
  s.BindInt(8, w.end_ts);
  int i = 9;
  for (const auto& f : kFields) s.BindDouble(i++, f.get(w));
  s.BindText(i++, EncodePatterns(w.patterns));
  s.BindText(i++, w.summary);
  s.BindBlob(i++, w.shape.data(), w.shape.size() * sizeof(float));
  s.BindBlob(i++, text_vec.data(), text_vec.size() * sizeof(float));
}

std::string EncodePatterns(const std::vector<PatternEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    // %.17g round-trips doubles exactly; "nan" is parsed back below.
    out += fmt::format("{}:{}:{}:{}:{:.17g};", static_cast<int>(e.kind), e.bar, e.ts, e.ref_ts,
                       e.value);
  }
  return out;
}

Result<std::vector<PatternEvent>> DecodePatterns(std::string_view text) {
  std::vector<PatternEvent> out;
  while (!text.empty()) {
    size_t end = text.find(';');
    if (end == std::string_view::npos) return Status::Corruption("bad pattern list");
    std::string_view item = text.substr(0, end);
    text.remove_prefix(end + 1);
    std::array<std::string_view, 5> parts;
    for (size_t p = 0; p < 5; ++p) {
      size_t colon = p < 4 ? item.find(':') : item.size();
      if (colon == std::string_view::npos) return Status::Corruption("bad pattern event");
      parts[p] = item.substr(0, colon);
      item.remove_prefix(std::min(item.size(), colon + 1));
    }
    PatternEvent e;
    int kind = 0;
    std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), kind);
    if (kind < 0 || kind >= static_cast<int>(PatternKind::kCount)) {
      return Status::Corruption("bad pattern kind");
    }
    e.kind = static_cast<PatternKind>(kind);
    std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), e.bar);
    std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), e.ts);
    std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), e.ref_ts);
    // from_chars for double parses "nan", "inf" and exponents.
    auto r = std::from_chars(parts[4].data(), parts[4].data() + parts[4].size(), e.value);
    if (r.ec != std::errc()) e.value = std::nan("");
    out.push_back(e);
  }
  return out;
}

std::vector<float> BlobToFloats(std::span<const std::byte> blob) {
  std::vector<float> out(blob.size() / sizeof(float));
  if (!out.empty()) std::memcpy(out.data(), blob.data(), out.size() * sizeof(float));
  return out;
}

}  // namespace ohlcv::index_internal

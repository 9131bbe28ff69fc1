#include "index/pg_window_rows.h"

#include <cmath>
#include <cstring>
#include <variant>

#include <fmt/format.h>

#include "index/filter_sql.h"
#include "index/fts_query.h"
#include "index/window_rows.h"

namespace ohlcv::index_internal {
namespace {

// COPY text format: backslash escapes for the few bytes that delimit.
void AppendCopyText(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(c);
    }
  }
}

void AppendCopyBytea(std::string& out, const void* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\\\x";  // the bytea hex prefix, its backslash escaped for COPY
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
}

void AppendCopyDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "\\N";
  } else if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

std::string Words(std::string_view text) {
  std::string out;
  for (const auto& t : FtsTokens(text)) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

uint64_t Fnv(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

}  // namespace

std::string PgWindowSchemaSql() {
  std::string numeric;
  for (const auto& f : NumericFields()) numeric += fmt::format(",\n  \"{}\" float8", f.name);
  // Indexes as in the local store (window_rows.cc), plus GIN for lexical
  // search; the rows whose vectors ChromaDB lacks are listed in
  // window_vectors_pending.
  return fmt::format(R"sql(
CREATE TABLE IF NOT EXISTS window_store_meta(key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE IF NOT EXISTS window_seq;
CREATE TABLE IF NOT EXISTS windows(
  id text COLLATE "C" PRIMARY KEY,
  seq bigint NOT NULL,
  ticker text NOT NULL,
  sector text NOT NULL,
  bar_interval integer NOT NULL,
  start_ts bigint NOT NULL,
  end_ts bigint NOT NULL,
  pattern_mask bigint NOT NULL{},
  patterns bytea NOT NULL,
  summary text NOT NULL,
  shape bytea,
  text_vec bytea NOT NULL,
  fts tsvector NOT NULL,
  content_hash bigint NOT NULL);
CREATE TABLE IF NOT EXISTS window_vectors_pending(id text COLLATE "C" PRIMARY KEY, seq bigint NOT NULL);
CREATE INDEX IF NOT EXISTS windows_ticker ON windows(ticker, end_ts, start_ts);
CREATE INDEX IF NOT EXISTS windows_sector ON windows(sector, end_ts, start_ts);
CREATE INDEX IF NOT EXISTS windows_end ON windows(end_ts, start_ts);
CREATE INDEX IF NOT EXISTS windows_fts ON windows USING gin(fts);
)sql",
                     numeric);
}

std::string PgWindowMigrateFrom1Sql() {
  return R"sql(
INSERT INTO window_vectors_pending(id, seq) SELECT id, seq FROM windows WHERE NOT vectors_stored
  ON CONFLICT (id) DO NOTHING;
DROP INDEX IF EXISTS windows_pending;
ALTER TABLE windows DROP COLUMN IF EXISTS vectors_stored;
UPDATE window_store_meta SET value = '2' WHERE key = 'schema';
)sql";
}

std::string PgCopyColumns() {
  std::string cols = "id, seq, ticker, sector, bar_interval, start_ts, end_ts, pattern_mask";
  for (const auto& f : NumericFields()) cols += fmt::format(", \"{}\"", f.name);
  return cols + ", patterns, summary, shape, text_vec, ticker_doc, fts_doc, content_hash";
}

std::string PgCopyTableSql() {
  std::string numeric;
  for (const auto& f : NumericFields()) numeric += fmt::format(", \"{}\" float8", f.name);
  return fmt::format(
      "CREATE TEMP TABLE windows_in(id text, seq bigint, ticker text, sector text, bar_interval integer, "
      "start_ts bigint, end_ts bigint, pattern_mask bigint{}, patterns bytea, summary text, shape bytea, "
      "text_vec bytea, ticker_doc text, fts_doc text, content_hash bigint) ON COMMIT DROP",
      numeric);
}

std::string PgMergeSql() {
  std::string cols = "id, seq, ticker, sector, bar_interval, start_ts, end_ts, pattern_mask";
  for (const auto& f : NumericFields()) cols += fmt::format(", \"{}\"", f.name);
  cols += ", patterns, summary, shape, text_vec";
  std::string updates;
  for (size_t start = 0; start < cols.size();) {
    size_t end = cols.find(", ", start);
    std::string c = cols.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (c != "id") updates += fmt::format("{} = EXCLUDED.{}, ", c, c);
    if (end == std::string::npos) break;
    start = end + 2;
  }
  // The ticker weighs 3x a summary word, as in the local store's bm25()
  // weights (ts_rank weights {D,C,B,A} = {1/3,1/3,1/3,1}: at most 1 each).
  return fmt::format(
      "WITH pending AS (INSERT INTO window_vectors_pending(id, seq) SELECT id, seq FROM windows_in "
      "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq) "
      "INSERT INTO windows({0}, fts, content_hash) SELECT {0}, "
      "setweight(to_tsvector('simple', ticker_doc), 'A') || to_tsvector('simple', fts_doc), content_hash "
      "FROM windows_in ON CONFLICT (id) DO UPDATE SET {1}fts = EXCLUDED.fts, "
      "content_hash = EXCLUDED.content_hash",
      cols, updates);
}

void AppendPgCopyRow(std::string& out, const Window& w, int64_t seq, std::span<const float> text_vec,
                     int64_t content_hash) {
  AppendCopyText(out, w.id);
  fmt::format_to(std::back_inserter(out), "\t{}\t", seq);
  AppendCopyText(out, w.ticker);
  out.push_back('\t');
  AppendCopyText(out, w.sector);
  fmt::format_to(std::back_inserter(out), "\t{}\t{}\t{}\t{}", static_cast<int>(w.interval), w.start_ts, w.end_ts,
                 PatternMask(w.patterns));
  for (const auto& f : NumericFields()) {
    out.push_back('\t');
    AppendCopyDouble(out, f.get(w));
  }
  out.push_back('\t');
  const std::string events = EncodePatterns(w.patterns);
  AppendCopyBytea(out, events.data(), events.size());
  out.push_back('\t');
  AppendCopyText(out, w.summary);
  out.push_back('\t');
  if (w.shape.empty()) {
    out += "\\N";
  } else {
    AppendCopyBytea(out, w.shape.data(), w.shape.size() * sizeof(float));
  }
  out.push_back('\t');
  AppendCopyBytea(out, text_vec.data(), text_vec.size() * sizeof(float));
  out.push_back('\t');
  AppendCopyText(out, Words(w.ticker));
  out.push_back('\t');
  // The sector's words weigh as summary words (the local FTS5 sector column
  // has bm25 weight 1, like the summary).
  AppendCopyText(out, FtsDocument(w.summary) + " " + Words(w.sector));
  fmt::format_to(std::back_inserter(out), "\t{}\n", content_hash);
}

int64_t WindowContentHash(const Window& w, std::span<const float> text_vec) {
  uint64_t h = 1469598103934665603ULL;
  auto str = [&](const std::string& s) {
    h = Fnv(h, s.data(), s.size());
    h = Fnv(h, "\0", 1);
  };
  str(w.id);
  str(w.ticker);
  str(w.sector);
  str(w.summary);
  const int64_t lead[] = {static_cast<int64_t>(w.interval), w.start_ts, w.end_ts};
  h = Fnv(h, lead, sizeof(lead));
  for (const auto& f : NumericFields()) {
    const double v = f.get(w);
    h = Fnv(h, &v, sizeof(v));
  }
  str(EncodePatterns(w.patterns));
  h = Fnv(h, w.shape.data(), w.shape.size() * sizeof(float));
  h = Fnv(h, text_vec.data(), text_vec.size() * sizeof(float));
  return static_cast<int64_t>(h);
}

std::string PgWindowSelectColumns(std::string_view a) {
  std::string out = fmt::format("{0}.id, {0}.ticker, {0}.sector, {0}.bar_interval, {0}.start_ts, {0}.end_ts", a);
  for (const auto& f : NumericFields()) out += fmt::format(", {}.\"{}\"", a, f.name);
  out += fmt::format(", {0}.patterns, {0}.summary, {0}.shape", a);
  return out;
}

std::string DecodeBytea(std::string_view text) {
  std::string out;
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return out;
  out.reserve((text.size() - 2) / 2);
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<char>(Hex(text[i]) << 4 | Hex(text[i + 1])));
  }
  return out;
}

Result<Window> DecodePgWindow(const pg::Rows& rows, int r, int c) {
  Window w;
  w.id = rows.Text(r, c);
  w.ticker = rows.Text(r, c + 1);
  w.sector = rows.Text(r, c + 2);
  w.interval = static_cast<Interval>(rows.Int(r, c + 3));
  w.start_ts = rows.Int(r, c + 4);
  w.end_ts = rows.Int(r, c + 5);
  int col = c + 6;
  for (const auto& f : NumericFields()) f.set(w, rows.Double(r, col++));
  const std::string events = DecodeBytea(rows.Text(r, col));
  OHLCV_ASSIGN_OR_RETURN(w.patterns,
                         DecodePatterns(std::as_bytes(std::span(events.data(), events.size()))));
  w.summary = rows.Text(r, col + 1);
  if (!rows.IsNull(r, col + 2)) {
    const std::string shape = DecodeBytea(rows.Text(r, col + 2));
    w.shape = BlobToFloats(std::as_bytes(std::span(shape.data(), shape.size())));
  }
  return w;
}

Result<PgFilter> BuildPgFilter(const WindowFilter& filter, std::string_view alias, int first_param) {
  OHLCV_ASSIGN_OR_RETURN(SqlFilter f, BuildSqlFilter(filter, alias));
  PgFilter out;
  if (f.params.empty()) {
    out.where = "true";
    return out;
  }
  // BuildSqlFilter's text holds `?` only as placeholders (column names come
  // from the field table, values are all bound).
  int n = first_param;
  for (char c : f.where) {
    if (c == '?') {
      out.where += "$" + std::to_string(n++);
    } else {
      out.where.push_back(c);
    }
  }
  for (const auto& v : f.params) {
    if (const auto* i = std::get_if<int64_t>(&v)) {
      out.params.emplace_back(std::to_string(*i));
    } else if (const auto* d = std::get_if<double>(&v)) {
      out.params.emplace_back(fmt::format("{}", *d));
    } else {
      out.params.emplace_back(std::get<std::string>(v));
    }
  }
  return out;
}

std::string PgTextArray(std::span<const std::string> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

}  // namespace ohlcv::index_internal

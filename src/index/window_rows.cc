#include "index/window_rows.h"

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/window_fields.h"
#include "index/fts_query.h"

namespace ohlcv::index_internal {
namespace {

// The numeric columns: the window fields (core/window_fields.h) stored in a
// column of their own, in table order. start_ts and end_ts are lead columns.
const std::vector<WindowField>& ColumnFields() {
  static const std::vector<WindowField> fields = [] {
    std::vector<WindowField> v;
    for (const WindowField& f : WindowFields()) {
      if (f.column) v.push_back(f);
    }
    return v;
  }();
  return fields;
}

static_assert(static_cast<int>(PatternKind::kCount) <= 63, "pattern_mask is a 64-bit integer");

// Leading columns read by DecodeWindow before the numeric ones.
constexpr int kLeadColumns = 6;  // id, ticker, sector, bar_interval, start_ts, end_ts
constexpr int kTrailColumns = 3;  // patterns, summary, shape

}  // namespace

std::span<const WindowField> NumericFields() { return ColumnFields(); }

std::optional<std::string_view> NumericColumn(std::string_view field) {
  const WindowField* f = FindWindowField(field);
  if (f == nullptr) return std::nullopt;
  return f->name;
}

std::string SchemaSql() {
  std::string numeric;
  for (const auto& f : ColumnFields()) numeric += fmt::format(",\n  \"{}\" REAL", f.name);
  // The date indexes carry start_ts so a range filter (end_ts >= a AND
  // start_ts <= b) is answered from the index alone; ticker and sector
  // lead theirs because they are the selective part of most questions.
  return fmt::format(R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS windows(
  label INTEGER PRIMARY KEY,      -- HNSW label and FTS rowid; kept across re-upserts of an id
  seq INTEGER NOT NULL,           -- from meta.last_seq; grows with every write
  id TEXT NOT NULL UNIQUE,
  ticker TEXT NOT NULL,
  sector TEXT NOT NULL,
  bar_interval INTEGER NOT NULL,  -- core/interval.h Interval value
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  -- bit k: has an event of PatternKind k
  pattern_mask INTEGER NOT NULL{}
);
CREATE INDEX IF NOT EXISTS windows_seq ON windows(seq);
CREATE INDEX IF NOT EXISTS windows_ticker ON windows(ticker, end_ts, start_ts);
CREATE INDEX IF NOT EXISTS windows_sector ON windows(sector, end_ts, start_ts);
CREATE INDEX IF NOT EXISTS windows_end ON windows(end_ts, start_ts);
CREATE TABLE IF NOT EXISTS window_docs(
  label INTEGER PRIMARY KEY, patterns BLOB NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS window_vectors(
  label INTEGER PRIMARY KEY,
  text_vec BLOB NOT NULL,         -- float32 x dimension, L2-normalised
  shape BLOB                      -- float32 x shape_dimension, as given
);
-- Labels removed from SQLite, so an HNSW file saved earlier can replay them.
CREATE TABLE IF NOT EXISTS deletions(seq INTEGER PRIMARY KEY, label INTEGER NOT NULL);
-- Contentless: the summary is stored once, in window_docs. The ascii
-- tokenizer folds ASCII case and keeps other bytes as word characters, the
-- same rule as FtsTokens (fts_query.h), and costs less than unicode61.
CREATE VIRTUAL TABLE IF NOT EXISTS windows_fts USING fts5(summary, ticker, sector, content='',
                                                          tokenize='ascii');
-- Document frequency per term, to drop terms too common to rank (see LexicalSearch).
CREATE VIRTUAL TABLE IF NOT EXISTS windows_fts_vocab USING fts5vocab(windows_fts, 'row');
)",
                     numeric);
}

int64_t PatternMask(const std::vector<PatternEvent>& events) {
  int64_t mask = 0;
  for (const auto& e : events) mask |= int64_t{1} << static_cast<int>(e.kind);
  return mask;
}

int64_t PatternMask(std::span<const PatternKind> kinds) {
  int64_t mask = 0;
  for (auto k : kinds) mask |= int64_t{1} << static_cast<int>(k);
  return mask;
}

Status RunFtsRow(sqlite::Stmt& fts, int64_t label, std::string_view summary, std::string_view ticker,
                 std::string_view sector) {
  fts.BindInt(1, label);
  fts.BindText(2, FtsDocument(summary));
  fts.BindText(3, ticker);
  fts.BindText(4, sector);
  Status st = fts.Run();
  fts.Reset();
  return st;
}

namespace {

// Runs `fts` (an FTS insert or 'delete') with the values of each stored
// window matching `where` (over windows w; `param` bound to its `?` if any).
Status ForEachStoredFtsRow(sqlite::Db& db, std::string_view where, const sqlite::Value* param,
                           sqlite::Stmt& fts) {
  OHLCV_ASSIGN_OR_RETURN(auto rows, db.PrepareCached(fmt::format(
                                        "SELECT w.label, d.summary, w.ticker, w.sector FROM windows w "
                                        "JOIN window_docs d ON d.label = w.label WHERE {}",
                                        where)));
  if (param != nullptr) rows.Bind(1, *param);
  while (true) {
    OHLCV_ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    OHLCV_RETURN_IF_ERROR(RunFtsRow(fts, rows.Int(0), rows.Text(1), rows.Text(2), rows.Text(3)));
  }
  rows.Reset();
  return Status::Ok();
}

}  // namespace

Status ForgetFtsRows(sqlite::Db& db, std::string_view where, const sqlite::Value& param) {
  OHLCV_ASSIGN_OR_RETURN(auto forget, db.PrepareCached(
                                          "INSERT INTO windows_fts(windows_fts, rowid, summary, ticker, sector) "
                                          "VALUES('delete', ?, ?, ?, ?)"));
  return ForEachStoredFtsRow(db, where, &param, forget);
}

Status RebuildFts(sqlite::Db& db) {
  OHLCV_RETURN_IF_ERROR(db.Exec("INSERT INTO windows_fts(windows_fts) VALUES('delete-all')"));
  OHLCV_ASSIGN_OR_RETURN(auto insert, db.PrepareCached(kFtsInsertSql));
  return ForEachStoredFtsRow(db, "1", nullptr, insert);
}

std::string WindowSelectColumns(std::string_view alias) {
  std::string out = fmt::format("{0}.id, {0}.ticker, {0}.sector, {0}.bar_interval, {0}.start_ts, {0}.end_ts", alias);
  for (const auto& f : ColumnFields()) out += fmt::format(", {}.\"{}\"", alias, f.name);
  out += fmt::format(", {0}d.patterns, {0}d.summary, {0}v.shape", alias);
  return out;
}

std::string WindowFrom(std::string_view alias) {
  return fmt::format("windows {0} JOIN window_docs {0}d ON {0}d.label = {0}.label "
                     "JOIN window_vectors {0}v ON {0}v.label = {0}.label",
                     alias);
}

int WindowSelectColumnCount() {
  return kLeadColumns + static_cast<int>(ColumnFields().size()) + kTrailColumns;
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
  for (const auto& f : ColumnFields()) f.set(w, s.Double(col++));
  OHLCV_ASSIGN_OR_RETURN(w.patterns, DecodePatterns(s.Blob(col)));
  w.summary = s.Text(col + 1);
  w.shape = BlobToFloats(s.Blob(col + 2));
  return w;
}

std::string WindowInsertSql() {
  std::string cols = "label, seq, id, ticker, sector, bar_interval, start_ts, end_ts, pattern_mask";
  std::string params = "?, ?, ?, ?, ?, ?, ?, ?, ?";
  for (const auto& f : ColumnFields()) {
    cols += fmt::format(", \"{}\"", f.name);
    params += ", ?";
  }
  return fmt::format("INSERT OR REPLACE INTO windows({}) VALUES({})", cols, params);
}

void BindWindowRow(sqlite::Stmt& s, const Window& w, int64_t seq, int64_t label) {
  s.BindInt(1, label);
  s.BindInt(2, seq);
  s.BindText(3, w.id);
  s.BindText(4, w.ticker);
  s.BindText(5, w.sector);
  s.BindInt(6, static_cast<int64_t>(w.interval));
  s.BindInt(7, w.start_ts);
  s.BindInt(8, w.end_ts);
  s.BindInt(9, PatternMask(w.patterns));
  int i = 10;
  for (const auto& f : ColumnFields()) s.BindDouble(i++, f.get(w));
}

std::string DocInsertSql() {
  return "INSERT OR REPLACE INTO window_docs(label, patterns, summary) VALUES(?, ?, ?)";
}

std::string VectorInsertSql() {
  return "INSERT OR REPLACE INTO window_vectors(label, text_vec, shape) VALUES(?, ?, ?)";
}

namespace {

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

// Reads a varint at *p; false when the blob ends first or it runs past 10 bytes.
bool GetVarint(const std::byte*& p, const std::byte* end, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 70 && p < end; shift += 7) {
    const auto b = static_cast<uint8_t>(*p++);
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

std::string EncodePatterns(const std::vector<PatternEvent>& events) {
  std::string out;
  out.reserve(events.size() * 16);
  int64_t prev_bar = 0, prev_ts = 0;
  for (const auto& e : events) {
    out.push_back(static_cast<char>(e.kind));
    PutVarint(out, ZigZag(static_cast<int64_t>(e.bar) - prev_bar));
    PutVarint(out, ZigZag(e.ts - prev_ts));
    PutVarint(out, ZigZag(e.ref_ts - e.ts));
    char value[sizeof(double)];
    std::memcpy(value, &e.value, sizeof(value));
    out.append(value, sizeof(value));
    prev_bar = e.bar;
    prev_ts = e.ts;
  }
  return out;
}

Result<std::vector<PatternEvent>> DecodePatterns(std::span<const std::byte> blob) {
  std::vector<PatternEvent> out;
  const std::byte* p = blob.data();
  const std::byte* end = p + blob.size();
  int64_t prev_bar = 0, prev_ts = 0;
  while (p < end) {
    PatternEvent e;
    const int kind = static_cast<int>(*p++);
    if (kind >= static_cast<int>(PatternKind::kCount)) return Status::Corruption("bad pattern kind");
    e.kind = static_cast<PatternKind>(kind);
    uint64_t bar = 0, ts = 0, ref = 0;
    if (!GetVarint(p, end, &bar) || !GetVarint(p, end, &ts) || !GetVarint(p, end, &ref) ||
        end - p < static_cast<ptrdiff_t>(sizeof(double))) {
      return Status::Corruption("truncated pattern event");
    }
    e.bar = static_cast<uint32_t>(prev_bar + UnZigZag(bar));
    e.ts = prev_ts + UnZigZag(ts);
    e.ref_ts = e.ts + UnZigZag(ref);
    std::memcpy(&e.value, p, sizeof(double));
    p += sizeof(double);
    prev_bar = e.bar;
    prev_ts = e.ts;
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

#include "store/sqlite_bar_codec.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>

namespace ohlcv::store_internal {
namespace {

constexpr double kMaxExact = 9007199254740992.0;  // 2^53

bool SameBits(double a, double b) { return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b); }

// The cents of `v` when v is exactly cents / 100.0.
std::optional<int64_t> Cents(double v) {
  if (!(std::fabs(v) < kMaxExact / 100) || SameBits(v, -0.0)) return std::nullopt;  // also NaN, inf
  const double c = std::nearbyint(v * 100.0);
  if (!SameBits(c / 100.0, v)) return std::nullopt;
  return static_cast<int64_t>(c);
}

std::optional<int64_t> Whole(double v) {
  if (!(std::fabs(v) < kMaxExact) || std::trunc(v) != v || SameBits(v, -0.0)) return std::nullopt;
  return static_cast<int64_t>(v);
}

void SqlEncode(sqlite3_context* ctx, sqlite3_value* arg, bool price) {
  switch (sqlite3_value_type(arg)) {
    case SQLITE_NULL: sqlite3_result_null(ctx); return;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: {
      const double v = sqlite3_value_double(arg);
      if (auto i = price ? Cents(v) : Whole(v)) {
        sqlite3_result_int64(ctx, *i);
      } else {
        sqlite3_result_double(ctx, v);
      }
      return;
    }
    default: sqlite3_result_value(ctx, arg);  // text or blob: left as it was
  }
}

}  // namespace

void BindPrice(sqlite::Stmt& st, int i, double v) {
  if (auto c = Cents(v)) return st.BindInt(i, *c);
  st.BindDouble(i, v);  // NaN -> NULL
}

void BindVolume(sqlite::Stmt& st, int i, double v) {
  if (auto w = Whole(v)) return st.BindInt(i, *w);
  st.BindDouble(i, v);
}

double ReadPrice(const sqlite::Stmt& st, int col) {
  if (sqlite3_column_type(st.get(), col) == SQLITE_INTEGER) return static_cast<double>(st.Int(col)) / 100.0;
  return st.Double(col);
}

double ReadVolume(const sqlite::Stmt& st, int col) {
  if (sqlite3_column_type(st.get(), col) == SQLITE_INTEGER) return static_cast<double>(st.Int(col));
  return st.Double(col);
}

Status RegisterBarCodecFunctions(sqlite::Db& db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  int rc = sqlite3_create_function(
      db.handle(), "ohlcv_price", 1, flags, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) { SqlEncode(ctx, argv[0], true); }, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function(
        db.handle(), "ohlcv_volume", 1, flags, nullptr,
        [](sqlite3_context* ctx, int, sqlite3_value** argv) { SqlEncode(ctx, argv[0], false); }, nullptr,
        nullptr);
  }
  return rc == SQLITE_OK ? Status::Ok() : db.Error("register bar codec functions");
}

}  // namespace ohlcv::store_internal

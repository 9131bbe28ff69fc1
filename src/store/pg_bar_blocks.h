// The block layout of the PostgreSQL bar store (pg_bar_store.h, schema
// version 4): a series' bars in bar_blocks rows of up to kBarsPerBlock
// consecutive bars, kBarBytes a bar (ts int8, then open, high, low, close,
// volume, adj_close float8, all big-endian as int8send/float8send write
// them; every NaN as the one quiet NaN). The migration from one row per bar
// (store/pg_conn.cc, step 4) writes the same bytes in SQL.
//
// Thread-safety: pure functions; a CopyBuffer is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bar_series.h"
#include "core/status.h"
#include "store/bar_store.h"

namespace ohlcv::store_internal {

inline constexpr size_t kBarsPerBlock = 1024;
inline constexpr size_t kBarBytes = 56;

// PostgreSQL binary COPY format: signature, flags, header extension length;
// per tuple a field count and (length, bytes) per field, -1 for NULL.
class CopyBuffer {
 public:
  CopyBuffer();
  void Tuple(int16_t fields) { Int16(fields); }
  void Bytes(std::string_view s);
  void Int(int32_t v);
  void BigInt(int64_t v);
  // The stream with its trailer; call once.
  std::string_view Finish();

 private:
  void Int16(int16_t v);
  void Int32(int32_t v);
  void Be64(uint64_t v);
  std::string out_;
};

// Appends the bars of `data` (one block of `n` bars) with ts in [start, end]
// to `out`; Corruption when the size is not n bars.
Status DecodeBlock(std::string_view data, int64_t n, int64_t start, int64_t end, BarSeries& out);

// Stored bars `old` and incoming `in` (both ascending) as one series; an
// incoming bar replaces a stored one with its timestamp. Counts into `stats`
// (a bar equal in every value, NaN equal to NaN, is unchanged).
BarSeries MergeBars(const BarSeries& old, const BarSeries& in, UpsertStats& stats);

// COPY rows of bar_blocks(series, first_ts, last_ts, n, data) for `bars`,
// kBarsPerBlock to a block, appended to `buf`.
void BlockCopy(int32_t series, const BarSeries& bars, CopyBuffer& buf);

}  // namespace ohlcv::store_internal

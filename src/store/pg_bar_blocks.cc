#include "store/pg_bar_blocks.h"

#include <endian.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ohlcv::store_internal {
namespace {

int64_t LoadBe64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return static_cast<int64_t>(be64toh(v));
}

double LoadBeDouble(const char* p) {
  const uint64_t bits = static_cast<uint64_t>(LoadBe64(p));
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

void StoreBe64(std::string& out, uint64_t v) {
  v = htobe64(v);
  out.append(reinterpret_cast<const char*>(&v), 8);
}

// Every NaN is written as the quiet NaN float8send('NaN') gives, so a NaN
// reads back as NaN and migrated and new blocks agree byte for byte.
void StoreBeDouble(std::string& out, double d) {
  uint64_t bits = 0x7ff8000000000000;
  if (!std::isnan(d)) std::memcpy(&bits, &d, 8);
  StoreBe64(out, bits);
}

// As the SQL comparison it replaces: equal numbers, or both NaN.
bool SameValue(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
bool SameBar(const BarSeries& a, size_t i, const BarSeries& b, size_t j) {
  return SameValue(a.open[i], b.open[j]) && SameValue(a.high[i], b.high[j]) &&
         SameValue(a.low[i], b.low[j]) && SameValue(a.close[i], b.close[j]) &&
         SameValue(a.volume[i], b.volume[j]) && SameValue(a.adj_close[i], b.adj_close[j]);
}

}  // namespace

CopyBuffer::CopyBuffer() {
  static const char kSig[] = "PGCOPY\n\377\r\n";
  out_.append(kSig, 11);
  Int32(0);
  Int32(0);
}

void CopyBuffer::Bytes(std::string_view s) {
  Int32(static_cast<int32_t>(s.size()));
  out_.append(s);
}

void CopyBuffer::Int(int32_t v) {
  Int32(4);
  Int32(v);
}

void CopyBuffer::BigInt(int64_t v) {
  Int32(8);
  Be64(static_cast<uint64_t>(v));
}

std::string_view CopyBuffer::Finish() {
  Int16(-1);
  return out_;
}

void CopyBuffer::Int16(int16_t v) {
  uint16_t b = htobe16(static_cast<uint16_t>(v));
  out_.append(reinterpret_cast<const char*>(&b), 2);
}

void CopyBuffer::Int32(int32_t v) {
  uint32_t b = htobe32(static_cast<uint32_t>(v));
  out_.append(reinterpret_cast<const char*>(&b), 4);
}

void CopyBuffer::Be64(uint64_t v) {
  uint64_t b = htobe64(v);
  out_.append(reinterpret_cast<const char*>(&b), 8);
}

// Appends the bars of `data` (one block) with ts in [start, end] to `out`.
Status DecodeBlock(std::string_view data, int64_t n, int64_t start, int64_t end, BarSeries& out) {
  if (n < 0 || data.size() != static_cast<size_t>(n) * kBarBytes) {
    return Status::Corruption("bar block of " + std::to_string(data.size()) + " bytes for " +
                              std::to_string(n) + " bars");
  }
  for (const char* p = data.data(); p != data.data() + data.size(); p += kBarBytes) {
    const int64_t ts = LoadBe64(p);
    if (ts < start || ts > end) continue;
    out.push_back(Bar{ts, LoadBeDouble(p + 8), LoadBeDouble(p + 16), LoadBeDouble(p + 24),
                      LoadBeDouble(p + 32), LoadBeDouble(p + 40), LoadBeDouble(p + 48)});
  }
  return Status::Ok();
}

// Stored bars `old` and incoming `in` (both ascending) into one series; an
// incoming bar replaces a stored one with its timestamp.
BarSeries MergeBars(const BarSeries& old, const BarSeries& in, UpsertStats& stats) {
  BarSeries out;
  out.reserve(old.size() + in.size());
  size_t i = 0, j = 0;
  while (i < old.size() || j < in.size()) {
    if (j == in.size() || (i < old.size() && old.ts[i] < in.ts[j])) {
      out.push_back(old.at(i++));
    } else if (i == old.size() || in.ts[j] < old.ts[i]) {
      ++stats.inserted;
      out.push_back(in.at(j++));
    } else {
      ++(SameBar(old, i, in, j) ? stats.unchanged : stats.updated);
      out.push_back(in.at(j++));
      ++i;
    }
  }
  return out;
}

// COPY rows of bar_blocks(series, first_ts, last_ts, n, data) for `bars`,
// kBarsPerBlock to a block.
void BlockCopy(int32_t series, const BarSeries& bars, CopyBuffer& buf) {
  std::string data;
  for (size_t begin = 0; begin < bars.size(); begin += kBarsPerBlock) {
    const size_t end = std::min(bars.size(), begin + kBarsPerBlock);
    data.clear();
    for (size_t i = begin; i < end; ++i) {
      StoreBe64(data, static_cast<uint64_t>(bars.ts[i]));
      for (const auto* col : {&bars.open, &bars.high, &bars.low, &bars.close, &bars.volume, &bars.adj_close}) {
        StoreBeDouble(data, (*col)[i]);
      }
    }
    buf.Tuple(5);
    buf.Int(series);
    buf.BigInt(bars.ts[begin]);
    buf.BigInt(bars.ts[end - 1]);
    buf.Int(static_cast<int32_t>(end - begin));
    buf.Bytes(data);
  }
}

}  // namespace ohlcv::store_internal

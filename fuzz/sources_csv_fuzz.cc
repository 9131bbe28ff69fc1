// libFuzzer target for the CSV parser (issue 2, "Bad input"). Feeds arbitrary
// bytes to ParseCsvBuffer, lenient and strict, and checks the contract on
// what comes back: every series strictly increasing in time, every bar usable
// by CheckBar, one column size per series, rows_read bounding the output.
//
//   cmake -S . -B build-fuzz -G Ninja -DOHLCV_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++
//   ninja -C build-fuzz sources_csv_fuzz && build-fuzz/fuzz/sources_csv_fuzz -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sources/bar_check.h"
#include "sources/csv_source.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void Verify(const ohlcv::Result<ohlcv::FetchResult>& r) {
  if (!r.ok()) {
    Check(!r.status().message().empty());
    return;
  }
  uint64_t bars = 0;
  for (const ohlcv::BarSeries& s : r->series) {
    Check(!s.empty() && !s.ticker.empty());
    Check(s.open.size() == s.size() && s.high.size() == s.size() && s.low.size() == s.size() &&
          s.close.size() == s.size() && s.volume.size() == s.size() && s.adj_close.size() == s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      Check(!ohlcv::CheckBar(s.at(i)).has_value());
      if (i > 0) Check(s.ts[i] > s.ts[i - 1]);
    }
    bars += s.size();
  }
  Check(bars <= r->rows_read);
  for (const ohlcv::RowIssue& issue : r->issues) Check(!issue.where.empty() && !issue.reason.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string name = "fuzz.csv";
  ohlcv::FetchRequest lenient;
  Verify(ohlcv::ParseCsvBuffer(text, name, lenient));

  ohlcv::FetchRequest strict;
  strict.strict = true;
  strict.tickers = {"fuzz", "a"};
  strict.start = 0;
  strict.end = 4102444800;  // 2100-01-01
  Verify(ohlcv::ParseCsvBuffer(text, name, strict));
  return 0;
}

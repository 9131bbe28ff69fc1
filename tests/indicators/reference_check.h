// Test helpers: a tiny OHLCV CSV reader and a data-driven comparison of an
// IndicatorSet against a reference CSV (../shared/indicator-refs/*.csv
// format: `date` plus one column per indicator name, blank = warm-up).
//
// Header-only so any test in tests/indicators/ can check another ticker by
// pointing CheckAgainstReference at its bars CSV and reference CSV.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/bar_series.h"
#include "indicators/indicator_set.h"

namespace ohlcv::testing {

inline std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream ss(line);
  while (std::getline(ss, cell, ',')) {
    if (!cell.empty() && cell.back() == '\r') cell.pop_back();
    cells.push_back(cell);
  }
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

inline std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A parsed CSV: header names and rows of cells.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  int Column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (Lower(header[i]) == Lower(name)) return static_cast<int>(i);
    }
    return -1;
  }
};

// Reads a whole CSV; false (with ADD_FAILURE) when it cannot be opened.
inline bool ReadCsv(const std::string& path, CsvTable* table) {
  std::ifstream f(path);
  if (!f) {
    ADD_FAILURE() << "cannot open " << path;
    return false;
  }
  std::string line;
  if (!std::getline(f, line)) return false;
  table->header = SplitCsvLine(line);
  while (std::getline(f, line)) {
    if (line.empty() || line == "\r") continue;
    table->rows.push_back(SplitCsvLine(line));
  }
  return true;
}

// Bars from a `Date,High,Low,Open,Close,Volume,...` file (any column order),
// with the dates kept beside them for row matching.
inline bool ReadBarsCsv(const std::string& path, BarSeries* bars, std::vector<std::string>* dates) {
  CsvTable t;
  if (!ReadCsv(path, &t)) return false;
  const int date = t.Column("date"), open = t.Column("open"), high = t.Column("high"),
            low = t.Column("low"), close = t.Column("close"), volume = t.Column("volume");
  if (date < 0 || open < 0 || high < 0 || low < 0 || close < 0 || volume < 0) {
    ADD_FAILURE() << path << ": missing one of Date/Open/High/Low/Close/Volume";
    return false;
  }
  for (const auto& r : t.rows) {
    Bar b;
    b.ts = static_cast<int64_t>(bars->size()) * 86400;  // order only matters here
    b.open = std::strtod(r.at(open).c_str(), nullptr);
    b.high = std::strtod(r.at(high).c_str(), nullptr);
    b.low = std::strtod(r.at(low).c_str(), nullptr);
    b.close = std::strtod(r.at(close).c_str(), nullptr);
    b.volume = std::strtod(r.at(volume).c_str(), nullptr);
    bars->push_back(b);
    dates->push_back(r.at(date));
  }
  return true;
}

// Relative agreement: |a - b| <= tol * max(|a|, |b|) (exact zeros must match).
inline bool RelClose(double a, double b, double tol) {
  return std::fabs(a - b) <= tol * std::max(std::fabs(a), std::fabs(b));
}

struct ReferenceReport {
  size_t columns = 0;     // reference columns compared
  size_t cells = 0;       // numeric cells compared
  size_t mismatches = 0;  // value or warm-up (NaN vs blank) disagreements
};

// Computes every indicator for `bars_csv` and compares it with each column of
// `ref_csv` (mapped to an Indicator by IndicatorName). A blank reference cell
// must be NaN here and a number must agree within `rel_tol`. Failures are
// reported through gtest (first few per column); rows are matched by date.
// `first_row` skips leading rows (for libraries with other warm-up rules; the
// NaN pattern is then checked only where both sides have numbers).
inline ReferenceReport CheckAgainstReference(const std::string& bars_csv, const std::string& ref_csv,
                                             double rel_tol = 1e-9, size_t first_row = 0,
                                             const std::vector<std::string>& skip_columns = {}) {
  ReferenceReport report;
  BarSeries bars;
  std::vector<std::string> dates;
  CsvTable ref;
  if (!ReadBarsCsv(bars_csv, &bars, &dates) || !ReadCsv(ref_csv, &ref)) return report;
  EXPECT_EQ(ref.rows.size(), bars.size()) << ref_csv << " rows vs " << bars_csv;
  const size_t rows = std::min(ref.rows.size(), bars.size());
  const int date_col = ref.Column("date");
  for (size_t i = 0; i < rows && date_col >= 0; ++i) {
    if (ref.rows[i].at(date_col) != dates[i]) {
      ADD_FAILURE() << "row " << i << " date " << ref.rows[i].at(date_col) << " vs " << dates[i];
      return report;
    }
  }

  IndicatorSet set;
  set.Compute(bars);
  for (size_t c = 0; c < ref.header.size(); ++c) {
    const std::string& name = ref.header[c];
    if (static_cast<int>(c) == date_col) continue;
    if (std::find(skip_columns.begin(), skip_columns.end(), name) != skip_columns.end()) continue;
    const auto id = ParseIndicator(name);
    if (!id || IndicatorName(*id) != name) {
      ADD_FAILURE() << ref_csv << ": column '" << name << "' is not an indicator name";
      continue;
    }
    ++report.columns;
    size_t bad = 0;
    const bool check_warmup = first_row == 0;
    for (size_t i = first_row; i < rows; ++i) {
      const std::string& cell = c < ref.rows[i].size() ? ref.rows[i][c] : std::string();
      const double ours = set.at(*id, i);
      if (cell.empty()) {
        if (check_warmup && !std::isnan(ours)) {
          if (++bad <= 3) ADD_FAILURE() << name << " row " << i << " (" << dates[i]
                                       << "): reference blank, ours " << ours;
        }
        continue;
      }
      const double want = std::strtod(cell.c_str(), nullptr);
      if (std::isnan(ours) && !check_warmup) continue;
      ++report.cells;
      if (std::isnan(ours) || !RelClose(ours, want, rel_tol)) {
        if (++bad <= 3) {
          ADD_FAILURE() << name << " row " << i << " (" << dates[i] << "): want "
                        << ::testing::PrintToString(want) << " got "
                        << ::testing::PrintToString(ours) << " rel "
                        << std::fabs(ours - want) / std::max(std::fabs(want), 1e-300);
        }
      }
    }
    report.mismatches += bad;
  }
  return report;
}

}  // namespace ohlcv::testing

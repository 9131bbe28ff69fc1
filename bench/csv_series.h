// The shared dataset as the benches read it: the CSV files of a folder and
// each file through the project's CSV source, so a bench holds exactly the
// bars an ingest of it would store (answer_bench, retrieval_bench).
// Header-only, like bench_util.h.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sources/source.h"

namespace ohlcv::bench {

// The .csv files of `dir`, sorted by path (so every run reads them in one order).
inline std::vector<std::string> CsvFilesIn(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".csv") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The first series of one CSV file; empty when the file does not parse.
inline BarSeries ReadCsvSeries(const std::string& path) {
  auto source = NewCsvSource({path, ""});
  FetchRequest request;
  auto units = source->Plan(request);
  if (!units.ok() || units->empty()) return {};
  auto fetched = source->Fetch(units->front(), request);
  if (!fetched.ok() || fetched->series.empty()) return {};
  return std::move(fetched->series.front());
}

}  // namespace ohlcv::bench

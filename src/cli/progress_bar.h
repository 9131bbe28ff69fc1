// A one-line progress bar on stderr, drawn only when stderr is a terminal
// (logs and pipes stay clean). Redraws at most every 100 ms.
//
// Thread-safety: needs external synchronization (the ingest pipeline calls
// its progress callback one call at a time).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace ohlcv::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  // ends the line if anything was drawn

  // `detail` is shown after the counts ("AAPL  412k bars").
  void Update(size_t done, size_t total, const std::string& detail);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace ohlcv::cli

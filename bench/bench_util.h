// Small helpers shared by the hand-rolled benchmark binaries (index_bench,
// index_chroma_bench, retrieval_bench): clocks, load average, order
// statistics and synthetic clustered vectors. Header-only; benches are single
// translation units. Not thread-safe only where noted (none keep state).
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace ohlcv::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU seconds of the process or of this thread: on a shared, loaded machine
// they show the cost of the work apart from waiting for a core.
inline double CpuSeconds(clockid_t clock = CLOCK_PROCESS_CPUTIME_ID) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return double(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

// The 1-minute load average, printed beside wall-clock figures.
inline std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

// Nearest-rank percentile, p in [0, 1]; 0 for no samples.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}
inline double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

// n unit vectors of `dim` floats around `clusters` random centres (Gaussian
// noise of `noise`): a stand-in for real embeddings, which cluster by topic.
inline std::vector<float> Clustered(std::mt19937& rng, size_t n, size_t dim, float noise,
                                    size_t clusters) {
  std::normal_distribution<float> g;
  std::vector<float> centres(clusters * dim);
  for (auto& x : centres) x = g(rng);
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  std::vector<float> out(n * dim);
  for (size_t i = 0; i < n; ++i) {
    size_t c = pick(rng);
    double ss = 0;
    for (size_t j = 0; j < dim; ++j) {
      float v = centres[c * dim + j] + noise * g(rng);
      out[i * dim + j] = v;
      ss += double(v) * v;
    }
    float inv = static_cast<float>(1 / std::sqrt(ss));
    for (size_t j = 0; j < dim; ++j) out[i * dim + j] *= inv;
  }
  return out;
}

}  // namespace ohlcv::bench

// RollingExtremum: highest (or lowest) value of a sliding window in O(1)
// amortised per bar, for the breakout, squeeze and consolidation kernels.
//
// A monotonic queue of bar indices held in a ring sized once at construction,
// so sliding allocates nothing. Values are read from the borrowed span, which
// must outlive the object. Internal to patterns/.
//
// Thread-safety: needs external synchronization.
#pragma once

#include <bit>
#include <cstddef>
#include <span>
#include <vector>

namespace ohlcv {

// kMax = true tracks the maximum, false the minimum.
template <bool kMax>
class RollingExtremum {
 public:
  // REQUIRES: window >= 1.
  RollingExtremum(std::span<const double> x, size_t window)
      : x_(x), window_(window), ring_(std::bit_ceil(window + 1)), mask_(ring_.size() - 1) {}

  // Slides the window to [t - window + 1, t] (clipped at the last Reset).
  // REQUIRES: t increases by one per call since construction or Reset.
  void Push(size_t t) {
    while (head_ != tail_ && ring_[head_ & mask_] + window_ <= t) ++head_;
    const double v = x_[t];
    while (head_ != tail_ && !Dominates(x_[ring_[(tail_ - 1) & mask_]], v)) --tail_;
    ring_[tail_ & mask_] = t;
    ++tail_;
  }

  // Empties the window (e.g. after an unknown cell); the next Push starts it.
  void Reset() { head_ = tail_ = 0; }

  // The extremum of the current window. REQUIRES: at least one Push since Reset.
  double value() const { return x_[ring_[head_ & mask_]]; }

 private:
  // Whether an older value a keeps its place ahead of a newer value b. Ties
  // evict the older one, so value() is the newest of equal extremes.
  static bool Dominates(double a, double b) { return kMax ? a > b : a < b; }

  std::span<const double> x_;
  size_t window_;
  std::vector<size_t> ring_;  // power-of-two size, so positions wrap with a mask
  size_t mask_;
  size_t head_ = 0;  // monotonically increasing positions, wrapped by mask_
  size_t tail_ = 0;
};

using RollingMax = RollingExtremum<true>;
using RollingMin = RollingExtremum<false>;

// Mean of the `window` values before the current bar, kept as a running sum.
// Used for "volume versus its prior 20-bar average".
class PriorMean {
 public:
  PriorMean(std::span<const double> x, size_t window) : x_(x), window_(window) {}
  // Whether the window before bar t is full (t >= window).
  bool ready(size_t t) const { return t >= window_; }
  // Mean of x[t - window, t). REQUIRES: ready(t); Advance(t - 1) was the
  // previous call.
  double mean() const { return sum_ / static_cast<double>(window_); }
  // Adds bar t to the running window (call after using mean() at t).
  void Advance(size_t t) {
    sum_ += x_[t];
    if (t >= window_) sum_ -= x_[t - window_];
  }

 private:
  std::span<const double> x_;
  size_t window_;
  double sum_ = 0;
};

}  // namespace ohlcv

// MetricsRegistry: counters, gauges and histograms with labels, rendered in
// the Prometheus text exposition format (version 0.0.4) for /metrics.
//
// Families are registered once at startup; each returns a family object whose
// WithLabels() finds or creates one series. Series are never removed, so the
// pointers WithLabels() returns stay valid for the registry's lifetime and
// hot paths may cache them. Label values must come from bounded sets (route
// templates, status codes), never from raw request data.
//
// Thread-safety: safe for concurrent use. Updating a series is lock-free
// (atomics); WithLabels() takes a shared lock, and an exclusive one only the
// first time a label set is seen. Render() may run concurrently with updates.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ohlcv {

// A double that many threads add to without a lock.
class AtomicDouble {
 public:
  void Add(double d) {
    double cur = v_.load(std::memory_order_relaxed);
    while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
    }
  }
  void Set(double d) { v_.store(d, std::memory_order_relaxed); }
  double Get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Counter {
 public:
  void Inc(double d = 1) { v_.Add(d); }  // REQUIRES: d >= 0
  double Value() const { return v_.Get(); }

 private:
  AtomicDouble v_;
};

class Gauge {
 public:
  void Set(double d) { v_.Set(d); }
  void Add(double d) { v_.Add(d); }
  double Value() const { return v_.Get(); }

 private:
  AtomicDouble v_;
};

class Histogram {
 public:
  // REQUIRES: bounds strictly increasing.
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double v);
  // Cumulative counts per bound, then +Inf; and the sum.
  std::vector<uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.Get(); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1 (last = +Inf)
  AtomicDouble sum_;
};

// One family: a name, help, label names and its series by label values.
template <typename M>
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, std::vector<std::string> labels,
               std::function<std::unique_ptr<M>()> make)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), make_(std::move(make)) {}

  // REQUIRES: values.size() == label names' size.
  M& WithLabels(const std::vector<std::string>& values) {
    {
      std::shared_lock lock(mu_);
      auto it = series_.find(values);
      if (it != series_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto& slot = series_[values];
    if (!slot) slot = make_();
    return *slot;
  }
  // The unlabelled series of a family without labels.
  M& Get() { return WithLabels({}); }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labels() const { return labels_; }
  // Calls fn(label values, series) for each series, sorted by labels.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    std::shared_lock lock(mu_);
    for (const auto& [values, m] : series_) fn(values, *m);
  }

 private:
  std::string name_, help_;
  std::vector<std::string> labels_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::shared_mutex mu_;  // guards series_ (the map, not the series' values)
  std::map<std::vector<std::string>, std::unique_ptr<M>> series_;
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();

  // REQUIRES: called before serving (not concurrently with Render); names
  // unique and valid Prometheus names.
  CounterFamily& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {});
  GaugeFamily& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {});
  HistogramFamily& AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                std::vector<double> bounds);
  // A gauge whose value is read at scrape time (e.g. open connections).
  void AddCallbackGauge(std::string name, std::string help, std::function<double()> value);
  // Appends whole families in text format at scrape time (process_* metrics).
  void AddCollector(std::function<void(std::string* out)> collector);

  // The exposition text: every family in registration order.
  std::string Render() const;

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// Escapes a label value for the text format (backslash, quote, newline).
std::string EscapeLabelValue(std::string_view v);
// Formats a sample value as Prometheus expects ("+Inf", "NaN", shortest repr).
std::string FormatMetricValue(double v);

// Request duration buckets for ohlcv_request_duration_seconds: 0.0005 .. 10 s.
const std::vector<double>& RequestDurationBuckets();

// Appends the standard process_* families read from /proc/self:
// process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds. Linux only; on read failure the family is
// omitted rather than reported wrong.
void AppendProcessMetrics(std::string* out);

}  // namespace ohlcv

#include "service/http/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <variant>

namespace ohlcv {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.Add(v);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

struct MetricsRegistry::Entry {
  std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>, std::unique_ptr<HistogramFamily>,
               std::function<void(std::string*)>>
      v;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

CounterFamily& MetricsRegistry::AddCounter(std::string name, std::string help, std::vector<std::string> labels) {
  auto f = std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labels),
                                           [] { return std::make_unique<Counter>(); });
  auto& ref = *f;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(f)}));
  return ref;
}

GaugeFamily& MetricsRegistry::AddGauge(std::string name, std::string help, std::vector<std::string> labels) {
  auto f = std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(labels),
                                         [] { return std::make_unique<Gauge>(); });
  auto& ref = *f;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(f)}));
  return ref;
}

HistogramFamily& MetricsRegistry::AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                               std::vector<double> bounds) {
  auto f = std::make_unique<HistogramFamily>(std::move(name), std::move(help), std::move(labels),
                                             [bounds] { return std::make_unique<Histogram>(bounds); });
  auto& ref = *f;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(f)}));
  return ref;
}

void MetricsRegistry::AddCallbackGauge(std::string name, std::string help, std::function<double()> value) {
  AddCollector([name = std::move(name), help = std::move(help), value = std::move(value)](std::string* out) {
    *out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name,
                        FormatMetricValue(value()));
  });
}

void MetricsRegistry::AddCollector(std::function<void(std::string* out)> collector) {
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(collector)}));
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

namespace {

std::string Labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    out += fmt::format("{}{}=\"{}\"", i ? "," : "", names[i], EscapeLabelValue(values[i]));
  }
  if (!extra_name.empty()) out += fmt::format("{}{}=\"{}\"", names.empty() ? "" : ",", extra_name, extra_value);
  return out + "}";
}

template <typename F>
void Header(std::string* out, const F& f, std::string_view type) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name(), f.help(), f.name(), type);
}

}  // namespace

std::string MetricsRegistry::Render() const {
  std::string out;
  out.reserve(8192);
  for (const auto& e : entries_) {
    if (auto* c = std::get_if<std::unique_ptr<CounterFamily>>(&e->v)) {
      const auto& f = **c;
      Header(&out, f, "counter");
      f.ForEach([&](const std::vector<std::string>& values, const Counter& m) {
        out += fmt::format("{}{} {}\n", f.name(), Labels(f.labels(), values), FormatMetricValue(m.Value()));
      });
    } else if (auto* g = std::get_if<std::unique_ptr<GaugeFamily>>(&e->v)) {
      const auto& f = **g;
      Header(&out, f, "gauge");
      f.ForEach([&](const std::vector<std::string>& values, const Gauge& m) {
        out += fmt::format("{}{} {}\n", f.name(), Labels(f.labels(), values), FormatMetricValue(m.Value()));
      });
    } else if (auto* h = std::get_if<std::unique_ptr<HistogramFamily>>(&e->v)) {
      const auto& f = **h;
      Header(&out, f, "histogram");
      f.ForEach([&](const std::vector<std::string>& values, const Histogram& m) {
        auto counts = m.CumulativeCounts();
        for (size_t i = 0; i < m.bounds().size(); ++i) {
          out += fmt::format("{}_bucket{} {}\n", f.name(),
                             Labels(f.labels(), values, "le", FormatMetricValue(m.bounds()[i])), counts[i]);
        }
        out += fmt::format("{}_bucket{} {}\n", f.name(), Labels(f.labels(), values, "le", "+Inf"), counts.back());
        out += fmt::format("{}_sum{} {}\n", f.name(), Labels(f.labels(), values), FormatMetricValue(m.Sum()));
        out += fmt::format("{}_count{} {}\n", f.name(), Labels(f.labels(), values), counts.back());
      });
    } else if (auto* fn = std::get_if<std::function<void(std::string*)>>(&e->v)) {
      (*fn)(&out);
    }
  }
  return out;
}

const std::vector<double>& RequestDurationBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

}  // namespace ohlcv

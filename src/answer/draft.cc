#include "answer/draft.h"

#include <cmath>

#include <fmt/format.h>

#include "util/time.h"

namespace ohlcv {

std::string FormatPct(double pct) {
  if (!std::isfinite(pct)) return "n/a";
  // "-0.00%" would read as a loss; a value that rounds to zero is written +0.00%.
  if (std::fabs(pct) < 0.005) pct = 0;
  return fmt::format("{:+.2f}%", pct);
}
std::string FormatPrice(double price) {
  return std::isfinite(price) ? fmt::format("${:.2f}", price) : "n/a";
}
std::string FormatValue(double v) {
  if (!std::isfinite(v)) return "n/a";
  if (std::fabs(v) < 0.005) v = 0;
  return fmt::format("{:.2f}", v);
}
std::string FormatShare(double share) {
  return std::isfinite(share) ? fmt::format("{:.0f}%", share * 100.0) : "n/a";
}

size_t DraftBuilder::Computation(std::string name, nlohmann::json inputs, nlohmann::json result) {
  d_->computations.push_back({std::move(name), std::move(inputs), std::move(result)});
  return d_->computations.size() - 1;
}

std::string DraftBuilder::Add(size_t comp, std::string label, double value, std::string unit,
                              std::string text) {
  Fact f;
  f.label = std::move(label);
  f.value = value;
  f.unit = std::move(unit);
  f.text = text;
  f.computation = comp;
  d_->facts.push_back(std::move(f));
  return text;
}

std::string DraftBuilder::Pct(size_t comp, std::string label, double pct) {
  return Add(comp, std::move(label), pct, "%", FormatPct(pct));
}
std::string DraftBuilder::Price(size_t comp, std::string label, double price) {
  return Add(comp, std::move(label), price, "USD", FormatPrice(price));
}
std::string DraftBuilder::Date(size_t comp, std::string label, int64_t ts) {
  return Add(comp, std::move(label), static_cast<double>(ts), "date", FormatDate(ts));
}
std::string DraftBuilder::Value(size_t comp, std::string label, double v, std::string unit) {
  return Add(comp, std::move(label), v, std::move(unit), FormatValue(v));
}
std::string DraftBuilder::Share(size_t comp, std::string label, double share) {
  return Add(comp, std::move(label), share * 100.0, "%", FormatShare(share));
}
std::string DraftBuilder::Count(size_t comp, std::string label, size_t n) {
  return Add(comp, std::move(label), static_cast<double>(n), "count", std::to_string(n));
}

}  // namespace ohlcv

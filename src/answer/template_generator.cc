#include <fmt/format.h>

#include "answer/generator.h"

namespace ohlcv {
namespace {

class TemplateGenerator final : public Generator {
 public:
  std::string name() const override { return "template"; }
  Result<GeneratedText> Generate(const GroundedDraft& draft) override {
    return GeneratedText{TemplateText(draft), "template", {}};
  }
};

}  // namespace

std::string TemplateText(const GroundedDraft& d) {
  std::string out;
  for (const auto& s : d.statements) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  if (!d.disclaimer.empty()) out += "\n\n" + d.disclaimer;
  if (!d.sources.empty()) {
    out += "\n\nSources: ";
    for (size_t i = 0; i < d.sources.size(); ++i) {
      const auto& s = d.sources[i];
      out += fmt::format("{}[{}] {} {} to {}", i ? "; " : "", i + 1, s.ticker, s.start_date, s.end_date);
    }
    out += ".";
  }
  return out;
}

std::unique_ptr<Generator> NewTemplateGenerator() { return std::make_unique<TemplateGenerator>(); }

}  // namespace ohlcv

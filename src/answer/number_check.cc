// Grounding check of LLM replies: every number must come from the draft.
#include <cmath>
#include <regex>
#include <set>
#include <string>

#include "answer/generator.h"

namespace ohlcv {
namespace {

const std::regex& DateRe() {
  static const std::regex re(R"(\b\d{4}-\d{2}-\d{2}\b)");
  return re;
}
const std::regex& NumberRe() {
  static const std::regex re(R"([-+]?\$?\d[\d,]*(?:\.\d+)?%?)");
  return re;
}

struct Parsed {
  double value;
  int decimals;
};

Parsed ParseNumber(const std::string& raw) {
  std::string s;
  int decimals = 0;
  bool after_dot = false;
  for (char ch : raw) {
    if (ch == '$' || ch == ',' || ch == '%' || ch == '+') continue;
    if (ch == '.') after_dot = true;
    else if (after_dot) ++decimals;
    s.push_back(ch);
  }
  return {std::strtod(s.c_str(), nullptr), decimals};
}

// Dates and numbers of a grounded text, added to the allowed sets.
void Collect(const std::string& text, std::set<std::string>* dates, std::vector<double>* numbers) {
  for (auto it = std::sregex_iterator(text.begin(), text.end(), DateRe()); it != std::sregex_iterator(); ++it)
    dates->insert(it->str());
  const std::string rest = std::regex_replace(text, DateRe(), " ");
  for (auto it = std::sregex_iterator(rest.begin(), rest.end(), NumberRe()); it != std::sregex_iterator(); ++it)
    numbers->push_back(ParseNumber(it->str()).value);
}

}  // namespace

std::vector<std::string> UnverifiedNumbers(std::string_view reply_view, const GroundedDraft& d) {
  std::set<std::string> dates;
  std::vector<double> allowed;
  for (const auto& f : d.facts) {
    allowed.push_back(f.value);
    Collect(f.text, &dates, &allowed);
  }
  for (const auto& s : d.statements) Collect(s, &dates, &allowed);
  for (const auto& s : d.sources) {
    dates.insert(s.start_date);
    dates.insert(s.end_date);
  }
  Collect(d.question, &dates, &allowed);
  Collect(d.disclaimer, &dates, &allowed);

  std::vector<std::string> out;
  const std::string reply(reply_view);
  for (auto it = std::sregex_iterator(reply.begin(), reply.end(), DateRe()); it != std::sregex_iterator(); ++it)
    if (!dates.count(it->str())) out.push_back(it->str());
  const std::string rest = std::regex_replace(reply, DateRe(), " ");
  for (auto it = std::sregex_iterator(rest.begin(), rest.end(), NumberRe()); it != std::sregex_iterator(); ++it) {
    const std::string raw = it->str();
    const Parsed p = ParseNumber(raw);
    if (p.decimals == 0 && p.value >= 0 && p.value <= 12 && std::floor(p.value) == p.value) continue;
    const double tol = 0.5 * std::pow(10.0, -p.decimals) + 1e-9;
    bool ok = false;
    for (double v : allowed) {
      if (std::fabs(p.value - v) <= tol || std::fabs(std::fabs(p.value) - std::fabs(v)) <= tol) {
        ok = true;
        break;
      }
    }
    if (!ok) out.push_back(raw);
  }
  return out;
}

}  // namespace ohlcv

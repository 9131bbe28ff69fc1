#include "cli/answer_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <cmath>
#include <sstream>

#include "cli/cli_common.h"
#include "core/pattern.h"
#include "kb/question_scope.h"

namespace ohlcv::cli {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "breakout_20_high breakout_52w_high" -> "20-day high breakout or ...";
// words that are not pattern names stay.
std::string PatternWords(const std::string& names) {
  std::istringstream in(names);
  std::string name, out;
  while (in >> name) {
    auto kind = ParsePatternKind(name);
    std::string phrase = kind.ok() ? std::string(PatternKindPhrase(*kind)) : name;
    out += (out.empty() ? "" : " or ") + phrase;
  }
  return out;
}

// One note: "<kind>: <phrase> -> <target>" or "<kind>: <text>".
std::string NoteInWords(const std::string& note) {
  size_t colon = note.find(": ");
  if (colon == std::string::npos) return note;
  const std::string kind = note.substr(0, colon);
  std::string rest = note.substr(colon + 2);
  std::string phrase = rest, target;
  if (size_t arrow = rest.find(" -> "); arrow != std::string::npos) {
    phrase = rest.substr(0, arrow);
    target = rest.substr(arrow + 4);
  }
  if (kind == "pattern") return PatternWords(target.empty() ? phrase : target);
  if (kind == "sector") return (target.empty() ? phrase : target) + " sector";
  if (kind == "company") return target.empty() ? phrase : target + " (" + phrase + ")";
  if (kind == "date" || kind == "ticker") return rest;
  return note;
}

// {"ticker":"AAPL","return_pct":86.16} -> "ticker AAPL, return_pct 86.16".
std::string Flat(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_float()) {
    double v = j.get<double>();
    return std::fabs(v) >= 1000 ? fmt::format("{:.0f}", v) : fmt::format("{:.4g}", v);
  }
  if (j.is_array()) {
    std::string out;
    for (const auto& x : j) out += (out.empty() ? "" : ", ") + Flat(x);
    return "[" + out + "]";
  }
  if (j.is_object()) {
    std::string out;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += (out.empty() ? "" : ", ") + it.key() + " " + Flat(it.value());
    }
    return out;
  }
  return j.dump();
}

std::string Percentish(double v) { return fmt::format("{:.0f}%", std::clamp(v, 0.0, 1.0) * 100); }

}  // namespace

std::string AnswerBody(const Answer& answer) {
  std::string text = answer.text;
  if (answer.sources.empty()) return Trim(text);
  size_t at = text.rfind("\n\nSources: ");
  if (at != std::string::npos && text.find("[1] ", at) != std::string::npos &&
      text.find("\n\n", at + 2) == std::string::npos) {
    text.erase(at);
  }
  return Trim(text);
}

std::string UnderstoodInWords(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) {
    std::string w = Trim(NoteInWords(n));
    if (w.empty()) continue;
    out += (out.empty() ? "" : "; ") + w;
  }
  return out;
}

std::string RenderAnswerText(const Answer& answer, size_t width) {
  std::string out = AnswerBody(answer) + "\n";
  if (answer.facts.size() >= 2) {
    size_t label_w = 0;
    for (const auto& f : answer.facts) label_w = std::max(label_w, f.label.size());
    label_w = std::min<size_t>(label_w, 48);
    out += "\nFigures:\n";
    for (const auto& f : answer.facts) {
      out += fmt::format("  {:<{}}  {:>12}\n", f.label, label_w, f.text);
    }
  }
  std::string understood = UnderstoodInWords(answer.notes);
  if (!understood.empty()) out += "\nUnderstood: " + understood + "\n";
  if (!answer.computations.empty()) {
    out += "\nHow this was computed:\n";
    for (const auto& c : answer.computations) {
      out += "  " + c.name + " of " + Flat(c.inputs) + "\n    = " + Flat(c.result) + "\n";
    }
  }
  if (!answer.sources.empty()) {
    out += ConfidenceIsMeaningful(answer)
               ? fmt::format("\nSources (confidence {}: data coverage and exact matches):\n",
                             Percentish(answer.confidence))
               : std::string("\nSources:\n");
    for (size_t i = 0; i < answer.sources.size(); ++i) {
      const auto& src = answer.sources[i];
      out += fmt::format("  [{}] {} {} to {}{}\n", i + 1, src.ticker, src.start_date, src.end_date,
                         src.exact ? "  (matches every condition asked)" : "");
    }
  }
  return width ? WrapText(out, width) : out;
}

int PrintAnswer(const Answer& answer, bool json) {
  if (json) {
    PrintJson(AnswerToJson(answer));
    return kExitOk;  // the JSON says no_data itself
  }
  size_t cols = TerminalColumns();
  std::cout << RenderAnswerText(answer, cols ? std::min<size_t>(cols, 120) : 0);
  return answer.no_data ? 3 : kExitOk;
}

}  // namespace ohlcv::cli

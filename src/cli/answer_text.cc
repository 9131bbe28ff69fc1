#include "cli/answer_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
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
  if (kind == "out of scope") return "";  // the answer says so itself
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

bool IsDateAt(const std::string& s, size_t i) {
  static const char kShape[] = "dddd-dd-dd";
  if (i + 10 > s.size()) return false;
  for (size_t k = 0; k < 10; ++k) {
    bool digit = std::isdigit(static_cast<unsigned char>(s[i + k])) != 0;
    if (kShape[k] == 'd' ? !digit : s[i + k] != '-') return false;
  }
  return true;
}

// "AAPL 2018-01-02 to 2018-12-31 return" -> {"AAPL 2018-01-02 to
// 2018-12-31", "return"}: the subject ends with its last date; without a
// date, the first word is the subject.
std::pair<std::string, std::string> SplitLabel(const std::string& label) {
  size_t end = std::string::npos;
  for (size_t i = 0; i + 10 <= label.size(); ++i) {
    if (IsDateAt(label, i)) end = i + 10;
  }
  if (end == std::string::npos) end = label.find(' ');
  if (end == std::string::npos || end >= label.size()) return {label, ""};
  return {label.substr(0, end), Trim(label.substr(end))};
}

// The value as written, with its unit when the text lacks it ("22.38" -> "22.38%").
std::string FactValue(const Fact& f) {
  if (f.unit == "%" && !f.text.empty() && f.text.back() != '%') return f.text + "%";
  return f.text;
}

// Figures: one subject -> "measure  value" rows under the subject; several
// -> a table with a column per subject (tickers as headers when they share
// the period) when it fits in `width`, else one block per subject.
std::string FiguresTable(const std::vector<Fact>& facts, size_t width) {
  std::vector<std::string> subjects, measures;
  std::map<std::pair<std::string, std::string>, std::string> cell;
  for (const auto& f : facts) {
    auto [subject, measure] = SplitLabel(f.label);
    if (std::find(subjects.begin(), subjects.end(), subject) == subjects.end()) subjects.push_back(subject);
    if (std::find(measures.begin(), measures.end(), measure) == measures.end()) measures.push_back(measure);
    std::string& c = cell[{subject, measure}];
    c += (c.empty() ? "" : ", ") + FactValue(f);
  }
  size_t measure_w = 0;
  for (const auto& m : measures) measure_w = std::max(measure_w, m.size());
  std::string out;
  if (subjects.size() == 1) {
    out += "\nFigures (" + subjects[0] + "):\n";
    for (const auto& m : measures) out += fmt::format("  {:<{}}  {}\n", m, measure_w, cell[{subjects[0], m}]);
    return out;
  }
  // The period most subjects share is named once; their columns are headed
  // by the ticker alone.
  std::map<std::string, size_t> periods;
  std::vector<std::string> rests;
  for (const auto& s : subjects) {
    size_t sp = s.find(' ');
    rests.push_back(sp == std::string::npos ? "" : s.substr(sp + 1));
    if (!rests.back().empty()) ++periods[rests.back()];
  }
  std::string period;
  size_t best = 1;
  for (const auto& [p, n] : periods) {
    if (n > best) {
      best = n;
      period = p;
    }
  }
  const bool shared = !period.empty();
  std::vector<std::string> heads;
  for (size_t i = 0; i < subjects.size(); ++i) {
    heads.push_back(shared && rests[i] == period ? subjects[i].substr(0, subjects[i].find(' ')) : subjects[i]);
  }
  std::vector<size_t> col_w;
  size_t total = 2 + measure_w;
  for (size_t i = 0; i < subjects.size(); ++i) {
    size_t w = heads[i].size();
    for (const auto& m : measures) w = std::max(w, cell[{subjects[i], m}].size());
    col_w.push_back(w);
    total += 2 + w;
  }
  if (total <= std::max<size_t>(width, 100)) {
    out += shared ? "\nFigures, " + period + ":\n" : std::string("\nFigures:\n");
    out += fmt::format("  {:<{}}", "", measure_w);
    for (size_t i = 0; i < subjects.size(); ++i) out += fmt::format("  {:>{}}", heads[i], col_w[i]);
    out += "\n";
    for (const auto& m : measures) {
      out += fmt::format("  {:<{}}", m, measure_w);
      for (size_t i = 0; i < subjects.size(); ++i) {
        auto it = cell.find({subjects[i], m});
        out += fmt::format("  {:>{}}", it == cell.end() ? "-" : it->second, col_w[i]);
      }
      out += "\n";
    }
    return out;
  }
  out += "\nFigures:\n";
  for (const auto& s : subjects) {
    out += "  " + s + "\n";
    for (const auto& m : measures) {
      auto it = cell.find({s, m});
      if (it != cell.end()) out += fmt::format("    {:<{}}  {}\n", m, measure_w, it->second);
    }
  }
  return out;
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
  // Prose is word-wrapped (at spaces only); tables are laid out by column.
  auto wrap = [width](const std::string& text) { return width ? WrapText(text, width) : text; };
  std::string out = wrap(AnswerBody(answer)) + "\n";
  if (answer.facts.size() >= 2) out += FiguresTable(answer.facts, width ? width : 120);
  std::string understood = UnderstoodInWords(answer.notes);
  if (!understood.empty()) out += "\n" + wrap("Understood: " + understood) + "\n";
  if (!answer.computations.empty()) {
    out += "\nHow this was computed:\n";
    for (const auto& c : answer.computations) {
      out += wrap("  " + c.name + " of " + Flat(c.inputs)) + "\n" + wrap("    = " + Flat(c.result)) + "\n";
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
  return out;
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

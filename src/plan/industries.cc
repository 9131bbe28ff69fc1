#include "plan/industries.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace ohlcv {
namespace {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<IndustryMap> LoadIndustries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open industries file " + path);
  std::string line;
  if (!std::getline(in, line)) return IndustryMap{};
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);
  auto header = SplitCsvLine(line);
  int ti = -1, si = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string h = Lower(header[i]);
    if (h == "ticker" || h == "symbol") ti = static_cast<int>(i);
    if (h == "sub_industry" || h == "gics_sub_industry" || h == "industry" || h == "gics sub-industry") {
      si = static_cast<int>(i);
    }
  }
  if (ti < 0 || si < 0) {
    return Status::InvalidArgument(path + ":1: expected a header with ticker and sub_industry columns");
  }
  IndustryMap out;
  while (std::getline(in, line)) {
    auto f = SplitCsvLine(line);
    if (static_cast<int>(f.size()) <= std::max(ti, si)) continue;
    std::string t = f[static_cast<size_t>(ti)];
    for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (t.empty() || f[static_cast<size_t>(si)].empty()) continue;
    out[t] = f[static_cast<size_t>(si)];
  }
  return out;
}

Status SaveIndustries(const IndustryMap& map, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status::IOError("cannot write " + tmp);
    out << "ticker,sub_industry\n";
    for (const auto& [t, s] : map) {
      std::string q;
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      out << t << ",\"" << q << "\"\n";
    }
    if (!out) return Status::IOError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot rename " + tmp);
  return Status::Ok();
}

std::string IndustriesPathBeside(const std::string& sectors_path) {
  const size_t slash = sectors_path.find_last_of('/');
  const size_t pos = sectors_path.rfind("sectors");
  if (pos == std::string::npos || (slash != std::string::npos && pos < slash)) return "";
  return sectors_path.substr(0, pos) + "industries" + sectors_path.substr(pos + 7);
}

}  // namespace ohlcv

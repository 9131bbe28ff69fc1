#include "util/csv_record.h"

#include <algorithm>

namespace ohlcv {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view Trimmed(const char* b, const char* e) {
  while (b < e && IsSpace(*b)) ++b;
  while (e > b && IsSpace(e[-1])) --e;
  return std::string_view(b, static_cast<size_t>(e - b));
}

const char* Find(const char* b, const char* e, char c) {
  return b < e ? static_cast<const char*>(std::memchr(b, c, static_cast<size_t>(e - b))) : nullptr;
}

}  // namespace

std::string Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    out.push_back(text[i]);
    if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') ++i;
  }
  return out;
}

CsvRecordReader::CsvRecordReader(std::string_view data)
    : p_(data.data()), end_(data.data() + data.size()) {
  if (data.size() >= 3 && data.substr(0, 3) == "\xEF\xBB\xBF") p_ += 3;
  fields_.reserve(16);
}

bool CsvRecordReader::blank() const {
  return std::all_of(fields_.begin(), fields_.end(),
                     [](const CsvField& f) { return f.text.empty(); });
}

void CsvRecordReader::SplitPlain(const char* b, const char* e) {
  while (true) {
    const char* comma = Find(b, e, ',');
    fields_.push_back(CsvField{Trimmed(b, comma ? comma : e), false});
    if (!comma) return;
    b = comma + 1;
  }
}

// REQUIRES: *p == '"'. Appends the field; returns the position after the
// closing quote (end_ when it never closes).
const char* CsvRecordReader::ReadQuoted(const char* p) {
  const char* start = p + 1;
  const char* cur = start;
  bool escapes = false;
  while (true) {
    const char* q = Find(cur, end_, '"');
    const char* stop = q ? q : end_;
    next_line_ += static_cast<uint32_t>(std::count(cur, stop, '\n'));
    if (!q) {
      malformed_ = true;
      fields_.push_back(CsvField{std::string_view(start, static_cast<size_t>(end_ - start)), escapes});
      return end_;
    }
    if (q + 1 < end_ && q[1] == '"') {
      escapes = true;
      cur = q + 2;
      continue;
    }
    fields_.push_back(CsvField{std::string_view(start, static_cast<size_t>(q - start)), escapes});
    return q + 1;
  }
}

bool CsvRecordReader::Next() {
  if (p_ >= end_) return false;
  fields_.clear();
  malformed_ = false;
  line_ = next_line_;
  const char* nl = Find(p_, end_, '\n');
  const char* line_end = nl ? nl : end_;
  raw_ = Trimmed(p_, line_end);

  if (!Find(p_, line_end, '"')) {  // fast path: no quoting on this line
    SplitPlain(p_, line_end);
    p_ = nl ? nl + 1 : end_;
    ++next_line_;
    return true;
  }

  const char* p = p_;
  while (true) {
    const char* s = p;
    while (s < end_ && (*s == ' ' || *s == '\t')) ++s;
    if (s < end_ && *s == '"') {
      p = ReadQuoted(s);
      while (p < end_ && IsSpace(*p)) ++p;
      if (p < end_ && *p != ',' && *p != '\n') {
        malformed_ = true;
        while (p < end_ && *p != ',' && *p != '\n') ++p;
      }
    } else {
      const char* q = p;
      while (q < end_ && *q != ',' && *q != '\n') ++q;
      fields_.push_back(CsvField{Trimmed(p, q), false});
      p = q;
    }
    if (p >= end_) {
      p_ = end_;
      return true;
    }
    if (*p == ',') {
      ++p;
      continue;
    }
    p_ = p + 1;  // *p == '\n'
    ++next_line_;
    return true;
  }
}

}  // namespace ohlcv

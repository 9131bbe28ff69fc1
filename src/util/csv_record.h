// CsvRecordReader: splits a CSV buffer into records of string_view fields
// without allocating per field: the one CSV reader (bar files in sources/,
// the sectors and company-name files in util/ and kb/).
//
// RFC 4180: fields separated by ',', records by LF or CRLF; a field starting
// with '"' runs to the matching '"' ('""' inside is an escaped quote and may
// span lines). Unquoted fields are trimmed of spaces, tabs and '\r'. A quoted
// field keeps its inner text raw: `has_escapes` says it still contains '""'
// pairs (Unescape() removes them). Malformed quoting (text after a closing
// quote, a quote never closed) marks the record `malformed` instead of
// failing, so one bad row never hides the rows after it.
//
// Ownership: fields point into the buffer given to the constructor, which
// must outlive them; they are valid until the next call to Next().
// Thread-safety: needs external synchronization; use one reader per thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace ohlcv {

struct CsvField {
  std::string_view text;
  bool has_escapes = false;  // quoted field still holding "" pairs
};

// Returns `text` with each "" pair replaced by ".
std::string Unescape(std::string_view text);

// The field's text as a string, with "" pairs unescaped.
inline std::string FieldText(const CsvField& f) { return f.has_escapes ? Unescape(f.text) : std::string(f.text); }

class CsvRecordReader {
 public:
  // Skips a leading UTF-8 byte-order mark.
  explicit CsvRecordReader(std::string_view data);

  // Reads the next record into fields(). Returns false at the end of data.
  bool Next();

  const std::vector<CsvField>& fields() const { return fields_; }
  uint32_t line() const { return line_; }       // 1-based line the record starts on
  bool malformed() const { return malformed_; }
  // True when every field is empty (blank line, ",,,").
  bool blank() const;
  // The record's raw text on its first line, for error messages.
  std::string_view raw() const { return raw_; }

 private:
  void SplitPlain(const char* begin, const char* end);
  const char* ReadQuoted(const char* p);

  const char* p_;
  const char* end_;
  uint32_t next_line_ = 1;
  uint32_t line_ = 0;
  bool malformed_ = false;
  std::string_view raw_;
  std::vector<CsvField> fields_;
};

}  // namespace ohlcv

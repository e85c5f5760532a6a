// CSV: one reader for the wallet's CSV files (see csv.h).
#include "wallet-cli/csv.h"

namespace liard::wallet {
namespace {

// Whether the first non-empty line has `c` outside quotes.
bool FirstLineHas(std::string_view text, char c) {
  bool quoted = false;
  bool seen_content = false;
  for (char ch : text) {
    if (ch == '"') quoted = !quoted;
    if (!quoted && (ch == '\n' || ch == '\r')) {
      if (seen_content) return false;
      continue;
    }
    if (ch != ' ' && ch != '\t') seen_content = true;
    if (!quoted && ch == c) return true;
  }
  return false;
}

// Nothing but spaces, tabs and a CR: a line to skip.
bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t\r") == line.npos; }

// One field list per line, quotes grouping within the line only (CsvQuotes::kLenient).
std::vector<std::string> SplitLenient(std::string_view line, char sep) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

void ParseLenient(std::string_view text, char sep, std::vector<CsvRecord>* out) {
  size_t line = 0;
  while (!text.empty()) {
    ++line;
    const size_t end = text.find('\n');
    const std::string_view l = text.substr(0, end);
    text.remove_prefix(end == text.npos ? text.size() : end + 1);
    if (!IsBlank(l)) out->push_back({line, SplitLenient(l, sep)});
  }
}

}  // namespace

CliStatus ParseCsv(std::string_view text, std::vector<CsvRecord>* out, char* separator_out,
                   CsvQuotes quotes) {
  out->clear();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const char sep = FirstLineHas(text, ';') ? ';' : ',';
  if (separator_out != nullptr) *separator_out = sep;
  if (quotes == CsvQuotes::kLenient) {
    ParseLenient(text, sep, out);
    return CliStatus::Ok();
  }

  size_t line = 1;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    CsvRecord record;
    record.line = line;
    std::string field;
    bool blank = true;  // nothing but an end of line so far
    for (;;) {
      if (i < n && text[i] == '"') {
        // A quoted field: up to the closing quote, "" is a quote, line breaks are kept.
        blank = false;
        size_t start_line = line;
        ++i;
        for (;;) {
          if (i >= n)
            return CliStatus::Usage("line " + std::to_string(start_line) +
                                    ": a quoted field is never closed");
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        // After the closing quote: spaces, then a separator or the end of the line.
        while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i < n && text[i] != sep && text[i] != '\r' && text[i] != '\n')
          return CliStatus::Usage("line " + std::to_string(line) +
                                  ": text after the closing quote of a field");
      } else {
        while (i < n && text[i] != sep && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"')
            return CliStatus::Usage("line " + std::to_string(line) +
                                    ": a quote inside an unquoted field (quote the whole field "
                                    "and double the quote: \"say \"\"hello\"\"\")");
          if (text[i] != ' ' && text[i] != '\t') blank = false;
          field += text[i++];
        }
      }
      record.fields.push_back(field);
      field.clear();
      if (i < n && text[i] == sep) {
        blank = false;
        ++i;
        continue;
      }
      break;  // end of line or of text
    }
    if (i < n && text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') ++i;
    ++line;
    if (!blank) out->push_back(std::move(record));
  }
  return CliStatus::Ok();
}

}  // namespace liard::wallet

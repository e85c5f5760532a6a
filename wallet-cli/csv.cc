// CSV: one reader for the wallet's CSV files (see csv.h).
#include "wallet-cli/csv.h"

#include <iconv.h>

#include <cctype>

#include "ledger/genesis.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

bool IsUtf8(std::string_view bytes) {
  // IsPrintableUtf8 is the ledger's validator; line breaks and tabs are fine in a file.
  std::string t(bytes);
  for (char& c : t)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return IsPrintableUtf8(t);
}

bool Convert(std::string_view bytes, const char* from, std::string* out) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  std::string result(bytes.size() * 3 + 4, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* o = result.data();
  size_t out_left = result.size();
  const size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  if (r == static_cast<size_t>(-1)) return false;
  result.resize(result.size() - out_left);
  *out = std::move(result);
  return true;
}

// Latin-9 rather than Windows-1252: a euro sign where Latin-9 has it (0xA4, "¤" in
// Windows-1252, which nobody types) and no byte of 0x80-0x9F (controls in Latin-9).
bool LooksLatin9(std::string_view bytes) {
  bool euro = false;
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80 && b <= 0x9F) return false;
    if (b == 0xA4) euro = true;
  }
  return euro;
}

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

// Lower case, accents dropped (the Latin-1 letters French uses, as UTF-8), anything but a letter
// or a digit turned into a single space, trimmed: "Date d'opération" -> "date d operation",
// "Réf." -> "ref", "Montant (EUR)" -> "montant eur".
std::string Fold(std::string_view s) {
  std::string out;
  auto put = [&](char c) {
    if (c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      put(std::isalnum(c) ? static_cast<char>(std::tolower(c)) : ' ');
      continue;
    }
    if (c == 0xC3 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]) | 0x20;  // à and À alike
      ++i;
      if (d >= 0xA0 && d <= 0xA6)
        put('a');
      else if (d == 0xA7)
        put('c');
      else if (d >= 0xA8 && d <= 0xAB)
        put('e');
      else if (d >= 0xAC && d <= 0xAF)
        put('i');
      else if (d >= 0xB2 && d <= 0xB6)
        put('o');
      else if (d >= 0xB9 && d <= 0xBC)
        put('u');
      else
        put(' ');
      continue;
    }
    put(' ');  // another non-ASCII character, or a continuation byte
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void Decode(std::string_view bytes, std::string* text, std::string* encoding) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
    *encoding = N_("UTF-8 with a byte order mark");
  } else {
    *encoding = "UTF-8";
  }
  if (IsUtf8(bytes)) {
    *text = std::string(bytes);
    return;
  }
  // Not UTF-8: what French banks and spreadsheets write on Windows. Windows-1252 leaves five
  // bytes undefined; a file holding one of them is read as ISO-8859-1, which defines them all.
  if (LooksLatin9(bytes) && Convert(bytes, "ISO-8859-15", text)) {
    *encoding = "ISO-8859-15";
    return;
  }
  if (Convert(bytes, "WINDOWS-1252", text)) {
    *encoding = "Windows-1252";
    return;
  }
  Convert(bytes, "ISO-8859-1", text);
  *encoding = "ISO-8859-1";
}

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
            return CliStatus::Usage(
                Tr("line {line}: a quoted field is never closed", fmt::arg("line", start_line)));
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
          return CliStatus::Usage(
              Tr("line {line}: text after the closing quote of a field", fmt::arg("line", line)));
      } else {
        while (i < n && text[i] != sep && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"')
            return CliStatus::Usage(
                Tr("line {line}: a quote inside an unquoted field (quote the whole field and "
                   "double the quote: \"say \"\"hello\"\"\")",
                   fmt::arg("line", line)));
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

std::string CsvField(std::string_view s, char separator) {
  const char special[] = {separator, '"', '\r', '\n', '\0'};
  if (s.find_first_of(special) == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace liard::wallet

// A municipality's payment batch: CSV parsing and the checks made before anything is sent.
#include "wallet-cli/batch.h"

#include <algorithm>

#include "ledger/address.h"
#include "ledger/operation.h"
#include "wallet-cli/format.h"

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

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

CliStatus ParseCsv(std::string_view text, std::vector<CsvRecord>* out, char* separator_out) {
  out->clear();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const char sep = FirstLineHas(text, ';') ? ';' : ',';
  if (separator_out != nullptr) *separator_out = sep;

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

void CheckBatch(const std::vector<CsvRecord>& records, std::string_view currency_code, int decimals,
                std::vector<BatchLine>* lines, std::vector<BatchProblem>* problems) {
  lines->clear();
  problems->clear();
  __int128 total = 0;
  size_t count = 0;  // payment records, good or bad
  for (size_t r = 0; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    auto problem = [&](const std::string& m) { problems->push_back({rec.line, m}); };
    std::vector<std::string> f;
    for (const auto& field : rec.fields) f.push_back(Trim(field));
    if (r == 0 && !f.empty() && Lower(f[0]) == "address") {
      bool header = f.size() >= 2 && Lower(f[1]) == "amount" &&
                    (f.size() == 2 || (f.size() == 3 && Lower(f[2]) == "memo"));
      if (!header) problem("the header must be 'address,amount' or 'address,amount,memo'");
      continue;
    }
    ++count;
    if (f.size() < 2 || f.size() > 3) {
      problem("expected 2 or 3 fields (address, amount, memo), found " + std::to_string(f.size()) +
              (f.size() > 3 ? "; an amount with a comma must be quoted (\"12,50\") or the file "
                              "separated by ';'"
                            : ""));
      continue;
    }
    BatchLine line;
    line.line = rec.line;
    bool good = true;
    Status s = DecodeAddress(currency_code, f[0], &line.to);
    if (!s.ok()) {
      problem(s.message());
      good = false;
    }
    s = ParseAmount(f[1], decimals, &line.amount);
    if (!s.ok()) {
      problem("the amount '" + f[1] + "': " + s.message());
      good = false;
    } else if (!line.amount.positive()) {
      problem("the amount must be above zero");
      good = false;
    }
    if (f.size() == 3) {
      line.memo = rec.fields[2];  // as written: spaces inside quotes are the author's choice
      if (std::string why = MemoProblem(line.memo); !why.empty()) {
        problem(why);
        good = false;
      }
    }
    if (!good) continue;
    total += line.amount.minor();
    lines->push_back(std::move(line));
  }
  if (total > INT64_MAX) problems->push_back({0, "the amounts add up past the largest amount"});
  if (count > kMaxLegs)
    problems->push_back({0, "the file has " + std::to_string(count) +
                                " payment lines; one batch holds at most " +
                                std::to_string(kMaxLegs) + " (split the file)"});
  if (records.empty() || (lines->empty() && problems->empty()))
    problems->push_back({0, "the file holds no payment line"});
  std::stable_sort(problems->begin(), problems->end(),
                   [](const BatchProblem& a, const BatchProblem& b) { return a.line < b.line; });
}

}  // namespace liard::wallet

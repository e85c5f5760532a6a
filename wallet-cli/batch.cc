// A municipality's payment batch: the checks made before anything is sent.
#include "wallet-cli/batch.h"

#include <algorithm>

#include "ledger/address.h"
#include "ledger/operation.h"
#include "wallet-cli/format.h"

namespace liard::wallet {
namespace {

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

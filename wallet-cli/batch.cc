// A municipality's payment batch: the checks made before anything is sent.
#include "wallet-cli/batch.h"

#include <algorithm>
#include <map>

#include "ledger/address.h"
#include "ledger/operation.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

bool OneOf(const std::string& folded, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), folded) != words.end();
}

// The amount's problem in the user's language (the ledger's sentence in English; in French, what
// is accepted, and the one ambiguity that is refused on purpose).
std::string AmountProblem(const std::string& text, const Status& s) {
  if (!French())
    return Tr("the amount '{amount}': {why}", fmt::arg("amount", SafeText(text)),
              fmt::arg("why", s.message()));
  if (s.message().find("for thousands") != std::string::npos)  // i18n: as is
    return Tr(
        "the amount '{amount}' is ambiguous: write 1 200 or 1200 for twelve hundred, 1,20 "
        "for one point two",
        fmt::arg("amount", SafeText(text)));
  if (s.code() == Code::kOutOfRange)
    return Tr("the amount '{amount}' is too large", fmt::arg("amount", SafeText(text)));
  return Tr("the amount '{amount}' cannot be read: write it as 80, 80,00, 1 200,50 or 80,00 €",
            fmt::arg("amount", SafeText(text)));
}

}  // namespace

bool IsBatchHeader(const std::vector<std::string>& fields, bool* complete) {
  *complete = false;
  if (fields.empty() || !OneOf(Fold(fields[0]), {"address", "adresse", "account", "compte"}))
    return false;
  *complete = (fields.size() == 2 || fields.size() == 3) &&
              OneOf(Fold(fields[1]), {"amount", "montant"}) &&
              (fields.size() == 2 || OneOf(Fold(fields[2]), {"memo", "libelle", "label", "motif"}));
  return true;
}

std::vector<std::string> BatchUnits(std::string_view currency_code, bool at_par_with_euro) {
  std::vector<std::string> units = {std::string(currency_code)};
  if (at_par_with_euro) {
    units.push_back("€");
    units.push_back("EUR");
  }
  return units;
}

std::vector<BatchPayee> PayeesOf(const std::vector<BatchLine>& lines) {
  std::vector<BatchPayee> out;
  std::map<AccountId, size_t> index;
  for (const BatchLine& l : lines) {
    auto [it, fresh] = index.try_emplace(l.to, out.size());
    if (fresh) out.push_back(BatchPayee{l.to, {}, 0});
    BatchPayee& p = out[it->second];
    p.lines.push_back(l.line);
    p.total += l.amount.minor();  // CheckBatch bounds the whole sum
  }
  return out;
}

void CheckBatch(const std::vector<CsvRecord>& records, std::string_view currency_code, int decimals,
                std::vector<BatchLine>* lines, std::vector<BatchProblem>* problems,
                size_t* header_line, const std::vector<std::string>& units) {
  lines->clear();
  problems->clear();
  if (header_line != nullptr) *header_line = 0;
  const std::vector<std::string_view> unit_views(units.begin(), units.end());
  __int128 total = 0;
  size_t count = 0;  // payment records, good or bad
  for (size_t r = 0; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    auto problem = [&](const std::string& m) { problems->push_back({rec.line, m}); };
    std::vector<std::string> f;
    for (const auto& field : rec.fields) f.push_back(Trim(field));
    bool complete = false;
    if (r == 0 && IsBatchHeader(f, &complete)) {
      if (!complete)
        problem(
            _("the header must be 'address,amount' or 'address,amount,memo' (or "
              "'Adresse;Montant;Libellé')"));
      if (header_line != nullptr) *header_line = rec.line;
      continue;
    }
    ++count;
    if (f.size() < 2 || f.size() > 3) {
      problem(f.size() > 3
                  ? Tr("expected 2 or 3 fields (address, amount, memo), found {n}; an amount with "
                       "a comma must be quoted (\"12,50\") or the file separated by ';'",
                       fmt::arg("n", f.size()))
                  : Tr("expected 2 or 3 fields (address, amount, memo), found {n}",
                       fmt::arg("n", f.size())));
      continue;
    }
    BatchLine line;
    line.line = rec.line;
    bool good = true;
    Status s = DecodeAddress(currency_code, f[0], &line.to);
    if (!s.ok()) {
      problem(AddressProblem(f[0], s));
      good = false;
    }
    s = ParseAmount(f[1], decimals, &line.amount, unit_views);
    if (!s.ok()) {
      problem(AmountProblem(f[1], s));
      good = false;
    } else if (!line.amount.positive()) {
      problem(_("the amount must be above zero"));
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
  if (total > INT64_MAX) problems->push_back({0, _("the amounts add up past the largest amount")});
  if (count > kMaxLegs)
    problems->push_back({0, Tr("the file has {n} payment lines; one batch holds at most {max} "
                               "(split the file)",
                               fmt::arg("n", count), fmt::arg("max", kMaxLegs))});
  if (records.empty() || (lines->empty() && problems->empty()))
    problems->push_back({0, _("the file holds no payment line")});
  std::stable_sort(problems->begin(), problems->end(),
                   [](const BatchProblem& a, const BatchProblem& b) { return a.line < b.line; });
}

}  // namespace liard::wallet

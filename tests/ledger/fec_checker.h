// An accountant's re-reading of a FEC: its own parser of the file, trusting nothing the
// exporter computed (no liard header is used here). Shared by the ledger-level test
// (fec_test.cc) and the end-to-end one (tests/wallet/fec_e2e_test.cc).
#ifndef LIARD_TESTS_LEDGER_FEC_CHECKER_H_
#define LIARD_TESTS_LEDGER_FEC_CHECKER_H_

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace liard::testing {

// One line of the file, as read.
struct FecRow {
  std::string journal, num, date, account, account_label, aux, aux_label, piece, piece_date, label;
  int64_t debit = 0, credit = 0;  // cents
  size_t line = 0;
};

// Which side an account's balance must be on (the table of docs/guide/auditor.md).
enum class Side { kDebit, kCredit };
inline std::map<std::string, Side> DefaultSides() {
  return {{"512100", Side::kDebit},  {"531100", Side::kDebit},  {"467100", Side::kCredit},
          {"467110", Side::kCredit}, {"467200", Side::kCredit}, {"467400", Side::kCredit},
          {"756000", Side::kCredit}, {"706100", Side::kCredit}, {"768000", Side::kCredit},
          {"627000", Side::kDebit},  {"102000", Side::kCredit}, {"110000", Side::kCredit},
          {"119000", Side::kDebit}};
}

struct FecRead {
  std::vector<FecRow> rows;
  // Debit minus credit per account, and per account and auxiliary account.
  std::map<std::string, int64_t> balance;
  std::map<std::pair<std::string, std::string>, int64_t> aux_balance;
  // The opening (journal `opening_journal`) écriture's lines, the same way.
  std::map<std::pair<std::string, std::string>, int64_t> opening;
  std::map<std::string, int> ecritures_per_journal;

  // The rows of écritures whose label contains `text`.
  std::vector<FecRow> With(const std::string& text) const {
    std::vector<FecRow> out;
    for (const auto& r : rows)
      if (r.label.find(text) != std::string::npos) out.push_back(r);
    return out;
  }
  int64_t Of(const std::string& account) const {
    auto it = balance.find(account);
    return it == balance.end() ? 0 : it->second;
  }
  // The balance-sheet accounts (classes 1 to 5) but the retained result, by auxiliary.
  std::map<std::pair<std::string, std::string>, int64_t> BalanceSheet() const {
    std::map<std::pair<std::string, std::string>, int64_t> out;
    for (const auto& [k, v] : aux_balance)
      if (k.first[0] >= '1' && k.first[0] <= '5' && k.first != "110000" && k.first != "119000" &&
          v != 0)
        out[k] = v;
    return out;
  }
  // The result of the period and before: classes 6 and 7, and 110000/119000.
  int64_t Result() const {
    int64_t r = 0;
    for (const auto& [k, v] : balance)
      if (k[0] == '6' || k[0] == '7' || k == "110000" || k == "119000") r += v;
    return r;
  }
};

inline int64_t FecCents(const std::string& s, size_t line) {
  INFO("line " << line << ": amount '" << s << "'");
  static const std::regex amount(R"(^\d+,\d\d$)");
  REQUIRE(std::regex_match(s, amount));
  std::string digits = s;
  digits.erase(digits.find(','), 1);
  return std::stoll(digits);
}

// AAAAMMJJ, a real calendar day.
inline bool ValidFecDate(const std::string& s) {
  static const std::regex eight(R"(^\d{8}$)");
  if (!std::regex_match(s, eight)) return false;
  using namespace std::chrono;
  const year_month_day d{year(std::stoi(s.substr(0, 4))),
                         month(static_cast<unsigned>(std::stoi(s.substr(4, 2)))),
                         day(static_cast<unsigned>(std::stoi(s.substr(6, 2))))};
  return d.ok();
}

// Reads and checks `text` as an accountant's tool would: the 18 columns in order, '|'-separated;
// 18 fields a line; dates AAAAMMJJ within [first, last] (also AAAAMMJJ); amounts with a comma,
// one side zero; every écriture balanced and on one date; numbering continuous from 1 per
// journal; each account's balance on its side.
inline FecRead ReadFec(const std::string& text, const std::string& first, const std::string& last,
                       const std::map<std::string, Side>& sides = DefaultSides(),
                       const std::string& opening_journal = "AN") {
  FecRead f;
  std::istringstream in(text);
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line ==
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
        "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
        "Montantdevise|Idevise");
  std::map<std::pair<std::string, std::string>, int64_t> sum;  // per écriture
  std::map<std::pair<std::string, std::string>, std::string> date_of;
  std::map<std::string, std::vector<int>> nums;  // per journal, in the order of the file
  std::pair<std::string, std::string> current;
  size_t n = 1;
  while (std::getline(in, line)) {
    ++n;
    INFO("line " << n << ": " << line);
    std::vector<std::string> c;
    size_t start = 0;
    for (size_t bar; (bar = line.find('|', start)) != std::string::npos; start = bar + 1)
      c.push_back(line.substr(start, bar - start));
    c.push_back(line.substr(start));
    REQUIRE(c.size() == 18);
    FecRow r{c[0], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], 0, 0, n};
    REQUIRE(!r.journal.empty());
    REQUIRE(!r.account.empty());
    CHECK(!c[1].empty());  // JournalLib
    CHECK(!r.label.empty());
    CHECK(!r.piece.empty());
    for (const std::string* d : {&r.date, &r.piece_date, &c[15]}) {
      CHECK(ValidFecDate(*d));
      CHECK(*d >= first);
      CHECK(*d <= last);
    }
    r.debit = FecCents(c[11], n);
    r.credit = FecCents(c[12], n);
    CHECK((r.debit == 0) != (r.credit == 0));  // one side, not both, not none
    CHECK(c[13].empty());
    CHECK(c[14].empty());
    const auto key = std::make_pair(r.journal, r.num);
    if (key != current) {            // a new écriture: the next number of its journal
      REQUIRE(sum.count(key) == 0);  // an écriture's lines are together
      nums[r.journal].push_back(std::stoi(r.num));
      current = key;
      date_of[key] = r.date;
    }
    CHECK(date_of[key] == r.date);
    sum[key] += r.debit - r.credit;
    f.balance[r.account] += r.debit - r.credit;
    f.aux_balance[{r.account, r.aux}] += r.debit - r.credit;
    if (r.journal == opening_journal) f.opening[{r.account, r.aux}] += r.debit - r.credit;
    f.rows.push_back(std::move(r));
  }
  for (const auto& [k, v] : sum) {
    INFO("écriture " << k.first << " " << k.second);
    CHECK(v == 0);
  }
  for (const auto& [journal, list] : nums) {
    INFO("journal " << journal);
    for (size_t i = 0; i < list.size(); ++i) CHECK(list[i] == static_cast<int>(i + 1));
    f.ecritures_per_journal[journal] = static_cast<int>(list.size());
  }
  for (const auto& [k, v] : f.aux_balance) {
    INFO("account " << k.first << " aux '" << k.second << "' balance " << v);
    auto side = sides.find(k.first);
    REQUIRE(side != sides.end());  // every account used is in the chart
    if (side->second == Side::kDebit)
      CHECK(v >= 0);
    else
      CHECK(v <= 0);
  }
  return f;
}

// The ledger's figures at the period's end, in cents (`liard reserves --json`'s *_minor).
struct Reserves {
  int64_t circulation_accounts, circulation_paper, fund, office_cash, owed_to_merchants,
      sponsor_budgets, income;
};

// The ties of docs/guide/auditor.md, at par 1/1: each account's balance is the ledger's figure.
inline void CheckTies(const FecRead& f, const Reserves& r, const std::string& bank = "512100") {
  CHECK(f.Of(bank) == r.fund + r.owed_to_merchants + r.sponsor_budgets + r.income);
  CHECK(f.Of("531100") == r.office_cash);
  CHECK(-f.Of("467100") == r.circulation_accounts);
  CHECK(-f.Of("467110") == r.circulation_paper);
  CHECK(-f.Of("467200") == r.owed_to_merchants);
  CHECK(-f.Of("467400") == r.sponsor_budgets);
  CHECK(-f.Result() == r.income);
}

}  // namespace liard::testing

#endif  // LIARD_TESTS_LEDGER_FEC_CHECKER_H_

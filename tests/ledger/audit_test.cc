// Audit: the postings CSV and the bank reconciliation (the general assembly's figures:
// report_test.cc; the FEC: fec_test.cc).
#include <catch2/catch.hpp>

#include <sstream>

#include "ledger/audit.h"
#include "tests/ledger/applied_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

constexpr int64_t kNov = 1'793'491'200'000;  // 2026-11-01T00:00:00Z
constexpr int64_t kDay = 86'400'000;

// La Roue's ledger, applied entry by entry.
struct Book : testing::AppliedJournal {
  Book()
      : AppliedJournal(Fixture{
            {Member{"alice", AccountKind::kResident, 0}, Member{"shop", AccountKind::kMerchant, 0}},
            0,
            testing::AgglomerationRules}) {}
};

Book LaRoue() {
  Book b;
  // November: 10.00 € converted with the agglomeration's bonus, 12.00 ROUE spent at the shop,
  // the office banks its cash. December: the shop reconverts 10.00 at 5 %, is paid.
  b.Apply(b.f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(1'000), "agglo"}), kNov);
  b.Apply(b.f.TransferOp("alice", "shop", 1'200), kNov + kDay);
  b.Apply(b.f.MakeOp("association", Deposit{Fixture::Id("office"), Amount(1'000), "REM-0001"}),
          kNov + 2 * kDay);
  b.Apply(b.f.MakeOp("shop", Reconversion{Amount(1'000)}), kNov + 31 * kDay);
  b.Apply(b.f.MakeOp("association", Payout{Fixture::Id("shop"), Amount(950), "VIR-77"}),
          kNov + 33 * kDay);
  return b;
}

TEST_CASE("the postings CSV has one line per posting and every entry balances per book",
          "[ledger][audit][export]") {
  Book b = LaRoue();
  std::string csv = PostingsCsvHeader();
  size_t postings = 0;
  for (const auto& d : b.done) {
    csv += PostingsCsvLines(b.Entry(d), b.f.genesis());
    postings += d.delta.postings.size();
  }
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "sequence,time,operation,operation_id,book,slot,owner,amount");
  size_t lines = 0;
  std::map<std::pair<std::string, std::string>, int64_t> sums;  // (sequence, book) -> sum
  while (std::getline(in, line)) {
    ++lines;
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cols.push_back(c);
    REQUIRE(cols.size() == 8);
    std::string digits = cols[7];
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    if (cols[4] != "tally") sums[{cols[0], cols[4]}] += std::stoll(digits);
  }
  CHECK(lines == postings);
  for (const auto& [key, sum] : sums) {
    INFO("entry " << key.first << " book " << key.second);
    CHECK(sum == 0);
  }
  CHECK(csv.find("1,2026-11-01T00:00:00Z,conversion,") != std::string::npos);
  CHECK(csv.find(",euro,fund,,2.00\n") != std::string::npos);  // the bonus backed in the fund
}

// The FEC is tested in fec_test.cc (an accountant's re-reading of the file).

BankLine Line(int64_t date, int64_t amount, std::string ref, size_t n) {
  return BankLine{date, amount, "label " + std::to_string(n), std::move(ref), n};
}

TEST_CASE("reconciliation matches by reference, then by amount and date, each line once",
          "[ledger][audit][reconcile]") {
  Book b = LaRoue();
  std::vector<LedgerMovement> movements;
  for (const auto& d : b.done)
    for (auto& m : BankMovements(b.Entry(d))) movements.push_back(m);
  REQUIRE(movements.size() == 2);  // the deposit (+10.00) and the payout (-9.50)
  CHECK(movements[0].amount == 1'000);
  CHECK(movements[1].amount == -950);

  // The statement: the deposit with its reference, the payout without one two days later, a
  // bank fee the ledger does not know.
  std::vector<BankLine> bank = {Line(kNov + 2 * kDay, 1'000, "REM-0001", 2),
                                Line(kNov + 35 * kDay, -950, "", 3),
                                Line(kNov + 40 * kDay, -120, "FRAIS", 4)};
  Reconciliation r = Reconcile(bank, movements);
  REQUIRE(r.matched.size() == 2);
  CHECK(r.matched[0].first.line == 2);
  CHECK(r.matched[1].first.line == 3);
  REQUIRE(r.unmatched_bank.size() == 1);
  CHECK(r.unmatched_bank[0].reference == "FRAIS");
  CHECK(r.unmatched_ledger.empty());

  // Outside the window, or a different amount: not matched, listed on both sides.
  bank[1].date_ms = kNov + 45 * kDay;
  bank[0].amount = 999;
  r = Reconcile(bank, movements, 5);
  CHECK(r.matched.empty());
  CHECK(r.unmatched_bank.size() == 3);
  CHECK(r.unmatched_ledger.size() == 2);

  // Two equal movements and two equal lines pair up one to one, nearest dates first.
  std::vector<LedgerMovement> twice = {{1, kNov, 500, "", "deposit"},
                                       {2, kNov + 3 * kDay, 500, "", "deposit"}};
  std::vector<BankLine> lines = {Line(kNov + 3 * kDay, 500, "", 1), Line(kNov, 500, "", 2)};
  r = Reconcile(lines, twice);
  REQUIRE(r.matched.size() == 2);
  CHECK(r.matched[0].first.line == 2);
  CHECK(r.matched[1].first.line == 1);
}

}  // namespace
}  // namespace liard

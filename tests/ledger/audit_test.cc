// Audit: the general assembly's figures with la Roue's numbers, the postings CSV and the bank
// reconciliation (the FEC: fec_test.cc).
#include <catch2/catch.hpp>

#include <sstream>

#include "ledger/audit.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

constexpr int64_t kNov = 1'793'491'200'000;  // 2026-11-01T00:00:00Z
constexpr int64_t kDay = 86'400'000;

// Applies operations one by one, keeping what each did, as an auditor's replay yields them.
struct Book {
  Fixture f{{Member{"alice", AccountKind::kResident, 0}, Member{"shop", AccountKind::kMerchant, 0}},
            0,
            [](Genesis* g) {
              Programme p;
              p.name = "agglo";
              p.sponsor = "Grand Avignon";
              p.ratio_num = 12;
              p.ratio_den = 10;
              p.opening_budget = 10'000;
              g->rules.programmes = {p};
              g->rules.reconversion = {5, 100, 1};
            }};
  struct Done {
    uint64_t sequence;
    int64_t time_ms;
    Hash id;
    Operation op;
    Delta delta;
    Totals totals;
  };
  std::vector<Done> done;

  void Apply(const Operation& op, int64_t time_ms) {
    SignedOperation so;
    REQUIRE(codec::DecodeEnvelope(f.Sign(op), &so).ok());
    VerifiedOperation v;
    REQUIRE(f.ledger().Preflight(std::move(so), &v).ok());
    Delta d;
    Status s = f.ledger().Apply(f.state(), v, ApplyContext{time_ms}, &d);
    INFO(s.ToString());
    REQUIRE(s.ok());
    f.state().Commit(d);
    done.push_back({done.size() + 1, time_ms, v.id(), op, std::move(d), f.state().totals()});
  }
  AppliedEntry Entry(const Done& d) const {
    return AppliedEntry{d.sequence, d.time_ms, d.id, &d.op, &d.delta};
  }
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

TEST_CASE("the report's monthly figures follow la Roue's worked numbers",
          "[ledger][audit][report]") {
  Book b = LaRoue();
  ReportBuilder r;
  r.NameProgramme(ProgrammeId("agglo"), "agglo");
  for (const auto& d : b.done) r.Add(b.Entry(d), d.totals);
  REQUIRE(r.months().size() == 2);
  const MonthFigures& nov = r.months().at(202611);
  CHECK(nov.conversions == 1);
  CHECK(nov.conversion_euros == 1'000);
  CHECK(nov.units_converted == 1'200);
  CHECK(nov.bonus_by_programme.at("agglo") == 200);  // 2.00 € from the sponsor's budget
  CHECK(nov.payments == 1);
  CHECK(nov.units_paid == 1'200);
  CHECK(nov.fees == 0);
  const MonthFigures& dec = r.months().at(202612);
  CHECK(dec.reconversions == 1);
  CHECK(dec.units_reconverted == 1'000);
  CHECK(dec.fees == 50);  // 5 % of 10.00
  const auto samples = r.samples();
  REQUIRE(samples.size() == 5);
  CHECK(samples[0].circulation == 1'200);
  CHECK(samples[0].reserve == 1'200);  // 10.00 at the office and 2.00 in the fund
  CHECK(samples[0].fund == 200);
  CHECK(samples.back().circulation == 200);
  CHECK(samples.back().reserve == 200);
  CHECK(samples.back().fund == 200);  // the office's cash was banked
}

TEST_CASE("the chart keeps a bounded number of points, the first and the last among them",
          "[ledger][audit][report]") {
  Book b;
  b.Apply(b.f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(100'000), ""}), kNov);
  ReportBuilder r;
  const Book::Done& d = b.done[0];
  for (uint64_t i = 1; i <= 10'007; ++i) {
    AppliedEntry e = b.Entry(d);
    e.sequence = i;
    r.Add(e, d.totals);
  }
  const auto samples = r.samples();
  CHECK(samples.size() <= 2 * ReportBuilder::kMaxSamples);
  CHECK(samples.size() >= ReportBuilder::kMaxSamples / 2);
  CHECK(samples.front().sequence == 1);
  CHECK(samples.back().sequence == 10'007);
  for (size_t i = 1; i < samples.size(); ++i) CHECK(samples[i].sequence > samples[i - 1].sequence);
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

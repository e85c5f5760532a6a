// The FEC at ledger level: a journal spanning 2025 and 2026 with every operation that moves
// euros, exported as two exercices and as a whole, re-read by an accountant's checker
// (fec_checker.h) that trusts nothing the exporter computed.
#include "ledger/fec.h"

#include <catch2/catch.hpp>

#include "ledger/money.h"
#include "tests/ledger/applied_journal.h"
#include "tests/ledger/fec_checker.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t k2025 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z
constexpr int64_t k2026 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t k2027 = 1'798'761'600'000;  // 2027-01-01T00:00:00Z

// A version 1 genesis: its days are UTC's.
const Genesis kUtcLedger{};

// The days from `from` to the day before `to`.
FecPeriod Between(int64_t from, int64_t to) {
  return {FecDayOf(kUtcLedger, from), FecDayOf(kUtcLedger, to) - 1};
}

// A la Roue ledger founded on 2 January 2025 and what each accepted operation did.
struct Journal : testing::AppliedJournal {
  Delta genesis_delta;

  Journal()
      : AppliedJournal(Fixture{{Member{"alice", AccountKind::kResident, 100'00},
                                Member{"bob", AccountKind::kResident, 50'00},
                                Member{"shop", AccountKind::kMerchant, 0}},
                               20'00,  // the opening fund beyond its circulation
                               [](Genesis* g) {
                                 g->created_at_ms = k2025 + kDay + 9 * 3'600'000;
                                 testing::AgglomerationRules(g);  // 100,00 € budget, 5 % fee
                                 for (auto& a : g->accounts) {
                                   if (a.name == "alice") a.name = "Alice Martin";
                                   if (a.name == "bob") a.name = "Bob Durand";
                                   if (a.name == "shop") a.name = "Boulangerie du Rhône";
                                   if (a.name == "office") a.name = "Comptoir de la Gare";
                                 }
                               }}) {
    MemoryState empty(StateDigestRuleOf(f.genesis()));
    REQUIRE(f.ledger().GenesisDelta(empty, &genesis_delta).ok());
    for (const char* key : {"alice", "bob", "shop", "office", "association", "chloe"})
      f.Remember(key);  // the names above are people's, the keys are the test's
  }
  void Apply(std::string_view actor, Payload payload, int64_t time_ms) {
    AppliedJournal::Apply(f.MakeOp(actor, std::move(payload)), time_ms);
  }
  testing::Reserves Now() {
    const ReserveReport r =
        ComputeReserves(f.genesis(), f.state().governance().rules, f.state().totals());
    return {r.circulation_accounts, r.circulation_paper, r.fund,  r.office_cash,
            r.owed_to_merchants,    r.sponsor_budgets,   r.income};
  }
  std::string Export(FecPeriod period) const {
    FecWriter w(f.genesis(), genesis_delta, FecConfig::Defaults(), period);
    for (const auto& d : done) w.Add(Entry(d), d.totals);
    std::string text;
    Status s = w.Finish(&text);
    INFO(s.ToString());
    REQUIRE(s.ok());
    return text;
  }

  // A year of every operation that moves euros (and a payment that moves none).
  void Year(int64_t start, int64_t k) {
    const int64_t t = start + 10 * kDay;
    Apply("office", Conversion{Fixture::Id("alice"), Amount(10'00), "agglo"}, t);
    Apply("office", Conversion{Fixture::Id("bob"), Amount(25'00 * k), ""}, t + kDay);
    Apply("alice", Transfer{Fixture::Id("shop"), Amount(40'00), "pain"}, t + 2 * kDay);
    Apply("office", NoteSale{Amount(50'00)}, t + 3 * kDay);
    Apply("association", Deposit{Fixture::Id("office"), Amount(60'00), "REM-" + std::to_string(k)},
          t + 4 * kDay);
    Apply("shop", Reconversion{Amount(20'00)}, t + 40 * kDay);
    Apply("office", NoteRedemption{Fixture::Id("shop"), Amount(10'00)}, t + 41 * kDay);
    Apply("association",
          Payout{Fixture::Id("shop"), Amount(19'00), "VIR-" + std::to_string(k)},  // 9,50 left
          t + 45 * kDay);
    Apply("association", FundProgramme{"agglo", Amount(30'00), "SUB-" + std::to_string(k)},
          t + 60 * kDay);
    Apply("association", BankEntry{BankEntryKind::kInterest, Amount(1'20), ""}, t + 90 * kDay);
    Apply("association", BankEntry{BankEntryKind::kFee, Amount(2'00), "FRAIS-" + std::to_string(k)},
          t + 100 * kDay);  // from the income: 1,50 of fees and 1,20 of interest
  }
};

TEST_CASE("the FEC of two exercices: balanced, numbered, on the right sides, tied to the ledger",
          "[ledger][fec]") {
  Journal j;
  // 2025: a member joins (10,00 € fee), a year of operations.
  j.Apply("office",
          OpenAccount{Fixture::Id("chloe"), AccountKind::kResident, "Chloé Petit", k2026,
                      Amount(10'00)},
          k2025 + 5 * kDay);
  j.Year(k2025, 1);
  const testing::Reserves end2025 = j.Now();
  // 2026: she renews, and another year.
  j.Apply("office", RenewMembership{Fixture::Id("chloe"), k2027, Amount(12'00)}, k2026 + 3 * kDay);
  j.Year(k2026, 2);
  const testing::Reserves end2026 = j.Now();

  using testing::ReadFec;
  const std::string t2025 = j.Export(Between(k2025, k2026));
  const std::string t2026 = j.Export(Between(k2026, k2027));
  const std::string whole = j.Export(FecPeriod{});
  INFO(t2025 << "\n----\n" << t2026);
  const testing::FecRead y2025 = ReadFec(t2025, "20250101", "20251231");
  const testing::FecRead y2026 = ReadFec(t2026, "20260101", "20261231");
  const testing::FecRead all = ReadFec(whole, "20250102", "20261231");

  // The ties to the ledger's figures at each end.
  testing::CheckTies(y2025, end2025);
  testing::CheckTies(y2026, end2026);
  testing::CheckTies(all, end2026);

  // 2025's closing balance-sheet balances are 2026's à-nouveaux, and its result is carried.
  CHECK(y2025.BalanceSheet().size() >= 6);
  auto opening2026 = y2026.opening;
  const int64_t carried = opening2026[{"110000", ""}] + opening2026[{"119000", ""}];
  opening2026.erase({"110000", ""});
  opening2026.erase({"119000", ""});
  CHECK(y2025.BalanceSheet() == opening2026);
  CHECK(carried == y2025.Result());
  CHECK(carried < 0);  // a surplus: 110000 in credit
  CHECK(opening2026.at({"467200", y2025.With("Virement").at(0).aux}) == -9'50);  // still owed
  CHECK(y2026.rows.front().journal == "AN");
  CHECK(y2026.rows.front().date == "20260101");
  CHECK(y2026.rows.front().label == "À-nouveaux au 01/01/2026");

  // The genesis opening: the bank holds the fund and the budget, the circulation a debt at par,
  // the rest of the fund the association's own (102000).
  CHECK(y2025.opening.at({"512100", ""}) == 170'00 + 100'00);
  CHECK(y2025.opening.at({"467100", ""}) == -150'00);
  CHECK(y2025.opening.at({"102000", ""}) == -20'00);
  CHECK(y2025.rows.front().date == "20250102");  // the genesis's day

  // The numbering restarts per exercice; the whole export numbers each journal through.
  CHECK(y2025.ecritures_per_journal.at("CV") == 2);
  CHECK(y2026.ecritures_per_journal.at("CV") == 2);
  CHECK(all.ecritures_per_journal.at("CV") == 4);
  CHECK(all.ecritures_per_journal.at("AN") == 1);
  for (const char* journal : {"CV", "BI", "RC", "BQ", "AD"})
    CHECK(all.ecritures_per_journal.at(journal) ==
          y2025.ecritures_per_journal.at(journal) + y2026.ecritures_per_journal.at(journal));

  // The écritures per operation, with la Roue's numbers (docs/guide/auditor.md).
  auto lines = [&](const std::string& label) {
    std::map<std::string, int64_t> m;  // account -> debit - credit
    for (const auto& r : y2025.With(label)) m[r.account] += r.debit - r.credit;
    return m;
  };
  using M = std::map<std::string, int64_t>;
  CHECK(lines("Conversion 10,00 € → 12,00 ROUE – Alice Martin") ==
        M{{"531100", 10'00}, {"467100", -12'00}});
  CHECK(lines("Bonification agglo") == M{{"467400", 2'00}});
  CHECK(lines("Vente de billets – Comptoir de la Gare") ==
        M{{"531100", 50'00}, {"467110", -50'00}});
  CHECK(lines("Dépôt des espèces – Comptoir de la Gare") ==
        M{{"512100", 60'00}, {"531100", -60'00}});
  CHECK(lines("Reconversion – Boulangerie du Rhône") == M{{"467100", 20'00}, {"467200", -19'00}});
  CHECK(lines("Reconversion de billets – Boulangerie du Rhône") ==
        M{{"467110", 10'00}, {"467200", -9'50}});
  CHECK(lines("Commission de reconversion") == M{{"706100", -1'50}});
  CHECK(lines("Virement de reconversion – Boulangerie du Rhône") ==
        M{{"467200", 19'00}, {"512100", -19'00}});
  CHECK(lines("Versement au programme agglo") == M{{"512100", 30'00}, {"467400", -30'00}});
  CHECK(lines("Cotisation – Chloé Petit") == M{{"512100", 10'00}, {"756000", -10'00}});
  CHECK(lines("Frais bancaires") == M{{"627000", 2'00}, {"512100", -2'00}});
  CHECK(lines("Intérêts créditeurs") == M{{"512100", 1'20}, {"768000", -1'20}});
  CHECK(y2025.With("Frais bancaires").at(0).piece == "FRAIS-1");
  CHECK(y2025.With("Frais bancaires").at(0).journal == "BQ");
  CHECK(y2025.With("pain").empty());  // a payment between members moves no euro
  // Pieces: the bank's reference, else the entry.
  CHECK(y2025.With("Dépôt des espèces").at(0).piece == "REM-1");
  CHECK(y2025.With("Conversion 10,00").at(0).piece == "E2");
  // The auxiliary accounts name the office, the merchant and the programme.
  CHECK(y2025.With("Dépôt des espèces").at(1).aux_label == "Comptoir de la Gare");
  CHECK(y2025.With("Bonification agglo").at(0).aux == "agglo");
  CHECK(y2025.aux_balance.count({"467200", y2025.With("Virement").at(0).aux}) == 1);
}

TEST_CASE("the FEC's period: an exercice before the first entry opens with the genesis balances",
          "[ledger][fec]") {
  Journal j;
  j.Year(k2026, 1);
  // 2025 has no entry: its FEC is the opening écriture alone, dated the genesis's day.
  const testing::FecRead y2025 =
      testing::ReadFec(j.Export(Between(k2025, k2026)), "20250101", "20251231");
  CHECK(y2025.ecritures_per_journal == std::map<std::string, int>{{"AN", 1}});
  CHECK(y2025.rows.front().date == "20250102");
  // 2027 has none either: its opening carries 2026's closing balances.
  const testing::FecRead y2026 =
      testing::ReadFec(j.Export(Between(k2026, k2027)), "20260101", "20261231");
  const testing::FecRead y2027 =
      testing::ReadFec(j.Export(Between(k2027, k2027 + 365 * kDay)), "20270101", "20271231");
  auto opening = y2027.opening;
  opening.erase({"110000", ""});
  CHECK(opening == y2026.BalanceSheet());
  CHECK(y2027.rows.front().label == "À-nouveaux au 01/01/2027");
  testing::CheckTies(y2027, j.Now());
  // 2024 ended before the genesis: a header and nothing else.
  const std::string y2024 = j.Export(Between(k2025 - 366 * kDay, k2025));
  CHECK(y2024.find('\n') == y2024.size() - 1);
}

TEST_CASE("French amounts and dates of the FEC's labels", "[ledger][fec]") {
  CHECK(FrenchAmount(214001, 2, "€") == "2\u00A0140,01 €");
  CHECK(FrenchAmount(100, 2, "€") == "1,00 €");
  CHECK(FrenchAmount(123456789, 2, "ROUE") == "1\u00A0234\u00A0567,89 ROUE");
  CHECK(FrenchAmount(-5, 2, "") == "-0,05");
  CHECK(FecDate(FecDayOf(kUtcLedger, k2026 - 1)) == "20251231");
  CHECK(FrenchDate(FecDayOf(kUtcLedger, k2027)) == "01/01/2027");
  CHECK(FecDayOf(kUtcLedger, -1) == -1);
}

}  // namespace
}  // namespace liard

// The general assembly's figures (ledger/report.h) on a small journal over two months, every
// answer worked out by hand below: euros in from conversions and from paper notes, units out by
// reconversion and by note redemption, income by source, bonus and sponsor funds per programme,
// members active, new and lapsed, payments and their velocity.
#include <catch2/catch.hpp>

#include "ledger/report.h"
#include "tests/ledger/applied_journal.h"

namespace liard {
namespace {

using testing::AppliedJournal;
using testing::Fixture;
using testing::Member;

constexpr int64_t kNov = 1'793'491'200'000;  // 2026-11-01T00:00:00Z
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kDec = kNov + 30 * kDay;  // 2026-12-01T00:00:00Z

Fixture TwoMonthsFixture() {
  return Fixture{
      {Member{"alice", AccountKind::kResident, 0}, Member{"bob", AccountKind::kResident, 0},
       Member{"shop", AccountKind::kMerchant, 0}, Member{"town", AccountKind::kMunicipality, 0}},
      0,
      testing::AgglomerationRules};
}

// November: two conversions (10,00 € with the bonus: 12,00 ROUE; 25,00 €), 30,00 € of paper
// notes sold, carol (15,00 € fee, member until 15 December) and dave (10,00 €, until
// 20 November) join, alice pays the shop 5,00, bob pays the shop 3,00 and the town 2,00 in one
// payment, the office banks its 65,00 €, the sponsor pays 50,00 € into agglo, the shop reconverts
// 4,00 (fee 0,20). December: dave renews (after his membership ended in November: 10,00 €), the
// office takes back 20,00 of notes from the shop (fee 1,00), the shop is paid 20,00 €, alice pays
// bob 1,00, the town pays the shop 0,50 on the 21st. Carol's membership ends on 15 December,
// unrenewed.
AppliedJournal TwoMonths() {
  AppliedJournal b(TwoMonthsFixture());
  b.f.Remember("carol");
  b.f.Remember("dave");
  auto id = Fixture::Id;
  b.Apply(b.f.MakeOp("office", Conversion{id("alice"), Amount(1'000), "agglo"}), kNov);
  b.Apply(b.f.MakeOp("office", Conversion{id("bob"), Amount(2'500), ""}), kNov + kDay);
  b.Apply(b.f.MakeOp("office", NoteSale{Amount(3'000)}), kNov + 2 * kDay);
  b.Apply(b.f.MakeOp("office", OpenAccount{id("carol"), AccountKind::kResident, "Carol",
                                           kDec + 15 * kDay, Amount(1'500)}),
          kNov + 3 * kDay);
  b.Apply(b.f.MakeOp("office", OpenAccount{id("dave"), AccountKind::kResident, "Dave",
                                           kNov + 20 * kDay, Amount(1'000)}),
          kNov + 4 * kDay);
  b.Apply(b.f.TransferOp("alice", "shop", 500), kNov + 5 * kDay);
  b.Apply(b.f.MakeOp("bob", MultiTransfer{{Leg{id("shop"), Amount(300), ""},
                                           Leg{id("town"), Amount(200), ""}}}),
          kNov + 6 * kDay);
  b.Apply(b.f.MakeOp("association", Deposit{id("office"), Amount(6'500), "REM-1"}),
          kNov + 7 * kDay);
  b.Apply(b.f.MakeOp("association", FundProgramme{"agglo", Amount(5'000), "SUB-1"}),
          kNov + 7 * kDay);
  b.Apply(b.f.MakeOp("shop", Reconversion{Amount(400)}), kNov + 8 * kDay);

  b.Apply(b.f.MakeOp("office", RenewMembership{id("dave"), kDec + 90 * kDay, Amount(1'000)}),
          kDec + 2 * kDay);
  b.Apply(b.f.MakeOp("office", NoteRedemption{id("shop"), Amount(2'000)}), kDec + 3 * kDay);
  b.Apply(b.f.MakeOp("association", Payout{id("shop"), Amount(2'000), "VIR-1"}), kDec + 4 * kDay);
  b.Apply(b.f.TransferOp("alice", "bob", 100), kDec + 5 * kDay);
  b.Apply(b.f.MakeOp("association", BankEntry{BankEntryKind::kFee, Amount(350), "FRAIS-12"}),
          kDec + 6 * kDay);
  b.Apply(b.f.MakeOp("association", BankEntry{BankEntryKind::kInterest, Amount(125), "INT-12"}),
          kDec + 7 * kDay);
  b.Apply(b.f.TransferOp("town", "shop", 50), kDec + 20 * kDay);
  return b;
}

ReportFigures Figures(const AppliedJournal& b) {
  ReportBuilder r(b.f.genesis());
  r.NameProgramme(ProgrammeId("agglo"), "agglo");
  for (const auto& d : b.done) r.Add(b.Entry(d), d.totals);
  return r.Finish(b.done.back().time_ms);
}

TEST_CASE("the report's figures of two months are the ones worked out by hand",
          "[ledger][report]") {
  const AppliedJournal b = TwoMonths();
  const ReportFigures r = Figures(b);
  REQUIRE(r.months.size() == 2);
  const MonthFigures& nov = r.months[0];
  const MonthFigures& dec = r.months[1];
  CHECK(nov.month == 202611);
  CHECK(dec.month == 202612);

  // Euros in: conversions and paper notes apart.
  CHECK(nov.conversions == 2);
  CHECK(nov.conversion_euros == 3'500);
  CHECK(nov.note_sales == 1);
  CHECK(nov.note_sale_euros == 3'000);
  CHECK(nov.euros_in() == 6'500);
  CHECK(nov.units_converted == 3'700);  // 12,00 (bonus included) and 25,00
  CHECK(nov.notes_issued == 3'000);
  CHECK(dec.euros_in() == 0);

  // Units out: by reconversion and by note redemption; what the shop is owed and was paid.
  CHECK(nov.reconversions == 1);
  CHECK(nov.units_reconverted == 400);
  CHECK(nov.units_redeemed == 0);
  CHECK(nov.owed_to_merchants == 380);  // 4,00 less 5 %
  CHECK(dec.note_redemptions == 1);
  CHECK(dec.units_redeemed == 2'000);
  CHECK(dec.units_out() == 2'000);
  CHECK(dec.owed_to_merchants == 1'900);
  CHECK(dec.payouts == 1);
  CHECK(dec.paid_out == 2'000);

  // Income by source: membership fees and reconversion fees on separate lines.
  CHECK(nov.income.membership_fees == 2'500);
  CHECK(nov.income.reconversion_fees == 20);
  CHECK(dec.income.membership_fees == 1'000);
  CHECK(dec.income.reconversion_fees == 100);
  CHECK(nov.income.other == 0);
  CHECK(nov.income.bank_fees == 0);
  CHECK(dec.income.bank_fees == 350);
  CHECK(dec.income.bank_interest == 125);
  CHECK(dec.income.other == 0);
  CHECK(dec.income.net() == 875);  // 10,00 + 1,00 + 1,25 - 3,50

  // Bonus paid and sponsor funds received, per programme.
  CHECK(nov.bonus_by_programme == std::map<std::string, int64_t>{{"agglo", 200}});
  CHECK(nov.funds_by_programme == std::map<std::string, int64_t>{{"agglo", 5'000}});
  CHECK(dec.bonus_by_programme.empty());

  // Members, merchants, municipalities.
  const PeopleFigures& nm = nov.of(ReportGroup::kMembers);
  CHECK(nm.active == 2);  // alice and bob; carol and dave did nothing
  CHECK(nm.opened == 2);
  CHECK(nm.lapsed == 1);  // dave: ended 20 November, renewed only in December
  CHECK(nm.at_end == 4);
  CHECK(nov.of(ReportGroup::kMerchants).active == 1);
  CHECK(nov.of(ReportGroup::kMerchants).at_end == 1);
  CHECK(nov.of(ReportGroup::kMunicipalities).active == 1);  // the town was paid
  const PeopleFigures& dm = dec.of(ReportGroup::kMembers);
  CHECK(dm.active == 2);
  CHECK(dm.opened == 0);
  CHECK(dm.lapsed == 1);  // carol: ended 15 December, not renewed by the 21st
  CHECK(dm.at_end == 4);
  CHECK(dec.of(ReportGroup::kMunicipalities).active == 1);  // the town paid

  // Payments: the multi-leg one is one payment of 5,00.
  CHECK(nov.payments == 2);
  CHECK(nov.payment_volume == 1'000);
  CHECK(nov.circulation_end == 6'300);   // 37,00 + 30,00 of notes - 4,00
  CHECK(nov.velocity_hundredths == 15);  // 10,00 / 63,00 = 0,158…
  CHECK(dec.payments == 2);
  CHECK(dec.payment_volume == 150);
  CHECK(dec.circulation_end == 4'300);  // - 20,00 of notes
  CHECK(dec.velocity_hundredths == 3);  // 1,50 / 43,00 = 0,034…

  // The whole period.
  const MonthFigures& p = r.period;
  CHECK(p.month == 0);
  CHECK(p.conversion_euros == 3'500);
  CHECK(p.note_sale_euros == 3'000);
  CHECK(p.euros_in() == 6'500);
  CHECK(p.units_reconverted == 400);
  CHECK(p.units_redeemed == 2'000);
  CHECK(p.units_out() == 2'400);
  CHECK(p.owed_to_merchants == 2'280);
  CHECK(p.paid_out == 2'000);
  CHECK(p.income.membership_fees == 3'500);
  CHECK(p.income.reconversion_fees == 120);
  CHECK(p.income.bank_fees == 350);
  CHECK(p.income.bank_interest == 125);
  CHECK(p.income.net() == b.f.Total(Slot::kIncome));  // every cent of income has its source
  CHECK(p.bonus_by_programme.at("agglo") == 200);
  CHECK(p.funds_by_programme.at("agglo") == 5'000);
  CHECK(p.of(ReportGroup::kMembers).active == 2);  // distinct accounts, not 2 + 2
  CHECK(p.of(ReportGroup::kMembers).opened == 2);
  CHECK(p.of(ReportGroup::kMembers).lapsed == 2);
  CHECK(p.of(ReportGroup::kMembers).at_end == 4);
  CHECK(p.of(ReportGroup::kMerchants).at_end == 1);
  CHECK(p.of(ReportGroup::kMunicipalities).at_end == 1);
  CHECK(p.payments == 4);
  CHECK(p.payment_volume == 1'150);
  CHECK(p.circulation_end == b.f.Circulation());
  CHECK(p.velocity_hundredths == 26);  // 11,50 / 43,00 = 0,267…

  // The chart's last point: the circulation (and at par, in euros) against the reserve.
  REQUIRE(r.samples.size() == b.done.size());
  CHECK(r.samples.back().circulation == 4'300);
  CHECK(r.samples.back().circulation_euros == 4'300);
  CHECK(r.samples.back().reserve == b.f.Reserve());
}

TEST_CASE("a month without entries is in the report, with the circulation carried over",
          "[ledger][report]") {
  AppliedJournal b(TwoMonthsFixture());
  b.Apply(b.f.MakeOp("office", Conversion{Fixture::Id("bob"), Amount(2'500), ""}), kNov);
  b.Apply(b.f.TransferOp("bob", "shop", 500), kDec + 35 * kDay);  // 2027-01-05
  const ReportFigures r = Figures(b);
  REQUIRE(r.months.size() == 3);
  CHECK(r.months[1].month == 202612);
  CHECK(r.months[1].payments == 0);
  CHECK(r.months[1].circulation_end == 2'500);
  CHECK(r.months[1].of(ReportGroup::kMembers).at_end == 2);
  CHECK(r.months[2].month == 202701);
  CHECK(r.months[2].velocity_hundredths == 20);  // 5,00 / 25,00
}

TEST_CASE("a membership renewed in the month it ended has not lapsed, one renewed later has",
          "[ledger][report]") {
  AppliedJournal b(TwoMonthsFixture());
  b.f.Remember("erin");
  b.f.Remember("fred");
  auto id = Fixture::Id;
  for (const char* who : {"erin", "fred"})
    b.Apply(b.f.MakeOp("office", OpenAccount{id(who), AccountKind::kResident, who, kNov + 10 * kDay,
                                             Amount(0)}),
            kNov);
  // Both end on 10 November; erin renews on the 20th, fred on 2 December.
  b.Apply(b.f.MakeOp("office", RenewMembership{id("erin"), kDec + 60 * kDay, Amount(0)}),
          kNov + 19 * kDay);
  b.Apply(b.f.MakeOp("office", RenewMembership{id("fred"), kDec + 60 * kDay, Amount(0)}),
          kDec + kDay);
  const ReportFigures r = Figures(b);
  REQUIRE(r.months.size() == 2);
  CHECK(r.months[0].of(ReportGroup::kMembers).opened == 2);
  CHECK(r.months[0].of(ReportGroup::kMembers).lapsed == 1);  // fred
  CHECK(r.months[1].of(ReportGroup::kMembers).lapsed == 0);
  CHECK(r.period.of(ReportGroup::kMembers).lapsed == 1);
  CHECK(r.period.of(ReportGroup::kMembers).at_end == 4);  // alice, bob, erin, fred
}

TEST_CASE("the chart keeps a bounded number of points, the first and the last among them",
          "[ledger][report]") {
  AppliedJournal b(TwoMonthsFixture());
  b.Apply(b.f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(100'000), ""}), kNov);
  ReportBuilder r(b.f.genesis());
  const AppliedJournal::Done& d = b.done[0];
  for (uint64_t i = 1; i <= 10'007; ++i) {
    AppliedEntry e = b.Entry(d);
    e.sequence = i;
    r.Add(e, d.totals);
  }
  const auto samples = r.Finish(kNov).samples;
  CHECK(samples.size() <= 2 * ReportBuilder::kMaxSamples);
  CHECK(samples.size() >= ReportBuilder::kMaxSamples / 2);
  CHECK(samples.front().sequence == 1);
  CHECK(samples.back().sequence == 10'007);
  for (size_t i = 1; i < samples.size(); ++i) CHECK(samples[i].sequence > samples[i - 1].sequence);
}

}  // namespace
}  // namespace liard

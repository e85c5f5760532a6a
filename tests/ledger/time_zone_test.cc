// The currency's time zone (genesis version 4, issue 18): the genesis names it, and the monthly
// bonus cap and the daily outgoing limits count its months and days; versions 1 to 3 count
// UTC's, as they always did, so that their journals replay as before.
#include <catch2/catch.hpp>

#include "ledger/bytes.h"
#include "ledger/civil_time.h"
#include "ledger/domains.h"
#include "ledger/fec.h"
#include "ledger/governance.h"
#include "ledger/money.h"
#include "ledger/report.h"
#include "tests/ledger/applied_journal.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kMinute = 60'000;

// The Unix time of a UTC date and time.
int64_t Utc(int year, int month, int day, int hour, int minute) {
  return DaysFromCivil(year, month, day) * 24 * kHour + hour * kHour + minute * kMinute;
}

const TimeZone& Paris() {
  static const TimeZone zone = *TimeZone::Named("Europe/Paris");
  return zone;
}

Genesis Minimal(uint32_t version) {
  Genesis g;
  g.version = version;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue";
  g.board_keys = {testing::KeyFor("board-1").public_key()};
  if (version >= kGenesisVersion2) g.node_key = testing::KeyFor("node").public_key();
  return g;
}

TEST_CASE("a version 4 genesis names an IANA time zone, older versions none",
          "[ledger][genesis][time-zone]") {
  Genesis v4 = Minimal(kGenesisVersion4);
  CHECK(kCurrentGenesisVersion == kGenesisVersion6);
  Status s = ValidateGenesis(v4);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message() ==
        "a version 4 genesis must name the currency's time zone, e.g. \"Europe/Paris\"");
  for (const char* wrong : {"Europe/Pariss", "GMT+01:00", "CET+1", "europe/paris ", "Paris"}) {
    INFO(wrong);
    v4.time_zone = wrong;
    s = ValidateGenesis(v4);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_THAT(s.message(), Catch::Contains("is not a zone of the IANA database"));
  }
  v4.time_zone = std::string("Europe/Paris\n\x1b[2J", 17);  // never echoed as it is
  CHECK(ValidateGenesis(v4).message().find('\x1b') == std::string::npos);
  for (const char* zone : {"Europe/Paris", "America/Martinique", "Pacific/Noumea", "UTC"}) {
    INFO(zone);
    v4.time_zone = zone;
    CHECK(ValidateGenesis(v4).ok());
    CHECK(CurrencyZone(v4).name() == zone);
  }
  CHECK(CountsInCurrencyZone(v4));

  // Before version 4, none: the days are UTC's.
  for (uint32_t version : {kGenesisVersion1, kGenesisVersion2, kGenesisVersion3}) {
    INFO("version " << version);
    Genesis old = Minimal(version);
    REQUIRE(ValidateGenesis(old).ok());
    CHECK_FALSE(CountsInCurrencyZone(old));
    CHECK(CurrencyZone(old).name() == "UTC");
    old.time_zone = "Europe/Paris";
    CHECK(ValidateGenesis(old).message() ==
          "a version " + std::to_string(version) + " genesis names no time zone (version 4 does)");
  }
  Genesis v5 = Minimal(kGenesisVersion5);
  CHECK(ValidateGenesis(v5).message() ==
        "a version 5 genesis must name the currency's time zone, e.g. \"Europe/Paris\"");
  v5.time_zone = "Europe/Paris";
  CHECK(ValidateGenesis(v5).ok());
  Genesis v6 = Minimal(kGenesisVersion6);
  CHECK(ValidateGenesis(v6).message() ==
        "a version 6 genesis must name the currency's time zone, e.g. \"Europe/Paris\"");
  v6.time_zone = "Europe/Paris";
  CHECK(ValidateGenesis(v6).ok());
  Genesis v7 = Minimal(kGenesisVersion7);
  v7.time_zone = "Europe/Paris";
  CHECK(ValidateGenesis(v7).ok());
  Genesis v8 = Minimal(kLatestGenesisVersion + 1);
  v8.time_zone = "Europe/Paris";
  CHECK(ValidateGenesis(v8).message() == "genesis version must be 1 to 7");
}

TEST_CASE("the time zone travels in field 14 of a version 4 genesis only",
          "[ledger][genesis][time-zone]") {
  Genesis v3 = Minimal(kGenesisVersion3);
  Genesis v4 = Minimal(kGenesisVersion4);
  v4.time_zone = "Europe/Paris";
  // Field 14, length-delimited (tag 0x72), 12 bytes: a version 3 genesis has no such field.
  const std::string field = std::string("\x72\x0c", 2) + "Europe/Paris";
  const std::string bytes = codec::EncodeGenesis(v4);
  CHECK(bytes.find(field) != std::string::npos);
  CHECK(codec::EncodeGenesis(v3).find("Europe/Paris") == std::string::npos);
  Genesis back;
  REQUIRE(codec::DecodeGenesis(bytes, &back).ok());
  CHECK(back.time_zone == "Europe/Paris");
  CHECK(codec::EncodeGenesis(back) == bytes);
  // The zone is part of the ledger id: the same genesis in another zone is another currency.
  v4.time_zone = "America/Martinique";
  CHECK(LedgerIdOf(codec::EncodeGenesis(v4)) != LedgerIdOf(bytes));
}

// ---- The monthly bonus cap: calendar months of the currency's zone (version 4).

Programme CappedBonus() {
  Programme p;
  p.name = "agglo-2026";
  p.sponsor = "Grand Avignon";
  p.ratio_num = 12;  // 10.00 EUR gives 12.00 ROUE: 2.00 of bonus
  p.ratio_den = 10;
  p.monthly_cap = 2'00;
  p.opening_budget = 1'000'00;
  return p;
}

Fixture Town(void (*version)(Genesis*)) {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 200'00}, Member{"shop", AccountKind::kMerchant, 0}},
      0, [version](Genesis* g) {
        version(g);
        g->rules.programmes = {CappedBonus()};
        KindLimits l;
        l.kind = AccountKind::kResident;
        l.daily_outgoing = 50'00;
        g->rules.limits = {l};
      });
}

Operation Convert(const Fixture& f, int64_t euros) {
  return f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(euros), "agglo-2026"});
}

// The tally's key as docs/protocol.md writes it, computed here from the formula.
BookKey TallyOfMonth(uint32_t yyyymm) {
  const Hash owner = Sha256({kTallyDomain, ProgrammeId("agglo-2026").view(),
                             Fixture::Id("alice").view(), Fixed32BE(yyyymm)});
  return BookKey{Slot::kBonusTally, owner};
}

TEST_CASE("a conversion at 23:30 UTC on 31 October counts in November in Paris, October in UTC",
          "[ledger][money][time-zone]") {
  const int64_t halloween = Utc(2026, 10, 31, 23, 30);  // 00:30 on 1 November in Paris
  const int64_t november = Utc(2026, 11, 1, 10, 0);
  REQUIRE(Paris().YearMonthOf(halloween) == 202611);

  SECTION("version 4, Europe/Paris: both in November, the second gets no bonus") {
    Fixture f = Town(Fixture::Version4);
    REQUIRE_OK(f.SubmitAt(Convert(f, 10'00), halloween));
    CHECK(f.BalanceOf("alice") == 200'00 + 12'00);
    CHECK(f.state().Balance(TallyOfMonth(202611)) == 2'00);
    CHECK(f.state().Balance(TallyOfMonth(202610)) == 0);
    REQUIRE_OK(f.SubmitAt(Convert(f, 10'00), november));
    CHECK(f.BalanceOf("alice") == 200'00 + 12'00 + 10'00);
    CHECK(f.last_note() ==
          "converted 10.00 EUR into 10.00 ROUE (bonus 0.00 ROUE): the monthly bonus cap of 2.00 "
          "ROUE is reached");
    // The quote an office is shown agrees.
    ConversionQuote q;
    REQUIRE_OK(QuoteConversion(f.genesis(), f.state(), *f.state().FindAccount(Fixture::Id("alice")),
                               10'00, "agglo-2026", november, &q));
    CHECK(q.bonus_paid == 0);
    // December is another month, from midnight in Paris (23:00 UTC on 30 November).
    REQUIRE_OK(f.SubmitAt(Convert(f, 10'00), Utc(2026, 11, 30, 23, 0)));
    CHECK(f.state().Balance(TallyOfMonth(202612)) == 2'00);
  }
  SECTION("version 3: UTC months, as before, each conversion gets its bonus") {
    Fixture f = Town(Fixture::Version3);
    REQUIRE_OK(f.SubmitAt(Convert(f, 10'00), halloween));
    CHECK(f.state().Balance(TallyOfMonth(202610)) == 2'00);
    CHECK(f.state().Balance(TallyOfMonth(202611)) == 0);
    REQUIRE_OK(f.SubmitAt(Convert(f, 10'00), november));
    CHECK(f.BalanceOf("alice") == 200'00 + 12'00 + 12'00);
    CHECK(f.state().Balance(TallyOfMonth(202611)) == 2'00);
    // 23:00 UTC on 30 November is still November in UTC: the cap is reached.
    REQUIRE_OK(f.SubmitAt(Convert(f, 10'00), Utc(2026, 11, 30, 23, 0)));
    CHECK(f.state().Balance(TallyOfMonth(202612)) == 0);
    CHECK(f.BalanceOf("alice") == 200'00 + 12'00 + 12'00 + 10'00);
  }
}

// ---- The daily outgoing limit: days of the currency's zone (version 4).

Operation Pay(const Fixture& f, int64_t amount) { return f.TransferOp("alice", "shop", amount); }

// The daily tally's key as docs/protocol.md writes it.
BookKey TallyOfDay(int64_t day) {
  const Hash owner =
      Sha256({kDailyDomain, Fixture::Id("alice").view(), Fixed32BE(static_cast<uint32_t>(day))});
  return BookKey{Slot::kDailyOutTally, owner};
}

TEST_CASE("the daily limit counts days from midnight in Paris on a version 4 ledger",
          "[ledger][limits][time-zone]") {
  const int64_t evening = Utc(2026, 11, 3, 22, 30);         // 23:30 on 3 November in Paris
  const int64_t after_midnight = Utc(2026, 11, 3, 23, 30);  // 00:30 on 4 November in Paris
  const int64_t night = Utc(2026, 11, 4, 0, 30);            // 01:30 on 4 November in Paris

  SECTION("version 4, Europe/Paris") {
    Fixture f = Town(Fixture::Version4);
    REQUIRE_OK(f.SubmitAt(Pay(f, 40'00), evening));
    REQUIRE_OK(f.SubmitAt(Pay(f, 40'00), after_midnight));  // a new day in Paris
    CHECK(f.state().Balance(TallyOfDay(DaysFromCivil(2026, 11, 3))) == 40'00);
    CHECK(f.state().Balance(TallyOfDay(DaysFromCivil(2026, 11, 4))) == 40'00);
    Status s = f.SubmitAt(Pay(f, 20'00), night);  // the same Paris day as the second
    CHECK(s.code() == Code::kDailyLimit);
    CHECK(s.message() ==
          "today's payments would reach 60.00 ROUE, above the daily limit of 50.00 ROUE");
    CHECK(f.BalanceOf("alice") == 200'00 - 80'00);
  }
  SECTION("version 3: UTC days, as before") {
    Fixture f = Town(Fixture::Version3);
    REQUIRE_OK(f.SubmitAt(Pay(f, 40'00), evening));
    CHECK(f.SubmitAt(Pay(f, 40'00), after_midnight).code() == Code::kDailyLimit);  // same UTC day
    REQUIRE_OK(f.SubmitAt(Pay(f, 20'00), night));                                  // the next one
    CHECK(f.state().Balance(TallyOfDay(DaysFromCivil(2026, 11, 3))) == 40'00);
    CHECK(f.state().Balance(TallyOfDay(DaysFromCivil(2026, 11, 4))) == 20'00);
  }
}

TEST_CASE("a day of 25 hours and a day of 23 hours in Paris are each one day of the limit",
          "[ledger][limits][time-zone]") {
  // 25 October 2026: clocks go back at 03:00 CEST (01:00 UTC); the day runs from 22:00 UTC on
  // the 24th to 23:00 UTC on the 25th. 29 March 2026: forward at 02:00 CET (01:00 UTC); from
  // 23:00 UTC on the 28th to 22:00 UTC on the 29th.
  struct Case {
    const char* name;
    int64_t first, last, next;  // 00:15, 23:45 on the day, 00:15 the day after (Paris)
    int64_t day;
  };
  for (const Case& c : {Case{"autumn", Utc(2026, 10, 24, 22, 15), Utc(2026, 10, 25, 22, 45),
                             Utc(2026, 10, 25, 23, 15), DaysFromCivil(2026, 10, 25)},
                        Case{"spring", Utc(2026, 3, 28, 23, 15), Utc(2026, 3, 29, 21, 45),
                             Utc(2026, 3, 29, 22, 15), DaysFromCivil(2026, 3, 29)}}) {
    INFO(c.name);
    REQUIRE(Paris().DayOf(c.first) == c.day);
    Fixture f = Town(Fixture::Version4);
    REQUIRE_OK(f.SubmitAt(Pay(f, 40'00), c.first));
    CHECK(f.SubmitAt(Pay(f, 20'00), c.last).code() == Code::kDailyLimit);
    REQUIRE_OK(f.SubmitAt(Pay(f, 20'00), c.next));
    CHECK(f.state().Balance(TallyOfDay(c.day)) == 40'00);
    CHECK(f.state().Balance(TallyOfDay(c.day + 1)) == 20'00);
  }
  CHECK(Paris().StartOfDay(DaysFromCivil(2026, 10, 26)) -
            Paris().StartOfDay(DaysFromCivil(2026, 10, 25)) ==
        25 * kHour);
  CHECK(Paris().StartOfDay(DaysFromCivil(2026, 3, 30)) -
            Paris().StartOfDay(DaysFromCivil(2026, 3, 29)) ==
        23 * kHour);
}

TEST_CASE("docs/money.md's worked example: the cap's months and the limit's days in Avignon",
          "[ledger][money][limits][time-zone]") {
  auto la_roue = [](void (*version)(Genesis*)) {
    return Fixture({Member{"alice", AccountKind::kResident, 500'00},
                    Member{"shop", AccountKind::kMerchant, 0}},
                   0, [version](Genesis* g) {
                     version(g);
                     Programme p = CappedBonus();
                     p.monthly_cap = 5'00;
                     g->rules.programmes = {p};
                     KindLimits l;
                     l.kind = AccountKind::kResident;
                     l.daily_outgoing = 300'00;
                     g->rules.limits = {l};
                   });
  };
  const int64_t times[] = {Utc(2026, 10, 31, 23, 30), Utc(2026, 11, 1, 10, 0),
                           Utc(2026, 11, 30, 22, 59), Utc(2026, 11, 30, 23, 0)};
  struct Case {
    void (*version)(Genesis*);
    int64_t bonus[4];
    bool second_payment;  // 30.00 at 23:30 UTC after 280.00 at 22:30 UTC on 3 November
  };
  for (const Case& c : {Case{Fixture::Version4, {2'00, 2'00, 1'00, 2'00}, true},
                        Case{Fixture::Version3, {2'00, 2'00, 2'00, 1'00}, false}}) {
    Fixture f = la_roue(c.version);
    INFO("version " << f.genesis().version);
    for (size_t i = 0; i < 4; ++i) {
      INFO("conversion " << i + 1);
      const int64_t before = f.BalanceOf("alice");
      REQUIRE_OK(f.SubmitAt(Convert(f, 10'00), times[i]));
      CHECK(f.BalanceOf("alice") - before == 10'00 + c.bonus[i]);
    }
    REQUIRE_OK(f.SubmitAt(Pay(f, 280'00), Utc(2026, 11, 3, 22, 30)));
    CHECK(f.SubmitAt(Pay(f, 30'00), Utc(2026, 11, 3, 23, 30)).ok() == c.second_payment);
  }
}

// ---- The exports: the FEC's days and the report's months are the currency's.

// The FEC of `j` over the days `first` to `last`, both included.
std::string Fec(const testing::AppliedJournal& j, int64_t first, int64_t last) {
  Delta genesis_delta;
  MemoryState empty(StateDigestRuleOf(j.f.genesis()));
  REQUIRE(j.f.ledger().GenesisDelta(empty, &genesis_delta).ok());
  FecWriter w(j.f.genesis(), genesis_delta, FecConfig::Defaults(), FecPeriod{first, last});
  for (const auto& d : j.done) w.Add(j.Entry(d), d.totals);
  std::string text;
  REQUIRE_OK(w.Finish(&text));
  return text;
}

TEST_CASE("a conversion at 23:30 UTC on 31 December is in the next exercice and month in Paris",
          "[ledger][fec][report][time-zone]") {
  const int64_t new_year = Utc(2026, 12, 31, 23, 30);  // 00:30 on 1 January 2027 in Paris
  const int64_t first_2026 = DaysFromCivil(2026, 1, 1), last_2026 = DaysFromCivil(2026, 12, 31);
  const int64_t first_2027 = DaysFromCivil(2027, 1, 1), last_2027 = DaysFromCivil(2027, 12, 31);
  struct Case {
    void (*version)(Genesis*);
    const char* date;  // the écriture's
    uint32_t month;    // the report's
    bool in_2026;      // which exercice has it
  };
  for (const Case& c : {Case{Fixture::Version4, "20270101", 202701, false},
                        Case{Fixture::Version3, "20261231", 202612, true}}) {
    testing::AppliedJournal j(Town(c.version));
    INFO("version " << j.f.genesis().version);
    j.Apply(Convert(j.f, 10'00), new_year);
    CHECK(FecDayOf(j.f.genesis(), new_year) == (c.in_2026 ? last_2026 : first_2027));
    const std::string y2026 = Fec(j, first_2026, last_2026);
    const std::string y2027 = Fec(j, first_2027, last_2027);
    const std::string& with = c.in_2026 ? y2026 : y2027;
    const std::string& without = c.in_2026 ? y2027 : y2026;
    CHECK(with.find("\nCV|Conversions|1|" + std::string(c.date) + "|") != std::string::npos);
    CHECK(without.find("\nCV|") == std::string::npos);

    ReportBuilder r(j.f.genesis());
    for (const auto& d : j.done) r.Add(j.Entry(d), d.totals);
    const ReportFigures figures = r.Finish(new_year);
    REQUIRE(figures.months.size() == 1);
    CHECK(figures.months[0].month == c.month);
    CHECK(figures.months[0].conversions == 1);
  }
}

// ---- The default programme of the rules.

TEST_CASE("the default programme names one of the rules' programmes",
          "[ledger][rules][default-programme]") {
  Rules r;
  r.programmes = {CappedBonus()};
  REQUIRE(ValidateRules(r).ok());  // none
  r.default_programme = "agglo-2026";
  CHECK(ValidateRules(r).ok());
  r.default_programme = "agglo-2027";
  CHECK(ValidateRules(r).message() ==
        "the default programme 'agglo-2027' is not one of the rules' programmes: name one of "
        "them, or none");
  r.default_programme = "Agglo 2026\x1b";
  CHECK(ValidateRules(r).message() ==
        "the default programme's name must be 1 to 32 of a-z, 0-9 and '-'");
  r.programmes.clear();
  r.default_programme = "agglo-2026";
  CHECK(ValidateRules(r).code() == Code::kInvalidArgument);

  Genesis g = Minimal(kGenesisVersion3);
  g.rules.default_programme = "agglo-2026";
  CHECK_THAT(ValidateGenesis(g).message(), Catch::Contains("is not one of the rules' programmes"));
  g.rules.programmes = {CappedBonus()};
  CHECK(ValidateGenesis(g).ok());
}

TEST_CASE("the board sets and clears the default programme, and rules without one keep their bytes",
          "[ledger][rules][default-programme][governance]") {
  const int64_t now = Utc(2026, 11, 3, 12, 0);
  Fixture f = Town(Fixture::Version3);
  const Governance& g = f.state().governance();
  const std::string before = EncodeGovernance(g);
  const Hash digest_before = f.state().digest();
  CHECK(before[0] == 2);  // layout 2: a node key, nothing more

  auto decide = [&](const Rules& rules) {
    Operation p = f.MakeOp("board-1", Propose{SetRules{rules}, now + 24 * kHour});
    Status s = f.SubmitAt(p, now);
    if (!s.ok()) return s;
    return f.SubmitAt(f.MakeOp("board-2", Approve{g.pending.back().id}), now);
  };

  // One that names no programme is refused when proposed, and changes nothing.
  Rules wrong = g.rules;
  wrong.default_programme = "agglo-2027";
  Status s = f.SubmitAt(f.MakeOp("board-1", Propose{SetRules{wrong}, now + 24 * kHour}), now);
  CHECK(s.code() == Code::kBadRules);
  CHECK_THAT(s.message(), Catch::Contains("'agglo-2027' is not one of the rules' programmes"));
  CHECK(f.state().digest() == digest_before);

  // Set, with a programme of its own: pending, then in force; the record's layout says so (6:
  // layout 2 with the default programme).
  Rules with = g.rules;
  Programme fete;
  fete.name = "fete-des-vendanges";
  fete.ratio_num = 11;
  fete.ratio_den = 10;
  with.programmes.push_back(fete);
  with.default_programme = fete.name;
  REQUIRE_OK(f.SubmitAt(f.MakeOp("board-1", Propose{SetRules{with}, now + 24 * kHour}), now));
  std::string pending = EncodeGovernance(g);
  CHECK(pending[0] == 6);
  Governance back;
  REQUIRE(DecodeGovernance(pending, &back));
  CHECK(std::get<SetRules>(back.pending.at(0).decision).rules.default_programme == fete.name);
  CHECK(EncodeGovernance(back) == pending);
  REQUIRE_OK(f.SubmitAt(f.MakeOp("board-2", Approve{g.pending.at(0).id}), now));
  CHECK(g.rules.default_programme == fete.name);
  const std::string in_force = EncodeGovernance(g);
  CHECK(in_force[0] == 6);
  REQUIRE(DecodeGovernance(in_force, &back));
  CHECK(back.rules.default_programme == fete.name);
  CHECK(EncodeGovernance(back) == in_force);

  // The programme it names cannot be dropped while it is the default.
  Rules dropped = g.rules;
  std::erase_if(dropped.programmes, [&](const Programme& p) { return p.name == fete.name; });
  s = decide(dropped);
  CHECK(s.code() == Code::kBadRules);
  CHECK_THAT(s.message(), Catch::Contains("'fete-des-vendanges' is not one of"));

  // Cleared with it: the record is byte for byte what it was before either was set.
  dropped.default_programme.clear();
  REQUIRE_OK(decide(dropped));
  CHECK(g.rules.default_programme.empty());
  CHECK(EncodeGovernance(g) == before);
}

}  // namespace
}  // namespace liard

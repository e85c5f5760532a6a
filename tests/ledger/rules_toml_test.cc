// Rules TOML: one reader of [rules], [[programmes]] and [[limits]] for the node's genesis file and
// the wallet's set-rules (ledger/rules_toml.h).
#include "ledger/rules_toml.h"

#include <catch2/catch.hpp>

#include "ledger/address.h"
#include "ledger/money.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using Catch::Matchers::Contains;

constexpr std::string_view kAll = R"([rules]
backing = "11/10"
conversion_min = "1.00"
conversion_max = "500,00"
conversion_kinds = ["resident", "merchant"]
office_cash_ceiling = "2000.00"
reconversion_fee = "5/100"
reconversion_min = "0.50"

[[programmes]]
name = "agglo-2026"
sponsor = "Grand Avignon"
ratio = "12/10"
rounding = "nearest"
step = "0.05"
min_euros = "10.00"
starts = 2026-01-01
ends = 2027-01-01T00:00:00+01:00
monthly_cap = "30.00"
member_kinds = ["resident"]

[[limits]]
kind = "resident"
max_payment = "150.00"
daily_outgoing = "300.00"
balance_ceiling = "2000.00"
)";

Status Read(std::string_view text, RulesDocument document, Rules* rules) {
  return ParseRulesToml(text, "rules.toml", document, 2, "ROUE", rules);
}

TEST_CASE("every key of the rules tables is read, for a genesis and for a change alike",
          "[ledger][rules-toml]") {
  for (RulesDocument document : {RulesDocument::kGenesis, RulesDocument::kChange}) {
    Rules r;
    REQUIRE(Read(kAll, document, &r).ok());
    CHECK(r.backing_num == 11);
    CHECK(r.backing_den == 10);
    CHECK(r.conversion.min_euros == 100);
    CHECK(r.conversion.max_euros == 50000);
    CHECK(r.conversion.member_kinds ==
          (KindBit(AccountKind::kResident) | KindBit(AccountKind::kMerchant)));
    CHECK(r.conversion.office_cash_ceiling == 200000);
    CHECK(r.reconversion.fee_num == 5);
    CHECK(r.reconversion.fee_den == 100);
    CHECK(r.reconversion.min_units == 50);
    REQUIRE(r.programmes.size() == 1);
    const Programme& p = r.programmes[0];
    CHECK(p.name == "agglo-2026");
    CHECK(p.sponsor == "Grand Avignon");
    CHECK(p.ratio_num == 12);
    CHECK(p.ratio_den == 10);
    CHECK(p.rounding == Rounding::kNearest);
    CHECK(p.step == 5);
    CHECK(p.min_euros == 1000);
    CHECK(p.starts_ms == 1'767'225'600'000);
    CHECK(p.ends_ms == 1'798'758'000'000);
    CHECK(p.monthly_cap == 3000);
    CHECK(p.member_kinds == KindBit(AccountKind::kResident));
    REQUIRE(r.limits.size() == 1);
    CHECK(r.limits[0].kind == AccountKind::kResident);
    CHECK(r.limits[0].max_payment == 15000);
    CHECK(r.limits[0].daily_outgoing == 30000);
    CHECK(r.limits[0].balance_ceiling == 200000);
    CHECK(ValidateRules(r).ok());
  }
}

TEST_CASE("a change names only what changes and starts from the rules in force",
          "[ledger][rules-toml]") {
  Rules in_force;
  REQUIRE(Read(kAll, RulesDocument::kGenesis, &in_force).ok());
  in_force.programmes[0].opening_budget = 500000;
  Rules r = in_force;
  REQUIRE(Read("[rules]\nreconversion_fee = \"3/100\"\n\n[[programmes]]\nname = \"agglo-2026\"\n"
               "ratio = \"15/10\"\n\n[[programmes]]\nname = \"new-one\"\n\n[[limits]]\n"
               "kind = \"resident\"\nmax_payment = \"100.00\"\n",
               RulesDocument::kChange, &r)
              .ok());
  CHECK(r.reconversion.fee_num == 3);
  CHECK(r.backing_num == 11);  // not named: as in force
  CHECK(r.conversion.max_euros == 50000);
  REQUIRE(r.programmes.size() == 2);
  const Programme* agglo = r.FindProgramme("agglo-2026");
  REQUIRE(agglo != nullptr);
  CHECK(agglo->ratio_num == 15);
  CHECK(agglo->sponsor == "Grand Avignon");  // the programme in force, its ratio changed
  CHECK(agglo->monthly_cap == 3000);
  CHECK(agglo->opening_budget == 500000);
  const Programme* fresh = r.FindProgramme("new-one");
  REQUIRE(fresh != nullptr);
  CHECK(fresh->ratio_num == 1);  // a new programme starts from the defaults
  CHECK(fresh->opening_budget == 0);
  // A [[limits]] entry replaces the kind's limits: absent keys are 0, no limit.
  REQUIRE(r.limits.size() == 1);
  CHECK(r.limits[0].max_payment == 10000);
  CHECK(r.limits[0].daily_outgoing == 0);
}

TEST_CASE("the rules tables refuse what each document may not hold, naming file and line",
          "[ledger][rules-toml]") {
  auto error = [](std::string_view text, RulesDocument document) {
    Rules r;
    Status s = Read(text, document, &r);
    CHECK(s.code() == Code::kInvalidArgument);
    return s.message();
  };
  const auto kGenesis = RulesDocument::kGenesis;
  const auto kChange = RulesDocument::kChange;
  // A budget is opened by a genesis only: a change records sponsors' euros with fund-programme.
  Rules r;
  CHECK(Read("[[programmes]]\nname = \"x\"\nratio = \"1/1\"\nbudget = \"100.00\"\n", kGenesis, &r)
            .ok());
  CHECK(r.programmes[0].opening_budget == 10000);
  CHECK_THAT(error("[[programmes]]\nname = \"x\"\nbudget = \"100.00\"\n", kChange),
             Contains("rules.toml:3: ") && Contains("liard fund-programme"));
  // A genesis programme names its ratio.
  CHECK_THAT(error("[[programmes]]\nname = \"x\"\n", kGenesis),
             Contains("[[programmes]] entry 1 ratio is missing"));
  // A change holds the rules tables only; a genesis file's other tables are its reader's.
  CHECK_THAT(error("[currency]\ncode = \"ROUE\"\n", kChange),
             Contains("rules.toml:1: unknown table 'currency' (known: [rules], [[limits]], "
                      "[[programmes]], [association_share], [demurrage])"));
  CHECK(Read("[currency]\ncode = \"ROUE\"\n", kGenesis, &r).ok());
  for (auto document : {kGenesis, kChange}) {
    CHECK_THAT(error("[rules]\nbakcing = \"1/1\"\n", document),
               Contains("rules.toml:2: unknown key 'bakcing' in [rules]"));
    CHECK_THAT(error("[rules]\nconversion_kinds = [\"association\"]\n", document),
               Contains("conversion_kinds entries must be among: resident, merchant, "
                        "municipality"));
    CHECK_THAT(error("[rules]\nconversion_max = 500\n", document),
               Contains("[rules] conversion_max must be a string, not an integer"));
    CHECK_THAT(error("[rules]\nreconversion_min = \"0.001\"\n", document),
               Contains("[rules] reconversion_min \"0.001\" is not an amount of ROUE"));
    CHECK_THAT(
        error("[[limits]]\nkind = \"resident\"\n[[limits]]\nkind = \"resident\"\n", document),
        Contains("rules.toml:4: [[limits]] entry 2 repeats the kind \"resident\""));
    CHECK_THAT(
        error("[[programmes]]\nname = \"x\"\nratio = \"1/1\"\nrounding = \"half\"\n", document),
        Contains("rounding \"half\" is not one of: down, up, nearest"));
    CHECK_THAT(error("[rules\n", document),
               Contains("rules.toml:1:") && Contains("not valid TOML"));
  }
}

TEST_CASE("in a genesis a zero minimum is the default, in a change it is what it says",
          "[ledger][rules-toml]") {
  constexpr std::string_view zeros =
      "[rules]\nconversion_min = \"0\"\nreconversion_min = \"0\"\n[[programmes]]\nname = \"x\"\n"
      "ratio = \"1/1\"\nstep = \"0\"\n";
  Rules genesis;
  REQUIRE(Read(zeros, RulesDocument::kGenesis, &genesis).ok());
  CHECK(genesis.conversion.min_euros == 1);
  CHECK(genesis.reconversion.min_units == 1);
  CHECK(genesis.programmes[0].step == 1);
  Rules change;
  REQUIRE(Read(zeros, RulesDocument::kChange, &change).ok());
  CHECK(change.conversion.min_euros == 0);  // ValidateRules then refuses it, as before
  CHECK(change.reconversion.min_units == 0);
  CHECK(change.programmes[0].step == 0);
  CHECK_FALSE(ValidateRules(change).ok());
}

TEST_CASE("the default programme is read from [rules], kept by a change that does not name it",
          "[ledger][rules-toml][default-programme]") {
  const auto kGenesis = RulesDocument::kGenesis;
  const auto kChange = RulesDocument::kChange;
  Rules r;
  REQUIRE(Read("[rules]\ndefault_programme = \"agglo-2026\"\n\n[[programmes]]\nname = "
               "\"agglo-2026\"\nratio = \"12/10\"\n",
               kGenesis, &r)
              .ok());
  CHECK(r.default_programme == "agglo-2026");
  CHECK(ValidateRules(r).ok());
  // A change that does not name it keeps the one in force; "" clears it.
  REQUIRE(Read("[rules]\nbacking = \"11/10\"\n", kChange, &r).ok());
  CHECK(r.default_programme == "agglo-2026");
  REQUIRE(Read("[rules]\ndefault_programme = \"\"\n", kChange, &r).ok());
  CHECK(r.default_programme.empty());
  // Whether it names a programme of the rules is ValidateRules' to say, once all are read.
  REQUIRE(Read("[rules]\ndefault_programme = \"fete\"\n", kChange, &r).ok());
  CHECK_THAT(ValidateRules(r).message(),
             Contains("the default programme 'fete' is not one of the rules' programmes"));
  for (auto document : {kGenesis, kChange}) {
    Rules x;
    Status s = Read("[rules]\ndefault_programme = \"Agglo 2026\"\n", document, &x);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_THAT(s.message(), Contains("rules.toml:2:") &&
                                Contains("[rules] default_programme \"Agglo 2026\" must be a "
                                         "programme's name"));
    s = Read("[rules]\ndefault_programme = 7\n", document, &x);
    CHECK_THAT(s.message(), Contains("[rules] default_programme must be a string, not an integer"));
  }
}

}  // namespace
}  // namespace liard

namespace liard {
namespace {

TEST_CASE("a change's [association_share] table sets the share, keeping what it does not name",
          "[ledger][rules-toml][share]") {
  const std::string velo = EncodeAddress("ROUE", testing::KeyFor("velo").public_key());
  const std::string asso = EncodeAddress("ROUE", testing::KeyFor("association").public_key());
  Rules r;
  REQUIRE(Read("[association_share]\nbasis_points = 300\nprogramme = \"agglo-2026\"\n"
               "associations = [\"" +
                   velo + "\", \"" + asso + "\"]\n",
               RulesDocument::kChange, &r)
              .ok());
  CHECK(r.share.basis_points == 300);
  CHECK(r.share.programme == "agglo-2026");
  REQUIRE(r.share.associations.size() == 2);
  CHECK(r.share.associations[0] == testing::KeyFor("velo").public_key());
  // Off, the list kept.
  REQUIRE(Read("[association_share]\nbasis_points = 0\n", RulesDocument::kChange, &r).ok());
  CHECK(r.share.basis_points == 0);
  CHECK(r.share.associations.size() == 2);
  auto error = [](const std::string& text) {
    Rules x;
    Status s = Read(text, RulesDocument::kChange, &x);
    CHECK_FALSE(s.ok());
    return s.message();
  };
  CHECK_THAT(error("[association_share]\nbasis_points = 1001\n"),
             Contains("rules.toml:2: ") && Contains("between 0 and 1000"));
  CHECK_THAT(error("[association_share]\nassociations = [\"roue1qqqq\"]\n"),
             Contains("rules.toml:2: ") && Contains("associations"));
  CHECK_THAT(error("[association_share]\nrate = 3\n"), Contains("rate"));
  // An address of another currency.
  CHECK_THAT(error("[association_share]\nassociations = [\"" +
                   EncodeAddress("EUSKO", testing::KeyFor("velo").public_key()) + "\"]\n"),
             Contains("rules.toml:2: "));
  // Not in a genesis file: the board sets it.
  Rules g;
  (void)Read("[association_share]\nbasis_points = 300\n", RulesDocument::kGenesis, &g);
  CHECK(g.share.empty());
}

}  // namespace
}  // namespace liard

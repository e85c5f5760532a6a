// The association's share (ledger/ops/share.cc): a member chooses an association among those the
// rules list, and each of its conversions issues that association a share, backed from a
// sponsor's budget; every refusal and bound, the share skipped (never the conversion refused)
// when it cannot be paid, the general assembly's figures, and a seeded property run whose
// journal the auditor's replay agrees with.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

#include "ledger/governance.h"
#include "ledger/invariants.h"
#include "ledger/ops/ops.h"
#include "ledger/replay.h"
#include "ledger/report.h"
#include "tests/ledger/applied_journal.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::AppliedJournal;
using testing::Fixture;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kNow = 1'793'750'400'000;  // 2026-11-03T00:00:00Z
constexpr int64_t kDay = 86'400'000;

// la Roue: 10 € = 12 Roues from the agglomeration's budget, and a second sponsor's programme
// that pays no bonus (ratio 1/1) but may pay shares.
Programme Agglo(int64_t budget = 100'000) {
  Programme p;
  p.name = "agglo-2026";
  p.sponsor = "Grand Avignon";
  p.ratio_num = 12;
  p.ratio_den = 10;
  p.opening_budget = budget;
  return p;
}
Programme Caisse(int64_t budget) {
  Programme p;
  p.name = "caisse-locale";
  p.sponsor = "Caisse locale";
  p.opening_budget = budget;
  return p;
}

Fixture Roue(int64_t agglo_budget = 100'000, int64_t caisse_budget = 0) {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 0}, Member{"bob", AccountKind::kResident, 5'000},
       Member{"shop", AccountKind::kMerchant, 20'000},
       Member{"velo", AccountKind::kMerchant, 0},  // an association approved as a pro
       Member{"mairie", AccountKind::kMunicipality, 0}},
      0, [=](Genesis* g) {
        Fixture::Version4(g);
        g->rules.programmes = {Agglo(agglo_budget), Caisse(caisse_budget)};
      });
}

AssociationShare Share(uint32_t bp, std::string programme = "agglo-2026") {
  AssociationShare s;
  s.basis_points = bp;
  s.programme = std::move(programme);
  s.associations = {Fixture::Id("association"), Fixture::Id("velo")};
  return s;
}

Operation ProposeOp(const Fixture& f, Decision d, int64_t now) {
  return f.MakeOp("board-1", Propose{std::move(d), now + kDay});
}

// A decision of the 2-of-3 board: board-1 proposes, board-2 approves.
Status Decide(Fixture& f, Decision d, int64_t now = kNow) {
  Operation p = ProposeOp(f, std::move(d), now);
  Status s = f.SubmitAt(p, now);
  if (!s.ok()) return s;
  const Hash id = OperationId(f.ledger().id(), codec::EncodeOperation(p));
  return f.SubmitAt(f.MakeOp("board-2", Approve{id}), now);
}

Status SetShare(Fixture& f, const AssociationShare& share, int64_t now = kNow) {
  Rules r = f.state().governance().rules;
  r.share = share;
  return Decide(f, SetRules{r}, now);
}

Operation Choose(const Fixture& f, std::string_view member, std::string_view association) {
  return f.MakeOp(member,
                  ChooseAssociation{association.empty() ? AccountId{} : Fixture::Id(association)});
}

Operation Convert(const Fixture& f, std::string_view member, int64_t euros,
                  std::string programme = "agglo-2026") {
  return f.MakeOp("office", Conversion{Fixture::Id(member), Amount(euros), std::move(programme)});
}

int64_t Budget(const Fixture& f, std::string_view programme) {
  return f.Held(Slot::kSponsorBudget, ProgrammeId(programme));
}

// Both books balance, no forbidden sign, and the reserve covers circulation, from a recount.
void RequireBooksSound(Fixture& f) {
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
  REQUIRE(f.Reserve() >= f.Circulation());
  REQUIRE(f.Total(Slot::kIssuance) == -f.Circulation());
}

std::vector<std::pair<BookKey, int64_t>> Balances(const MemoryState& s) {
  auto b = s.NonZeroBalances();
  std::sort(b.begin(), b.end());
  return b;
}

const Account& Record(Fixture& f, std::string_view name) {
  const Account* a = f.state().FindAccount(Fixture::Id(name));
  REQUIRE(a != nullptr);
  return *a;
}

TEST_CASE("share: off by default, a conversion pays no share even to a member who chose",
          "[ledger][share]") {
  Fixture f = Roue();
  CHECK(f.state().governance().rules.share.empty());
  // Nobody is listed yet: no choice is possible.
  CHECK(f.SubmitAt(Choose(f, "alice", "velo"), kNow).code() == Code::kNotEligibleAssociation);
  // Listed but at 0 basis points: members may choose before it starts; nothing is paid.
  REQUIRE_OK(SetShare(f, Share(0, "")));
  REQUIRE_OK(f.SubmitAt(Choose(f, "alice", "velo"), kNow));
  CHECK(Record(f, "alice").association == Fixture::Id("velo"));
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow));
  CHECK(f.BalanceOf("alice") == 1'200);
  CHECK(f.BalanceOf("velo") == 0);
  CHECK(Budget(f, "agglo-2026") == 100'000 - 200);
  CHECK(f.last_note().find("share") == std::string::npos);
}

TEST_CASE("share: 3 % of 10,00 € goes to the chosen association, backed from the budget",
          "[ledger][share]") {
  Fixture f = Roue();
  REQUIRE_OK(SetShare(f, Share(300)));
  REQUIRE_OK(f.SubmitAt(Choose(f, "alice", "velo"), kNow));
  const int64_t fund = f.Total(Slot::kFund);
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow));
  // 10,00 € at par are 1 000 units: the bonus 200 and the share floor(1 000 × 3 %) = 30.
  CHECK(f.BalanceOf("alice") == 1'200);
  CHECK(f.BalanceOf("velo") == 30);
  CHECK(Budget(f, "agglo-2026") == 100'000 - 200 - 30);
  CHECK(f.Total(Slot::kFund) == fund + 200 + 30);
  CHECK(f.Circulation() == 5'000 + 20'000 + 1'230);
  CHECK(f.last_note().find("association's share 0.30 ROUE") != std::string::npos);
  RequireBooksSound(f);
  // Without a bonus programme in the conversion the share is still paid by the rule's.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 2'000, ""), kNow + 1));
  CHECK(f.BalanceOf("velo") == 90);
  CHECK(Budget(f, "agglo-2026") == 100'000 - 200 - 90);
  RequireBooksSound(f);
}

TEST_CASE("share: rounded down to the minor unit; below one unit it is skipped and said",
          "[ledger][share]") {
  Fixture f = Roue();
  REQUIRE_OK(SetShare(f, Share(300)));
  REQUIRE_OK(f.SubmitAt(Choose(f, "bob", "association"), kNow));
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 33, ""), kNow));  // 0,99 unit: nothing
  CHECK(f.BalanceOf("association") == 0);
  CHECK(f.last_note().find("less than one minor unit") != std::string::npos);
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 34, ""), kNow));  // 1,02: one unit
  CHECK(f.BalanceOf("association") == 1);
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 9'999, ""), kNow));  // 299,97 -> 299
  CHECK(f.BalanceOf("association") == 300);
  // The largest share, 10 %, of the largest conversion the books allow.
  REQUIRE_OK(SetShare(f, Share(kMaxShareBasisPoints)));
  REQUIRE_OK(f.SubmitAt(Convert(f, "bob", 12'345, ""), kNow));
  CHECK(f.BalanceOf("association") == 300 + 1'234);
  RequireBooksSound(f);
}

TEST_CASE("share: a short budget skips the share, never the conversion", "[ledger][share]") {
  Fixture f = Roue(/*agglo_budget=*/210);
  REQUIRE_OK(SetShare(f, Share(300)));
  REQUIRE_OK(f.SubmitAt(Choose(f, "alice", "velo"), kNow));
  // The bonus takes 200 of the 210 first; the share of 30 would need 30 more.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow));
  CHECK(f.BalanceOf("alice") == 1'200);
  CHECK(f.BalanceOf("velo") == 0);
  CHECK(Budget(f, "agglo-2026") == 10);
  CHECK(f.last_note().find("association's share of 0.30 ROUE not paid: the budget of programme "
                           "'agglo-2026' is short") != std::string::npos);
  // A small one still fits: 3 % of 3,00 € is 9 units, without a bonus.
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 300, ""), kNow));
  CHECK(f.BalanceOf("velo") == 9);
  CHECK(Budget(f, "agglo-2026") == 1);
  RequireBooksSound(f);
}

TEST_CASE("share: another programme may pay the share, and its dates are kept", "[ledger][share]") {
  Fixture f = Roue(100'000, 5'000);
  AssociationShare s = Share(500, "caisse-locale");
  REQUIRE_OK(SetShare(f, s));
  REQUIRE_OK(f.SubmitAt(Choose(f, "alice", "association"), kNow));
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow));
  CHECK(f.BalanceOf("association") == 50);
  CHECK(Budget(f, "agglo-2026") == 100'000 - 200);
  CHECK(Budget(f, "caisse-locale") == 5'000 - 50);
  // The programme ends: the share stops with it.
  Rules r = f.state().governance().rules;
  for (Programme& p : r.programmes)
    if (p.name == "caisse-locale") p.ends_ms = kNow + 10 * kDay;
  REQUIRE_OK(Decide(f, SetRules{r}));
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow + 10 * kDay));
  CHECK(f.BalanceOf("association") == 50);
  CHECK(f.last_note().find("programme 'caisse-locale' has ended") != std::string::npos);
  RequireBooksSound(f);
}

TEST_CASE("share: a member changes its choice, or chooses none", "[ledger][share]") {
  Fixture f = Roue();
  REQUIRE_OK(SetShare(f, Share(300)));
  REQUIRE_OK(f.SubmitAt(Choose(f, "mairie", "velo"), kNow));
  REQUIRE_OK(f.SubmitAt(Convert(f, "mairie", 1'000, ""), kNow));
  REQUIRE_OK(f.SubmitAt(Choose(f, "mairie", "association"), kNow));
  REQUIRE_OK(f.SubmitAt(Convert(f, "mairie", 1'000, ""), kNow));
  REQUIRE_OK(f.SubmitAt(Choose(f, "mairie", ""), kNow));
  CHECK(Record(f, "mairie").association.IsZero());
  REQUIRE_OK(f.SubmitAt(Convert(f, "mairie", 1'000, ""), kNow));
  CHECK(f.BalanceOf("velo") == 30);
  CHECK(f.BalanceOf("association") == 30);
  CHECK(f.BalanceOf("mairie") == 3'000);
}

TEST_CASE("share: the refusals of a choice change nothing", "[ledger][share]") {
  Fixture f = Roue();
  REQUIRE_OK(SetShare(f, Share(300)));
  const auto before = Balances(f.state());
  const Account alice = Record(f, "alice");
  // Its own account: malformed whatever the rules.
  Status s = f.SubmitAt(Choose(f, "velo", "velo"), kNow);
  CHECK(s.code() == Code::kBadAssociationChoice);
  // An account the rules do not list.
  CHECK(f.SubmitAt(Choose(f, "alice", "shop"), kNow).code() == Code::kNotEligibleAssociation);
  CHECK(f.SubmitAt(Choose(f, "alice", "nobody"), kNow).code() == Code::kNotEligibleAssociation);
  // The association's own account and an exchange office do not convert: not permitted.
  CHECK(f.SubmitAt(Choose(f, "association", "velo"), kNow).code() == Code::kNotPermitted);
  CHECK(f.SubmitAt(Choose(f, "office", "velo"), kNow).code() == Code::kNotPermitted);
  // A frozen association cannot be chosen.
  REQUIRE_OK(Decide(f, Freeze{Fixture::Id("velo"), "enquête"}));
  CHECK(f.SubmitAt(Choose(f, "alice", "velo"), kNow).code() == Code::kDestinationFrozen);
  CHECK(Record(f, "alice") == alice);
  auto after = Balances(f.state());
  CHECK(after == before);
}

TEST_CASE("share: an association frozen or dropped from the list after the choice gets nothing",
          "[ledger][share]") {
  Fixture f = Roue();
  REQUIRE_OK(SetShare(f, Share(300)));
  REQUIRE_OK(f.SubmitAt(Choose(f, "alice", "velo"), kNow));
  REQUIRE_OK(Decide(f, Freeze{Fixture::Id("velo"), "enquête"}));
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow));
  CHECK(f.BalanceOf("alice") == 1'200);
  CHECK(f.last_note().find("cannot receive") != std::string::npos);
  REQUIRE_OK(Decide(f, Unfreeze{Fixture::Id("velo")}));
  AssociationShare only = Share(300);
  only.associations = {Fixture::Id("association")};
  REQUIRE_OK(SetShare(f, only));
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow));
  CHECK(f.BalanceOf("velo") == 0);
  CHECK(f.last_note().find("no longer in the rules' list") != std::string::npos);
  RequireBooksSound(f);
}

TEST_CASE("share: an association at its balance ceiling is skipped, the conversion goes on",
          "[ledger][share]") {
  Fixture f = Roue();
  Rules r = f.state().governance().rules;
  r.share = Share(300);
  r.limits.push_back(KindLimits{AccountKind::kMerchant, 0, 0, 20'000});
  REQUIRE_OK(Decide(f, SetRules{r}));
  REQUIRE_OK(f.SubmitAt(Choose(f, "alice", "velo"), kNow));
  REQUIRE_OK(f.SubmitAt(f.TransferOp("shop", "velo", 19'990), kNow));
  REQUIRE_OK(f.SubmitAt(Convert(f, "alice", 1'000), kNow));
  CHECK(f.BalanceOf("velo") == 19'990);
  CHECK(f.BalanceOf("alice") == 1'200);
  CHECK(f.last_note().find("ceiling") != std::string::npos);
}

TEST_CASE("share: the rule's bounds, checked when proposed and when decided", "[ledger][share]") {
  Fixture f = Roue();
  auto propose = [&](const AssociationShare& s) {
    Rules r = f.state().governance().rules;
    r.share = s;
    return f.SubmitAt(ProposeOp(f, SetRules{r}, kNow), kNow);
  };
  CHECK(propose(Share(kMaxShareBasisPoints + 1)).code() == Code::kBadRules);
  CHECK(propose(Share(300, "")).code() == Code::kBadRules);
  CHECK(propose(Share(300, "unknown")).code() == Code::kBadRules);
  AssociationShare twice = Share(300);
  twice.associations.push_back(Fixture::Id("velo"));
  CHECK(propose(twice).code() == Code::kBadRules);
  AssociationShare many = Share(300);
  many.associations.clear();
  for (size_t i = 0; i <= kMaxShareAssociations; ++i)
    many.associations.push_back(Fixture::Id("a" + std::to_string(i)));
  CHECK(propose(many).code() == Code::kBadRules);
  // The accounts it lists must exist and be association or merchant accounts.
  AssociationShare resident = Share(300);
  resident.associations.push_back(Fixture::Id("alice"));
  CHECK(propose(resident).code() == Code::kWrongAccountKind);
  AssociationShare unknown = Share(300);
  unknown.associations.push_back(Fixture::Id("nobody"));
  CHECK(propose(unknown).code() == Code::kUnknownDestination);
  CHECK(f.state().governance().rules.share.empty());
  CHECK(f.state().governance().pending.empty());
  // Not in a genesis: the accounts it names are the board's to check.
  CHECK_THROWS(Fixture({}, 0, [](Genesis* g) {
    g->rules.programmes = {Agglo()};
    g->rules.share.basis_points = 300;
    g->rules.share.programme = "agglo-2026";
  }));
}

TEST_CASE("share: the governance record and the account record keep it, old bytes unchanged",
          "[ledger][share]") {
  Fixture f = Roue();
  const std::string before = EncodeGovernance(f.state().governance());
  REQUIRE_OK(SetShare(f, Share(250)));
  const Governance& g = f.state().governance();
  const std::string bytes = EncodeGovernance(g);
  CHECK(static_cast<uint8_t>(bytes[0]) == static_cast<uint8_t>(before[0]) + 8);
  Governance back;
  REQUIRE(DecodeGovernance(bytes, &back));
  CHECK(back.rules.share == Share(250));
  // Rules without it keep the old layout byte for byte.
  Governance without = g;
  without.rules.share = {};
  CHECK(EncodeGovernance(without) == before);

  Account a = Record(f, "alice");
  const std::string plain = EncodeAccountExtras(a);
  CHECK(plain.empty());
  a.association = Fixture::Id("velo");
  const std::string extras = EncodeAccountExtras(a);
  REQUIRE(extras.size() == 1 + 4 + 1 + 32);
  CHECK(extras[0] == 3);
  Account read;
  REQUIRE(DecodeAccountExtras(extras, &read));
  CHECK(read.association == Fixture::Id("velo"));
  std::string zero = extras;
  std::fill(zero.end() - 32, zero.end(), '\0');
  CHECK_FALSE(DecodeAccountExtras(zero, &read));
}

TEST_CASE("share: the general assembly's report shows what each association received",
          "[ledger][share][report]") {
  AppliedJournal b(Roue(100'000, 5'000));
  Rules r = b.f.state().governance().rules;
  r.share = Share(300);
  Operation p = b.f.MakeOp("board-1", Propose{SetRules{r}, kNow + kDay});
  b.Apply(p, kNow);
  b.Apply(b.f.MakeOp("board-2", Approve{OperationId(b.f.ledger().id(), codec::EncodeOperation(p))}),
          kNow);
  b.Apply(Choose(b.f, "alice", "velo"), kNow);
  b.Apply(Choose(b.f, "bob", "association"), kNow);
  b.Apply(Convert(b.f, "alice", 1'000), kNow);              // bonus 200, share 30 to velo
  b.Apply(Convert(b.f, "bob", 2'000, ""), kNow + kDay);     // share 60 to the association
  b.Apply(Convert(b.f, "alice", 5'000), kNow + 30 * kDay);  // December: bonus 1 000, share 150
  ReportBuilder report(b.f.genesis());
  report.NameProgramme(ProgrammeId("agglo-2026"), "agglo-2026");
  for (const auto& d : b.done) report.Add(b.Entry(d), d.totals);
  const ReportFigures fig = report.Finish(kNow + 30 * kDay);
  REQUIRE(fig.months.size() == 2);
  CHECK(fig.months[0].share_by_association.at(Fixture::Id("velo")) == 30);
  CHECK(fig.months[0].share_by_association.at(Fixture::Id("association")) == 60);
  CHECK(fig.months[1].share_by_association.at(Fixture::Id("velo")) == 150);
  CHECK(fig.period.share_by_association.at(Fixture::Id("velo")) == 180);
  CHECK(fig.period.share_by_association.at(Fixture::Id("association")) == 60);
  // The budget's euros: the bonus and the share apart.
  CHECK(fig.period.bonus_by_programme.at("agglo-2026") == 1'200);
  CHECK(fig.period.share_by_programme.at("agglo-2026") == 240);
  CHECK(fig.period.units_converted == 1'200 + 2'000 + 6'000 + 240);
}

TEST_CASE(
    "share: random choices, rules and conversions across months keep the books, and the "
    "auditor's replay agrees",
    "[ledger][share][property]") {
  const uint64_t seed = testing::PropertySeed();
  INFO("seed " << seed << " (LIARD_TEST_SEED to replay)");
  std::printf("share property seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  ReplayedJournal j(Roue(/*agglo_budget=*/30'000, /*caisse_budget=*/2'000));
  Fixture& f = j.f;
  const std::vector<std::string> members = {"alice", "bob", "shop", "mairie"};
  const std::vector<std::string> choices = {"", "velo", "association", "shop"};
  int64_t now = kNow;
  std::map<AccountId, int64_t> received;
  auto add = [&](const Operation& op) {
    const std::string envelope = f.Sign(op);
    Delta d;
    Hash id;
    Status s = f.SubmitEnvelope(envelope, now, &d, &id);
    if (!s.ok()) return s;
    j.Append(envelope, now);
    for (const Posting& p : d.postings)
      if (p.key.slot == Slot::kMember && std::holds_alternative<Conversion>(op.payload) &&
          p.key.owner != std::get<Conversion>(op.payload).member)
        received[p.key.owner] += p.amount;
    return s;
  };
  auto decide = [&](Rules r) {
    Operation p = ProposeOp(f, SetRules{r}, now);
    if (!add(p).ok()) return;
    REQUIRE_OK(
        add(f.MakeOp("board-2", Approve{OperationId(f.ledger().id(), codec::EncodeOperation(p))})));
  };
  for (int step = 0; step < 400; ++step) {
    // Hours to days apart: the run crosses late March and late October in Paris.
    now += static_cast<int64_t>(rng() % (3 * kDay));
    const int what = static_cast<int>(rng() % 10);
    if (what == 0) {
      Rules r = f.state().governance().rules;
      r.share = Share(static_cast<uint32_t>(rng() % (kMaxShareBasisPoints + 1)),
                      rng() % 2 ? "agglo-2026" : "caisse-locale");
      if (rng() % 4 == 0) r.share.associations.pop_back();
      decide(r);
    } else if (what <= 2) {
      const std::string& m = members[rng() % members.size()];
      const std::string& c = choices[rng() % choices.size()];
      if (m == c) continue;
      Status s = add(Choose(f, m, c));
      const AssociationShare& share = f.state().governance().rules.share;
      if (!s.ok()) {
        CHECK(s.code() == Code::kNotEligibleAssociation);
        CHECK_FALSE(share.Eligible(Fixture::Id(c)));
      }
    } else {
      const std::string& m = members[rng() % members.size()];
      const int64_t before_budgets = f.Total(Slot::kSponsorBudget);
      REQUIRE_OK(add(
          Convert(f, m, 1 + static_cast<int64_t>(rng() % 20'000), rng() % 3 ? "agglo-2026" : "")));
      CHECK(f.Total(Slot::kSponsorBudget) <= before_budgets);
    }
    RequireBooksSound(f);
    CHECK(Budget(f, "agglo-2026") >= 0);
    CHECK(Budget(f, "caisse-locale") >= 0);
  }
  CHECK(received[Fixture::Id("velo")] + received[Fixture::Id("association")] > 0);
  // Everything an association holds came from its shares (they start at 0 and pay nobody).
  CHECK(f.BalanceOf("velo") == received[Fixture::Id("velo")]);
  CHECK(f.BalanceOf("association") == received[Fixture::Id("association")]);
  REQUIRE_OK(j.ReplayedToSameDigest());
}

}  // namespace
}  // namespace liard

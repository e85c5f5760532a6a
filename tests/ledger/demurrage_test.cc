// Demurrage (ledger/ops/demurrage.cc): the board's rule with its bound and its notice, the
// treasurer's monthly run that derives each charge from the holder's balance, each refusal, and
// a seeded run across fourteen months in Europe/Paris (both daylight-saving changes) whose
// journal the auditor's replay agrees with.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "ledger/governance.h"
#include "ledger/invariants.h"
#include "ledger/ops/ops.h"
#include "ledger/replay.h"
#include "ledger/report.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kNow = 1'793'750'400'000;  // 2026-11-03T00:00:00Z
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;
// 2026-12-01T00:00 in Paris (UTC+1): 2026-11-30T23:00:00Z.
constexpr int64_t kDecemberStarts = 1'796'079'600'000;
// 2027-01-01T00:00 in Paris: 2026-12-31T23:00:00Z, the end of December's period.
constexpr int64_t kDecemberEnds = 1'798'758'000'000;

// la Roue in Paris: alice holds 600,00, the shop 200,00, bob 50,00.
Fixture Roue() {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 60'000},
       Member{"bob", AccountKind::kResident, 5'000}, Member{"shop", AccountKind::kMerchant, 20'000},
       Member{"mairie", AccountKind::kMunicipality, 0}},
      0, [](Genesis* g) { Fixture::Version4(g); });
}

// 0,82 % a month above 100,00 ROUE, to the association, from `first_month`.
Demurrage Leu(uint32_t first_month = 202612, uint32_t bp = 82) {
  Demurrage d;
  d.basis_points = bp;
  d.threshold = 10'000;
  d.account = Fixture::Id("association");
  d.first_month = first_month;
  return d;
}

// A decision of the 2-of-3 board: board-1 proposes, board-2 approves.
Status Decide(Fixture& f, Decision d, int64_t now) {
  Operation p = f.MakeOp("board-1", Propose{std::move(d), now + kDay});
  Status s = f.SubmitAt(p, now);
  if (!s.ok()) return s;
  const Hash id = OperationId(f.ledger().id(), codec::EncodeOperation(p));
  return f.SubmitAt(f.MakeOp("board-2", Approve{id}), now);
}

Status SetDemurrage(Fixture& f, const Demurrage& d, int64_t now = kNow) {
  Rules r = f.state().governance().rules;
  r.demurrage = d;
  return Decide(f, SetRules{r}, now);
}

Operation Run(const Fixture& f, uint32_t period, const std::vector<std::string>& holders,
              std::string_view signer = "association") {
  ApplyDemurrage d;
  d.period = period;
  for (const auto& h : holders) d.holders.push_back(Fixture::Id(h));
  return f.MakeOp(signer, d);
}

int64_t Charged(const Fixture& f, std::string_view name) {
  return f.Held(Slot::kDemurrageCharged, Fixture::Id(name));
}

void RequireBooksSound(Fixture& f) {
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
  REQUIRE(f.Reserve() >= f.Circulation());
  REQUIRE(f.Total(Slot::kIssuance) == -f.Circulation());
}

TEST_CASE("demurrage: the charge is floor((balance - threshold) x rate / 10000)",
          "[ledger][demurrage]") {
  const Demurrage d = Leu();
  CHECK(ops::DemurrageCharge(d, 60'000) == 410);  // 0,82 % of 500,00: 4,10
  CHECK(ops::DemurrageCharge(d, 20'000) == 82);   // of 100,00: 0,82
  CHECK(ops::DemurrageCharge(d, 10'000) == 0);    // at the threshold: spared
  CHECK(ops::DemurrageCharge(d, 5'000) == 0);     // below it
  CHECK(ops::DemurrageCharge(d, 10'121) == 0);    // 121 × 82 / 10000 = 0,99: rounded down
  CHECK(ops::DemurrageCharge(d, 10'122) == 1);    // 1,0004
  CHECK(ops::DemurrageCharge(Leu(202612, 100), INT64_MAX) ==
        static_cast<int64_t>((static_cast<__int128>(INT64_MAX) - 10'000) / 100));
  CHECK(ops::DemurrageCharge(Demurrage{}, 60'000) == 0);  // off
}

TEST_CASE("demurrage: off by default; a genesis cannot set it; a run is refused while off",
          "[ledger][demurrage]") {
  Fixture f = Roue();
  CHECK(f.state().governance().rules.demurrage.empty());
  CHECK(f.SubmitAt(Run(f, 202611, {"alice"}), kDecemberStarts + kHour).code() ==
        Code::kDemurrageOff);
  Genesis g = f.genesis();
  g.rules.demurrage = Leu();
  Status s = ValidateGenesis(g);
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message().find("board decision") != std::string::npos);
}

TEST_CASE("demurrage: the rate is bounded at 1 % a month, and off sets nothing else",
          "[ledger][demurrage]") {
  Fixture f = Roue();
  Status s = SetDemurrage(f, Leu(202612, 101));
  CHECK(s.code() == Code::kBadRules);
  CHECK(s.message().find("at most 100") != std::string::npos);
  CHECK(f.state().governance().rules.demurrage.empty());
  Demurrage half_off = Leu();
  half_off.basis_points = 0;
  CHECK(SetDemurrage(f, half_off).code() == Code::kBadRules);
  Demurrage negative = Leu();
  negative.threshold = -1;
  CHECK(SetDemurrage(f, negative).code() == Code::kBadRules);
  Demurrage no_month = Leu(202613);
  CHECK(SetDemurrage(f, no_month).code() == Code::kBadRules);
  REQUIRE_OK(SetDemurrage(f, Leu(202612, 100)));  // the bound itself is allowed
  CHECK(f.state().governance().rules.demurrage.basis_points == 100);
}

TEST_CASE("demurrage: announced a whole month ahead; a shorter notice is refused",
          "[ledger][demurrage]") {
  Fixture f = Roue();
  // November has begun: too late to charge it.
  Status s = SetDemurrage(f, Leu(202611));
  CHECK(s.code() == Code::kDemurrageNoticeShort);
  CHECK(f.state().governance().rules.demurrage.empty());
  // December begins at midnight in Paris, 23:00 UTC: a decision a second before may charge it,
  // one at that instant may not.
  {
    Fixture g = Roue();
    CHECK(SetDemurrage(g, Leu(202612), kDecemberStarts).code() == Code::kDemurrageNoticeShort);
  }
  REQUIRE_OK(SetDemurrage(f, Leu(202612), kDecemberStarts - 1000));
  CHECK(f.state().governance().rules.demurrage == Leu(202612));
  // A raise needs the same notice; turning it off takes effect at once.
  CHECK(SetDemurrage(f, Leu(202612, 90), kDecemberStarts).code() == Code::kDemurrageNoticeShort);
  REQUIRE_OK(SetDemurrage(f, Leu(202701, 90), kDecemberStarts));
  REQUIRE_OK(SetDemurrage(f, Demurrage{}, kDecemberStarts + kDay));
  CHECK(f.state().governance().rules.demurrage.empty());
}

TEST_CASE("demurrage: the receiving account is an active association account",
          "[ledger][demurrage]") {
  Fixture f = Roue();
  Demurrage d = Leu();
  d.account = Fixture::Id("shop");
  Status s = SetDemurrage(f, d);
  CHECK(s.code() == Code::kWrongAccountKind);
  CHECK(s.message().find("'shop' is a merchant") != std::string::npos);
  d.account = Fixture::Id("nobody");
  CHECK(SetDemurrage(f, d).code() == Code::kUnknownDestination);
  d.account = Fixture::Id("mairie");
  CHECK(SetDemurrage(f, d).code() == Code::kWrongAccountKind);
  CHECK(f.state().governance().rules.demurrage.empty());
}

TEST_CASE("demurrage: the treasurer's run charges each holder above the threshold once",
          "[ledger][demurrage]") {
  Fixture f = Roue();
  REQUIRE_OK(SetDemurrage(f, Leu()));
  const __int128 circulation = f.Circulation();
  const int64_t reserve = f.Reserve();
  const int64_t at = kDecemberEnds + 10 * kHour;
  REQUIRE_OK(f.SubmitAt(Run(f, 202612, {"alice", "shop", "bob", "mairie"}), at));
  CHECK(f.BalanceOf("alice") == 60'000 - 410);
  CHECK(f.BalanceOf("shop") == 20'000 - 82);
  CHECK(f.BalanceOf("bob") == 5'000);
  CHECK(f.BalanceOf("association") == 492);
  CHECK(f.last_note() == "demurrage for 2026-12: 4.92 ROUE from 2 of 4 holders to association");
  // Units moved between members: circulation and the fund unchanged.
  CHECK(f.Circulation() == circulation);
  CHECK(f.Reserve() == reserve);
  RequireBooksSound(f);
  // Every holder named is marked, charged or not.
  for (const char* h : {"alice", "shop", "bob", "mairie"}) CHECK(Charged(f, h) == 202612);
  // Charging twice for the month is refused, whoever is named, and changes nothing.
  for (const char* h : {"alice", "bob"}) {
    Status s = f.SubmitAt(Run(f, 202612, {h}), at + kHour);
    CHECK(s.code() == Code::kDemurrageCharged);
  }
  CHECK(f.BalanceOf("alice") == 60'000 - 410);
  // Nor may an earlier month be charged after a later one.
  CHECK(f.SubmitAt(Run(f, 202611, {"alice"}), at).code() == Code::kDemurrageOff);
}

TEST_CASE("demurrage: a run is refused before the month ends and after its window",
          "[ledger][demurrage]") {
  Fixture f = Roue();
  REQUIRE_OK(SetDemurrage(f, Leu()));
  // 23:59:59 on 31 December in Paris: December has not ended.
  Status s = f.SubmitAt(Run(f, 202612, {"alice"}), kDecemberEnds - 1000);
  CHECK(s.code() == Code::kDemurrageNotDue);
  // Seven days after: the window has closed (the month is no longer charged).
  s = f.SubmitAt(Run(f, 202612, {"alice"}), kDecemberEnds + ops::kDemurrageWindowMs);
  CHECK(s.code() == Code::kDemurrageLate);
  CHECK(f.BalanceOf("alice") == 60'000);
  CHECK(Charged(f, "alice") == 0);
  // A month before the rule's first is not charged.
  CHECK(f.SubmitAt(Run(f, 202611, {"alice"}), kDecemberEnds).code() == Code::kDemurrageOff);
  REQUIRE_OK(f.SubmitAt(Run(f, 202612, {"alice"}), kDecemberEnds + ops::kDemurrageWindowMs - 1000));
  CHECK(f.BalanceOf("alice") == 60'000 - 410);
}

TEST_CASE("demurrage: only the treasurer runs it", "[ledger][demurrage]") {
  Fixture f = Roue();
  REQUIRE_OK(SetDemurrage(f, Leu()));
  for (const char* signer : {"alice", "shop", "mairie", "office"}) {
    Status s = f.SubmitAt(Run(f, 202612, {"bob"}, signer), kDecemberEnds + kHour);
    CHECK(s.code() == Code::kNotPermitted);
  }
  CHECK(Charged(f, "bob") == 0);
}

TEST_CASE("demurrage: a malformed run is refused before the ledger is read",
          "[ledger][demurrage]") {
  Fixture f = Roue();
  REQUIRE_OK(SetDemurrage(f, Leu()));
  const int64_t at = kDecemberEnds + kHour;
  CHECK(f.SubmitAt(Run(f, 202613, {"alice"}), at).code() == Code::kBadDemurrage);
  CHECK(f.SubmitAt(Run(f, 2026, {"alice"}), at).code() == Code::kBadDemurrage);
  CHECK(f.SubmitAt(Run(f, 202612, {}), at).code() == Code::kBadDemurrage);
  Status twice = f.SubmitAt(Run(f, 202612, {"alice", "bob", "alice"}), at);
  CHECK(twice.code() == Code::kDemurrageHolderTwice);
  CHECK(twice.message() == "holder 3 is named twice in the run");
  ApplyDemurrage many;
  many.period = 202612;
  for (int i = 0; i <= static_cast<int>(kMaxDemurrageHolders); ++i)
    many.holders.push_back(Fixture::Id("h" + std::to_string(i)));
  CHECK(f.SubmitAt(f.MakeOp("association", many), at).code() == Code::kBadDemurrage);
  // The receiving account is not charged; an unknown account is no holder.
  CHECK(f.SubmitAt(Run(f, 202612, {"alice", "association"}), at).code() ==
        Code::kDemurrageReceiver);
  CHECK(f.SubmitAt(Run(f, 202612, {"nobody"}), at).code() == Code::kUnknownDestination);
  CHECK(f.BalanceOf("alice") == 60'000);
  CHECK(Charged(f, "alice") == 0);
}

TEST_CASE("demurrage: the charge is derived from the balance, not chosen by the signer",
          "[ledger][demurrage]") {
  // The run carries no amount: two ledgers, the same run, different balances, different charges.
  Fixture f = Roue();
  REQUIRE_OK(SetDemurrage(f, Leu()));
  REQUIRE_OK(f.SubmitAt(f.TransferOp("alice", "shop", 30'000), kDecemberEnds - kDay));
  const Operation run = Run(f, 202612, {"alice", "shop"});
  const std::string bytes = codec::EncodeOperation(run);
  Operation decoded;
  REQUIRE_OK(codec::DecodeOperation(bytes, &decoded));
  CHECK(std::get<ApplyDemurrage>(decoded.payload).holders.size() == 2);
  REQUIRE_OK(f.SubmitAt(run, kDecemberEnds + kHour));
  // alice 300,00 -> 1,64; the shop 500,00 -> 3,28.
  CHECK(f.BalanceOf("alice") == 30'000 - 164);
  CHECK(f.BalanceOf("shop") == 50'000 - 328);
  CHECK(f.BalanceOf("association") == 164 + 328);
  // Earmarked aid is not charged: only the ordinary balance (Slot::kMember) is read.
  CHECK(f.Total(Slot::kEarmarked) == 0);
}

TEST_CASE("demurrage: the rule survives the governance record's encoding", "[ledger][demurrage]") {
  Fixture f = Roue();
  REQUIRE_OK(SetDemurrage(f, Leu()));
  const Governance& g = f.state().governance();
  Governance back;
  REQUIRE(DecodeGovernance(EncodeGovernance(g), &back));
  CHECK(back.rules.demurrage == Leu());
  CHECK(EncodeGovernance(back) == EncodeGovernance(g));
  // A record without it keeps its layout byte below 17 (older records' bytes unchanged).
  Fixture plain = Roue();
  CHECK(static_cast<uint8_t>(EncodeGovernance(plain.state().governance())[0]) <= 16);
  CHECK(static_cast<uint8_t>(EncodeGovernance(g)[0]) > 16);
}

TEST_CASE(
    "demurrage: fourteen months of payments and runs across daylight-saving changes keep the "
    "books, charge each holder once a month by the formula, and the auditor's replay agrees",
    "[ledger][demurrage][property]") {
  const uint64_t seed = testing::PropertySeed();
  INFO("seed " << seed << " (LIARD_TEST_SEED to replay)");
  std::printf("demurrage property seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  ReplayedJournal j(Roue());
  Fixture& f = j.f;
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  const std::vector<std::string> holders = {"alice", "bob", "shop", "mairie"};
  auto add = [&](const Operation& op, int64_t at) {
    const std::string envelope = f.Sign(op);
    Status s = f.SubmitEnvelope(envelope, at);
    if (s.ok()) j.Append(envelope, at);
    return s;
  };
  auto decide = [&](const Demurrage& d, int64_t at) {
    Rules r = f.state().governance().rules;
    r.demurrage = d;
    Operation p = f.MakeOp("board-1", Propose{SetRules{r}, at + kDay});
    Status s = add(p, at);
    if (!s.ok()) return s;
    return add(
        f.MakeOp("board-2", Approve{OperationId(f.ledger().id(), codec::EncodeOperation(p))}), at);
  };
  int64_t now = kNow;
  REQUIRE_OK(decide(Leu(202612), now));
  std::map<std::pair<std::string, uint32_t>, int> charges;  // (holder, month) -> runs
  int64_t to_association = 0;
  uint32_t month = 202612;
  int runs = 0;
  for (int m = 0; m < 14; ++m, month = NextYearMonth(month)) {
    const int64_t end = ops::MonthEndMs(paris, month);
    // Payments during the month, hours to days apart (late March and late October included).
    while (true) {
      const int64_t next = now + static_cast<int64_t>(rng() % (4 * kDay));
      if (next >= end) break;
      now = next;
      const std::string& from = holders[rng() % holders.size()];
      const std::string& to = holders[rng() % holders.size()];
      if (from == to || f.BalanceOf(from) == 0) continue;
      const int64_t amount =
          1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(f.BalanceOf(from)));
      REQUIRE_OK(add(f.TransferOp(from, to, amount), now));
      RequireBooksSound(f);
    }
    // The run: at a random instant in the window, in batches of random size, nothing paid
    // between the month's end and the run (so the balance charged is the one at the end).
    const Demurrage rule = f.state().governance().rules.demurrage;
    now = end + static_cast<int64_t>(rng() % static_cast<uint64_t>(ops::kDemurrageWindowMs / 2));
    std::map<std::string, int64_t> at_end;
    for (const auto& h : holders) at_end[h] = f.BalanceOf(h);
    const int64_t association_before = f.BalanceOf("association");
    std::vector<std::string> order = holders;
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < order.size();) {
      const size_t n = 1 + rng() % (order.size() - i);
      std::vector<std::string> batch(order.begin() + i, order.begin() + i + n);
      Status s = add(Run(f, month, batch), now);
      if (month < rule.first_month) {
        CHECK(s.code() == Code::kDemurrageOff);
      } else {
        REQUIRE_OK(s);
        ++runs;
        for (const auto& h : batch) ++charges[{h, month}];
      }
      i += n;
      RequireBooksSound(f);
    }
    int64_t expected_total = 0;
    for (const auto& h : holders) {
      const int64_t due = month < rule.first_month ? 0 : ops::DemurrageCharge(rule, at_end[h]);
      CHECK(f.BalanceOf(h) == at_end[h] - due);
      expected_total += due;
    }
    CHECK(f.BalanceOf("association") - association_before == expected_total);
    to_association += expected_total;
    // A second run for the month charges nobody twice.
    if (month >= rule.first_month) {
      const std::string& h = holders[rng() % holders.size()];
      CHECK(add(Run(f, month, {h}), now + kHour).code() == Code::kDemurrageCharged);
    }
    // Sometimes, once the month is charged, the board changes the rate from the month after
    // next (the notice: the next month has begun), never while a change is pending. The next
    // month is then not charged: a change replaces the rule whole.
    if (rng() % 4 == 0 && month >= rule.first_month) {
      Demurrage d = rule;
      const uint32_t bp = 1 + static_cast<uint32_t>(rng() % kMaxDemurrageBasisPoints);
      if (bp != d.basis_points) {
        d.basis_points = bp;
        d.first_month = NextYearMonth(NextYearMonth(month));
        now += 2 * kHour;
        REQUIRE_OK(decide(d, now));
      }
    }
  }
  for (const auto& [key, n] : charges) CHECK(n == 1);
  // A change skips one month, and is never made in a skipped month: half the months at least
  // are charged.
  std::set<uint32_t> months_charged;
  for (const auto& [key, n] : charges) months_charged.insert(key.second);
  CHECK(months_charged.size() >= 7);
  CHECK(runs >= static_cast<int>(months_charged.size()));
  CHECK(f.BalanceOf("association") == to_association);
  REQUIRE_OK(j.ReplayedToSameDigest());
}

}  // namespace
}  // namespace liard

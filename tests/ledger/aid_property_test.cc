// Earmarked aid over months of a simulated clock (Europe/Paris, both changes of summer time):
// random grants, payments and expiry runs; after every step the books balance, the reserve
// covers the circulation, every aid's units are where a model says, no earmarked unit moves to a
// shop its aid does not name, and each expiry returns exactly what was left. The auditor's
// replay of the whole journal reaches the same state digest. A seed per run, printed.
#include <catch2/catch.hpp>

#include <iostream>
#include <map>
#include <random>

#include "ledger/invariants.h"
#include "ledger/ops/ops.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;
// 1 October 2026, 00:00 UTC: the run crosses 25 October 2026 and 28 March 2027.
constexpr int64_t kStart = 1'790'812'800'000;

const char* const kResidents[] = {"r0", "r1", "r2", "r3", "r4", "r5"};
const char* const kShops[] = {"epicerie", "librairie", "cinema", "marche"};
const char* const kCategories[] = {"Alimentation", "Livres", "Cinéma"};

struct ModelAid {
  Hash id;
  std::string funder;
  HeldGrant terms;
  std::map<std::string, int64_t> held;  // by resident
  bool expired_run = false;
};

TEST_CASE("earmarked aid over months: spent only where it may be, returned exactly",
          "[ledger][aid][property]") {
  const uint64_t seed = testing::PropertySeed();
  std::cout << "aid property test seed: " << seed << " (LIARD_TEST_SEED to replay)\n";
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };

  std::vector<Member> members = {Member{"mairie", AccountKind::kMunicipality, 5'000'00},
                                 Member{"assoc-funder", AccountKind::kMunicipality, 2'000'00}};
  for (const char* r : kResidents) members.push_back(Member{r, AccountKind::kResident, 40'00});
  for (const char* s : kShops) members.push_back(Member{s, AccountKind::kMerchant, 0});
  ReplayedJournal j(Fixture(members, 0, [](Genesis* g) {
    Fixture::Version4(g);
    g->version = kCurrentGenesisVersion;  // version 5 is run by aid_test's refund case
  }));
  Fixture& f = j.f;
  int64_t now = kStart;
  // Cards: the market (marche) has none, and is named by account in some aids.
  for (int i = 0; i < 3; ++i) {
    Card c;
    c.category = kCategories[i];
    j.Add(f.MakeOp(kShops[i], SetCard{c}), now);
  }

  std::vector<ModelAid> aids;
  const int64_t issued = -f.Total(Slot::kIssuance);
  int grants = 0, aided_payments = 0, expiries = 0, refusals = 0;

  auto check_state = [&](const std::string& step) {
    INFO("after " << step);
    REQUIRE_OK(CheckTotals(f.state().NonZeroBalances(), f.state().totals()));
    REQUIRE(f.Total(Slot::kIssuance) == -f.Circulation());
    REQUIRE(f.Circulation() == issued);  // aid moves units, it never issues any
    REQUIRE(f.Reserve() >= f.Circulation());
    for (const ModelAid& a : aids) {
      int64_t left = 0;
      for (const char* r : kResidents) {
        const int64_t want = a.held.count(r) ? a.held.at(r) : 0;
        REQUIRE(f.state().Balance(ops::EarmarkKey(Fixture::Id(r), a.id)) == want);
        left += want;
        const Account* acc = f.state().FindAccount(Fixture::Id(r));
        // The record names the aid exactly while units of it are held.
        REQUIRE((acc->FindGrant(a.id) != nullptr) == (want > 0));
      }
      REQUIRE(f.state().Balance(BookKey{Slot::kAidOutstanding, a.id}) == left);
    }
  };

  for (int step = 0; step < 600; ++step) {
    now += 1 + pick(14 * kHour);  // about five months in all
    const int64_t dice = pick(100);
    if (dice < 12) {
      // A grant by one of the two funders to 1 to 4 residents.
      ModelAid a;
      a.funder = pick(2) == 0 ? "mairie" : "assoc-funder";
      GrantAid g;
      g.purpose = "aide " + std::to_string(grants);
      const int64_t cats = pick(3);
      for (int i = 0; i < 3; ++i)
        if ((cats >> i) & 1 || (i == 0 && cats == 0)) g.categories.push_back(kCategories[i]);
      if (pick(3) == 0) {
        g.categories.push_back("alimentation");  // the same category in another case
        g.merchants.push_back(Fixture::Id("marche"));
      }
      g.expires_ms = now + kDay + pick(60 * kDay);
      const int64_t n = 1 + pick(4);
      for (int64_t i = 0; i < n; ++i)
        g.recipients.push_back(Leg{Fixture::Id(kResidents[pick(6)]), Amount(1 + pick(30'00)), ""});
      const std::string envelope = f.Sign(f.MakeOp(a.funder, g));
      Hash id;
      Status s = f.SubmitEnvelope(envelope, now, nullptr, &id);
      if (!s.ok()) {
        // Only a resident already holding eight aids, or a funder short of units.
        REQUIRE((s.code() == Code::kAboveMaximum || s.code() == Code::kInsufficientFunds));
        ++refusals;
        continue;
      }
      j.Append(envelope, now);
      ++grants;
      a.id = id;
      a.terms =
          HeldGrant{id, Fixture::Id(a.funder), g.purpose, g.expires_ms, g.categories, g.merchants};
      for (const Leg& leg : g.recipients)
        for (const char* r : kResidents)
          if (leg.to == Fixture::Id(r)) a.held[r] += leg.amount.minor();
      aids.push_back(std::move(a));
      check_state("a grant");
    } else if (dice < 85) {
      // A resident pays a shop or another resident.
      const std::string payer = kResidents[pick(6)];
      const bool to_shop = pick(5) != 0;
      std::string payee = to_shop ? kShops[pick(4)] : kResidents[pick(6)];
      if (payee == payer) continue;
      const int64_t amount = 1 + pick(25'00);
      // The model's draw: the payer's aids in the order received, where the payee qualifies.
      const Account* payer_rec = f.state().FindAccount(Fixture::Id(payer));
      const Account* payee_rec = f.state().FindAccount(Fixture::Id(payee));
      std::map<Hash, int64_t> draw;
      int64_t left = amount;
      for (const HeldGrant& g : payer_rec->grants) {
        if (now >= g.expires_ms || !ops::AidQualifies(g, *payee_rec)) continue;
        const int64_t held = f.state().Balance(ops::EarmarkKey(payer_rec->id, g.grant));
        const int64_t d = std::min(held, left);
        draw[g.grant] = d;
        left -= d;
      }
      const bool enough = f.BalanceOf(payer) >= left;
      const std::string envelope = f.Sign(f.TransferOp(payer, payee, amount));
      Delta d;
      Status s = f.SubmitEnvelope(envelope, now, &d);
      REQUIRE(s.ok() == enough);
      if (!s.ok()) {
        REQUIRE(s.code() == Code::kInsufficientFunds);
        ++refusals;
        continue;
      }
      j.Append(envelope, now);
      // Every earmarked posting is one the model expected, of an aid naming the payee.
      for (const Posting& p : d.postings) {
        if (p.key.slot != Slot::kEarmarked) continue;
        bool expected = false;
        for (ModelAid& a : aids)
          if (p.key.owner == ops::EarmarkOwner(Fixture::Id(payer), a.id)) {
            REQUIRE(ops::AidQualifies(a.terms, *f.state().FindAccount(Fixture::Id(payee))));
            REQUIRE(now < a.terms.expires_ms);
            REQUIRE(p.amount == -draw[a.id]);
            a.held[payer] += p.amount;
            expected = true;
          }
        REQUIRE(expected);
      }
      if (left < amount) ++aided_payments;
      check_state("a payment");
    } else {
      // The expiry runs of every aid past its date, by its funder, listing its recipients.
      for (ModelAid& a : aids) {
        if (a.expired_run || now < a.terms.expires_ms) continue;
        int64_t left = 0;
        ExpireAid e{a.id, {}};
        for (const char* r : kResidents) {
          e.holders.push_back(Fixture::Id(r));
          left += a.held[r];
        }
        const int64_t before = f.BalanceOf(a.funder);
        const std::string envelope = f.Sign(f.MakeOp(a.funder, e));
        Status s = f.SubmitEnvelope(envelope, now);
        a.expired_run = true;
        if (left == 0) {
          REQUIRE(s.code() == Code::kAidUnreturned);  // nothing left to take back
          continue;
        }
        REQUIRE_OK(s);
        j.Append(envelope, now);
        ++expiries;
        REQUIRE(f.BalanceOf(a.funder) == before + left);
        for (auto& [r, v] : a.held) v = 0;
        check_state("an expiry run");
      }
    }
  }
  INFO(grants << " grants, " << aided_payments << " payments with aid, " << expiries
              << " expiry runs, " << refusals << " refusals");
  CHECK(grants > 10);
  CHECK(aided_payments > 10);
  CHECK(now > kStart + 150 * kDay);  // past the spring's change of time
  REQUIRE_OK(j.ReplayedToSameDigest());
}

}  // namespace
}  // namespace liard

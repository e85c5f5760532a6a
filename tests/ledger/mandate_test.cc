// Mandates (ledger/ops/mandate.cc): a creditor collects from a debtor under a mandate the debtor
// signed, never past its ceiling in a period (counted in the currency's time zone), never after
// revocation or expiry; each refusal through real signatures and the wire codec; a seeded
// property run across months and daylight-saving changes; the audit replay of such a journal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "ledger/civil_time.h"
#include "ledger/ops/ops.h"
#include "ledger/replay.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

// A UTC instant.
int64_t Utc(int y, int mo, int d, int h = 0, int mi = 0) {
  return DaysFromCivil(y, mo, d) * kDay + h * kHour + mi * 60'000;
}
const int64_t kNow = Utc(2026, 11, 2, 9);  // Monday 2 November 2026, 10:00 in Paris

Fixture Town() {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 10'000},
       Member{"bob", AccountKind::kResident, 10'000}, Member{"pool", AccountKind::kMunicipality, 0},
       Member{"bakery", AccountKind::kMerchant, 0}},
      0, Fixture::Version4);
}

Mandate Canteen(const Fixture& f, int64_t ceiling = 4'000,
                MandatePeriod period = MandatePeriod::kMonth, std::string nonce = "") {
  Mandate m;
  m.ledger_id = f.ledger().id();
  m.creditor = Fixture::Id("pool");
  m.debtor = Fixture::Id("alice");
  m.ceiling = Amount(ceiling);
  m.period = period;
  m.memo = "cantine scolaire";
  m.nonce = nonce.empty() ? std::string(16, 'n') : nonce;
  m.created_ms = kNow;
  return m;
}

SignedMandate Signed(const Mandate& m, std::string_view signer = "alice") {
  return codec::SignMandate(m, KeyFor(signer));
}

Operation CollectOp(const Fixture& f, const SignedMandate& sm, int64_t amount,
                    std::string_view creditor = "pool") {
  return f.MakeOp(creditor, Collect{sm, Amount(amount), "repas"});
}

Hash IdOf(const Fixture& f, const SignedMandate& sm) { return MandateId(f.ledger().id(), sm.body); }

std::vector<std::pair<BookKey, int64_t>> Balances(const MemoryState& s) {
  auto b = s.NonZeroBalances();
  std::sort(b.begin(), b.end());
  return b;
}

TEST_CASE("mandate: a creditor collects up to the ceiling of a month, and again the next month",
          "[ledger][mandate]") {
  Fixture f = Town();
  const SignedMandate sm = Signed(Canteen(f));
  REQUIRE_OK(f.SubmitAt(CollectOp(f, sm, 2'500), kNow));
  REQUIRE_OK(f.SubmitAt(CollectOp(f, sm, 1'500), kNow + kDay));
  CHECK(f.BalanceOf("alice") == 6'000);
  CHECK(f.BalanceOf("pool") == 4'000);
  const auto before = Balances(f.state());
  // One cent more in November passes the ceiling: refused with the figures, nothing changes.
  Status s = f.SubmitAt(CollectOp(f, sm, 1), Utc(2026, 11, 30, 22, 59));  // 23:59 in Paris
  CHECK(s.code() == Code::kMandateCeiling);
  CHECK(s.message().find("40.00 ROUE") != std::string::npos);
  CHECK(Balances(f.state()) == before);
  // 23:00 UTC on 30 November is already 1 December in Paris: a new month.
  REQUIRE_OK(f.SubmitAt(CollectOp(f, sm, 4'000), Utc(2026, 11, 30, 23, 0)));
  CHECK(f.BalanceOf("alice") == 2'000);
  CHECK(f.state().Balance(ops::MandatePeriodKey(IdOf(f, sm), 202612)) == 4'000);
  CHECK(f.state().Balance(ops::MandatePeriodKey(IdOf(f, sm), 202611)) == 4'000);
}

TEST_CASE("mandate: weeks run Monday to Sunday and years by the calendar, in Paris",
          "[ledger][mandate]") {
  Fixture f = Town();
  const SignedMandate week = Signed(Canteen(f, 1'000, MandatePeriod::kWeek));
  const SignedMandate year = Signed(Canteen(f, 1'000, MandatePeriod::kYear, std::string(17, 'y')));
  // Sunday 8 November 23:30 in Paris, then Monday 9 November 00:30 in Paris.
  REQUIRE_OK(f.SubmitAt(CollectOp(f, week, 1'000), Utc(2026, 11, 8, 22, 30)));
  CHECK(f.SubmitAt(CollectOp(f, week, 1), Utc(2026, 11, 8, 22, 59)).code() ==
        Code::kMandateCeiling);
  REQUIRE_OK(f.SubmitAt(CollectOp(f, week, 1'000), Utc(2026, 11, 8, 23, 30)));
  REQUIRE_OK(f.SubmitAt(CollectOp(f, year, 600), kNow));
  CHECK(f.SubmitAt(CollectOp(f, year, 401), Utc(2026, 12, 31, 22, 59)).code() ==
        Code::kMandateCeiling);
  REQUIRE_OK(f.SubmitAt(CollectOp(f, year, 1'000), Utc(2026, 12, 31, 23, 0)));  // 2027 in Paris
  CHECK(f.BalanceOf("pool") == 3'600);
}

TEST_CASE("mandate: after the debtor revokes it nothing more is collected", "[ledger][mandate]") {
  Fixture f = Town();
  const SignedMandate sm = Signed(Canteen(f));
  REQUIRE_OK(f.SubmitAt(CollectOp(f, sm, 1'000), kNow));
  // Bob revoking the id does not touch Alice's mandate: a revocation is the debtor's own.
  REQUIRE_OK(f.SubmitAt(f.MakeOp("bob", RevokeMandate{IdOf(f, sm)}), kNow + 1));
  REQUIRE_OK(f.SubmitAt(CollectOp(f, sm, 1'000), kNow + 2));
  REQUIRE_OK(f.SubmitAt(f.MakeOp("alice", RevokeMandate{IdOf(f, sm)}), kNow + 3));
  const auto before = Balances(f.state());
  Status s = f.SubmitAt(CollectOp(f, sm, 1), kNow + 4);
  CHECK(s.code() == Code::kMandateRevoked);
  // Next month too, and a second revocation is refused as such.
  CHECK(f.SubmitAt(CollectOp(f, sm, 1), Utc(2027, 1, 5)).code() == Code::kMandateRevoked);
  CHECK(f.SubmitAt(f.MakeOp("alice", RevokeMandate{IdOf(f, sm)}), kNow + 5).code() ==
        Code::kMandateRevoked);
  CHECK(Balances(f.state()) == before);
  CHECK(f.BalanceOf("alice") == 8'000);
}

TEST_CASE("mandate: refusals by state name the reason and change nothing", "[ledger][mandate]") {
  Fixture f = Town();
  const auto before = Balances(f.state());
  SECTION("another creditor carrying the mandate") {
    Status s = f.SubmitAt(CollectOp(f, Signed(Canteen(f)), 100, "bakery"), kNow);
    CHECK(s.code() == Code::kMandateMismatch);
  }
  SECTION("more than the ceiling in one collection") {
    Status s = f.SubmitAt(CollectOp(f, Signed(Canteen(f)), 4'001), kNow);
    CHECK(s.code() == Code::kMandateMismatch);
  }
  SECTION("signed by someone else than the debtor") {
    Status s = f.SubmitAt(CollectOp(f, Signed(Canteen(f), "bob"), 100), kNow);
    CHECK(s.code() == Code::kMandateSigner);
  }
  SECTION("signed by a key of the creditor's") {
    Status s = f.SubmitAt(CollectOp(f, Signed(Canteen(f), "pool"), 100), kNow);
    CHECK(s.code() == Code::kMandateSigner);
  }
  SECTION("expired") {
    Mandate m = Canteen(f);
    m.expires_ms = kNow;
    CHECK(f.SubmitAt(CollectOp(f, Signed(m), 100), kNow + 1).code() == Code::kMandateExpired);
  }
  SECTION("a short balance") {
    Mandate m = Canteen(f, 20'000);
    Status s = f.SubmitAt(CollectOp(f, Signed(m), 10'001), kNow);
    CHECK(s.code() == Code::kInsufficientFunds);
    CHECK(s.message().find("debtor") != std::string::npos);
  }
  SECTION("an unknown debtor") {
    Mandate m = Canteen(f);
    m.debtor = KeyFor("nobody").public_key();
    CHECK(f.SubmitAt(CollectOp(f, codec::SignMandate(m, KeyFor("nobody")), 100), kNow).code() ==
          Code::kUnknownDestination);
  }
  SECTION("a resident may not collect") {
    Mandate m = Canteen(f);
    m.creditor = Fixture::Id("bob");
    CHECK(f.SubmitAt(CollectOp(f, Signed(m), 100, "bob"), kNow).code() == Code::kNotPermitted);
  }
  CHECK(Balances(f.state()) == before);
}

TEST_CASE("mandate: a malformed mandate is refused as BAD_MANDATE", "[ledger][mandate]") {
  Fixture f = Town();
  SECTION("a signature over other bytes") {
    SignedMandate sm = Signed(Canteen(f));
    sm.signature = Signed(Canteen(f, 9'999)).signature;
    Status s = f.SubmitAt(CollectOp(f, sm, 1), kNow);
    CHECK(s.code() == Code::kBadMandate);
    CHECK(s.message().find("signature") != std::string::npos);
  }
  SECTION("another ledger") {
    Mandate m = Canteen(f);
    m.ledger_id = Sha256({"another ledger"});
    CHECK(f.SubmitAt(CollectOp(f, Signed(m), 1), kNow).code() == Code::kBadMandate);
  }
  SECTION("a zero ceiling, no period, a bad nonce, a debtor who is the creditor") {
    Mandate zero = Canteen(f, 0);
    Mandate none = Canteen(f);
    none.period = static_cast<MandatePeriod>(0);
    Mandate short_nonce = Canteen(f, 100, MandatePeriod::kMonth, std::string(15, 'x'));
    Mandate self = Canteen(f);
    self.debtor = Fixture::Id("pool");
    for (const Mandate* m : {&zero, &none, &short_nonce, &self}) {
      Status s = f.SubmitAt(CollectOp(f, Signed(*m), 1), kNow);
      INFO(s.ToString());
      CHECK(s.code() == (m == &zero ? Code::kMandateMismatch : Code::kBadMandate));
    }
  }
  SECTION("a zero collection") {
    CHECK(f.SubmitAt(CollectOp(f, Signed(Canteen(f)), 0), kNow).code() == Code::kAmountNotPositive);
  }
  CHECK(f.BalanceOf("alice") == 10'000);
}

TEST_CASE(
    "mandate property: over months and DST changes a mandate never collects past its ceiling "
    "nor after revocation, the books balance, and the audit replay agrees",
    "[ledger][mandate][property]") {
  const uint64_t seed = testing::PropertySeed();
  std::mt19937_64 rng(seed);
  INFO("seed " << seed << " (rerun with LIARD_TEST_SEED=" << seed << ")");
  std::printf("mandate property seed %llu\n", static_cast<unsigned long long>(seed));
  ReplayedJournal j(Fixture(
      {Member{"r0", AccountKind::kResident, 30'000}, Member{"r1", AccountKind::kResident, 30'000},
       Member{"r2", AccountKind::kResident, 5'000}, Member{"pool", AccountKind::kMunicipality, 0},
       Member{"asso-shop", AccountKind::kMerchant, 0}},
      0, Fixture::Version4));
  Fixture& f = j.f;
  const TimeZone paris = *TimeZone::Named("Europe/Paris");
  struct Held {
    SignedMandate sm;
    Hash id;
    std::string creditor, debtor;
    bool revoked = false;
  };
  std::vector<Held> mandates;
  const char* debtors[] = {"r0", "r1", "r2"};
  const char* creditors[] = {"pool", "asso-shop"};
  const MandatePeriod periods[] = {MandatePeriod::kWeek, MandatePeriod::kMonth,
                                   MandatePeriod::kYear};
  for (int i = 0; i < 9; ++i) {
    Mandate m;
    m.ledger_id = f.ledger().id();
    m.debtor = Fixture::Id(debtors[i % 3]);
    m.creditor = Fixture::Id(creditors[i % 2]);
    m.ceiling = Amount(500 + static_cast<int64_t>(rng() % 3'000));
    m.period = periods[rng() % 3];
    m.nonce = std::string(16, static_cast<char>('a' + i));
    if (rng() % 4 == 0) m.expires_ms = Utc(2027, 1 + static_cast<int>(rng() % 10), 15);
    SignedMandate sm = codec::SignMandate(m, KeyFor(debtors[i % 3]));
    const Hash id = MandateId(f.ledger().id(), sm.body);
    mandates.push_back(Held{sm, id, creditors[i % 2], debtors[i % 3]});
  }
  // The model: what each mandate collected per period; the periods are the test's own
  // arithmetic on Paris's civil calendar, not the ledger's function.
  std::map<std::pair<int, int64_t>, int64_t> collected;
  auto period_of = [&](MandatePeriod p, int64_t t) -> int64_t {
    const CivilTime c = paris.Civil(t);
    const int64_t day = DaysFromCivil(c.year, c.month, c.day);
    if (p == MandatePeriod::kWeek) return (day + 3 - ((day + 3) % 7 + 7) % 7) / 7;  // Monday
    if (p == MandatePeriod::kMonth) return c.year * 100 + c.month;
    return c.year;
  };
  const int64_t supply = f.Circulation();
  // From January 2027 to mid-November 2027: both 2027 DST changes (28 March, 31 October).
  int64_t now = Utc(2027, 1, 1, 8);
  int accepted = 0, over = 0, after_revoke = 0;
  for (int step = 0; step < 1'500; ++step) {
    // Steps of minutes to days, sometimes landing right around local midnight.
    now += rng() % 3 == 0 ? static_cast<int64_t>(rng() % (2 * kDay))
                          : static_cast<int64_t>(rng() % (6 * kHour));
    if (rng() % 10 == 0) now = paris.StartOfDay(paris.DayOf(now) + 1) - 1 + (rng() % 2) * 2;
    const size_t k = rng() % mandates.size();
    Held& h = mandates[k];
    INFO("step " << step << " at " << now << " mandate " << k);
    // Revocations are rare, so that most mandates live for months; one is always revoked.
    if (rng() % 400 == 0 || (step == 1'000 && !h.revoked)) {
      const Operation op = f.MakeOp(h.debtor, RevokeMandate{h.id});
      if (!h.revoked) {
        j.Add(op, now);
        h.revoked = true;
      } else {
        CHECK(f.SubmitAt(op, now).code() == Code::kMandateRevoked);
      }
      continue;
    }
    if (rng() % 20 == 0) {  // the creditor spends, so that debtors' balances come back
      const std::string to = h.debtor;
      const int64_t have = f.BalanceOf(h.creditor);
      if (have > 0)
        j.Add(f.TransferOp(h.creditor, to,
                           1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(have))),
              now);
      continue;
    }
    const Mandate& m = h.sm.mandate;
    const int64_t amount = 1 + static_cast<int64_t>(rng() % m.ceiling.minor());
    const auto key = std::make_pair(static_cast<int>(k), period_of(m.period, now));
    const int64_t debtor_before = f.BalanceOf(h.debtor);
    const Operation op = f.MakeOp(h.creditor, Collect{h.sm, Amount(amount), ""});
    const std::string envelope = f.Sign(op);
    Status s = f.SubmitEnvelope(envelope, now);
    INFO(s.ToString());
    Code want = Code::kOk;
    if (h.revoked)
      want = Code::kMandateRevoked;
    else if (m.expires_ms != 0 && now > m.expires_ms)
      want = Code::kMandateExpired;
    else if (collected[key] + amount > m.ceiling.minor())
      want = Code::kMandateCeiling;
    else if (debtor_before < amount)
      want = Code::kInsufficientFunds;
    REQUIRE(s.code() == want);
    if (s.ok()) {
      j.Append(envelope, now);
      collected[key] += amount;
      ++accepted;
      REQUIRE(f.BalanceOf(h.debtor) == debtor_before - amount);
    } else {
      over += want == Code::kMandateCeiling;
      after_revoke += want == Code::kMandateRevoked;
      REQUIRE(f.BalanceOf(h.debtor) == debtor_before);
    }
    // The ledger's tally agrees with the model, and stays within the ceiling.
    REQUIRE(f.state().Balance(ops::MandatePeriodKey(
                h.id, ops::MandatePeriodIndex(m.period, now, paris))) == collected[key]);
    REQUIRE(collected[key] <= m.ceiling.minor());
    // Nothing created or lost; the reserve covers circulation; no member negative (the
    // ledger's invariant classes ran on every apply as well).
    REQUIRE(f.Circulation() == supply);
    REQUIRE(f.Reserve() >= f.Circulation());
    REQUIRE(f.Total(Slot::kMember) == -f.Total(Slot::kIssuance) - f.Total(Slot::kPaper));
  }
  INFO("accepted " << accepted << ", over the ceiling " << over << ", after revocation "
                   << after_revoke);
  CHECK(accepted > 100);
  CHECK(over > 10);
  CHECK(after_revoke > 0);
  REQUIRE_OK(j.ReplayedToSameDigest());
}

TEST_CASE("mandate: the audit replay catches a collection past the ceiling that a node wrote",
          "[ledger][mandate][replay]") {
  ReplayedJournal j(Town());
  const SignedMandate sm = Signed(Canteen(j.f));
  j.Add(CollectOp(j.f, sm, 3'000), kNow);
  j.Add(j.f.MakeOp("bob", RevokeMandate{IdOf(j.f, sm)}), kNow + 1);
  REQUIRE_OK(j.ReplayedToSameDigest());
  // A forged entry: the pool's properly signed collection of 20,00 more, chained by a dishonest
  // node although the ledger refuses it.
  const std::string forged = j.f.Sign(CollectOp(j.f, sm, 2'000));
  REQUIRE(j.f.SubmitEnvelope(forged, kNow + 2).code() == Code::kMandateCeiling);
  j.Append(forged, kNow + 2);
  Status s = j.ReplayedToSameDigest();
  CHECK(s.code() == Code::kCorruption);
  CHECK(s.message().find("entry 3:") != std::string::npos);
  CHECK(s.message().find("MANDATE_CEILING") != std::string::npos);
}

}  // namespace
}  // namespace liard

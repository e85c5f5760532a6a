// Refunds: a payment paid back by its payee, never more than it, only to its payer; what is
// refundable (payments to shops from genesis version 5, never conversions or multi-payment legs);
// a staff key's daily cap; replays that accept refunds and catch a forged one.
#include <catch2/catch.hpp>

#include <algorithm>

#include "ledger/money.h"
#include "ledger/replay.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14 22:13 UTC
constexpr int64_t kDay = 24LL * 3600 * 1000;

void Version5(Genesis* g) {
  Fixture::Version4(g);
  g->version = kGenesisVersion5;
}

void Version6(Genesis* g) {
  Fixture::Version4(g);
  g->version = kGenesisVersion6;
}

// Refunds work the same from version 5 (a tally per payment) and 6 (the payment found in the
// journal): the cases below run on both (`version` 5 or 6), or on an older one given whole.
Fixture Till(const std::function<void(Genesis*)>& version) {
  return Fixture(
      {Member{"alice", AccountKind::kResident, 10'000},
       Member{"bob", AccountKind::kResident, 5'000}, Member{"shop", AccountKind::kMerchant, 2'000},
       Member{"shop2", AccountKind::kMerchant, 3'000},
       Member{"town", AccountKind::kMunicipality, 5'000}},
      0, version);
}

Fixture Till(uint32_t version) { return Till(version == 5 ? Version5 : Version6); }

// Submits `op` (signed by `key`, else the actor's key) at `now_ms`; its id in *id.
Status Run(Fixture& f, const Operation& op, Hash* id = nullptr, int64_t now_ms = kNow,
           const KeyPair* key = nullptr) {
  return f.SubmitEnvelope(f.Sign(op, key), now_ms, nullptr, id);
}

Operation RefundOp(const Fixture& f, std::string_view actor, const Hash& original,
                   std::string_view payer, int64_t amount, std::string memo = "") {
  return f.MakeOp(actor, Refund{original, Fixture::Id(payer), Amount(amount), std::move(memo)});
}

int64_t Refunded(const Fixture& f, const Hash& original) {
  return f.Held(Slot::kRefunded, original);
}

// What remains refundable of `original`: version 5's tally; version 6's payment in the journal
// less what was refunded.
int64_t Refundable(Fixture& f, const Hash& original, std::string_view payer,
                   std::string_view payee) {
  if (!RefundsFromJournal(f.genesis()))
    return f.state().Balance(RefundableKey(original, Fixture::Id(payer), Fixture::Id(payee)));
  JournalTransfer paid;
  if (!f.journal().FindTransfer(original, &paid).ok() || paid.payer != Fixture::Id(payer) ||
      paid.payee != Fixture::Id(payee))
    return 0;
  return paid.amount - Refunded(f, original);
}

int64_t Figure(const Status& s, std::string_view name) {
  for (const auto& fig : s.figures())
    if (fig.name == name) return fig.value;
  FAIL("no figure " << name << " in " << s.ToString());
  return 0;
}

// Everything the state holds: a refusal must leave it as it was.
std::vector<std::pair<BookKey, int64_t>> Books(const MemoryState& s) {
  auto b = s.NonZeroBalances();
  std::sort(b.begin(), b.end());
  return b;
}

// Gives `account` a staff key directly in the state (the foundation's types; AddKey is
// another part's operation).
void AddStaffKey(Fixture& f, std::string_view account, std::string_view key_name, KeyScope scope,
                 int64_t cap) {
  Account a = *f.state().FindAccount(Fixture::Id(account));
  a.staff_keys.push_back(
      StaffKey{KeyFor(key_name).public_key(), scope, cap, std::string(key_name), kNow - kDay, 0});
  Delta d;
  d.accounts.push_back(std::move(a));
  f.state().Commit(d);
}

TEST_CASE("a payment to a shop is refunded in parts up to its amount, and one cent more is refused",
          "[ledger][refund]") {
  const uint32_t version = GENERATE(5u, 6u);
  Fixture f = Till(version);
  Hash sale;
  REQUIRE_OK(Run(f, f.TransferOp("alice", "shop", 1'250, "pain et fromage"), &sale));
  CHECK(Refundable(f, sale, "alice", "shop") == 1'250);
  CHECK(Refunded(f, sale) == 0);

  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 500, "pain rassis")));
  CHECK(f.BalanceOf("alice") == 10'000 - 1'250 + 500);
  CHECK(f.BalanceOf("shop") == 2'000 + 1'250 - 500);
  CHECK(Refundable(f, sale, "alice", "shop") == 750);
  CHECK(Refunded(f, sale) == 500);

  // 7,51 when 7,50 remain: refused with the figures, and nothing moves.
  const auto before = Books(f.state());
  Status over = Run(f, RefundOp(f, "shop", sale, "alice", 751));
  REQUIRE(over.code() == Code::kRefundExceeds);
  CHECK(Figure(over, "refunded_units") == 500);
  CHECK(Figure(over, "original_units") == 1'250);
  CHECK(Figure(over, "remaining_units") == 750);
  CHECK(Figure(over, "amount_units") == 751);
  CHECK(over.message().find("7.50 ROUE") != std::string::npos);
  CHECK(Books(f.state()) == before);

  // The rest exactly, then one cent more.
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 750)));
  CHECK(f.BalanceOf("alice") == 10'000);
  CHECK(f.BalanceOf("shop") == 2'000);
  CHECK(Refundable(f, sale, "alice", "shop") == 0);
  CHECK(Refunded(f, sale) == 1'250);
  Status cent = Run(f, RefundOp(f, "shop", sale, "alice", 1));
  REQUIRE(cent.code() == Code::kRefundExceeds);
  CHECK(Figure(cent, "refunded_units") == 1'250);
  CHECK(Figure(cent, "remaining_units") == 0);
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
}

TEST_CASE("a refund goes only from the payee to the payer of the payment it names",
          "[ledger][refund]") {
  const uint32_t version = GENERATE(5u, 6u);
  Fixture f = Till(version);
  Hash sale, supply;
  REQUIRE_OK(Run(f, f.TransferOp("alice", "shop", 1'000), &sale));
  REQUIRE_OK(Run(f, f.TransferOp("shop2", "shop", 300), &supply));
  const auto before = Books(f.state());
  // To another payer than the one who paid.
  CHECK(Run(f, RefundOp(f, "shop", sale, "bob", 100)).code() == Code::kNotRefundable);
  // By another shop than the one paid.
  CHECK(Run(f, RefundOp(f, "shop2", sale, "alice", 100)).code() == Code::kNotRefundable);
  // A payer "refunding" its own payment to itself, or naming the payee as the payer.
  CHECK(Run(f, RefundOp(f, "shop2", supply, "shop2", 100)).code() == Code::kTransferToSelf);
  CHECK(Run(f, RefundOp(f, "shop2", supply, "shop", 100)).code() == Code::kNotRefundable);
  // A resident who paid may not refund at all.
  CHECK(Run(f, RefundOp(f, "alice", sale, "shop", 100)).code() == Code::kNotPermitted);
  // An operation id that names nothing.
  CHECK(Run(f, RefundOp(f, "shop", Sha256({"nothing"}), "alice", 100)).code() ==
        Code::kNotRefundable);
  CHECK(Books(f.state()) == before);
  // The shape: above zero, a memo like a transfer's.
  CHECK(Run(f, RefundOp(f, "shop", sale, "alice", 0)).code() == Code::kAmountNotPositive);
  CHECK(Run(f, RefundOp(f, "shop", sale, "alice", 1, std::string(257, 'x'))).code() ==
        Code::kMemoTooLong);
  CHECK(Run(f, RefundOp(f, "shop", sale, "alice", 1, "a\x01")).code() == Code::kMemoNotText);
  CHECK(Books(f.state()) == before);
}

TEST_CASE("conversions, multi-payment legs and payments to residents are not refundable",
          "[ledger][refund]") {
  const uint32_t version = GENERATE(5u, 6u);
  Fixture f = Till(version);
  Hash conversion, batch, gift;
  REQUIRE_OK(
      Run(f, f.MakeOp("office", Conversion{Fixture::Id("shop"), Amount(1'000), ""}), &conversion));
  REQUIRE_OK(Run(f,
                 f.MakeOp("town", MultiTransfer{{Leg{Fixture::Id("shop"), Amount(400), ""},
                                                 Leg{Fixture::Id("alice"), Amount(100), ""}}}),
                 &batch));
  REQUIRE_OK(Run(f, f.TransferOp("alice", "bob", 200), &gift));
  // No tally was written for any of them.
  CHECK(f.Total(Slot::kRefundable) == 0);
  CHECK(Run(f, RefundOp(f, "shop", conversion, "office", 100)).code() == Code::kNotRefundable);
  CHECK(Run(f, RefundOp(f, "shop", batch, "town", 100)).code() == Code::kNotRefundable);
  // A resident paid by a resident: not refundable (and residents may not refund).
  CHECK(Run(f, RefundOp(f, "bob", gift, "alice", 100)).code() == Code::kNotPermitted);
  // A municipality and the association are shops too.
  Hash fee;
  REQUIRE_OK(Run(f, f.TransferOp("alice", "town", 300), &fee));
  CHECK(Refundable(f, fee, "alice", "town") == 300);
  REQUIRE_OK(Run(f, RefundOp(f, "town", fee, "alice", 300)));
}

TEST_CASE("a refund needs the units, a payer that can be paid, and not the daily limit",
          "[ledger][refund]") {
  const uint32_t version = GENERATE(5u, 6u);
  Fixture f = Till([version](Genesis* g) {
    version == 5 ? Version5(g) : Version6(g);
    // The shop may pay out 5,00 a day: refunds do not count toward it.
    g->rules.limits = {KindLimits{AccountKind::kMerchant, 0, 500, 0}};
  });
  Hash sale;
  REQUIRE_OK(Run(f, f.TransferOp("alice", "shop", 3'000), &sale));
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 1'000)));
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 1'000)));
  // The shop's own payments still count toward its limit, and refunds did not use it.
  REQUIRE_OK(Run(f, f.TransferOp("shop", "shop2", 500)));
  CHECK(Run(f, f.TransferOp("shop", "shop2", 1)).code() == Code::kDailyLimit);
  // The shop pays away what is left: the last refund finds too little.
  REQUIRE(f.BalanceOf("shop") == 2'000 + 3'000 - 2'000 - 500);
  REQUIRE_OK(Run(f, f.TransferOp("shop", "shop2", 500), nullptr, kNow + kDay));
  REQUIRE_OK(Run(f, f.TransferOp("shop", "shop2", 500), nullptr, kNow + 2 * kDay));
  REQUIRE_OK(Run(f, f.TransferOp("shop", "shop2", 500), nullptr, kNow + 3 * kDay));
  REQUIRE_OK(Run(f, f.TransferOp("shop", "shop2", 500), nullptr, kNow + 4 * kDay));
  REQUIRE(f.BalanceOf("shop") == 500);
  Status poor = Run(f, RefundOp(f, "shop", sale, "alice", 600), nullptr, kNow + 4 * kDay);
  CHECK(poor.code() == Code::kInsufficientFunds);
  CHECK(Figure(poor, "balance_units") == 500);
  // A frozen payer cannot be paid back until unfrozen.
  Account alice = *f.state().FindAccount(Fixture::Id("alice"));
  alice.status = AccountStatus::kFrozen;
  Delta d;
  d.accounts.push_back(alice);
  f.state().Commit(d);
  CHECK(Run(f, RefundOp(f, "shop", sale, "alice", 10), nullptr, kNow + 4 * kDay).code() ==
        Code::kDestinationFrozen);
}

TEST_CASE("a staff key of scope refund is held to its cap per day, the owner's key is not",
          "[ledger][refund][staff]") {
  const uint32_t version = GENERATE(5u, 6u);
  Fixture f = Till(version);
  AddStaffKey(f, "shop", "till", KeyScope::kRefund, 1'000);
  AddStaffKey(f, "shop", "manager", KeyScope::kFull, 0);
  AddStaffKey(f, "shop", "door", KeyScope::kReceive, 0);
  const KeyPair till = KeyFor("till"), manager = KeyFor("manager"), door = KeyFor("door");
  Hash sale;
  REQUIRE_OK(Run(f, f.TransferOp("alice", "shop", 5'000), &sale));
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 600), nullptr, kNow, &till));
  const auto before = Books(f.state());
  Status cap = Run(f, RefundOp(f, "shop", sale, "alice", 401), nullptr, kNow, &till);
  REQUIRE(cap.code() == Code::kRefundCap);
  CHECK(Figure(cap, "refunded_today_units") == 600);
  CHECK(Figure(cap, "amount_units") == 401);
  CHECK(Figure(cap, "cap_units") == 1'000);
  CHECK(Books(f.state()) == before);
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 400), nullptr, kNow, &till));
  CHECK(f.state().Balance(StaffRefundDayKey(till.public_key(), kNow, CurrencyZone(f.genesis()))) ==
        1'000);
  CHECK(Run(f, RefundOp(f, "shop", sale, "alice", 1), nullptr, kNow, &till).code() ==
        Code::kRefundCap);
  // The owner's key and a full key have no cap; a receive key may not refund.
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 1'500)));
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 1'500), nullptr, kNow, &manager));
  CHECK(Run(f, RefundOp(f, "shop", sale, "alice", 1), nullptr, kNow, &door).code() ==
        Code::kKeyScope);
  // The next day in the currency's zone (Paris), the till may refund again.
  REQUIRE_OK(Run(f, RefundOp(f, "shop", sale, "alice", 1'000), nullptr, kNow + kDay, &till));
  CHECK(Refundable(f, sale, "alice", "shop") == 0);
}

TEST_CASE("version 5: a simulated payment records nothing refundable, a signed one does",
          "[ledger][refund][versions]") {
  Fixture f = Till(5);
  const Operation op = f.TransferOp("alice", "shop", 700);
  Delta d;
  REQUIRE_OK(f.ledger().Simulate(f.state(), op, Fixture::Id("alice"), ApplyContext{kNow}, &d));
  for (const auto& p : d.postings) CHECK(p.key.slot != Slot::kRefundable);
  Delta applied;
  Hash id;
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(op), kNow, &applied, &id));
  int found = 0;
  for (const auto& p : applied.postings)
    if (p.key.slot == Slot::kRefundable) {
      CHECK(p.key == RefundableKey(id, Fixture::Id("alice"), Fixture::Id("shop")));
      CHECK(p.amount == 700);
      ++found;
    }
  CHECK(found == 1);
}

// A version 4 journal: payments to shops, a conversion, a batch. Its state digest is pinned as
// the foundation's code (which recorded nothing refundable) computed it: versions 1 to 4 record
// refundable tallies only for payments of payment requests, so old journals keep their digests.
TEST_CASE("before version 5 a payment to a shop is not refundable and old digests stay",
          "[ledger][refund][versions]") {
  Fixture f = Till(Fixture::Version4);
  Hash sale;
  REQUIRE_OK(Run(f, f.TransferOp("alice", "shop", 1'250), &sale));
  REQUIRE_OK(Run(f, f.TransferOp("bob", "town", 300)));
  REQUIRE_OK(Run(f, f.MakeOp("office", Conversion{Fixture::Id("alice"), Amount(1'000), ""})));
  CHECK(f.Total(Slot::kRefundable) == 0);
  CHECK(ToHex(f.state().digest()) ==
        "1c320e34057deedb9e9c5c1d8ecef7efc945d99999649407e6b682de1038df50");
  CHECK(Run(f, RefundOp(f, "shop", sale, "alice", 100)).code() == Code::kNotRefundable);
}

TEST_CASE("a replay accepts refunds and catches a forged one that refunds more than the payment",
          "[ledger][refund][replay][audit]") {
  const uint32_t version = GENERATE(5u, 6u);
  ReplayedJournal j(Till(version));
  const Hash sale = j.Add(j.f.TransferOp("alice", "shop", 1'250), kNow + 1'000);
  j.Add(RefundOp(j.f, "shop", sale, "alice", 500), kNow + 2'000);
  j.Add(RefundOp(j.f, "shop", sale, "alice", 750), kNow + 3'000);
  std::unique_ptr<Replay> r;
  REQUIRE_OK(j.Replayed(&r));
  CHECK(r->state().digest() == j.f.state().digest());
  CHECK(r->state().totals() == j.f.state().totals());

  // A node that wrote a fourth entry the ledger refuses: the shop's own signature on a refund of
  // one cent more than what is left. The hashes chain; the replay refuses it at its sequence.
  const Operation forged = RefundOp(j.f, "shop", sale, "alice", 1);
  REQUIRE(j.f.SubmitEnvelope(j.f.Sign(forged), kNow + 4'000).code() == Code::kRefundExceeds);
  j.Append(j.f.Sign(forged), kNow + 4'000);
  std::unique_ptr<Replay> r2;
  Status s = j.Replayed(&r2);
  CHECK(s.code() == Code::kCorruption);
  CHECK(r2->discrepancy().sequence == 4);
  CHECK(r2->discrepancy().why.find("REFUND_EXCEEDS") != std::string::npos);
  CHECK(r2->sequence() == 3);
}

TEST_CASE("a replay catches a forged refund to another account than the payer",
          "[ledger][refund][replay][audit]") {
  const uint32_t version = GENERATE(5u, 6u);
  ReplayedJournal j(Till(version));
  const Hash sale = j.Add(j.f.TransferOp("alice", "shop", 1'250), kNow + 1'000);
  const Operation forged = RefundOp(j.f, "shop", sale, "bob", 1'000);
  REQUIRE(j.f.SubmitEnvelope(j.f.Sign(forged), kNow + 2'000).code() == Code::kNotRefundable);
  j.Append(j.f.Sign(forged), kNow + 2'000);
  std::unique_ptr<Replay> r;
  CHECK(j.Replayed(&r).code() == Code::kCorruption);
  CHECK(r->discrepancy().sequence == 2);
  CHECK(r->discrepancy().why.find("NOT_REFUNDABLE") != std::string::npos);
}

// Version 6's point: a sale writes nothing but the two balances, so the state does not grow by a
// record per sale and the node writes one key fewer per payment (docs/benchmarks.md).
TEST_CASE("version 6: a payment leaves no refund record, its refund finds it in the journal",
          "[ledger][refund][versions]") {
  Fixture f = Till(6);
  const Operation op = f.TransferOp("alice", "shop", 700);
  Delta applied;
  Hash sale;
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(op), kNow, &applied, &sale));
  REQUIRE(applied.postings.size() == 2);
  for (const auto& p : applied.postings) CHECK(p.key.slot == Slot::kMember);
  CHECK(f.Total(Slot::kRefundable) == 0);
  CHECK(f.journal().size() == 1);
  // A payment to a resident is not kept: no refund can name it.
  REQUIRE_OK(Run(f, f.TransferOp("alice", "bob", 100)));
  CHECK(f.journal().size() == 1);
  // The refund's only record is what was refunded of the payment.
  Delta refunded;
  REQUIRE_OK(f.SubmitEnvelope(f.Sign(RefundOp(f, "shop", sale, "alice", 200)), kNow, &refunded));
  int tallies = 0;
  for (const auto& p : refunded.postings) {
    CHECK(p.key.slot != Slot::kRefundable);
    if (p.key.slot == Slot::kRefunded) {
      CHECK(p.key.owner == sale);
      CHECK(p.amount == 200);
      ++tallies;
    }
  }
  CHECK(tallies == 1);
  CHECK(Refundable(f, sale, "alice", "shop") == 500);
  // Without the journal, the core cannot find the payment: refused, nothing written.
  Delta d;
  CHECK(f.ledger()
            .Simulate(f.state(), RefundOp(f, "shop", sale, "alice", 100), Fixture::Id("shop"),
                      ApplyContext{kNow}, &d)
            .code() == Code::kNotRefundable);
  CHECK(d.postings.empty());
  REQUIRE_OK(f.ledger().Simulate(f.state(), RefundOp(f, "shop", sale, "alice", 100),
                                 Fixture::Id("shop"), f.Context(kNow), &d));
}

// A journal that cannot be read refuses the refund (an internal error, nothing journaled), and
// says why; it is never taken for "no such payment".
TEST_CASE("version 6: a journal read error refuses the refund as internal, not as not refundable",
          "[ledger][refund][versions]") {
  struct Broken final : JournalView {
    Status FindTransfer(const Hash&, JournalTransfer*) const override {
      return Status(Code::kCorruption, "entry 7 could not be read");
    }
  } broken;
  Fixture f = Till(6);
  Hash sale;
  REQUIRE_OK(Run(f, f.TransferOp("alice", "shop", 700), &sale));
  Delta d;
  Status s = f.ledger().Simulate(f.state(), RefundOp(f, "shop", sale, "alice", 100),
                                 Fixture::Id("shop"), ApplyContext{kNow, &broken}, &d);
  CHECK(s.code() == Code::kInternal);
  CHECK(s.message().find("entry 7") != std::string::npos);
  CHECK(d.postings.empty());
}

TEST_CASE("version 6: a replay resumed from a snapshot still finds a payment made before it",
          "[ledger][refund][replay][versions]") {
  ReplayedJournal j(Till(6));
  const Hash sale = j.Add(j.f.TransferOp("alice", "shop", 1'250), kNow + 1'000);
  j.Add(j.f.TransferOp("bob", "town", 300), kNow + 2'000);
  std::unique_ptr<Replay> first;
  REQUIRE_OK(j.Replayed(&first));
  const std::string snapshot = first->EncodeSnapshot();
  j.Add(RefundOp(j.f, "shop", sale, "alice", 1'000), kNow + 3'000);
  std::unique_ptr<Replay> resumed;
  REQUIRE_OK(
      Replay::Resume(j.f.genesis(), codec::EncodeGenesis(j.f.genesis()), snapshot, &resumed));
  REQUIRE_OK(j.Continue(resumed.get(), 3));
  CHECK(resumed->state().digest() == j.f.state().digest());
  // A snapshot whose list of payments was cut is refused, not resumed without them.
  std::string cut = snapshot.substr(0, snapshot.size() - 32 - (32 + 32 + 32 + 8 + 1));
  cut.append(Sha256({kReplaySnapshotDomain, cut}).view());
  std::unique_ptr<Replay> bad;
  CHECK(Replay::Resume(j.f.genesis(), codec::EncodeGenesis(j.f.genesis()), cut, &bad).code() ==
        Code::kCorruption);
}

}  // namespace
}  // namespace liard

// Staff keys (issue 19): a shop's owner adds and revokes keys that sign for its account within
// a scope; every refusal of AddKey and RevokeKey, each scope's reach, revocation at once, reads,
// and an auditor's replay.
#include <catch2/catch.hpp>

#include "ledger/read_auth.h"
#include "ledger/replay.h"
#include "tests/ledger/fixture.h"
#include "tests/ledger/replayed_journal.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;
using testing::ReplayedJournal;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

Fixture Shop() {
  return Fixture({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"shop", AccountKind::kMerchant, 5'000},
                  Member{"bakery", AccountKind::kMerchant, 1'000}});
}

AddKey Add(std::string_view name, KeyScope scope, int64_t cap = 0) {
  return AddKey{KeyFor(name).public_key(), scope, cap, std::string(name)};
}

// `actor`'s operation signed with the key of `signer`.
Status SignedBy(Fixture& f, std::string_view actor, Payload payload, std::string_view signer,
                int64_t now = kNow) {
  const KeyPair key = KeyFor(signer);
  return f.SubmitEnvelope(f.Sign(f.MakeOp(actor, std::move(payload)), &key), now);
}

const StaffKey* Staff(Fixture& f, std::string_view account, std::string_view key) {
  const Account* a = f.state().FindAccount(Fixture::Id(account));
  REQUIRE(a != nullptr);
  return a->FindStaffKey(KeyFor(key).public_key());
}

TEST_CASE("add-key is refused as BAD_STAFF_KEY for a bad key, scope, cap or label",
          "[ledger][staff]") {
  Fixture f = Shop();
  auto code = [&](AddKey a) { return f.Submit(f.MakeOp("shop", std::move(a))).code(); };
  AddKey zero = Add("till", KeyScope::kReceive);
  zero.key = PublicKey{};
  CHECK(code(zero) == Code::kBadStaffKey);
  AddKey identity = zero;  // the identity point: never signs
  std::string one(32, '\0');
  one[0] = 1;
  REQUIRE(identity.key.Assign(one));
  CHECK(code(identity) == Code::kBadStaffKey);
  for (int scope : {0, 4, 255}) {
    AddKey a = Add("till", static_cast<KeyScope>(scope));
    INFO("scope " << scope);
    CHECK(code(a) == Code::kBadStaffKey);
  }
  CHECK(code(Add("till", KeyScope::kRefund, 0)) == Code::kBadStaffKey);
  CHECK(code(Add("till", KeyScope::kRefund, -1)) == Code::kBadStaffKey);
  CHECK(code(Add("till", KeyScope::kReceive, 100)) == Code::kBadStaffKey);
  CHECK(code(Add("till", KeyScope::kFull, 100)) == Code::kBadStaffKey);
  AddKey empty = Add("till", KeyScope::kReceive);
  empty.label = "";
  CHECK(code(empty) == Code::kBadStaffKey);
  AddKey longer = Add("till", KeyScope::kReceive);
  longer.label = std::string(65, 'x');
  CHECK(code(longer) == Code::kBadStaffKey);
  longer.label = std::string(64, 'x');
  AddKey control = Add("till", KeyScope::kReceive);
  control.label = "till\n1";
  CHECK(code(control) == Code::kBadStaffKey);
  AddKey hidden = Add("till", KeyScope::kReceive);
  hidden.label = "till\u200b1";  // a zero-width space
  CHECK(code(hidden) == Code::kBadStaffKey);
  // Nothing was added, and the sequence did not move.
  CHECK(f.state().FindAccount(Fixture::Id("shop"))->staff_keys.empty());
  CHECK(f.NextSequence("shop") == 1);
  // The limits themselves pass.
  REQUIRE_OK(f.Submit(f.MakeOp("shop", longer)));
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("refunds", KeyScope::kRefund, 1))));
}

TEST_CASE("add-key records the key with its scope, cap, label and time", "[ledger][staff]") {
  Fixture f = Shop();
  REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", Add("till-1", KeyScope::kRefund, 50'00)), kNow + 7));
  const StaffKey* k = Staff(f, "shop", "till-1");
  REQUIRE(k != nullptr);
  CHECK(k->scope == KeyScope::kRefund);
  CHECK(k->refund_cap_per_day == 50'00);
  CHECK(k->label == "till-1");
  CHECK(k->added_ms == kNow + 7);
  CHECK(k->active());
  CHECK(f.NextSequence("shop") == 2);
}

TEST_CASE(
    "add-key is refused for the own key, a key in use, a resident, a staff signer or a "
    "17th active key",
    "[ledger][staff]") {
  Fixture f = Shop();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("till", KeyScope::kFull))));
  AddKey own = Add("shop", KeyScope::kReceive);
  CHECK(f.Submit(f.MakeOp("shop", own)).code() == Code::kKeyInUse);
  CHECK(f.Submit(f.MakeOp("shop", Add("till", KeyScope::kReceive))).code() == Code::kKeyInUse);
  // Every scope, the full one too, is refused managing keys.
  for (KeyScope scope : {KeyScope::kReceive, KeyScope::kRefund, KeyScope::kFull}) {
    const std::string name = "staff-" + std::string(ScopeName(scope));
    REQUIRE_OK(
        f.Submit(f.MakeOp("shop", Add(name, scope, scope == KeyScope::kRefund ? 10'00 : 0))));
    INFO("scope " << ScopeName(scope));
    CHECK(SignedBy(f, "shop", Add("other", KeyScope::kReceive), name).code() == Code::kKeyScope);
    CHECK(SignedBy(f, "shop", RevokeKey{KeyFor("till").public_key()}, name).code() ==
          Code::kKeyScope);
  }
  CHECK(Staff(f, "shop", "other") == nullptr);
  CHECK(Staff(f, "shop", "till")->active());
  // A resident has no till: NOT_PERMITTED, before anything else.
  CHECK(f.Submit(f.MakeOp("alice", Add("phone", KeyScope::kReceive))).code() ==
        Code::kNotPermitted);
  // Another account's staff key is this account's business only: the same key may serve two.
  REQUIRE_OK(f.Submit(f.MakeOp("bakery", Add("till", KeyScope::kReceive))));

  // 16 active at most.
  // till and the three staff-* keys are active: 12 more make 16.
  for (int i = 0; i < 12; ++i)
    REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("more-" + std::to_string(i), KeyScope::kReceive))));
  CHECK(f.state().FindAccount(Fixture::Id("shop"))->staff_keys.size() == kMaxActiveStaffKeys);
  Status s = f.Submit(f.MakeOp("shop", Add("seventeenth", KeyScope::kReceive)));
  CHECK(s.code() == Code::kTooManyKeys);
  CHECK_THAT(s.message(), Catch::Contains("revoke one first"));
  // Revoking one makes room.
  REQUIRE_OK(f.Submit(f.MakeOp("shop", RevokeKey{KeyFor("more-0").public_key()})));
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("seventeenth", KeyScope::kReceive))));
}

TEST_CASE("a revoked key is never added again, and revoke-key names an active staff key",
          "[ledger][staff]") {
  Fixture f = Shop();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("till", KeyScope::kReceive))));
  CHECK(f.Submit(f.MakeOp("shop", RevokeKey{KeyFor("stranger").public_key()})).code() ==
        Code::kUnknownKey);
  CHECK(f.Submit(f.MakeOp("shop", RevokeKey{Fixture::Id("shop")})).code() == Code::kUnknownKey);
  CHECK(f.Submit(f.MakeOp("shop", RevokeKey{PublicKey{}})).code() == Code::kBadStaffKey);
  // The bakery's key is not the shop's to revoke.
  REQUIRE_OK(f.Submit(f.MakeOp("bakery", Add("bakery-till", KeyScope::kReceive))));
  CHECK(f.Submit(f.MakeOp("shop", RevokeKey{KeyFor("bakery-till").public_key()})).code() ==
        Code::kUnknownKey);
  REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", RevokeKey{KeyFor("till").public_key()}), kNow + 9));
  CHECK(Staff(f, "shop", "till")->revoked_ms == kNow + 9);
  CHECK(f.Submit(f.MakeOp("shop", RevokeKey{KeyFor("till").public_key()})).code() ==
        Code::kUnknownKey);
  Status again = f.Submit(f.MakeOp("shop", Add("till", KeyScope::kReceive)));
  CHECK(again.code() == Code::kKeyInUse);
  CHECK_THAT(again.message(), Catch::Contains("revoked"));
  CHECK(Staff(f, "bakery", "bakery-till")->active());
}

TEST_CASE("beyond 64 key records the oldest revoked one is forgotten", "[ledger][staff]") {
  Fixture f = Shop();
  int64_t t = kNow;
  for (size_t i = 0; i < kMaxStaffKeyRecords; ++i) {
    const std::string name = "k" + std::to_string(i);
    REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", Add(name, KeyScope::kReceive)), ++t));
    if (i >= 2) REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", RevokeKey{KeyFor(name).public_key()}), ++t));
  }
  // k0 and k1 active, k2..k63 revoked in that order: k2 goes first.
  REQUIRE(f.state().FindAccount(Fixture::Id("shop"))->staff_keys.size() == kMaxStaffKeyRecords);
  REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", Add("new", KeyScope::kReceive)), ++t));
  const Account* a = f.state().FindAccount(Fixture::Id("shop"));
  CHECK(a->staff_keys.size() == kMaxStaffKeyRecords);
  CHECK(Staff(f, "shop", "k2") == nullptr);
  CHECK(Staff(f, "shop", "k0") != nullptr);
  CHECK(Staff(f, "shop", "k1") != nullptr);
  CHECK(Staff(f, "shop", "k3") != nullptr);
  CHECK(Staff(f, "shop", "new")->active());
  CHECK(a->staff_keys.back().label == "new");
}

TEST_CASE("each scope signs what it may and is refused the rest as KEY_SCOPE", "[ledger][staff]") {
  Fixture f = Shop();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("receive", KeyScope::kReceive))));
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("refund", KeyScope::kRefund, 20'00))));
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("full", KeyScope::kFull))));
  const Payload pay = Transfer{Fixture::Id("alice"), Amount(1'00), "", std::nullopt};
  const Payload refund = Refund{Hash{}, Fixture::Id("alice"), Amount(1'00), ""};
  const Payload cancel = CancelRequest{Hash{}};
  const Payload reconvert = Reconversion{Amount(1'00)};

  // receive: requests only.
  CHECK(SignedBy(f, "shop", pay, "receive").code() == Code::kKeyScope);
  CHECK(SignedBy(f, "shop", refund, "receive").code() == Code::kKeyScope);
  CHECK(SignedBy(f, "shop", reconvert, "receive").code() == Code::kKeyScope);
  CHECK(SignedBy(f, "shop", SetCard{}, "receive").code() == Code::kKeyScope);
  CHECK(SignedBy(f, "shop", cancel, "receive").code() != Code::kKeyScope);
  // refund: and refunds, never pays out.
  CHECK(SignedBy(f, "shop", pay, "refund").code() == Code::kKeyScope);
  CHECK(SignedBy(f, "shop", reconvert, "refund").code() == Code::kKeyScope);
  CHECK(SignedBy(f, "shop", refund, "refund").code() != Code::kKeyScope);
  CHECK(SignedBy(f, "shop", cancel, "refund").code() != Code::kKeyScope);
  // Nothing moved, the sequence neither.
  CHECK(f.BalanceOf("shop") == 5'000);
  const uint64_t next = f.NextSequence("shop");
  // full: pays, as the owner would.
  REQUIRE_OK(SignedBy(f, "shop", pay, "full"));
  CHECK(f.BalanceOf("shop") == 4'900);
  CHECK(f.BalanceOf("alice") == 10'100);
  CHECK(f.NextSequence("shop") == next + 1);
  // The account's own roles still bound a full key: a merchant does not convert.
  CHECK(SignedBy(f, "shop", Conversion{Fixture::Id("alice"), Amount(1'00), ""}, "full").code() ==
        Code::kNotPermitted);
  // A key the account never added is WRONG_KEY, another account's staff key too.
  REQUIRE_OK(f.Submit(f.MakeOp("bakery", Add("bakery-full", KeyScope::kFull))));
  CHECK(SignedBy(f, "shop", pay, "bakery-full").code() == Code::kWrongKey);
  CHECK(SignedBy(f, "shop", pay, "stranger").code() == Code::kWrongKey);
}

TEST_CASE("a revoked key is refused from the next operation on, the owner's key is not",
          "[ledger][staff]") {
  Fixture f = Shop();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("till", KeyScope::kFull))));
  const Payload pay = Transfer{Fixture::Id("alice"), Amount(1'00), "", std::nullopt};
  REQUIRE_OK(SignedBy(f, "shop", pay, "till", kNow + 1));
  // Signed by the till before the revocation, for the sequence after it.
  const KeyPair till = KeyFor("till");
  Operation early = f.MakeOp("shop", pay);
  early.sequence += 1;
  const std::string early_envelope = f.Sign(early, &till);
  REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", RevokeKey{till.public_key()}), kNow + 2));
  Status s = f.SubmitEnvelope(early_envelope, kNow + 3);
  CHECK(s.code() == Code::kKeyRevoked);
  CHECK_THAT(s.message(), Catch::Contains("'till' was revoked"));
  CHECK(SignedBy(f, "shop", pay, "till", kNow + 3).code() == Code::kKeyRevoked);
  // The owner's key goes on.
  REQUIRE_OK(f.SubmitAt(f.MakeOp("shop", pay), kNow + 4));
  CHECK(f.BalanceOf("shop") == 4'800);
}

TEST_CASE("a board re-key to one of the account's staff keys is refused as KEY_IN_USE",
          "[ledger][staff][governance]") {
  // Version 2 on, a proposal is checked against the state when it is made.
  Fixture f({Member{"shop", AccountKind::kMerchant, 5'000}}, 0, Fixture::Version2);
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("till", KeyScope::kReceive))));
  auto propose = [&](const PublicKey& key) {
    return f.Submit(f.MakeOp("board-1", Propose{Rekey{Fixture::Id("shop"), key}, kNow + kDay}));
  };
  CHECK(propose(KeyFor("till").public_key()).code() == Code::kKeyInUse);
  REQUIRE_OK(f.Submit(f.MakeOp("shop", RevokeKey{KeyFor("till").public_key()})));
  CHECK(propose(KeyFor("till").public_key()).code() == Code::kKeyInUse);
  REQUIRE_OK(propose(KeyFor("shop-new").public_key()));
}

ReadCall Call(std::string_view method, const AccountId* target) {
  ReadCall call;
  call.method = method;
  call.target = target;
  return call;
}

// A read request of `reader`'s account for `call`, signed with `signer`'s key.
Status ReadWith(Fixture& f, std::string_view reader, const ReadCall& call,
                std::string_view signer) {
  const ReadRequest request = ReadRequestFor(f.ledger().id(), Fixture::Id(reader), call,
                                             kNow + 60'000, std::string(kMinReadNonce, 'n'));
  const std::string body = codec::EncodeReadRequest(request);
  const KeyPair key = KeyFor(signer);
  return AuthorizeRead(f.state(), f.ledger().id(), request, body, key.public_key(),
                       key.Sign(ReadSigningMessage(f.ledger().id(), body)), call, kNow);
}

TEST_CASE("an active staff key reads its own account only, a revoked one nothing",
          "[ledger][staff][reads]") {
  Fixture f = Shop();
  REQUIRE_OK(f.Submit(f.MakeOp("shop", Add("till", KeyScope::kReceive))));
  REQUIRE_OK(f.Submit(f.MakeOp("association", Add("desk", KeyScope::kFull))));
  const AccountId shop = Fixture::Id("shop");
  const AccountId alice = Fixture::Id("alice");
  CHECK(ReadWith(f, "shop", Call("GetAccount", &shop), "till").ok());
  ReadCall history = Call("GetHistory", &shop);
  history.limit = 20;
  CHECK(ReadWith(f, "shop", history, "till").ok());
  CHECK(ReadWith(f, "shop", Call("Watch", &shop), "till").ok());
  // Not another account, even through the treasurer role of the association.
  CHECK(ReadWith(f, "shop", Call("GetAccount", &alice), "till").code() == Code::kReadRefused);
  CHECK(ReadWith(f, "association", Call("GetAccount", &alice), "association").ok());
  Status whole = ReadWith(f, "association", Call("GetAccount", &alice), "desk");
  CHECK(whole.code() == Code::kReadRefused);
  CHECK_THAT(whole.message(), Catch::Contains("its own account only"));
  CHECK(ReadWith(f, "association", Call("StreamJournal", nullptr), "desk").code() ==
        Code::kReadRefused);
  // Simulate: only what the key may sign, with itself as the signer.
  const PublicKey till = KeyFor("till").public_key();
  const PublicKey owner = Fixture::Id("shop");
  ReadCall preview = Call("Simulate", &shop);
  preview.simulate_key = &till;
  preview.simulate_type = OpType::kCancelRequest;
  CHECK(ReadWith(f, "shop", preview, "till").ok());
  preview.simulate_type = OpType::kTransfer;
  CHECK(ReadWith(f, "shop", preview, "till").code() == Code::kReadRefused);
  preview.simulate_type = OpType::kCancelRequest;
  preview.simulate_key = &owner;
  CHECK(ReadWith(f, "shop", preview, "till").code() == Code::kReadRefused);
  // The owner's own reads are as before.
  preview.simulate_type = OpType::kTransfer;
  CHECK(ReadWith(f, "shop", preview, "shop").ok());

  REQUIRE_OK(f.Submit(f.MakeOp("shop", RevokeKey{till})));
  Status s = ReadWith(f, "shop", Call("GetAccount", &shop), "till");
  CHECK(s.code() == Code::kReadRefused);
  CHECK_THAT(s.message(), Catch::Contains("revoked"));
  CHECK(ReadWith(f, "shop", Call("GetAccount", &shop), "shop").ok());
  // A key the account never had.
  CHECK(ReadWith(f, "shop", Call("GetAccount", &shop), "stranger").code() == Code::kReadRefused);
}

TEST_CASE(
    "the audit replay accepts staff keys and their operations, and catches one signed by "
    "a revoked key",
    "[ledger][staff][replay][audit]") {
  ReplayedJournal j(Shop());
  const KeyPair till = KeyFor("till");
  j.Add(j.f.MakeOp("shop", Add("till", KeyScope::kFull)), kNow + 1);
  j.Add(j.f.MakeOp("shop", Transfer{Fixture::Id("alice"), Amount(2'00), "change", std::nullopt}),
        kNow + 2, &till);
  j.Add(j.f.MakeOp("shop", RevokeKey{till.public_key()}), kNow + 3);
  j.Add(j.f.TransferOp("alice", "shop", 5'00), kNow + 4);
  std::unique_ptr<Replay> r;
  REQUIRE_OK(j.Replayed(&r));
  CHECK(r->sequence() == 4);
  CHECK(r->state().digest() == j.f.state().digest());
  const Account* shop = r->state().FindAccount(Fixture::Id("shop"));
  REQUIRE(shop != nullptr);
  REQUIRE(shop->staff_keys.size() == 1);
  CHECK(shop->staff_keys[0].revoked_ms == kNow + 3);

  // A forger appends a payment signed by the revoked till, with a right hash chain and a valid
  // signature: the replay refuses it at its sequence, as KEY_REVOKED.
  std::vector<JournalEntry> entries = j.entries;
  std::vector<Hash> hashes = j.hashes;
  Operation op = j.f.MakeOp("shop", Transfer{Fixture::Id("alice"), Amount(1'00), "", std::nullopt});
  entries.push_back(JournalEntry{5, kNow + 5, hashes.back(), j.f.Sign(op, &till)});
  hashes.push_back(EntryHash(entries.back()));
  Status s = j.Replayed(entries, hashes, &r);
  CHECK(s.code() == Code::kCorruption);
  CHECK(r->discrepancy().sequence == 5);
  CHECK_THAT(r->discrepancy().why, Catch::Contains("revoked"));
}

}  // namespace
}  // namespace liard

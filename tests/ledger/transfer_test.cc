// Transfers: every rule and every rejection code, through real signatures and the wire codec.
#include <catch2/catch.hpp>

#include <algorithm>

#include "ledger/permissions.h"
#include "liard/v1/ledger.pb.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::KeyFor;
using testing::Member;

Fixture TwoResidents() {
  return Fixture({Member{"alice", AccountKind::kResident, 10'000},
                  Member{"bob", AccountKind::kResident, 500},
                  Member{"shop", AccountKind::kMerchant, 0}});
}

// A snapshot of everything the state holds, to prove a refusal changed nothing.
struct Snapshot {
  std::vector<std::pair<BookKey, int64_t>> balances;
  std::vector<Account> accounts;
  Totals totals;
  explicit Snapshot(const MemoryState& s) : balances(s.NonZeroBalances()), totals(s.totals()) {
    std::sort(balances.begin(), balances.end());
    for (const auto& [id, a] : s.accounts()) accounts.push_back(a);
    std::sort(accounts.begin(), accounts.end(),
              [](const Account& a, const Account& b) { return a.id < b.id; });
  }
  bool operator==(const Snapshot&) const = default;
};

TEST_CASE("a resident pays a merchant and both balances move by the amount", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  REQUIRE(f.Submit(f.TransferOp("alice", "shop", 1250, "pain et fromage")).ok());
  CHECK(f.BalanceOf("alice") == 8'750);
  CHECK(f.BalanceOf("shop") == 1'250);
  CHECK(f.NextSequence("alice") == 2);
  CHECK(f.NextSequence("shop") == 1);  // receiving does not use a sequence
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
}

TEST_CASE("a transfer of the whole balance leaves exactly zero", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  REQUIRE(f.Submit(f.TransferOp("bob", "alice", 500)).ok());
  CHECK(f.BalanceOf("bob") == 0);
  CHECK(f.BalanceOf("alice") == 10'500);
}

TEST_CASE("one cent more than the balance is refused as insufficient funds", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  Snapshot before(f.state());
  Status s = f.Submit(f.TransferOp("bob", "alice", 501));
  CHECK(s.code() == Code::kInsufficientFunds);
  CHECK(s.message().find("5.00 ROUE") != std::string::npos);
  CHECK(Snapshot(f.state()) == before);
}

TEST_CASE("zero and negative amounts are refused", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  CHECK(f.Submit(f.TransferOp("alice", "bob", 0)).code() == Code::kAmountNotPositive);
  CHECK(f.Submit(f.TransferOp("alice", "bob", -1)).code() == Code::kAmountNotPositive);
  CHECK(f.Submit(f.TransferOp("alice", "bob", INT64_MIN)).code() == Code::kAmountNotPositive);
  CHECK(f.BalanceOf("alice") == 10'000);
}

TEST_CASE("the largest amount is refused for lack of funds, not overflow", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  CHECK(f.Submit(f.TransferOp("alice", "bob", INT64_MAX)).code() == Code::kInsufficientFunds);
}

TEST_CASE("an account cannot pay itself", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  CHECK(f.Submit(f.TransferOp("alice", "alice", 1)).code() == Code::kTransferToSelf);
}

TEST_CASE("a memo of 256 bytes passes and 257 is too long", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, std::string(256, 'a'))).ok());
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, std::string(257, 'a'))).code() ==
        Code::kMemoTooLong);
}

TEST_CASE("a memo must be printable UTF-8", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, "café, 2 croissants — merci")).ok());
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, "\xC3\x28")).code() == Code::kMemoNotText);
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, "\xC0\xAF")).code() == Code::kMemoNotText);
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, "\xED\xA0\x80")).code() == Code::kMemoNotText);
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, "pay\x1b[2Jme")).code() == Code::kMemoNotText);
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1, "line\nbreak")).code() == Code::kMemoNotText);
}

TEST_CASE("paying an account that does not exist is refused", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  Operation op = f.TransferOp("alice", "nobody", 100);
  CHECK(f.Submit(op).code() == Code::kUnknownDestination);
  CHECK(f.BalanceOf("alice") == 10'000);
}

TEST_CASE("an account that does not exist cannot act", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  f.Remember("stranger");
  CHECK(f.Submit(f.TransferOp("stranger", "alice", 1)).code() == Code::kUnknownAccount);
}

TEST_CASE("the same envelope applied twice is refused the second time", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  std::string envelope = f.Sign(f.TransferOp("alice", "bob", 300));
  REQUIRE(f.SubmitEnvelope(envelope).ok());
  Snapshot after_first(f.state());
  CHECK(f.SubmitEnvelope(envelope).code() == Code::kSequenceUsed);
  CHECK(Snapshot(f.state()) == after_first);
  CHECK(f.BalanceOf("bob") == 800);
}

TEST_CASE("sequence numbers must follow on without gaps", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  Operation op = f.TransferOp("alice", "bob", 1);
  op.sequence = 0;
  CHECK(f.Submit(op).code() == Code::kBadSequence);
  op.sequence = 2;
  CHECK(f.Submit(op).code() == Code::kSequenceGap);
  op.sequence = 1;
  CHECK(f.Submit(op).ok());
  op.sequence = 1;
  op.payload = Transfer{Fixture::Id("bob"), Amount(2), "another body, same sequence"};
  CHECK(f.Submit(op).code() == Code::kSequenceUsed);
}

TEST_CASE("an operation past its validity is refused", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  Operation op = f.TransferOp("alice", "bob", 1);
  op.not_after_ms = 1'700'000'000'000;
  CHECK(f.SubmitEnvelope(f.Sign(op), 1'700'000'000'001).code() == Code::kExpired);
  CHECK(f.SubmitEnvelope(f.Sign(op), 1'700'000'000'000).ok());
}

TEST_CASE("an operation for another ledger is refused", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  Operation op = f.TransferOp("alice", "bob", 1);
  op.ledger_id = Sha256({"some other currency"});
  CHECK(f.Submit(op).code() == Code::kWrongLedger);
}

TEST_CASE("a signature made for another ledger does not verify here", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  Operation op = f.TransferOp("alice", "bob", 1);
  // The body names this ledger, but the domain-separated message signed names another.
  SignedOperation so = codec::SignOperation(op, Sha256({"other"}), KeyFor("alice"));
  CHECK(f.SubmitEnvelope(codec::EncodeEnvelope(so)).code() == Code::kBadSignature);
}

TEST_CASE("a transfer signed by someone else's key is refused", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  KeyPair mallory = KeyFor("mallory");
  CHECK(f.SubmitEnvelope(f.Sign(f.TransferOp("alice", "mallory-target", 1), &mallory)).code() ==
        Code::kWrongKey);
  CHECK(f.SubmitEnvelope(f.Sign(f.TransferOp("alice", "bob", 1), &mallory)).code() ==
        Code::kWrongKey);
  CHECK(f.BalanceOf("alice") == 10'000);
}

TEST_CASE("one bit flipped anywhere in the body, the key or the signature is refused",
          "[ledger][transfer][signature]") {
  Fixture f = TwoResidents();
  SignedOperation good = codec::SignOperation(f.TransferOp("alice", "bob", 1234, "x"),
                                              f.ledger().id(), KeyFor("alice"));
  Snapshot before(f.state());
  auto try_flipped = [&](std::string body, std::string key, std::string sig) {
    v1::SignedOperation m;
    m.set_body(body);
    m.set_public_key(key);
    m.set_signature(sig);
    return f.SubmitEnvelope(m.SerializeAsString());
  };
  std::string body = good.body, key(good.key.view()), sig(good.signature.view());
  int refused = 0, total = 0;
  for (int field = 0; field < 3; ++field) {
    std::string* target = field == 0 ? &body : field == 1 ? &key : &sig;
    for (size_t i = 0; i < target->size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        (*target)[i] ^= static_cast<char>(1 << bit);
        Status s = try_flipped(body, key, sig);
        (*target)[i] ^= static_cast<char>(1 << bit);
        ++total;
        if (!s.ok()) ++refused;
        INFO("field " << field << " byte " << i << " bit " << bit << ": " << s.ToString());
        CHECK_FALSE(s.ok());
      }
    }
  }
  CHECK(refused == total);
  CHECK(Snapshot(f.state()) == before);
  // The untouched envelope still goes through: the loop above tested refusals, not a broken key.
  CHECK(try_flipped(body, key, sig).ok());
}

TEST_CASE("a frozen account can neither pay nor be paid", "[ledger][transfer][status]") {
  Fixture f = TwoResidents();
  Account bob = *f.state().FindAccount(Fixture::Id("bob"));
  bob.status = AccountStatus::kFrozen;
  f.state().PutAccount(bob);
  CHECK(f.Submit(f.TransferOp("bob", "alice", 1)).code() == Code::kAccountFrozen);
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1)).code() == Code::kDestinationFrozen);
}

TEST_CASE("a closed account can neither pay nor be paid", "[ledger][transfer][status]") {
  Fixture f = TwoResidents();
  Account bob = *f.state().FindAccount(Fixture::Id("bob"));
  bob.status = AccountStatus::kClosed;
  f.state().PutAccount(bob);
  CHECK(f.Submit(f.TransferOp("bob", "alice", 1)).code() == Code::kAccountClosed);
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1)).code() == Code::kDestinationClosed);
}

TEST_CASE("a re-keyed account signs with its new key and its old key is refused",
          "[ledger][transfer][keys]") {
  Fixture f = TwoResidents();
  KeyPair fresh = KeyFor("alice-new-phone");
  Account alice = *f.state().FindAccount(Fixture::Id("alice"));
  alice.key = fresh.public_key();
  f.state().PutAccount(alice);
  CHECK(f.Submit(f.TransferOp("alice", "bob", 1)).code() == Code::kWrongKey);
  CHECK(f.SubmitEnvelope(f.Sign(f.TransferOp("alice", "bob", 1), &fresh)).ok());
}

TEST_CASE("an exchange office opens a resident's account", "[ledger][open-account]") {
  Fixture f = TwoResidents();
  f.Remember("carol");
  REQUIRE(f.Submit(f.MakeOp("office", OpenAccount{Fixture::Id("carol"), AccountKind::kResident,
                                                  "Carol Martin"}))
              .ok());
  const Account* carol = f.state().FindAccount(Fixture::Id("carol"));
  REQUIRE(carol != nullptr);
  CHECK(carol->name == "Carol Martin");
  CHECK(carol->kind == AccountKind::kResident);
  CHECK(carol->status == AccountStatus::kActive);
  CHECK(carol->sequence == 0);
  REQUIRE(f.Submit(f.TransferOp("alice", "carol", 700)).ok());
  REQUIRE(f.Submit(f.TransferOp("carol", "bob", 200)).ok());
  CHECK(f.BalanceOf("carol") == 500);
}

TEST_CASE("who may open which account is enforced", "[ledger][open-account][permissions]") {
  Fixture f = TwoResidents();
  auto open = [&](std::string_view actor, std::string_view who, AccountKind kind) {
    return f.Submit(f.MakeOp(actor, OpenAccount{Fixture::Id(who), kind, std::string(who)}));
  };
  CHECK(open("alice", "x1", AccountKind::kResident).code() == Code::kNotPermitted);
  CHECK(open("shop", "x2", AccountKind::kResident).code() == Code::kNotPermitted);
  CHECK(open("office", "x3", AccountKind::kMerchant).code() == Code::kNotPermitted);
  CHECK(open("office", "x4", AccountKind::kExchangeOffice).code() == Code::kNotPermitted);
  // Other kinds than residents are the board's decision, even for the treasurer.
  CHECK(open("association", "x5", AccountKind::kMerchant).code() == Code::kNotPermitted);
  CHECK(open("association", "x6", AccountKind::kMunicipality).code() == Code::kNotPermitted);
  CHECK(open("association", "x6", AccountKind::kResident).ok());
  CHECK(open("office", "alice", AccountKind::kResident).code() == Code::kAccountExists);
  CHECK(open("office", "x7", static_cast<AccountKind>(9)).code() == Code::kBadKind);
  CHECK(open("office", "x8", static_cast<AccountKind>(0)).code() == Code::kBadKind);
  CHECK(f.Submit(f.MakeOp("office", OpenAccount{Fixture::Id("x9"), AccountKind::kResident, ""}))
            .code() == Code::kBadName);
  CHECK(f.Submit(f.MakeOp("office", OpenAccount{Fixture::Id("x9"), AccountKind::kResident,
                                                std::string(65, 'n')}))
            .code() == Code::kBadName);
}

TEST_CASE("garbage, truncated and unknown-field envelopes are malformed", "[ledger][codec]") {
  Fixture f = TwoResidents();
  Snapshot before(f.state());
  CHECK(f.SubmitEnvelope("\xff\xff\xff\xff").code() == Code::kMalformedBody);
  std::string good = f.Sign(f.TransferOp("alice", "bob", 1));
  for (size_t cut = 1; cut < good.size(); ++cut)
    CHECK_FALSE(f.SubmitEnvelope(good.substr(0, cut)).ok());
  CHECK(f.SubmitEnvelope("").code() == Code::kMalformedBody);  // no key, no signature

  // A field the node does not know, inside a correctly signed body, is refused.
  v1::OperationBody body;
  REQUIRE(body.ParseFromString(codec::EncodeOperation(f.TransferOp("alice", "bob", 1))));
  body.mutable_transfer()
      ->GetReflection()
      ->MutableUnknownFields(body.mutable_transfer())
      ->AddVarint(99, 1);
  SignedOperation so;
  so.body = body.SerializeAsString();
  so.key = KeyFor("alice").public_key();
  so.signature = KeyFor("alice").Sign(SigningMessage(f.ledger().id(), so.body));
  Status s = f.SubmitEnvelope(codec::EncodeEnvelope(so));
  CHECK(s.code() == Code::kMalformedBody);
  CHECK(s.message().find("does not know") != std::string::npos);
  CHECK(Snapshot(f.state()) == before);
}

TEST_CASE("account ids of the wrong length and empty payloads are refused", "[ledger][codec]") {
  Fixture f = TwoResidents();
  auto sign_body = [&](const v1::OperationBody& b) {
    SignedOperation so;
    so.body = b.SerializeAsString();
    so.key = KeyFor("alice").public_key();
    so.signature = KeyFor("alice").Sign(SigningMessage(f.ledger().id(), so.body));
    return codec::EncodeEnvelope(so);
  };
  v1::OperationBody b;
  REQUIRE(b.ParseFromString(codec::EncodeOperation(f.TransferOp("alice", "bob", 1))));
  v1::OperationBody short_to = b;
  short_to.mutable_transfer()->set_to(std::string(31, 'x'));
  CHECK(f.SubmitEnvelope(sign_body(short_to)).code() == Code::kBadAccountId);
  v1::OperationBody short_account = b;
  short_account.set_account(std::string(33, 'x'));
  CHECK(f.SubmitEnvelope(sign_body(short_account)).code() == Code::kBadAccountId);
  v1::OperationBody empty = b;
  empty.clear_payload();
  CHECK(f.SubmitEnvelope(sign_body(empty)).code() == Code::kUnknownOperation);
  v1::OperationBody bad_ledger = b;
  bad_ledger.set_ledger_id("short");
  CHECK(f.SubmitEnvelope(sign_body(bad_ledger)).code() == Code::kMalformedBody);
}

TEST_CASE("a refused operation leaves the whole state untouched", "[ledger][transfer]") {
  Fixture f = TwoResidents();
  Snapshot before(f.state());
  CHECK_FALSE(f.Submit(f.TransferOp("bob", "alice", 10'000)).ok());
  CHECK_FALSE(f.Submit(f.TransferOp("alice", "nobody", 1)).ok());
  CHECK(Snapshot(f.state()) == before);
  CHECK(f.NextSequence("bob") == 1);  // a refusal does not use up the sequence
}

TEST_CASE("the permission table lets every member kind transfer", "[ledger][permissions]") {
  for (Role r : {Role::kResident, Role::kMerchant, Role::kExchangeOffice, Role::kMunicipality,
                 Role::kTreasurer})
    CHECK(MayPerform(RoleBit(r), OpType::kTransfer));
  CHECK_FALSE(MayPerform(RoleBit(Role::kAuditor), OpType::kTransfer));
  CHECK_FALSE(MayPerform(RoleBit(Role::kResident), OpType::kOpenAccount));
  CHECK(MayPerform(RoleBit(Role::kExchangeOffice), OpType::kOpenAccount));
}

}  // namespace
}  // namespace liard

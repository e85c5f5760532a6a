// The till summary's arithmetic (wallet-cli/till.h) on receipts built from real signed bodies:
// payments on requests by the request's signer, refunds by the key that signed them, the day's
// bounds, and what is not a till movement left out.
#include <catch2/catch.hpp>

#include "ledger/crypto.h"
#include "proto/codec.h"
#include "tests/ledger/fixture.h"
#include "wallet-cli/till.h"

namespace liard::wallet {
namespace {

using testing::KeyFor;

constexpr int64_t kDayStart = 1'764'630'000'000;
const Hash kLedger = Sha256({"till-test-ledger"});

pb::Receipt ReceiptOf(const Operation& op, const PublicKey& signer, int64_t time_ms,
                      const std::vector<std::pair<AccountId, int64_t>>& members) {
  pb::Receipt r;
  r.set_time_ms(time_ms);
  r.mutable_operation()->set_body(codec::EncodeOperation(op));
  r.mutable_operation()->set_public_key(std::string(signer.view()));
  for (const auto& [owner, amount] : members) {
    pb::Posting* p = r.add_postings();
    p->set_slot(static_cast<uint32_t>(Slot::kMember));
    p->set_owner(std::string(owner.view()));
    p->set_amount(amount);
  }
  return r;
}

Operation OpOf(const AccountId& actor, Payload payload) {
  Operation op;
  op.ledger_id = kLedger;
  op.account = actor;
  op.sequence = 1;
  op.payload = std::move(payload);
  return op;
}

TEST_CASE("the till adds up payments by the request's signer and refunds by their signer",
          "[wallet][till]") {
  const KeyPair shop = KeyFor("shop"), till = KeyFor("till"), alice = KeyFor("alice"),
                bob = KeyFor("bob");
  const AccountId me = shop.public_key();
  PaymentRequest request;
  request.ledger_id = kLedger;
  request.payee = me;
  request.amount = Amount(12'50);
  request.nonce = std::string(16, 'n');
  const SignedRequest by_till = codec::SignRequest(request, till);

  std::vector<pb::Receipt> receipts = {
      // Paid on the till's request.
      ReceiptOf(OpOf(alice.public_key(), Transfer{me, Amount(12'50), "", by_till}),
                alice.public_key(), kDayStart + 1, {{alice.public_key(), -12'50}, {me, 12'50}}),
      // Paid without a request.
      ReceiptOf(OpOf(bob.public_key(), Transfer{me, Amount(5'00), "", std::nullopt}),
                bob.public_key(), kDayStart + 2, {{bob.public_key(), -5'00}, {me, 5'00}}),
      // Refunded by the till, then by the owner.
      ReceiptOf(OpOf(me, Refund{Hash{}, alice.public_key(), Amount(3'00), ""}), till.public_key(),
                kDayStart + 3, {{me, -3'00}, {alice.public_key(), 3'00}}),
      ReceiptOf(OpOf(me, Refund{Hash{}, bob.public_key(), Amount(1'00), ""}), shop.public_key(),
                kDayStart + 4, {{me, -1'00}, {bob.public_key(), 1'00}}),
      // The shop paying someone is not the till's.
      ReceiptOf(OpOf(me, Transfer{alice.public_key(), Amount(2'00), "", std::nullopt}),
                shop.public_key(), kDayStart + 5, {{me, -2'00}, {alice.public_key(), 2'00}}),
      // Another day, before and after.
      ReceiptOf(OpOf(bob.public_key(), Transfer{me, Amount(7'00), "", std::nullopt}),
                bob.public_key(), kDayStart - 1, {{bob.public_key(), -7'00}, {me, 7'00}}),
      ReceiptOf(OpOf(bob.public_key(), Transfer{me, Amount(7'00), "", std::nullopt}),
                bob.public_key(), kDayStart + 86'400'000, {{bob.public_key(), -7'00}, {me, 7'00}}),
  };
  TillSummary t;
  t.from_ms = kDayStart;
  t.to_ms = kDayStart + 86'400'000;
  for (const pb::Receipt& r : receipts) REQUIRE(AddToTill(r, me, &t).ok());
  CHECK(t.payments == 2);
  CHECK(t.received == 17'50);
  CHECK(t.refunds == 2);
  CHECK(t.refunded == 4'00);
  CHECK(t.net() == 13'50);
  REQUIRE(t.by_key.size() == 3);
  // The till took a payment and made a refund; the owner's key a refund; one paid no request.
  CHECK(t.by_key[0].key == std::string(till.public_key().view()));
  CHECK(t.by_key[0].payments == 1);
  CHECK(t.by_key[0].received == 12'50);
  CHECK(t.by_key[0].refunds == 1);
  CHECK(t.by_key[0].refunded == 3'00);
  CHECK(t.by_key[1].key.empty());
  CHECK(t.by_key[1].payments == 1);
  CHECK(t.by_key[1].received == 5'00);
  CHECK(t.by_key[2].key == std::string(shop.public_key().view()));
  CHECK(t.by_key[2].refunds == 1);
  CHECK(t.by_key[2].refunded == 1'00);

  pb::Receipt garbled = receipts[1];
  garbled.mutable_operation()->set_body("not a body");
  CHECK(AddToTill(garbled, me, &t).exit() == Exit::kLocal);
}

}  // namespace
}  // namespace liard::wallet

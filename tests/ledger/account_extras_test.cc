// An account's staff keys and public card (issue 19): stored, digested and snapshotted only
// when present, so that every record written before them keeps its bytes and its digest.
#include <catch2/catch.hpp>

#include "ledger/account.h"
#include "ledger/bytes.h"
#include "ledger/domains.h"
#include "ledger/journal.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

Account Plain() {
  Account a;
  a.id = testing::KeyFor("shop").public_key();
  a.key = a.id;
  a.kind = AccountKind::kMerchant;
  a.sequence = 7;
  a.name = "Boulangerie";
  a.member_until_ms = 0;
  return a;
}

Account WithExtras() {
  Account a = Plain();
  a.staff_keys.push_back(StaffKey{testing::KeyFor("till-1").public_key(), KeyScope::kReceive, 0,
                                  "Caisse 1", 1'000, 0});
  a.staff_keys.push_back(StaffKey{testing::KeyFor("marie").public_key(), KeyScope::kRefund, 5'000,
                                  "Marie", 2'000, 3'000});
  a.card.address = "12 rue de la République";
  a.card.city = "Avignon";
  a.card.category = "Boulangerie";
  a.card.has_position = true;
  a.card.position = {43'949'300, 4'805'500};
  return a;
}

TEST_CASE("an account without staff keys or card has no extras and its historical digest",
          "[ledger][account][extras]") {
  const Account a = Plain();
  CHECK(EncodeAccountExtras(a).empty());
  // The formula of journal.h as it was before issue 19, written out.
  const char fixed[3] = {'A', static_cast<char>(a.kind), static_cast<char>(a.status)};
  const Hash legacy = Sha256(
      {kStateDomain, std::string_view(fixed, 1), a.id.view(), a.key.view(),
       std::string_view(fixed + 1, 2), Fixed64BE(a.sequence), Fixed64BE(a.name.size()), a.name,
       Fixed64BE(a.roles), Fixed64BE(static_cast<uint64_t>(a.member_until_ms)), a.freeze_reason});
  CHECK(AccountRecordHash(a) == legacy);
}

TEST_CASE("staff keys and a card round-trip through their bytes and change the digest",
          "[ledger][account][extras]") {
  const Account a = WithExtras();
  const std::string bytes = EncodeAccountExtras(a);
  REQUIRE(!bytes.empty());
  Account back = Plain();
  REQUIRE(DecodeAccountExtras(bytes, &back));
  CHECK(back == a);
  CHECK(back.FindStaffKey(testing::KeyFor("marie").public_key())->label == "Marie");
  CHECK_FALSE(back.FindStaffKey(testing::KeyFor("marie").public_key())->active());
  CHECK(back.FindStaffKey(testing::KeyFor("stranger").public_key()) == nullptr);
  CHECK(AccountRecordHash(a) != AccountRecordHash(Plain()));

  // Each extra counts: a changed scope, label or card field is another record.
  Account other = a;
  other.staff_keys[0].scope = KeyScope::kFull;
  CHECK(AccountRecordHash(other) != AccountRecordHash(a));
  other = a;
  other.card.city = "Avignon ";
  CHECK(AccountRecordHash(other) != AccountRecordHash(a));

  // A card alone, and keys alone.
  Account card_only = Plain();
  card_only.card.category = "Librairie";
  Account keys_only = a;
  keys_only.card = Card{};
  for (const Account& x : {card_only, keys_only}) {
    Account y = Plain();
    REQUIRE(DecodeAccountExtras(EncodeAccountExtras(x), &y));
    CHECK(y == x);
  }
}

TEST_CASE("damaged extras are refused, never half read", "[ledger][account][extras]") {
  const std::string bytes = EncodeAccountExtras(WithExtras());
  Account a = Plain();
  // Every truncation fails.
  for (size_t n = 1; n < bytes.size(); ++n) {
    INFO("first " << n << " bytes");
    CHECK_FALSE(DecodeAccountExtras(bytes.substr(0, n), &a));
  }
  CHECK_FALSE(DecodeAccountExtras(bytes + "x", &a));  // trailing bytes
  std::string bad_format = bytes;
  bad_format[0] = 2;
  CHECK_FALSE(DecodeAccountExtras(bad_format, &a));
  // The first key's scope byte (after format u8, count u32 and the 32-byte key) set to 9.
  std::string bad_scope = bytes;
  bad_scope[1 + 4 + 32] = 9;
  CHECK_FALSE(DecodeAccountExtras(bad_scope, &a));
  // An empty card written as a card is refused: none is written as none.
  Account empty_card = Plain();
  empty_card.staff_keys = WithExtras().staff_keys;
  std::string with_card = EncodeAccountExtras(empty_card);
  REQUIRE(with_card.back() == 0);  // has_card = 0
  with_card.back() = 1;
  for (int i = 0; i < 8; ++i) with_card += std::string(4, '\0');
  with_card += std::string(1 + 8 + 8, '\0');
  CHECK_FALSE(DecodeAccountExtras(with_card, &a));
  // Nothing at all is an account without extras.
  a = WithExtras();
  REQUIRE(DecodeAccountExtras("", &a));
  CHECK(a.staff_keys.empty());
  CHECK(a.card.empty());
}

}  // namespace
}  // namespace liard

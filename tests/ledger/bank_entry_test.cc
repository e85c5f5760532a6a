// BankEntry: the treasurer records a fee the bank took (paid from the association's income, never
// from the guarantee fund) or interest it paid (the association's income), so that the books
// match the bank statement to the cent.
#include <catch2/catch.hpp>

#include "ledger/money.h"
#include "ledger/permissions.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

using testing::Fixture;
using testing::Member;

// la Roue with a 5 % reconversion fee: the shop reconverting 100.00 units gives the association
// 5.00 € of income.
Fixture WithIncome() {
  Fixture f({Member{"alice", AccountKind::kResident, 5'000},
             Member{"shop", AccountKind::kMerchant, 20'000}},
            0, [](Genesis* g) {
              g->rules.reconversion = {5, 100, 1};
            });
  Status s = f.Submit(f.MakeOp("shop", Reconversion{Amount(10'000)}));
  INFO(s.ToString());
  REQUIRE(s.ok());
  REQUIRE(f.Total(Slot::kIncome) == 500);
  return f;
}

Operation Entry(const Fixture& f, BankEntryKind kind, int64_t euros, std::string ref = "FRAIS-11",
                std::string_view actor = "association") {
  return f.MakeOp(actor, BankEntry{kind, Amount(euros), std::move(ref)});
}

// Both books balance (recounted, not from the maintained totals) and the reserve covers the
// circulation.
void RequireBooksSound(Fixture& f) {
  REQUIRE(CheckTotals(f.state().NonZeroBalances(), f.state().totals()).ok());
  REQUIRE(f.Reserve() >= f.Circulation());
  REQUIRE(f.Total(Slot::kIssuance) == -f.Circulation());
}

TEST_CASE("a bank fee of 2.50 euros is paid from the association's income, not the fund",
          "[ledger][money][bank-entry]") {
  Fixture f = WithIncome();
  const int64_t fund = f.Total(Slot::kFund), outside = f.Total(Slot::kEuroExternal);
  const int64_t reserve = f.Reserve(), circulation = f.Circulation();
  REQUIRE_OK(f.Submit(Entry(f, BankEntryKind::kFee, 250)));
  CHECK(f.Total(Slot::kIncome) == 250);
  CHECK(f.Total(Slot::kEuroExternal) == outside + 250);  // the bank took it
  CHECK(f.Total(Slot::kFund) == fund);                   // the guarantee is untouched
  CHECK(f.Reserve() == reserve);
  CHECK(f.Circulation() == circulation);
  CHECK(f.state().FindAccount(Fixture::Id("association"))->sequence == 1);
  RequireBooksSound(f);

  // Exactly what is left is still payable; one cent more is not.
  REQUIRE_OK(f.Submit(Entry(f, BankEntryKind::kFee, 250, "FRAIS-12")));
  CHECK(f.Total(Slot::kIncome) == 0);
  RequireBooksSound(f);
}

TEST_CASE("bank interest of 1.20 euros is the association's income",
          "[ledger][money][bank-entry]") {
  Fixture f = WithIncome();
  const int64_t fund = f.Total(Slot::kFund), outside = f.Total(Slot::kEuroExternal);
  REQUIRE_OK(f.Submit(Entry(f, BankEntryKind::kInterest, 120, "INT-2026-11")));
  CHECK(f.Total(Slot::kIncome) == 620);
  CHECK(f.Total(Slot::kEuroExternal) == outside - 120);
  CHECK(f.Total(Slot::kFund) == fund);
  RequireBooksSound(f);
  // Interest is income like any other: it can pay a later fee.
  REQUIRE_OK(f.Submit(Entry(f, BankEntryKind::kFee, 620)));
  CHECK(f.Total(Slot::kIncome) == 0);
  RequireBooksSound(f);
}

TEST_CASE("a bank fee beyond the association's income is refused and changes nothing",
          "[ledger][money][bank-entry]") {
  Fixture f = WithIncome();
  const Hash digest = f.state().digest();
  Status s = f.Submit(Entry(f, BankEntryKind::kFee, 501));
  CHECK(s.code() == Code::kInsufficientFunds);
  CHECK(s.message() ==
        "the association's income holds 5.00 EUR and the bank fee is 5.01 EUR: the guarantee "
        "fund never pays fees, so record income first or ask the board to cover the fee");
  CHECK(f.state().digest() == digest);
  CHECK(f.state().FindAccount(Fixture::Id("association"))->sequence == 0);

  // With no income at all (a fund full of euros), a fee of one cent is refused too.
  Fixture empty({Member{"alice", AccountKind::kResident, 5'000}}, /*extra_fund=*/100'000);
  REQUIRE(empty.Total(Slot::kIncome) == 0);
  REQUIRE(empty.Total(Slot::kFund) == 105'000);
  CHECK(empty.Submit(Entry(empty, BankEntryKind::kFee, 1)).code() == Code::kInsufficientFunds);
  CHECK(empty.Total(Slot::kFund) == 105'000);
}

TEST_CASE("only a treasurer records bank fees and interest", "[ledger][money][bank-entry]") {
  Fixture f = WithIncome();
  const Hash digest = f.state().digest();
  for (std::string_view actor : {"office", "shop", "alice"}) {
    INFO(actor);
    CHECK(f.Submit(Entry(f, BankEntryKind::kFee, 100, "F", actor)).code() == Code::kNotPermitted);
    CHECK(f.Submit(Entry(f, BankEntryKind::kInterest, 100, "I", actor)).code() ==
          Code::kNotPermitted);
  }
  CHECK(f.state().digest() == digest);
  CHECK(MayPerform(RoleBit(Role::kTreasurer), OpType::kBankEntry));
  CHECK_FALSE(MayPerform(RoleBit(Role::kBoardMember) | RoleBit(Role::kAuditor) |
                             RoleBit(Role::kExchangeOffice) | RoleBit(Role::kMerchant),
                         OpType::kBankEntry));
}

TEST_CASE("a bank entry needs a known kind, an amount above zero and a short printable reference",
          "[ledger][money][bank-entry]") {
  Fixture f = WithIncome();
  const Hash digest = f.state().digest();
  CHECK(f.Submit(Entry(f, BankEntryKind::kFee, 0)).code() == Code::kAmountNotPositive);
  CHECK(f.Submit(Entry(f, BankEntryKind::kInterest, -5)).code() == Code::kAmountNotPositive);
  CHECK(f.Submit(Entry(f, static_cast<BankEntryKind>(0), 100)).code() == Code::kInvalidArgument);
  CHECK(f.Submit(Entry(f, static_cast<BankEntryKind>(3), 100)).code() == Code::kInvalidArgument);
  CHECK(f.Submit(Entry(f, BankEntryKind::kFee, 100, std::string(65, 'r'))).code() ==
        Code::kBadReference);
  // Bad UTF-8 reaches the reference check (the field is bytes on the wire), not a parse error.
  CHECK(f.Submit(Entry(f, BankEntryKind::kFee, 100, "FRAIS\xff")).code() == Code::kBadReference);
  CHECK(f.Submit(Entry(f, BankEntryKind::kFee, 100, "FRAIS\n")).code() == Code::kBadReference);
  CHECK(f.state().digest() == digest);
  // 64 bytes and an empty reference are fine.
  REQUIRE_OK(f.Submit(Entry(f, BankEntryKind::kFee, 100, std::string(64, 'r'))));
  REQUIRE_OK(f.Submit(Entry(f, BankEntryKind::kInterest, 100, "")));
}

TEST_CASE("a bank entry travels as OperationBody field 24 and decodes to what was signed",
          "[ledger][money][bank-entry][codec]") {
  Fixture f = WithIncome();
  for (BankEntryKind kind : {BankEntryKind::kFee, BankEntryKind::kInterest}) {
    const Operation op = Entry(f, kind, 1'234, "Réf. 42");
    CHECK(op.type() == OpType::kBankEntry);
    CHECK(static_cast<int>(op.type()) == 15);
    CHECK(OpTypeName(op.type()) == "bank-entry");
    const std::string body = codec::EncodeOperation(op);
    // Field 24, length-delimited: the tag is (24 << 3) | 2 = 194, a two-byte varint c2 01.
    CHECK(body.find("\xc2\x01") != std::string::npos);
    Operation back;
    REQUIRE(codec::DecodeOperation(body, &back).ok());
    const auto* b = std::get_if<BankEntry>(&back.payload);
    REQUIRE(b != nullptr);
    CHECK(b->kind == kind);
    CHECK(b->euros == Amount(1'234));
    CHECK(b->reference == "Réf. 42");
    CHECK(codec::EncodeOperation(back) == body);
  }
  // A kind this version does not know decodes to 0 and is refused by the preflight.
  Operation odd = Entry(f, BankEntryKind::kFee, 100);
  std::get<BankEntry>(odd.payload).kind = static_cast<BankEntryKind>(9);
  Operation back;
  REQUIRE(codec::DecodeOperation(codec::EncodeOperation(odd), &back).ok());
  CHECK(static_cast<int>(std::get<BankEntry>(back.payload).kind) == 0);
  CHECK(f.Submit(odd).code() == Code::kInvalidArgument);
}

TEST_CASE("fees and interest in any order keep the reserve invariant and both books balanced",
          "[ledger][money][bank-entry][property]") {
  const uint64_t seed = testing::PropertySeed();
  INFO("LIARD_TEST_SEED=" << seed);
  std::mt19937_64 rng(seed);
  Fixture f = WithIncome();
  const int64_t fund = f.Total(Slot::kFund);
  for (int i = 0; i < 300; ++i) {
    const bool fee = rng() % 2 == 0;
    const int64_t euros = 1 + static_cast<int64_t>(rng() % 400);
    const int64_t income = f.Total(Slot::kIncome);
    Status s = f.Submit(Entry(f, fee ? BankEntryKind::kFee : BankEntryKind::kInterest, euros, "P"));
    if (fee && euros > income) {
      CHECK(s.code() == Code::kInsufficientFunds);
      CHECK(f.Total(Slot::kIncome) == income);
    } else {
      REQUIRE(s.ok());
      CHECK(f.Total(Slot::kIncome) == income + (fee ? -euros : euros));
    }
    REQUIRE(f.Total(Slot::kIncome) >= 0);
    REQUIRE(f.Total(Slot::kFund) == fund);
    RequireBooksSound(f);
  }
}

}  // namespace
}  // namespace liard

// The treasury: the treasurer's records of the association's bank account — an office's cash
// deposited into the fund (Deposit), a merchant's claim paid out (Payout), a sponsor's money
// put into a programme's budget (FundProgramme), and what the bank itself did: a fee it took or
// interest it paid (BankEntry).
#include <string>

#include "ledger/money.h"
#include "ledger/ops/ops.h"
#include "ledger/text.h"

namespace liard::ops {
namespace {

Status CheckReference(std::string_view ref) {
  if (ref.size() > kMaxReferenceBytes || !IsPrintableUtf8(ref))
    return Status(Code::kBadReference, "a bank reference is at most 64 bytes of printable UTF-8");
  return Status::Ok();
}

}  // namespace

Status Preflight(const Operation&, const Deposit& d) {
  Status s = CheckPositive(d.euros, "euro amount");
  return s.ok() ? CheckReference(d.reference) : s;
}

Status Apply(OpContext& ctx, const Deposit& d) {
  const Account* office = nullptr;
  Status s = ctx.Counterparty(d.office, KindBit(AccountKind::kExchangeOffice), "exchange office",
                              &office, Standing::kAnyStatus);
  if (!s.ok()) return s;
  const BookKey cash{Slot::kOfficeCash, office->id};
  const int64_t held = ctx.state.Balance(cash);
  if (held < d.euros.minor())
    return Status(Code::kInsufficientFunds, "the office holds only " + FormatEuros(held) +
                                                " awaiting deposit, not " +
                                                FormatEuros(d.euros.minor()))
        .With("held_cents", held)
        .With("amount_cents", d.euros.minor());
  ctx.Post(cash, -d.euros.minor());
  ctx.Post(BookKey::System(Slot::kFund), d.euros.minor());
  return Status::Ok();
}

Status Preflight(const Operation&, const Payout& p) {
  Status s = CheckPositive(p.euros, "euro amount");
  return s.ok() ? CheckReference(p.reference) : s;
}

Status Apply(OpContext& ctx, const Payout& p) {
  const Account* merchant = nullptr;
  Status s = ctx.Counterparty(p.merchant, KindBit(AccountKind::kMerchant), "merchant", &merchant,
                              Standing::kAnyStatus);
  if (!s.ok()) return s;
  const BookKey owed{Slot::kOwedToMerchant, merchant->id};
  const int64_t due = ctx.state.Balance(owed);
  if (due < p.euros.minor())
    return Status(Code::kInsufficientFunds, "the merchant is owed only " + FormatEuros(due) +
                                                ", not " + FormatEuros(p.euros.minor()))
        .With("owed_cents", due)
        .With("amount_cents", p.euros.minor());
  ctx.Post(owed, -p.euros.minor());
  ctx.Post(BookKey::System(Slot::kEuroExternal), p.euros.minor());
  return Status::Ok();
}

Status Preflight(const Operation&, const FundProgramme& f) {
  if (!IsValidProgrammeName(f.programme))
    return Status(Code::kBadProgrammeName, "a programme name is 1 to 32 of a-z, 0-9 and '-'");
  Status s = CheckPositive(f.euros, "euro amount");
  return s.ok() ? CheckReference(f.reference) : s;
}

Status Apply(OpContext& ctx, const FundProgramme& f) {
  if (ctx.rules.FindProgramme(f.programme) == nullptr)
    return Status(Code::kUnknownProgramme, "no bonus programme is named '" + f.programme + "'");
  ctx.Post(BookKey{Slot::kSponsorBudget, ProgrammeId(f.programme)}, f.euros.minor());
  ctx.Post(BookKey::System(Slot::kEuroExternal), -f.euros.minor());
  return Status::Ok();
}

Status Preflight(const Operation&, const BankEntry& b) {
  if (b.kind != BankEntryKind::kFee && b.kind != BankEntryKind::kInterest)
    return Status(Code::kInvalidArgument,
                  "a bank entry is a fee (kind 1) or interest (kind 2); kind " +
                      std::to_string(static_cast<int>(b.kind)) + " is neither")
        .With("kind", static_cast<int64_t>(b.kind));
  Status s = CheckPositive(b.euros, "euro amount");
  return s.ok() ? CheckReference(b.reference) : s;
}

// A fee leaves the bank account: the association pays it from its income, and the guarantee
// fund, which backs the units, never pays it. Interest comes in as the association's income.
Status Apply(OpContext& ctx, const BankEntry& b) {
  const BookKey income = BookKey::System(Slot::kIncome);
  const BookKey outside = BookKey::System(Slot::kEuroExternal);
  if (b.kind == BankEntryKind::kInterest) {
    ctx.Post(outside, -b.euros.minor());
    ctx.Post(income, b.euros.minor());
    return Status::Ok();
  }
  const int64_t held = ctx.state.Balance(income);
  if (held < b.euros.minor())
    return Status(Code::kInsufficientFunds,
                  "the association's income holds " + FormatEuros(held) + " and the bank fee is " +
                      FormatEuros(b.euros.minor()) +
                      ": the guarantee fund never pays fees, so record income first or ask the "
                      "board to cover the fee")
        .With("income_cents", held)
        .With("fee_cents", b.euros.minor());
  ctx.Post(income, -b.euros.minor());
  ctx.Post(outside, b.euros.minor());
  return Status::Ok();
}

}  // namespace liard::ops

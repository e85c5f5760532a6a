// The helpers every operation family shares: see context.h.
#include "ledger/ops/context.h"

#include <string>

#include "ledger/operation.h"
#include "ledger/text.h"

namespace liard::ops {

Status OpContext::Payee(const Account* to) const {
  if (to == nullptr)
    return Status(Code::kUnknownDestination, "the account to be paid does not exist");
  if (to->status == AccountStatus::kFrozen)
    return Status(Code::kDestinationFrozen, "the account to be paid is frozen");
  if (to->status == AccountStatus::kClosed)
    return Status(Code::kDestinationClosed, "the account to be paid is closed");
  return Status::Ok();
}

Status OpContext::CheckPayer(int64_t total, PaymentShape shape) {
  if (actor.kind == AccountKind::kResident && actor.member_until_ms != 0 &&
      now_ms > actor.member_until_ms)
    return Status(Code::kMembershipExpired, "the membership ended; an exchange office can renew it")
        .With("until_ms", actor.member_until_ms);
  const KindLimits* limits = rules.LimitsFor(actor.kind);
  if (limits == nullptr) return Status::Ok();
  if (shape == PaymentShape::kSingle) {
    Status s = CheckMaxPayment(limits, total, units_format());
    if (!s.ok()) return s;
  }
  return ChargeDailyOutgoing(limits, state, actor.id, now_ms, zone(), total, units_format(), delta);
}

Status OpContext::Counterparty(const AccountId& id, uint32_t kinds, std::string_view role,
                               const Account** out, Standing standing) const {
  const Account* a = state.FindAccount(id);
  if (a == nullptr)
    return Status(Code::kUnknownDestination,
                  "the " + std::string(role) + " account does not exist");
  if (kinds != kAnyKind && (kinds & KindBit(a->kind)) == 0)
    return Status(Code::kWrongAccountKind, "the account named is a " +
                                               std::string(KindName(a->kind)) + ", not a " +
                                               std::string(role));
  // The board's reason is for the account's holder and its readers, not for the signer.
  const bool must_be_active = standing == Standing::kMustBeActive;
  if (must_be_active && a->status == AccountStatus::kFrozen)
    return Status(Code::kDestinationFrozen, "the " + std::string(role) + " account is frozen");
  if (must_be_active && a->status == AccountStatus::kClosed)
    return Status(Code::kDestinationClosed, "the " + std::string(role) + " account is closed");
  *out = a;
  return Status::Ok();
}

void OpContext::RecordFee(int64_t fee) {
  if (fee <= 0) return;
  Post(BookKey::System(Slot::kIncome), fee);
  Post(BookKey::System(Slot::kEuroExternal), -fee);
}

Status OpContext::CheckOfficeCash(int64_t euros) const {
  const int64_t ceiling = rules.conversion.office_cash_ceiling;
  if (!OfficeConversionsGuarded(genesis) || ceiling == 0) return Status::Ok();
  const int64_t held = state.Balance(BookKey{Slot::kOfficeCash, actor.id});
  if (euros > ceiling - held)
    return Status(Code::kOfficeCashCeiling,
                  "the office holds " + FormatEuros(held) + " not yet deposited; " +
                      FormatEuros(euros) + " more would pass the ceiling of " +
                      FormatEuros(ceiling) + ": the treasurer must record a deposit first")
        .With("held_cents", held)
        .With("amount_cents", euros)
        .With("ceiling_cents", ceiling);
  return Status::Ok();
}

Status OpContext::Target(const AccountId& id, Account* out) const {
  for (const auto& a : delta->accounts)
    if (a.id == id) {
      *out = a;
      return Status::Ok();
    }
  const Account* a = state.FindAccount(id);
  if (a == nullptr) return Status(Code::kUnknownDestination, "the account named does not exist");
  *out = *a;
  return Status::Ok();
}

void OpContext::Write(Account a) {
  for (auto& x : delta->accounts)
    if (x.id == a.id) {
      x = std::move(a);
      return;
    }
  delta->accounts.push_back(std::move(a));
}

Status CheckPositive(Amount a, std::string_view what) {
  if (!a.positive())
    return Status(Code::kAmountNotPositive, "the " + std::string(what) + " must be above zero");
  return Status::Ok();
}

Status CheckMemo(std::string_view memo) {
  if (memo.size() > kMaxMemoBytes)
    return Status(Code::kMemoTooLong, "the memo has " + std::to_string(memo.size()) +
                                          " bytes; at most " + std::to_string(kMaxMemoBytes))
        .With("bytes", static_cast<int64_t>(memo.size()))
        .With("max_bytes", static_cast<int64_t>(kMaxMemoBytes));
  if (!IsPrintableUtf8(memo))
    return Status(Code::kMemoNotText, "the memo is not valid UTF-8 text or has control characters");
  return Status::Ok();
}

}  // namespace liard::ops

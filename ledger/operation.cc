// Operations: type names, the signed message and the operation id.
#include "ledger/operation.h"

#include "ledger/genesis.h"

namespace liard {

std::string_view OpTypeName(OpType type) {
  switch (type) {
    case OpType::kTransfer:
      return "transfer";
    case OpType::kOpenAccount:
      return "open-account";
    case OpType::kConversion:
      return "conversion";
    case OpType::kNoteSale:
      return "note-sale";
    case OpType::kNoteRedemption:
      return "note-redemption";
    case OpType::kDeposit:
      return "deposit";
    case OpType::kReconversion:
      return "reconversion";
    case OpType::kPayout:
      return "payout";
    case OpType::kFundProgramme:
      return "fund-programme";
    case OpType::kMultiTransfer:
      return "multi-transfer";
    case OpType::kPropose:
      return "propose";
    case OpType::kApprove:
      return "approve";
    case OpType::kRenewMembership:
      return "renew-membership";
    case OpType::kWithdraw:
      return "withdraw";
    case OpType::kBankEntry:
      return "bank-entry";
    case OpType::kCancelRequest:
      return "cancel-request";
    case OpType::kRefund:
      return "refund";
    case OpType::kAddKey:
      return "add-key";
    case OpType::kRevokeKey:
      return "revoke-key";
    case OpType::kSetCard:
      return "set-card";
    case OpType::kCollect:
      return "collect";
    case OpType::kRevokeMandate:
      return "revoke-mandate";
    case OpType::kGrantAid:
      return "grant-aid";
    case OpType::kExpireAid:
      return "expire-aid";
    case OpType::kPlaceOrder:
      return "place-order";
    case OpType::kSetOrderState:
      return "set-order-state";
    case OpType::kExecuteOrder:
      return "execute-order";
    case OpType::kChooseAssociation:
      return "choose-association";
    case OpType::kApplyDemurrage:
      return "apply-demurrage";
  }
  return "unknown";
}

std::string_view DecisionName(const Decision& decision) {
  static constexpr std::string_view kNames[] = {"open-account",  "grant-role",   "revoke-role",
                                                "set-rules",     "freeze",       "unfreeze",
                                                "rekey",         "pause",        "resume",
                                                "set-threshold", "set-node-key", "set-node-keys"};
  static_assert(std::size(kNames) == std::variant_size_v<Decision>);
  return kNames[decision.index()];
}

OpType Operation::type() const {
  // The variant's alternatives are declared in OpType order, from 1.
  return static_cast<OpType>(payload.index() + 1);
}

std::string SigningMessage(const Hash& ledger_id, std::string_view body) {
  std::string m;
  m.reserve(kOperationDomain.size() + Hash::size() + body.size());
  m.append(kOperationDomain);
  m.append(ledger_id.view());
  m.append(body);
  return m;
}

Hash OperationId(const Hash& ledger_id, std::string_view body) {
  return Sha256({kOperationDomain, ledger_id.view(), body});
}

std::string RequestSigningMessage(const Hash& ledger_id, std::string_view body) {
  std::string m;
  m.reserve(kRequestDomain.size() + Hash::size() + body.size());
  m.append(kRequestDomain);
  m.append(ledger_id.view());
  m.append(body);
  return m;
}

Hash RequestId(const Hash& ledger_id, std::string_view body) {
  return Sha256({kRequestDomain, ledger_id.view(), body});
}

bool IsValidOrderSchedule(uint32_t schedule) { return schedule >= 1 && schedule <= 3; }

std::string_view OrderScheduleName(OrderSchedule schedule) {
  switch (schedule) {
    case OrderSchedule::kMonthly:
      return "monthly";
    case OrderSchedule::kWeekly:
      return "weekly";
    case OrderSchedule::kEveryDays:
      return "every-days";
  }
  return "unknown";
}

bool IsValidOrderAction(uint32_t action) { return action >= 1 && action <= 3; }

std::string_view OrderActionName(OrderAction action) {
  switch (action) {
    case OrderAction::kPause:
      return "pause";
    case OrderAction::kResume:
      return "resume";
    case OrderAction::kCancel:
      return "cancel";
  }
  return "unknown";
}

bool IsValidMandatePeriod(uint32_t period) { return period >= 1 && period <= 3; }

std::string_view MandatePeriodName(MandatePeriod period) {
  switch (period) {
    case MandatePeriod::kWeek:
      return "week";
    case MandatePeriod::kMonth:
      return "month";
    case MandatePeriod::kYear:
      return "year";
  }
  return "unknown";
}

std::string MandateSigningMessage(const Hash& ledger_id, std::string_view body) {
  std::string m;
  m.reserve(kMandateDomain.size() + Hash::size() + body.size());
  m.append(kMandateDomain);
  m.append(ledger_id.view());
  m.append(body);
  return m;
}

Hash MandateId(const Hash& ledger_id, std::string_view body) {
  return Sha256({kMandateDomain, ledger_id.view(), body});
}

}  // namespace liard

namespace liard {
// Operation::type() maps the variant index to OpType: keep both in the same order.
static_assert(std::is_same_v<std::variant_alternative_t<0, Payload>, Transfer>);
static_assert(std::is_same_v<std::variant_alternative_t<2, Payload>, Conversion>);
static_assert(std::is_same_v<
              std::variant_alternative_t<static_cast<size_t>(OpType::kMultiTransfer) - 1, Payload>,
              MultiTransfer>);
static_assert(
    std::is_same_v<std::variant_alternative_t<static_cast<size_t>(OpType::kSetCard) - 1, Payload>,
                   SetCard>);
static_assert(std::is_same_v<
              std::variant_alternative_t<static_cast<size_t>(OpType::kRevokeMandate) - 1, Payload>,
              RevokeMandate>);
static_assert(std::is_same_v<
              std::variant_alternative_t<static_cast<size_t>(OpType::kExecuteOrder) - 1, Payload>,
              ExecuteOrder>);
static_assert(
    std::is_same_v<std::variant_alternative_t<static_cast<size_t>(OpType::kExpireAid) - 1, Payload>,
                   ExpireAid>);
static_assert(
    std::is_same_v<
        std::variant_alternative_t<static_cast<size_t>(OpType::kChooseAssociation) - 1, Payload>,
        ChooseAssociation>);
static_assert(std::is_same_v<
              std::variant_alternative_t<static_cast<size_t>(OpType::kApplyDemurrage) - 1, Payload>,
              ApplyDemurrage>);
static_assert(
    std::is_same_v<
        std::variant_alternative_t<static_cast<size_t>(OpType::kRenewMembership) - 1, Payload>,
        RenewMembership>);
}  // namespace liard

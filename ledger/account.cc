// Names and sign rules of account kinds, statuses and book slots.
#include "ledger/account.h"

namespace liard {

bool IsValidKind(uint32_t kind) { return kind >= 1 && kind <= 5; }

std::string_view KindName(AccountKind kind) {
  switch (kind) {
    case AccountKind::kResident:
      return "resident";
    case AccountKind::kMerchant:
      return "merchant";
    case AccountKind::kExchangeOffice:
      return "exchange-office";
    case AccountKind::kMunicipality:
      return "municipality";
    case AccountKind::kAssociation:
      return "association";
  }
  return "unknown";
}

bool IsGrantableRole(uint32_t role) {
  return role == static_cast<uint32_t>(Role::kTreasurer) ||
         role == static_cast<uint32_t>(Role::kBoardMember) ||
         role == static_cast<uint32_t>(Role::kAuditor);
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kResident:
      return "resident";
    case Role::kMerchant:
      return "merchant";
    case Role::kExchangeOffice:
      return "exchange-office";
    case Role::kMunicipality:
      return "municipality";
    case Role::kTreasurer:
      return "treasurer";
    case Role::kBoardMember:
      return "board-member";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

std::string_view StatusName(AccountStatus status) {
  switch (status) {
    case AccountStatus::kActive:
      return "active";
    case AccountStatus::kFrozen:
      return "frozen";
    case AccountStatus::kClosed:
      return "closed";
  }
  return "unknown";
}

Book BookOf(Slot slot) {
  auto n = static_cast<uint8_t>(slot);
  return n < 16 ? Book::kUnits : n < 32 ? Book::kEuro : Book::kTally;
}

std::string_view SlotName(Slot slot) {
  switch (slot) {
    case Slot::kMember:
      return "member";
    case Slot::kIssuance:
      return "issuance";
    case Slot::kPaper:
      return "paper";
    case Slot::kEuroExternal:
      return "euro-external";
    case Slot::kFund:
      return "fund";
    case Slot::kOfficeCash:
      return "office-cash";
    case Slot::kSponsorBudget:
      return "sponsor-budget";
    case Slot::kIncome:
      return "income";
    case Slot::kOwedToMerchant:
      return "owed-to-merchant";
    case Slot::kBonusTally:
      return "bonus-tally";
    case Slot::kDailyOutTally:
      return "daily-out-tally";
  }
  return "unknown";
}

int RequiredSign(Slot slot) {
  switch (slot) {
    case Slot::kIssuance:
      return -1;
    case Slot::kEuroExternal:
      return 0;
    default:
      return +1;
  }
}

}  // namespace liard

// The permission table. Changing it changes who may move money: review with the board.
#include "ledger/permissions.h"

#include <array>

namespace liard {
namespace {

// Everyone who holds money pays: the auditor and board roles add no payments of their own
// (their holders pay through the kind of their account).
constexpr uint32_t kPayers = RoleBit(Role::kResident) | RoleBit(Role::kMerchant) |
                             RoleBit(Role::kExchangeOffice) | RoleBit(Role::kMunicipality) |
                             RoleBit(Role::kTreasurer);
constexpr uint32_t kOffice = RoleBit(Role::kExchangeOffice);
constexpr uint32_t kTreasurer = RoleBit(Role::kTreasurer);
constexpr uint32_t kBoard = RoleBit(Role::kBoardMember);

constexpr std::array kTable = {
    Permission{OpType::kTransfer, kPayers},
    Permission{OpType::kOpenAccount, kOffice | kTreasurer},
    Permission{OpType::kConversion, kOffice},
    Permission{OpType::kNoteSale, kOffice},
    Permission{OpType::kNoteRedemption, kOffice},
    Permission{OpType::kDeposit, kTreasurer},
    Permission{OpType::kReconversion, RoleBit(Role::kMerchant)},
    Permission{OpType::kPayout, kTreasurer},
    Permission{OpType::kFundProgramme, kTreasurer},
    Permission{OpType::kMultiTransfer, kPayers},
    Permission{OpType::kPropose, kBoard},
    Permission{OpType::kApprove, kBoard},
    Permission{OpType::kRenewMembership, kOffice | kTreasurer},
    Permission{OpType::kWithdraw, kBoard},
    Permission{OpType::kBankEntry, kTreasurer},
};
static_assert(kTable.size() == std::variant_size_v<Payload>, "every operation needs a row");

}  // namespace

std::span<const Permission> PermissionTable() { return kTable; }

bool MayPerform(uint32_t roles, OpType op) {
  for (const auto& row : kTable)
    if (row.op == op) return (row.roles & roles) != 0;
  return false;
}

bool MayOpen(uint32_t roles, AccountKind target) {
  // An office or the treasurer registers residents at the desk; the rest is the board's.
  return (roles & (kOffice | kTreasurer)) != 0 && target == AccountKind::kResident;
}

}  // namespace liard

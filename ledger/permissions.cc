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
// Who is paid for goods and services, and may refund: merchants, municipalities, the
// association (its account holds the treasurer role).
constexpr uint32_t kSellers = RoleBit(Role::kMerchant) | RoleBit(Role::kMunicipality) | kTreasurer;
// Who converts euros and so may choose the association that gets a share of it.
constexpr uint32_t kConverters =
    RoleBit(Role::kResident) | RoleBit(Role::kMerchant) | RoleBit(Role::kMunicipality);
// Who has a counter, staff and a public card: the sellers and the exchange offices.
constexpr uint32_t kShops = kSellers | kOffice;

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
    Permission{OpType::kCancelRequest, kPayers},
    Permission{OpType::kRefund, kSellers},
    Permission{OpType::kAddKey, kShops},
    Permission{OpType::kRevokeKey, kShops},
    Permission{OpType::kSetCard, kShops},
    Permission{OpType::kCollect, kSellers},
    Permission{OpType::kRevokeMandate, kPayers},
    // Earmarked aid: the funders, a municipality or the association (its treasurer role).
    Permission{OpType::kGrantAid, RoleBit(Role::kMunicipality) | kTreasurer},
    Permission{OpType::kExpireAid, RoleBit(Role::kMunicipality) | kTreasurer},
    Permission{OpType::kPlaceOrder, kPayers},
    Permission{OpType::kSetOrderState, kPayers},
    // Signed by the node key for the order's payer: the ledger's driver checks it apart.
    Permission{OpType::kExecuteOrder, 0},
    Permission{OpType::kChooseAssociation, kConverters},
    Permission{OpType::kApplyDemurrage, kTreasurer},
};
static_assert(kTable.size() == std::variant_size_v<Payload>, "every operation needs a row");

}  // namespace

std::span<const Permission> PermissionTable() { return kTable; }

bool MayPerform(uint32_t roles, OpType op) {
  for (const auto& row : kTable)
    if (row.op == op) return (row.roles & roles) != 0;
  return false;
}

bool StaffMayPerform(KeyScope scope, OpType op) {
  switch (op) {
    case OpType::kCancelRequest:
      return true;
    case OpType::kRefund:
      return scope == KeyScope::kRefund || scope == KeyScope::kFull;
    // Keys are the owner's to manage; board votes are the person's.
    case OpType::kAddKey:
    case OpType::kRevokeKey:
    case OpType::kPropose:
    case OpType::kApprove:
    case OpType::kWithdraw:
    // The node signs executions.
    case OpType::kExecuteOrder:
      return false;
    default:
      return scope == KeyScope::kFull;
  }
}

bool MayOpen(uint32_t roles, AccountKind target) {
  // An office or the treasurer registers residents at the desk; the rest is the board's.
  return (roles & (kOffice | kTreasurer)) != 0 && target == AccountKind::kResident;
}

}  // namespace liard

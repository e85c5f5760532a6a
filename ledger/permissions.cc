// The permission table. Changing it changes who may move money: review with the board.
#include "ledger/permissions.h"

#include <array>

namespace liard {
namespace {

constexpr uint32_t kMembers = KindBit(AccountKind::kResident) | KindBit(AccountKind::kMerchant) |
                              KindBit(AccountKind::kExchangeOffice) |
                              KindBit(AccountKind::kMunicipality) |
                              KindBit(AccountKind::kAssociation);

constexpr std::array kTable = {
    Permission{OpType::kTransfer, kMembers},
    Permission{OpType::kOpenAccount,
               KindBit(AccountKind::kExchangeOffice) | KindBit(AccountKind::kAssociation)},
    Permission{OpType::kConversion, KindBit(AccountKind::kExchangeOffice)},
    Permission{OpType::kNoteSale, KindBit(AccountKind::kExchangeOffice)},
    Permission{OpType::kNoteRedemption, KindBit(AccountKind::kExchangeOffice)},
    Permission{OpType::kDeposit, KindBit(AccountKind::kAssociation)},
    Permission{OpType::kReconversion, KindBit(AccountKind::kMerchant)},
    Permission{OpType::kPayout, KindBit(AccountKind::kAssociation)},
    Permission{OpType::kFundProgramme, KindBit(AccountKind::kAssociation)},
    Permission{OpType::kMultiTransfer, kMembers},
};
static_assert(kTable.size() == std::variant_size_v<Payload>, "every operation needs a row");

}  // namespace

std::span<const Permission> PermissionTable() { return kTable; }

bool MayPerform(AccountKind actor, OpType op) {
  for (const auto& row : kTable)
    if (row.op == op) return (row.actor_kinds & KindBit(actor)) != 0;
  return false;
}

bool MayOpen(AccountKind actor, AccountKind target) {
  // An office registers residents at its desk; other kinds are the association's decision.
  if (actor == AccountKind::kAssociation) return true;
  return actor == AccountKind::kExchangeOffice && target == AccountKind::kResident;
}

}  // namespace liard

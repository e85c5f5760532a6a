// Permissions: the one table of which kind of account may perform which operation.
#ifndef LIARD_LEDGER_PERMISSIONS_H_
#define LIARD_LEDGER_PERMISSIONS_H_

#include <span>

#include "ledger/account.h"
#include "ledger/operation.h"

namespace liard {

struct Permission {
  OpType op;
  uint32_t actor_kinds;  // bit (1 << kind) set for every kind allowed to sign it
};

// The table, in OpType order. docs/protocol.md shows the same table; a test compares them.
std::span<const Permission> PermissionTable();

bool MayPerform(AccountKind actor, OpType op);
// Which kinds of account an actor may open with OpenAccount.
bool MayOpen(AccountKind actor, AccountKind target);

}  // namespace liard

#endif  // LIARD_LEDGER_PERMISSIONS_H_

// Permissions: the one table of which role may perform which operation.
#ifndef LIARD_LEDGER_PERMISSIONS_H_
#define LIARD_LEDGER_PERMISSIONS_H_

#include <span>

#include "ledger/account.h"
#include "ledger/operation.h"

namespace liard {

struct Permission {
  OpType op;
  uint32_t roles;  // RoleBit set for every role allowed to sign it
};

// The table, in OpType order. docs/protocol.md shows the same table; a test compares them.
// An actor's roles are RolesOf(account, governance): its kind's, the granted ones, the board.
std::span<const Permission> PermissionTable();

// True if any of `roles` (a RoleBit mask) may perform `op`.
bool MayPerform(uint32_t roles, OpType op);
// What a staff key of `scope` may sign, besides what the account's roles allow (MayPerform
// applies too): receive: cancel requests (and make them, off the ledger); refund: and refund;
// full: everything but managing keys and board votes. docs/protocol.md shows the table.
bool StaffMayPerform(KeyScope scope, OpType op);
// Which kinds of account an OpenAccount signed by an actor may open: residents only. Other
// kinds are opened by a board decision.
bool MayOpen(uint32_t roles, AccountKind target);

}  // namespace liard

#endif  // LIARD_LEDGER_PERMISSIONS_H_

// Redaction: what an account reading its own history sees of another account's multi-leg
// payment (its own legs only), so that one payee never learns who else was paid, nor how much.
#ifndef LIARD_NODE_REDACT_H_
#define LIARD_NODE_REDACT_H_

#include "ledger/account.h"
#include "ledger/state.h"
#include "liard/v1/node.pb.h"

namespace liard::node {

// Whether `reader` sees every entry whole: a treasurer or an auditor reads the whole journal
// anyway. Anyone else reads its own history, redacted by RedactFor.
bool ReadsWholeEntries(const StateView& state, const AccountId& reader);

// Rewrites `receipt` to what `reader`, reading its own history without the treasurer or auditor
// role, may see of it. Unchanged unless it is a multi-leg payment signed by another account
// that pays someone besides `reader`; then `operation_id`, `operation` and `envelope` are
// cleared (the operation id would fetch the whole receipt from GetOperation), `postings` keeps
// only those of `reader`, and `redacted` names the payer, the number of legs and `reader`'s own
// legs. The same for earmarked aid given or taken back by another account: `redacted` then
// carries the aid (its terms and `reader`'s own recipient lines only) or the expiry run (with
// `reader` alone among its holders), and `postings` keeps `reader`'s earmarked account's too.
// Sequence, time, previous and entry hash stay: the entry's place in the chain.
// Returns true if it redacted. Thread-compatible.
bool RedactFor(const AccountId& reader, liard::v1::Receipt* receipt);

}  // namespace liard::node

#endif  // LIARD_NODE_REDACT_H_

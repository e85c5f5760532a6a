// Startup: the checks a data directory passes before the node serves it (docs/operator.md,
// "What start-up does", steps 2 to 4), in one place, so that `liard-node run` and `liard-node
// restore` (node/backup.h) trust a ledger for the same reasons.
#ifndef LIARD_NODE_STARTUP_H_
#define LIARD_NODE_STARTUP_H_

#include <memory>
#include <string>

#include "ledger/genesis.h"
#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/status.h"
#include "node/store.h"

namespace liard::node {

struct OpenedLedger {
  std::unique_ptr<Store> store;
  std::string genesis_bytes;
  Genesis genesis;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<MemoryState> state;  // loaded and checked (state digest, totals)
  HeadState head;
};

// Opens the store in `data` (its write-ahead log and head anchor checked), reads the genesis and
// checks that it hashes to the stored ledger id, and loads the state with its digest, totals and
// recent journal checked (Store::Load). Errors name the directory and what to do; kNotFound
// when `data` holds no ledger.
[[nodiscard]] Status OpenLedgerDir(const std::string& data, OpenedLedger* out);

}  // namespace liard::node

#endif  // LIARD_NODE_STARTUP_H_

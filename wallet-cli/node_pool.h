// NodePool: the addresses a wallet knows for one ledger (--node "A,B,C": a primary and its
// standbys, docs/wallet.md "Several nodes"), and where a write refused by a standby goes next.
#ifndef LIARD_WALLET_CLI_NODE_POOL_H_
#define LIARD_WALLET_CLI_NODE_POOL_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "wallet-cli/cli_status.h"

namespace liard::wallet {

// At most this many addresses in one --node.
inline constexpr size_t kMaxNodes = 8;
// How long a write waits for a primary when no listed node takes it (a failover takes the
// leader lease's TTL and a few seconds: docs/operator.md, "Failover").
inline constexpr std::chrono::milliseconds kFailoverWait{30'000};

// Splits "HOST:PORT,HOST:PORT" (spaces around the commas allowed) into addresses, each checked
// by ValidateTarget, a repeat dropped; a usage error for an empty list, a bad address or more
// than kMaxNodes.
[[nodiscard]] CliStatus ParseNodeList(std::string_view text, std::vector<std::string>* out);

// Where to send a write that the node at `refused_by` would not take, in order: the primary it
// named (`hint`, from its liard-primary trailer; empty if none), then the other listed
// addresses, `refused_by` and `tried` left out. Bounded by the list: no loop.
std::vector<std::string> WriteCandidates(const std::vector<std::string>& listed,
                                         const std::string& refused_by, const std::string& hint,
                                         const std::vector<std::string>& tried);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_NODE_POOL_H_

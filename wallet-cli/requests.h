// Payment requests the ledger pays at most once (commands_request.cc): what `pay` checks of a
// signed request before asking the payer.
#ifndef LIARD_WALLET_CLI_REQUESTS_H_
#define LIARD_WALLET_CLI_REQUESTS_H_

#include <CLI/CLI.hpp>

#include "ledger/operation.h"
#include "wallet-cli/cli_status.h"
#include "wallet-cli/session.h"

namespace liard::wallet {

struct Context;
// `request`, `request new|show|cancel|list` (commands_request.cc).
void RegisterRequestCommands(CLI::App& app, Context& ctx);

// Refused (exit 1) with a sentence when the request was paid, cancelled or has expired (the
// node's GetRequest, and the wallet's clock for the expiry); ok when it can be paid.
[[nodiscard]] CliStatus CheckRequestOpen(Session& session, const liard::SignedRequest& request);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_REQUESTS_H_

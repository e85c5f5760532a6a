// Earmarked aid in the wallet: what `liard balance` and `account show` say of it.
#ifndef LIARD_WALLET_CLI_COMMANDS_AID_H_
#define LIARD_WALLET_CLI_COMMANDS_AID_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wallet-cli/session.h"

namespace liard::wallet {

// The rows of an account's earmarked parts, after its (ordinary) balance: one per aid held, and
// the total when it holds any. Nothing when it holds none.
std::vector<std::vector<std::string>> AidRows(Session& session, const pb::AccountInfo& a);
// The same for --json: an array, empty when none.
nlohmann::ordered_json AidJson(Session& session, const pb::AccountInfo& a);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_COMMANDS_AID_H_

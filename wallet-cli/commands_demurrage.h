// Demurrage in the wallet: the rule in words, and what a holder would lose at the next month's
// end (a row of `liard balance`, a field of its --json). Commands: commands_demurrage.cc.
#ifndef LIARD_WALLET_CLI_COMMANDS_DEMURRAGE_H_
#define LIARD_WALLET_CLI_COMMANDS_DEMURRAGE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ledger/civil_time.h"
#include "ledger/rules.h"
#include "liard/v1/node.pb.h"
#include "wallet-cli/format.h"
#include "wallet-cli/session.h"

namespace liard::wallet {

namespace pb = ::liard::v1;

// What a balance would lose at the next month's end charged, at today's balance.
struct DemurrageForecast {
  uint32_t month = 0;       // YYYYMM
  int64_t last_day_ms = 0;  // the month's last instant, to show its date
  int64_t charge = 0;       // minor units
};
// Pure: nullopt when the rules charge none.
std::optional<DemurrageForecast> ForecastDemurrage(const Rules& rules, const TimeZone& zone,
                                                   int64_t balance, int64_t now_ms);

// "demurrage on 31/12/2026 | 4,10 ROUE" (in French "fonte au 31/12/2026"); none when off.
std::vector<std::vector<std::string>> DemurrageRows(Session& session, const pb::AccountInfo& a);
// The same for --json: {"month", "last_day", "charge", ...}, or null when off.
nlohmann::ordered_json DemurrageJson(Session& session, const pb::AccountInfo& a);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_COMMANDS_DEMURRAGE_H_

// The `liard` command line: CLI11 wiring of every subcommand to its implementation.
#ifndef LIARD_WALLET_CLI_APP_H_
#define LIARD_WALLET_CLI_APP_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "wallet-cli/cli_status.h"
#include "wallet-cli/session.h"

namespace liard::wallet {

// What the parser fills and which subcommand runs.
struct Context {
  GlobalOptions global;
  std::vector<std::pair<CLI::App*, std::function<CliStatus(Session&)>>> actions;

  void On(CLI::App* sub, std::function<CliStatus(Session&)> run) {
    actions.emplace_back(sub, std::move(run));
  }
};

// Each registers its subcommands on `app` (commands_*.cc).
void RegisterKeyCommands(CLI::App& app, Context& ctx);
void RegisterMemberCommands(CLI::App& app, Context& ctx);
void RegisterMoneyCommands(CLI::App& app, Context& ctx);
void RegisterBatchCommands(CLI::App& app, Context& ctx);
void RegisterBoardCommands(CLI::App& app, Context& ctx);
void RegisterAuditCommands(CLI::App& app, Context& ctx);
void RegisterStatementCommands(CLI::App& app, Context& ctx);
void RegisterStaffCommands(CLI::App& app, Context& ctx);

// The selected key's account as the node knows it (a private read, signed by the key): refused
// (exit 1) when the ledger has no such account. A staff key reads its shop's.
[[nodiscard]] CliStatus MyAccount(Session& session, KeyFile* key, pb::AccountInfo* info);
// The rules in force: the genesis's, or the board's latest SetRules as the node reports them
// (commands_money.cc).
Rules RulesInForce(Session& session);
void RegisterShareCommands(CLI::App& app, Context& ctx);
void RegisterRefundCommands(CLI::App& app, Context& ctx);
void RegisterCardCommands(CLI::App& app, Context& ctx);
void RegisterMandateCommands(CLI::App& app, Context& ctx);
void RegisterAidCommands(CLI::App& app, Context& ctx);
void RegisterOrderCommands(CLI::App& app, Context& ctx);
void RegisterDemurrageCommands(CLI::App& app, Context& ctx);

// After a refusal (exit 1): when the selected key is not the key its account signs with now, or
// is a key the wallet does not know the account of while another local key's account was
// re-keyed to it, the sentence that says so and what to do next, as commands that work as
// printed (`args`: the command line without the program's name, run again with the right
// --key). Any other refusal comes back unchanged.
[[nodiscard]] CliStatus ExplainKeyMismatch(Session& session, CliStatus refusal,
                                           const std::vector<std::string>& args);

// Parses and runs; returns the process exit code (docs/wallet.md). Errors go to stderr as
// "liard: SENTENCE".
int Run(int argc, char** argv);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_APP_H_

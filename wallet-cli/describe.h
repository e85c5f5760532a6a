// What an applied operation meant for one account (history, watch) or for its signer (previews
// and results): the units that moved, the other party, the memo, and a one-line summary.
#ifndef LIARD_WALLET_CLI_DESCRIBE_H_
#define LIARD_WALLET_CLI_DESCRIBE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/genesis.h"
#include "ledger/operation.h"
#include "liard/v1/node.pb.h"
#include "wallet-cli/cli_status.h"
#include "wallet-cli/format.h"

namespace liard::wallet {

namespace pb = ::liard::v1;

struct Movement {
  Operation op;       // the decoded body
  int64_t units = 0;  // the account's member balance change, signed
  int64_t euros = 0;  // its euro claims' change (office cash, owed), signed
  int64_t aid = 0;    // its earmarked aid's change, signed (not in `units`)
  bool has_counterparty = false;
  AccountId counterparty;
  std::string memo;
  std::string detail;  // for what is not a plain payment: "conversion of 10.00 EUR"
};

// Decodes the receipt's body and reads its postings from `me`'s point of view. A local error
// if the body does not decode (the node sent something it should not have). A redacted receipt
// (a payee's part of another account's multi-leg payment) gives `op` with the payer as account,
// no sequence, and `me`'s legs only; `detail` says how many accounts the payment paid.
[[nodiscard]] CliStatus DescribeFor(const pb::Receipt& receipt, const AccountId& me,
                                    const Money& money, Movement* out);

// Sums of the postings by slot (and for one owner if `owner` is given).
int64_t SumPostings(const google::protobuf::RepeatedPtrField<pb::Posting>& postings, Slot slot,
                    const AccountId* owner = nullptr);

// A board decision in words, for previews and `board list`: "freeze Alice Martin (roue1q…):
// « phone stolen »", "grant the auditor role to …", "set the rules: …".
using NameFn = std::function<std::string(const AccountId&)>;
std::string DescribeDecision(const Decision& decision, const NameFn& name_of, const Money& money);
// The rules in a line: backing, conversion bounds, reconversion fee, limits, programmes.
std::string DescribeRules(const Rules& rules, const Money& money);
// What the wallet needs to word a history row or a watch line.
struct Wording {
  NameFn name_of;
  // The decision of proposal `id` (read from its Propose operation), or nullopt.
  std::function<std::optional<Decision>(const Hash& id)> decision_of;
  // A command that runs as printed, with this run's flags (Session::Command).
  std::function<std::string(std::string_view rest)> command;
};
// What an entry of `me`'s history did, in a phrase of the user's language for the row's last
// column: "reconversion of 30,00 ROUE; 28,50 € owed to you, paid by bank transfer", "board
// decision: grant the auditor role to …", "20 payments in one batch; their lines: liard --key
// mairie batch show ID". Empty for a plain payment (its row says it all).
std::string WhatHappened(const pb::Receipt& receipt, const Movement& m, const AccountId& me,
                         const Money& money, const Wording& wording);

// A role as typed on the command line and shown: "treasurer", "board-member", "auditor".
std::string RoleWord(uint32_t role);

// The summary of a money operation from its postings (a Simulate preview or a receipt), with
// names resolved by `name_of`: "converted 10,00 EUR into 12,00 ROUE for Alice Martin (…)
// (bonus 2,00 ROUE from programme 'agglo-2026')".
template <typename NameOf>
std::string Summarize(const Operation& op,
                      const google::protobuf::RepeatedPtrField<pb::Posting>& postings,
                      const Genesis& genesis, const Money& money, NameOf name_of);

}  // namespace liard::wallet

#include "wallet-cli/describe_inl.h"

#endif  // LIARD_WALLET_CLI_DESCRIBE_H_

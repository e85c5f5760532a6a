// What an applied operation meant for one account (history, watch) or for its signer (previews
// and results): the units that moved, the other party, the memo, and a one-line summary.
#ifndef LIARD_WALLET_CLI_DESCRIBE_H_
#define LIARD_WALLET_CLI_DESCRIBE_H_

#include <cstdint>
#include <string>
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
  bool has_counterparty = false;
  AccountId counterparty;
  std::string memo;
  std::string detail;  // for what is not a plain payment: "conversion of 10.00 EUR"
};

// Decodes the receipt's body and reads its postings from `me`'s point of view. A local error
// if the body does not decode (the node sent something it should not have).
[[nodiscard]] CliStatus DescribeFor(const pb::Receipt& receipt, const AccountId& me,
                                    const Money& money, Movement* out);

// Sums of the postings by slot (and for one owner if `owner` is given).
int64_t SumPostings(const google::protobuf::RepeatedPtrField<pb::Posting>& postings, Slot slot,
                    const AccountId* owner = nullptr);

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

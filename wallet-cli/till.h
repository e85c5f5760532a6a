// The till summary of one day (`liard till summary`): payments received, refunds, net, and the
// same by the key that took them (payments on requests by the request's signer, refunds by the
// key that signed them).
#ifndef LIARD_WALLET_CLI_TILL_H_
#define LIARD_WALLET_CLI_TILL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/account.h"
#include "liard/v1/node.pb.h"
#include "wallet-cli/cli_status.h"

namespace liard::wallet {

namespace pb = ::liard::v1;

struct TillLine {
  std::string key;  // 32 bytes: the signer; empty for payments that paid no request
  int64_t payments = 0, received = 0;  // count, minor units
  int64_t refunds = 0, refunded = 0;   // count, minor units
};

struct TillSummary {
  int64_t from_ms = 0, to_ms = 0;  // the day: [from_ms, to_ms)
  int64_t payments = 0, received = 0, refunds = 0, refunded = 0;
  std::vector<TillLine> by_key;  // in the order the keys first took something that day
  int64_t net() const { return received - refunded; }
};

// Adds what receipt `r` of account `me`'s history did at the till, if it is of the day: a
// payment to `me` (a transfer from another account, or `me`'s legs of a multi-leg payment) or a
// refund `me` made. Anything else is left out. Receipts may come in any order. A local error if
// the receipt's body does not decode.
[[nodiscard]] CliStatus AddToTill(const pb::Receipt& r, const AccountId& me, TillSummary* till);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_TILL_H_

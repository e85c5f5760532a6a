// Private reads: who may read an account's balance and history, proven by a short-lived
// request signed for one call.
#ifndef LIARD_LEDGER_READ_AUTH_H_
#define LIARD_LEDGER_READ_AUTH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/crypto.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard {

inline constexpr std::string_view kReadDomain{"liard/v1/read\0", 14};
// How far ahead a read request may be valid: long enough for a slow link, short enough that a
// leaked request is soon useless.
inline constexpr int64_t kMaxReadLifetimeMs = 5 * 60 * 1000;

// A read request, decoded from the exact bytes signed (liard.v1.ReadRequestBody).
struct ReadRequest {
  Hash ledger_id;
  AccountId reader;
  std::string method;  // the RPC it is bound to: "GetAccount", "GetHistory", ...
  AccountId target;    // the account read; zero for the whole journal
  int64_t not_after_ms = 0;
};

// kReadDomain || ledger id || body: the bytes the reader signs.
std::string ReadSigningMessage(const Hash& ledger_id, std::string_view body);

// Decides a private read: `request` was decoded from `body`, signed with `signature` by `key`.
// Granted when the ledger id, the method and the target match the call, the request is valid
// now and not more than kMaxReadLifetimeMs ahead, the signature verifies, `key` is the reader's
// current key, and the reader is the target itself (when `target` is not null) or holds the
// treasurer or auditor role. Otherwise kReadRefused with the reason.
[[nodiscard]] Status AuthorizeRead(const StateView& state, const Hash& ledger_id,
                                   const ReadRequest& request, std::string_view body,
                                   const PublicKey& key, const Signature& signature,
                                   std::string_view method, const AccountId* target,
                                   int64_t now_ms);

}  // namespace liard

#endif  // LIARD_LEDGER_READ_AUTH_H_

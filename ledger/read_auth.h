// Private reads: who may read an account's balance and history, proven by a short-lived
// request signed for one call.
#ifndef LIARD_LEDGER_READ_AUTH_H_
#define LIARD_LEDGER_READ_AUTH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/crypto.h"
#include "ledger/domains.h"
#include "ledger/operation.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard {

// kReadDomain and kSimulateDomain (the previewed body and key, bound into the read) are in
// ledger/domains.h.
// How far ahead a read request may be valid: long enough for a slow link, short enough that a
// leaked request is soon useless.
inline constexpr int64_t kMaxReadLifetimeMs = 5 * 60 * 1000;
// A read request's nonce: enough random bytes that two never meet.
inline constexpr size_t kMinReadNonce = 16;
inline constexpr size_t kMaxReadNonce = 32;

// A read request, decoded from the exact bytes signed (liard.v1.ReadRequestBody).
struct ReadRequest {
  Hash ledger_id;
  AccountId reader;
  std::string method;  // the RPC it is bound to: "GetAccount", "GetHistory", ...
  AccountId target;    // the account read; zero for the whole journal
  int64_t not_after_ms = 0;
  // The call's parameters, signed: each must equal the call's (absent: the default).
  uint64_t from_sequence = 0;
  bool follow = false;
  uint64_t before_sequence = 0;
  uint32_t limit = 0;
  std::string request_digest;  // empty, or 32 bytes (Simulate: SimulateDigest; GetOrder: the
                               // order id)
  std::string nonce;           // kMinReadNonce to kMaxReadNonce bytes; empty if absent
};

// One private read call as the node received it: what its request must have been signed for.
// A parameter the method does not have stays at its default.
struct ReadCall {
  std::string_view method;
  const AccountId* target = nullptr;  // nullptr: the whole journal (StreamJournal)
  uint64_t from_sequence = 0;         // Watch, StreamJournal
  bool follow = false;                // StreamJournal
  uint64_t before_sequence = 0;       // GetHistory, ListOrders
  uint32_t limit = 0;                 // GetHistory, ListOrders, GetOrder's events; as sent
  std::string request_digest;         // Simulate: SimulateDigest(public_key, body); GetOrder:
                                      // the order id
  // Simulate: the key that would sign the previewed operation, and its type. A staff key may
  // preview only what it may sign itself.
  const PublicKey* simulate_key = nullptr;
  OpType simulate_type = OpType::kTransfer;
};

// SHA-256(kSimulateDomain || public_key || body): binds a Simulate read to the previewed body
// and the key that would sign it.
Hash SimulateDigest(std::string_view public_key, std::string_view body);

// The request a reader signs for `call`: its parameters copied, valid until `not_after_ms`,
// single-use by `nonce`.
ReadRequest ReadRequestFor(const Hash& ledger_id, const AccountId& reader, const ReadCall& call,
                           int64_t not_after_ms, std::string nonce);

// kReadDomain || ledger id || body: the bytes the reader signs.
std::string ReadSigningMessage(const Hash& ledger_id, std::string_view body);

// Decides a private read: `request` was decoded from `body`, signed with `signature` by `key`.
// Granted when the ledger id, the method, the target and every parameter of `call` match the
// request (a mismatch names the parameter), the request carries a nonce of kMinReadNonce to
// kMaxReadNonce bytes, is valid now and not more than kMaxReadLifetimeMs ahead, the signature
// verifies, `key` is the reader's current key, and the reader is the target itself (when
// `call.target` is not null) or holds the treasurer or auditor role. An active staff key of the
// reader reads the reader's own account only (and previews with Simulate only what that key may
// sign); a revoked one reads nothing. Otherwise kReadRefused with
// the reason. Whether the nonce was used before is the caller's to decide (it keeps the set).
[[nodiscard]] Status AuthorizeRead(const StateView& state, const Hash& ledger_id,
                                   const ReadRequest& request, std::string_view body,
                                   const PublicKey& key, const Signature& signature,
                                   const ReadCall& call, int64_t now_ms);

}  // namespace liard

#endif  // LIARD_LEDGER_READ_AUTH_H_

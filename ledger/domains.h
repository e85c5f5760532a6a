// Domains: every domain-separation prefix of liard, in one place (as rippled's HashPrefix.h).
//
// THESE BYTES ARE PROTOCOL. Each is hashed or signed in front of a message, so that a hash or a
// signature made for one purpose never fits another: the ledger id, every operation's signature,
// every journal entry's hash, every checkpoint and every state digest depend on them. Changing a
// single byte makes every existing ledger unreadable: never edit one; add a new domain (a new
// version) instead. tests/ledger/domains_test.cc pins each one's bytes.
#ifndef LIARD_LEDGER_DOMAINS_H_
#define LIARD_LEDGER_DOMAINS_H_

#include <cstddef>
#include <string_view>

namespace liard {

// A domain from a string literal, its terminating NUL included: "liard/v1/entry" gives the 15
// bytes "liard/v1/entry\0". The NUL ends the prefix, so no domain is a prefix of another's
// message. No length is counted by hand.
template <size_t N>
constexpr std::string_view Domain(const char (&literal)[N]) {
  return std::string_view(literal, N);
}

// The same literal without its NUL: for the few constants that are not NUL-terminated.
template <size_t N>
constexpr std::string_view Tag(const char (&literal)[N]) {
  return std::string_view(literal, N - 1);
}

// The ledger id: SHA-256(kGenesisDomain || genesis bytes).
inline constexpr std::string_view kGenesisDomain = Domain("liard/v1/genesis");
// What an account signs: kOperationDomain || ledger id || body.
inline constexpr std::string_view kOperationDomain = Domain("liard/v1/operation");
// A journal entry's hash: SHA-256(kEntryDomain || ...), ledger/journal.h.
inline constexpr std::string_view kEntryDomain = Domain("liard/v1/entry");
// A termed journal entry's hash (genesis version 7 on): SHA-256(kTermedEntryDomain || ...).
inline constexpr std::string_view kTermedEntryDomain = Domain("liard/v1/termed-entry");
// What the node's key signs for a checkpoint, ledger/journal.h.
inline constexpr std::string_view kCheckpointDomain = Domain("liard/v1/checkpoint");
// The hash of each state record (accounts 'A', balances 'B', governance 'G').
inline constexpr std::string_view kStateDomain = Domain("liard/v1/state");
// What a reader signs to read an account's history, ledger/read_auth.h.
inline constexpr std::string_view kReadDomain = Domain("liard/v1/read");
// Binds a Simulate read to the previewed body, ledger/read_auth.h.
inline constexpr std::string_view kSimulateDomain = Domain("liard/v1/simulate");
// Seals a saved replay (an auditor's resumable snapshot), ledger/replay.cc.
inline constexpr std::string_view kReplaySnapshotDomain = Domain("liard/v1/replay-snapshot");
// A programme's id: SHA-256(kProgrammeDomain || name), ledger/money.h.
inline constexpr std::string_view kProgrammeDomain = Domain("liard/v1/programme");
// The owner of a bonus tally account, ledger/money.h.
inline constexpr std::string_view kTallyDomain = Domain("liard/v1/tally");
// The owner of a daily outgoing tally account, ledger/money.h.
inline constexpr std::string_view kDailyDomain = Domain("liard/v1/daily");
// What a payee signs for a payment request: kRequestDomain || ledger id || body; its id is
// SHA-256 of that message (ledger/operation.h).
inline constexpr std::string_view kRequestDomain = Domain("liard/v1/request");
// The owner of a payment's refundable tally account, ledger/money.h.
inline constexpr std::string_view kRefundableDomain = Domain("liard/v1/refundable");
// The owner of a staff key's refunds-per-day tally account, ledger/money.h.
inline constexpr std::string_view kStaffRefundDomain = Domain("liard/v1/staff-refund");
// What a debtor signs for a mandate: kMandateDomain || ledger id || body; its id is SHA-256 of
// that message (ledger/operation.h). Also the owners of a mandate's tally accounts (what was
// collected in a period, its revocation), ledger/ops/mandate.cc.
inline constexpr std::string_view kMandateDomain = Domain("liard/v1/mandate");
// The owner of a resident's book account of earmarked aid, ledger/ops/aid.cc.
inline constexpr std::string_view kEarmarkDomain = Domain("liard/v1/earmark");
// The owners of a standing order's marks (who placed it, paused, failed tries),
// ledger/ops/order.cc.
inline constexpr std::string_view kOrderDomain = Domain("liard/v1/order");
// State digest rule 2: the prefix of the hash of an LtHash's lanes, ledger/journal.h.
inline constexpr std::string_view kLtHashDomain = Domain("liard/v2/state-lthash");
// State digest rule 2: the ChaCha20 nonce that expands a record hash, exactly 12 bytes and no
// NUL (ChaCha20's nonce has that length).
inline constexpr std::string_view kLtHashNonce = Tag("liard/lthash");
static_assert(kLtHashNonce.size() == 12, "ChaCha20's nonce is 12 bytes");
// What a standby signs to tell its primary what it holds durably (node/sync_wait.h):
// kStandbyAckDomain || ledger id || the primary's challenge || sequence || entry hash || name.
inline constexpr std::string_view kStandbyAckDomain = Domain("liard/v1/standby-ack");
// Not hashed into any journal or state: the key under which a node's store lists the standing
// orders an account placed, SHA-256(kOrdersOfDomain || payer), node/order_index.h. Changing it
// would only make a node rebuild that list.
inline constexpr std::string_view kOrdersOfDomain = Domain("liard/node/orders-of");

}  // namespace liard

#endif  // LIARD_LEDGER_DOMAINS_H_

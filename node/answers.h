// The node's own sentences for a call it cannot take now (UNAVAILABLE) or whose object it does
// not find (NOT_FOUND), beyond the ledger's refusals. They are in one place so that a client that
// says them in another language is tested against the very words the node sends
// (tests/wallet/node_note_test.cc reads this header; the wallet's French templates are in
// wallet-cli/node_note.cc). "; " separates clauses a client may translate one by one; a `{name}`
// is filled in by FillAnswer. Changing a sentence here is a change to what clients recognise:
// keep the old template in the wallet for a while.
#ifndef LIARD_NODE_ANSWERS_H_
#define LIARD_NODE_ANSWERS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liard::node::answers {

// UNAVAILABLE, liard-code 6 (writes).
inline constexpr const char* kShuttingDown =
    "the node is shutting down; send it again once it is back";
inline constexpr const char* kClockUntrusted =
    "the node's clock is not trusted, so it writes nothing for now (reads still work); this "
    "operation was not applied: tell the node's operator, and send it again once the node "
    "accepts writes";
inline constexpr const char* kFenced =
    "this node is not sure it is still the primary (it could not renew its leadership in time), "
    "so it takes no writes; this operation was not applied: send it to the primary (the "
    "liard-primary trailer names it when this node knows it), or again here later";
inline constexpr const char* kFencedDuringWrite =
    "this node's leadership lapsed while it wrote this operation, so it cannot acknowledge it: "
    "send the very same envelope to the primary; it is applied at most once";
inline constexpr const char* kDiskFailed =
    "the node could not write to its disk; this operation may not have been kept; send it again "
    "later: a resend is never applied twice";
// A primary with synchronous standbys ({count}: how many, {ms}: the timeout).
inline constexpr const char* kSyncTimeout =
    "fewer than {count} standby(s) confirmed holding this operation within {ms} ms: it is written "
    "in "
    "the primary's journal and will reach the standbys, but its outcome is unknown until then; "
    "look it up by operation id (GetOperation), or send the same envelope again, which is never "
    "applied twice";
inline constexpr const char* kSyncShuttingDown =
    "the node is shutting down before its standbys confirmed this operation: it is kept in this "
    "node's journal and its outcome is unknown; look it up by operation id, or send the same "
    "envelope again once the node is back (never applied twice)";
inline constexpr const char* kStandby =
    "this node is a standby and takes no writes: send them to the primary at {primary}";

// NOT_FOUND.
inline constexpr const char* kNoAccount = "no account {address} in this ledger";
inline constexpr const char* kNoOperation = "no applied operation has the id {id}";
inline constexpr const char* kNoOrder = "no standing order with this id that this account may read";
inline constexpr const char* kNoCheckpointYet =
    "this standby has not matched a checkpoint of its primary yet; ask again in a moment, or ask "
    "the primary";

// `pattern` with each `{name}` replaced by its value (names not given are left as they are).
inline std::string FillAnswer(std::string_view pattern,
                              const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out(pattern);
  for (const auto& [name, value] : values) {
    const std::string key = "{" + std::string(name) + "}";
    for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + value.size()))
      out.replace(at, key.size(), value);
  }
  return out;
}

}  // namespace liard::node::answers

#endif  // LIARD_NODE_ANSWERS_H_

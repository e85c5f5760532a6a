// Rejoin: a node that starts as a standby, whose journal is not a prefix of its primary's (a
// deposed primary that wrote entries the new primary never received), sets those entries aside
// and cuts its journal back to the common prefix, so that it can follow (issue 23, step 3;
// docs/operator.md, "Failover", "Entries set aside").
//
// The entries after the common prefix were never acknowledged when the ledger runs with
// synchronous standbys and min_candidates = N - K + 1: every acknowledged entry is on one of the
// K standbys that confirmed it, the new primary holds at least what that standby holds (it won
// with the highest (term, sequence) among enough candidates), and the old primary's write fence
// stopped it from acknowledging anything after its lease could lapse. Without synchronous
// standbys an entry the old primary acknowledged in the moment before it lost the key, and that
// no standby had received, is among them: the side file is then where it is found.
//
// What is checked before anything changes: the primary serves the same ledger, every entry after
// the common prefix has a term lower than the primary's (an entry of the primary's own term or a
// later one on this node would be a contradiction: a second writer in one term), at most
// kMaxSetAside entries. Then: the side file DATA/set-aside/<UTC time>-term-<T>.jsonl (one JSON
// object per entry: sequence, term, time_ms, time, entry_hash, operation_id, account, signer_key,
// envelope in base64), written to a temporary name, fsynced and renamed, never overwritten; a
// CRITICAL log line naming it; then the cut (Store::CutAfter: the state replayed from the
// genesis up to the common prefix, one fsynced batch). A crash before the cut leaves the old
// journal and a side file: the next start sets the same entries aside again in a new file.
#ifndef LIARD_NODE_REJOIN_H_
#define LIARD_NODE_REJOIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"
#include "node/follower.h"

namespace liard::node {

// More entries than this after the common prefix: not a lapsed primary's last groups; refused.
inline constexpr uint64_t kMaxSetAside = 100'000;
// The directory of the side files, under the data directory.
inline constexpr const char* kSetAsideDir = "set-aside";

struct RejoinOutcome {
  uint64_t common = 0;     // the last entry both journals hold
  uint64_t set_aside = 0;  // entries moved to the side file (0: the journal was a prefix)
  std::string side_file;   // its path, when set_aside > 0
};

// Compares the journal in `data` (a store not open elsewhere) with the primary's of `options`
// and, if it is not a prefix of it, sets the rest aside and cuts it. kOk with set_aside 0 when
// the journal is a prefix, when the primary could not be reached within `wait_ms`, or when the
// ledger has no terms (the primary's term is 0: before genesis version 7, or no [leadership]);
// the follower's own fork check then guards, as for any standby. kCorruption, nothing changed, on a
// contradiction; any error leaves the store as it was or cut (never between).
[[nodiscard]] Status RejoinPrimary(const std::string& data, const FollowerOptions& options,
                                   const Hash& ledger_id, int64_t wait_ms, RejoinOutcome* out);

// One line of a side file, decoded.
struct SetAsideEntry {
  uint64_t sequence = 0;
  uint64_t term = 0;
  int64_t time_ms = 0;
  std::string time;  // UTC, ISO 8601
  std::string operation_id_hex;
  std::string account_hex;
  std::string envelope;  // the SignedOperation bytes
};
// Reads a side file: kInvalidArgument naming the line that is not one (at most kMaxSetAside
// lines).
[[nodiscard]] Status ReadSetAside(const std::string& path, std::vector<SetAsideEntry>* out);

}  // namespace liard::node

#endif  // LIARD_NODE_REJOIN_H_

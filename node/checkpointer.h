// Checkpointer: the node's signed statements "after entry N, whose hash is H, the state digest
// was D", made on the configured cadence and kept in the store for GetCheckpoint.
#ifndef LIARD_NODE_CHECKPOINTER_H_
#define LIARD_NODE_CHECKPOINTER_H_

#include <cstdint>
#include <mutex>

#include "ledger/crypto.h"
#include "ledger/journal.h"
#include "ledger/status.h"
#include "node/store.h"

namespace liard::node {

struct SignedCheckpointRecord {
  Checkpoint checkpoint;
  Signature signature;
};

// Thread-safe.
class Checkpointer {
 public:
  // `every_entries` and `every_ms` are the config's cadence (both at least 1).
  Checkpointer(const Hash& ledger_id, Store* store, KeyPair node_key, int64_t every_entries,
               int64_t every_ms);

  // Reads the latest stored checkpoint, if any.
  [[nodiscard]] Status Init();

  // Signs and stores a checkpoint of `head` if one is due: `every_entries` entries since the
  // last, or `every_ms` elapsed with at least one new entry. With `force`, whenever the head
  // moved since the last checkpoint (or there is none yet). `digest` must be the state digest
  // at `head`.
  [[nodiscard]] Status MaybeSign(const HeadState& head, const Hash& digest, int64_t now_ms,
                                 bool force);

  // False before the first checkpoint.
  bool Latest(SignedCheckpointRecord* out) const;
  const PublicKey& node_key() const { return key_.public_key(); }

 private:
  const Hash ledger_id_;
  Store* const store_;
  const KeyPair key_;
  const int64_t every_entries_;
  const int64_t every_ms_;

  mutable std::mutex mu_;
  bool have_ = false;
  SignedCheckpointRecord latest_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_CHECKPOINTER_H_

// Checkpointer: the node's signed statements "after entry N, whose hash is H, the state digest
// was D", made on the configured cadence and kept in the store for GetCheckpoint.
#ifndef LIARD_NODE_CHECKPOINTER_H_
#define LIARD_NODE_CHECKPOINTER_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "ledger/crypto.h"
#include "ledger/governance.h"
#include "ledger/journal.h"
#include "ledger/status.h"
#include "node/store.h"

namespace liard::node {

struct SignedCheckpointRecord {
  Checkpoint checkpoint;
  Signature signature;
  PublicKey signer;  // the node key that made `signature`
};

// DATA/node-key.next: the seed (64 hex digits) `liard-node rekey-node` prepares for a board
// SetNodeKey decision. The node adopts it when the ledger names its public key.
std::string NextNodeKeyPath(const std::string& data_dir);

// Reads the prepared seed at `path`. kNotFound without one; kInvalidArgument if it does not
// hold 64 hex digits.
[[nodiscard]] Status ReadSeedFile(const std::string& path, Seed* out);

// Makes the prepared seed at `path` the node's key if the ledger (`g`) names its public key:
// stores it (synced) and removes the file. kNotFound if there is no prepared seed,
// kInvalidArgument if it is a key the ledger does not name.
[[nodiscard]] Status AdoptPreparedNodeKey(const std::string& path, const Governance& g,
                                          Store* store, KeyPair* out);

// Thread-safe.
class Checkpointer {
 public:
  // `every_entries` and `every_ms` are the config's cadence (both at least 1). `next_key_path`
  // is where a prepared node key waits (NextNodeKeyPath).
  Checkpointer(const Hash& ledger_id, Store* store, KeyPair node_key, std::string next_key_path,
               int64_t every_entries, int64_t every_ms);

  // Reads the latest stored checkpoint, if any; its signer is the node's key if that key made
  // it, else the key of `g` (the governance at the stored head) that did.
  [[nodiscard]] Status Init(const Governance& g);

  // Signs and stores a checkpoint of `head` if one is due: `every_entries` entries since the
  // last, or `every_ms` elapsed with at least one new entry. With `force`, whenever the head
  // moved since the last checkpoint (or there is none yet). `digest` must be the state digest
  // at `head`, `g` the governance there (its node keys: none for a version 1 ledger before any
  // SetNodeKey). When the ledger names keys but not the node's, the node adopts the prepared
  // key if the ledger names it (and signs at once with it); otherwise it signs nothing more and
  // logs why, once per named set: a checkpoint by a key the ledger does not name is worth
  // nothing to a client.
  [[nodiscard]] Status MaybeSign(const HeadState& head, const Hash& digest, const Governance& g,
                                 int64_t now_ms, bool force);

  // A standby's: from now on MaybeSign signs nothing; the checkpoints served are the primary's,
  // which the follower matched against this node's own head and digest and stores here.
  void SetReplica();
  // A promoted standby's: from now on MaybeSign signs with the node's own key, at once, if the
  // ledger names it (and nothing, logged, while it does not).
  void SetPrimary();
  // Whether `g` names this node's key, or names none (a version 1 ledger): its checkpoints count.
  bool Named(const Governance& g) const;
  // Stores `record` (a checkpoint of the primary, matched) as the latest, if it is newer.
  [[nodiscard]] Status StoreReplicated(const SignedCheckpointRecord& record);

  // False before the first checkpoint.
  bool Latest(SignedCheckpointRecord* out) const;
  PublicKey node_key() const;
  // The node's key pair (the scheduler signs standing orders' executions with it).
  KeyPair key_pair() const;

 private:
  const Hash ledger_id_;
  Store* const store_;
  const std::string next_key_path_;
  const int64_t every_entries_;
  const int64_t every_ms_;

  mutable std::mutex mu_;
  KeyPair key_;
  bool have_ = false;
  bool stale_ = false;    // the latest checkpoint is not signed by key_ (made before a key change)
  bool replica_ = false;  // a standby: signs nothing
  std::vector<PublicKey> not_held_;  // the named set that lacks the node's key, logged once
  SignedCheckpointRecord latest_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_CHECKPOINTER_H_

// Local verification of a receipt: the signature, the operation id, the entry hash, the node's
// signed checkpoint and the hash chain between them. Pure functions over the node's messages,
// so that what the wallet prints as OK is what anyone can recompute.
#ifndef LIARD_WALLET_CLI_VERIFY_H_
#define LIARD_WALLET_CLI_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "liard/v1/node.pb.h"

namespace liard::wallet {

namespace pb = ::liard::v1;

struct Check {
  bool ok = false;
  std::string what;  // a sentence saying what was checked (and, when it failed, what differs)
};

// The receipt on its own: the id asked for is the hash of the signed message, the body names
// this ledger, the Ed25519 signature by the envelope's key holds, and EntryHash of (sequence,
// time, prev_hash, envelope) is the entry_hash the node gave.
std::vector<Check> VerifyReceipt(const pb::Receipt& receipt, const Hash& ledger_id,
                                 const Hash& asked_id);

// The node's signature over CheckpointMessage(ledger_id, checkpoint).
Check VerifyCheckpoint(const pb::SignedCheckpoint& checkpoint, const Hash& ledger_id);

// Walks a hash chain: feed the journal entries in order, starting with the receipt's entry.
// Thread-compatible.
class ChainWalker {
 public:
  ChainWalker(uint64_t first_sequence, const std::string& first_hash)
      : next_(first_sequence), expected_prev_(), first_hash_(first_hash) {}
  // False (and why) at the first entry that does not link or whose hash is not its own.
  bool Feed(const pb::JournalEntry& entry, std::string* why);
  uint64_t last_sequence() const { return next_ - 1; }
  const std::string& last_hash() const { return expected_prev_; }
  uint64_t count() const { return count_; }

 private:
  uint64_t next_;
  std::string expected_prev_;  // the previous entry's hash (32 bytes)
  std::string first_hash_;
  uint64_t count_ = 0;
};

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_VERIFY_H_

// Replay: an independent re-execution of a journal through the core, as an auditor (or a replica)
// does it — the hash chain, every signature, every operation applied again, the node's signed
// checkpoints — without trusting whoever served the journal.
#ifndef LIARD_LEDGER_REPLAY_H_
#define LIARD_LEDGER_REPLAY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/status.h"
#include "ledger/transfer_index.h"

namespace liard {

// Decodes an envelope's bytes (liard.v1.SignedOperation) into a SignedOperation: proto/'s
// codec::DecodeEnvelope. Passed in so that the core stays free of the wire library.
using EnvelopeDecoder = std::function<Status(std::string_view envelope, SignedOperation* out)>;

// One journal entry after the order-free checks: its recomputed hash, its decoded and verified
// operation. Made by Replay::Prepare on any thread, consumed in order by Replay::Commit.
struct PreparedEntry {
  JournalEntry entry;
  Hash claimed_hash;   // the hash the source gave for it
  Hash computed_hash;  // EntryHash(entry)
  Status status;       // why the envelope does not decode or verify; ok otherwise
  VerifiedOperation op;
};

// A discrepancy: the first sequence where the journal and the rules disagree, and why.
struct Discrepancy {
  uint64_t sequence = 0;  // 0: none
  std::string why;
};

// Not thread-safe, except Prepare, which is const and may run on many threads at once.
class Replay {
 public:
  // Starts from the genesis state of `genesis` (whose exact bytes are `genesis_bytes`).
  [[nodiscard]] static Status Create(const Genesis& genesis, std::string_view genesis_bytes,
                                     std::unique_ptr<Replay>* out);
  // Starts from a snapshot saved by a previous run (EncodeSnapshot), to resume where it stopped.
  // kCorruption if the snapshot does not decode or its digest does not match its records.
  [[nodiscard]] static Status Resume(const Genesis& genesis, std::string_view genesis_bytes,
                                     std::string_view snapshot, std::unique_ptr<Replay>* out);

  // The checks that need no order: the entry hash recomputed and compared, the envelope decoded
  // and its signature verified (the costly part: run it on many threads).
  void Prepare(JournalEntry entry, const Hash& claimed_hash, const EnvelopeDecoder& decode,
               PreparedEntry* out) const;

  // In journal order: the entry follows the last one (next sequence, prev_hash is the last hash),
  // its claimed hash is the recomputed one, it prepared cleanly, and the core accepts it at its
  // recorded time; then it is applied. On the first failure returns kCorruption naming the
  // sequence and the reason, records it in discrepancy(), and refuses every later entry.
  // `applied`, if not null, receives the entry's delta (its postings, for reports and exports).
  [[nodiscard]] Status Commit(PreparedEntry* prepared, Delta* applied = nullptr);

  // A checkpoint the node signed: the signature must verify under `node_key`, and `node_key`
  // must be one the ledger names after the checkpoint's entry, if it names any (genesis
  // version 2, or a SetNodeKey or SetNodeKeys decision); if it is at the replay's sequence, its
  // head hash and state digest must be the replay's own. kCorruption otherwise; kOutOfRange if the
  // checkpoint is ahead of the replay (check it later).
  [[nodiscard]] Status CheckCheckpoint(const Checkpoint& checkpoint, const Signature& signature,
                                       const PublicKey& node_key);

  uint64_t sequence() const { return sequence_; }
  const Hash& head_hash() const { return head_hash_; }
  int64_t time_ms() const { return time_ms_; }
  // The term of the last entry committed (0 before any, and in journals before version 7).
  uint64_t term() const { return term_; }
  const MemoryState& state() const { return state_; }
  const Ledger& ledger() const { return *ledger_; }
  const Discrepancy& discrepancy() const { return discrepancy_; }

  // Everything needed to resume: sequence, head hash, time, every state record and the refundable
  // payments a version 6 refund may name. Pure bytes
  // (the caller writes them where it wants).
  std::string EncodeSnapshot() const;

 private:
  Replay() = default;
  Status Fail(uint64_t sequence, std::string why);

  std::unique_ptr<Ledger> ledger_;
  MemoryState state_;
  // The refundable payments so far, which a version 6 refund finds here (RefundsFromJournal);
  // empty for earlier versions.
  TransferIndex transfers_;
  uint64_t sequence_ = 0;
  Hash head_hash_;
  int64_t time_ms_ = 0;
  uint64_t term_ = 0;
  Discrepancy discrepancy_;
  // The node keys the ledger names from each sequence on (after that entry), for the checkpoints
  // the replay went past; the first is where this run started (the genesis or a snapshot). An
  // empty set: none named (version 1).
  std::vector<std::pair<uint64_t, std::vector<PublicKey>>> node_keys_;
};

// Whether a journal source continues the history a saved replay verified, checked before the
// replay resumes on it. Fed the source's entries from entry 1 in order, it recomputes each
// entry's hash (SHA-256 only: no signature, no rule, no state) and requires entry 1 to link to
// the ledger id and every later one to the hash of the one before, each entry to have the hash
// the source records for it, and the entry at the replay's sequence to hash to the replay's head
// hash. An entry hash covers its link, so that last equality proves the source's entries 1 to
// the replay's sequence are byte for byte those the replay verified: an earlier entry altered
// changes it, even when every later hash and link was recomputed to match.
class ContinuityCheck {
 public:
  explicit ContinuityCheck(const Replay& saved)
      : ledger_id_(saved.ledger().id()),
        sequence_(saved.sequence()),
        head_hash_(saved.head_hash()),
        prev_(ledger_id_) {}

  // The source's next entry. kCorruption with the reason, in words ("entry 58 differs from the
  // one verified before"), once the source is shown not to continue the replay; every later call
  // returns the same. Ok otherwise (entries after the replay's sequence are not looked at).
  [[nodiscard]] Status Add(const JournalEntry& entry, const Hash& claimed_hash);
  // The source has no more entries: kCorruption saying where it ended, unless proven().
  [[nodiscard]] Status End();
  // Entry `sequence` of the saved replay was added and hashes to its head hash.
  bool proven() const { return next_ > sequence_ && failure_.ok(); }

 private:
  Status Fail(std::string why);

  Hash ledger_id_;
  uint64_t sequence_;
  Hash head_hash_;
  Hash prev_;  // the hash of the last entry added; the ledger id before entry 1
  uint64_t next_ = 1;
  Status failure_;
};

}  // namespace liard

#endif  // LIARD_LEDGER_REPLAY_H_

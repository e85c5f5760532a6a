// Store: liard-node's durable state in RocksDB — the hash-chained journal, the current state
// (accounts, balances, totals, head), and the indexes queries need.
#ifndef LIARD_NODE_STORE_H_
#define LIARD_NODE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/journal.h"
#include "ledger/memory_state.h"
#include "ledger/state.h"
#include "ledger/status.h"
#include "node/storage_env.h"

namespace liard::node {

// One accepted operation as the applier hands it to the store.
struct AppliedOperation {
  JournalEntry entry;
  Hash entry_hash;                 // EntryHash(entry)
  Hash op_id;                      // OperationId(ledger id, body)
  Delta delta;                     // what it changed
  std::vector<AccountId> touched;  // TouchedAccounts(op, delta): history and watch keys
  // Further history keys, not accounts (never watched): a standing order's id and its payer's
  // list of orders (node/order_index.h).
  std::vector<Hash> indexed;
};

// File descriptors the store may hold: RocksDB keeps at most kStoreMaxOpenFiles table files
// open (max_open_files), plus kStoreFileDescriptorReserve for its WAL, MANIFEST, LOCK, the files a
// flush or compaction writes, and the store's own files. The node keeps this many descriptors
// out of reach of client connections ([limits] max_connections).
inline constexpr int kStoreMaxOpenFiles = 512;
inline constexpr int kStoreFileDescriptorReserve = 64;

struct HeadState {
  uint64_t sequence = 0;  // last entry; 0 before any
  Hash head_hash;         // its hash; the ledger id when sequence is 0
  int64_t time_ms = 0;
  uint64_t term = 0;  // its term (genesis version 7 on; 0 before): read from the head entry
};

// Column families: "meta" (genesis, ledger id, head, totals, state digest, checkpoint, node
// key), "accounts" (id -> record), "balances" (slot|owner -> i64), "journal" (u64be seq ->
// entry), "postings" (u64be seq -> the entry's postings), "op_index" (op id -> seq),
// "history" (account id, or an index id of node/order_index.h | u64be seq -> empty).
//
// Thread-safety: Append is called by one thread (the applier); reads may run concurrently with
// it and with each other (RocksDB is thread-safe; reads see whole groups or nothing).
class Store {
 public:
  // Opens the database in `dir`; with `create`, creates the directory (mode 0700: the node's
  // seed is kept here) and database if missing. Errors name the path and say what to do:
  // kNotFound (no database and not `create`), kUnavailable (another liard-node has it open),
  // kInvalidArgument (not a directory, other files, another program's RocksDB, an unknown
  // format), kIOError, kCorruption.
  // kCorruption with "the database in DIR is damaged (...): restore it from a backup or a
  // standby ...; nothing was changed" when it cannot be trusted to hold every acknowledged
  // entry: its write-ahead log is corrupted other than in a torn last record, its CURRENT or
  // MANIFEST is missing, or its head is below (or its history differs from) what the head anchor
  // DIR/head-anchor (node/head_anchor.h) records as acknowledged, or the anchor was removed.
  // A database from before the anchor gets one at its head (created_head_anchor()).
  // Every file of the database and the anchor is written through `env` (node/storage_env.h;
  // the real file system by default, a fault-injecting one in tests), which must outlive the
  // store.
  [[nodiscard]] static Status Open(const std::string& dir, bool create, std::unique_ptr<Store>* out,
                                   StorageEnv& env = StorageEnv::Default());
  // Flushes the memtables (so the next start-up replays no WAL) and closes the database.
  ~Store();

  // True once Initialize has succeeded on this database.
  bool initialized() const;
  // True if Open created DIR/head-anchor for a database from before it.
  bool created_head_anchor() const;

  // Writes the genesis document and the genesis state, durably. kAlreadyExists if this database
  // holds a ledger already; kInvalidArgument if `ledger_id` is not LedgerIdOf(genesis_bytes).
  [[nodiscard]] Status Initialize(std::string_view genesis_bytes, const Hash& ledger_id,
                                  const MemoryState& genesis_state);
  // kNotFound before Initialize.
  [[nodiscard]] Status ReadGenesis(std::string* genesis_bytes, Hash* ledger_id) const;

  // Rebuilds the working state from the stored accounts, balances and totals, and reads the
  // head. Never reads the journal: start-up cost grows with accounts, not history. Returns
  // kCorruption if the recomputed state digest or the totals' recount differ from what was
  // stored, or the journal's last entry is not the head (the database was changed behind the
  // node's back), or a record does not decode. `state` must be empty (kInvalidArgument) and made
  // with the stored genesis's rule, MemoryState(StateDigestRuleOf(genesis)); after
  // an error it holds part of the records and must be discarded. kNotFound before Initialize.
  // Reads RocksDB on a second thread while this one fills `state`; a consistent snapshot even
  // if Append runs meanwhile. Then reads the journal's recent entries (the last 1,000, or back
  // to the latest checkpoint, at most 10,000) with their checksums and postings, and checks
  // their entry hashes and that the last one is the head: kCorruption ("the database in DIR is
  // damaged ...") if a table file holding them is damaged.
  [[nodiscard]] Status Load(MemoryState* state, HeadState* head) const;

  // Makes a group of applied operations durable: one WriteBatch, fsynced. Writes each entry,
  // its postings, op-id index and history keys, and for every account and balance the group
  // touched, its value in `state_after` (the state with the whole group committed), plus
  // totals, digest and head. Entries must follow the stored head without gaps, each linking to
  // the previous hash and carrying its own EntryHash: otherwise kInvalidArgument and nothing is
  // written. An empty group writes nothing. Returns only once the head anchor records the group
  // (as in flight, synced concurrently with the batch): no acknowledged entry is above it.
  [[nodiscard]] Status Append(const std::vector<AppliedOperation>& group,
                              const MemoryState& state_after);

  // kNotFound past the head. The stored hash is checked against the entry (kCorruption).
  [[nodiscard]] Status ReadEntry(uint64_t sequence, JournalEntry* entry, Hash* entry_hash) const;
  // kNotFound past the head.
  [[nodiscard]] Status ReadPostings(uint64_t sequence, std::vector<Posting>* postings) const;
  // kNotFound if no applied operation has this id.
  [[nodiscard]] Status FindOperation(const Hash& op_id, uint64_t* sequence) const;
  // Sequences of entries touching `account`, newest first, below `before` (0: no bound), at
  // most `limit`. Seeks straight to the page: cost grows with the page, not the history.
  [[nodiscard]] Status History(const AccountId& account, uint64_t before, size_t limit,
                               std::vector<uint64_t>* sequences) const;
  // Sequences of entries touching `account`, oldest first, from `from` on, at most `limit`: a
  // Watch's catch-up reads its replay one bounded page at a time with it.
  [[nodiscard]] Status HistoryFrom(const AccountId& account, uint64_t from, size_t limit,
                                   std::vector<uint64_t>* sequences) const;

  // Whether the history holds the standing orders' index keys (AppliedOperation::indexed) of
  // every entry: true for a database initialised since they exist, or once
  // PutIndexed(..., /*complete=*/true) has run (node/order_index.h fills an older one).
  [[nodiscard]] Status OrderIndexComplete(bool* complete) const;
  // Writes history keys (id, sequence) for entries already stored, durably; with `complete`,
  // records that the index is whole.
  [[nodiscard]] Status PutIndexed(const std::vector<std::pair<Hash, uint64_t>>& keys,
                                  bool complete);

  // The only place liard removes journal entries (node/rejoin.h: a deposed primary's entries
  // that the new primary does not hold, already copied to a side file). Keeps entries 1..`head`
  // (`head` must describe the stored entry at that sequence, kInvalidArgument otherwise) and
  // removes every later entry with its postings, op-id index and history keys; replaces the
  // accounts, balances, governance, totals and digest by `state` (the state after entry
  // `head`, replayed from the genesis), and drops the stored checkpoint if it is above `head`.
  // The head anchor is rewritten to `head` first, then everything else goes in one fsynced
  // batch: a crash leaves the old journal or the cut one, never a mixture. Before any Append.
  [[nodiscard]] Status CutAfter(const HeadState& head, const MemoryState& state);
  // The head as stored (after Open).
  HeadState head() const;

  [[nodiscard]] Status PutCheckpoint(const Checkpoint& checkpoint, const Signature& signature);
  // kNotFound before the first checkpoint.
  [[nodiscard]] Status ReadCheckpoint(Checkpoint* checkpoint, Signature* signature) const;

  // The node's own signing seed, created at initialisation; kept in "meta".
  [[nodiscard]] Status PutNodeSeed(const Seed& seed);
  // kNotFound before the first PutNodeSeed.
  [[nodiscard]] Status ReadNodeSeed(Seed* seed) const;

  // A consistent copy of the database as of one moment, for an online backup (node/backup.h):
  // RocksDB's Checkpoint (memtables flushed, table files hard-linked when `dir` is on the same
  // file system, the live write-ahead log copied), so it holds whole groups only. `dir` must not
  // exist. The head anchor is not part of it. Safe while Append runs.
  [[nodiscard]] Status CopyTo(const std::string& dir) const;

  // One of RocksDB's integer properties ("rocksdb.compaction-pending", ...), for the metrics:
  // summed over the column families if `per_family`, else the database's own. None if RocksDB
  // does not know it.
  std::optional<uint64_t> IntProperty(std::string_view name, bool per_family) const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_STORE_H_

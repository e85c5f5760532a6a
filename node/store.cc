// Store: liard-node's RocksDB layout — column families, key and record encodings, group commit
// and the fast, self-checking start-up load.
//
// RECORD ENCODINGS (format "liard-store/2"; "liard-store/1", from before governance, had no
// "governance" record and a shorter account record, and is refused with a message). These bytes are
// on users' disks: never change a layout in place; add a new key, or a new format with a migration.
// Every integer is big-endian and fixed-size; a signed integer is stored as its two's-complement 64
// bits (i64); there is no floating point anywhere. A string is a u32 byte length followed by the
// bytes. Each record has exactly the length its layout gives, and its kinds, statuses and slots are
// known values: anything else is refused as kCorruption naming the column family and key.
//
//   meta (text keys):
//     "format"     -> "liard-store/2"
//     "genesis"    -> the genesis document, the exact bytes whose hash is the ledger id
//     "ledger_id"  -> 32 bytes
//     "head"       -> u64 sequence | head hash (32) | i64 time_ms                 = 48 bytes
//                     [| u64 term, only when the head entry carries a term    = 56 bytes]
//     "totals"     -> u32 count | count × i64, the total of slot 0 first (count is kSlotCount
//                     when written; a shorter record, from before slots were added, leaves
//                     the later totals at zero; a longer one is refused)
//     "digest"     -> the state digest, StateDigest::Stored(): under the genesis's rule 1 the
//                     sum itself (32), under rule 2 the LtHash's 1024 lanes (2048), from which
//                     checkpoints' 32 bytes are hashed
//     "checkpoint" -> u64 sequence | head hash (32) | state digest (32) | i64 time_ms |
//                     signature (64)                                              = 144 bytes
//     "node_seed"  -> 32 bytes
//     "governance" -> EncodeGovernance (ledger/governance.h): rules in force, board,
//                     threshold, pause, pending proposals; written at genesis and by every
//                     group with a board decision or proposal
//     "order_index" -> "1": the history holds the standing orders' index keys of every entry
//                     (written at Initialize, or once node/order_index.h filled an older
//                     database)
//     "head_anchor" -> "1": DIR/head-anchor (node/head_anchor.h) exists and must stay; written
//                     once it has been created (at Initialize, or at the first open of a
//                     database from before the anchor)
//   accounts:  account id (32) -> signing key (32) | u8 kind | u8 status | u64 sequence |
//              string name | u32 roles | i64 member_until_ms | string freeze_reason
//              [| string extras (EncodeAccountExtras), only when not empty]
//   balances:  u8 slot | owner (32) -> i64 balance; never 0 (a zero balance is deleted, as in
//              MemoryState and the state digest)
//   journal:   u64 sequence -> i64 time_ms | prev hash (32) | entry hash (32) | envelope (the
//              rest of the value, which the entry hash covers); an entry with a term (genesis
//              version 7 on) has a zero byte and its u64 term before the envelope: a
//              SignedOperation never starts with a zero byte (there is no field 0)
//   postings:  u64 sequence -> u32 count | count × (u8 slot | owner (32) | i64 amount)
//   op_index:  operation id (32) -> u64 sequence
//   history:   account id (32) | u64 sequence -> empty; the same for the index ids of
//              node/order_index.h (a standing order's id, an account's list of orders)
//   default:   unused, and must stay empty (that is how a foreign RocksDB is told apart).
//
// Sequences are big-endian so that RocksDB's bytewise order is numeric order: the journal is
// read in sequence order and an account's history newest-first with one reverse seek.
#include "node/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "ledger/bytes.h"
#include "ledger/genesis.h"
#include "ledger/governance.h"
#include "ledger/invariants.h"
#include "node/head_anchor.h"

namespace liard::node {
namespace {

constexpr std::string_view kFormat = "liard-store/2";

// Column families, in the order of their handles.
enum Cf : size_t { kMeta, kAccounts, kBalances, kJournal, kPostings, kOpIndex, kHistory, kCfCount };
constexpr std::string_view kCfNames[kCfCount] = {"meta",     "accounts", "balances", "journal",
                                                 "postings", "op_index", "history"};

constexpr std::string_view kFormatKey = "format";
constexpr std::string_view kGenesisKey = "genesis";
constexpr std::string_view kLedgerIdKey = "ledger_id";
constexpr std::string_view kHeadKey = "head";
constexpr std::string_view kTotalsKey = "totals";
constexpr std::string_view kDigestKey = "digest";
constexpr std::string_view kCheckpointKey = "checkpoint";
constexpr std::string_view kNodeSeedKey = "node_seed";
constexpr std::string_view kGovernanceKey = "governance";
constexpr std::string_view kHeadAnchorKey = "head_anchor";
constexpr std::string_view kOrderIndexKey = "order_index";

constexpr size_t kCheckpointSize = 8 + 32 + 32 + 8 + 64;
constexpr size_t kPostingSize = 1 + 32 + 8;
constexpr size_t kBalanceKeySize = 1 + 32;
constexpr size_t kHistoryKeySize = 32 + 8;

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// A WriteBatch that keeps its first failure, so that no RocksDB status goes unchecked while the
// call sites stay a list of puts.
class Batch {
 public:
  explicit Batch(rocksdb::ColumnFamilyHandle* const* cf) : cf_(cf) {}
  void Put(Cf family, std::string_view key, std::string_view value) {
    if (status_.ok()) status_ = batch_.Put(cf_[family], ToSlice(key), ToSlice(value));
  }
  void Delete(Cf family, std::string_view key) {
    if (status_.ok()) status_ = batch_.Delete(cf_[family], ToSlice(key));
  }
  rocksdb::WriteBatch* batch() { return &batch_; }
  const rocksdb::Status& status() const { return status_; }

 private:
  rocksdb::ColumnFamilyHandle* const* cf_;
  rocksdb::WriteBatch batch_;
  rocksdb::Status status_;
};

// ---- Fixed-width big-endian encoding: ledger/bytes.h (PutFixed64BE, DecodeFixed64BE, ...).

void PutI64(std::string* out, int64_t v) { PutFixed64BE(out, static_cast<uint64_t>(v)); }
template <size_t N>
void PutBytes(std::string* out, const Bytes<N>& b) {
  out->append(b.view());
}

// Reads a record field by field; any shortfall or leftover makes ok() false, never a crash.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  // True if every byte was consumed and nothing went wrong.
  bool Done() const { return ok_ && data_.empty(); }

  uint8_t U8() {
    if (!Need(1)) return 0;
    uint8_t v = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return v;
  }
  uint32_t U32() {
    if (!Need(4)) return 0;
    uint32_t v = DecodeFixed32BE(data_.data());
    data_.remove_prefix(4);
    return v;
  }
  uint64_t U64() {
    if (!Need(8)) return 0;
    uint64_t v = DecodeFixed64BE(data_.data());
    data_.remove_prefix(8);
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  template <size_t N>
  Bytes<N> Fixed() {
    Bytes<N> b;
    if (!Need(N)) return b;
    std::memcpy(b.data.data(), data_.data(), N);
    data_.remove_prefix(N);
    return b;
  }
  std::string String() {
    uint32_t n = U32();
    if (!Need(n)) return {};
    std::string s(data_.substr(0, n));
    data_.remove_prefix(n);
    return s;
  }
  std::string_view Rest() {
    std::string_view r = data_;
    data_ = {};
    return r;
  }

 private:
  bool Need(size_t n) {
    if (!ok_ || data_.size() < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  std::string_view data_;
  bool ok_ = true;
};

bool IsKnownSlot(uint8_t v) {
  for (Slot s : kAllSlots)
    if (static_cast<uint8_t>(s) == v) return true;
  return false;
}
bool IsValidStatus(uint8_t v) {
  return v >= static_cast<uint8_t>(AccountStatus::kActive) &&
         v <= static_cast<uint8_t>(AccountStatus::kClosed);
}

// ---- Keys.

std::string SeqKey(uint64_t sequence) {
  std::string k;
  PutFixed64BE(&k, sequence);
  return k;
}
std::string BalanceKey(const BookKey& key) {
  std::string k(1, static_cast<char>(key.slot));
  PutBytes(&k, key.owner);
  return k;
}
std::string HistoryKey(const AccountId& id, uint64_t sequence) {
  std::string k(id.view());
  PutFixed64BE(&k, sequence);
  return k;
}

// ---- Records.

std::string EncodeAccount(const Account& a) {
  std::string v;
  v.reserve(32 + 2 + 8 + 4 + a.name.size() + 4 + 8 + 4 + a.freeze_reason.size());
  PutBytes(&v, a.key);
  v.push_back(static_cast<char>(a.kind));
  v.push_back(static_cast<char>(a.status));
  PutFixed64BE(&v, a.sequence);
  PutFixed32BE(&v, static_cast<uint32_t>(a.name.size()));
  v.append(a.name);
  PutFixed32BE(&v, a.roles);
  PutI64(&v, a.member_until_ms);
  PutFixed32BE(&v, static_cast<uint32_t>(a.freeze_reason.size()));
  v.append(a.freeze_reason);
  // Staff keys and card, only when the account has them: older records keep their bytes.
  const std::string extras = EncodeAccountExtras(a);
  if (!extras.empty()) {
    PutFixed32BE(&v, static_cast<uint32_t>(extras.size()));
    v.append(extras);
  }
  return v;
}
bool DecodeAccount(std::string_view key, std::string_view value, Account* a) {
  if (!a->id.Assign(key)) return false;
  Reader r(value);
  a->key = r.Fixed<32>();
  uint8_t kind = r.U8();
  uint8_t status = r.U8();
  a->sequence = r.U64();
  a->name = r.String();
  a->roles = r.U32();
  a->member_until_ms = r.I64();
  a->freeze_reason = r.String();
  const std::string extras = r.ok() && !r.Done() ? r.String() : std::string();
  if (!r.Done() || !IsValidKind(kind) || !IsValidStatus(status)) return false;
  if (!DecodeAccountExtras(extras, a)) return false;
  if (!extras.empty() && EncodeAccountExtras(*a).empty()) return false;  // written as none
  a->kind = static_cast<AccountKind>(kind);
  a->status = static_cast<AccountStatus>(status);
  return true;
}

bool DecodeBalanceKey(std::string_view key, BookKey* out) {
  if (key.size() != kBalanceKeySize || !IsKnownSlot(static_cast<uint8_t>(key[0]))) return false;
  out->slot = static_cast<Slot>(static_cast<uint8_t>(key[0]));
  return out->owner.Assign(key.substr(1));
}

std::string EncodeHead(const HeadState& h) {
  std::string v;
  PutFixed64BE(&v, h.sequence);
  PutBytes(&v, h.head_hash);
  PutI64(&v, h.time_ms);
  if (h.term != 0) PutFixed64BE(&v, h.term);
  return v;
}
bool DecodeHead(std::string_view value, HeadState* h) {
  Reader r(value);
  h->sequence = r.U64();
  h->head_hash = r.Fixed<32>();
  h->time_ms = r.I64();
  h->term = value.size() == 56 ? r.U64() : 0;
  return r.Done() && (value.size() == 48 || h->term != 0);
}

// Counted, so that a database written before slots were added still decodes after: slots are
// never renumbered, only appended, and the missing totals are zero.
std::string EncodeTotals(const Totals& t) {
  std::string v;
  v.reserve(4 + 8 * t.size());
  PutFixed32BE(&v, static_cast<uint32_t>(t.size()));
  for (int64_t x : t) PutI64(&v, x);
  return v;
}
bool DecodeTotals(std::string_view value, Totals* t) {
  Reader r(value);
  uint32_t n = r.U32();
  if (!r.ok() || n > t->size() || value.size() != 4 + 8 * size_t{n}) return false;
  t->fill(0);
  for (uint32_t i = 0; i < n; ++i) (*t)[i] = r.I64();
  return r.Done();
}

std::string EncodeEntry(const JournalEntry& e, const Hash& entry_hash) {
  std::string v;
  v.reserve(8 + 32 + 32 + 9 + e.envelope.size());
  PutI64(&v, e.time_ms);
  PutBytes(&v, e.prev_hash);
  PutBytes(&v, entry_hash);
  if (e.term != 0) {
    v.push_back('\0');
    PutFixed64BE(&v, e.term);
  }
  v.append(e.envelope);
  return v;
}

// A journal value (EncodeEntry) into `e` (whose sequence the caller sets) and its stored hash.
// False if it is too short; the caller compares the hash with EntryHash.
bool DecodeEntry(std::string_view value, JournalEntry* e, Hash* stored) {
  Reader r(value);
  e->time_ms = r.I64();
  e->prev_hash = r.Fixed<32>();
  *stored = r.Fixed<32>();
  if (!r.ok()) return false;
  std::string_view rest = r.Rest();
  e->term = 0;
  if (!rest.empty() && rest.front() == '\0') {
    if (rest.size() < 9) return false;
    e->term = DecodeFixed64BE(rest.data() + 1);
    rest.remove_prefix(9);
  }
  e->envelope = std::string(rest);
  return true;
}

std::string EncodePostings(const std::vector<Posting>& postings) {
  std::string v;
  v.reserve(4 + postings.size() * kPostingSize);
  PutFixed32BE(&v, static_cast<uint32_t>(postings.size()));
  for (const auto& p : postings) {
    v.push_back(static_cast<char>(p.key.slot));
    PutBytes(&v, p.key.owner);
    PutI64(&v, p.amount);
  }
  return v;
}

std::string EncodeCheckpoint(const Checkpoint& c, const Signature& s) {
  std::string v;
  PutFixed64BE(&v, c.sequence);
  PutBytes(&v, c.head_hash);
  PutBytes(&v, c.state_digest);
  PutI64(&v, c.time_ms);
  PutBytes(&v, s);
  return v;
}

// A key as a person can find it again: meta keys are text, sequences decimal, the rest hex.
std::string KeyText(Cf cf, std::string_view key) {
  if (cf == kMeta) return std::string(key);
  if ((cf == kJournal || cf == kPostings) && key.size() == 8)
    return "sequence " + std::to_string(DecodeFixed64BE(key.data()));
  return ToHex(key);
}

std::string CfText(Cf cf) { return std::string(kCfNames[cf]); }

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The files RocksDB itself leaves in a directory whose creation was interrupted before CURRENT.
bool IsRocksDbFile(const std::string& name) {
  return name == "LOCK" || name == "IDENTITY" || name == "LOG" || name.starts_with("LOG.old.") ||
         name.starts_with("MANIFEST-") || name.starts_with("OPTIONS-") || name.ends_with(".log") ||
         name.ends_with(".dbtmp");
}

// ---- Options. Why each differs from RocksDB's defaults:
//  * The WAL stays on and every write that acknowledges something (Append, Initialize,
//    PutCheckpoint, PutNodeSeed) is sync: that fsync is the durability promise. Group commit
//    makes it one fsync per group, whatever the group's size. manual_wal_flush stays false so a
//    write reaches the WAL file before Write() returns. WAL recovery tolerates only a torn final
//    record (kTolerateCorruptedTailRecords: the group being written at a crash, never
//    acknowledged); any other damage fails the open, where kPointInTimeRecovery silently dropped
//    everything after the first bad record. A WAL cut short or deleted is caught by the head
//    anchor (node/head_anchor.h). Recovery does not flush (avoid_flush_during_recovery), so that
//    an open refused for lost entries leaves the WAL files as they were.
//  * Two background jobs: the machines have 2 cores, and one applier thread plus the gRPC
//    threads already compete for them.
//  * Memtables: the journal takes most of the write volume; its memtable is largest. A global
//    cap (db_write_buffer_size) bounds memory whatever the number of column families, and
//    max_total_wal_size forces flushes of rarely written families so old WAL files go away.
//  * One shared LRU block cache. Point lookups (accounts, op_index) get whole-key bloom filters
//    and a hash index inside data blocks. History is read by reverse seeks within one account:
//    a 32-byte prefix extractor gives it prefix blooms, so an account without history costs no
//    disk read.
//  * LZ4: cheap to decompress. Envelopes are mostly keys and signatures that do not compress,
//    so a stronger codec would only cost CPU.
//  * bytes_per_sync smooths the writes of flushes and compactions so that they do not stall the
//    WAL fsyncs behind one large flush of dirty pages.
struct OptionsSet {
  rocksdb::DBOptions db;
  rocksdb::ColumnFamilyOptions cf[kCfCount];
  rocksdb::ColumnFamilyOptions default_cf;
};

// How a column family is read: point lookups get a bloom filter; prefix scans by a 32-byte
// account id get a prefix extractor.
enum class Lookups { kScan, kPoint };
enum class KeyPrefix { kNone, kAccount32 };
rocksdb::ColumnFamilyOptions MakeCfOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                           size_t write_buffer, Lookups lookups, KeyPrefix prefix) {
  const bool point_lookups = lookups == Lookups::kPoint;
  const bool prefix32 = prefix == KeyPrefix::kAccount32;
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = write_buffer;
  o.compression = rocksdb::kLZ4Compression;
  o.level_compaction_dynamic_level_bytes = true;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.format_version = 5;
  if (point_lookups) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  }
  if (prefix32) {
    o.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(32));
    o.memtable_prefix_bloom_size_ratio = 0.05;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.whole_key_filtering = false;  // never read by whole key
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

OptionsSet MakeOptions(StorageEnv& env) {
  OptionsSet s;
  auto& d = s.db;
  d.env = env.rocksdb_env();
  d.max_background_jobs = 2;
  // Bounded, so that the node can keep descriptors for the store out of reach of clients
  // (store.h); table files beyond it are reopened through the table cache when read.
  d.max_open_files = kStoreMaxOpenFiles;
  d.manual_wal_flush = false;
  d.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  d.avoid_flush_during_recovery = true;
  d.db_write_buffer_size = 256 << 20;
  d.max_total_wal_size = 512 << 20;
  d.bytes_per_sync = 1 << 20;
  d.keep_log_file_num = 5;
  d.max_log_file_size = 8 << 20;
  // RocksDB's own log (DIR/LOG) at WARN: Debian's RocksDB aborts on an assertion at the second
  // write to that file after one failed, so on a full disk the INFO line of a compaction or of
  // the periodic statistics dump killed the node (docs/operator.md, "When the disk is full").
  d.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // Already RocksDB's default, but DeleteEmptyStaleWals relies on it: an untracked WAL may go.
  d.track_and_verify_wals_in_manifest = false;
  auto cache = rocksdb::NewLRUCache(128 << 20);
  constexpr size_t kMb = 1 << 20;
  s.cf[kMeta] = MakeCfOptions(cache, 4 * kMb, Lookups::kPoint, KeyPrefix::kNone);
  s.cf[kAccounts] = MakeCfOptions(cache, 32 * kMb, Lookups::kPoint, KeyPrefix::kNone);
  s.cf[kBalances] = MakeCfOptions(cache, 16 * kMb, Lookups::kPoint, KeyPrefix::kNone);
  s.cf[kJournal] = MakeCfOptions(cache, 64 * kMb, Lookups::kScan, KeyPrefix::kNone);
  s.cf[kPostings] = MakeCfOptions(cache, 16 * kMb, Lookups::kScan, KeyPrefix::kNone);
  s.cf[kOpIndex] = MakeCfOptions(cache, 32 * kMb, Lookups::kPoint, KeyPrefix::kNone);
  s.cf[kHistory] = MakeCfOptions(cache, 32 * kMb, Lookups::kScan, KeyPrefix::kAccount32);
  s.default_cf = MakeCfOptions(cache, 1 * kMb, Lookups::kScan, KeyPrefix::kNone);
  return s;
}

// Decoded records, handed from Load's reading thread to the thread that fills the state.
struct RecordBatch {
  std::vector<Account> accounts;
  std::vector<std::pair<BookKey, int64_t>> balances;
  // Rule 1: the sum of these records' hashes, made on the reading thread; the filler adds it.
  StateDigest digest;
};

// Rule 2: the record hashes of a batch, for the threads that expand and sum them (an LtHash
// costs a 2048-byte ChaCha20 keystream per record: more than reading and filling together).
using HashBatch = std::vector<Hash>;

// One producer, one or more consumers. Bounded, so that a fast reader does not hold the whole
// state in memory a second time while the filler catches up.
template <typename Batch>
class BatchQueue {
 public:
  // Blocks while full; false if the consumer has gone.
  bool Push(Batch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return batches_.size() < kCapacity || cancelled_; });
    if (cancelled_) return false;
    batches_.push_back(std::move(batch));
    not_empty_.notify_one();
    return true;
  }
  // Blocks while empty; false once the producer has finished and everything was taken.
  bool Pop(Batch* batch) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !batches_.empty() || finished_; });
    if (batches_.empty()) return false;
    *batch = std::move(batches_.front());
    batches_.pop_front();
    not_full_.notify_one();
    return true;
  }
  // The producer is done (successfully or not).
  void Finish() {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    not_empty_.notify_all();
  }
  // The consumer takes nothing more.
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
  }

 private:
  static constexpr size_t kCapacity = 8;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> batches_;
  bool finished_ = false;
  bool cancelled_ = false;
};

}  // namespace

struct Store::Impl {
  std::string dir;
  StorageEnv* env = nullptr;  // the files' seam (node/storage_env.h)
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* cf[kCfCount] = {};
  std::vector<rocksdb::ColumnFamilyHandle*> all_handles;  // what to destroy on close
  std::atomic<bool> initialized{false};

  // Serialises the writers that check and move the head (Initialize, Append, PutCheckpoint);
  // guards `head` and `anchor`.
  std::mutex write_mu;
  HeadState head;
  Hash ledger_id;  // once initialized
  // DIR/head-anchor's writer, once the database holds a ledger and its anchor was checked.
  std::unique_ptr<HeadAnchor> anchor;
  bool anchor_created = false;  // by this Open, for a database from before the anchor
  bool opened = false;          // Open succeeded: close with a flush

  ~Impl() {
    anchor.reset();  // writes a pending settle
    if (!db) return;
    if (!opened) {
      // A refused open changes nothing: no flush of what the WAL recovery read.
      for (auto* h : all_handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
      db->Close().PermitUncheckedError();
      return;
    }
    // A clean stop leaves no WAL to replay: the next start-up reads table files only.
    db->Flush(rocksdb::FlushOptions(), all_handles).PermitUncheckedError();
    for (auto* h : all_handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    // Every acknowledged write was synced; a failure to close loses nothing acknowledged.
    db->Close().PermitUncheckedError();
  }

  // Maps a RocksDB failure to a liard Status that names the directory and what was being done.
  Status FromRocks(const rocksdb::Status& s, std::string_view doing) const {
    if (s.ok()) return Status::Ok();
    std::string m = std::string(doing) + " in " + dir + ": " + s.ToString();
    if (s.IsCorruption())
      return Status(Code::kCorruption,
                    m + " (the database is damaged: restore it from a backup or a replica)");
    if (s.IsNotFound()) return Status(Code::kNotFound, m);
    if (s.IsIOError()) {
      if (s.IsNoSpace()) m += " (the disk is full)";
      return Status(Code::kIOError, m);
    }
    if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return Status(Code::kUnavailable, m);
    if (s.IsInvalidArgument() || s.IsNotSupported()) return Status(Code::kInvalidArgument, m);
    return Status(Code::kInternal, m);
  }

  Status Corrupt(Cf family, std::string_view key, std::string_view what) const {
    return Status(Code::kCorruption, "the liard database in " + dir + " is damaged: record " +
                                         CfText(family) + "/" + KeyText(family, key) + " " +
                                         std::string(what));
  }

  // Reads one value; kNotFound (without the RocksDB noise) if the key is absent.
  Status Get(Cf family, std::string_view key, std::string* value,
             const rocksdb::Snapshot* snapshot = nullptr) const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    rocksdb::Status s = db->Get(ro, cf[family], ToSlice(key), value);
    if (s.IsNotFound())
      return Status(Code::kNotFound, CfText(family) + "/" + KeyText(family, key) + " not found");
    return FromRocks(s, "reading " + CfText(family) + "/" + KeyText(family, key));
  }

  // Writes a batch durably: sync makes its WAL record reach the disk before this returns.
  Status Write(Batch* batch, std::string_view doing) {
    if (!batch->status().ok()) return FromRocks(batch->status(), doing);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(db->Write(wo, batch->batch()), doing);
  }

  Status ReadHead(HeadState* h, const rocksdb::Snapshot* snapshot = nullptr) const {
    std::string v;
    Status s = Get(kMeta, kHeadKey, &v, snapshot);
    if (s.code() == Code::kNotFound) return Corrupt(kMeta, kHeadKey, "is missing");
    if (!s.ok()) return s;
    if (!DecodeHead(v, h)) return Corrupt(kMeta, kHeadKey, "does not decode");
    return Status::Ok();
  }

  std::string Altered() const {
    return "the liard database in " + dir + " was altered or damaged behind the node's back: ";
  }

  std::string AnchorPath() const { return dir + "/" + std::string(kHeadAnchorFileName); }

  // The one sentence for a database that cannot be trusted to hold what was acknowledged.
  Status Damaged(std::string_view why) const {
    return Status(Code::kCorruption,
                  "the database in " + dir + " is damaged (" + std::string(why) +
                      "): restore it from a backup or a standby (docs/operator.md, \"Where data "
                      "lives, and what to back up\"); nothing was changed");
  }

  // Checks the database's head against DIR/head-anchor, creates the anchor for a database from
  // before it, and opens it for Append. Called by Open once `head` is read (initialized).
  Status CheckAnchor() {
    const std::string path = AnchorPath();
    AnchorRecord r;
    uint64_t counter = 0;
    Status s = ReadHeadAnchor(path, &r, &counter, *env);
    std::string mark;
    Status ms = Get(kMeta, kHeadAnchorKey, &mark);
    if (!ms.ok() && ms.code() != Code::kNotFound) return ms;
    const bool marked = ms.ok();
    if (s.code() == Code::kNotFound) {
      if (marked)
        return Damaged("its head anchor " + path +
                       ", which records the last acknowledged entry, was removed");
      // A database from before the anchor: its head is all it can vouch for.
      AnchorRecord now{ledger_id, head.sequence, head.head_hash, head.sequence, head.head_hash};
      s = HeadAnchor::Create(path, now, &anchor, *env);
      if (!s.ok()) return s;
      anchor_created = true;
      return PutMark();
    }
    if (s.code() == Code::kCorruption) return Damaged(s.message());
    if (!s.ok()) return s;
    if (r.ledger_id != ledger_id)
      return Damaged("its head anchor " + path + " belongs to the ledger " + ToHex(r.ledger_id) +
                     ", not to this database's ledger " + ToHex(ledger_id));
    if (head.sequence < r.acknowledged)
      return Damaged("it lost acknowledged entries " + std::to_string(head.sequence + 1) + ".." +
                     std::to_string(r.acknowledged) + ": its head is entry " +
                     std::to_string(head.sequence) + " but its head anchor " + path +
                     " records entry " + std::to_string(r.acknowledged) + " as acknowledged");
    Hash at_anchor = head.head_hash;
    if (head.sequence > r.acknowledged && r.acknowledged > 0) {
      std::string key = SeqKey(r.acknowledged), v;
      s = Get(kJournal, key, &v);
      if (s.code() == Code::kNotFound)
        return Damaged("its journal lacks entry " + std::to_string(r.acknowledged) +
                       ", which its head anchor " + path + " records as acknowledged");
      if (!s.ok()) return s;
      if (v.size() < 8 + 32 + 32) return Corrupt(kJournal, key, "does not decode");
      at_anchor = Hash();
      std::memcpy(at_anchor.data.data(), v.data() + 8 + 32, 32);
    } else if (head.sequence > r.acknowledged) {
      at_anchor = ledger_id;  // sequence 0's hash
    }
    if (at_anchor != r.acknowledged_hash)
      return Damaged("its entry " + std::to_string(r.acknowledged) +
                     " is not the one its head anchor " + path +
                     " records as acknowledged: its history was rewritten");
    s = HeadAnchor::Open(path, counter, &anchor, *env);
    if (!s.ok()) return s;
    AnchorRecord now{ledger_id, head.sequence, head.head_hash, head.sequence, head.head_hash};
    if (!marked) {
      // Initialize stopped between creating the anchor and marking it.
      s = PutMark();
      if (!s.ok()) return s;
    }
    if (r == now) return Status::Ok();
    // Entries above the acknowledged one were written but perhaps never acknowledged (a crash
    // during their group); they are intact and from now on they count.
    return anchor->Write(now);
  }

  Status PutMark() {
    Batch b(cf);
    b.Put(kMeta, kHeadAnchorKey, "1");
    return Write(&b, "marking the head anchor");
  }

  // Reads the journal's last entries (at least kRecentEntries, back to the latest checkpoint, at
  // most kRecentEntriesMax) and their postings with checksums verified, and checks that there is
  // no gap, that each entry's stored hash is its hash and that the last one is the head: a
  // damaged table file of the recent journal fails the start-up, not the first read. The links
  // between entries and their signatures are the audit's to check (`liard audit verify`): an
  // entry forged with a recomputed hash is named there, by sequence, against the signed
  // checkpoints.
  Status CheckRecentJournal(const rocksdb::Snapshot* snapshot, const HeadState& h) const {
    constexpr uint64_t kRecentEntries = 1000, kRecentEntriesMax = 10'000;
    if (h.sequence == 0) return Status::Ok();
    uint64_t span = kRecentEntries;
    std::string v;
    Status s = Get(kMeta, kCheckpointKey, &v, snapshot);
    if (s.ok() && v.size() == kCheckpointSize) {
      uint64_t cp = DecodeFixed64BE(v.data());
      if (cp <= h.sequence) span = std::max(span, h.sequence - cp + 1);
    } else if (!s.ok() && s.code() != Code::kNotFound) {
      return s;
    }
    span = std::min(span, kRecentEntriesMax);
    const uint64_t first = h.sequence > span ? h.sequence - span + 1 : 1;
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    ro.readahead_size = 2 << 20;
    const std::string lower = SeqKey(first);
    rocksdb::Slice lower_slice(lower);
    ro.iterate_lower_bound = &lower_slice;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf[kJournal]));
    std::unique_ptr<rocksdb::Iterator> pit(db->NewIterator(ro, cf[kPostings]));
    uint64_t expected = first;
    Hash prev = ledger_id;
    it->Seek(lower);
    pit->Seek(lower);
    for (; it->Valid(); it->Next(), ++expected) {
      std::string_view k = ToView(it->key()), val = ToView(it->value());
      if (k.size() != 8 || DecodeFixed64BE(k.data()) != expected)
        return Damaged("its journal lacks entry " + std::to_string(expected));
      JournalEntry e;
      e.sequence = expected;
      Hash stored;
      if (!DecodeEntry(val, &e, &stored)) return Corrupt(kJournal, k, "does not decode");
      if (EntryHash(e) != stored) return Corrupt(kJournal, k, "does not match its entry hash");
      prev = stored;
      if (!pit->Valid() || ToView(pit->key()) != k)
        return Damaged("its postings lack entry " + std::to_string(expected));
      pit->Next();
    }
    for (rocksdb::Iterator* i : {it.get(), pit.get()}) {
      if (i->status().IsCorruption())
        return Damaged("a table file of its recent journal is corrupted: " +
                       i->status().ToString());
      s = FromRocks(i->status(), "reading the journal's recent entries");
      if (!s.ok()) return s;
    }
    if (expected != h.sequence + 1 || prev != h.head_hash)
      return Status(Code::kCorruption, Altered() + "the journal's last entry is not the head");
    return Status::Ok();
  }

  // Load's reading thread: decodes every account and balance under `snapshot` into batches for
  // the filling thread, then recounts the totals from the balances read (the same records the
  // state receives) with the ledger's own CheckTotals.
  // Under rule 2 the record hashes go to `hash_queue` instead of the batch's digest.
  Status ScanState(const rocksdb::Snapshot* snapshot, const Totals& totals, uint32_t digest_rule,
                   BatchQueue<RecordBatch>* queue, BatchQueue<HashBatch>* hash_queue) const {
    constexpr size_t kBatchRecords = 4096;
    rocksdb::ReadOptions scan;
    scan.snapshot = snapshot;
    scan.fill_cache = false;          // read once: do not evict what queries use
    scan.readahead_size = 8 << 20;    // large sequential reads
    scan.adaptive_readahead = false;  // the fixed size above is what we want from the start
    RecordBatch batch{.digest = StateDigest(digest_rule)};
    HashBatch hashes;
    std::vector<std::pair<BookKey, int64_t>> all_balances;
    auto digest = [&](const Hash& h) {
      if (digest_rule == kStateDigestLtHash)
        hashes.push_back(h);
      else
        batch.digest.Add(h);
    };
    auto send = [&] {
      if (!hashes.empty()) {
        hash_queue->Push(std::move(hashes));  // its consumers never stop early
        hashes = HashBatch();
      }
      bool taken = queue->Push(std::move(batch));
      batch = RecordBatch{.digest = StateDigest(digest_rule)};
      return taken;
    };

    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(scan, cf[kAccounts]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      Account a;
      if (!DecodeAccount(ToView(it->key()), ToView(it->value()), &a))
        return Corrupt(kAccounts, ToView(it->key()), "does not decode");
      digest(AccountRecordHash(a));
      batch.accounts.push_back(std::move(a));
      if (batch.accounts.size() == kBatchRecords && !send()) return Status::Ok();
    }
    Status s = FromRocks(it->status(), "reading the accounts");
    if (!s.ok()) return s;

    it.reset(db->NewIterator(scan, cf[kBalances]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      BookKey key;
      std::string_view k = ToView(it->key()), v = ToView(it->value());
      if (!DecodeBalanceKey(k, &key) || v.size() != 8)
        return Corrupt(kBalances, k, "does not decode");
      int64_t balance = static_cast<int64_t>(DecodeFixed64BE(v.data()));
      if (balance == 0) return Corrupt(kBalances, k, "holds a zero balance");
      batch.balances.emplace_back(key, balance);
      digest(BalanceRecordHash(key, balance));
      all_balances.emplace_back(key, balance);
      if (batch.balances.size() == kBatchRecords && !send()) return Status::Ok();
    }
    s = FromRocks(it->status(), "reading the balances");
    if (!s.ok()) return s;
    if (!send()) return Status::Ok();

    s = CheckTotals(all_balances, totals);
    if (!s.ok())
      return Status(Code::kCorruption, Altered() + "the stored balances and totals disagree (" +
                                           s.ToString() +
                                           "); restore it from a backup or a replica");
    return Status::Ok();
  }

  // True if the column family holds no key at all.
  Status IsEmpty(rocksdb::DB* in, rocksdb::ColumnFamilyHandle* h, std::string_view name,
                 bool* empty) const {
    std::unique_ptr<rocksdb::Iterator> it(in->NewIterator(rocksdb::ReadOptions(), h));
    it->SeekToFirst();
    *empty = !it->Valid();
    return FromRocks(it->status(), "reading " + std::string(name));
  }

  // Deletes the empty WAL files that earlier sessions left behind. RocksDB creates a new WAL at
  // every open, but (before 8.3, facebook/rocksdb#11313, fixed by #11409) when the WALs it
  // recovers hold no record it advances the column families' log numbers and not the
  // MANIFEST's min_log_number_to_keep, which only a memtable flush moves; until then it deletes
  // no WAL. The Flush on close is no help, it skips empty memtables, so every session that wrote
  // nothing (or crashed before a flush) left its *.log for good, whatever
  // delete_obsolete_files_period_micros says. Only a file older than the WAL this open created
  // and of zero bytes goes: it holds no record, so no write can be lost, and nothing else has
  // it open, since the database LOCK is ours. WALs are not tracked in the MANIFEST
  // (track_and_verify_wals_in_manifest is false), so their absence is no error on the next open.
  // Best effort: a file that stays only costs an inode.
  void DeleteEmptyStaleWals() const {
    namespace fs = std::filesystem;
    std::unique_ptr<rocksdb::LogFile> current;
    if (!db->GetCurrentWalFile(&current).ok() || !current) return;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (!name.ends_with(".log")) continue;
      const char* end = name.data() + name.size() - 4;
      uint64_t number = 0;
      auto [at, err] = std::from_chars(name.data(), end, number);
      if (err != std::errc() || at != end || number >= current->LogNumber()) continue;
      std::error_code size_ec, remove_ec;
      if (entry.is_regular_file(size_ec) && entry.file_size(size_ec) == 0 && !size_ec)
        fs::remove(entry.path(), remove_ec);
    }
  }

  // After an open failed as corruption: true if it opens (read-only, nothing written) when WAL
  // records that fail their checks are skipped, that is, if the WAL is what is damaged.
  bool OnlyWalIsCorrupt(const rocksdb::DBOptions& options,
                        const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors) const {
    rocksdb::DBOptions probe = options;
    probe.create_if_missing = false;
    probe.create_missing_column_families = false;
    probe.wal_recovery_mode = rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::OpenForReadOnly(probe, dir, descriptors, &handles, &raw).ok()) return false;
    std::unique_ptr<rocksdb::DB> other(raw);
    for (auto* h : handles) other->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    return true;
  }

  // Whether the default column family of the database in `dir` holds no key. Opens it
  // read-only: nothing is written to what may be another program's database.
  Status DefaultIsEmpty(bool* empty) const {
    std::vector<rocksdb::ColumnFamilyDescriptor> only_default = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    rocksdb::DBOptions options;
    options.env = env->rocksdb_env();
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, dir, only_default, &handles, &raw);
    if (!s.ok()) return FromRocks(s, "looking into the database");
    std::unique_ptr<rocksdb::DB> other(raw);
    Status result = IsEmpty(other.get(), handles[0], "the default column family", empty);
    for (auto* h : handles) other->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    return result;
  }

  // Writes every account, non-zero balance, the totals and the digest of `state`.
  // In key order: RocksDB's memtable inserts sorted keys several times faster than random ones,
  // which matters for a genesis that migrates a whole member base.
  static void PutState(const MemoryState& state, Batch* b) {
    std::vector<const Account*> accounts;
    accounts.reserve(state.account_count());
    for (const auto& [id, a] : state.accounts()) accounts.push_back(&a);
    std::sort(accounts.begin(), accounts.end(),
              [](const Account* x, const Account* y) { return x->id < y->id; });
    for (const Account* a : accounts) b->Put(kAccounts, a->id.view(), EncodeAccount(*a));
    auto balances = state.NonZeroBalances();
    std::sort(balances.begin(), balances.end());
    std::string v;
    for (const auto& [key, balance] : balances) {
      v.clear();
      PutI64(&v, balance);
      b->Put(kBalances, BalanceKey(key), v);
    }
    b->Put(kMeta, kGovernanceKey, EncodeGovernance(state.governance()));
    b->Put(kMeta, kTotalsKey, EncodeTotals(state.totals()));
    b->Put(kMeta, kDigestKey, state.full_digest().Stored());
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Status Store::Open(const std::string& dir, bool create, std::unique_ptr<Store>* out,
                   StorageEnv& env) {
  namespace fs = std::filesystem;
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->env = &env;
  const std::string no_db = "no liard database in " + dir +
                            ": give the right data directory, or initialise a new ledger there";

  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status(Code::kIOError, "cannot read " + dir + ": " + ec.message());
  if (!fs::exists(st)) {
    if (!create) return Status(Code::kNotFound, no_db);
    fs::create_directories(dir, ec);
    // The node's signing seed lives in this database: keep it from other users.
    if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) return Status(Code::kIOError, "cannot create " + dir + ": " + ec.message());
  } else if (!fs::is_directory(st)) {
    return Status(Code::kInvalidArgument, dir + " is not a directory");
  }

  OptionsSet opts = MakeOptions(env);
  opts.db.create_if_missing = create;
  opts.db.create_missing_column_families = create;

  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    // No database yet, or one that lost its CURRENT file: liard's head anchor, a table file or
    // a non-empty WAL tell the second from a creation cut short.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      std::error_code size_ec;
      if (name == kHeadAnchorFileName || name.ends_with(".sst") ||
          (name.ends_with(".log") && entry.is_regular_file(size_ec) &&
           entry.file_size(size_ec) > 0 && !size_ec))
        return impl->Damaged("its CURRENT file is missing, but it holds " + name);
    }
    ec.clear();
    // Refuse to scatter one among someone else's files.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (!IsRocksDbFile(name))
        return Status(Code::kInvalidArgument,
                      dir + " holds other files (such as " + name +
                          ") and no liard database: choose an empty or new directory");
    }
    if (ec) return Status(Code::kIOError, "cannot list " + dir + ": " + ec.message());
    if (!create) return Status(Code::kNotFound, no_db);
  } else {
    std::vector<std::string> existing;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(opts.db, dir, &existing);
    if (!s.ok() && (s.IsCorruption() || Contains(s.ToString(), "No such file")))
      return impl->Damaged("its MANIFEST cannot be read: " + s.ToString());
    if (!s.ok()) return impl->FromRocks(s, "listing the column families");
    const std::string foreign = dir +
                                " holds a RocksDB database of another program, not a liard "
                                "database: choose another directory";
    for (const auto& name : existing)
      if (name != rocksdb::kDefaultColumnFamilyName &&
          std::find(std::begin(kCfNames), std::end(kCfNames), name) == std::end(kCfNames))
        return Status(Code::kInvalidArgument, foreign + " (it has a column family '" + name + "')");
    if (existing.size() != kCfCount + 1) {
      // A liard database gets all its column families when it is created, so this is another
      // program's database or a creation cut short; only the first has keys in "default".
      bool empty = false;
      Status es = impl->DefaultIsEmpty(&empty);
      if (!es.ok()) return es;
      if (!empty) return Status(Code::kInvalidArgument, foreign);
      if (!create && existing.size() == 1) return Status(Code::kNotFound, no_db);
      if (!create)
        return Status(Code::kCorruption,
                      "the liard database in " + dir + " lacks some of its column families");
    }
  }

  // Handle 0 is "default" (unused); handle 1 + c is column family c.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, opts.default_cf);
  for (size_t c = 0; c < kCfCount; ++c)
    descriptors.emplace_back(std::string(kCfNames[c]), opts.cf[c]);
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::DB::Open(opts.db, dir, descriptors, &handles, &raw);
  if (!s.ok()) {
    std::string text = s.ToString();
    if (s.IsIOError() && Contains(text, "/LOCK") &&
        (Contains(text, "lock hold by current process") ||
         Contains(text, "Resource temporarily unavailable") || Contains(text, "While lock file")))
      return Status(Code::kUnavailable, "another liard-node is using " + dir +
                                            " (its database is locked): stop it first, or give "
                                            "this node another data directory");
    if (s.IsCorruption() && impl->OnlyWalIsCorrupt(opts.db, descriptors))
      return impl->Damaged(
          "its write-ahead log is corrupted, and acknowledged operations may be "
          "in it: " +
          text);
    if (s.IsCorruption() || (s.IsIOError() && Contains(text, "No such file")))
      return impl->Damaged(text);
    return impl->FromRocks(s, "opening the database");
  }
  impl->db.reset(raw);
  impl->all_handles = handles;
  for (size_t c = 0; c < kCfCount; ++c) impl->cf[c] = handles[1 + c];

  std::string format;
  Status fs_status = impl->Get(kMeta, kFormatKey, &format);
  if (fs_status.ok() && format == "liard-store/1")
    return Status(Code::kInvalidArgument,
                  "the database in " + dir +
                      " was written by a liard-node from before governance (format "
                      "'liard-store/1'): its account records lack roles and membership and it "
                      "has no governance record, so this liard-node (format '" +
                      std::string(kFormat) +
                      "') will not read it; start a new ledger, or replay its journal into one");
  if (fs_status.ok() && format != kFormat)
    return Status(Code::kInvalidArgument, "the database in " + dir + " has format '" + format +
                                              "', which this liard-node does not read (it reads '" +
                                              std::string(kFormat) + "')");
  if (!fs_status.ok() && fs_status.code() != Code::kNotFound) return fs_status;

  std::string genesis;
  Status gs = impl->Get(kMeta, kGenesisKey, &genesis);
  if (gs.ok()) {
    if (!fs_status.ok()) return impl->Corrupt(kMeta, kFormatKey, "is missing");
    Status hs = impl->ReadHead(&impl->head);
    if (!hs.ok()) return hs;
    std::string id;
    hs = impl->Get(kMeta, kLedgerIdKey, &id);
    if (hs.code() == Code::kNotFound) return impl->Corrupt(kMeta, kLedgerIdKey, "is missing");
    if (!hs.ok()) return hs;
    if (!impl->ledger_id.Assign(id)) return impl->Corrupt(kMeta, kLedgerIdKey, "is not 32 bytes");
    hs = impl->CheckAnchor();
    if (!hs.ok()) return hs;
    impl->initialized = true;
  } else if (gs.code() != Code::kNotFound) {
    return gs;
  } else if (fs::exists(impl->AnchorPath(), ec)) {
    return impl->Damaged("it holds no ledger, but its head anchor " + impl->AnchorPath() +
                         " says it held one");
  }
  impl->opened = true;
  impl->DeleteEmptyStaleWals();
  out->reset(new Store(std::move(impl)));
  return Status::Ok();
}

bool Store::initialized() const { return impl_->initialized.load(); }

bool Store::created_head_anchor() const { return impl_->anchor_created; }

Status Store::Initialize(std::string_view genesis_bytes, const Hash& ledger_id,
                         const MemoryState& genesis_state) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.write_mu);
  std::string existing;
  Status s = m.Get(kMeta, kLedgerIdKey, &existing);
  if (s.ok() || m.initialized)
    return Status(Code::kAlreadyExists, m.dir + " already holds the ledger " + ToHex(existing) +
                                            ": it cannot be initialised again");
  if (s.code() != Code::kNotFound) return s;
  if (LedgerIdOf(genesis_bytes) != ledger_id)
    return Status(Code::kInvalidArgument, "the ledger id is not the hash of the genesis document");
  // No genesis but some state: a damaged database, not a fresh one.
  for (Cf c : {kAccounts, kBalances, kJournal}) {
    bool empty = false;
    Status es = m.IsEmpty(m.db.get(), m.cf[c], CfText(c), &empty);
    if (!es.ok()) return es;
    if (!empty)
      return Status(Code::kCorruption, "the database in " + m.dir + " has records in " + CfText(c) +
                                           " but no genesis: it is damaged");
  }

  HeadState head{0, ledger_id, 0};
  Batch b(m.cf);
  b.Put(kMeta, kFormatKey, kFormat);
  b.Put(kMeta, kGenesisKey, genesis_bytes);
  b.Put(kMeta, kLedgerIdKey, ledger_id.view());
  b.Put(kMeta, kHeadKey, EncodeHead(head));
  b.Put(kMeta, kOrderIndexKey, "1");
  Impl::PutState(genesis_state, &b);
  s = m.Write(&b, "writing the genesis");
  if (!s.ok()) return s;
  m.head = head;
  m.ledger_id = ledger_id;
  // Then the anchor, then its mark: a crash between them leaves a database that the next open
  // completes (an anchor without its mark) or anchors anew (no anchor, no mark).
  s = HeadAnchor::Create(m.AnchorPath(), AnchorRecord{ledger_id, 0, ledger_id, 0, ledger_id},
                         &m.anchor, *m.env);
  if (!s.ok()) return s;
  s = m.PutMark();
  if (!s.ok()) return s;
  m.initialized = true;
  return Status::Ok();
}

Status Store::ReadGenesis(std::string* genesis_bytes, Hash* ledger_id) const {
  const Impl& m = *impl_;
  rocksdb::ManagedSnapshot snap(m.db.get());
  Status s = m.Get(kMeta, kGenesisKey, genesis_bytes, snap.snapshot());
  if (s.code() == Code::kNotFound)
    return Status(Code::kNotFound, m.dir + " holds no ledger yet: initialise it first");
  if (!s.ok()) return s;
  std::string id;
  s = m.Get(kMeta, kLedgerIdKey, &id, snap.snapshot());
  if (s.code() == Code::kNotFound) return m.Corrupt(kMeta, kLedgerIdKey, "is missing");
  if (!s.ok()) return s;
  if (!ledger_id->Assign(id)) return m.Corrupt(kMeta, kLedgerIdKey, "is not 32 bytes");
  return Status::Ok();
}

Status Store::Load(MemoryState* state, HeadState* head) const {
  const Impl& m = *impl_;
  if (!m.initialized)
    return Status(Code::kNotFound, m.dir + " holds no ledger yet: initialise it first");
  if (state->account_count() != 0)
    return Status(Code::kInvalidArgument, "Load needs an empty MemoryState");
  // One snapshot: a consistent state even if a group is being appended meanwhile.
  rocksdb::ManagedSnapshot snap(m.db.get());

  std::string v;
  Status s = m.Get(kMeta, kTotalsKey, &v, snap.snapshot());
  if (s.code() == Code::kNotFound) return m.Corrupt(kMeta, kTotalsKey, "is missing");
  if (!s.ok()) return s;
  Totals totals{};
  if (!DecodeTotals(v, &totals)) return m.Corrupt(kMeta, kTotalsKey, "does not decode");
  s = m.Get(kMeta, kDigestKey, &v, snap.snapshot());
  if (s.code() == Code::kNotFound) return m.Corrupt(kMeta, kDigestKey, "is missing");
  if (!s.ok()) return s;
  // Its length is the rule's: the caller made `state` with the stored genesis's rule.
  StateDigest stored;
  if (!StateDigest::FromStored(state->digest_rule(), v, &stored))
    return m.Corrupt(kMeta, kDigestKey,
                     "is not " + std::to_string(StateDigest(state->digest_rule()).Stored().size()) +
                         " bytes, the size of a state digest of rule " +
                         std::to_string(state->digest_rule()) + " (the genesis's)");
  const Hash stored_digest = stored.value();
  s = m.ReadHead(head, snap.snapshot());
  if (!s.ok()) return s;
  s = m.Get(kMeta, kGovernanceKey, &v, snap.snapshot());
  if (s.code() == Code::kNotFound) return m.Corrupt(kMeta, kGovernanceKey, "is missing");
  if (!s.ok()) return s;
  Governance governance;
  if (!DecodeGovernance(v, &governance)) return m.Corrupt(kMeta, kGovernanceKey, "does not decode");
  // Its hash is part of the digest checked below: a record changed on disk is caught there.
  state->PutGovernance(std::move(governance));

  // Filling the MemoryState (a map insert per record) happens on this thread while a second
  // one reads and decodes RocksDB's blocks and hashes the records. Under rule 2, expanding the
  // record hashes into LtHash lanes is the costliest part: one thread per core does it, each
  // summing its own part, and the parts are added at the end.
  const uint32_t rule = state->digest_rule();
  BatchQueue<RecordBatch> queue;
  BatchQueue<HashBatch> hash_queue;
  std::vector<StateDigest> parts;
  std::vector<std::thread> expanders;
  if (rule == kStateDigestLtHash) {
    parts.assign(std::max(1u, std::thread::hardware_concurrency()), StateDigest(rule));
    for (StateDigest& part : parts)
      expanders.emplace_back([&hash_queue, &part] {
        HashBatch hashes;
        while (hash_queue.Pop(&hashes))
          for (const Hash& h : hashes) part.Add(h);
      });
  }
  Status scan_status;
  std::thread reader([&] {
    scan_status = m.ScanState(snap.snapshot(), totals, rule, &queue, &hash_queue);
    queue.Finish();
    hash_queue.Finish();
  });
  struct Joiner {
    BatchQueue<RecordBatch>& queue;
    std::thread& thread;
    std::vector<std::thread>& expanders;
    // If this thread leaves early: unblock the reader, wait for it, then for the expanders (the
    // reader's end lets them finish).
    ~Joiner() {
      queue.Cancel();
      if (thread.joinable()) thread.join();
      for (std::thread& t : expanders)
        if (t.joinable()) t.join();
    }
  } joiner{queue, reader, expanders};
  // Sizing the maps once avoids rehashing a million entries several times over.
  uint64_t accounts = 0, balances = 0;
  m.db->GetIntProperty(m.cf[kAccounts], "rocksdb.estimate-num-keys", &accounts);
  m.db->GetIntProperty(m.cf[kBalances], "rocksdb.estimate-num-keys", &balances);
  state->Reserve(accounts, balances);
  // Keys are unique in a column family and the state was empty, so every record is new.
  RecordBatch batch;
  bool all_new = true;
  while (queue.Pop(&batch)) {
    for (Account& a : batch.accounts) all_new &= state->RestoreAccount(std::move(a));
    for (const auto& [key, balance] : batch.balances)
      all_new &= state->RestoreBalance(key, balance);
    state->AddToDigest(batch.digest);
  }
  reader.join();
  for (std::thread& t : expanders) t.join();
  for (const StateDigest& part : parts) state->AddToDigest(part);
  if (!scan_status.ok()) return scan_status;
  if (!all_new) return Status(Code::kCorruption, m.Altered() + "a record is stored twice");
  state->SetTotals(totals);

  if (state->digest() != stored_digest)
    return Status(Code::kCorruption,
                  m.Altered() + "the digest of the stored accounts and balances (" +
                      ToHex(state->digest()) + ") is not the digest written with them (" +
                      ToHex(stored_digest) + "); restore it from a backup or a replica");

  // One seek, not a read of the journal: its last entry must be the head.
  rocksdb::ReadOptions ro;
  ro.snapshot = snap.snapshot();
  std::unique_ptr<rocksdb::Iterator> it(m.db->NewIterator(ro, m.cf[kJournal]));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    if (it->key().size() != 8) return m.Corrupt(kJournal, ToView(it->key()), "has a bad key");
    last = DecodeFixed64BE(it->key().data());
  }
  s = m.FromRocks(it->status(), "reading the journal's last entry");
  if (!s.ok()) return s;
  if (last != head->sequence)
    return Status(Code::kCorruption, m.Altered() + "the head is entry " +
                                         std::to_string(head->sequence) +
                                         " but the journal ends at entry " + std::to_string(last));
  return m.CheckRecentJournal(snap.snapshot(), *head);
}

Status Store::Append(const std::vector<AppliedOperation>& group, const MemoryState& state_after) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.write_mu);
  if (!m.initialized)
    return Status(Code::kInvalidArgument, m.dir + " holds no ledger yet: initialise it first");
  if (group.empty()) return Status::Ok();

  // Check the whole chain before writing anything: a refused group leaves no trace.
  uint64_t expected = m.head.sequence + 1;
  Hash prev = m.head.head_hash;
  uint64_t term = m.head.term;
  for (const auto& op : group) {
    const JournalEntry& e = op.entry;
    if (e.sequence != expected)
      return Status(Code::kInvalidArgument, "entry " + std::to_string(e.sequence) +
                                                " does not follow the journal's head: expected " +
                                                std::to_string(expected));
    if (e.prev_hash != prev)
      return Status(Code::kInvalidArgument, "entry " + std::to_string(e.sequence) +
                                                " does not link to the previous entry's hash");
    if (EntryHash(e) != op.entry_hash)
      return Status(Code::kInvalidArgument,
                    "entry " + std::to_string(e.sequence) + " carries a wrong entry hash");
    if (e.term < term)
      return Status(Code::kInvalidArgument, "entry " + std::to_string(e.sequence) +
                                                " has a lower term than the entry before it");
    term = e.term;
    prev = op.entry_hash;
    ++expected;
  }

  // Each column family's keys go into the batch in ascending order. RocksDB inserts a batch
  // into its memtables in batch order, and a skip list insert starts from where the previous
  // one ended: keys that follow each other are found in a few steps, where random ones search
  // the whole list from the top (the batch path spent most of the applier's time there).
  // Within a group no key repeats in a family, so the order changes nothing else.
  Batch b(m.cf);
  std::vector<std::pair<Hash, uint64_t>> op_ids;
  std::vector<std::string> history;
  std::vector<AccountId> accounts;
  std::vector<BookKey> balances;
  op_ids.reserve(group.size());
  history.reserve(group.size() * 2);
  bool governance_changed = false;
  for (const auto& op : group) {
    std::string seq = SeqKey(op.entry.sequence);
    b.Put(kJournal, seq, EncodeEntry(op.entry, op.entry_hash));
    b.Put(kPostings, seq, EncodePostings(op.delta.postings));
    op_ids.emplace_back(op.op_id, op.entry.sequence);
    for (const auto& id : op.touched) history.push_back(HistoryKey(id, op.entry.sequence));
    for (const auto& id : op.indexed) history.push_back(HistoryKey(id, op.entry.sequence));
    for (const auto& a : op.delta.accounts) accounts.push_back(a.id);
    for (const auto& p : op.delta.postings) balances.push_back(p.key);
    if (op.delta.governance) governance_changed = true;
  }
  std::sort(op_ids.begin(), op_ids.end());
  for (const auto& [id, sequence] : op_ids) b.Put(kOpIndex, id.view(), SeqKey(sequence));
  std::sort(history.begin(), history.end());
  for (const auto& k : history) b.Put(kHistory, k, "");
  // The record as the whole group left it: a later op of the group may have changed it again.
  if (governance_changed) b.Put(kMeta, kGovernanceKey, EncodeGovernance(state_after.governance()));
  std::sort(accounts.begin(), accounts.end());
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  for (const auto& id : accounts) {
    const Account* a = state_after.FindAccount(id);
    if (!a)
      return Status(Code::kInvalidArgument,
                    "the state after the group lacks account " + ToHex(id) + " that it wrote");
    b.Put(kAccounts, id.view(), EncodeAccount(*a));
  }
  // Sorted as their encoded keys sort: slot first, then owner.
  auto by_key = [](const BookKey& x, const BookKey& y) {
    return std::pair(static_cast<uint8_t>(x.slot), x.owner) <
           std::pair(static_cast<uint8_t>(y.slot), y.owner);
  };
  std::sort(balances.begin(), balances.end(), by_key);
  balances.erase(std::unique(balances.begin(), balances.end()), balances.end());
  std::string v;
  for (const auto& key : balances) {
    int64_t balance = state_after.Balance(key);
    if (balance == 0) {
      b.Delete(kBalances, BalanceKey(key));
    } else {
      v.clear();
      PutI64(&v, balance);
      b.Put(kBalances, BalanceKey(key), v);
    }
  }
  const JournalEntry& last = group.back().entry;
  HeadState head{last.sequence, group.back().entry_hash, last.time_ms, last.term};
  b.Put(kMeta, kTotalsKey, EncodeTotals(state_after.totals()));
  b.Put(kMeta, kDigestKey, state_after.full_digest().Stored());
  b.Put(kMeta, kHeadKey, EncodeHead(head));

  // The head anchor records this group as in flight while RocksDB writes it, on the anchor's own
  // thread: a group pays the longer of the two syncs, not their sum. Once both are durable the
  // group may be acknowledged, and the anchor records that with the next group, or on its own
  // shortly after (Settle) if none comes.
  const AnchorRecord in_flight{m.ledger_id, m.head.sequence, m.head.head_hash, head.sequence,
                               head.head_hash};
  m.anchor->Begin(in_flight);
  Status s = m.Write(&b, "appending entries " + std::to_string(group.front().entry.sequence) +
                             " to " + std::to_string(last.sequence));
  Status as = m.anchor->Wait();
  if (!s.ok()) return s;
  m.head = head;
  if (!as.ok()) return as;
  m.anchor->Settle(
      AnchorRecord{m.ledger_id, head.sequence, head.head_hash, head.sequence, head.head_hash});
  return Status::Ok();
}

Status Store::ReadEntry(uint64_t sequence, JournalEntry* entry, Hash* entry_hash) const {
  const Impl& m = *impl_;
  std::string key = SeqKey(sequence), v;
  Status s = m.Get(kJournal, key, &v);
  if (s.code() == Code::kNotFound)
    return Status(Code::kNotFound, "no journal entry " + std::to_string(sequence));
  if (!s.ok()) return s;
  entry->sequence = sequence;
  if (!DecodeEntry(v, entry, entry_hash)) return m.Corrupt(kJournal, key, "does not decode");
  // The stored hash must be the hash of the stored bytes: a cheap check on every read.
  if (EntryHash(*entry) != *entry_hash)
    return m.Corrupt(kJournal, key, "does not match its entry hash");
  return Status::Ok();
}

Status Store::ReadPostings(uint64_t sequence, std::vector<Posting>* postings) const {
  const Impl& m = *impl_;
  std::string key = SeqKey(sequence), v;
  Status s = m.Get(kPostings, key, &v);
  if (s.code() == Code::kNotFound)
    return Status(Code::kNotFound, "no postings for entry " + std::to_string(sequence));
  if (!s.ok()) return s;
  Reader r(v);
  uint32_t n = r.U32();
  if (!r.ok() || v.size() != 4 + size_t{n} * kPostingSize)
    return m.Corrupt(kPostings, key, "does not decode");
  postings->clear();
  postings->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t slot = r.U8();
    Posting p;
    p.key.owner = r.Fixed<32>();
    p.amount = r.I64();
    if (!IsKnownSlot(slot)) return m.Corrupt(kPostings, key, "names an unknown slot");
    p.key.slot = static_cast<Slot>(slot);
    postings->push_back(p);
  }
  if (!r.Done()) return m.Corrupt(kPostings, key, "does not decode");
  return Status::Ok();
}

Status Store::FindOperation(const Hash& op_id, uint64_t* sequence) const {
  const Impl& m = *impl_;
  std::string v;
  Status s = m.Get(kOpIndex, op_id.view(), &v);
  if (s.code() == Code::kNotFound)
    return Status(Code::kNotFound, "no applied operation has the id " + ToHex(op_id));
  if (!s.ok()) return s;
  if (v.size() != 8) return m.Corrupt(kOpIndex, op_id.view(), "does not decode");
  *sequence = DecodeFixed64BE(v.data());
  return Status::Ok();
}

Status Store::History(const AccountId& account, uint64_t before, size_t limit,
                      std::vector<uint64_t>* sequences) const {
  const Impl& m = *impl_;
  sequences->clear();
  if (limit == 0 || before == 1) return Status::Ok();
  // Newest first: seek to the last key at or below account|before-1 and walk back; the lower
  // bound stops the walk at the account's first entry, so a page reads only its own keys.
  std::string lower(account.view());
  rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(m.db->NewIterator(ro, m.cf[kHistory]));
  uint64_t top = before == 0 ? std::numeric_limits<uint64_t>::max() : before - 1;
  for (it->SeekForPrev(HistoryKey(account, top)); it->Valid() && sequences->size() < limit;
       it->Prev()) {
    std::string_view k = ToView(it->key());
    if (k.size() != kHistoryKeySize) return m.Corrupt(kHistory, k, "has a bad key");
    if (k.substr(0, 32) != account.view()) break;
    sequences->push_back(DecodeFixed64BE(k.data() + 32));
  }
  return m.FromRocks(it->status(), "reading the history of " + ToHex(account));
}

Status Store::HistoryFrom(const AccountId& account, uint64_t from, size_t limit,
                          std::vector<uint64_t>* sequences) const {
  const Impl& m = *impl_;
  sequences->clear();
  if (limit == 0) return Status::Ok();
  // Oldest first: seek to account|from and walk forward; the upper bound (the next account's
  // prefix) stops the walk at the account's last entry.
  std::string upper(HistoryKey(account, std::numeric_limits<uint64_t>::max()));
  upper.push_back('\0');
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(m.db->NewIterator(ro, m.cf[kHistory]));
  for (it->Seek(HistoryKey(account, from)); it->Valid() && sequences->size() < limit; it->Next()) {
    std::string_view k = ToView(it->key());
    if (k.size() != kHistoryKeySize) return m.Corrupt(kHistory, k, "has a bad key");
    if (k.substr(0, 32) != account.view()) break;
    sequences->push_back(DecodeFixed64BE(k.data() + 32));
  }
  return m.FromRocks(it->status(), "reading the history of " + ToHex(account));
}

Status Store::PutCheckpoint(const Checkpoint& checkpoint, const Signature& signature) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.write_mu);
  Batch b(m.cf);
  b.Put(kMeta, kCheckpointKey, EncodeCheckpoint(checkpoint, signature));
  if (!m.anchor) return m.Write(&b, "writing a checkpoint");
  // A checkpoint is signed from a durable head: the anchor records that head as acknowledged
  // before the checkpoint can be published, so no start-up goes below a signed head.
  m.anchor->Begin(AnchorRecord{m.ledger_id, m.head.sequence, m.head.head_hash, m.head.sequence,
                               m.head.head_hash});
  Status s = m.Write(&b, "writing a checkpoint");
  Status as = m.anchor->Wait();
  return s.ok() ? as : s;
}

HeadState Store::head() const {
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  return impl_->head;
}

Status Store::CutAfter(const HeadState& head, const MemoryState& state) {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.write_mu);
  if (!m.initialized || !m.anchor)
    return Status(Code::kInvalidArgument, m.dir + " holds no ledger yet");
  if (head.sequence > m.head.sequence)
    return Status(Code::kInvalidArgument,
                  "cannot cut the journal after entry " + std::to_string(head.sequence) +
                      ": it ends at entry " + std::to_string(m.head.sequence));
  if (head.sequence == m.head.sequence) return Status::Ok();
  if (head.sequence == 0) {
    if (head.head_hash != m.ledger_id)
      return Status(Code::kInvalidArgument, "sequence 0's hash is the ledger id");
  } else {
    std::string v;
    Status s = m.Get(kJournal, SeqKey(head.sequence), &v);
    if (!s.ok()) return s;
    JournalEntry e;
    e.sequence = head.sequence;
    Hash stored;
    if (!DecodeEntry(v, &e, &stored))
      return m.Corrupt(kJournal, SeqKey(head.sequence), "does not decode");
    if (stored != head.head_hash || e.term != head.term || e.time_ms != head.time_ms)
      return Status(Code::kInvalidArgument, "the head to cut back to is not the stored entry " +
                                                std::to_string(head.sequence));
  }
  Batch b(m.cf);
  for (uint64_t q = head.sequence + 1; q <= m.head.sequence; ++q) {
    b.Delete(kJournal, SeqKey(q));
    b.Delete(kPostings, SeqKey(q));
  }
  // The indexes name sequences in their keys (history) or values (op_index): whole scans, for
  // an event that happens at a failover, not on any operation's path.
  {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(m.db->NewIterator(ro, m.cf[kHistory]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view k = ToView(it->key());
      if (k.size() == kHistoryKeySize &&
          DecodeFixed64BE(k.data() + kHistoryKeySize - 8) > head.sequence)
        b.Delete(kHistory, k);
    }
    if (!it->status().ok()) return m.FromRocks(it->status(), "reading the history index");
    it.reset(m.db->NewIterator(ro, m.cf[kOpIndex]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view v = ToView(it->value());
      if (v.size() == 8 && DecodeFixed64BE(v.data()) > head.sequence)
        b.Delete(kOpIndex, ToView(it->key()));
    }
    if (!it->status().ok()) return m.FromRocks(it->status(), "reading the operation index");
  }
  // The state: every account and balance written again from `state`.
  for (Cf c : {kAccounts, kBalances}) {
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it(m.db->NewIterator(ro, m.cf[c]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) b.Delete(c, ToView(it->key()));
    if (!it->status().ok()) return m.FromRocks(it->status(), "reading " + CfText(c));
  }
  Impl::PutState(state, &b);
  b.Put(kMeta, kHeadKey, EncodeHead(head));
  std::string cp;
  Status cs = m.Get(kMeta, kCheckpointKey, &cp);
  if (cs.ok() && (cp.size() != kCheckpointSize || DecodeFixed64BE(cp.data()) > head.sequence))
    b.Delete(kMeta, kCheckpointKey);
  else if (!cs.ok() && cs.code() != Code::kNotFound)
    return cs;
  // The anchor first: with it at `head`, the old journal (whose head is above) still opens, and
  // so does the cut one.
  Status s = m.anchor->Write(
      AnchorRecord{m.ledger_id, head.sequence, head.head_hash, head.sequence, head.head_hash});
  if (!s.ok()) return s;
  s = m.Write(&b, "cutting the journal after entry " + std::to_string(head.sequence));
  if (!s.ok()) return s;
  m.head = head;
  return Status::Ok();
}

Status Store::ReadCheckpoint(Checkpoint* checkpoint, Signature* signature) const {
  const Impl& m = *impl_;
  std::string v;
  Status s = m.Get(kMeta, kCheckpointKey, &v);
  if (s.code() == Code::kNotFound) return Status(Code::kNotFound, "no checkpoint yet");
  if (!s.ok()) return s;
  if (v.size() != kCheckpointSize) return m.Corrupt(kMeta, kCheckpointKey, "does not decode");
  Reader r(v);
  checkpoint->sequence = r.U64();
  checkpoint->head_hash = r.Fixed<32>();
  checkpoint->state_digest = r.Fixed<32>();
  checkpoint->time_ms = r.I64();
  *signature = r.Fixed<64>();
  if (!r.Done()) return m.Corrupt(kMeta, kCheckpointKey, "does not decode");
  return Status::Ok();
}

Status Store::OrderIndexComplete(bool* complete) const {
  std::string v;
  Status s = impl_->Get(kMeta, kOrderIndexKey, &v);
  if (s.code() == Code::kNotFound) {
    *complete = false;
    return Status::Ok();
  }
  if (!s.ok()) return s;
  if (v != "1") return impl_->Corrupt(kMeta, kOrderIndexKey, "is not \"1\"");
  *complete = true;
  return Status::Ok();
}

Status Store::PutIndexed(const std::vector<std::pair<Hash, uint64_t>>& keys, bool complete) {
  Impl& m = *impl_;
  std::vector<std::string> sorted;
  sorted.reserve(keys.size());
  for (const auto& [id, sequence] : keys) sorted.push_back(HistoryKey(id, sequence));
  std::sort(sorted.begin(), sorted.end());
  Batch b(m.cf);
  for (const auto& k : sorted) b.Put(kHistory, k, "");
  if (complete) b.Put(kMeta, kOrderIndexKey, "1");
  return m.Write(&b, "writing the standing orders' index");
}

Status Store::PutNodeSeed(const Seed& seed) {
  Impl& m = *impl_;
  Batch b(m.cf);
  b.Put(kMeta, kNodeSeedKey, seed.view());
  return m.Write(&b, "writing the node's seed");
}

Status Store::ReadNodeSeed(Seed* seed) const {
  const Impl& m = *impl_;
  std::string v;
  Status s = m.Get(kMeta, kNodeSeedKey, &v);
  if (s.code() == Code::kNotFound) return Status(Code::kNotFound, "no node seed yet");
  if (!s.ok()) return s;
  if (!seed->Assign(v)) return m.Corrupt(kMeta, kNodeSeedKey, "is not 32 bytes");
  return Status::Ok();
}

Status Store::CopyTo(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(impl_->db.get(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (s.ok()) s = checkpoint->CreateCheckpoint(dir);
  if (!s.ok()) return impl_->FromRocks(s, "copying the database to " + dir);
  return Status::Ok();
}

std::optional<uint64_t> Store::IntProperty(std::string_view name, bool per_family) const {
  uint64_t value = 0;
  const rocksdb::Slice property(name.data(), name.size());
  const bool known = per_family ? impl_->db->GetAggregatedIntProperty(property, &value)
                                : impl_->db->GetIntProperty(property, &value);
  if (!known) return std::nullopt;
  return value;
}

}  // namespace liard::node

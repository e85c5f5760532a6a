// Journal: the hash chain of accepted operations, signed checkpoints and the state digest.
// Pure definitions shared by the node that writes them and the auditors that check them.
#ifndef LIARD_LEDGER_JOURNAL_H_
#define LIARD_LEDGER_JOURNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/crypto.h"
#include "ledger/domains.h"
#include "ledger/operation.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace liard {

// One accepted operation in the global order. Only accepted operations are journaled: a
// refused one changes nothing, so there is nothing to record.
struct JournalEntry {
  uint64_t sequence = 0;  // 1, 2, 3, ... without gaps
  int64_t time_ms = 0;    // the node's clock when applied: the ApplyContext of every replay
  Hash prev_hash;         // EntryHash of entry sequence - 1; the ledger id for entry 1
  std::string envelope;   // the liard.v1.SignedOperation bytes (body, key, signature)
  // The leadership term of the primary that wrote it (genesis version 7 on, EntriesCarryTerm):
  // 1 or more, never lower than the previous entry's. 0 in the journals of earlier versions.
  uint64_t term = 0;
};

// Term 0 (genesis versions 1 to 6):
//   SHA-256(kEntryDomain || u64be(sequence) || i64be(time_ms) || prev_hash || envelope).
// Term 1 or more (version 7 on):
//   SHA-256(kTermedEntryDomain || u64be(sequence) || i64be(time_ms) || prev_hash || u64be(term)
//           || envelope).
// Changing any byte of any entry changes every later hash: history cannot be edited quietly.
// Which formula applies is fixed by the ledger's version: CheckEntryTerm refuses a term of 0 in
// a version 7 journal and any other in an older one, so no entry can switch formulas.
Hash EntryHash(const JournalEntry& entry);

// The term rule of a journal whose genesis is version `termed` (EntriesCarryTerm) or not: an
// entry after one of term `prev_term` (0 before the first entry) must carry term 0 in an
// untermed journal, and a term of at least max(1, prev_term) in a termed one. Ok, or
// kCorruption saying which rule the entry breaks ("its term 3 is lower than ...", for the caller
// to prefix with the entry). A term never goes down along the chain, so an
// entry written by a deposed primary (a lower term) cannot follow one of its successor.
[[nodiscard]] Status CheckEntryTerm(bool termed, uint64_t prev_term, const JournalEntry& entry);

// An entry and its hash, as they are chained and stored.
struct HashedEntry {
  JournalEntry entry;
  Hash hash;  // EntryHash(entry)
};

// The entry that follows a journal's head (its last entry's sequence and hash; 0 and the ledger
// id before the first): sequence head_sequence + 1, chained to head_hash, stamped with time_ms,
// holding the accepted operation's envelope. The one place entries are made, by the node's
// applier and the start-up benchmark alike.
HashedEntry NextEntry(uint64_t head_sequence, const Hash& head_hash, int64_t time_ms,
                      std::string envelope, uint64_t term = 0);

// A statement by the node's key: "after entry `sequence`, whose hash is `head_hash`, the state
// digest was `state_digest`".
struct Checkpoint {
  uint64_t sequence = 0;
  Hash head_hash;
  Hash state_digest;
  int64_t time_ms = 0;
};

// kCheckpointDomain || ledger_id || u64be(sequence) || head_hash || state_digest ||
// i64be(time_ms): the exact bytes the node signs.
std::string CheckpointMessage(const Hash& ledger_id, const Checkpoint& checkpoint);

// State digest rules, chosen by the genesis version (StateDigestRuleOf in ledger/genesis.h) and
// fixed for the life of a ledger: a journal made under rule 1 replays and verifies under rule 1.
inline constexpr uint32_t kStateDigestSum = 1;     // sum of record hashes mod 2^256
inline constexpr uint32_t kStateDigestLtHash = 2;  // LtHash of record hashes

// Rule 2's domains (ledger/domains.h): kLtHashNonce, the ChaCha20 nonce that expands a record
// hash into its 1024 lanes, and kLtHashDomain, the prefix of the hash of the lanes.

// A lattice homomorphic hash (LtHash; Bellare–Micciancio 1997, parameters of Lewi et al. 2019,
// "Securing update propagation with homomorphic hashing"): 1024 lanes of 16 bits. A record
// hash r is expanded to 2048 bytes, ChaCha20(key = r, nonce = kLtHashNonce, counter 0)'s
// keystream, read as 1024 little-endian u16 lanes; the set's hash is the lane-wise sum of its
// records' expansions mod 2^16. Finding two record sets with the same sum is a short integer
// solution problem, unlike the 256-bit sum of rule 1 (Wagner's generalised birthday attack).
class LtHash {
 public:
  static constexpr size_t kLanes = 1024;
  static constexpr size_t kBytes = 2 * kLanes;

  void Add(const Hash& record);
  void Remove(const Hash& record);
  // Lane-wise sum with another LtHash: the set union of disjoint sets.
  void Add(const LtHash& other);
  // SHA-256(kLtHashDomain || Bytes()): what checkpoints and GetHead carry.
  Hash Checksum() const;
  // The 2048 bytes: lane i as u16 little-endian at offset 2i.
  std::string Bytes() const;
  // False unless `bytes` is exactly kBytes long.
  [[nodiscard]] static bool FromBytes(std::string_view bytes, LtHash* out);
  friend bool operator==(const LtHash&, const LtHash&) = default;

 private:
  alignas(32) std::array<uint16_t, kLanes> lanes_{};
};

// The state digest of a ledger's records (each account record, each non-zero balance, and the
// one governance record), under the ledger's rule. Both rules are sums, so the digest is updated
// per change in O(1), and any two parties who hold the same records compute the same digest,
// whatever their order.
// Rule 1 (kStateDigestSum): the sum, modulo 2^256, of the record hashes.
// Rule 2 (kStateDigestLtHash): the LtHash of the record hashes.
class StateDigest {
 public:
  explicit StateDigest(uint32_t rule = kStateDigestSum) : rule_(rule) {}
  uint32_t rule() const { return rule_; }
  void Add(const Hash& record);
  void Remove(const Hash& record);
  // Adds a digest of the same rule (of records disjoint from this one's).
  void Add(const StateDigest& other);
  // The 32 bytes checkpoints carry. Rule 1: the sum, little-endian. Rule 2: LtHash::Checksum.
  Hash value() const;
  // What the node stores to continue updating it: value() for rule 1, the 2048 lane bytes for
  // rule 2.
  std::string Stored() const;
  // False if `stored` does not have the rule's length.
  [[nodiscard]] static bool FromStored(uint32_t rule, std::string_view stored, StateDigest* out);
  // Rule 1 only: the sum itself is the value.
  static StateDigest FromValue(const Hash& value);
  friend bool operator==(const StateDigest&, const StateDigest&) = default;

 private:
  uint32_t rule_;
  std::array<uint64_t, 4> limbs_{};  // rule 1: little-endian 256-bit integer
  LtHash lattice_;                   // rule 2
};

// SHA-256(kStateDomain || 'A' || id || key || kind || status || u64be(sequence) ||
//         u64be(len(name)) || name || u64be(roles) || i64be(member_until_ms) || freeze_reason)
// for an account with no staff key and no card; with them, "\0extras" || u64be(len(freeze_reason))
// || EncodeAccountExtras(account) follow.
Hash AccountRecordHash(const Account& account);
// SHA-256(kStateDomain || 'B' || slot || owner || i64be(balance)).
Hash BalanceRecordHash(const BookKey& key, int64_t balance);

// The member accounts an operation concerns (the actor, accounts opened, accounts whose units
// or euro claims moved), each once: what goes into their histories and watch streams.
std::vector<AccountId> TouchedAccounts(const Operation& op, const Delta& delta);

}  // namespace liard

#endif  // LIARD_LEDGER_JOURNAL_H_

// MemoryState: a StateView held in hash maps, with the commit of deltas. The node keeps its
// working state in one (loaded from RocksDB at start-up); tests use it directly.
#ifndef LIARD_LEDGER_MEMORY_STATE_H_
#define LIARD_LEDGER_MEMORY_STATE_H_

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/journal.h"
#include "ledger/state.h"

namespace liard {

// Not thread-safe: one writer, or readers under the owner's lock.
class MemoryState final : public StateView {
 public:
  // Empty, with the empty governance record (a record of the state like any other, so that the
  // digest always covers exactly one). `digest_rule` is the ledger's StateDigestRuleOf(genesis).
  explicit MemoryState(uint32_t digest_rule = kStateDigestSum);

  const Account* FindAccount(const AccountId& id) const override;
  int64_t Balance(const BookKey& key) const override;
  const Totals& totals() const override { return totals_; }
  const Governance& governance() const override { return governance_; }
  // Built from every account's name on the first call (so start-up computes no skeleton, and a
  // version 1 or 2 ledger never does), then kept up to date by every change. Thread-safe
  // against other const calls.
  std::vector<AccountId> AccountsNamedLike(const std::string& skeleton) const override;

  // Applies a delta that the ledger accepted. Cannot fail: the ledger checked for overflow.
  void Commit(const Delta& delta);

  // Restores one record or balance as stored (the node's start-up). Totals must be set after.
  void PutAccount(Account account);
  void PutBalance(const BookKey& key, int64_t balance);
  void SetTotals(const Totals& totals) { totals_ = totals; }
  // Replaces the governance record (start-up, or a delta that carries one).
  void PutGovernance(Governance governance);

  // Start-up's fast path: records new to this state, whose digest the caller sums itself
  // (AccountRecordHash, BalanceRecordHash into a StateDigest of this state's rule), possibly on
  // another thread, and adds with AddToDigest. A wrong sum only makes the digest differ from the
  // stored one, which the store reports as corruption. False (and nothing changed) if the
  // record is not new, or the balance is zero.
  void Reserve(size_t accounts, size_t balances);
  [[nodiscard]] bool RestoreAccount(Account account);
  [[nodiscard]] bool RestoreBalance(const BookKey& key, int64_t balance);
  void AddToDigest(const StateDigest& records) { digest_.Add(records); }

  // The digest of every record held (see StateDigest), kept up to date by every change: the
  // 32 bytes checkpoints carry, and the whole digest (what the store keeps).
  Hash digest() const { return digest_.value(); }
  const StateDigest& full_digest() const { return digest_; }
  uint32_t digest_rule() const { return digest_.rule(); }

  size_t account_count() const { return accounts_.size(); }
  // The ids of the accounts whose card is not empty, in id order, whatever their status: the
  // directory's pages (ListDirectory). Derived from accounts_, not part of the digest.
  const std::set<AccountId>& carded() const { return carded_; }
  const std::unordered_map<AccountId, Account>& accounts() const { return accounts_; }
  // Every book account with a non-zero balance, for full checks.
  std::vector<std::pair<BookKey, int64_t>> NonZeroBalances() const;
  // The owners of the non-zero balances of one slot, in no particular order: a scan of every
  // balance (the node's start-up, to find the live standing orders).
  std::vector<Bytes<32>> OwnersIn(Slot slot) const;

 private:
  std::unordered_map<AccountId, Account> accounts_;
  std::unordered_map<BookKey, int64_t> balances_;
  std::set<AccountId> carded_;
  Totals totals_{};
  Governance governance_;
  StateDigest digest_;
  // Name skeleton -> accounts (AccountsNamedLike): derived from accounts_, not part of the
  // digest. Behind a pointer, so that the state stays movable; a copy, and what a move leaves,
  // start with an index of their own, not built yet.
  struct NameIndex {
    std::mutex mu;
    bool built = false;
    std::unordered_multimap<std::string, AccountId> ids;
  };
  struct NameIndexPtr {
    NameIndexPtr() = default;
    NameIndexPtr(const NameIndexPtr&) {}
    NameIndexPtr& operator=(const NameIndexPtr&) {
      p = std::make_unique<NameIndex>();
      return *this;
    }
    NameIndexPtr(NameIndexPtr&& o) : p(std::exchange(o.p, std::make_unique<NameIndex>())) {}
    NameIndexPtr& operator=(NameIndexPtr&& o) {
      p = std::exchange(o.p, std::make_unique<NameIndex>());
      return *this;
    }
    NameIndex* operator->() const { return p.get(); }
    std::unique_ptr<NameIndex> p = std::make_unique<NameIndex>();
  };
  void IndexName(const Account& account);
  NameIndexPtr names_;
};

}  // namespace liard

#endif  // LIARD_LEDGER_MEMORY_STATE_H_

// MemoryState: hash maps and running totals.
#include "ledger/memory_state.h"

namespace liard {

const Account* MemoryState::FindAccount(const AccountId& id) const {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

int64_t MemoryState::Balance(const BookKey& key) const {
  auto it = balances_.find(key);
  return it == balances_.end() ? 0 : it->second;
}

void MemoryState::Commit(const Delta& delta) {
  for (const auto& a : delta.accounts) PutAccount(a);
  if (delta.governance) PutGovernance(*delta.governance);
  for (const auto& p : delta.postings) {
    PutBalance(p.key, Balance(p.key) + p.amount);
    totals_[static_cast<size_t>(p.key.slot)] += p.amount;
  }
}

void MemoryState::PutAccount(Account account) {
  auto [it, inserted] = accounts_.try_emplace(account.id);
  if (!inserted) digest_.Remove(AccountRecordHash(it->second));
  it->second = std::move(account);
  digest_.Add(AccountRecordHash(it->second));
}

MemoryState::MemoryState() { digest_.Add(GovernanceRecordHash(governance_)); }

void MemoryState::PutGovernance(Governance governance) {
  digest_.Remove(GovernanceRecordHash(governance_));
  governance_ = std::move(governance);
  digest_.Add(GovernanceRecordHash(governance_));
}

void MemoryState::PutBalance(const BookKey& key, int64_t balance) {
  auto it = balances_.find(key);
  if (it != balances_.end()) {
    digest_.Remove(BalanceRecordHash(key, it->second));
    if (balance == 0) {
      balances_.erase(it);
      return;
    }
    it->second = balance;
  } else if (balance != 0) {
    balances_.emplace(key, balance);
  } else {
    return;
  }
  digest_.Add(BalanceRecordHash(key, balance));
}

void MemoryState::Reserve(size_t accounts, size_t balances) {
  accounts_.reserve(accounts);
  balances_.reserve(balances);
}

void MemoryState::RestoreAccount(Account account, const Hash& record_hash) {
  auto [it, inserted] = accounts_.try_emplace(account.id, std::move(account));
  if (!inserted) {  // not new after all: take the careful path
    PutAccount(std::move(account));
    return;
  }
  digest_.Add(record_hash);
}

void MemoryState::RestoreBalance(const BookKey& key, int64_t balance, const Hash& record_hash) {
  if (balance == 0) return;
  auto [it, inserted] = balances_.try_emplace(key, balance);
  if (!inserted) {
    PutBalance(key, balance);
    return;
  }
  digest_.Add(record_hash);
}

std::vector<std::pair<BookKey, int64_t>> MemoryState::NonZeroBalances() const {
  return {balances_.begin(), balances_.end()};
}

}  // namespace liard

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
  for (const auto& a : delta.accounts) accounts_[a.id] = a;
  for (const auto& p : delta.postings) {
    int64_t& b = balances_[p.key];
    b += p.amount;
    if (b == 0) balances_.erase(p.key);
    totals_[static_cast<size_t>(p.key.slot)] += p.amount;
  }
}

void MemoryState::PutAccount(Account account) {
  AccountId id = account.id;
  accounts_[id] = std::move(account);
}

void MemoryState::PutBalance(const BookKey& key, int64_t balance) {
  if (balance == 0)
    balances_.erase(key);
  else
    balances_[key] = balance;
}

std::vector<std::pair<BookKey, int64_t>> MemoryState::NonZeroBalances() const {
  return {balances_.begin(), balances_.end()};
}

}  // namespace liard

// MemoryState: hash maps and running totals.
#include "ledger/memory_state.h"

#include "ledger/text.h"

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
  const bool renamed = inserted || it->second.name != account.name;
  if (!inserted) digest_.Remove(AccountRecordHash(it->second));
  if (renamed && !inserted) {
    std::lock_guard lock(names_->mu);
    if (names_->built) {
      auto range = names_->ids.equal_range(NameSkeleton(it->second.name));
      for (auto n = range.first; n != range.second; ++n)
        if (n->second == it->second.id) {
          names_->ids.erase(n);
          break;
        }
    }
  }
  if (!account.card.empty())
    carded_.insert(account.id);
  else if (!inserted && !it->second.card.empty())
    carded_.erase(account.id);
  it->second = std::move(account);
  digest_.Add(AccountRecordHash(it->second));
  if (renamed) IndexName(it->second);
}

void MemoryState::IndexName(const Account& account) {
  std::lock_guard lock(names_->mu);
  if (names_->built) names_->ids.emplace(NameSkeleton(account.name), account.id);
}

std::vector<AccountId> MemoryState::AccountsNamedLike(const std::string& skeleton) const {
  std::lock_guard lock(names_->mu);
  if (!names_->built) {
    names_->ids.reserve(accounts_.size());
    for (const auto& [id, a] : accounts_) names_->ids.emplace(NameSkeleton(a.name), id);
    names_->built = true;
  }
  std::vector<AccountId> out;
  auto range = names_->ids.equal_range(skeleton);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

MemoryState::MemoryState(uint32_t digest_rule) : digest_(digest_rule) {
  digest_.Add(GovernanceRecordHash(governance_));
}

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

bool MemoryState::RestoreAccount(Account account) {
  const AccountId id = account.id;
  auto [it, inserted] = accounts_.try_emplace(id, std::move(account));
  if (inserted) {
    IndexName(it->second);
    if (!it->second.card.empty()) carded_.insert(id);
  }
  return inserted;
}

bool MemoryState::RestoreBalance(const BookKey& key, int64_t balance) {
  return balance != 0 && balances_.try_emplace(key, balance).second;
}

std::vector<std::pair<BookKey, int64_t>> MemoryState::NonZeroBalances() const {
  return {balances_.begin(), balances_.end()};
}

std::vector<Bytes<32>> MemoryState::OwnersIn(Slot slot) const {
  std::vector<Bytes<32>> out;
  for (const auto& [key, balance] : balances_)
    if (key.slot == slot && balance != 0) out.push_back(key.owner);
  return out;
}

}  // namespace liard

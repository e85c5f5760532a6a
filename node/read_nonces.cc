// The set of used read nonces, pruned by expiry and bounded.
#include "node/read_nonces.h"

namespace liard::node {

void ReadNonces::Forget(int64_t now_ms) {
  // A request valid until t is refused from t + 1 on: its nonce can go then.
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now_ms) {
    const std::string& key = by_expiry_.begin()->second;
    AccountId reader;
    (void)reader.Assign(std::string_view(key).substr(0, 32));
    auto count = per_reader_count_.find(reader);
    if (count != per_reader_count_.end() && --count->second == 0) per_reader_count_.erase(count);
    seen_.erase(key);
    by_expiry_.erase(by_expiry_.begin());
  }
}

ReadNonces::Result ReadNonces::Use(const AccountId& reader, std::string_view nonce,
                                   int64_t not_after_ms, int64_t now_ms) {
  std::string key(reader.view());
  key.append(nonce);
  std::lock_guard lock(mu_);
  Forget(now_ms);
  if (seen_.count(key) != 0) return Result::kSeen;
  auto count = per_reader_count_.find(reader);
  const bool reader_full = count != per_reader_count_.end() && count->second >= per_reader_;
  if (seen_.size() >= capacity_ || reader_full) return Result::kFull;
  seen_.emplace(key, not_after_ms);
  by_expiry_.emplace(not_after_ms, std::move(key));
  ++per_reader_count_[reader];
  return Result::kFresh;
}

size_t ReadNonces::size() const {
  std::lock_guard lock(mu_);
  return seen_.size();
}

}  // namespace liard::node

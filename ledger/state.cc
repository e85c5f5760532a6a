// Effects of a delta: summed per book account and per slot, with overflow checks.
#include "ledger/state.h"

#include <algorithm>
#include <string>

namespace liard {

Status ComputeEffects(const StateView& state, const Delta& delta, Effects* out) {
  Effects effects;
  effects.totals_after = state.totals();
  // Deltas touch few keys (a batch payment touches one per leg): a sorted vector beats a map.
  std::vector<Posting> sorted = delta.postings;
  std::sort(sorted.begin(), sorted.end(),
            [](const Posting& a, const Posting& b) { return a.key < b.key; });
  for (size_t i = 0; i < sorted.size();) {
    const BookKey& key = sorted[i].key;
    int64_t balance = state.Balance(key);
    for (; i < sorted.size() && sorted[i].key == key; ++i) {
      int64_t& total = effects.totals_after[static_cast<size_t>(key.slot)];
      if (__builtin_add_overflow(balance, sorted[i].amount, &balance) ||
          __builtin_add_overflow(total, sorted[i].amount, &total))
        return Status(Code::kBalanceOverflow,
                      "the " + std::string(SlotName(key.slot)) + " balance would overflow");
    }
    effects.balances_after.emplace_back(key, balance);
  }
  *out = std::move(effects);
  return Status::Ok();
}

}  // namespace liard

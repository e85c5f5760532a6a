// ReadNonces: the nonces of the private reads a node granted, so that each request is used once.
#ifndef LIARD_NODE_READ_NONCES_H_
#define LIARD_NODE_READ_NONCES_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ledger/account.h"

namespace liard::node {

// How many nonces the node keeps at most, in all and per reader. A request lives at most
// kMaxReadLifetimeMs (5 minutes): 200,000 is 660 private reads a second, sustained, and one
// reader (who could otherwise fill the set and stop everyone's reads) may hold 10,000.
inline constexpr size_t kMaxReadNonces = 200'000;
inline constexpr size_t kMaxReadNoncesPerReader = 10'000;

// Each nonce is kept, with its reader, until its request's not_after_ms has passed: by then the
// request is refused as expired anyway. When full, a new nonce is refused rather than an old one
// forgotten early (forgetting would let its request be replayed). Memory only: a restart forgets
// the set (docs/protocol.md, "Private reads"). Thread-safe.
class ReadNonces {
 public:
  enum class Result {
    kFresh,  // recorded: the read may proceed
    kSeen,   // this reader used this nonce before: a replay
    kFull,   // no room (in all, or for this reader) until some requests expire
  };

  ReadNonces(size_t capacity, size_t per_reader) : capacity_(capacity), per_reader_(per_reader) {}

  // Forgets the nonces whose request expired before `now_ms`, then records `nonce` of `reader`
  // until `not_after_ms`.
  Result Use(const AccountId& reader, std::string_view nonce, int64_t not_after_ms, int64_t now_ms);
  size_t size() const;

 private:
  void Forget(int64_t now_ms);  // mu_ held

  const size_t capacity_;
  const size_t per_reader_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> seen_;  // reader || nonce -> not_after_ms
  std::multimap<int64_t, std::string> by_expiry_;  // not_after_ms -> reader || nonce
  std::unordered_map<AccountId, size_t> per_reader_count_;
};

}  // namespace liard::node

#endif  // LIARD_NODE_READ_NONCES_H_

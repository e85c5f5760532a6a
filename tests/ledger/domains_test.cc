// Domains: the bytes of every domain-separation prefix, pinned. They are protocol: a changed
// byte here means every ledger id, signature and journal hash made so far no longer verifies.
#include "ledger/domains.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "ledger/crypto.h"

namespace liard {
namespace {

struct Pinned {
  const char* name;
  std::string_view bytes;
  const char* hex;
};

TEST_CASE("every domain-separation prefix has exactly its historical bytes", "[ledger][domains]") {
  const Pinned pinned[] = {
      {"kGenesisDomain", kGenesisDomain, "6c696172642f76312f67656e6573697300"},
      {"kOperationDomain", kOperationDomain, "6c696172642f76312f6f7065726174696f6e00"},
      {"kEntryDomain", kEntryDomain, "6c696172642f76312f656e74727900"},
      {"kCheckpointDomain", kCheckpointDomain, "6c696172642f76312f636865636b706f696e7400"},
      {"kStateDomain", kStateDomain, "6c696172642f76312f737461746500"},
      {"kReadDomain", kReadDomain, "6c696172642f76312f7265616400"},
      {"kSimulateDomain", kSimulateDomain, "6c696172642f76312f73696d756c61746500"},
      {"kReplaySnapshotDomain", kReplaySnapshotDomain,
       "6c696172642f76312f7265706c61792d736e617073686f7400"},
      {"kProgrammeDomain", kProgrammeDomain, "6c696172642f76312f70726f6772616d6d6500"},
      {"kTallyDomain", kTallyDomain, "6c696172642f76312f74616c6c7900"},
      {"kDailyDomain", kDailyDomain, "6c696172642f76312f6461696c7900"},
      {"kRequestDomain", kRequestDomain, "6c696172642f76312f7265717565737400"},
      {"kRefundableDomain", kRefundableDomain, "6c696172642f76312f726566756e6461626c6500"},
      {"kStaffRefundDomain", kStaffRefundDomain, "6c696172642f76312f73746166662d726566756e6400"},
      {"kMandateDomain", kMandateDomain, "6c696172642f76312f6d616e6461746500"},
      {"kEarmarkDomain", kEarmarkDomain, "6c696172642f76312f6561726d61726b00"},
      {"kOrderDomain", kOrderDomain, "6c696172642f76312f6f7264657200"},
      {"kLtHashDomain", kLtHashDomain, "6c696172642f76322f73746174652d6c746861736800"},
      {"kLtHashNonce", kLtHashNonce, "6c696172642f6c7468617368"},
      {"kStandbyAckDomain", kStandbyAckDomain, "6c696172642f76312f7374616e6462792d61636b00"},
      {"kOrdersOfDomain", kOrdersOfDomain, "6c696172642f6e6f64652f6f72646572732d6f6600"},
      {"kTermedEntryDomain", kTermedEntryDomain, "6c696172642f76312f7465726d65642d656e74727900"},
  };
  std::set<std::string_view> distinct;
  for (const Pinned& p : pinned) {
    INFO(p.name);
    CHECK(ToHex(p.bytes) == p.hex);
    distinct.insert(p.bytes);
  }
  CHECK(distinct.size() == std::size(pinned));
}

TEST_CASE("a domain keeps its literal's terminating NUL and a tag drops it", "[ledger][domains]") {
  static_assert(Domain("ab").size() == 3);
  static_assert(Domain("ab")[2] == '\0');
  static_assert(Tag("ab").size() == 2);
  // Every NUL-terminated domain ends with its only NUL, so none is a prefix of another.
  for (std::string_view d :
       {kGenesisDomain, kOperationDomain, kEntryDomain, kCheckpointDomain, kStateDomain,
        kReadDomain, kSimulateDomain, kReplaySnapshotDomain, kProgrammeDomain, kTallyDomain,
        kDailyDomain, kLtHashDomain, kStandbyAckDomain, kTermedEntryDomain}) {
    INFO(std::string(d.substr(0, d.size() - 1)));
    CHECK(d.back() == '\0');
    CHECK(d.find('\0') == d.size() - 1);
  }
  CHECK(kLtHashNonce.find('\0') == std::string_view::npos);
}

}  // namespace
}  // namespace liard

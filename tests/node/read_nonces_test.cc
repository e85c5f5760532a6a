// The node's set of used read nonces: single use, forgotten at expiry, bounded.
#include "node/read_nonces.h"

#include <catch2/catch.hpp>

#include <string>

#include "tests/ledger/fixture.h"

namespace liard::node {
namespace {

using testing::KeyFor;
using Result = ReadNonces::Result;

const AccountId kAlice = KeyFor("alice").public_key();
const AccountId kBob = KeyFor("bob").public_key();
constexpr int64_t kNow = 1'000'000;

std::string Nonce(int n) { return "nonce-" + std::to_string(n) + std::string(10, '.'); }

TEST_CASE("a read nonce is accepted once until its request expires", "[node][reads]") {
  ReadNonces set(100, 100);
  CHECK(set.Use(kAlice, Nonce(1), kNow + 2'000, kNow) == Result::kFresh);
  CHECK(set.Use(kAlice, Nonce(1), kNow + 2'000, kNow + 1'000) == Result::kSeen);
  // Another reader's nonce of the same bytes is another request.
  CHECK(set.Use(kBob, Nonce(1), kNow + 2'000, kNow + 1'000) == Result::kFresh);
  // Kept through its last valid millisecond, forgotten after: by then the request is refused as
  // expired anyway.
  CHECK(set.Use(kAlice, Nonce(1), kNow + 2'000, kNow + 2'000) == Result::kSeen);
  CHECK(set.Use(kAlice, Nonce(2), kNow + 9'000, kNow + 2'001) == Result::kFresh);
  CHECK(set.size() == 1);
}

TEST_CASE("a full nonce set refuses new reads rather than forget one early", "[node][reads]") {
  SECTION("in all") {
    ReadNonces set(3, 3);
    CHECK(set.Use(kAlice, Nonce(1), kNow + 1'000, kNow) == Result::kFresh);
    CHECK(set.Use(kAlice, Nonce(2), kNow + 5'000, kNow) == Result::kFresh);
    CHECK(set.Use(kBob, Nonce(3), kNow + 5'000, kNow) == Result::kFresh);
    CHECK(set.Use(kBob, Nonce(4), kNow + 5'000, kNow) == Result::kFull);
    // The replay is still caught when full.
    CHECK(set.Use(kAlice, Nonce(1), kNow + 1'000, kNow + 500) == Result::kSeen);
    // Once the first expires there is room again.
    CHECK(set.Use(kBob, Nonce(4), kNow + 5'000, kNow + 1'001) == Result::kFresh);
    CHECK(set.size() == 3);
  }
  SECTION("for one reader, who cannot crowd out the others") {
    ReadNonces set(100, 2);
    CHECK(set.Use(kAlice, Nonce(1), kNow + 5'000, kNow) == Result::kFresh);
    CHECK(set.Use(kAlice, Nonce(2), kNow + 5'000, kNow) == Result::kFresh);
    CHECK(set.Use(kAlice, Nonce(3), kNow + 5'000, kNow) == Result::kFull);
    CHECK(set.Use(kBob, Nonce(3), kNow + 5'000, kNow) == Result::kFresh);
    CHECK(set.Use(kAlice, Nonce(3), kNow + 5'000, kNow + 5'001) == Result::kFresh);
  }
}

}  // namespace
}  // namespace liard::node

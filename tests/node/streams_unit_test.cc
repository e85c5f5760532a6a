// The stream caps and the peer address they count by (node/streams.h).
#include <catch2/catch.hpp>

#include "node/streams.h"

namespace liard::node {

TEST_CASE("a stream's peer is counted by its address, without the port", "[node][streams]") {
  CHECK(PeerAddress("ipv4:127.0.0.1:5555") == "127.0.0.1");
  CHECK(PeerAddress("ipv6:[::1]:5555") == "[::1]");
  CHECK(PeerAddress("ipv6:[2001:db8::7]:443") == "[2001:db8::7]");
  CHECK(PeerAddress("unix:/run/liard.sock") == "unix:/run/liard.sock");
  CHECK(PeerAddress("") == "");
}

TEST_CASE("streams beyond a cap are refused, and a closed one frees its place", "[node][streams]") {
  StreamLimits limits(3, 2);
  REQUIRE(limits.Acquire("a").ok());
  REQUIRE(limits.Acquire("a").ok());
  grpc::Status third = limits.Acquire("a");
  CHECK(third.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(third.error_message().find("max_streams_per_peer = 2") != std::string::npos);
  REQUIRE(limits.Acquire("b").ok());
  grpc::Status total = limits.Acquire("c");
  CHECK(total.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(total.error_message().find("max_streams = 3") != std::string::npos);
  CHECK(limits.open() == 3);  // refusals count nothing
  limits.Release("a");
  CHECK(limits.open() == 2);
  CHECK(limits.Acquire("c").ok());
  CHECK_FALSE(limits.Acquire("a").ok());  // the total is reached again
}

}  // namespace liard::node

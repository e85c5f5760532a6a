// The Connect protocol's pieces (node/connect.h): content types, the code table, envelopes, the
// error and end-of-stream JSON, timeouts, and protobuf's JSON mapping of the generated messages.
#include "node/connect.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "liard/v1/node.grpc.pb.h"

namespace liard::node::connect {
namespace {

TEST_CASE("Connect content types choose the codec and the shape, and nothing else passes",
          "[node][connect]") {
  Codec codec;
  Shape shape;
  REQUIRE(ParseContentType("application/json", &codec, &shape));
  CHECK((codec == Codec::kJson && shape == Shape::kUnary));
  REQUIRE(ParseContentType("Application/JSON; charset=utf-8", &codec, &shape));
  CHECK((codec == Codec::kJson && shape == Shape::kUnary));
  REQUIRE(ParseContentType("application/proto", &codec, &shape));
  CHECK((codec == Codec::kProto && shape == Shape::kUnary));
  REQUIRE(ParseContentType("application/connect+json", &codec, &shape));
  CHECK((codec == Codec::kJson && shape == Shape::kStream));
  REQUIRE(ParseContentType("application/connect+proto", &codec, &shape));
  CHECK((codec == Codec::kProto && shape == Shape::kStream));
  for (const char* other : {"", "text/plain", "application/grpc", "application/grpc-web+proto",
                            "application/jsonx", "application/x-protobuf"}) {
    INFO(other);
    CHECK_FALSE(ParseContentType(other, &codec, &shape));
  }
  CHECK(ContentType(Codec::kProto, Shape::kStream) == "application/connect+proto");
  CHECK(ContentType(Codec::kJson, Shape::kUnary) == "application/json");
}

TEST_CASE("every gRPC code has Connect's name and HTTP status", "[node][connect]") {
  using C = grpc::StatusCode;
  const std::vector<std::tuple<C, std::string, int>> table = {
      {C::CANCELLED, "canceled", 499},
      {C::UNKNOWN, "unknown", 500},
      {C::INVALID_ARGUMENT, "invalid_argument", 400},
      {C::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
      {C::NOT_FOUND, "not_found", 404},
      {C::ALREADY_EXISTS, "already_exists", 409},
      {C::PERMISSION_DENIED, "permission_denied", 403},
      {C::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
      {C::FAILED_PRECONDITION, "failed_precondition", 400},
      {C::ABORTED, "aborted", 409},
      {C::OUT_OF_RANGE, "out_of_range", 400},
      {C::UNIMPLEMENTED, "unimplemented", 501},
      {C::INTERNAL, "internal", 500},
      {C::UNAVAILABLE, "unavailable", 503},
      {C::DATA_LOSS, "data_loss", 500},
      {C::UNAUTHENTICATED, "unauthenticated", 401},
  };
  for (const auto& [code, name, status] : table) {
    INFO(name);
    CHECK(CodeName(code) == name);
    CHECK(HttpStatus(code) == status);
  }
}

TEST_CASE("an envelope is one flag byte, a big-endian length and the message", "[node][connect]") {
  const std::string env = Envelope(kFlagEndStream, std::string(300, 'x'));
  REQUIRE(env.size() == 305);
  CHECK(env.substr(0, 5) == std::string("\x02\x00\x00\x01\x2c", 5));
  std::string payload, error;
  REQUIRE(ParseSingleEnvelope(Envelope(0, "{}"), 100, &payload, &error));
  CHECK(payload == "{}");
  REQUIRE(ParseSingleEnvelope(Envelope(0, ""), 100, &payload, &error));
  CHECK(payload.empty());

  CHECK_FALSE(ParseSingleEnvelope(std::string("\0\0\0", 3), 100, &payload, &error));
  CHECK_THAT(error, Catch::Contains("fewer than the envelope's 5"));
  CHECK_FALSE(ParseSingleEnvelope(Envelope(kFlagCompressed, "{}"), 100, &payload, &error));
  CHECK_THAT(error, Catch::Contains("compressed"));
  CHECK_FALSE(ParseSingleEnvelope(Envelope(kFlagEndStream, "{}"), 100, &payload, &error));
  CHECK_THAT(error, Catch::Contains("flags 2"));
  CHECK_FALSE(ParseSingleEnvelope(Envelope(0, std::string(101, 'x')), 100, &payload, &error));
  CHECK_THAT(error, Catch::Contains("more than the node takes (100)"));
  CHECK_FALSE(ParseSingleEnvelope(Envelope(0, "{}") + Envelope(0, "{}"), 100, &payload, &error));
  CHECK_THAT(error, Catch::Contains("exactly one message"));
  CHECK_FALSE(ParseSingleEnvelope(Envelope(0, "{}").substr(0, 6), 100, &payload, &error));
}

TEST_CASE("the error and end-of-stream JSON carry the code, the message and the trailers",
          "[node][connect]") {
  const auto error = nlohmann::json::parse(
      ErrorJson(grpc::StatusCode::FAILED_PRECONDITION, "INSUFFICIENT_FUNDS: \"a\" \xc3\xa9"));
  CHECK(error["code"] == "failed_precondition");
  CHECK(error["message"] == "INSUFFICIENT_FUNDS: \"a\" \xc3\xa9");
  CHECK(error["details"] == nlohmann::json::array());

  CHECK(EndStreamJson(grpc::Status::OK, {}) == "{}");
  const auto end = nlohmann::json::parse(
      EndStreamJson(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "expired"),
                    {{"liard-resume-from", "42"}, {"liard-code", "1"}, {"liard-code", "2"}}));
  CHECK(end["error"]["code"] == "deadline_exceeded");
  CHECK(end["error"]["message"] == "expired");
  CHECK(end["metadata"]["liard-resume-from"] == nlohmann::json::array({"42"}));
  CHECK(end["metadata"]["liard-code"] == nlohmann::json::array({"1", "2"}));
}

TEST_CASE("Connect-Timeout-Ms is 1 to 10 digits", "[node][connect]") {
  int64_t ms = 0;
  REQUIRE(ParseTimeoutMs("500", &ms));
  CHECK(ms == 500);
  REQUIRE(ParseTimeoutMs("9999999999", &ms));
  CHECK(ms == 9'999'999'999);
  for (const char* bad : {"", "12345678901", "-1", "1.5", "soon", " 5"}) {
    INFO(bad);
    CHECK_FALSE(ParseTimeoutMs(bad, &ms));
  }
}

TEST_CASE("methods are found by their URL path, and JSON goes through protobuf's own mapping",
          "[node][connect]") {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "liard.v1.LedgerService");
  REQUIRE(service != nullptr);
  const auto* submit = FindMethod(*service, "/liard.v1.LedgerService/Submit");
  REQUIRE(submit != nullptr);
  CHECK(submit->name() == "Submit");
  CHECK(FindMethod(*service, "/liard.v1.LedgerService/Watch")->server_streaming());
  CHECK(FindMethod(*service, "/liard.v1.LedgerService/") == nullptr);
  CHECK(FindMethod(*service, "/liard.v1.LedgerService/Nope") == nullptr);
  CHECK(FindMethod(*service, "/other.Service/Submit") == nullptr);
  CHECK(FindMethod(*service, "liard.v1.LedgerService/Submit") == nullptr);

  const auto* watch = FindMethod(*service, "/liard.v1.LedgerService/Watch");
  std::string bytes, error;
  // lowerCamelCase or the proto's own names; 64-bit integers as strings or numbers.
  REQUIRE(RequestBytes(
      *watch->input_type(), Codec::kJson,
      R"({"account":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","fromSequence":"7"})", &bytes,
      &error));
  liard::v1::WatchRequest req;
  REQUIRE(req.ParseFromString(bytes));
  CHECK(req.account() == std::string(32, '\0'));
  CHECK(req.from_sequence() == 7);
  REQUIRE(
      RequestBytes(*watch->input_type(), Codec::kJson, R"({"from_sequence":8})", &bytes, &error));
  REQUIRE(req.ParseFromString(bytes));
  CHECK(req.from_sequence() == 8);
  // Unknown fields and malformed JSON are refused, naming the message.
  CHECK_FALSE(RequestBytes(*watch->input_type(), Codec::kJson, R"({"acount":""})", &bytes, &error));
  CHECK_THAT(error, Catch::Contains("liard.v1.WatchRequest") && Catch::Contains("acount"));
  CHECK_FALSE(RequestBytes(*watch->input_type(), Codec::kJson, "{", &bytes, &error));
  // Binary goes to the node as it is (it decodes it with its own checks).
  REQUIRE(RequestBytes(*watch->input_type(), Codec::kProto, "\xff", &bytes, &error));
  CHECK(bytes == "\xff");

  liard::v1::SubmitResponse resp;
  resp.set_sequence(42);
  resp.set_duplicate(true);
  std::string json;
  REQUIRE(ResponsePayload(*submit->output_type(), Codec::kJson, resp.SerializeAsString(), &json,
                          &error));
  CHECK(json == R"({"sequence":"42","duplicate":true})");
  CHECK_FALSE(ResponsePayload(*submit->output_type(), Codec::kJson, "\xff\xff", &json, &error));
}

}  // namespace
}  // namespace liard::node::connect

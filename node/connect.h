// Connect: the pieces of the Connect protocol (connectrpc.com) that the web gateway speaks to
// browsers: the code table, the error JSON, the stream envelope, the codecs. Pure functions,
// no I/O; docs/protocol.md ("Browsers: the HTTP mapping (Connect)") is the contract.
#ifndef LIARD_NODE_CONNECT_H_
#define LIARD_NODE_CONNECT_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liard::node::connect {

// The envelope's flags: a compressed message (refused: the gateway speaks identity only) and the
// end of a response stream (its payload is the end-of-stream JSON).
inline constexpr uint8_t kFlagCompressed = 0x01;
inline constexpr uint8_t kFlagEndStream = 0x02;
inline constexpr size_t kEnvelopeHeaderBytes = 5;

// The codec a request chose by its Content-Type.
enum class Codec { kJson, kProto };
enum class Shape { kUnary, kStream };

// Content-Type → codec and shape: application/json, application/proto (unary),
// application/connect+json, application/connect+proto (streams). Parameters (";charset=utf-8")
// are ignored. False for any other type.
bool ParseContentType(std::string_view content_type, Codec* codec, Shape* shape);
std::string ContentType(Codec codec, Shape shape);

// Connect's name of a gRPC code ("invalid_argument", "canceled", ...), and its HTTP status for a
// unary error (400, 499, ...).
std::string_view CodeName(grpc::StatusCode code);
int HttpStatus(grpc::StatusCode code);

// Metadata as Connect carries it: keys in lower case, each with its values in order. Values of
// "-bin" keys are base64 (standard alphabet, unpadded) as Connect requires.
using Metadata = std::vector<std::pair<std::string, std::string>>;
Metadata FromGrpc(const std::multimap<grpc::string_ref, grpc::string_ref>& md);

// {"code":"...","message":"...","details":[]}: the body of a unary error, and the "error" member
// of the end-of-stream message.
std::string ErrorJson(grpc::StatusCode code, std::string_view message);
// The end-of-stream message: {"error":{...}} when `status` is not OK, and "metadata" with the
// trailers ({"liard-code":["228"]}) when there are any; "{}" for a clean end without trailers.
std::string EndStreamJson(const grpc::Status& status, const Metadata& trailers);

// One envelope: the flag byte, the payload's length (4 bytes, big-endian), the payload.
std::string Envelope(uint8_t flags, std::string_view payload);
// Reads exactly one envelope filling all of `body`. False with *error set (a sentence) if
// `body` is not one whole envelope, is compressed or is larger than `max_payload`.
bool ParseSingleEnvelope(std::string_view body, size_t max_payload, std::string* payload,
                         std::string* error);

// Connect-Timeout-Ms: 1 to 10 ASCII digits. False if malformed.
bool ParseTimeoutMs(std::string_view text, int64_t* ms);

// A method of a service, by the URL path "/package.Service/Method"; nullptr if the path names
// no method of `service`.
const google::protobuf::MethodDescriptor* FindMethod(
    const google::protobuf::ServiceDescriptor& service, std::string_view path);

// The request payload in `codec` → the request message's bytes (for gRPC). JSON is read by
// protobuf's own JSON mapping into the generated message (unknown fields refused). False with
// *error set if the payload is not a valid message of `type`.
bool RequestBytes(const google::protobuf::Descriptor& type, Codec codec, std::string_view payload,
                  std::string* bytes, std::string* error);
// A response message's bytes (from gRPC) → its payload in `codec`. JSON by protobuf's own JSON
// mapping (field names in lowerCamelCase, 64-bit integers as strings, bytes as base64).
bool ResponsePayload(const google::protobuf::Descriptor& type, Codec codec, std::string_view bytes,
                     std::string* payload, std::string* error);

}  // namespace liard::node::connect

#endif  // LIARD_NODE_CONNECT_H_

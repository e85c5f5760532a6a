// The Connect protocol's pieces (see connect.h).
#include "node/connect.h"

#include <google/protobuf/util/json_util.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

namespace liard::node::connect {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Base64(std::string_view bytes) {
  std::string out(
      sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

nlohmann::json ErrorObject(grpc::StatusCode code, std::string_view message) {
  nlohmann::json error = nlohmann::json::object();
  error["code"] = std::string(CodeName(code));
  if (!message.empty()) error["message"] = std::string(message);
  error["details"] = nlohmann::json::array();
  return error;
}

}  // namespace

bool ParseContentType(std::string_view content_type, Codec* codec, Shape* shape) {
  const size_t semi = content_type.find(';');
  const std::string type = Lower(Trim(content_type.substr(0, semi)));
  if (type == "application/json") {
    *codec = Codec::kJson;
    *shape = Shape::kUnary;
  } else if (type == "application/proto") {
    *codec = Codec::kProto;
    *shape = Shape::kUnary;
  } else if (type == "application/connect+json") {
    *codec = Codec::kJson;
    *shape = Shape::kStream;
  } else if (type == "application/connect+proto") {
    *codec = Codec::kProto;
    *shape = Shape::kStream;
  } else {
    return false;
  }
  return true;
}

std::string ContentType(Codec codec, Shape shape) {
  const char* name = codec == Codec::kJson ? "json" : "proto";
  return std::string(shape == Shape::kStream ? "application/connect+" : "application/") + name;
}

std::string_view CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "ok";
    case grpc::StatusCode::CANCELLED:
      return "canceled";
    case grpc::StatusCode::UNKNOWN:
      return "unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "failed_precondition";
    case grpc::StatusCode::ABORTED:
      return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

int HttpStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:  // UNKNOWN, INTERNAL, DATA_LOSS
      return 500;
  }
}

Metadata FromGrpc(const std::multimap<grpc::string_ref, grpc::string_ref>& md) {
  Metadata out;
  for (const auto& [key, value] : md) {
    std::string k = Lower(std::string_view(key.data(), key.size()));
    std::string_view v(value.data(), value.size());
    const bool binary = k.size() > 4 && k.compare(k.size() - 4, 4, "-bin") == 0;
    out.emplace_back(std::move(k), binary ? Base64(v) : std::string(v));
  }
  return out;
}

std::string ErrorJson(grpc::StatusCode code, std::string_view message) {
  return ErrorObject(code, message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EndStreamJson(const grpc::Status& status, const Metadata& trailers) {
  nlohmann::json end = nlohmann::json::object();
  if (!status.ok()) end["error"] = ErrorObject(status.error_code(), status.error_message());
  if (!trailers.empty()) {
    nlohmann::json md = nlohmann::json::object();
    for (const auto& [k, v] : trailers) md[k].push_back(v);
    end["metadata"] = std::move(md);
  }
  return end.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Envelope(uint8_t flags, std::string_view payload) {
  std::string out;
  out.reserve(kEnvelopeHeaderBytes + payload.size());
  const uint32_t n = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(payload);
  return out;
}

bool ParseSingleEnvelope(std::string_view body, size_t max_payload, std::string* payload,
                         std::string* error) {
  if (body.size() < kEnvelopeHeaderBytes) {
    *error = "the request body is not an enveloped message: it has " + std::to_string(body.size()) +
             " bytes, fewer than the envelope's 5";
    return false;
  }
  const auto* b = reinterpret_cast<const unsigned char*>(body.data());
  const uint8_t flags = b[0];
  const uint64_t n = (uint64_t{b[1]} << 24) | (uint64_t{b[2]} << 16) | (uint64_t{b[3]} << 8) | b[4];
  if (flags & kFlagCompressed) {
    *error = "the request message is compressed; this server takes identity encoding only";
    return false;
  }
  if (flags != 0) {
    *error = "the request envelope has flags " + std::to_string(flags) + "; a request takes 0";
    return false;
  }
  if (n > max_payload) {
    *error = "the request message has " + std::to_string(n) + " bytes, more than the node takes (" +
             std::to_string(max_payload) + ")";
    return false;
  }
  if (body.size() - kEnvelopeHeaderBytes != n) {
    *error = "the request body holds " + std::to_string(body.size() - kEnvelopeHeaderBytes) +
             " bytes after the envelope header, which announces " + std::to_string(n) +
             "; a server stream takes exactly one message";
    return false;
  }
  payload->assign(body.substr(kEnvelopeHeaderBytes));
  return true;
}

bool ParseTimeoutMs(std::string_view text, int64_t* ms) {
  if (text.empty() || text.size() > 10) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *ms = v;
  return true;
}

const google::protobuf::MethodDescriptor* FindMethod(
    const google::protobuf::ServiceDescriptor& service, std::string_view path) {
  const std::string prefix = "/" + service.full_name() + "/";
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return nullptr;
  return service.FindMethodByName(std::string(path.substr(prefix.size())));
}

namespace {

std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  if (prototype == nullptr) return nullptr;
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

}  // namespace

bool RequestBytes(const google::protobuf::Descriptor& type, Codec codec, std::string_view payload,
                  std::string* bytes, std::string* error) {
  if (codec == Codec::kProto) {
    // The node decodes the bytes itself, with the very checks and errors of a gRPC call.
    bytes->assign(payload);
    return true;
  }
  std::unique_ptr<google::protobuf::Message> message = NewMessage(type);
  if (message == nullptr) {
    *error = "no message type " + type.full_name();
    return false;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(payload.data(), payload.size()), message.get(), options);
  if (!status.ok()) {
    *error = "the request is not a valid " + type.full_name() +
             " in JSON: " + std::string(status.message());
    return false;
  }
  if (!message->SerializeToString(bytes)) {
    *error = "the request could not be encoded as " + type.full_name();
    return false;
  }
  return true;
}

bool ResponsePayload(const google::protobuf::Descriptor& type, Codec codec, std::string_view bytes,
                     std::string* payload, std::string* error) {
  if (codec == Codec::kProto) {
    payload->assign(bytes);
    return true;
  }
  std::unique_ptr<google::protobuf::Message> message = NewMessage(type);
  if (message == nullptr ||
      !message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    *error = "the node's answer is not a valid " + type.full_name();
    return false;
  }
  payload->clear();
  const auto status = google::protobuf::util::MessageToJsonString(*message, payload);
  if (!status.ok()) {
    *error = "the node's answer cannot be written as JSON: " + std::string(status.message());
    return false;
  }
  return true;
}

}  // namespace liard::node::connect

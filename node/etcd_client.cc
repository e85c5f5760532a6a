// EtcdClient: etcd's v3 JSON gateway over HTTP/1.1 (cpp-httplib, nlohmann::json, libsodium's
// base64).
#include "node/etcd_client.h"

#include <httplib.h>
#include <sodium.h>

#include <charconv>
#include <nlohmann/json.hpp>

namespace liard::node {
namespace {

using Json = nlohmann::json;

std::string B64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool FromB64(std::string_view text, std::string* out) {
  out->assign(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), text.data(),
                        text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return false;
  out->resize(len);
  return true;
}

// The gateway writes 64-bit integers as strings ("42") and leaves out zeros.
bool Int(const Json& object, const char* name, int64_t* out) {
  *out = 0;
  auto it = object.find(name);
  if (it == object.end()) return true;
  if (it->is_number_integer()) {
    *out = it->get<int64_t>();
    return true;
  }
  if (!it->is_string()) return false;
  const std::string& s = it->get_ref<const std::string&>();
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ReadKeyValue(const Json& kv, EtcdKeyValue* out) {
  if (!kv.is_object()) return false;
  std::string key = kv.value("key", ""), value = kv.value("value", "");
  return FromB64(key, &out->key) && FromB64(value, &out->value) &&
         Int(kv, "create_revision", &out->create_revision) &&
         Int(kv, "mod_revision", &out->mod_revision) && Int(kv, "lease", &out->lease);
}

// The end of the range of keys starting with `prefix`: the prefix with its last byte below 0xff
// incremented (etcd's "range_end").
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) < 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

Status Malformed(const std::string& what) {
  return Status(Code::kCorruption, "etcd answered " + what + " in a form its API does not give");
}

Status ParseJson(const std::string& text, Json* out) {
  *out = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded() || !out->is_object()) return Malformed("something that is not JSON");
  return Status::Ok();
}

}  // namespace

EtcdClient::EtcdClient(EtcdOptions options) : options_(std::move(options)) {}
EtcdClient::~EtcdClient() = default;

Status EtcdClient::Call(const std::string& path, const std::string& body, std::string* answer) {
  const size_t n = options_.endpoints.size();
  if (n == 0) return Status(Code::kUnavailable, "no etcd endpoint is configured");
  size_t first;
  {
    std::lock_guard lock(mu_);
    first = preferred_;
  }
  std::string last_error;
  for (size_t i = 0; i < n; ++i) {
    const size_t at = (first + i) % n;
    const std::string& endpoint = options_.endpoints[at];
    httplib::Client client("http://" + endpoint);
    const time_t secs = static_cast<time_t>(options_.timeout_ms / 1000);
    const time_t usecs = static_cast<time_t>((options_.timeout_ms % 1000) * 1000);
    client.set_connection_timeout(secs, usecs);
    client.set_read_timeout(secs, usecs);
    client.set_write_timeout(secs, usecs);
    httplib::Result r = client.Post(path, body, "application/json");
    if (!r) {
      last_error = endpoint + ": " + httplib::to_string(r.error());
      continue;
    }
    if (r->status == 200) {
      *answer = std::move(r->body);
      std::lock_guard lock(mu_);
      preferred_ = at;
      return Status::Ok();
    }
    // A gRPC error through the gateway: {"error": "...", "code": N, "message": "..."}.
    Json error;
    std::string message = r->body.substr(0, 200);
    if (ParseJson(r->body, &error).ok()) message = error.value("message", message);
    if (r->status == 404 || message.find("not found") != std::string::npos)
      return Status(Code::kNotFound, "etcd at " + endpoint + ": " + message);
    // Unavailable (a member without a leader, say): the next member may answer.
    last_error = endpoint + ": HTTP " + std::to_string(r->status) + " " + message;
  }
  return Status(Code::kUnavailable, "no etcd endpoint answered (" + last_error + ")");
}

Status EtcdClient::Grant(int64_t ttl_s, int64_t* lease) {
  std::string answer;
  Status s = Call("/v3/lease/grant", Json{{"TTL", ttl_s}}.dump(), &answer);
  if (!s.ok()) return s;
  Json j;
  if (s = ParseJson(answer, &j); !s.ok()) return s;
  if (!Int(j, "ID", lease) || *lease == 0) return Malformed("a lease grant");
  return Status::Ok();
}

Status EtcdClient::KeepAlive(int64_t lease, int64_t* ttl_s) {
  std::string answer;
  Status s = Call("/v3/lease/keepalive", Json{{"ID", std::to_string(lease)}}.dump(), &answer);
  if (!s.ok()) return s;
  // A stream of one message, the renewal: {"result": {"ID": ..., "TTL": ...}}.
  Json j;
  if (s = ParseJson(answer.substr(0, answer.find('\n')), &j); !s.ok()) return s;
  auto result = j.find("result");
  if (result == j.end() || !result->is_object() || !Int(*result, "TTL", ttl_s))
    return Malformed("a lease renewal");
  if (*ttl_s <= 0) return Status(Code::kNotFound, "the lease expired");
  return Status::Ok();
}

Status EtcdClient::Revoke(int64_t lease) {
  std::string answer;
  Status s = Call("/v3/lease/revoke", Json{{"ID", std::to_string(lease)}}.dump(), &answer);
  return s.code() == Code::kNotFound ? Status::Ok() : s;
}

Status EtcdClient::CreateIfAbsent(std::string_view key, std::string_view value, int64_t lease,
                                  bool* created, EtcdKeyValue* current) {
  const std::string k = B64(key);
  Json txn = {
      {"compare",
       Json::array(
           {{{"key", k}, {"target", "CREATE"}, {"create_revision", "0"}, {"result", "EQUAL"}}})},
      {"success",
       Json::array({{{"request_put",
                      {{"key", k}, {"value", B64(value)}, {"lease", std::to_string(lease)}}}}})},
      {"failure", Json::array({{{"request_range", {{"key", k}}}}})},
  };
  std::string answer;
  Status s = Call("/v3/kv/txn", txn.dump(), &answer);
  if (!s.ok()) return s;
  Json j;
  if (s = ParseJson(answer, &j); !s.ok()) return s;
  *created = j.value("succeeded", false);
  if (*created) {
    int64_t revision = 0;
    auto header = j.find("header");
    if (header == j.end() || !Int(*header, "revision", &revision) || revision <= 0)
      return Malformed("a transaction");
    *current = EtcdKeyValue{std::string(key), std::string(value), revision, revision, lease};
    return Status::Ok();
  }
  // The failure branch's range: the key as someone else holds it (or nothing, if it vanished
  // between the compare and the read: there is no between, a transaction is atomic).
  try {
    const Json& kvs = j.at("responses").at(0).at("response_range").at("kvs");
    if (kvs.size() != 1 || !ReadKeyValue(kvs.at(0), current)) return Malformed("a transaction");
  } catch (const Json::exception&) {
    return Malformed("a transaction");
  }
  return Status::Ok();
}

Status EtcdClient::Put(std::string_view key, std::string_view value, int64_t lease) {
  Json put = {{"key", B64(key)}, {"value", B64(value)}};
  if (lease != 0) put["lease"] = std::to_string(lease);
  std::string answer;
  return Call("/v3/kv/put", put.dump(), &answer);
}

Status EtcdClient::Get(std::string_view key, std::optional<EtcdKeyValue>* out) {
  std::string answer;
  Status s = Call("/v3/kv/range", Json{{"key", B64(key)}}.dump(), &answer);
  if (!s.ok()) return s;
  Json j;
  if (s = ParseJson(answer, &j); !s.ok()) return s;
  out->reset();
  auto kvs = j.find("kvs");
  if (kvs == j.end()) return Status::Ok();
  EtcdKeyValue kv;
  if (!kvs->is_array() || kvs->size() != 1 || !ReadKeyValue(kvs->at(0), &kv))
    return Malformed("a read");
  *out = std::move(kv);
  return Status::Ok();
}

Status EtcdClient::GetPrefix(std::string_view prefix, int64_t limit,
                             std::vector<EtcdKeyValue>* out) {
  std::string answer;
  Status s = Call("/v3/kv/range",
                  Json{{"key", B64(prefix)},
                       {"range_end", B64(PrefixEnd(prefix))},
                       {"limit", std::to_string(limit)}}
                      .dump(),
                  &answer);
  if (!s.ok()) return s;
  Json j;
  if (s = ParseJson(answer, &j); !s.ok()) return s;
  out->clear();
  auto kvs = j.find("kvs");
  if (kvs == j.end()) return Status::Ok();
  if (!kvs->is_array()) return Malformed("a read");
  for (const Json& item : *kvs) {
    EtcdKeyValue kv;
    if (!ReadKeyValue(item, &kv)) return Malformed("a read");
    out->push_back(std::move(kv));
  }
  return Status::Ok();
}

Status EtcdClient::DeleteIfCreatedAt(std::string_view key, int64_t create_revision, bool* deleted) {
  const std::string k = B64(key);
  Json txn = {
      {"compare", Json::array({{{"key", k},
                                {"target", "CREATE"},
                                {"create_revision", std::to_string(create_revision)},
                                {"result", "EQUAL"}}})},
      {"success", Json::array({{{"request_delete_range", {{"key", k}}}}})},
  };
  std::string answer;
  Status s = Call("/v3/kv/txn", txn.dump(), &answer);
  if (!s.ok()) return s;
  Json j;
  if (s = ParseJson(answer, &j); !s.ok()) return s;
  *deleted = j.value("succeeded", false);
  return Status::Ok();
}

}  // namespace liard::node

// EtcdClient: the few calls of etcd's documented v3 API that leadership needs (a lease, a key
// created only if absent, reads by key or prefix, a guarded delete), spoken to etcd's JSON
// gateway (POST /v3/...) over HTTP/1.1 with cpp-httplib. Keys and values travel in base64.
#ifndef LIARD_NODE_ETCD_CLIENT_H_
#define LIARD_NODE_ETCD_CLIENT_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace liard::node {

struct EtcdOptions {
  // The cluster's client URLs' HOST:PORT (plain HTTP), tried in order until one answers.
  std::vector<std::string> endpoints;
  // Each request's connection, read and write timeout.
  int64_t timeout_ms = 1000;
};

// One key as etcd holds it.
struct EtcdKeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;  // the cluster revision that created it: our term
  int64_t mod_revision = 0;
  int64_t lease = 0;  // 0: bound to no lease
};

// Thread-safe (each call makes its own request). Every call returns kUnavailable when no
// endpoint answered (naming the last error), kCorruption when an answer is not what the API
// documents, and the named code otherwise.
class EtcdClient {
 public:
  explicit EtcdClient(EtcdOptions options);
  ~EtcdClient();

  // A new lease of `ttl_s` seconds: its id.
  [[nodiscard]] Status Grant(int64_t ttl_s, int64_t* lease);
  // Renews a lease; *ttl_s is what is left of it after the renewal. kNotFound if it expired
  // (or was revoked): whatever was bound to it is gone.
  [[nodiscard]] Status KeepAlive(int64_t lease, int64_t* ttl_s);
  // Ends a lease at once, deleting the keys bound to it. Ok if it had expired already.
  [[nodiscard]] Status Revoke(int64_t lease);
  // One transaction: if `key` does not exist, puts `value` bound to `lease`. *created says
  // whether this call created it; *current is the key as it is after the call (created or
  // someone else's).
  [[nodiscard]] Status CreateIfAbsent(std::string_view key, std::string_view value, int64_t lease,
                                      bool* created, EtcdKeyValue* current);
  // Puts `value` under `key`, bound to `lease` (0: none).
  [[nodiscard]] Status Put(std::string_view key, std::string_view value, int64_t lease);
  // The key, or nullopt if it does not exist.
  [[nodiscard]] Status Get(std::string_view key, std::optional<EtcdKeyValue>* out);
  // Every key that starts with `prefix`, in key order (at most `limit`).
  [[nodiscard]] Status GetPrefix(std::string_view prefix, int64_t limit,
                                 std::vector<EtcdKeyValue>* out);
  // Deletes `key` if it is still the one created at `create_revision`; *deleted says whether it
  // was.
  [[nodiscard]] Status DeleteIfCreatedAt(std::string_view key, int64_t create_revision,
                                         bool* deleted);

 private:
  // POSTs a JSON body to `path` on the first endpoint that answers; the answer's body.
  Status Call(const std::string& path, const std::string& body, std::string* answer);

  const EtcdOptions options_;
  std::mutex mu_;
  size_t preferred_ = 0;  // under mu_: the endpoint that answered last
};

}  // namespace liard::node

#endif  // LIARD_NODE_ETCD_CLIENT_H_

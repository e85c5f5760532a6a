#include "tests/e2e/cluster.h"

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <thread>

#include "tests/ledger/fixture.h"

namespace liard::e2e {

using Clock = std::chrono::steady_clock;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  socklen_t len = sizeof a;
  const bool named = bound && ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  REQUIRE(named);
  return ntohs(a.sin_port);
}

std::string FreeAddress() { return "127.0.0.1:" + std::to_string(FreePort()); }

GenesisSpec ReplicaGenesis(uint32_t genesis_version) {
  GenesisSpec spec = StandardGenesis();
  for (auto& m : spec.members)
    if (m.name == "carol") m.opening = 80'00;
  spec.genesis_version = genesis_version;
  return spec;
}

std::string ReaderIdHex() { return ToHex(testing::KeyFor("association").public_key()); }

std::string StandbyToml(const TempDir& tmp, const std::string& name, const std::string& primary,
                        const std::string& ledger_hex, const std::string& extra) {
  const std::string seed = tmp.Join(name + ".reader-seed");
  WriteFile(seed, ToHex(testing::KeyFor("association").seed()) + "\n");
  return "[replication]\n" + (primary.empty() ? "" : "primary = \"" + primary + "\"\n") +
         "ledger = \"" + ledger_hex + "\"\nreader_key = \"" + seed + "\"\n" + extra;
}

Etcd::Etcd(std::string dir)
    : dir_(std::move(dir)), client_port_(FreePort()), peer_port_(FreePort()) {}

void Etcd::Start() {
  const std::string client = "http://127.0.0.1:" + std::to_string(client_port_);
  const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
  process_ = std::make_unique<ChildProcess>(
      "/usr/bin/etcd",
      std::vector<std::string>{"--name", "e1", "--data-dir", dir_, "--listen-client-urls", client,
                               "--advertise-client-urls", client, "--listen-peer-urls", peer,
                               "--initial-advertise-peer-urls", peer, "--initial-cluster",
                               "e1=" + peer, "--log-level", "warn"});
  const auto deadline = Clock::now() + Millis(20'000);
  while (Clock::now() < deadline) {
    httplib::Client c("127.0.0.1", client_port_);
    c.set_connection_timeout(0, 300'000);
    auto r = c.Post("/v3/kv/range", R"({"key":"AA=="})", "application/json");
    if (r && r->status == 200) return;
    std::this_thread::sleep_for(Millis(100));
  }
  FAIL("etcd did not start: " + process_->err());
}

void Etcd::Kill() { process_->Signal(SIGKILL); }

std::string Etcd::endpoint() const { return "127.0.0.1:" + std::to_string(client_port_); }

int64_t Etcd::CreateRevision(const std::string& key) {
  std::string b64(sodium_base64_ENCODED_LEN(key.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(key.data()),
                    key.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.size() - 1);
  httplib::Client c("127.0.0.1", client_port_);
  auto r = c.Post("/v3/kv/range", nlohmann::json{{"key", b64}}.dump(), "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  auto j = nlohmann::json::parse(r->body);
  if (!j.contains("kvs")) return 0;
  return std::stoll(j["kvs"][0]["create_revision"].get<std::string>());
}

std::string LeadershipToml(const Etcd& etcd, const std::string& name, const std::string& address,
                           int ttl_seconds, int min_candidates) {
  return "[leadership]\nendpoints = [\"" + etcd.endpoint() +
         "\"]\nttl_seconds = " + std::to_string(ttl_seconds) + "\nname = \"" + name +
         "\"\naddress = \"" + address +
         "\"\nsettle_ms = 500\nmin_candidates = " + std::to_string(min_candidates) + "\n";
}

pb::ReplicationStatus Replication(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = pb::ReplicationService::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(5'000));
  pb::ReplicationStatus status;
  grpc::Status s = stub->GetReplicationStatus(&ctx, pb::GetReplicationStatusRequest(), &status);
  if (!s.ok()) throw std::runtime_error("GetReplicationStatus: " + s.error_message());
  return status;
}

pb::ReplicationStatus Replication(NodeProcess& node) { return Replication(node.channel()); }

pb::Head HeadOf(NodeProcess& node) { return Client(node.channel()).Head(); }

int MetricsPort(const NodeProcess& node) {
  static const std::regex kLine("liard-node metrics on http://127\\.0\\.0\\.1:([0-9]+)/metrics\n");
  std::smatch m;
  const std::string out = node.out();
  if (!std::regex_search(out, m, kLine)) return 0;
  return std::stoi(m[1]);
}

std::string MetricsPage(const NodeProcess& node) {
  const int port = MetricsPort(node);
  if (port == 0) return "";
  httplib::Client http("127.0.0.1", port);
  auto page = http.Get("/metrics");
  return page ? page->body : "";
}

bool CaughtUp(NodeProcess& primary, NodeProcess& standby, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const pb::Head p = HeadOf(primary), s = HeadOf(standby);
    if (p.sequence() == s.sequence() && p.head_hash() == s.head_hash()) return true;
    std::this_thread::sleep_for(Millis(50));
  }
  return false;
}

PrimaryAndStandby::PrimaryAndStandby(const TempDir& tmp, int ttl_seconds, const std::string& extra)
    : etcd(tmp.Join("etcd")) {
  etcd.Start();
  ledger_hex = InitLedger(tmp.Join("a"), ReplicaGenesis(7));
  a_at = FreeAddress();
  b_at = FreeAddress();
  WriteFile(tmp.Join("a.toml"), LeadershipToml(etcd, "a", a_at, ttl_seconds, 1) + extra);
  WriteFile(tmp.Join("b.toml"),
            StandbyToml(tmp, "b", a_at, ledger_hex,
                        LeadershipToml(etcd, "b", b_at, ttl_seconds, 1) + extra));
  a = std::make_unique<ClusterNode>(tmp, "a", a_at);
  first_term = WaitLeading(*a, Millis(20'000));
  REQUIRE(first_term > 0);
  b = std::make_unique<ClusterNode>(tmp, "b", b_at);
}

SubmitOutcome SubmitUntilAcknowledged(Client& client, const pb::SignedOperation& op,
                                      Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  SubmitOutcome o;
  while (true) {
    o = client.Submit(op, Millis(5'000));
    if (o.status.ok() || Clock::now() >= deadline) return o;
    std::this_thread::sleep_for(Millis(100));
  }
}

uint64_t WaitLeading(NodeProcess& node, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    pb::ReplicationStatus s = Replication(node.channel());
    if (s.role() == pb::ReplicationStatus::PRIMARY && s.term() > 0) return s.term();
    std::this_thread::sleep_for(Millis(100));
  }
  return 0;
}

NodeProcess* WaitNewLeader(const std::vector<NodeProcess*>& nodes, Millis timeout, uint64_t* term) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    for (NodeProcess* n : nodes) {
      try {
        pb::ReplicationStatus s = Replication(n->channel());
        if (s.role() == pb::ReplicationStatus::PRIMARY && s.term() > 0) {
          *term = s.term();
          return n;
        }
      } catch (const std::exception&) {
      }
    }
    std::this_thread::sleep_for(Millis(50));
  }
  return nullptr;
}

}  // namespace liard::e2e

// End-to-end tests of liard-node: the real binary, its command line and files, and every gRPC
// service and error of node.proto, checked against the contract (/tmp/liard/node-contract.md).
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <latch>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "ledger/address.h"
#include "ledger/genesis.h"
#include "ledger/journal.h"
#include "proto/codec.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

namespace liard::e2e {
namespace {

using testing::KeyFor;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kStandardNames = {"association", "office", "shop",
                                                 "alice",       "bob",    "carol"};

AccountId Id(std::string_view name) { return KeyFor(name).public_key(); }
std::string IdBytes(std::string_view name) { return std::string(Id(name).view()); }

// A node on a fresh ledger, with a client. Members are destroyed in reverse: the client, then
// the node (killed if still running), then the directory.
struct RunningNode {
  TempDir tmp;
  std::string data;
  std::string ledger_hex;
  std::unique_ptr<NodeProcess> node;
  std::unique_ptr<Client> client;

  explicit RunningNode(const GenesisSpec& spec = StandardGenesis(),
                       const std::string& config_toml = "") {
    data = tmp.Join("data");
    ledger_hex = InitLedger(data, spec);
    std::vector<std::string> extra;
    if (!config_toml.empty()) {
      WriteFile(tmp.Join("node.toml"), config_toml);
      extra = {"--config", tmp.Join("node.toml")};
    }
    node = std::make_unique<NodeProcess>(data, extra);
    node->Start();
    client = std::make_unique<Client>(node->channel());
  }

  Client& c() { return *client; }

  void Restart() {
    client.reset();
    node->Start();
    client = std::make_unique<Client>(node->channel());
  }
};

// Everything a refused operation must leave as it was, as text so that Catch prints a diff.
std::string Snapshot(Client& c, const std::vector<std::string>& names = kStandardNames) {
  std::ostringstream s;
  pb::Head head = c.Head();
  s << "head " << head.sequence() << " " << Hex(head.head_hash()) << " digest "
    << Hex(head.state_digest()) << "\n";
  for (const auto& n : names) {
    pb::AccountInfo a = c.AccountOf(n);
    s << n << ": balance " << a.balance() << " sequence " << a.sequence() << " status "
      << a.status() << "\n";
  }
  pb::Reserves r = c.Reserves();
  s << "reserves " << r.ShortDebugString() << "\n";
  return s.str();
}

// A refusal as the contract words it: the gRPC status, the trailing liard-code and
// liard-code-name, and a message prefixed by the code name and followed by a sentence.
void CheckRefused(const SubmitOutcome& o, grpc::StatusCode want_status, Code want) {
  INFO("got status " << o.status.error_code() << " \"" << o.status.error_message()
                     << "\" liard-code " << o.liard_code << " " << o.liard_code_name);
  CHECK(o.status.error_code() == want_status);
  CHECK(o.liard_code == std::to_string(static_cast<int>(want)));
  CHECK(o.liard_code_name == std::string(CodeName(want)));
  std::string prefix = std::string(CodeName(want)) + ": ";
  CHECK_THAT(o.status.error_message(), Catch::StartsWith(prefix));
  CHECK(o.status.error_message().size() > prefix.size() + 5);
}

// For inputs where more than one malformed code is defensible: any 100-199 code, consistent
// with its name.
void CheckMalformed(const SubmitOutcome& o) {
  INFO("got status " << o.status.error_code() << " \"" << o.status.error_message()
                     << "\" liard-code " << o.liard_code << " " << o.liard_code_name);
  CHECK(o.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  int code = o.liard_code.empty() ? -1 : std::atoi(o.liard_code.c_str());
  CHECK(code >= 100);
  CHECK(code <= 199);
  CHECK(o.liard_code_name == std::string(CodeName(static_cast<Code>(code))));
  CHECK_THAT(o.status.error_message(), Catch::StartsWith(o.liard_code_name + ": "));
}

// Signs arbitrary body bytes as a client would: Ed25519 over the domain, the ledger id, the body.
pb::SignedOperation SignBody(const std::string& body, const KeyPair& key, const Hash& ledger_id) {
  pb::SignedOperation op;
  op.set_body(body);
  op.set_public_key(std::string(key.public_key().view()));
  Signature sig = key.Sign(SigningMessage(ledger_id, body));
  op.set_signature(std::string(sig.view()));
  return op;
}

// A transfer body built field by field, to send what the codec would never encode.
pb::OperationBody TransferBody(const Hash& ledger_id, std::string_view from, std::string to,
                               int64_t amount, uint64_t sequence) {
  pb::OperationBody b;
  b.set_ledger_id(HashBytes(ledger_id));
  b.set_account(IdBytes(from));
  b.set_sequence(sequence);
  b.mutable_transfer()->set_to(std::move(to));
  b.mutable_transfer()->set_amount(amount);
  return b;
}

// A length-delimited field as protobuf encodes it (field numbers below 16), to write by hand
// what no generated encoder would: fields out of order, twice, or with an overlong length.
std::string LenField(uint32_t number, std::string_view bytes, bool overlong_length = false) {
  std::string out(1, static_cast<char>(number << 3 | 2));
  uint64_t n = bytes.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  if (overlong_length) {
    out.push_back(static_cast<char>(n | 0x80));  // the same length in one byte more
    out.push_back('\0');
  } else {
    out.push_back(static_cast<char>(n));
  }
  out.append(bytes);
  return out;
}

// A refusal of a raw call: INVALID_ARGUMENT, the message naming MALFORMED_BODY.
void CheckRawMalformed(const grpc::Status& s) {
  INFO("got status " << s.error_code() << " \"" << s.error_message() << "\"");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(s.error_message(), Catch::StartsWith("MALFORMED_BODY: "));
}

std::vector<pb::Receipt> AllHistory(Client& c, std::string_view name, uint32_t limit) {
  std::vector<pb::Receipt> all;
  uint64_t before = 0;
  for (int page = 0; page < 1000; ++page) {
    pb::GetHistoryResponse resp;
    grpc::Status s = c.History(Id(name), before, limit, &resp);
    if (!s.ok()) throw std::runtime_error("GetHistory failed: " + s.error_message());
    all.insert(all.end(), resp.entries().begin(), resp.entries().end());
    if (resp.next_before() == 0) return all;
    before = resp.next_before();
  }
  throw std::runtime_error("GetHistory never said there were no more pages");
}

// init's output: "ledger HEX", then "node key HEX (fingerprint xxxx-xxxx-xxxx-xxxx)", then
// "time zone NAME".
std::string ParseLedgerLine(const std::string& out, std::string* node_key = nullptr,
                            std::string* time_zone = nullptr) {
  static const std::regex kLines(
      "^ledger ([0-9a-f]{64})\nnode key ([0-9a-f]{64}) \\(fingerprint "
      "([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})\\)\ntime zone "
      "([A-Za-z0-9_/+-]+)\n$");
  std::smatch m;
  if (!std::regex_match(out, m, kLines)) return "";
  // The fingerprint is the key's first 16 hex digits.
  if (m[2].str().substr(0, 16) != m[3].str() + m[4].str() + m[5].str() + m[6].str()) return "";
  if (node_key != nullptr) *node_key = m[2].str();
  if (time_zone != nullptr) *time_zone = m[7].str();
  return m[1].str();
}

int CountNonEmptyLines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
  return n;
}

// ---------------------------------------------------------------------------------------------
// The command line: init, run, help.

TEST_CASE(
    "init prints the ledger id, the hash of the genesis bytes the node then serves, and the node "
    "key that genesis names",
    "[e2e][init][node-key]") {
  TempDir tmp;
  GenesisSpec spec = StandardGenesis();
  WriteFile(tmp.Join("genesis.toml"), GenesisToml(spec));
  CommandResult r =
      RunNode({"init", "--data", tmp.Join("data"), "--genesis", tmp.Join("genesis.toml")});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  std::string node_key, time_zone;
  std::string printed = ParseLedgerLine(r.out, &node_key, &time_zone);
  REQUIRE(printed.size() == 64);
  REQUIRE(node_key.size() == 64);
  CHECK(time_zone == "Europe/Paris");  // the file names none

  NodeProcess node(tmp.Join("data"));
  node.Start();
  Client c(node.channel());
  // The client computed LedgerIdOf(GetGenesis bytes) itself: the printed id must be that hash.
  CHECK(printed == ToHex(c.ledger_id()));
  pb::Head head = c.Head();
  CHECK(Hex(head.ledger_id()) == printed);
  CHECK(head.sequence() == 0);
  CHECK(head.head_hash() == head.ledger_id());
  CHECK(head.currency_code() == "ROUE");
  CHECK(head.decimals() == 2);

  // The genesis bytes say what the TOML said.
  Genesis g;
  Status s = codec::DecodeGenesis(c.genesis_bytes(), &g);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(g.currency_code == "ROUE");
  CHECK(g.currency_name == "la Roue");
  CHECK(g.decimals == 2);
  CHECK(g.par_num == g.par_den);
  CHECK(g.created_at_ms == spec.created_at_ms);
  REQUIRE(g.board_keys.size() == 1);
  CHECK(g.board_keys[0] == Id("board-1"));
  CHECK(g.board_threshold == 1);
  CHECK(g.opening_fund.minor() == 150'00);
  CHECK(g.rules.backing_num == g.rules.backing_den);
  REQUIRE(g.accounts.size() == spec.members.size());
  for (size_t i = 0; i < spec.members.size(); ++i) {
    INFO("account " << spec.members[i].name);
    CHECK(g.accounts[i].id == Id(spec.members[i].name));
    CHECK(KindName(g.accounts[i].kind) == spec.members[i].kind);
    CHECK(g.accounts[i].name == spec.members[i].name);
    CHECK(g.accounts[i].opening_balance.minor() == spec.members[i].opening);
  }
  // A current (version 4) genesis naming the printed node key: the ledger id vouches for it, and
  // the node signs its checkpoints with it; the governance record names it too. Its time zone is
  // the printed one.
  CHECK(g.version == kCurrentGenesisVersion);
  CHECK(g.time_zone == "Europe/Paris");
  REQUIRE(g.node_key.has_value());
  CHECK(ToHex(*g.node_key) == node_key);
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(10'000));
    pb::SignedCheckpoint cp;
    REQUIRE(c.stub().GetCheckpoint(&ctx, pb::GetCheckpointRequest(), &cp).ok());
    CHECK(Hex(cp.node_key()) == node_key);
  }
  CHECK(Hex(c.Governance().node_key()) == node_key);
  CHECK(node.Stop() == 0);

  // Each init makes its own node key, which the genesis names: the same file elsewhere is
  // another ledger, with another node key.
  CommandResult again =
      RunNode({"init", "--data", tmp.Join("data2"), "--genesis", tmp.Join("genesis.toml")});
  CHECK(again.exit_code == 0);
  std::string other_key;
  CHECK(ParseLedgerLine(again.out, &other_key) != printed);
  CHECK(other_key.size() == 64);
  CHECK(other_key != node_key);
}

TEST_CASE("init on a directory that already holds a ledger fails and changes nothing",
          "[e2e][init]") {
  TempDir tmp;
  std::string data = tmp.Join("data");
  std::string first = InitLedger(data, StandardGenesis());

  GenesisSpec other = StandardGenesis();
  other.name = "une autre monnaie";
  WriteFile(tmp.Join("other.toml"), GenesisToml(other));
  for (const std::string& genesis : {tmp.Join("other.toml"), data + ".genesis.toml"}) {
    CommandResult r = RunNode({"init", "--data", data, "--genesis", genesis});
    INFO("init again with " << genesis << "\nstdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(CountNonEmptyLines(r.err) >= 1);
    CHECK(r.out.find("ledger ") == std::string::npos);
  }

  NodeProcess node(data);
  node.Start();
  Client c(node.channel());
  CHECK(ToHex(c.ledger_id()) == first);
  pb::Head head = c.Head();
  CHECK(head.sequence() == 0);
  Genesis g;
  REQUIRE(codec::DecodeGenesis(c.genesis_bytes(), &g).ok());
  CHECK(g.currency_name == "la Roue");
  CHECK(c.Balance("alice") == 100'00);
}

TEST_CASE("init refuses a genesis that is not TOML, naming the file and line", "[e2e][init]") {
  TempDir tmp;
  std::string data = tmp.Join("data");
  // Lines 1 and 2 are fine; line 3 is not TOML.
  WriteFile(tmp.Join("bad.toml"), "[currency]\ncode = \"ROUE\"\nname = = \"broken\"\n");
  CommandResult r = RunNode({"init", "--data", data, "--genesis", tmp.Join("bad.toml")});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.toml:3"));
  CHECK(r.out.find("ledger ") == std::string::npos);

  // A failed init must not leave half a ledger behind: a good genesis is accepted afterwards.
  std::string id = InitLedger(data, StandardGenesis());
  CHECK(id.size() == 64);
}

TEST_CASE("init refuses a genesis with an unknown key or an impossible value, naming it",
          "[e2e][init]") {
  TempDir tmp;
  std::string data = tmp.Join("data");
  std::string good = GenesisToml(StandardGenesis());
  std::string bad;
  std::string must_mention;
  SECTION("an unknown key in a known table") {
    bad =
        std::regex_replace(good, std::regex("\\[currency\\]\n"), "[currency]\ncolour = \"red\"\n");
    must_mention = "colour";
  }
  SECTION("an unknown table") {
    bad = good + "\n[extras]\nfoo = 1\n";
    must_mention = "extras";
  }
  SECTION("an unknown key in an account") {
    bad = good + "nickname = \"Lulu\"\n";  // the last [[accounts]] table
    must_mention = "nickname";
  }
  SECTION("a public key that is not 64 hex characters") {
    bad = std::regex_replace(good, std::regex("key = \"[0-9a-f]{64}\""), "key = \"abc\"",
                             std::regex_constants::format_first_only);
  }
  SECTION("openings that the fund does not cover") {
    GenesisSpec spec = StandardGenesis();
    spec.extra_fund = -1;  // 149.99 euros against 150.00 units
    bad = GenesisToml(spec);
  }
  SECTION("an unknown account kind") {
    bad = std::regex_replace(good, std::regex("kind = \"merchant\""), "kind = \"pirate\"");
    must_mention = "pirate";
  }
  SECTION("a time zone that is not one of the IANA database") {
    GenesisSpec spec = StandardGenesis();
    spec.time_zone = "Europe/Pariss";
    bad = GenesisToml(spec);
    must_mention =
        "bad.toml:8: [currency] time_zone \"Europe/Pariss\" is not a time zone of the IANA "
        "database, such as \"Europe/Paris\"";
  }
  REQUIRE(bad != good);
  WriteFile(tmp.Join("bad.toml"), bad);
  CommandResult r = RunNode({"init", "--data", data, "--genesis", tmp.Join("bad.toml")});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(CountNonEmptyLines(r.err) >= 1);
  if (!must_mention.empty()) CHECK_THAT(r.err, Catch::Contains(must_mention));
  CHECK(r.out.find("ledger ") == std::string::npos);
  CHECK(InitLedger(data, StandardGenesis()).size() == 64);
}

TEST_CASE("init writes the time zone the genesis file names, in a current (version 5) genesis",
          "[e2e][init][time-zone]") {
  TempDir tmp;
  GenesisSpec spec = StandardGenesis();
  spec.time_zone = "America/Martinique";
  WriteFile(tmp.Join("genesis.toml"), GenesisToml(spec));
  CommandResult r =
      RunNode({"init", "--data", tmp.Join("data"), "--genesis", tmp.Join("genesis.toml")});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  std::string time_zone;
  const std::string printed = ParseLedgerLine(r.out, nullptr, &time_zone);
  CHECK(time_zone == "America/Martinique");
  NodeProcess node(tmp.Join("data"));
  node.Start();
  Client c(node.channel());
  CHECK(ToHex(c.ledger_id()) == printed);
  Genesis g;
  REQUIRE(codec::DecodeGenesis(c.genesis_bytes(), &g).ok());
  CHECK(g.version == kCurrentGenesisVersion);
  CHECK(g.time_zone == "America/Martinique");
  CHECK(CurrencyZone(g).name() == "America/Martinique");
  CHECK(node.Stop() == 0);
}

TEST_CASE("init --demo writes six private seed files whose keys are the demo accounts",
          "[e2e][init][demo]") {
  TempDir tmp;
  std::string data = tmp.Join("data");
  CommandResult r = RunNode({"init", "--data", data, "--demo"});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  std::string time_zone;
  std::string printed = ParseLedgerLine(r.out, nullptr, &time_zone);
  REQUIRE(printed.size() == 64);
  CHECK(time_zone == "Europe/Paris");

  const std::vector<std::string> names = {"board-1", "association", "office",
                                          "shop",    "alice",       "bob"};
  std::map<std::string, KeyPair> keys;
  std::map<std::string, std::string> seed_files;
  std::set<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(data + "/demo-keys"))
    files.insert(e.path().filename().string());
  CHECK(files.size() == 6);
  static const std::regex kSeed("^[0-9a-f]{64}\n$");
  for (const auto& n : names) {
    std::string path = data + "/demo-keys/" + n + ".seed";
    INFO(path);
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::string text = ReadFile(path);
    seed_files[n] = text;
    REQUIRE(std::regex_match(text, kSeed));
    std::string raw;
    REQUIRE(FromHex(text.substr(0, 64), &raw));
    Seed seed;
    REQUIRE(seed.Assign(raw));
    keys.emplace(n, KeyPair::FromSeed(seed));
  }
  // Six different keys, not one written six times.
  std::set<std::string> distinct;
  for (const auto& [n, k] : keys) distinct.insert(ToHex(k.public_key()));
  CHECK(distinct.size() == 6);

  auto node = std::make_unique<NodeProcess>(data);
  node->Start();
  auto c = std::make_unique<Client>(node->channel());
  c->set_reader(keys.at("association"));  // the treasurer reads every account
  CHECK(ToHex(c->ledger_id()) == printed);

  Genesis g;
  REQUIRE(codec::DecodeGenesis(c->genesis_bytes(), &g).ok());
  CHECK(g.currency_code == "ROUE");
  CHECK(g.currency_name == "la Roue (démo)");
  CHECK(g.decimals == 2);
  CHECK(g.par_num == 1);
  CHECK(g.par_den == 1);
  REQUIRE(g.board_keys.size() == 1);
  CHECK(g.board_keys[0] == keys.at("board-1").public_key());
  CHECK(g.board_threshold == 1);
  CHECK(g.opening_fund.minor() == 150'00);
  // Version 4 in Paris, and a conversion gets the demo's bonus unless told otherwise.
  CHECK(g.version == kCurrentGenesisVersion);
  CHECK(g.time_zone == "Europe/Paris");
  CHECK(g.rules.default_programme == "demo-bonus");
  CHECK(c->Governance().rules().default_programme() == "demo-bonus");

  struct Want {
    std::string name;
    pb::AccountKind kind;
    std::string display;
    int64_t balance;
  };
  const std::vector<Want> want = {
      {"association", pb::ACCOUNT_KIND_ASSOCIATION, "Association la Roue", 0},
      {"office", pb::ACCOUNT_KIND_EXCHANGE_OFFICE, "Comptoir de la Gare", 0},
      {"shop", pb::ACCOUNT_KIND_MERCHANT, "Boulangerie du Rhône", 0},
      {"alice", pb::ACCOUNT_KIND_RESIDENT, "Alice Martin", 100'00},
      {"bob", pb::ACCOUNT_KIND_RESIDENT, "Bob Durand", 50'00},
  };
  for (const auto& w : want) {
    INFO(w.name);
    const AccountId id = keys.at(w.name).public_key();
    pb::AccountInfo a;
    grpc::Status s = c->GetAccount(id, &a);
    INFO(s.error_message());
    REQUIRE(s.ok());
    CHECK(a.id() == std::string(id.view()));
    CHECK(a.key() == std::string(id.view()));
    CHECK(a.kind() == w.kind);
    CHECK(a.name() == w.display);
    CHECK(a.balance() == w.balance);
    CHECK(a.status() == pb::ACCOUNT_STATUS_ACTIVE);
    CHECK(a.sequence() == 0);
    CHECK(a.address() == EncodeAddress("ROUE", id));
  }
  // The board key is no genesis account: it gets a resident account of its own, with the
  // board-member role, so that it can sign proposals.
  {
    pb::AccountInfo board;
    REQUIRE(c->GetAccount(keys.at("board-1").public_key(), &board).ok());
    CHECK(board.name() == "Board member 1");
    CHECK(board.kind() == pb::ACCOUNT_KIND_RESIDENT);
    CHECK(board.balance() == 0);
    CHECK(std::count(board.roles().begin(), board.roles().end(), pb::ROLE_BOARD_MEMBER) == 1);
    pb::AccountInfo association;
    REQUIRE(c->GetAccount(keys.at("association").public_key(), &association).ok());
    CHECK(std::count(association.roles().begin(), association.roles().end(), pb::ROLE_TREASURER) ==
          1);
  }
  pb::Reserves res = c->Reserves();
  CHECK(res.circulation() == 150'00);
  CHECK(res.fund() == 150'00);
  CHECK(res.coverage_basis_points() == 10000);

  // The seeds are usable keys: alice pays the shop with hers.
  const KeyPair& alice = keys.at("alice");
  SubmitOutcome paid = c->Submit(c->SignTransfer(alice, keys.at("shop").public_key(), 10'00, 1));
  INFO(paid.status.error_message());
  REQUIRE(paid.status.ok());
  pb::AccountInfo shop;
  REQUIRE(c->GetAccount(keys.at("shop").public_key(), &shop).ok());
  CHECK(shop.balance() == 10'00);
  c.reset();
  CHECK(node->Stop() == 0);
  // Secrets are never logged: no seed appears in anything the node printed.
  std::string printed_all = r.out + r.err + node->out() + node->err();
  for (const auto& [name, text] : seed_files) {
    INFO(name);
    CHECK(printed_all.find(text.substr(0, 64)) == std::string::npos);
  }

  // A second demo init must not overwrite the keys that hold the money.
  CommandResult again = RunNode({"init", "--data", data, "--demo"});
  INFO("second init: " << again.out << again.err);
  CHECK(again.exit_code == 1);
  for (const auto& n : names) CHECK(ReadFile(data + "/demo-keys/" + n + ".seed") == seed_files[n]);
  node->Start();
  c = std::make_unique<Client>(node->channel());
  c->set_reader(keys.at("association"));
  CHECK(ToHex(c->ledger_id()) == printed);
  REQUIRE(c->GetAccount(keys.at("shop").public_key(), &shop).ok());
  CHECK(shop.balance() == 10'00);
}

TEST_CASE("run refuses a missing ledger, a bad config, a taken address and a busy directory",
          "[e2e][run]") {
  TempDir tmp;
  std::string data = tmp.Join("data");
  InitLedger(data, StandardGenesis());
  std::vector<std::string> args;
  std::string must_mention;
  std::unique_ptr<NodeProcess> first;  // a node already running, for the last two cases

  SECTION("a directory without a ledger") {
    std::filesystem::create_directories(tmp.Join("empty"));
    args = {"run", "--data", tmp.Join("empty"), "--listen", "127.0.0.1:0"};
    must_mention = "empty";
  }
  SECTION("a config with an unknown key") {
    WriteFile(tmp.Join("node.toml"), "[server]\nmax_message_bytes = 65536\ncolour = \"red\"\n");
    args = {"run", "--data", data, "--listen", "127.0.0.1:0", "--config", tmp.Join("node.toml")};
    must_mention = "colour";
  }
  SECTION("a config value of the wrong type") {
    WriteFile(tmp.Join("node.toml"), "[server]\nmax_message_bytes = \"lots\"\n");
    args = {"run", "--data", data, "--listen", "127.0.0.1:0", "--config", tmp.Join("node.toml")};
    must_mention = "max_message_bytes";
  }
  SECTION("a config file that is not TOML") {
    WriteFile(tmp.Join("node.toml"), "[server\n");
    args = {"run", "--data", data, "--listen", "127.0.0.1:0", "--config", tmp.Join("node.toml")};
    must_mention = "node.toml";
  }
  SECTION("an address that is not an address") {
    args = {"run", "--data", data, "--listen", "127.0.0.1:notaport"};
    must_mention = "notaport";
  }
  SECTION("an address another node holds") {
    std::string data2 = tmp.Join("data2");
    InitLedger(data2, StandardGenesis());
    first = std::make_unique<NodeProcess>(data2);
    first->Start();
    args = {"run", "--data", data, "--listen", first->target()};
    must_mention = std::to_string(first->port());
  }
  SECTION("a directory another node is serving") {
    first = std::make_unique<NodeProcess>(data);
    first->Start();
  }
  if (args.empty()) args = {"run", "--data", data, "--listen", "127.0.0.1:0"};

  CommandResult r = RunNode(args, Millis(20'000));
  INFO("args: " << args[2] << " ... stdout: " << r.out << "\nstderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code != 0);
  CHECK(r.out.find("listening on") == std::string::npos);
  CHECK(CountNonEmptyLines(r.err) == 1);
  if (!must_mention.empty()) CHECK_THAT(r.err, Catch::Contains(must_mention));

  if (first) {
    // The refused second node did not disturb the first.
    int serving = -1;
    CHECK(HealthCheck(first->channel(), "", &serving).ok());
    CHECK(serving == 1);
    Client c(first->channel());
    CHECK(c.Balance("alice") == 100'00);
    CHECK(c.Submit(c.SignTransfer("alice", "bob", 1, 1)).status.ok());
    CHECK(first->Stop() == 0);
  }
}

TEST_CASE("the command line's --listen overrides the config's listen address", "[e2e][run]") {
  // 192.0.2.1 (TEST-NET-1) is never this machine's: binding it would fail, so serving proves
  // the command line won. The harness always passes --listen 127.0.0.1:0.
  RunningNode n(StandardGenesis(), "[server]\nlisten = \"192.0.2.1:7421\"\n");
  CHECK(n.node->port() != 7421);
  pb::AccountInfo alice;
  grpc::Status s = n.c().GetAccount(Id("alice"), &alice);
  INFO("GetAccount: " << s.error_code() << " " << s.error_message() << "\nnode stderr:\n"
                      << n.node->err());
  REQUIRE(s.ok());
  CHECK(alice.balance() == 100'00);
}

TEST_CASE("liard-node explains itself with --help and --version", "[e2e][run]") {
  CommandResult help = RunNode({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("init") && Catch::Contains("run"));
  CommandResult init_help = RunNode({"init", "--help"});
  CHECK(init_help.exit_code == 0);
  CHECK_THAT(init_help.out, Catch::Contains("--genesis") && Catch::Contains("--demo") &&
                                Catch::Contains("--data"));
  CommandResult run_help = RunNode({"run", "--help"});
  CHECK(run_help.exit_code == 0);
  CHECK_THAT(run_help.out, Catch::Contains("--listen") && Catch::Contains("--config") &&
                               Catch::Contains("--data"));
  CommandResult version = RunNode({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(std::regex_search(version.out, std::regex("[0-9]+\\.[0-9]+\\.[0-9]+")));
  CommandResult unknown = RunNode({"frobnicate"});
  CHECK(unknown.exit_code != 0);
  CHECK(CountNonEmptyLines(unknown.err) >= 1);
}

// ---------------------------------------------------------------------------------------------
// Each service.

TEST_CASE("a submitted transfer moves both balances and is answered once durable",
          "[e2e][submit]") {
  RunningNode n;
  Client& c = n.c();
  pb::SignedOperation op = c.SignTransfer("alice", "bob", 12'34, 1, "du pain");
  int64_t before = NowMs();
  SubmitOutcome o = c.Submit(op);
  int64_t after = NowMs();
  INFO(o.status.error_message());
  REQUIRE(o.status.ok());
  CHECK(o.response.operation_id() == HashBytes(c.OperationIdOf(op)));
  CHECK(o.response.sequence() == 1);
  CHECK(o.response.code() == 0);
  CHECK_FALSE(o.response.duplicate());
  CHECK(o.response.entry_hash().size() == 32);
  CHECK(o.response.time_ms() >= before - 2'000);
  CHECK(o.response.time_ms() <= after + 2'000);

  pb::AccountInfo alice = c.AccountOf("alice");
  pb::AccountInfo bob = c.AccountOf("bob");
  CHECK(alice.balance() == 100'00 - 12'34);
  CHECK(alice.sequence() == 1);
  CHECK(bob.balance() == 50'00 + 12'34);
  CHECK(bob.sequence() == 0);
  pb::Head head = c.Head();
  CHECK(head.sequence() == 1);
  CHECK(head.head_hash() == o.response.entry_hash());
}

TEST_CASE("GetOperation returns the receipt, whose entry hash an auditor recomputes",
          "[e2e][receipt]") {
  RunningNode n;
  Client& c = n.c();
  pb::SignedOperation op1 = c.SignTransfer("alice", "bob", 12'34, 1);
  pb::SignedOperation op2 = c.SignTransfer("bob", "carol", 5'00, 1, "merci");
  SubmitOutcome o1 = c.Submit(op1);
  SubmitOutcome o2 = c.Submit(op2);
  REQUIRE(o1.status.ok());
  REQUIRE(o2.status.ok());

  pb::Receipt r1, r2;
  REQUIRE(c.GetOperation(c.OperationIdOf(op1), &r1).ok());
  grpc::Status s = c.GetOperation(c.OperationIdOf(op2), &r2);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(r1.sequence() == 1);
  CHECK(r1.prev_hash() == HashBytes(c.ledger_id()));
  CHECK(r2.sequence() == 2);
  CHECK(r2.time_ms() == o2.response.time_ms());
  CHECK(r2.prev_hash() == r1.entry_hash());
  CHECK(r2.entry_hash() == o2.response.entry_hash());
  CHECK(r2.operation_id() == HashBytes(c.OperationIdOf(op2)));
  CHECK(r2.operation().body() == op2.body());
  CHECK(r2.operation().public_key() == op2.public_key());
  CHECK(r2.operation().signature() == op2.signature());

  // The receipt alone is enough to recompute its hash: EntryHash over the envelope bytes.
  JournalEntry je;
  je.sequence = r2.sequence();
  je.time_ms = r2.time_ms();
  REQUIRE(je.prev_hash.Assign(r2.prev_hash()));
  je.envelope = r2.operation().SerializeAsString();
  CHECK(Hex(r2.entry_hash()) == ToHex(EntryHash(je)));
  // And the journal holds those very bytes.
  std::vector<pb::JournalEntry> journal = c.Journal(1);
  REQUIRE(journal.size() == 2);
  CHECK(journal[1].envelope() == je.envelope);
  CHECK(journal[1].entry_hash() == r2.entry_hash());

  // What moved: bob -5.00, carol +5.00, both in the member slot.
  std::multiset<std::tuple<uint32_t, std::string, int64_t>> postings;
  for (const auto& p : r2.postings()) postings.insert({p.slot(), p.owner(), p.amount()});
  std::multiset<std::tuple<uint32_t, std::string, int64_t>> want = {{1, IdBytes("bob"), -5'00},
                                                                    {1, IdBytes("carol"), 5'00}};
  CHECK(postings == want);
}

TEST_CASE("GetHistory pages newest first by cursor and shows each entry exactly once",
          "[e2e][history]") {
  RunningNode n;
  Client& c = n.c();
  std::vector<std::string> alice_ops;  // operation ids in submission order
  std::vector<uint64_t> alice_seqs;
  for (uint64_t i = 1; i <= 120; ++i) {
    pb::SignedOperation op = c.SignTransfer("alice", "bob", 1, i);
    SubmitOutcome o = c.Submit(op);
    INFO("transfer " << i << ": " << o.status.error_message());
    REQUIRE(o.status.ok());
    alice_ops.push_back(o.response.operation_id());
    alice_seqs.push_back(o.response.sequence());
    if (i == 60) REQUIRE(c.Submit(c.SignTransfer("bob", "carol", 7, 1)).status.ok());
  }

  std::vector<pb::Receipt> seen;
  std::vector<size_t> page_sizes;
  uint64_t before = 0;
  for (int page = 0; page < 10; ++page) {
    pb::GetHistoryResponse resp;
    grpc::Status s = c.History(Id("alice"), before, 50, &resp);
    INFO(s.error_message());
    REQUIRE(s.ok());
    page_sizes.push_back(resp.entries_size());
    seen.insert(seen.end(), resp.entries().begin(), resp.entries().end());
    if (resp.entries_size() > 0)
      CHECK((resp.next_before() == 0 ||
             resp.next_before() == resp.entries(resp.entries_size() - 1).sequence()));
    if (resp.next_before() == 0) break;
    before = resp.next_before();
  }
  CHECK(page_sizes == std::vector<size_t>{50, 50, 20});
  REQUIRE(seen.size() == 120);
  for (size_t i = 0; i < seen.size(); ++i) {
    INFO("history position " << i);
    CHECK(seen[i].operation_id() == alice_ops[119 - i]);
    CHECK(seen[i].sequence() == alice_seqs[119 - i]);
    if (i > 0) CHECK(seen[i].sequence() < seen[i - 1].sequence());
  }

  // limit 0 means 50; other accounts' histories hold only what touched them.
  pb::GetHistoryResponse first;
  REQUIRE(c.History(Id("alice"), 0, 0, &first).ok());
  CHECK(first.entries_size() == 50);
  CHECK(first.entries(0).operation_id() == alice_ops.back());
  CHECK(AllHistory(c, "bob", 50).size() == 121);
  std::vector<pb::Receipt> carol = AllHistory(c, "carol", 50);
  REQUIRE(carol.size() == 1);
  CHECK(carol[0].sequence() == 61);
  CHECK(AllHistory(c, "shop", 50).empty());

  // A page is bounded: 450 more entries, then a request for 1000 gets at most 500.
  std::vector<pb::SignedOperation> more;
  for (uint64_t i = 121; i <= 570; ++i) more.push_back(c.SignTransfer("alice", "carol", 1, i));
  pb::SubmitBatchResponse batch;
  REQUIRE(c.SubmitBatch(more, &batch).ok());
  REQUIRE(batch.results_size() == 450);
  REQUIRE(batch.results(449).code() == 0);
  pb::GetHistoryResponse big;
  REQUIRE(c.History(Id("alice"), 0, 1000, &big).ok());
  CHECK(big.entries_size() == 500);
  CHECK(big.next_before() == big.entries(499).sequence());
  CHECK(big.entries(0).sequence() == batch.results(449).sequence());
  CHECK(AllHistory(c, "alice", 500).size() == 570);
}

TEST_CASE("GetReserves reports circulation, fund and coverage at one sequence", "[e2e][reserves]") {
  {
    RunningNode n;
    Client& c = n.c();
    pb::Reserves r = c.Reserves();
    CHECK(r.sequence() == 0);
    CHECK(r.circulation_accounts() == 150'00);
    CHECK(r.circulation_paper() == 0);
    CHECK(r.circulation() == 150'00);
    CHECK(r.fund() == 150'00);
    CHECK(r.office_cash() == 0);
    CHECK(r.owed_to_merchants() == 0);
    CHECK(r.sponsor_budgets() == 0);
    CHECK(r.income() == 0);
    CHECK(r.required_reserve() == 150'00);
    CHECK(r.coverage_basis_points() == 10000);

    REQUIRE(c.Submit(c.SignTransfer("alice", "shop", 30'00, 1)).status.ok());
    pb::Reserves after = c.Reserves();
    CHECK(after.sequence() == 1);
    r.set_sequence(1);
    CHECK(after.ShortDebugString() == r.ShortDebugString());  // a transfer moves no reserve
  }
  {
    // 183.33 euros behind 150.00 units: 12222 basis points, rounded down.
    GenesisSpec spec = StandardGenesis();
    spec.extra_fund = 33'33;
    RunningNode n(spec);
    pb::Reserves r = n.c().Reserves();
    CHECK(r.fund() == 183'33);
    CHECK(r.required_reserve() == 150'00);
    CHECK(r.coverage_basis_points() == 12222);
  }
}

TEST_CASE("GetHead and the signed checkpoint agree with the journal and the replayed state",
          "[e2e][checkpoint]") {
  RunningNode n(StandardGenesis(), "[checkpoint]\nevery_entries = 5\nevery_seconds = 1\n");
  Client& c = n.c();
  for (uint64_t i = 1; i <= 7; ++i)
    REQUIRE(c.Submit(c.SignTransfer(i % 2 ? "alice" : "bob", i % 2 ? "bob" : "carol", 1'00,
                                    (i + 1) / 2))
                .status.ok());

  std::vector<pb::JournalEntry> journal = c.Journal(1);
  REQUIRE(journal.size() == 7);
  REQUIRE(VerifyChain(journal, c.ledger_id()).empty());
  Replay replay;
  REQUIRE(ReplayJournal(c.genesis_bytes(), journal, &replay).empty());

  pb::Head head = c.Head();
  CHECK(head.ledger_id() == HashBytes(c.ledger_id()));
  CHECK(head.sequence() == 7);
  CHECK(head.head_hash() == journal.back().entry_hash());
  CHECK(Hex(head.state_digest()) == ToHex(replay.state.digest()));
  CHECK(head.currency_code() == "ROUE");
  CHECK(head.decimals() == 2);

  // every_seconds = 1: within a few seconds a checkpoint covers the last entry.
  pb::SignedCheckpoint cp;
  grpc::Status last;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(5'000));
    last = c.stub().GetCheckpoint(&ctx, pb::GetCheckpointRequest(), &cp);
    if (last.ok() && cp.sequence() == 7) break;
    std::this_thread::sleep_for(Millis(100));
  }
  INFO("last GetCheckpoint: " << last.error_code() << " " << last.error_message() << " "
                              << cp.ShortDebugString());
  REQUIRE(last.ok());
  REQUIRE(cp.sequence() == 7);
  CHECK(cp.head_hash() == journal[6].entry_hash());
  CHECK(Hex(cp.state_digest()) == ToHex(replay.state.digest()));
  PublicKey node_key;
  Signature sig;
  REQUIRE(node_key.Assign(cp.node_key()));
  REQUIRE(sig.Assign(cp.signature()));
  Checkpoint checkpoint;
  checkpoint.sequence = cp.sequence();
  REQUIRE(checkpoint.head_hash.Assign(cp.head_hash()));
  REQUIRE(checkpoint.state_digest.Assign(cp.state_digest()));
  checkpoint.time_ms = cp.time_ms();
  CHECK(Verify(node_key, CheckpointMessage(c.ledger_id(), checkpoint), sig));
  // The check can fail: the same signature does not cover another sequence.
  Checkpoint forged = checkpoint;
  forged.sequence = 6;
  CHECK_FALSE(Verify(node_key, CheckpointMessage(c.ledger_id(), forged), sig));

  // The node's key is its identity: the same after a restart.
  CHECK(n.node->Stop() == 0);
  n.Restart();
  pb::SignedCheckpoint again;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(5'000));
  REQUIRE(n.c().stub().GetCheckpoint(&ctx, pb::GetCheckpointRequest(), &again).ok());
  CHECK(again.node_key() == cp.node_key());
  CHECK(again.sequence() == 7);
}

// Reads a Watch stream on its own thread, timing each receipt's arrival.
class WatchReader {
 public:
  WatchReader(Client& c, std::string_view account, uint64_t from) {
    SetDeadline(&ctx_, Millis(30'000));
    pb::WatchRequest req;
    req.set_account(IdBytes(account));
    req.set_from_sequence(from);
    const AccountId id = Id(account);
    ReadCall call{"Watch", &id};
    call.from_sequence = from;
    *req.mutable_auth() = c.SignRead(KeyFor(account), call);  // the till watches itself
    reader_ = c.stub().Watch(&ctx_, req);
    thread_ = std::thread([this] {
      pb::Receipt r;
      while (reader_->Read(&r)) {
        std::lock_guard<std::mutex> lock(mu_);
        got_.push_back({r, Clock::now()});
        cv_.notify_all();
      }
    });
  }
  ~WatchReader() {
    ctx_.TryCancel();
    thread_.join();
    grpc::Status ignored = reader_->Finish();
    (void)ignored;
  }
  // Waits until `count` receipts arrived or the deadline passed; returns what arrived.
  std::vector<std::pair<pb::Receipt, Clock::time_point>> WaitFor(size_t count, Millis timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return got_.size() >= count; });
    return got_;
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<pb::Receipt>> reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<pb::Receipt, Clock::time_point>> got_;
  std::thread thread_;
};

TEST_CASE("Watch tells a merchant's till about a payment within a second", "[e2e][watch]") {
  RunningNode n;
  Client& c = n.c();
  WatchReader till(c, "shop", 0);
  // from_sequence 0 means "from now on": give the server a moment to register the watcher.
  std::this_thread::sleep_for(Millis(500));

  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 1)).status.ok());  // not the shop's
  pb::SignedOperation pay = c.SignTransfer("alice", "shop", 4'20, 2, "deux baguettes");
  SubmitOutcome o = c.Submit(pay);
  Clock::time_point acked = Clock::now();
  REQUIRE(o.status.ok());

  auto got = till.WaitFor(1, Millis(1'000));
  REQUIRE(got.size() >= 1);
  auto latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(got[0].second - acked).count();
  INFO("receipt arrived " << latency << " ms after Submit returned");
  CHECK(latency <= 1'000);
  const pb::Receipt& r = got[0].first;
  CHECK(r.operation_id() == o.response.operation_id());  // the alice->bob one was not sent
  CHECK(r.sequence() == 2);
  CHECK(r.entry_hash() == o.response.entry_hash());
  CHECK(r.operation().body() == pay.body());
  CHECK(c.Balance("shop") == 4'20);
}

TEST_CASE("Watch from a sequence replays the account's earlier operations first", "[e2e][watch]") {
  RunningNode n;
  Client& c = n.c();
  REQUIRE(c.Submit(c.SignTransfer("alice", "shop", 1'00, 1)).status.ok());   // 1
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 2)).status.ok());    // 2
  REQUIRE(c.Submit(c.SignTransfer("bob", "shop", 2'00, 1)).status.ok());     // 3
  REQUIRE(c.Submit(c.SignTransfer("alice", "carol", 1'00, 3)).status.ok());  // 4

  WatchReader till(c, "shop", 1);
  auto replayed = till.WaitFor(2, Millis(5'000));
  REQUIRE(replayed.size() == 2);
  CHECK(replayed[0].first.sequence() == 1);
  CHECK(replayed[1].first.sequence() == 3);
  SubmitOutcome live = c.Submit(c.SignTransfer("carol", "shop", 50, 1));  // 5
  REQUIRE(live.status.ok());
  auto all = till.WaitFor(3, Millis(2'000));
  REQUIRE(all.size() == 3);
  CHECK(all[2].first.sequence() == 5);
  CHECK(all[2].first.operation_id() == live.response.operation_id());
}

TEST_CASE("StreamJournal replays every entry from 1 and the chain verifies", "[e2e][journal]") {
  RunningNode n;
  Client& c = n.c();
  std::vector<pb::SignedOperation> sent;
  const std::vector<std::tuple<std::string, std::string, int64_t>> moves = {
      {"alice", "bob", 10'00}, {"bob", "carol", 3'00},          {"carol", "shop", 1'00},
      {"alice", "shop", 7'77}, {"shop", "office", 2'00},        {"bob", "alice", 50'00},
      {"alice", "carol", 1},   {"office", "association", 1'00}, {"alice", "bob", 99},
      {"carol", "alice", 1'01}};
  std::map<std::string, uint64_t> seq;
  for (const auto& [from, to, amount] : moves) {
    sent.push_back(c.SignTransfer(from, to, amount, ++seq[from]));
    SubmitOutcome o = c.Submit(sent.back());
    INFO(from << " -> " << to << ": " << o.status.error_message());
    REQUIRE(o.status.ok());
  }

  std::vector<pb::JournalEntry> journal = c.Journal(1);
  REQUIRE(journal.size() == sent.size());
  CHECK(VerifyChain(journal, c.ledger_id()) == "");
  for (size_t i = 0; i < sent.size(); ++i) {
    pb::SignedOperation env;
    REQUIRE(env.ParseFromString(journal[i].envelope()));
    CHECK(env.body() == sent[i].body());
    CHECK(env.signature() == sent[i].signature());
  }
  Replay replay;
  CHECK(ReplayJournal(c.genesis_bytes(), journal, &replay) == "");
  for (const auto& name : kStandardNames) {
    INFO(name);
    pb::AccountInfo a = c.AccountOf(name);
    CHECK(a.balance() == replay.state.Balance(BookKey::Member(Id(name))));
    const Account* local = replay.state.FindAccount(Id(name));
    REQUIRE(local != nullptr);
    CHECK(a.sequence() == local->sequence);
  }
  CHECK(Hex(c.Head().state_digest()) == ToHex(replay.state.digest()));

  std::vector<pb::JournalEntry> tail = c.Journal(4);
  REQUIRE(tail.size() == 7);
  for (size_t i = 0; i < tail.size(); ++i)
    CHECK(tail[i].SerializeAsString() == journal[i + 3].SerializeAsString());
  CHECK(c.Journal(11).empty());

  // follow = true keeps the stream open and sends what commits next.
  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::StreamJournalRequest req;
  req.set_from_sequence(11);
  req.set_follow(true);
  ReadCall call{"StreamJournal", nullptr};
  call.from_sequence = 11;
  call.follow = true;
  *req.mutable_auth() = c.SignRead(c.reader(), call);
  auto reader = c.stub().StreamJournal(&ctx, req);
  std::promise<pb::JournalEntry> next;
  std::thread t([&] {
    pb::JournalEntry e;
    if (reader->Read(&e))
      next.set_value(e);
    else
      next.set_value(pb::JournalEntry());
  });
  std::this_thread::sleep_for(Millis(200));
  REQUIRE(c.Submit(c.SignTransfer("bob", "shop", 1, ++seq["bob"])).status.ok());
  auto future = next.get_future();
  bool arrived = future.wait_for(Millis(3'000)) == std::future_status::ready;
  ctx.TryCancel();
  t.join();
  grpc::Status ignored = reader->Finish();
  (void)ignored;
  REQUIRE(arrived);
  pb::JournalEntry e = future.get();
  CHECK(e.sequence() == 11);
  CHECK(e.prev_hash() == journal.back().entry_hash());
}

TEST_CASE("the health service reports SERVING for the node and its ledger service",
          "[e2e][health]") {
  RunningNode n;
  int serving = -1;
  REQUIRE(HealthCheck(n.node->channel(), "", &serving).ok());
  CHECK(serving == 1);
  serving = -1;
  grpc::Status s = HealthCheck(n.node->channel(), "liard.v1.LedgerService", &serving);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(serving == 1);
  // The standard service answers NOT_FOUND for a service it does not know: it is really there.
  CHECK(HealthCheck(n.node->channel(), "no.such.Service", &serving).error_code() ==
        grpc::StatusCode::NOT_FOUND);

  // Server reflection lists the services (ServerReflectionRequest{list_services: "*"}).
  std::vector<std::string> responses;
  grpc::Status r = RawBidiCall(n.node->channel(),
                               "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                               {std::string("\x3a\x01*", 3)}, &responses);
  INFO("reflection: " << r.error_code() << " " << r.error_message());
  CHECK(r.ok());
  REQUIRE(responses.size() == 1);
  CHECK_THAT(responses[0], Catch::Contains("liard.v1.LedgerService"));
  CHECK_THAT(responses[0], Catch::Contains("grpc.health.v1.Health"));
}

// ---------------------------------------------------------------------------------------------
// Each error, and that it changes nothing.

TEST_CASE("malformed envelopes are INVALID_ARGUMENT with their liard-code and change nothing",
          "[e2e][errors]") {
  RunningNode n;
  Client& c = n.c();
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 1)).status.ok());
  std::string before = Snapshot(c);
  const Hash& lid = c.ledger_id();
  const KeyPair alice = KeyFor("alice");

  struct Case {
    std::string what;
    pb::SignedOperation op;
    int code;  // 0: any malformed code
  };
  std::vector<Case> cases;
  {
    pb::SignedOperation op = c.SignTransfer("alice", "bob", 1'00, 2);
    std::string sig = op.signature();
    sig[0] ^= 0x01;
    op.set_signature(sig);
    cases.push_back({"a signature with one bit flipped", op, 102});
  }
  cases.push_back({"garbage body bytes", SignBody("\xff\xfe not a protobuf", alice, lid), 101});
  {
    pb::SignedOperation op = c.SignTransfer("alice", "bob", 1'00, 2);
    op.set_body(op.body().substr(0, op.body().size() / 2));
    cases.push_back({"a truncated body", op, 101});
  }
  {
    std::string body = TransferBody(lid, "alice", IdBytes("bob"), 1'00, 2).SerializeAsString();
    body += std::string("\xf8\x07\x01", 3);  // field 127, varint 1: unknown to the node
    cases.push_back({"a body with an unknown field", SignBody(body, alice, lid), 101});
  }
  {
    pb::SignedOperation op = c.SignTransfer("alice", "bob", 1'00, 2);
    op.set_public_key(op.public_key().substr(0, 31));
    cases.push_back({"a 31-byte public key", op, 0});
  }
  {
    pb::SignedOperation op = c.SignTransfer("alice", "bob", 1'00, 2);
    op.set_signature(op.signature().substr(0, 63));
    cases.push_back({"a 63-byte signature", op, 0});
  }
  cases.push_back({"an empty envelope", pb::SignedOperation(), 0});
  {
    std::string body =
        TransferBody(lid, "alice", IdBytes("bob").substr(0, 31), 1'00, 2).SerializeAsString();
    cases.push_back({"a 31-byte payee id", SignBody(body, alice, lid), 109});
  }
  {
    pb::OperationBody b = TransferBody(lid, "alice", IdBytes("bob"), 1'00, 2);
    b.clear_transfer();
    cases.push_back(
        {"a body without an operation", SignBody(b.SerializeAsString(), alice, lid), 104});
  }
  cases.push_back({"a zero amount", c.SignTransfer("alice", "bob", 0, 2), 105});
  cases.push_back({"a negative amount", c.SignTransfer("alice", "bob", -5'00, 2), 105});
  cases.push_back({"a transfer to oneself", c.SignTransfer("alice", "alice", 1'00, 2), 108});
  cases.push_back(
      {"a 257-byte memo", c.SignTransfer("alice", "bob", 1'00, 2, std::string(257, 'a')), 106});
  cases.push_back(
      {"a memo that is not UTF-8", c.SignTransfer("alice", "bob", 1'00, 2, "\xff"), 107});
  cases.push_back({"sequence 0", c.SignTransfer("alice", "bob", 1'00, 0), 110});

  for (const auto& k : cases) {
    INFO(k.what);
    SubmitOutcome o = c.Submit(k.op);
    if (k.code == 0)
      CheckMalformed(o);
    else
      CheckRefused(o, grpc::StatusCode::INVALID_ARGUMENT, static_cast<Code>(k.code));
  }
  {
    // A request without any envelope at all.
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(10'000));
    pb::SubmitResponse resp;
    grpc::Status s = c.stub().Submit(&ctx, pb::SubmitRequest(), &resp);
    INFO("an empty SubmitRequest: " << s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  CHECK(Snapshot(c) == before);
  // Still serving, at the next sequence.
  SubmitOutcome ok = c.Submit(c.SignTransfer("alice", "bob", 1'00, 2));
  CHECK(ok.status.ok());
  CHECK(ok.response.sequence() == 2);
}

TEST_CASE("operations the ledger's state refuses are FAILED_PRECONDITION and change nothing",
          "[e2e][errors]") {
  RunningNode n;
  Client& c = n.c();
  REQUIRE(c.Submit(c.SignTransfer("alice", "bob", 1'00, 1)).status.ok());
  std::string before = Snapshot(c);
  const Hash& lid = c.ledger_id();

  SubmitOutcome poor = c.Submit(c.SignTransfer("alice", "bob", 99'01, 2));  // she has 99.00
  CheckRefused(poor, grpc::StatusCode::FAILED_PRECONDITION, Code::kInsufficientFunds);

  struct Case {
    std::string what;
    pb::SignedOperation op;
    Code code;
  };
  // Bob's key, validly signing a body whose acting account is alice.
  pb::SignedOperation signed_by_bob =
      SignBody(TransferBody(lid, "alice", IdBytes("carol"), 1'00, 2).SerializeAsString(),
               KeyFor("bob"), lid);
  std::vector<Case> cases = {
      {"an unknown payer", c.SignTransfer("stranger", "bob", 1'00, 1), Code::kUnknownAccount},
      {"an unknown payee", c.SignTransfer("alice", "stranger", 1'00, 2), Code::kUnknownDestination},
      {"a sequence used already", c.SignTransfer("alice", "bob", 2'00, 1), Code::kSequenceUsed},
      {"a sequence that skips ahead", c.SignTransfer("alice", "bob", 1'00, 3), Code::kSequenceGap},
      {"alice's body signed by bob", signed_by_bob, Code::kWrongKey},
  };
  {
    pb::OperationBody b = TransferBody(lid, "alice", IdBytes("bob"), 1'00, 2);
    b.set_not_after_ms(1'000);  // 1970
    cases.push_back({"an expired operation", SignBody(b.SerializeAsString(), KeyFor("alice"), lid),
                     Code::kExpired});
  }
  for (const auto& k : cases) {
    INFO(k.what);
    CheckRefused(c.Submit(k.op), grpc::StatusCode::FAILED_PRECONDITION, k.code);
  }
  CHECK(Snapshot(c) == before);

  // The issue asks for a log line per refused operation; it names the refusal. The node writes
  // each line before it answers, but the harness reads its stderr on another thread: wait (a
  // little) until every line has come through, not just one of them.
  const std::vector<std::string> names = {"INSUFFICIENT_FUNDS",
                                          "UNKNOWN_ACCOUNT",
                                          "UNKNOWN_DESTINATION",
                                          "SEQUENCE_USED",
                                          "SEQUENCE_GAP",
                                          "WRONG_KEY",
                                          "EXPIRED"};
  auto all_logged = [&] {
    const std::string log = n.node->err();
    return std::all_of(names.begin(), names.end(), [&](const std::string& name) {
      return log.find(name) != std::string::npos;
    });
  };
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline && !all_logged()) std::this_thread::sleep_for(Millis(20));
  std::string log = n.node->err();
  INFO("node stderr:\n" << log);
  for (const auto& name : names) CHECK_THAT(log, Catch::Contains(name));
}

TEST_CASE("an operation meant for another ledger is refused and changes nothing", "[e2e][errors]") {
  RunningNode n;
  Client& c = n.c();
  std::string before = Snapshot(c);
  Hash other = LedgerIdOf("another currency's genesis");
  const KeyPair alice = KeyFor("alice");

  // A body naming another ledger, correctly signed for it: replayed from another currency.
  std::string foreign = TransferBody(other, "alice", IdBytes("bob"), 1'00, 1).SerializeAsString();
  CheckRefused(c.Submit(SignBody(foreign, alice, other)), grpc::StatusCode::INVALID_ARGUMENT,
               Code::kWrongLedger);
  // A body naming this ledger but signed for another: the signature does not hold here.
  std::string local =
      TransferBody(c.ledger_id(), "alice", IdBytes("bob"), 1'00, 1).SerializeAsString();
  CheckRefused(c.Submit(SignBody(local, alice, other)), grpc::StatusCode::INVALID_ARGUMENT,
               Code::kBadSignature);
  CHECK(Snapshot(c) == before);
}

TEST_CASE("an unknown account or operation is NOT_FOUND and a malformed id INVALID_ARGUMENT",
          "[e2e][errors]") {
  RunningNode n;
  Client& c = n.c();
  pb::AccountInfo info;
  grpc::Status s = c.GetAccount(Id("stranger"), &info);
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_FALSE(s.error_message().empty());
  pb::Receipt receipt;
  s = c.GetOperation(Sha256({"no such operation"}), &receipt);
  CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_FALSE(s.error_message().empty());

  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(5'000));
    pb::GetAccountRequest req;
    req.set_id("short");
    s = c.stub().GetAccount(&ctx, req, &info);
    INFO(s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, Millis(5'000));
    pb::GetOperationRequest req;
    req.set_operation_id("short");
    s = c.stub().GetOperation(&ctx, req, &receipt);
    INFO(s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  // A refused operation is not an operation: it has no receipt.
  pb::SignedOperation refused = c.SignTransfer("alice", "bob", 1'000'00, 1);
  REQUIRE_FALSE(c.Submit(refused).status.ok());
  CHECK(c.GetOperation(c.OperationIdOf(refused), &receipt).error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("a request above max_message_bytes is RESOURCE_EXHAUSTED and changes nothing",
          "[e2e][errors]") {
  RunningNode n(StandardGenesis(), "[server]\nmax_message_bytes = 4096\n");
  Client& c = n.c();
  std::string before = Snapshot(c);

  // Forty valid transfers: about 8 KB, twice the limit. None may be applied.
  std::vector<pb::SignedOperation> ops;
  for (uint64_t i = 1; i <= 40; ++i) ops.push_back(c.SignTransfer("alice", "bob", 1, i));
  pb::SubmitBatchResponse batch;
  grpc::Status s = c.SubmitBatch(ops, &batch);
  INFO("batch: " << s.error_code() << " " << s.error_message());
  CHECK(s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);

  // One envelope of 5,000 bytes: refused for its size, before anything looks inside it.
  pb::SignedOperation big = c.SignTransfer("alice", "bob", 1, 1);
  big.set_body(big.body() + std::string(5'000, 'x'));
  SubmitOutcome o = c.Submit(big);
  INFO("big Submit: " << o.status.error_code() << " " << o.status.error_message());
  CHECK(o.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(Snapshot(c) == before);

  // Below the limit, all is well.
  SubmitOutcome small = c.Submit(c.SignTransfer("alice", "bob", 1, 1));
  CHECK(small.status.ok());
  CHECK(small.response.sequence() == 1);
}

TEST_CASE("the same envelope submitted twice is applied once and answered alike",
          "[e2e][idempotence]") {
  RunningNode n;
  Client& c = n.c();
  pb::SignedOperation op = c.SignTransfer("alice", "bob", 10'00, 1);
  SubmitOutcome first = c.Submit(op);
  SubmitOutcome second = c.Submit(op);
  INFO(first.status.error_message() << " / " << second.status.error_message());
  REQUIRE(first.status.ok());
  REQUIRE(second.status.ok());
  CHECK_FALSE(first.response.duplicate());
  CHECK(second.response.duplicate());
  CHECK(second.response.operation_id() == first.response.operation_id());
  CHECK(second.response.sequence() == first.response.sequence());
  CHECK(second.response.entry_hash() == first.response.entry_hash());
  CHECK(second.response.time_ms() == first.response.time_ms());
  CHECK(c.Balance("alice") == 90'00);
  CHECK(c.Balance("bob") == 60'00);

  // Later, after other operations, the retry still gets the first answer.
  REQUIRE(c.Submit(c.SignTransfer("alice", "carol", 1'00, 2)).status.ok());
  SubmitOutcome late = c.Submit(op);
  REQUIRE(late.status.ok());
  CHECK(late.response.duplicate());
  CHECK(late.response.sequence() == 1);
  CHECK(late.response.entry_hash() == first.response.entry_hash());

  // Two identical retries racing: both answered, one applied.
  for (uint64_t seq = 3; seq <= 6; ++seq) {
    INFO("race at sequence " << seq);
    pb::SignedOperation raced = c.SignTransfer("alice", "bob", 1'00, seq);
    int64_t alice_before = c.Balance("alice");
    uint64_t head_before = c.Head().sequence();
    std::latch go(2);
    SubmitOutcome a, b;
    std::thread ta([&] {
      go.arrive_and_wait();
      a = c.Submit(raced);
    });
    std::thread tb([&] {
      go.arrive_and_wait();
      b = c.Submit(raced);
    });
    ta.join();
    tb.join();
    INFO(a.status.error_message() << " / " << b.status.error_message());
    REQUIRE(a.status.ok());
    REQUIRE(b.status.ok());
    CHECK(a.response.sequence() == b.response.sequence());
    CHECK(a.response.entry_hash() == b.response.entry_hash());
    CHECK(a.response.duplicate() != b.response.duplicate());
    CHECK(c.Balance("alice") == alice_before - 1'00);
    CHECK(c.Head().sequence() == head_before + 1);
  }

  // Twice in one batch: the second is the first's duplicate.
  pb::SignedOperation twice = c.SignTransfer("alice", "bob", 1'00, 7);
  pb::SubmitBatchResponse batch;
  REQUIRE(c.SubmitBatch({twice, twice}, &batch).ok());
  REQUIRE(batch.results_size() == 2);
  CHECK(batch.results(0).code() == 0);
  CHECK_FALSE(batch.results(0).duplicate());
  CHECK(batch.results(1).code() == 0);
  CHECK(batch.results(1).duplicate());
  CHECK(batch.results(1).sequence() == batch.results(0).sequence());
  CHECK(c.AccountOf("alice").sequence() == 7);
}

TEST_CASE("an envelope the node could not keep byte for byte is MALFORMED_BODY and changes nothing",
          "[e2e][errors][envelope]") {
  RunningNode n;
  Client& c = n.c();
  auto channel = n.node->channel();
  const std::string submit = "/liard.v1.LedgerService/Submit";
  const std::string submit_batch = "/liard.v1.LedgerService/SubmitBatch";
  const std::string before = Snapshot(c);
  const pb::SignedOperation good = c.SignTransfer("alice", "bob", 1'00, 1);
  const std::string canonical = good.SerializeAsString();
  REQUIRE(canonical == LenField(1, good.body()) + LenField(2, good.public_key()) +
                           LenField(3, good.signature()));

  // Unknown fields ride along in a parsed message: the generated client sends them as it got
  // them. One after the known fields (field 127, varint 1), one before them (field 4, bytes).
  pb::SignedOperation unknown_after, unknown_before;
  REQUIRE(unknown_after.ParseFromString(canonical + std::string("\xf8\x07\x01", 3)));
  REQUIRE(unknown_before.ParseFromString(LenField(4, "why not") + canonical));
  for (const pb::SignedOperation* op : {&unknown_after, &unknown_before}) {
    REQUIRE(op->SerializeAsString() != canonical);
    SubmitOutcome o = c.Submit(*op);
    CheckRefused(o, grpc::StatusCode::INVALID_ARGUMENT, Code::kMalformedBody);
    CHECK_THAT(o.status.error_message(), Catch::Contains("fields this node does not know"));
  }

  // Known fields, but not as the node would journal them: it would keep other bytes than those
  // sent, so it takes none of these.
  const std::vector<std::pair<std::string, std::string>> odd = {
      {"fields in reverse order",
       LenField(3, good.signature()) + LenField(2, good.public_key()) + LenField(1, good.body())},
      {"a body sent twice (the last one is the one signed)",
       LenField(1, "an unsigned first body") + canonical},
      {"a body length in two bytes", LenField(1, good.body(), /*overlong_length=*/true) +
                                         LenField(2, good.public_key()) +
                                         LenField(3, good.signature())},
  };
  for (const auto& [what, envelope] : odd) {
    INFO(what);
    pb::SignedOperation parsed;
    REQUIRE(parsed.ParseFromString(envelope));  // a valid message, the same operation
    REQUIRE(parsed.SerializeAsString() == canonical);
    CheckRawMalformed(RawUnaryCall(channel, submit, LenField(1, envelope), nullptr));
  }
  // Around the envelope: two envelopes in one Submit (protobuf would merge them into one), and a
  // field of the request itself that the node does not know.
  CheckRawMalformed(
      RawUnaryCall(channel, submit, LenField(1, canonical) + LenField(1, canonical), nullptr));
  CheckRawMalformed(RawUnaryCall(channel, submit, LenField(1, canonical) + "\x10\x01", nullptr));

  // In a batch: each such envelope is refused on its own, as MALFORMED_BODY.
  pb::SubmitBatchResponse typed;
  REQUIRE(c.SubmitBatch({unknown_after, unknown_before}, &typed).ok());
  REQUIRE(typed.results_size() == 2);
  for (const auto& r : typed.results()) {
    CHECK(r.code() == static_cast<uint32_t>(Code::kMalformedBody));
    CHECK(r.code_name() == "MALFORMED_BODY");
    CHECK_FALSE(r.duplicate());
    CHECK(r.sequence() == 0);
  }
  std::string raw_batch;
  for (const auto& [what, envelope] : odd) raw_batch += LenField(1, envelope);
  std::string raw_response;
  grpc::Status batch_status = RawUnaryCall(channel, submit_batch, raw_batch, &raw_response);
  REQUIRE(batch_status.ok());
  pb::SubmitBatchResponse raw_results;
  REQUIRE(raw_results.ParseFromString(raw_response));
  REQUIRE(raw_results.results_size() == 3);
  for (const auto& r : raw_results.results()) {
    INFO(r.message());
    CHECK(r.code() == static_cast<uint32_t>(Code::kMalformedBody));
    CHECK(r.operation_id() == HashBytes(c.OperationIdOf(good)));
  }
  // A field of the batch request itself that the node does not know refuses the whole batch.
  CheckRawMalformed(
      RawUnaryCall(channel, submit_batch, LenField(1, canonical) + "\x10\x01", nullptr));
  CHECK(Snapshot(c) == before);

  // Beside a good one, in one batch: only the refused one is refused, and the good one is
  // journaled as sent.
  pb::SubmitBatchResponse mixed;
  REQUIRE(c.SubmitBatch({unknown_after, good}, &mixed).ok());
  REQUIRE(mixed.results_size() == 2);
  CHECK(mixed.results(0).code() == static_cast<uint32_t>(Code::kMalformedBody));
  CHECK(mixed.results(1).code() == 0);
  CHECK(mixed.results(1).sequence() == 1);
  pb::Receipt receipt;
  REQUIRE(c.GetOperation(c.OperationIdOf(good), &receipt).ok());
  CHECK(Hex(receipt.envelope()) == Hex(canonical));
  CHECK(c.Balance("alice") == 99'00);
  CHECK(c.Head().sequence() == 1);
}

TEST_CASE("the receipt and the journal hold each envelope byte for byte as the client sent it",
          "[e2e][envelope]") {
  RunningNode n;
  Client& c = n.c();
  auto channel = n.node->channel();
  // What each client sent, by journal sequence: by Submit, by Submit with bytes encoded by hand,
  // by SubmitBatch.
  std::map<uint64_t, std::string> sent;
  pb::SignedOperation first = c.SignTransfer("alice", "bob", 1'00, 1);
  SubmitOutcome o = c.Submit(first);
  REQUIRE(o.status.ok());
  sent[o.response.sequence()] = first.SerializeAsString();

  pb::SignedOperation second = c.SignTransfer("alice", "carol", 2'00, 2, "by hand");
  const std::string by_hand = LenField(1, second.body()) + LenField(2, second.public_key()) +
                              LenField(3, second.signature());
  std::string raw_response;
  REQUIRE(
      RawUnaryCall(channel, "/liard.v1.LedgerService/Submit", LenField(1, by_hand), &raw_response)
          .ok());
  pb::SubmitResponse raw;
  REQUIRE(raw.ParseFromString(raw_response));
  sent[raw.sequence()] = by_hand;

  std::vector<pb::SignedOperation> batch = {c.SignTransfer("bob", "alice", 3'00, 1),
                                            c.SignTransfer("alice", "bob", 4'00, 3)};
  pb::SubmitBatchResponse results;
  REQUIRE(c.SubmitBatch(batch, &results).ok());
  REQUIRE(results.results_size() == 2);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(results.results(i).code() == 0);
    sent[results.results(i).sequence()] = batch[i].SerializeAsString();
  }
  REQUIRE(sent.size() == 4);

  std::vector<pb::JournalEntry> journal = c.Journal();
  REQUIRE(journal.size() == 4);
  CHECK(VerifyChain(journal, c.ledger_id()).empty());
  for (const auto& [seq, bytes] : sent) {
    INFO("sequence " << seq);
    CHECK(Hex(journal[seq - 1].envelope()) == Hex(bytes));
    pb::SignedOperation op;
    REQUIRE(op.ParseFromString(bytes));
    pb::Receipt receipt;
    REQUIRE(c.GetOperation(c.OperationIdOf(op), &receipt).ok());
    CHECK(receipt.sequence() == seq);
    CHECK(Hex(receipt.envelope()) == Hex(bytes));
    CHECK(receipt.entry_hash() == journal[seq - 1].entry_hash());
  }
}

TEST_CASE("a body re-signed by another key is WRONG_KEY, never the first envelope's duplicate",
          "[e2e][idempotence][envelope]") {
  RunningNode n;
  Client& c = n.c();
  const Hash& lid = c.ledger_id();
  const KeyPair mallory = KeyFor("mallory");
  const std::string body = TransferBody(lid, "alice", IdBytes("bob"), 5'00, 1).SerializeAsString();
  const pb::SignedOperation honest = SignBody(body, KeyFor("alice"), lid);
  const pb::SignedOperation forged = SignBody(body, mallory, lid);
  REQUIRE(c.OperationIdOf(forged) == c.OperationIdOf(honest));  // the id covers the body only

  // Before the honest envelope is applied.
  const std::string before = Snapshot(c);
  SubmitOutcome early = c.Submit(forged);
  CheckRefused(early, grpc::StatusCode::FAILED_PRECONDITION, Code::kWrongKey);
  CHECK(Snapshot(c) == before);

  SubmitOutcome first = c.Submit(honest);
  REQUIRE(first.status.ok());
  CHECK_FALSE(first.response.duplicate());
  const std::string after_first = Snapshot(c);

  // After it: refused for its key, not answered with the honest one's receipt.
  SubmitOutcome late = c.Submit(forged);
  CheckRefused(late, grpc::StatusCode::FAILED_PRECONDITION, Code::kWrongKey);
  CHECK_FALSE(late.response.duplicate());
  pb::SubmitBatchResponse alone;
  REQUIRE(c.SubmitBatch({forged}, &alone).ok());
  REQUIRE(alone.results_size() == 1);
  CHECK(alone.results(0).code() == static_cast<uint32_t>(Code::kWrongKey));
  CHECK_FALSE(alone.results(0).duplicate());
  CHECK(alone.results(0).sequence() == 0);
  CHECK(alone.results(0).entry_hash().empty());
  CHECK(Snapshot(c) == after_first);

  // In one batch right behind its original: refused too.
  const std::string body2 = TransferBody(lid, "alice", IdBytes("bob"), 1'00, 2).SerializeAsString();
  pb::SubmitBatchResponse pair;
  REQUIRE(
      c.SubmitBatch({SignBody(body2, KeyFor("alice"), lid), SignBody(body2, mallory, lid)}, &pair)
          .ok());
  REQUIRE(pair.results_size() == 2);
  CHECK(pair.results(0).code() == 0);
  CHECK(pair.results(1).code() == static_cast<uint32_t>(Code::kWrongKey));
  CHECK_FALSE(pair.results(1).duplicate());

  // The honest envelope, resent byte for byte, is still answered as its duplicate.
  SubmitOutcome again = c.Submit(honest);
  REQUIRE(again.status.ok());
  CHECK(again.response.duplicate());
  CHECK(again.response.sequence() == first.response.sequence());
  CHECK(again.response.entry_hash() == first.response.entry_hash());
  CHECK(c.Balance("alice") == 100'00 - 5'00 - 1'00);
  CHECK(c.Balance("bob") == 50'00 + 5'00 + 1'00);
}

TEST_CASE("after a re-key, an honest resend is still its duplicate, the body re-signed is refused",
          "[e2e][idempotence][envelope]") {
  RunningNode n;
  Client& c = n.c();
  const Hash& lid = c.ledger_id();
  const pb::SignedOperation honest = c.SignTransfer("alice", "bob", 5'00, 1);
  SubmitOutcome first = c.Submit(honest);
  REQUIRE(first.status.ok());
  const KeyPair new_key = KeyFor("alice's new phone");
  SubmitOutcome rekeyed = c.Submit(c.SignPropose(
      KeyFor("board-1"), 1, Rekey{Id("alice"), new_key.public_key()}, NowMs() + 3'600'000));
  INFO(rekeyed.status.error_message());
  REQUIRE(rekeyed.status.ok());  // threshold 1: decided at once
  // Alice's own key no longer reads her account: the others and the treasurer's view of hers.
  const std::vector<std::string> others = {"association", "office", "shop", "bob", "carol"};
  auto alice_now = [&c] {
    pb::AccountInfo info;
    grpc::Status s = c.GetAccount(Id("alice"), &info);
    if (!s.ok()) throw std::runtime_error("GetAccount failed: " + s.error_message());
    return info.ShortDebugString();
  };
  pb::AccountInfo alice;
  REQUIRE(c.GetAccount(Id("alice"), &alice).ok());
  REQUIRE(alice.key() == std::string(new_key.public_key().view()));
  const std::string before = Snapshot(c, others) + alice_now();

  // Signed by the key that was the account's when it applied: the retry it is.
  SubmitOutcome retry = c.Submit(honest);
  INFO(retry.status.error_message());
  REQUIRE(retry.status.ok());
  CHECK(retry.response.duplicate());
  CHECK(retry.response.sequence() == first.response.sequence());
  CHECK(retry.response.entry_hash() == first.response.entry_hash());

  // The same body signed by the account's new key did not apply then: its sequence is used.
  SubmitOutcome resigned = c.Submit(SignBody(honest.body(), new_key, lid));
  CheckRefused(resigned, grpc::StatusCode::FAILED_PRECONDITION, Code::kSequenceUsed);
  CHECK_FALSE(resigned.response.duplicate());
  // And signed by a stranger: not the account's key.
  SubmitOutcome stranger = c.Submit(SignBody(honest.body(), KeyFor("mallory"), lid));
  CheckRefused(stranger, grpc::StatusCode::FAILED_PRECONDITION, Code::kWrongKey);
  CHECK(Snapshot(c, others) + alice_now() == before);
}

TEST_CASE("the stop line counts the synced groups and what they carried", "[e2e][restart]") {
  RunningNode n;
  Client& c = n.c();
  // A batch of 5 is queued at once, so it is one group; two more single operations, one of
  // them a duplicate (answered, not applied again), and one refused by the core.
  std::vector<pb::SignedOperation> five;
  for (uint64_t seq = 1; seq <= 5; ++seq) five.push_back(c.SignTransfer("alice", "bob", 1, seq));
  pb::SubmitBatchResponse batch;
  REQUIRE(c.SubmitBatch(five, &batch).ok());
  pb::SignedOperation sixth = c.SignTransfer("alice", "bob", 1, 6);
  REQUIRE(c.Submit(sixth).status.ok());
  REQUIRE(c.Submit(sixth).response.duplicate());
  CHECK_FALSE(c.Submit(c.SignTransfer("alice", "bob", 1, 9)).status.ok());  // a gap
  REQUIRE(n.node->Stop() == 0);
  const std::string log = n.node->err();
  INFO(log);
  CHECK(log.find("applied=6 ") != std::string::npos);
  CHECK(log.find("operations=8 ") != std::string::npos);
  // The batch's group and the sixth's: two synced writes; a refusal alone writes nothing.
  CHECK(log.find("groups=2 ") != std::string::npos);
  CHECK(log.find("largest_group=5 ") != std::string::npos);
}

TEST_CASE("calls abandoned before their fsync leave the node serving and nothing half done",
          "[e2e][idempotence]") {
  // Submit is answered by the applier after the fsync; a caller may have given up by then (its
  // deadline passed, it hung up). Such a call must still be finished exactly once, its operation
  // applied whole or not at all, and the node must go on.
  RunningNode n;
  Client& c = n.c();
  const int64_t alice_before = c.Balance("alice");
  std::vector<pb::SignedOperation> ops;
  for (uint64_t seq = 1; seq <= 200; ++seq) ops.push_back(c.SignTransfer("alice", "bob", 1, seq));
  int gave_up = 0;
  std::vector<std::thread> threads;
  std::mutex mu;
  // Four callers, each sending a quarter in order with a deadline too short to be sure of an
  // answer; some answers arrive, some are abandoned.
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (size_t i = t; i < ops.size(); i += 4) {
        SubmitOutcome o = c.Submit(ops[i], Millis(1));
        if (o.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
          std::lock_guard lock(mu);
          ++gave_up;
        }
      }
    });
  for (auto& t : threads) t.join();
  INFO(gave_up << " of 200 calls gave up before their answer");
  if (gave_up == 0) WARN("no call gave up: this run did not exercise abandoned calls");
  CHECK(n.node->running());
  // Resending every envelope in order, with time to spare: each is either applied now or
  // answered as the duplicate of what was applied before, so all 200 end applied exactly once.
  const uint64_t applied_before = c.Head().sequence();
  uint64_t duplicates = 0;
  for (const auto& op : ops) {
    SubmitOutcome o = c.Submit(op);
    INFO(o.status.error_message());
    REQUIRE(o.status.ok());
    if (o.response.duplicate()) ++duplicates;
  }
  CHECK(duplicates == applied_before);
  CHECK(c.AccountOf("alice").sequence() == 200);
  CHECK(c.Balance("alice") == alice_before - 200);
  CHECK(c.Head().sequence() == 200);
  REQUIRE(n.node->Stop() == 0);
}

TEST_CASE("two envelopes spending the same funds concurrently: exactly one succeeds",
          "[e2e][concurrency]") {
  RunningNode n;
  Client& c = n.c();
  // Races of different envelopes with the same sequence, then with consecutive sequences; each
  // spends 60 % of alice's balance, so at most one of the two can ever be paid.
  for (int round = 0; round < 8; ++round) {
    bool same_sequence = round < 5;
    pb::AccountInfo alice = c.AccountOf("alice");
    int64_t amount = alice.balance() * 6 / 10;
    uint64_t seq = alice.sequence() + 1;
    int64_t bob_before = c.Balance("bob"), carol_before = c.Balance("carol");
    uint64_t head_before = c.Head().sequence();
    pb::SignedOperation to_bob = c.SignTransfer("alice", "bob", amount, seq);
    pb::SignedOperation to_carol =
        c.SignTransfer("alice", "carol", amount, same_sequence ? seq : seq + 1);

    std::latch go(2);
    SubmitOutcome a, b;
    std::thread ta([&] {
      go.arrive_and_wait();
      a = c.Submit(to_bob);
    });
    std::thread tb([&] {
      go.arrive_and_wait();
      b = c.Submit(to_carol);
    });
    ta.join();
    tb.join();
    INFO("round " << round << " amount " << amount << ": to bob " << a.status.error_code() << " "
                  << a.status.error_message() << " / to carol " << b.status.error_code() << " "
                  << b.status.error_message());
    REQUIRE(a.status.ok() + b.status.ok() == 1);
    const SubmitOutcome& loser = a.status.ok() ? b : a;
    CHECK(loser.status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    std::set<std::string> allowed = {"203", "204", "205"};  // used, gap, insufficient funds
    CHECK(allowed.count(loser.liard_code) == 1);
    if (!same_sequence) CHECK(a.status.ok());  // only sequence `seq` can ever come first
    CHECK(c.Balance("alice") == alice.balance() - amount);
    CHECK(c.Balance("bob") + c.Balance("carol") == bob_before + carol_before + amount);
    CHECK(c.Balance("bob") == bob_before + (a.status.ok() ? amount : 0));
    CHECK(c.Head().sequence() == head_before + 1);
  }
}

TEST_CASE("SubmitBatch answers each operation in order and a refusal does not stop the others",
          "[e2e][batch]") {
  RunningNode n;
  Client& c = n.c();
  std::vector<pb::SignedOperation> ops = {
      c.SignTransfer("alice", "bob", 1'00, 1),              // ok
      c.SignTransfer("alice", "bob", 1'000'00, 2),          // insufficient funds
      c.SignTransfer("alice", "bob", 2'00, 2),              // ok: sequence 2 was not used
      c.SignTransfer("bob", "carol", 3'00, 1),              // bad signature, below
      c.SignTransfer("bob", "carol", 3'00, 1),              // ok
      c.SignTransfer("alice", "bob", 1'00, 1),              // the first again: a duplicate
      SignBody("garbage", KeyFor("alice"), c.ledger_id()),  // malformed
  };
  std::string sig = ops[3].signature();
  sig[10] ^= 0x40;
  ops[3].set_signature(sig);

  pb::SubmitBatchResponse resp;
  grpc::Status s = c.SubmitBatch(ops, &resp);
  INFO(s.error_message());
  REQUIRE(s.ok());
  REQUIRE(resp.results_size() == 7);
  const std::vector<uint32_t> want_codes = {0, 205, 0, 102, 0, 0, 101};
  for (int i = 0; i < 7; ++i) {
    const auto& r = resp.results(i);
    INFO("result " << i << ": " << r.ShortDebugString());
    CHECK(r.code() == want_codes[i]);
    if (r.code() == 0) {
      CHECK(r.entry_hash().size() == 32);
      CHECK(r.operation_id() == HashBytes(c.OperationIdOf(ops[i])));
    } else {
      CHECK(r.code_name() == std::string(CodeName(static_cast<Code>(r.code()))));
      CHECK_FALSE(r.message().empty());
      CHECK(r.sequence() == 0);
      CHECK(r.entry_hash().empty());
    }
  }
  CHECK(resp.results(0).sequence() == 1);
  CHECK(resp.results(2).sequence() == 2);
  CHECK(resp.results(4).sequence() == 3);
  CHECK_FALSE(resp.results(0).duplicate());
  CHECK(resp.results(5).duplicate());
  CHECK(resp.results(5).sequence() == 1);
  CHECK(resp.results(5).entry_hash() == resp.results(0).entry_hash());
  CHECK(c.Balance("alice") == 97'00);
  CHECK(c.Balance("bob") == 50'00);
  CHECK(c.Balance("carol") == 3'00);
  CHECK(c.Head().sequence() == 3);

  pb::SubmitBatchResponse empty;
  REQUIRE(c.SubmitBatch({}, &empty).ok());
  CHECK(empty.results_size() == 0);

  // Above the documented 10,000 operations: refused whole, nothing applied.
  std::vector<pb::SignedOperation> too_many;
  too_many.reserve(10'001);
  for (uint64_t i = 0; i < 10'001; ++i)
    too_many.push_back(c.SignTransfer("carol", "bob", 1, 1 + i));
  pb::SubmitBatchResponse big;
  grpc::Status too = c.SubmitBatch(too_many, &big, Millis(60'000));
  INFO("10,001 operations: " << too.error_code() << " " << too.error_message());
  CHECK_FALSE(too.ok());
  CHECK(c.Head().sequence() == 3);
  CHECK(c.Balance("carol") == 3'00);
}

TEST_CASE("a SIGTERM right after the node says it listens stops it cleanly every time",
          "[e2e][restart]") {
  // gRPC starts threads as soon as a credentials object exists; a SIGTERM that reached one of
  // them before the node blocked signals killed it (exit 143, no last checkpoint, no log line)
  // about one start in six.
  TempDir tmp;
  const std::string data = tmp.Join("data");
  REQUIRE(RunNode({"init", "--demo", "--data", data}).exit_code == 0);
  for (int i = 0; i < 25; ++i) {
    NodeProcess node(data);
    node.Start();
    const int code = node.Stop();
    INFO("start " << i + 1 << ": " << node.err());
    REQUIRE(code == 0);
    CHECK(node.err().find("event=stopped") != std::string::npos);
  }
}

TEST_CASE("SIGTERM stops the node cleanly and a restart serves the same ledger", "[e2e][restart]") {
  RunningNode n;
  std::vector<pb::SignedOperation> sent;
  std::map<std::string, uint64_t> seq;
  for (int i = 0; i < 20; ++i) {
    std::string from = i % 3 == 0 ? "bob" : "alice";
    std::string to = i % 2 == 0 ? "shop" : "carol";
    sent.push_back(n.c().SignTransfer(from, to, 1'00 + i, ++seq[from]));
    REQUIRE(n.c().Submit(sent.back()).status.ok());
  }
  auto state = [&](Client& c) {
    std::ostringstream s;
    pb::Head h = c.Head();
    s << "head " << h.sequence() << " " << Hex(h.head_hash()) << " " << Hex(h.state_digest()) << " "
      << Hex(h.ledger_id()) << "\n";
    for (const auto& name : kStandardNames) s << c.AccountOf(name).ShortDebugString() << "\n";
    s << c.Reserves().ShortDebugString() << "\n";
    for (const auto& name : {"alice", "shop"})
      for (const auto& r : AllHistory(c, name, 7)) s << r.ShortDebugString() << "\n";
    for (const auto& e : c.Journal(1)) s << e.ShortDebugString() << "\n";
    return s.str();
  };
  std::string before = state(n.c());
  pb::Head head_before = n.c().Head();
  REQUIRE(head_before.sequence() == 20);
  n.client.reset();

  int code = n.node->Stop();
  std::string output = n.node->out() + n.node->err();
  INFO("node output:\n" << output);
  CHECK(code == 0);
  CHECK_THAT(output, Catch::Contains("stop", Catch::CaseSensitive::No));
  static const std::regex kListening("liard-node listening on ");
  CHECK(std::distance(std::sregex_iterator(output.begin(), output.end(), kListening),
                      std::sregex_iterator()) == 1);

  n.Restart();
  Client& c = n.c();
  CHECK(state(c) == before);
  // The op index survived: a retry is still recognised.
  SubmitOutcome retry = c.Submit(sent.back());
  REQUIRE(retry.status.ok());
  CHECK(retry.response.duplicate());
  CHECK(retry.response.sequence() == 20);
  // And the chain continues from the old head.
  SubmitOutcome next = c.Submit(c.SignTransfer("alice", "bob", 1, ++seq["alice"]));
  REQUIRE(next.status.ok());
  CHECK(next.response.sequence() == 21);
  Hash next_id;
  REQUIRE(next_id.Assign(next.response.operation_id()));
  pb::Receipt r;
  REQUIRE(c.GetOperation(next_id, &r).ok());
  CHECK(r.prev_hash() == head_before.head_hash());
}

TEST_CASE("garbage bytes on the wire are refused cleanly and the node keeps serving",
          "[e2e][errors][wire]") {
  RunningNode n;
  Client& c = n.c();
  auto channel = n.node->channel();
  const std::string submit = "/liard.v1.LedgerService/Submit";

  // The raw path works for a real request, so the refusals below are about the bytes.
  pb::SubmitRequest good;
  *good.mutable_operation() = c.SignTransfer("alice", "bob", 1'00, 1);
  std::string response;
  grpc::Status ok = RawUnaryCall(channel, submit, good.SerializeAsString(), &response);
  INFO(ok.error_message());
  REQUIRE(ok.ok());
  pb::SubmitResponse parsed;
  REQUIRE(parsed.ParseFromString(response));
  CHECK(parsed.sequence() == 1);
  std::string before = Snapshot(c);

  pb::SubmitRequest next;
  *next.mutable_operation() = c.SignTransfer("alice", "bob", 1'00, 2);
  std::string bytes = next.SerializeAsString();
  const std::vector<std::pair<std::string, std::string>> garbage = {
      {"bytes that are no protobuf", std::string("\xff\xff\xff\xff garbage \x00\x01", 16)},
      {"a request cut in half", bytes.substr(0, bytes.size() / 2)},
      {"a request missing its last byte", bytes.substr(0, bytes.size() - 1)},
      {"an envelope field holding garbage", std::string("\x0a\x05\xff\xff\xff\xff\xff", 7)},
      {"a field with an impossible length", std::string("\x0a\xff\xff\xff\xff\x0f", 6)},
  };
  for (const auto& [what, raw] : garbage) {
    INFO(what);
    grpc::Status s = RawUnaryCall(channel, submit, raw, nullptr);
    INFO("status " << s.error_code() << " " << s.error_message());
    CHECK_FALSE(s.ok());
    CHECK((s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
           s.error_code() == grpc::StatusCode::INTERNAL));
    CHECK(n.node->running());
  }
  grpc::Status s = RawUnaryCall(channel, "/liard.v1.LedgerService/GetAccount",
                                "\xff\xff\xff\xff garbage", nullptr);
  CHECK_FALSE(s.ok());
  CHECK(n.node->running());

  int serving = -1;
  REQUIRE(HealthCheck(channel, "", &serving).ok());
  CHECK(serving == 1);
  CHECK(Snapshot(c) == before);
  SubmitOutcome still = c.Submit(next.operation());
  CHECK(still.status.ok());
  CHECK(still.response.sequence() == 2);
}

// Issue 18: the numbers a refusal states travel as named integers beside its code, so that a
// client says the refusal in its own language: `liard-figure-<name>` trailers on Submit, the
// `figures` map of batch results and of Simulate.
TEST_CASE("a refusal's figures are integers in its trailers, its batch result and its preview",
          "[e2e][refusal]") {
  RunningNode n;
  Client& c = n.c();
  const int64_t balance = c.Balance("bob");
  const int64_t amount = balance + 1;

  grpc::ClientContext ctx;
  SetDeadline(&ctx, Millis(10'000));
  pb::SubmitRequest req;
  *req.mutable_operation() = c.SignTransfer("bob", "alice", amount, 1);
  pb::SubmitResponse resp;
  grpc::Status s = c.stub().Submit(&ctx, req, &resp);
  REQUIRE(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  std::map<std::string, std::string> figures;
  for (const auto& [key, value] : ctx.GetServerTrailingMetadata()) {
    const std::string k(key.data(), key.size());
    if (k.rfind("liard-figure-", 0) == 0)
      figures[k.substr(13)] = std::string(value.data(), value.size());
  }
  const std::map<std::string, std::string> want = {{"balance_units", std::to_string(balance)},
                                                   {"amount_units", std::to_string(amount)}};
  CHECK(figures == want);
  // The English sentence is still the status message, for logs and old clients.
  CHECK_THAT(s.error_message(), Catch::StartsWith("INSUFFICIENT_FUNDS: the balance is "));

  // A batch result carries the same figures in its map; an accepted one carries none.
  pb::SubmitBatchResponse batch;
  REQUIRE(c.SubmitBatch(
               {c.SignTransfer("bob", "alice", 1, 1), c.SignTransfer("bob", "alice", balance, 2)},
               &batch)
              .ok());
  REQUIRE(batch.results_size() == 2);
  CHECK(batch.results(0).code() == 0);
  CHECK(batch.results(0).figures().empty());
  CHECK(batch.results(1).code() == static_cast<uint32_t>(Code::kInsufficientFunds));
  CHECK(batch.results(1).figures().size() == 2);
  CHECK(batch.results(1).figures().at("balance_units") == balance - 1);
  CHECK(batch.results(1).figures().at("amount_units") == balance);

  // A preview too: a multi-leg payment whose second leg would pass the sender's balance.
  Operation op;
  op.ledger_id = c.ledger_id();
  op.account = Id("bob");
  op.sequence = 2;
  op.payload = liard::MultiTransfer{
      {liard::Leg{Id("alice"), Amount(1), "a"}, liard::Leg{Id("carol"), Amount(balance), "b"}}};
  grpc::ClientContext sim_ctx;
  SetDeadline(&sim_ctx, Millis(10'000));
  pb::SimulateRequest sim;
  sim.set_body(codec::EncodeOperation(op));
  sim.set_public_key(IdBytes("bob"));
  ReadCall preview{"Simulate", &op.account};
  preview.request_digest = std::string(SimulateDigest(sim.public_key(), sim.body()).view());
  *sim.mutable_auth() = c.SignRead(KeyFor("bob"), preview);
  pb::SimulateResponse sim_resp;
  REQUIRE(c.stub().Simulate(&sim_ctx, sim, &sim_resp).ok());
  CHECK(sim_resp.code() == static_cast<uint32_t>(Code::kInsufficientFunds));
  const std::map<std::string, int64_t> sim_figures(sim_resp.figures().begin(),
                                                   sim_resp.figures().end());
  const std::map<std::string, int64_t> sim_want = {
      {"balance_units", balance - 1}, {"amount_units", balance + 1}, {"legs", 2}};
  CHECK(sim_figures == sim_want);
}

}  // namespace
}  // namespace liard::e2e

// End-to-end tests of the wallet: the real `liard` binary against the real `liard-node`, with
// HOME and the XDG directories in a temporary directory so nothing touches the real home.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "ledger/address.h"
#include "tests/e2e/harness.h"

#ifndef LIARD_WALLET_PATH
#error "LIARD_WALLET_PATH must name the liard binary (set by tests/CMakeLists.txt)"
#endif

namespace liard::e2e {
namespace {

using json = nlohmann::json;
constexpr char kPassphrase[] = "une phrase de passe";

// One demo ledger (liard-node init --demo), its node, and a wallet home with the demo keys.
class WalletWorld {
 public:
  explicit WalletWorld(bool import_keys = true) : data_(tmp_.Join("data")) {
    CommandResult init = RunNode({"init", "--demo", "--data", data_});
    REQUIRE(init.exit_code == 0);
    // A checkpoint after every entry, so that receipts can be tied to one at once.
    WriteFile(tmp_.Join("node.toml"), "[checkpoint]\nevery_entries = 1\nevery_seconds = 1\n");
    node_ = std::make_unique<NodeProcess>(
        data_, std::vector<std::string>{"--config", tmp_.Join("node.toml")});
    node_->Start();
    client_ = std::make_unique<Client>(node_->channel());
    if (import_keys)
      for (const char* name : {"alice", "bob", "shop", "office", "association"}) Import(name);
  }

  ProgramOptions Options() const {
    ProgramOptions o;
    o.env = {{"HOME", tmp_.Join("home")},
             {"XDG_CONFIG_HOME", tmp_.Join("home/.config")},
             {"XDG_DATA_HOME", tmp_.Join("home/.local/share")},
             {"LIARD_NODE", node_->target()},
             {"LIARD_PASSPHRASE", kPassphrase},
             {"LANG", "en_US.UTF-8"}};
    o.unset_env = {"LC_ALL", "LC_NUMERIC", "LIARD_KEY", "NO_COLOR"};
    return o;
  }

  CommandResult Liard(const std::vector<std::string>& args, ProgramOptions o) const {
    return RunProgram(LIARD_WALLET_PATH, args, o, Millis(30'000));
  }
  CommandResult Liard(const std::vector<std::string>& args) const { return Liard(args, Options()); }

  json Json(const std::vector<std::string>& args) const {
    CommandResult r = Liard(args);
    INFO("liard stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }

  void Import(const std::string& name) {
    CommandResult r = Liard({"key", "import", name, "--seed-file", SeedFile(name)});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }

  std::string SeedFile(const std::string& name) const {
    return data_ + "/demo-keys/" + name + ".seed";
  }
  std::string Address(const std::string& key) const {
    CommandResult r = Liard({"key", "export", key, "--address"});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  }
  int64_t Balance(const std::string& key) const {
    return Json({"--key", key, "balance", "--json"})["balance_minor"].get<int64_t>();
  }
  uint64_t Head() { return client_->Head().sequence(); }
  Client& client() { return *client_; }
  NodeProcess& node() { return *node_; }
  const TempDir& tmp() const { return tmp_; }

 private:
  TempDir tmp_;
  std::string data_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Client> client_;
};

// "operation <64 hex>, journal entry N" as every submitting command prints it.
std::string OperationIdIn(const std::string& out) {
  static const std::regex kOp("operation ([0-9a-f]{64}), journal entry [0-9]+");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, kOp));
  return m[1].str();
}

std::string Cents2(int64_t cents) { return Cents(cents); }

}  // namespace

TEST_CASE("the reading commands answer with the demo ledger's values, and --json parses",
          "[wallet][e2e]") {
  WalletWorld w;
  json b = w.Json({"--key", "alice", "balance", "--json"});
  CHECK(b["name"] == "Alice Martin");
  CHECK(b["kind"] == "resident");
  CHECK(b["balance"] == "100.00");
  CHECK(b["balance_minor"] == 10000);
  CHECK(b["currency"] == "ROUE");
  CHECK(b["address"] == w.Address("alice"));

  json keys = w.Json({"key", "list", "--json"});
  REQUIRE(keys.size() == 5);
  CHECK(keys[0]["name"] == "alice");

  json show = w.Json({"key", "show", "bob", "--json"});
  CHECK(show["address"] == w.Address("bob"));
  CHECK(show["kdf"] == "argon2id13");

  json r = w.Json({"reserves", "--json"});
  CHECK(r["circulation_minor"] == 15000);
  CHECK(r["fund_minor"] == 15000);
  CHECK(r["coverage_basis_points"] == 10000);
  CHECK(r["covered"] == true);

  json acct = w.Json({"account", "show", w.Address("shop"), "--json"});
  CHECK(acct["name"] == "Boulangerie du Rhône");
  CHECK(acct["kind"] == "merchant");

  // French display: the locale decides the separator, the ledger the code.
  ProgramOptions fr = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  CommandResult text = w.Liard({"--key", "bob", "balance"}, fr);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("balance  50,00 ROUE") != std::string::npos);
  fr.env["LC_ALL"] = "C";
  CHECK(w.Liard({"--key", "bob", "balance"}, fr).out.find("50.00 ROUE") != std::string::npos);

  // The node and the key from the config file when neither flag nor variable says.
  ProgramOptions cfg = w.Options();
  cfg.unset_env.push_back("LIARD_NODE");
  cfg.env.erase("LIARD_NODE");
  WriteFile(w.tmp().Join("home/.config/liard/config.toml"),
            "node = \"" + w.node().target() + "\"\nkey = \"bob\"\n");
  CommandResult via_config = w.Liard({"balance", "--json"}, cfg);
  REQUIRE(via_config.exit_code == 0);
  CHECK(json::parse(via_config.out)["name"] == "Bob Durand");
  WriteFile(w.tmp().Join("home/.config/liard/config.toml"), "nod = \"x\"\n");
  CommandResult bad_config = w.Liard({"balance"}, cfg);
  CHECK(bad_config.exit_code == 5);
  CHECK(bad_config.err.find("unknown key 'nod'") != std::string::npos);
}

TEST_CASE(
    "a resident pays a shop in French amounts: balances move by exactly the amount, the "
    "history shows it and the receipt verifies",
    "[wallet][e2e]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  CommandResult pay =
      w.Liard({"--key", "alice", "pay", shop, "12,50", "--memo", "pain et café", "--yes"});
  INFO(pay.err);
  REQUIRE(pay.exit_code == 0);
  CHECK(pay.out.find("paid 12.50 ROUE to Boulangerie du Rhône") != std::string::npos);
  CHECK(w.Balance("alice") == 87'50);
  CHECK(w.Balance("shop") == 12'50);
  const std::string op = OperationIdIn(pay.out);

  // Two more, for the pages.
  REQUIRE(w.Liard({"--key", "alice", "pay", shop, "1.00", "--yes"}).exit_code == 0);
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("bob"), "2", "--yes"}).exit_code == 0);
  json page1 = w.Json({"--key", "alice", "history", "--limit", "2", "--json"});
  REQUIRE(page1["entries"].size() == 2);
  CHECK(page1["entries"][0]["amount_minor"] == -200);
  CHECK(page1["entries"][0]["counterparty_name"] == "Bob Durand");
  CHECK(page1["entries"][0]["direction"] == "out");
  uint64_t next = page1["next_before"].get<uint64_t>();
  REQUIRE(next != 0);
  json page2 = w.Json(
      {"--key", "alice", "history", "--limit", "2", "--before", std::to_string(next), "--json"});
  REQUIRE(page2["entries"].size() == 1);
  CHECK(page2["entries"][0]["memo"] == "pain et café");
  CHECK(page2["entries"][0]["amount_minor"] == -1250);
  CHECK(page2["next_before"] == 0);
  CommandResult table = w.Liard({"--key", "shop", "history"});
  CHECK(table.out.find("+12.50 ROUE") != std::string::npos);
  CHECK(table.out.find("Alice Martin") != std::string::npos);

  // The receipt: every check OK, the chain tied to a signed checkpoint (one per entry here;
  // the checkpointer may lag a moment behind the commit).
  CommandResult receipt;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    receipt = w.Liard({"receipt", op});
  } while (receipt.out.find("hash chain links") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline);
  INFO(receipt.out << receipt.err);
  REQUIRE(receipt.exit_code == 0);
  CHECK(receipt.out.find("FAILED") == std::string::npos);
  CHECK(receipt.out.find("OK      the Ed25519 signature") != std::string::npos);
  CHECK(receipt.out.find("OK      the entry hash of journal entry") != std::string::npos);
  CHECK(receipt.out.find("OK      the checkpoint at entry") != std::string::npos);
  CHECK(receipt.out.find("OK      the hash chain links entry") != std::string::npos);
  json rj = w.Json({"receipt", op, "--json"});
  CHECK(rj["verified"] == true);
  CHECK(rj["checks"].size() >= 5);

  CommandResult unknown = w.Liard({"receipt", std::string(64, 'a')});
  CHECK(unknown.exit_code == 1);
  CHECK(w.Liard({"receipt", "xyz"}).exit_code == 2);
}

TEST_CASE("a mistyped address is refused before anything is sent", "[wallet][e2e]") {
  WalletWorld w;
  const uint64_t head = w.Head();
  std::string typo = w.Address("shop");
  typo[20] = typo[20] == 'q' ? 'p' : 'q';
  CommandResult r = w.Liard({"--key", "alice", "pay", typo, "1", "--yes"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("the address has a typo: its checksum does not match") != std::string::npos);
  PublicKey someone = KeyPair::FromSeed(Seed{}).public_key();
  CommandResult other =
      w.Liard({"--key", "alice", "pay", EncodeAddress("GONETTE", someone), "1", "--yes"});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("another currency") != std::string::npos);
  CHECK(w.Liard({"--key", "alice", "pay", w.Address("shop"), "12.505", "--yes"}).exit_code == 2);
  CHECK(w.Liard({"--key", "alice", "pay", w.Address("shop"), "-1", "--yes"}).exit_code == 2);
  // Without --yes and without a terminal nobody can confirm: a usage error, nothing sent.
  CommandResult no_tty = w.Liard({"--key", "alice", "pay", w.Address("shop"), "1"});
  CHECK(no_tty.exit_code == 2);
  CHECK(no_tty.err.find("--yes") != std::string::npos);
  CHECK(w.Head() == head);
  CHECK(w.Balance("alice") == 100'00);
}

TEST_CASE("a wrong passphrase is exit 4 and sends nothing", "[wallet][e2e]") {
  WalletWorld w;
  const uint64_t head = w.Head();
  ProgramOptions o = w.Options();
  o.env["LIARD_PASSPHRASE"] = "not the passphrase";
  CommandResult r = w.Liard({"--key", "alice", "pay", w.Address("shop"), "1", "--yes"}, o);
  CHECK(r.exit_code == 4);
  CHECK(r.err == "liard: wrong passphrase for key 'alice'\n");
  CHECK(w.Liard({"key", "export", "alice"}, o).exit_code == 4);
  CHECK(w.Head() == head);
}

TEST_CASE("an unreachable node is exit 3 with a plain sentence, within seconds", "[wallet][e2e]") {
  TempDir tmp;
  ProgramOptions o;
  o.env = {{"HOME", tmp.path()},
           {"XDG_CONFIG_HOME", tmp.Join("c")},
           {"XDG_DATA_HOME", tmp.Join("d")},
           {"LIARD_NODE", "127.0.0.1:1"}};
  auto start = std::chrono::steady_clock::now();
  CommandResult r = RunProgram(LIARD_WALLET_PATH, {"reserves"}, o);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(r.exit_code == 3);
  CHECK(r.err ==
        "liard: cannot reach the liard node at 127.0.0.1:1: connection refused; is it running? "
        "(set --node or LIARD_NODE)\n");
  for (const char* jargon : {"grpc", "gRPC", "UNAVAILABLE", "ipv4", "subchannel"})
    CHECK(r.err.find(jargon) == std::string::npos);
  CHECK(took < std::chrono::seconds(5));
  CHECK(RunProgram(LIARD_WALLET_PATH, {"--node", "nonsense", "reserves"}, o).exit_code == 2);
}

TEST_CASE(
    "keys: new, show, export and import give the same key; files are 0600 and never "
    "overwritten",
    "[wallet][e2e]") {
  WalletWorld w(/*import_keys=*/false);
  CommandResult made = w.Liard({"key", "new", "till"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string file = w.tmp().Join("home/.local/share/liard/keys/till.key");
  struct stat st;
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string before = ReadFile(file);
  CHECK(w.Liard({"key", "new", "till"}).exit_code == 2);
  CHECK(ReadFile(file) == before);

  CommandResult seed = w.Liard({"key", "export", "till"});
  REQUIRE(seed.exit_code == 0);
  CHECK(std::regex_match(seed.out, std::regex("[0-9a-f]{64}\n")));
  CHECK(seed.err.find("WARNING") != std::string::npos);
  CHECK(before.find(seed.out.substr(0, 64)) == std::string::npos);

  ProgramOptions in = w.Options();
  in.stdin_data = seed.out;
  REQUIRE(w.Liard({"key", "import", "till-copy", "--seed-hex"}, in).exit_code == 0);
  json a = w.Json({"key", "show", "till", "--json"});
  json b = w.Json({"key", "show", "till-copy", "--json"});
  CHECK(a["public_key"] == b["public_key"]);

  ProgramOptions short_pass = w.Options();
  short_pass.env["LIARD_PASSPHRASE"] = "short";
  CHECK(w.Liard({"key", "new", "weak"}, short_pass).exit_code == 2);
  CHECK(w.Liard({"key", "import", "x", "--seed-file", "/nonexistent"}).exit_code == 5);
  CHECK(w.Liard({"key", "show", "nobody"}).exit_code == 2);

  // A new member: opened by the office, then it can be paid.
  w.Import("office");
  w.Import("alice");
  CHECK(w.Liard({"--key", "till", "balance"}).exit_code == 1);  // no account yet
  CommandResult open = w.Liard(
      {"--key", "office", "account", "open", w.Address("till"), "--name", "Chloé Petit", "--yes"});
  INFO(open.err);
  REQUIRE(open.exit_code == 0);
  CHECK(w.Json({"--key", "till", "balance", "--json"})["name"] == "Chloé Petit");
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("till"), "5", "--yes"}).exit_code == 0);
  CHECK(w.Balance("till") == 5'00);
}

TEST_CASE(
    "a batch with one bad line changes nothing and names the line; a good batch of 500 "
    "lines moves exactly the total in one operation",
    "[wallet][e2e][batch]") {
  WalletWorld w;
  const std::string bob = w.Address("bob"), shop = w.Address("shop");
  const std::string stranger = EncodeAddress("ROUE", KeyPair::FromSeed(Seed{}).public_key());
  const std::string bad_csv = w.tmp().Join("bad.csv");
  WriteFile(bad_csv, "address,amount,memo\n" + bob + ",1.00,a\n" + shop + ",\"2,00\",b\n" +
                         stranger + ",3.00,c\n");
  const uint64_t head = w.Head();

  CommandResult dry = w.Liard({"--key", "alice", "pay-batch", bad_csv, "--dry-run"});
  CHECK(dry.exit_code == 1);
  CHECK(dry.out.find("3 lines, total 6.00 ROUE") != std::string::npos);
  CHECK(dry.out.find("line 4: no account " + stranger) != std::string::npos);
  CommandResult real = w.Liard({"--key", "alice", "pay-batch", bad_csv, "--yes"});
  CHECK(real.exit_code == 1);
  CHECK(real.err.find("line 4") != std::string::npos);
  CHECK(real.err.find("UNKNOWN_DESTINATION") != std::string::npos);

  std::string typo = bob;
  typo[12] = typo[12] == 'q' ? 'p' : 'q';
  const std::string typo_csv = w.tmp().Join("typo.csv");
  WriteFile(typo_csv, bob + ";1,00;a\n" + typo + ";1;b\n" + bob + ";abc;c\n");
  json jd =
      json::parse(w.Liard({"--key", "alice", "pay-batch", typo_csv, "--dry-run", "--json"}).out);
  REQUIRE(jd["problems"].size() == 2);
  CHECK(jd["problems"][0]["line"] == 2);
  CHECK(jd["problems"][1]["line"] == 3);
  CHECK(w.Liard({"--key", "alice", "pay-batch", typo_csv, "--yes"}).exit_code == 2);
  CHECK(w.Head() == head);
  CHECK(w.Balance("alice") == 100'00);

  // 500 lines, French style: ';' separators, decimal commas, CRLF, a header.
  std::ostringstream csv;
  csv << "address;amount;memo\r\n";
  int64_t to_bob = 0, to_shop = 0;
  for (int i = 0; i < 500; ++i) {
    int64_t cents = i % 7 + 1;
    (i % 2 == 0 ? to_bob : to_shop) += cents;
    csv << (i % 2 == 0 ? bob : shop) << ";0," << (cents < 10 ? "0" : "") << cents << ";indemnité "
        << i << "\r\n";
  }
  const std::string good_csv = w.tmp().Join("good.csv");
  WriteFile(good_csv, csv.str());
  json ok =
      json::parse(w.Liard({"--key", "alice", "pay-batch", good_csv, "--dry-run", "--json"}).out);
  CHECK(ok["ok"] == true);
  CHECK(ok["lines"] == 500);
  CHECK(ok["total_minor"] == to_bob + to_shop);
  CHECK(w.Head() == head);
  CommandResult paid = w.Liard({"--key", "alice", "pay-batch", good_csv, "--yes"});
  INFO(paid.err);
  REQUIRE(paid.exit_code == 0);
  CHECK(paid.out.find("in 500 payments") != std::string::npos);
  CHECK(w.Head() == head + 1);
  CHECK(w.Balance("alice") == 100'00 - to_bob - to_shop);
  CHECK(w.Balance("bob") == 50'00 + to_bob);
  CHECK(w.Balance("shop") == to_shop);
}

TEST_CASE("watch sees a payment as it commits", "[wallet][e2e]") {
  WalletWorld w;
  ChildProcess watch(LIARD_WALLET_PATH, {"--key", "shop", "watch", "--json"}, w.Options());
  REQUIRE(watch.WaitFor("watching payments to", /*on_stderr=*/true, Millis(10'000)));
  REQUIRE(
      w.Liard({"--key", "alice", "pay", w.Address("shop"), "3,25", "--memo", "« pain »", "--yes"})
          .exit_code == 0);
  REQUIRE(watch.WaitFor("\n", /*on_stderr=*/false, Millis(2'000)));
  json e = json::parse(watch.out().substr(0, watch.out().find('\n')));
  CHECK(e["amount_minor"] == 325);
  CHECK(e["amount"] == "3.25");
  CHECK(e["from_name"] == "Alice Martin");
  CHECK(e["from"] == w.Address("alice"));
  CHECK(e["memo"] == "« pain »");
  CHECK(watch.Signal(SIGINT) == 0);
}

TEST_CASE("a merchant's payment request is paid by URI; one for another ledger is refused",
          "[wallet][e2e]") {
  WalletWorld w;
  json req = w.Json({"--key", "shop", "request", "4,20", "--memo", "café & croissant", "--json"});
  const std::string uri = req["uri"];
  CHECK(uri.rfind("liard:" + w.Address("shop") +
                      "?amount=4.20&memo=caf%C3%A9%20%26%20croissant"
                      "&ledger=",
                  0) == 0);
  CommandResult text = w.Liard({"--key", "shop", "request", "4,20"});
  CHECK(text.out.find("█") != std::string::npos);
  CHECK(text.out.find("liard:" + w.Address("shop")) != std::string::npos);

  const uint64_t head = w.Head();
  std::string other = uri.substr(0, uri.size() - 16) + "0123456789abcdef";
  CommandResult refused = w.Liard({"--key", "alice", "pay", other, "--yes"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("for ledger 0123456789abcdef") != std::string::npos);
  CHECK(w.Liard({"--key", "alice", "pay", uri + "&colour=red", "--yes"}).exit_code == 2);
  CHECK(w.Head() == head);

  CommandResult paid = w.Liard({"--key", "alice", "pay", uri, "--yes"});
  INFO(paid.err);
  REQUIRE(paid.exit_code == 0);
  CHECK(w.Balance("shop") == 4'20);
  CHECK(w.Balance("alice") == 95'80);
  json h = w.Json({"--key", "shop", "history", "--json"});
  CHECK(h["entries"][0]["memo"] == "café & croissant");
}

TEST_CASE(
    "offices convert and handle notes, merchants reconvert, treasurers record the bank, "
    "and refusals are exit 1 with the node's sentence",
    "[wallet][e2e][money]") {
  WalletWorld w;
  const std::string alice = w.Address("alice"), shop = w.Address("shop");
  CommandResult conv =
      w.Liard({"--key", "office", "convert", "--member", alice, "--eur", "10,00", "--yes"});
  INFO(conv.err);
  REQUIRE(conv.exit_code == 0);
  CHECK(conv.out.find("convert 10.00 EUR into 10.00 ROUE for Alice Martin") != std::string::npos);
  CHECK(w.Balance("alice") == 110'00);
  json r = w.Json({"reserves", "--json"});
  CHECK(r["office_cash_minor"] == 10'00);
  CHECK(r["circulation_minor"] == 160'00);

  REQUIRE(w.Liard({"--key", "office", "notes", "sell", "--eur", "50", "--yes"}).exit_code == 0);
  CHECK(w.Json({"reserves", "--json"})["circulation_paper_minor"] == 50'00);
  CommandResult redeem =
      w.Liard({"--key", "office", "notes", "redeem", "--merchant", shop, "--units", "20", "--yes"});
  INFO(redeem.err);
  REQUIRE(redeem.exit_code == 0);
  r = w.Json({"reserves", "--json"});
  CHECK(r["circulation_paper_minor"] == 30'00);
  const int64_t owed_after_notes = r["owed_to_merchants_minor"].get<int64_t>();
  CHECK(owed_after_notes > 0);

  REQUIRE(w.Liard({"--key", "alice", "pay", shop, "30", "--yes"}).exit_code == 0);
  CommandResult rc = w.Liard({"--key", "shop", "reconvert", "10", "--yes"});
  INFO(rc.err);
  REQUIRE(rc.exit_code == 0);
  CHECK(rc.out.find("reconvert 10.00 ROUE: fee") != std::string::npos);
  CHECK(w.Balance("shop") == 20'00);
  r = w.Json({"reserves", "--json"});
  const int64_t owed = r["owed_to_merchants_minor"].get<int64_t>();
  CHECK(owed > owed_after_notes);

  CommandResult dep = w.Liard({"--key", "association", "deposit", "--office", w.Address("office"),
                               "--eur", "10", "--ref", "NEF-0042", "--yes"});
  INFO(dep.err);
  REQUIRE(dep.exit_code == 0);
  CHECK(w.Json({"reserves", "--json"})["office_cash_minor"] == 50'00);
  CommandResult pay_out = w.Liard({"--key", "association", "payout", "--merchant", shop, "--eur",
                                   Cents2(owed), "--ref", "VIR-0043", "--yes"});
  INFO(pay_out.err);
  REQUIRE(pay_out.exit_code == 0);
  CHECK(w.Json({"reserves", "--json"})["owed_to_merchants_minor"] == 0);

  // Refusals: the code name and the node's sentence, exit 1, nothing changed.
  const uint64_t head = w.Head();
  CommandResult resident = w.Liard({"--key", "alice", "reconvert", "1", "--yes"});
  CHECK(resident.exit_code == 1);
  CHECK(resident.err.find("NOT_PERMITTED") != std::string::npos);
  CommandResult programme = w.Liard(
      {"--key", "association", "fund-programme", "no-such", "--eur", "100", "--ref", "X", "--yes"});
  CHECK(programme.exit_code == 1);
  CHECK(programme.err.find("UNKNOWN_PROGRAMME") != std::string::npos);
  CommandResult too_much = w.Liard(
      {"--key", "association", "payout", "--merchant", shop, "--eur", "1", "--ref", "X", "--yes"});
  CHECK(too_much.exit_code == 1);
  CHECK(w.Head() == head);
}

}  // namespace liard::e2e

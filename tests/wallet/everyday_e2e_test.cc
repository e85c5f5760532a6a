// The everyday commands as a newcomer meets them (issue 18): convert names the rules' default
// programme, a merchant's balance shows the euros it is owed, watch outlives a node restart,
// receipt works without --key, every hint runs as printed, and history rows say what happened,
// in English and in French. The real `liard` binary against the real `liard-node`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "proto/codec.h"
#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

// The words of a command line printed as a hint ("liard --key alice history --before 6"),
// without the program's name: what a person would type after it.
std::vector<std::string> HintArgs(const std::string& hint) {
  std::istringstream in(hint);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  REQUIRE(!words.empty());
  REQUIRE(words[0] == "liard");
  return std::vector<std::string>(words.begin() + 1, words.end());
}

// The hint after `label` on its line of `out`.
std::string HintAfter(const std::string& out, const std::string& label) {
  size_t at = out.find(label);
  REQUIRE(at != std::string::npos);
  at += label.size();
  return out.substr(at, out.find('\n', at) - at);
}

// A TCP relay on 127.0.0.1: what a wallet connects to it goes to the node's current port, so
// that the node can be restarted (on another port) behind an address the wallet keeps. Each
// connection is relayed until either side closes; a connection made while the node is down is
// closed at once, as a refused one would be.
class Relay {
 public:
  explicit Relay(int target_port) : target_(target_port) {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(listener_, 16) == 0);
    socklen_t len = sizeof a;
    REQUIRE(getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~Relay() {
    stop_ = true;
    acceptor_.join();
    for (auto& t : pumps_) t.join();
    close(listener_);
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  void set_target_port(int port) { target_ = port; }

 private:
  void Accept() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      int node = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(target_.load()));
      if (node < 0 || connect(node, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (node >= 0) close(node);
        close(client);
        continue;
      }
      pumps_.emplace_back([this, client, node] { Pump(client, node); });
    }
  }
  void Pump(int a, int b) {
    char buf[16384];
    for (bool open = true; open && !stop_;) {
      pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
      if (poll(p, 2, 50) <= 0) continue;
      for (int i = 0; i < 2 && open; ++i) {
        if (p[i].revents == 0) continue;
        const ssize_t n = read(p[i].fd, buf, sizeof buf);
        open = n > 0 && write(p[1 - i].fd, buf, static_cast<size_t>(n)) == n;
      }
    }
    close(a);
    close(b);
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> target_;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> pumps_;  // touched by the acceptor thread only, joined after it
};

ProgramOptions French(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  return o;
}

// The demo's board (one member decides) makes `default_programme` the rules' default, as the
// demo will once it names one; the rules otherwise stay those in force.
void NameDefaultProgramme(WalletWorld& w, const std::string& programme) {
  std::string seed_hex = ReadFile(w.SeedFile("board-1"));
  seed_hex = seed_hex.substr(0, 64);
  std::string seed_bytes;
  REQUIRE(FromHex(seed_hex, &seed_bytes));
  Seed seed;
  REQUIRE(seed.Assign(seed_bytes));
  const KeyPair board = KeyPair::FromSeed(seed);
  Rules rules;
  REQUIRE(codec::DecodeRules(w.client().Governance().rules(), &rules).ok());
  rules.default_programme = programme;
  pb::AccountInfo info;
  REQUIRE(w.client().GetAccount(board.public_key(), &info, board).ok());
  const int64_t in_an_hour = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count() +
                             3'600'000;
  SubmitOutcome set = w.client().Submit(
      w.client().SignPropose(board, info.sequence() + 1, SetRules{rules}, in_an_hour));
  INFO(set.status.error_message());
  REQUIRE(set.status.ok());
  Rules now;
  REQUIRE(codec::DecodeRules(w.client().Governance().rules(), &now).ok());
  REQUIRE(now.default_programme == programme);
}

}  // namespace

TEST_CASE(
    "convert names the rules' default programme unless --programme or --no-bonus, and says "
    "which",
    "[wallet][e2e][money][i18n]") {
  WalletWorld w;
  NameDefaultProgramme(w, "demo-bonus");
  const std::string alice = w.Address("alice"), bob = w.Address("bob");

  // Without --programme: the default programme's bonus, and the result names it.
  const int64_t alice_before = w.Balance("alice");
  CommandResult by_default =
      w.Liard({"--key", "office", "convert", "--member", alice, "--eur", "10,00", "--yes"});
  INFO(by_default.out << by_default.err);
  REQUIRE(by_default.exit_code == 0);
  CHECK(w.Balance("alice") - alice_before == 12'00);  // demo-bonus: 12/10
  CHECK(Has(by_default.out, "(bonus 2.00 ROUE from programme 'demo-bonus')"));

  // Naming it gives the same; --no-bonus gives units at par, and says there is no programme.
  const int64_t bob_before = w.Balance("bob");
  REQUIRE(w.Liard({"--key", "office", "convert", "--member", bob, "--eur", "10,00", "--programme",
                   "demo-bonus", "--yes"})
              .exit_code == 0);
  CHECK(w.Balance("bob") - bob_before == 12'00);
  CommandResult at_par = w.Liard(
      {"--key", "office", "convert", "--member", bob, "--eur", "5,00", "--no-bonus", "--yes"});
  REQUIRE(at_par.exit_code == 0);
  CHECK(w.Balance("bob") - bob_before == 12'00 + 5'00);
  CHECK(Has(at_par.out, "(no bonus: no programme)"));
  CHECK(w.Liard({"--key", "office", "convert", "--member", bob, "--eur", "5,00", "--no-bonus",
                 "--programme", "demo-bonus", "--yes"})
            .exit_code == 2);

  // In French: the programme and its bonus, in French words and amounts.
  CommandResult fr = w.Liard(
      {"--key", "office", "convert", "--member", alice, "--eur", "10,00", "--yes"}, French(w));
  INFO(fr.out << fr.err);
  REQUIRE(fr.exit_code == 0);
  CHECK(Has(fr.out, "effectué : convertir 10,00\u00A0€ en 12,00\u00A0ROUE pour Alice Martin"));
  CHECK(Has(fr.out, "(bonification de 2,00\u00A0ROUE du programme « demo-bonus »)"));
  CHECK(w.Balance("alice") - alice_before == 24'00);
}

TEST_CASE("a merchant's balance shows the euros it is owed until the payout, every line aligned",
          "[wallet][e2e][money][i18n]") {
  WalletWorld w;
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("shop"), "40,00", "--yes"}).exit_code == 0);
  REQUIRE(w.Liard({"--key", "shop", "reconvert", "30,00", "--yes"}).exit_code == 0);
  json j = w.Json({"--key", "shop", "balance", "--json"});
  const int64_t owed = j["owed_euros_minor"].get<int64_t>();
  CHECK(owed == w.client().Reserves().owed_to_merchants());
  CHECK(owed > 0);
  CHECK(owed < 30'00);  // the fee is kept

  const std::string text = w.Ok({"--key", "shop", "balance"});
  CHECK(Has(text, "owed to you  " + Cents(owed) +
                      " EUR (reconversions not yet paid by bank "
                      "transfer)"));
  // Every line after the name: its label, then the value in one column for all.
  std::vector<std::string> lines = Lines(text);
  REQUIRE(lines.size() >= 4);
  std::set<size_t> columns;
  for (size_t i = 1; i < lines.size(); ++i) {
    static const std::regex kRow("^([a-z ]+?)  +(\\S)");
    std::smatch m;
    REQUIRE(std::regex_search(lines[i], m, kRow));
    columns.insert(static_cast<size_t>(m.position(2)));
    INFO(text);
  }
  INFO(text);
  CHECK(columns.size() == 1);
  CHECK(Has(text, "roles"));

  const std::string fr = w.Liard({"--key", "shop", "balance"}, French(w)).out;
  CHECK(Has(fr, "solde"));
  CHECK(Has(fr, "dû par l'association"));

  REQUIRE(w.Liard({"--key", "association", "payout", "--merchant", w.Address("shop"), "--eur",
                   Cents(owed), "--ref", "VIR-0001", "--yes"})
              .exit_code == 0);
  CHECK(w.Json({"--key", "shop", "balance", "--json"})["owed_euros_minor"] == 0);
  CHECK(Has(w.Ok({"--key", "shop", "balance"}), "owed to you  0.00 EUR"));
  // A resident owes nothing and is owed nothing: no such line.
  CHECK_FALSE(Has(w.Ok({"--key", "alice", "balance"}), "owed"));
}

TEST_CASE("watch outlives a node restart: each payment before, during and after shown once",
          "[wallet][e2e][watch]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  // The watches reach the node through a relay, whose address stays when the node restarts.
  Relay relay(w.node().port());
  ProgramOptions o = w.Options();
  o.env["LIARD_NODE"] = relay.target();
  ProgramOptions fr = French(w);
  fr.env["LIARD_NODE"] = relay.target();
  ChildProcess watch(LIARD_WALLET_PATH, {"--key", "shop", "watch", "--json"}, o);
  ChildProcess screen(LIARD_WALLET_PATH, {"--key", "shop", "watch"}, fr);
  REQUIRE(watch.WaitFor("watching payments to", /*on_stderr=*/true, Millis(10'000)));
  REQUIRE(screen.WaitFor("suivi des paiements", /*on_stderr=*/true, Millis(10'000)));
  REQUIRE(w.Liard({"--key", "alice", "pay", shop, "1,00", "--yes"}).exit_code == 0);
  REQUIRE(watch.WaitFor("\n", /*on_stderr=*/false, Millis(5'000)));

  // The node dies; the watches wait for it. It comes back, and a payment commits at once,
  // likely before they are connected again; another one after.
  w.node().Kill();
  REQUIRE(watch.WaitFor("does not answer", /*on_stderr=*/true, Millis(10'000)));
  std::this_thread::sleep_for(Millis(1'500));
  w.node().Start();
  relay.set_target_port(w.node().port());
  // (w.Liard talks to the node's new port directly.)
  REQUIRE(w.Liard({"--key", "bob", "pay", shop, "2,00", "--yes"}).exit_code == 0);
  REQUIRE(watch.WaitFor("the node is back", /*on_stderr=*/true, Millis(15'000)));
  REQUIRE(w.Liard({"--key", "alice", "pay", shop, "3,00", "--yes"}).exit_code == 0);
  auto lines = [&] {
    std::vector<json> out;
    std::istringstream in(watch.out());
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(json::parse(line));
    return out;
  };
  const auto until = std::chrono::steady_clock::now() + Millis(10'000);
  while (lines().size() < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(Millis(100));
  std::this_thread::sleep_for(Millis(500));  // nothing more may come
  INFO(watch.out() << watch.err());
  const std::vector<json> got = lines();
  REQUIRE(got.size() == 3);
  CHECK(got[0]["amount_minor"] == 100);
  CHECK(got[1]["amount_minor"] == 200);
  CHECK(got[2]["amount_minor"] == 300);
  CHECK(got[0]["sequence"] < got[1]["sequence"]);
  CHECK(got[1]["sequence"] < got[2]["sequence"]);

  // The till's screen, in French: date and time in the currency's zone, each payment once.
  REQUIRE(screen.WaitFor("+3,00", /*on_stderr=*/false, Millis(10'000)));
  INFO(screen.out() << screen.err());
  static const std::regex kLine(
      "^[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}  \\+([0-9]),00\u00A0ROUE  (d'Alice Martin|"
      "de Bob Durand) \\(");  // "de" elided before a vowel
  std::vector<std::string> amounts;
  for (const std::string& line : Lines(screen.out())) {
    std::smatch m;
    if (line.empty()) continue;
    REQUIRE(std::regex_search(line, m, kLine));
    amounts.push_back(m[1].str());
  }
  CHECK(amounts == std::vector<std::string>{"1", "2", "3"});
  CHECK(watch.Signal(SIGINT) == 0);
  CHECK(screen.Signal(SIGINT) == 0);
}

TEST_CASE("receipt works without --key and every hint it or history prints runs as printed",
          "[wallet][e2e][hints]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  for (const char* amount : {"1,00", "2,00", "3,00"})
    REQUIRE(w.Liard({"--key", "alice", "pay", shop, amount, "--yes"}).exit_code == 0);

  // history's "older:" names the key and the page size it was run with.
  const std::string page1 = w.Ok({"--key", "alice", "history", "--limit", "2"});
  const std::string older = HintAfter(page1, "older: ");
  CHECK(Has(older, "--key alice"));
  CHECK(Has(older, "--limit 2"));
  ProgramOptions no_key = w.Options();  // nothing in the environment says which key
  CommandResult page2 = w.Liard(HintArgs(older), no_key);
  INFO(older << "\n" << page2.err);
  REQUIRE(page2.exit_code == 0);
  CHECK(Has(page2.out, "-1.00 ROUE"));
  CHECK_FALSE(Has(page2.out, "-3.00 ROUE"));

  // receipt of an operation id without --key (no key named "default"): verified, and the chain
  // check's hint works once a treasurer's key is put in.
  const json entry = w.Json({"--key", "alice", "history", "--json"})["entries"][0];
  const std::string op = entry["operation_id"];
  CommandResult plain = w.Liard({"receipt", op}, no_key);
  INFO(plain.out << plain.err);
  REQUIRE(plain.exit_code == 0);
  CHECK(Has(plain.out, "OK      the Ed25519 signature"));
  CHECK_FALSE(Has(plain.out + plain.err, "no key named"));
  std::string hint = HintAfter(plain.out, "with such a key: ");
  REQUIRE(Has(hint, "TREASURER_OR_AUDITOR_KEY"));
  hint.replace(hint.find("TREASURER_OR_AUDITOR_KEY"), 24, "association");
  CommandResult chained;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    chained = w.Liard(HintArgs(hint), no_key);
  } while (!Has(chained.out, "hash chain links") && std::chrono::steady_clock::now() < deadline);
  INFO(hint << "\n" << chained.out << chained.err);
  CHECK(chained.exit_code == 0);
  CHECK(Has(chained.out, "OK      the hash chain links entry"));

  // receipt of a journal entry needs the account: without a key, the command to run instead.
  const std::string seq = std::to_string(entry["sequence"].get<uint64_t>());
  CommandResult by_entry = w.Liard({"receipt", seq}, no_key);
  CHECK(by_entry.exit_code == 2);
  const std::string instead = HintAfter(by_entry.err, "e.g. ");
  CHECK(instead == "liard --key alice receipt " + seq);
  CommandResult ran = w.Liard(HintArgs(instead), no_key);
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(Has(ran.out, "OK      the Ed25519 signature"));
}

TEST_CASE("history rows say what happened in words, in English and in French",
          "[wallet][e2e][history][i18n]") {
  WalletWorld w;
  w.Import("board-1");
  const std::string alice = w.Address("alice"), bob = w.Address("bob"), shop = w.Address("shop");
  REQUIRE(w.Liard({"--key", "office", "convert", "--member", alice, "--eur", "20,00", "--yes"})
              .exit_code == 0);
  REQUIRE(w.Liard({"--key", "alice", "pay", shop, "40,00", "--yes"}).exit_code == 0);
  REQUIRE(w.Liard({"--key", "shop", "reconvert", "30,00", "--yes"}).exit_code == 0);
  const std::string csv = w.tmp().Join("two.csv");
  WriteFile(csv, bob + ";1,25;pour bob\n" + shop + ";2,50;pour la boutique\n");
  CommandResult batch = w.Liard({"--key", "alice", "pay-batch", csv, "--yes"});
  INFO(batch.err);
  REQUIRE(batch.exit_code == 0);
  CommandResult freeze = w.Liard({"--key", "board-1", "board", "propose", "freeze", bob, "--reason",
                                  "téléphone volé", "--yes"});
  INFO(freeze.out << freeze.err);
  REQUIRE(freeze.exit_code == 0);

  const std::string shop_rows = w.Ok({"--key", "shop", "history"});
  CHECK(Has(shop_rows,
            "[reconversion of 30.00 ROUE; 28.50 EUR owed to you, paid by bank "
            "transfer]"));
  const std::string alice_rows = w.Ok({"--key", "alice", "history"});
  CHECK(Has(alice_rows, "[conversion of 20.00 EUR at the exchange office]"));
  const json batch_entry = w.Json({"--key", "alice", "history", "--json"})["entries"][0];
  const std::string batch_id = batch_entry["operation_id"];
  CHECK(Has(alice_rows, "[2 payments in one batch; their lines: liard --key alice batch show " +
                            batch_id + "]"));
  const std::string board_rows = w.Ok({"--key", "board-1", "history"});
  CHECK(Has(board_rows, "[proposed to the board: freeze Bob Durand ("));
  CHECK(Has(board_rows, "« téléphone volé »]"));
  // No row is left without words: each has an amount or says what happened.
  for (const std::string& rows : {shop_rows, alice_rows, board_rows}) {
    std::vector<std::string> lines = Lines(rows);
    for (size_t i = 1; i < lines.size(); ++i) {
      if (lines[i].rfind("older:", 0) == 0) continue;
      INFO(rows);
      CHECK((Has(lines[i], " ROUE") || Has(lines[i], "[")));
    }
  }

  const std::string fr = w.Liard({"--key", "shop", "history"}, French(w)).out;
  CHECK(Has(fr, "OPÉRATION"));
  CHECK(Has(fr,
            "[reconversion de 30,00\u00A0ROUE ; 28,50\u00A0€ vous sont dus, versés par "
            "virement]"));
  static const std::regex kFrenchDate("(^|\n)[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}  ");
  CHECK(std::regex_search(fr, kFrenchDate));
  const std::string fr_board = w.Liard({"--key", "board-1", "history"}, French(w)).out;
  CHECK(Has(fr_board, "[proposé au bureau : geler Bob Durand ("));
}

}  // namespace liard::e2e

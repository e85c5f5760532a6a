// End-to-end tests of the wallet: the real `liard` binary against the real `liard-node`, with
// HOME and the XDG directories in a temporary directory so nothing touches the real home.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "ledger/address.h"
#include "ledger/civil_time.h"
#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"
#include "tests/wallet/terminal_run.h"
#include "tests/wallet/wallet_world.h"

#ifndef LIARD_WALLET_PATH
#error "LIARD_WALLET_PATH must name the liard binary (set by tests/CMakeLists.txt)"
#endif

namespace liard::e2e {
namespace {

using json = nlohmann::json;

// "operation <64 hex>, journal entry N" as every submitting command prints it.
std::string OperationIdIn(const std::string& out) {
  static const std::regex kOp("operation ([0-9a-f]{64}), journal entry [0-9]+");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, kOp));
  return m[1].str();
}

std::string Cents2(int64_t cents) { return Cents(cents); }

// "proposal <64 hex>" as board propose prints it.
std::string ProposalIdIn(const std::string& out) {
  static const std::regex kId("proposal ([0-9a-f]{64})");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, kId));
  return m[1].str();
}

// The wallet's short form of an address ("roue1q32yw…0daw"), as it shows an account beside its
// name, or alone when it has none.
std::string ShortAddress(const std::string& address) {
  size_t sep = address.rfind('1');
  return address.substr(0, sep + 6) + "…" + address.substr(address.size() - 4);
}

// `liard args...` on a pseudo-terminal, as a person at a keyboard would run it: `screen` is all
// it wrote (stdout and stderr together, as a terminal shows them), and `answer` is typed once
// it asks "[y/N]", or "[o/N]" in French (answered is false if it never asked).
struct TerminalRun {
  int exit_code = -1;
  std::string screen;
  bool answered = false;
};
TerminalRun LiardOnTerminal(const std::vector<std::string>& args, const ProgramOptions& o,
                            const std::string& answer) {
  TerminalRun run;
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const std::string terminal = ptsname(master);
  // Everything the child needs is built before fork: after it, only exec.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string name = kv.substr(0, kv.find('='));
    if (o.env.count(name) == 0 &&
        std::find(o.unset_env.begin(), o.unset_env.end(), name) == o.unset_env.end())
      env.push_back(kv);
  }
  for (const auto& [name, value] : o.env) env.push_back(name + "=" + value);
  std::vector<std::string> argv_s = {LIARD_WALLET_PATH};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  for (auto& e : env) envp.push_back(e.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setsid();
    const int tty = open(terminal.c_str(), O_RDWR);  // the controlling terminal from now on
    if (tty < 0) _exit(127);
    dup2(tty, STDIN_FILENO);
    dup2(tty, STDOUT_FILENO);
    dup2(tty, STDERR_FILENO);
    if (tty > STDERR_FILENO) close(tty);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char buf[4096];
  bool timed_out = true;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) {  // EIO: the program exited and the terminal has no other user
      timed_out = false;
      break;
    }
    run.screen.append(buf, static_cast<size_t>(n));
    if (!run.answered && (Has(run.screen, "[y/N] ") || Has(run.screen, "[o/N] "))) {
      const std::string typed = answer + "\n";
      REQUIRE(write(master, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
      run.answered = true;
    }
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  close(master);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

}  // namespace

TEST_CASE("the reading commands answer with the demo ledger's values and --json parses",
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

  json acct = w.Json({"--as", "association", "account", "show", w.Address("shop"), "--json"});
  CHECK(acct["name"] == "Boulangerie du Rhône");
  CHECK(acct["kind"] == "merchant");

  // French display: the locale decides the separator, the ledger the code.
  ProgramOptions fr = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  CommandResult text = w.Liard({"--key", "bob", "balance"}, fr);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("50,00\u00A0ROUE") != std::string::npos);
  // ... and the words are French: the labels, the history's headings and rows, reserves.
  CHECK(Has(text.out, "adresse "));
  CHECK(Has(text.out, "solde "));
  CommandResult fr_history = w.Liard({"--key", "bob", "history"}, fr);
  CHECK(Has(fr_history.out, "aucune opération pour l'instant"));
  CommandResult fr_reserves = w.Liard({"reserves"}, fr);
  CHECK(Has(fr_reserves.out, "Réserves de la Roue"));
  CHECK(Has(fr_reserves.out, "fonds de garantie"));
  CHECK(Has(fr_reserves.out, "100,00\u00A0%"));
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
    "a resident pays a shop in French amounts: balances move by exactly the amount and the history "
    "shows it and the receipt verifies",
    "[wallet][e2e]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  CommandResult pay =
      w.Liard({"--key", "alice", "pay", shop, "12,50", "--memo", "pain et café", "--yes"});
  INFO(pay.err);
  REQUIRE(pay.exit_code == 0);
  // Alice may not read the shop's account, but its name is public (LookupAccount).
  CHECK(Has(pay.out, "paid 12.50 ROUE to Boulangerie du Rhône (merchant, " + shop + ")"));
  CHECK(w.Balance("alice") == 87'50);
  CHECK(w.Balance("shop") == 12'50);
  const std::string op = OperationIdIn(pay.out);

  // Two more, for the pages.
  REQUIRE(w.Liard({"--key", "alice", "pay", shop, "1.00", "--yes"}).exit_code == 0);
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("bob"), "2", "--yes"}).exit_code == 0);
  json page1 = w.Json({"--key", "alice", "history", "--limit", "2", "--json"});
  REQUIRE(page1["entries"].size() == 2);
  CHECK(page1["entries"][0]["amount_minor"] == -200);
  CHECK(page1["entries"][0]["counterparty"] == w.Address("bob"));
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
  CHECK(Has(table.out, "Alice Martin (" + ShortAddress(w.Address("alice")) + ")"));
  CHECK(page1["entries"][0]["counterparty_name"] == "Bob Durand");

  // The receipt: every check OK, the chain tied to a signed checkpoint (one per entry here;
  // the checkpointer may lag a moment behind the commit).
  CommandResult receipt;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    receipt = w.Liard({"--key", "association", "receipt", op});
  } while (receipt.out.find("hash chain links") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline);
  INFO(receipt.out << receipt.err);
  REQUIRE(receipt.exit_code == 0);
  CHECK(receipt.out.find("FAILED") == std::string::npos);
  CHECK(receipt.out.find("OK      the Ed25519 signature") != std::string::npos);
  CHECK(receipt.out.find("OK      the entry hash of journal entry") != std::string::npos);
  CHECK(receipt.out.find("OK      the checkpoint at entry") != std::string::npos);
  CHECK(receipt.out.find("OK      the hash chain links entry") != std::string::npos);
  json rj = w.Json({"--key", "association", "receipt", op, "--json"});
  CHECK(rj["verified"] == true);
  CHECK(rj["chain_checked"] == true);
  CHECK(rj["checks"].size() >= 5);
  // A resident may not read the journal: the other checks pass, the chain is noted unchecked.
  json alice_rj = w.Json({"--key", "alice", "receipt", op, "--json"});
  CHECK(alice_rj["verified"] == true);
  CHECK(alice_rj["chain_checked"] == false);
  CHECK(Has(alice_rj["notes"].dump(), "not checked"));

  CommandResult unknown = w.Liard({"receipt", std::string(64, 'a')});
  CHECK(unknown.exit_code == 1);
  CHECK(w.Liard({"receipt", "xyz"}).exit_code == 2);
}

TEST_CASE("pay shows the payee's name before the payer confirms and a no sends nothing",
          "[wallet][e2e][reads]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  const uint64_t head = w.Head();
  // Alice may not read the shop's account (its balance is private)...
  CHECK(w.Liard({"--key", "alice", "account", "show", shop}).exit_code == 1);
  // ...but its name is what she confirms: declined, nothing is sent.
  // The payee's kind and whole address too: a resident named like the shop, or another
  // address, shows (issue 14, item 5).
  const std::string question =
      "Pay 12.50 ROUE to Boulangerie du Rhône (merchant, " + shop + ") « pain et café »? [y/N] ";
  TerminalRun no = LiardOnTerminal(
      {"--key", "alice", "pay", shop, "12,50", "--memo", "pain et café"}, w.Options(), "n");
  INFO(no.screen);
  CHECK(no.answered);
  CHECK(Has(no.screen, question));
  CHECK(Has(no.screen, "not paid"));
  CHECK(no.exit_code == 0);
  CHECK(w.Head() == head);
  CHECK(w.Balance("alice") == 100'00);
  // Confirmed: paid, to the name that was shown.
  TerminalRun yes = LiardOnTerminal(
      {"--key", "alice", "pay", shop, "12,50", "--memo", "pain et café"}, w.Options(), "y");
  INFO(yes.screen);
  CHECK(Has(yes.screen, question));
  CHECK(Has(yes.screen, "paid 12.50 ROUE to Boulangerie du Rhône (merchant, " + shop + ")"));
  CHECK(yes.exit_code == 0);
  CHECK(w.Balance("alice") == 87'50);
  // A payee the ledger does not know is refused before anything is asked.
  const std::string stranger = EncodeAddress("ROUE", KeyPair::FromSeed(Seed{}).public_key());
  TerminalRun unknown = LiardOnTerminal({"--key", "alice", "pay", stranger, "1"}, w.Options(), "y");
  INFO(unknown.screen);
  CHECK(!unknown.answered);
  CHECK(unknown.exit_code == 1);
  CHECK(Has(unknown.screen, "no account " + stranger + " in this ledger"));
  CHECK(w.Head() == head + 1);
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
  // key export reads its passphrase only at a terminal (key_safety_e2e_test.cc): none here.
  CHECK(w.Liard({"key", "export", "alice", "--out", w.tmp().Join("alice.seed")}, o).exit_code == 2);
  CHECK(w.Head() == head);
}

TEST_CASE("an unreachable node is exit 3 with a plain sentence and within seconds",
          "[wallet][e2e]") {
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
    "keys: new and show and export and import give the same key and files are 0600 and never "
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

  const std::string seed_file = w.tmp().Join("till.seed");
  TerminalResult exported = RunInTerminal(
      LIARD_WALLET_PATH, {"key", "export", "till", "--out", seed_file}, w.Options(), {kPassphrase});
  INFO(exported.output);
  REQUIRE(exported.exit_code == 0);
  const std::string seed = ReadFile(seed_file);
  CHECK(std::regex_match(seed, std::regex("[0-9a-f]{64}\n")));
  CHECK(exported.output.find("WARNING") != std::string::npos);
  CHECK(before.find(seed.substr(0, 64)) == std::string::npos);

  ProgramOptions in = w.Options();
  in.stdin_data = seed;
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
    "a batch with one bad line changes nothing and names the line and a good batch of 500 lines "
    "moves exactly the total in one operation",
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
  CHECK(Has(dry.out, "line 4: no account " + stranger + " in this ledger"));
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

TEST_CASE(
    "a batch paying an account on two lines lists them before the question and a no pays "
    "nothing",
    "[wallet][e2e][batch]") {
  WalletWorld w;
  const std::string bob = w.Address("bob"), shop = w.Address("shop");
  const std::string csv = w.tmp().Join("twice.csv");
  WriteFile(csv, "Adresse;Montant;Libellé\n" + bob + ";1,00;a\n" + shop + ";2,00;b\n" + bob +
                     ";3,00;c\n");
  const uint64_t head = w.Head();
  TerminalRun no = LiardOnTerminal({"--key", "alice", "pay-batch", csv}, w.Options(), "n");
  INFO(no.screen);
  CHECK(no.answered);
  const size_t list = no.screen.find("lines 2, 4, 2 payments, 4.00 ROUE");
  const size_t question = no.screen.find(
      "Pay 6.00 ROUE in 3 payments to 2 accounts, 1 of them paid on more than one line (listed "
      "above), from Alice Martin");
  CHECK(list != std::string::npos);
  CHECK(question != std::string::npos);
  CHECK(list < question);
  CHECK(Has(no.screen, "nothing was sent"));
  CHECK(no.exit_code == 0);
  CHECK(w.Head() == head);
}

TEST_CASE("a payee of a batch payment sees its own line in history and watch, not the others'",
          "[wallet][e2e][batch][privacy]") {
  WalletWorld w;
  const std::string alice = w.Address("alice"), bob = w.Address("bob"), shop = w.Address("shop");
  const std::string csv = w.tmp().Join("two.csv");
  WriteFile(csv, bob + ";1,25;pour bob\n" + shop + ";2,50;pour la boutique\n");
  ChildProcess watch(LIARD_WALLET_PATH, {"--key", "bob", "watch", "--json"}, w.Options());
  REQUIRE(watch.WaitFor("watching payments to", /*on_stderr=*/true, Millis(10'000)));
  CommandResult paid = w.Liard({"--key", "alice", "pay-batch", csv, "--yes"});
  INFO(paid.err);
  REQUIRE(paid.exit_code == 0);

  CommandResult raw = w.Liard({"--key", "bob", "history", "--json"});
  REQUIRE(raw.exit_code == 0);
  for (const std::string& secret :
       {shop, std::string("pour la boutique"), std::string("2.50"), std::string("3.75")})
    CHECK(raw.out.find(secret) == std::string::npos);
  json e = json::parse(raw.out)["entries"][0];
  CHECK(e["redacted"] == true);
  CHECK(e["legs"] == 2);
  CHECK(e["type"] == "multi-transfer");
  CHECK(e["direction"] == "in");
  CHECK(e["amount_minor"] == 125);
  CHECK(e["memo"] == "pour bob");
  CHECK(e["counterparty"] == alice);
  CHECK(e["operation_id"] == "");
  CommandResult table = w.Liard({"--key", "bob", "history"});
  CHECK(Has(table.out, "Alice Martin (" + ShortAddress(alice) + ")"));
  CHECK(Has(table.out, "« pour bob » [part of a payment to 2 accounts]"));
  CHECK(table.out.find("boutique") == std::string::npos);

  REQUIRE(watch.WaitFor("\n", /*on_stderr=*/false, Millis(5'000)));
  json live = json::parse(watch.out().substr(0, watch.out().find('\n')));
  CHECK(live["amount_minor"] == 125);
  CHECK(live["from"] == alice);
  CHECK(live["redacted"] == true);
  CHECK(watch.out().find(shop) == std::string::npos);

  // Its receipt, by journal entry: what is bob's, and a note on what cannot be checked.
  const std::string entry = std::to_string(e["sequence"].get<uint64_t>());
  CommandResult receipt = w.Liard({"--key", "bob", "receipt", entry});
  INFO(receipt.out << receipt.err);
  CHECK(receipt.exit_code == 0);
  CHECK(Has(receipt.out, "Alice Martin (" + ShortAddress(alice) +
                             ") paid you 1.25 ROUE « pour bob », part of a payment to 2 accounts"));
  CHECK(Has(receipt.out, "NOTE    this is your part of a payment to 2 accounts"));
  CHECK(receipt.out.find("FAILED") == std::string::npos);
  CHECK(receipt.out.find("boutique") == std::string::npos);
  json rj = w.Json({"--key", "bob", "receipt", entry, "--json"});
  CHECK(rj["redacted"] == true);
  CHECK(rj["verified"] == false);
  CHECK(rj["type"] == "multi-transfer");
  CHECK(w.Liard({"--key", "shop", "receipt", "999"}).exit_code == 1);  // no such entry

  // The payer sees its whole payment, and its receipt by entry verifies as by operation id.
  json mine = w.Json({"--key", "alice", "history", "--json"})["entries"][0];
  CHECK(mine.count("redacted") == 0);
  CHECK(mine["amount_minor"] == -375);
  CHECK(mine["detail"] == "batch of 2 payments");
  json whole = w.Json({"--key", "alice", "receipt", entry, "--json"});
  CHECK(whole["operation_id"] == mine["operation_id"]);
  CHECK(whole.count("redacted") == 0);
  CHECK(Has(w.Liard({"--key", "alice", "receipt", entry}).out, "OK      the Ed25519 signature"));
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
  CHECK(e["from_name"] == "Alice Martin");  // public, unlike Alice's balance
  CHECK(e["from"] == w.Address("alice"));
  CHECK(e["memo"] == "« pain »");
  CHECK(watch.Signal(SIGINT) == 0);
}

TEST_CASE("watch goes on past its read request's lifetime, renewing it without a gap",
          "[wallet][e2e][read]") {
  WalletWorld w;
  ProgramOptions o = w.Options();
  o.env["LIARD_READ_LIFETIME_MS"] = "1000";  // the node ends each stream after a second
  ChildProcess watch(LIARD_WALLET_PATH, {"--key", "shop", "watch", "--json"}, o);
  REQUIRE(watch.WaitFor("watching payments to", /*on_stderr=*/true, Millis(10'000)));
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("shop"), "1,00", "--yes"}).exit_code == 0);
  REQUIRE(watch.WaitFor("\n", /*on_stderr=*/false, Millis(2'000)));
  // Three lifetimes later, the same watch still reports, each payment once.
  std::this_thread::sleep_for(Millis(3'000));
  REQUIRE(w.Liard({"--key", "bob", "pay", w.Address("shop"), "2,00", "--yes"}).exit_code == 0);
  std::this_thread::sleep_for(Millis(1'500));
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("shop"), "3,00", "--yes"}).exit_code == 0);
  const auto until = std::chrono::steady_clock::now() + Millis(5'000);
  auto lines = [&] {
    std::vector<json> out;
    std::istringstream in(watch.out());
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(json::parse(line));
    return out;
  };
  while (lines().size() < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(Millis(100));
  INFO(watch.out() << watch.err());
  const std::vector<json> got = lines();
  REQUIRE(got.size() == 3);
  CHECK(got[0]["amount_minor"] == 100);
  CHECK(got[1]["amount_minor"] == 200);
  CHECK(got[2]["amount_minor"] == 300);
  CHECK(watch.err().find("expired") == std::string::npos);
  CHECK(watch.Signal(SIGINT) == 0);
}

TEST_CASE("a merchant's payment request is paid by URI and one for another ledger is refused",
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
    "offices convert and handle notes and merchants reconvert and treasurers record the bank"
    " and refusals are exit 1 with the node's sentence",
    "[wallet][e2e][money]") {
  WalletWorld w;
  const std::string alice = w.Address("alice"), shop = w.Address("shop");
  CommandResult conv = w.Liard(
      {"--key", "office", "convert", "--member", alice, "--eur", "10,00", "--no-bonus", "--yes"});
  INFO(conv.err);
  REQUIRE(conv.exit_code == 0);
  CHECK(Has(conv.out,
            "convert 10.00 EUR into 10.00 ROUE for Alice Martin (" + ShortAddress(alice) + ")"));
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

TEST_CASE(
    "a 2-of-3 board decides with the real liard: a proposal waits for a second signature and board "
    "list shows it and a second signature by the proposer is refused",
    "[wallet][e2e][board]") {
  GenesisSpec spec = StandardGenesis();
  spec.board = {"board-1", "board-2", "board-3"};
  spec.threshold = 2;
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "board-3", "alice", "bob", "carol", "association"})
    w.Import(name);
  const std::string carol = w.Address("carol"), alice = w.Address("alice");

  // Carol may not read Alice's balance: one sentence, exit 1.
  CommandResult refused = w.Liard({"--key", "carol", "account", "show", alice});
  CHECK(refused.exit_code == 1);
  CHECK(Has(refused.err, "READ_REFUSED"));
  CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
  CHECK(refused.out.empty());

  CommandResult proposed =
      w.Liard({"--key", "board-1", "board", "propose", "grant-role", carol, "auditor", "--yes"});
  INFO(proposed.out << proposed.err);
  REQUIRE(proposed.exit_code == 0);
  CHECK(Has(proposed.out, "1 of 2 approvals"));
  const std::string id = ProposalIdIn(proposed.out);

  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  json list = w.Json({"--key", "board-2", "board", "list", "--json"});
  CHECK(list["threshold"] == 2);
  CHECK(list["board"].size() == 3);
  CHECK(list["paused"] == false);
  REQUIRE(list["proposals"].size() == 1);
  const json& p = list["proposals"][0];
  CHECK(p["id"] == id);
  CHECK(p["decision"] == "grant-role");
  CHECK(Has(p["summary"].get<std::string>(), "grant the auditor role to"));
  CHECK(p["approvals_count"] == 1);
  CHECK(p["threshold"] == 2);
  CHECK(p["proposer"] == w.Address("board-1"));
  REQUIRE(p["approvals"].size() == 1);
  CHECK(p["approvals"][0] == w.Address("board-1"));
  const int64_t seven_days = 7LL * 24 * 3600 * 1000;
  CHECK(p["expires_ms"].get<int64_t>() > now + seven_days - 120'000);
  CHECK(p["expires_ms"].get<int64_t>() < now + seven_days + 120'000);

  // Not decided yet: carol still cannot read. The proposer cannot sign twice.
  CHECK(w.Liard({"--key", "carol", "account", "show", alice}).exit_code == 1);
  CommandResult twice = w.Liard({"--key", "board-1", "board", "sign", id, "--yes"});
  CHECK(twice.exit_code == 1);
  CHECK(Has(twice.err, "ALREADY_APPROVED"));
  // Someone not on the board cannot sign.
  CHECK(w.Liard({"--key", "alice", "board", "sign", id, "--yes"}).exit_code == 1);

  CommandResult signed_ = w.Liard({"--key", "board-2", "board", "sign", id, "--yes"});
  INFO(signed_.out << signed_.err);
  REQUIRE(signed_.exit_code == 0);
  CHECK(Has(signed_.out, "decided"));
  CHECK(w.Json({"--key", "board-2", "board", "list", "--json"})["proposals"].empty());
  CHECK(w.Liard({"--key", "board-3", "board", "sign", id, "--yes"}).exit_code == 1);

  // Carol is an auditor now: she reads Alice's account with her own key.
  json seen = w.Json({"--key", "carol", "account", "show", alice, "--json"});
  CHECK(seen["balance_minor"] == 100'00);
  CHECK(seen["name"] == "alice");
  json carol_self = w.Json({"--key", "carol", "balance", "--json"});
  CHECK(Has(carol_self["roles"].dump(), "auditor"));
  // ...and Bob's with --as while Bob's key is selected.
  json bob = w.Json({"--key", "bob", "--as", "carol", "balance", "--json"});
  CHECK(bob["balance_minor"] == 50'00);

  // Freezing, with the reason shown to whoever reads the account.
  CommandResult freeze = w.Liard({"--key", "board-3", "board", "propose", "freeze", alice,
                                  "--reason", "téléphone volé le 3 mars", "--yes"});
  INFO(freeze.err);
  REQUIRE(freeze.exit_code == 0);
  REQUIRE(
      w.Liard({"--key", "board-1", "board", "sign", ProposalIdIn(freeze.out), "--yes"}).exit_code ==
      0);
  CommandResult shown = w.Liard({"--key", "carol", "account", "show", alice});
  CHECK(Has(shown.out, "frozen"));
  CHECK(Has(shown.out, "téléphone volé le 3 mars"));
  json frozen = w.Json({"--key", "alice", "balance", "--json"});
  CHECK(frozen["status"] == "frozen");
  CHECK(frozen["freeze_reason"] == "téléphone volé le 3 mars");
  CommandResult pay = w.Liard({"--key", "alice", "pay", w.Address("bob"), "1", "--yes"});
  CHECK(pay.exit_code == 1);
  CHECK(w.Json({"--key", "carol", "account", "show", alice, "--json"})["balance_minor"] == 100'00);
}

TEST_CASE(
    "the demo's 1-of-1 board pauses payments at once and resumes them and opening a merchant is a "
    "board decision",
    "[wallet][e2e][board]") {
  WalletWorld w;
  w.Import("board-1");
  CommandResult pause =
      w.Liard({"--key", "board-1", "board", "propose", "pause", "--reason", "clé volée", "--yes"});
  INFO(pause.out << pause.err);
  REQUIRE(pause.exit_code == 0);
  CHECK(Has(pause.out, "decided"));
  json g = w.Json({"--key", "board-1", "board", "list", "--json"});
  CHECK(g["paused"] == true);
  CHECK(g["pause_reason"] == "clé volée");
  CommandResult pay = w.Liard({"--key", "alice", "pay", w.Address("bob"), "1", "--yes"});
  CHECK(pay.exit_code == 1);
  CHECK(Has(pay.err, "PAUSED"));
  CHECK(w.Balance("alice") == 100'00);  // reads go on
  REQUIRE(w.Liard({"--key", "board-1", "board", "propose", "resume", "--yes"}).exit_code == 0);
  REQUIRE(w.Liard({"--key", "alice", "pay", w.Address("bob"), "1", "--yes"}).exit_code == 0);

  // An office opening a merchant is pointed to the board; the board opens it.
  w.Liard({"key", "new", "epicerie"});
  const std::string shop2 = w.Address("epicerie");
  CommandResult direct = w.Liard({"--key", "office", "account", "open", shop2, "--name", "Épicerie",
                                  "--kind", "merchant", "--yes"});
  CHECK(direct.exit_code == 1);
  CHECK(Has(direct.err, "liard board propose open-account"));
  CommandResult board = w.Liard({"--key", "board-1", "board", "propose", "open-account", shop2,
                                 "--name", "Épicerie", "--kind", "merchant", "--yes"});
  INFO(board.err);
  REQUIRE(board.exit_code == 0);
  json e = w.Json({"--key", "epicerie", "balance", "--json"});
  CHECK(e["kind"] == "merchant");
  CHECK(e["name"] == "Épicerie");
}

TEST_CASE("the wallet speaks TLS to a node with a certificate when given its CA and only then",
          "[wallet][e2e][tls]") {
  TempDir tmp;
  MakeCertificate(tmp, "node");
  MakeCertificate(tmp, "stranger");
  const std::string data = tmp.Join("data");
  REQUIRE(RunNode({"init", "--demo", "--data", data}).exit_code == 0);
  WriteFile(tmp.Join("node.toml"), "[tls]\ncert = \"" + tmp.Join("node.crt") + "\"\nkey = \"" +
                                       tmp.Join("node.key") + "\"\n");
  NodeProcess node(data, {"--config", tmp.Join("node.toml")});
  node.set_credentials(TlsCredentials(ReadFile(tmp.Join("node.crt"))));
  node.Start();
  ProgramOptions o;
  o.env = {{"HOME", tmp.Join("home")},
           {"XDG_CONFIG_HOME", tmp.Join("home/.config")},
           {"XDG_DATA_HOME", tmp.Join("home/.local/share")},
           {"LIARD_NODE", node.target()},
           {"LIARD_PASSPHRASE", kPassphrase},
           {"LANG", "en_US.UTF-8"}};
  o.unset_env = {"LC_ALL",    "LC_NUMERIC",   "LC_MESSAGES", "LANGUAGE",
                 "LIARD_KEY", "LIARD_TLS_CA", "NO_COLOR"};
  auto liard = [&](const std::vector<std::string>& args, const ProgramOptions& opts) {
    return RunProgram(LIARD_WALLET_PATH, args, opts, Millis(30'000));
  };
  REQUIRE(liard({"key", "import", "alice", "--seed-file", data + "/demo-keys/alice.seed"}, o)
              .exit_code == 0);
  // With the node's certificate as the root: a signed private read over TLS.
  CommandResult ok =
      liard({"--tls-ca", tmp.Join("node.crt"), "--key", "alice", "balance", "--json"}, o);
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(json::parse(ok.out)["balance_minor"] == 100'00);
  // The same through the environment variable.
  ProgramOptions with_env = o;
  with_env.env["LIARD_TLS_CA"] = tmp.Join("node.crt");
  with_env.unset_env = {"LC_ALL", "LC_NUMERIC", "LC_MESSAGES", "LANGUAGE", "LIARD_KEY", "NO_COLOR"};
  CHECK(liard({"--key", "alice", "balance"}, with_env).exit_code == 0);
  // Plaintext, or a root that did not sign the node's certificate: unreachable, exit 3.
  CommandResult plain = liard({"--key", "alice", "balance"}, o);
  CHECK(plain.exit_code == 3);
  CommandResult stranger =
      liard({"--tls-ca", tmp.Join("stranger.crt"), "--key", "alice", "balance"}, o);
  CHECK(stranger.exit_code == 3);
  // A CA file that cannot be read is a local error naming it.
  CommandResult missing =
      liard({"--tls-ca", tmp.Join("nowhere.pem"), "--key", "alice", "balance"}, o);
  CHECK(missing.exit_code == 5);
  CHECK(Has(missing.err, "nowhere.pem"));
  CHECK(node.Stop() == 0);
}

TEST_CASE("the board changes a bonus programme and the fee with set-rules and conversions follow",
          "[wallet][e2e][board][rules]") {
  WalletWorld w;
  w.Import("board-1");
  const std::string rules = w.tmp().Join("rules.toml");
  // The agglomeration raises its bonus to 50 % with a 10.00 monthly cap; the fee drops to 3 %.
  WriteFile(rules,
            "[rules]\nreconversion_fee = \"3/100\"\n\n[[programmes]]\nname = \"demo-bonus\"\n"
            "ratio = \"15/10\"\nmonthly_cap = \"10.00\"\n");
  CommandResult set =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  INFO(set.out << set.err);
  REQUIRE(set.exit_code == 0);
  CHECK(Has(set.out, "decided"));
  const int64_t before = w.Balance("bob");
  REQUIRE(w.Liard({"--key", "office", "convert", "--member", w.Address("bob"), "--eur", "10,00",
                   "--programme", "demo-bonus", "--yes"})
              .exit_code == 0);
  CHECK(w.Balance("bob") - before == 15'00);  // 10.00 at par and a 5.00 bonus
  REQUIRE(w.Liard({"--key", "office", "convert", "--member", w.Address("bob"), "--eur", "20,00",
                   "--programme", "demo-bonus", "--yes"})
              .exit_code == 0);
  CHECK(w.Balance("bob") - before == 15'00 + 20'00 + 5'00);  // the cap: 5.00 more, not 10.00

  // A budget in the rules file is refused, naming the line: sponsors' euros are journaled apart.
  WriteFile(rules, "[[programmes]]\nname = \"demo-bonus\"\nbudget = \"100.00\"\n");
  CommandResult budget =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  CHECK(budget.exit_code == 2);
  CHECK(Has(budget.err, "rules.toml:3"));
  CHECK(Has(budget.err, "fund-programme"));
}

// A 2-of-3 board on the standard ledger, every key imported.
GenesisSpec BoardOfThree() {
  GenesisSpec spec = StandardGenesis();
  spec.board = {"board-1", "board-2", "board-3"};
  spec.threshold = 2;
  return spec;
}

TEST_CASE(
    "a board member reads every change of a rules proposal before and after, when proposing, in "
    "board list and when approving",
    "[wallet][e2e][board][diff]") {
  GenesisSpec spec = BoardOfThree();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "board-3"}) w.Import(name);
  const std::string rules = w.tmp().Join("rules.toml");
  // First rules in force: a 20 % bonus programme and a 5 % fee.
  WriteFile(rules,
            "[rules]\nreconversion_fee = \"5/100\"\n\n[[programmes]]\nname = \"agglo\"\n"
            "sponsor = \"Grand Avignon\"\nratio = \"12/10\"\n");
  CommandResult first =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(Has(first.out, "change the rules: 2 changes"));
  CHECK(Has(first.out, "reconversion fee: none (0) → 5/100 (5 %)"));
  CHECK(Has(first.out,
            "programme 'agglo': none → added: sponsor « Grand Avignon », bonus ratio "
            "12/10 (bonus +20 %) rounded down to 0.01 ROUE"));
  REQUIRE(
      w.Liard({"--key", "board-2", "board", "sign", ProposalIdIn(first.out), "--yes"}).exit_code ==
      0);

  // The change: the bonus to 50 % with a monthly cap, the fee down to 3 %.
  WriteFile(rules,
            "[rules]\nreconversion_fee = \"3/100\"\n\n[[programmes]]\nname = \"agglo\"\n"
            "ratio = \"15/10\"\nmonthly_cap = \"50.00\"\n");
  const std::vector<std::string> lines = {
      "reconversion fee: 5/100 (5 %) → 3/100 (3 %)",
      "programme 'agglo' bonus ratio: 12/10 (bonus +20 %) → 15/10 (bonus +50 %)",
      "programme 'agglo' monthly cap per member: none → 50.00 ROUE",
      "unchanged: backing, smallest conversion, largest conversion, smallest reconversion, "
      "limits per kind",
  };
  const uint64_t head = w.Head();
  TerminalRun proposed = LiardOnTerminal(
      {"--key", "board-1", "board", "propose", "set-rules", rules}, w.Options(), "y");
  INFO(proposed.screen);
  REQUIRE(proposed.exit_code == 0);
  REQUIRE(proposed.answered);
  // The question itself, before anything was signed, says every change.
  const std::string question = proposed.screen.substr(0, proposed.screen.find("[y/N]"));
  CHECK(Has(question, "Propose to the board: change the rules: 3 changes"));
  for (const auto& line : lines) CHECK(Has(question, line));
  CHECK(Has(question, "compared with what is in force at journal entry " + std::to_string(head)));
  const std::string id = ProposalIdIn(proposed.screen);

  // board list shows the same, to anyone.
  CommandResult list = w.Liard({"--key", "board-3", "board", "list"});
  INFO(list.out);
  REQUIRE(list.exit_code == 0);
  CHECK(Has(list.out, "change the rules: 3 changes"));
  for (const auto& line : lines) CHECK(Has(list.out, line));
  json listed = w.Json({"board", "list", "--json"});
  REQUIRE(listed["proposals"].size() == 1);
  CHECK(listed["proposals"][0]["change"]["changes"].size() == 3);
  CHECK(listed["proposals"][0]["change"]["changes"][0] == lines[0]);
  CHECK(listed["proposals"][0]["withdrawn"] == false);

  // The approval prompt: against the rules in force at approval time.
  TerminalRun approved =
      LiardOnTerminal({"--key", "board-2", "board", "sign", id}, w.Options(), "y");
  INFO(approved.screen);
  REQUIRE(approved.exit_code == 0);
  const std::string asked = approved.screen.substr(0, approved.screen.find("[y/N]"));
  CHECK(Has(asked, "Approve: change the rules: 3 changes"));
  for (const auto& line : lines) CHECK(Has(asked, line));
  CHECK(Has(asked, "compared with what is in force now, at journal entry"));
  CHECK(Has(asked, "proposed at journal entry " + std::to_string(head + 1)));
  CHECK(Has(asked, "1 of 2 approvals so far"));
  CHECK(Has(approved.screen, "decided"));
  // Decided: the same file again changes nothing, and says so.
  CommandResult again =
      w.Liard({"--key", "board-1", "board", "propose", "set-rules", rules, "--yes"});
  CHECK(Has(again.out, "set the rules: no change to the rules in force"));
}

TEST_CASE(
    "a board member reads who gets which role and which key replaces which, by name and address",
    "[wallet][e2e][board][diff]") {
  GenesisSpec spec = BoardOfThree();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "board-3"}) w.Import(name);
  const std::string carol_address = EncodeAddress("ROUE", testing::KeyFor("carol").public_key());
  const std::string alice_address = EncodeAddress("ROUE", testing::KeyFor("alice").public_key());

  TerminalRun grant = LiardOnTerminal(
      {"--key", "board-1", "board", "propose", "grant-role", carol_address, "auditor"}, w.Options(),
      "y");
  INFO(grant.screen);
  REQUIRE(grant.exit_code == 0);
  const std::string asked = grant.screen.substr(0, grant.screen.find("[y/N]"));
  CHECK(Has(asked,
            "carol (resident, " + carol_address + ") (a resident account): gets the auditor role"));

  const std::string old_key = ToHex(testing::KeyFor("alice").public_key());
  const std::string new_key = ToHex(testing::KeyFor("alice-new-phone").public_key());
  TerminalRun rekey = LiardOnTerminal(
      {"--key", "board-1", "board", "propose", "rekey", alice_address, new_key}, w.Options(), "y");
  INFO(rekey.screen);
  REQUIRE(rekey.exit_code == 0);
  const std::string rekey_line =
      "alice (resident, " + alice_address + ") signing key: " + old_key + " → " + new_key;
  CHECK(Has(rekey.screen.substr(0, rekey.screen.find("[y/N]")), rekey_line));
  CommandResult list = w.Liard({"board", "list"});
  CHECK(Has(list.out, rekey_line));
  CHECK(Has(list.out,
            "carol (resident, " + carol_address + ") (a resident account): gets the auditor role"));
  // Approved: the board shows the re-key as it now stands, and the card has the new key.
  TerminalRun approve = LiardOnTerminal(
      {"--key", "board-2", "board", "sign", ProposalIdIn(rekey.screen)}, w.Options(), "y");
  INFO(approve.screen);
  REQUIRE(approve.exit_code == 0);
  CHECK(Has(approve.screen.substr(0, approve.screen.find("[y/N]")), rekey_line));
  // The threshold, before and after.
  CommandResult threshold =
      w.Liard({"--key", "board-3", "board", "propose", "set-threshold", "3", "--yes"});
  INFO(threshold.out << threshold.err);
  CHECK(Has(threshold.out, "approvals that decide: 2 of 3 → 3 of 3"));
}

// The command a refusal tells the user to run ("...; run: COMMAND" or "...; lancez : COMMAND").
std::string CommandToRun(const std::string& err) {
  static const std::regex kRun("(?:run|lancez) ?: (liard .*)");
  std::smatch m;
  REQUIRE(std::regex_search(err, m, kRun));
  return m[1].str();
}

// Runs `command` as printed, in a POSIX shell that finds the built liard on its PATH.
CommandResult RunAsPrinted(const WalletWorld& w, const std::string& command) {
  ProgramOptions o = w.Options();
  const std::string wallet = LIARD_WALLET_PATH;
  const char* path = std::getenv("PATH");
  o.env["PATH"] =
      wallet.substr(0, wallet.rfind('/')) + ":" + (path == nullptr ? "/usr/bin:/bin" : path);
  return RunProgram("/bin/sh", {"-c", command}, o);
}

TEST_CASE(
    "after a re-key, the old key and the new key before key set-account each say what to do "
    "next, as a command that works as printed",
    "[wallet][e2e][board][rekey]") {
  GenesisSpec spec = BoardOfThree();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "alice", "bob"}) w.Import(name);
  // Alice lost her phone: her new one has a new key, which the board puts on her account.
  const KeyPair phone = testing::KeyFor("alice-new-phone");
  const std::string phone_seed = w.tmp().Join("alice-phone.seed");
  WriteFile(phone_seed, ToHex(phone.seed()) + "\n");
  for (const char* name : {"alice-phone", "alice-tablet"}) {
    CommandResult r = w.Liard({"key", "import", name, "--fast", "--seed-file", phone_seed});
    REQUIRE(r.exit_code == 0);
  }
  const std::string alice = w.Address("alice");
  const std::string bob = w.Address("bob");
  CommandResult proposed = w.Liard(
      {"--key", "board-1", "board", "propose", "rekey", alice, ToHex(phone.public_key()), "--yes"});
  INFO(proposed.out << proposed.err);
  REQUIRE(proposed.exit_code == 0);
  CommandResult signed_ =
      w.Liard({"--key", "board-2", "board", "sign", ProposalIdIn(proposed.out), "--yes"});
  INFO(signed_.out << signed_.err);
  REQUIRE(signed_.exit_code == 0);

  // The old key, while the wallet does not know the new key signs for Alice's account.
  CommandResult old = w.Liard({"--key", "alice", "balance"});
  INFO(old.err);
  CHECK(old.exit_code == 1);
  CHECK(Has(old.err, "key 'alice' does not sign for alice (" + ShortAddress(alice) +
                         ") any more: the account was re-keyed to key 'alice-phone'"));
  const std::string set_then_balance =
      "liard key set-account alice-phone " + alice + " && liard --key alice-phone balance";
  REQUIRE(CommandToRun(old.err) == set_then_balance);
  CommandResult ran = RunAsPrinted(w, set_then_balance);
  INFO(ran.out << ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK(Has(ran.out, "key 'alice-phone' now signs for account " +
                         ToHex(testing::KeyFor("alice").public_key())));
  CHECK(Has(ran.out, "100.00 ROUE"));

  // The old key again: the wallet knows the new one now, and says to run the same command with
  // it (the payment's flags and memo kept, quoted for the shell).
  const uint64_t head = w.Head();
  CommandResult pay =
      w.Liard({"--key", "alice", "pay", bob, "1,00", "--memo", "café d'Élise", "--yes"});
  INFO(pay.err);
  CHECK(pay.exit_code == 1);
  CHECK(w.Head() == head);
  const std::string pay_with_phone =
      "liard --key alice-phone pay " + bob + " 1,00 --memo 'café d'\\''Élise' --yes";
  CHECK(Has(pay.err, "the account was re-keyed and signs with key 'alice-phone' now"));
  REQUIRE(CommandToRun(pay.err) == pay_with_phone);
  CommandResult paid = RunAsPrinted(w, pay_with_phone);
  INFO(paid.out << paid.err);
  REQUIRE(paid.exit_code == 0);
  CHECK(w.Balance("bob") == 51'00);
  CHECK(Has(w.Liard({"--key", "bob", "history"}).out, "café d'Élise"));
  // In French: the same facts and the same command.
  ProgramOptions french = w.Options();
  french.env["LANG"] = "fr_FR.UTF-8";
  CommandResult old_fr = w.Liard({"--key", "alice", "balance"}, french);
  CHECK(old_fr.exit_code == 1);
  CHECK(Has(old_fr.err, "la clé « alice » ne signe plus pour alice ("));
  CHECK(CommandToRun(old_fr.err) == "liard --key alice-phone balance");

  // The new key under another name, before `key set-account`: its own account does not exist,
  // but another key's account was re-keyed to it.
  CommandResult tablet = w.Liard({"--key", "alice-tablet", "history"});
  INFO(tablet.err);
  CHECK(tablet.exit_code == 1);
  CHECK(Has(tablet.err,
            "key 'alice-tablet' is the new key of alice (" + ShortAddress(alice) + ") (re-keyed)"));
  const std::string set_then_history =
      "liard key set-account alice-tablet " + alice + " && liard --key alice-tablet history";
  REQUIRE(CommandToRun(tablet.err) == set_then_history);
  CommandResult history = RunAsPrinted(w, set_then_history);
  INFO(history.out << history.err);
  REQUIRE(history.exit_code == 0);
  CHECK(Has(history.out, "café d'Élise"));

  // A key whose account nobody has: the usual sentence, and the command for a re-keyed account.
  REQUIRE(w.Liard({"key", "new", "stranger", "--fast"}).exit_code == 0);
  CommandResult stranger = w.Liard({"--key", "stranger", "balance"});
  CHECK(stranger.exit_code == 1);
  CHECK(Has(stranger.err,
            "does not exist in this ledger; an exchange office or the association "
            "opens accounts; if the board re-keyed your account to this key, tell "
            "the wallet which account it is: liard key set-account stranger "
            "YOUR-ADDRESS"));
}

TEST_CASE(
    "the confirmation reads [o/N] in French and takes o, oui, y or yes; anything else is a no",
    "[wallet][e2e][i18n]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  ProgramOptions french = w.Options();
  french.env["LANG"] = "fr_FR.UTF-8";
  const int64_t before = w.Balance("alice");
  int paid = 0;
  for (const char* answer : {"oui", "o", "Y", "yes ", "non", "n", ""}) {
    const std::string a = answer;
    const bool yes = a == "oui" || a == "o" || a == "Y" || a == "yes ";
    TerminalRun run = LiardOnTerminal({"--key", "alice", "pay", shop, "1"}, french, a);
    INFO(a << ": " << run.screen);
    CHECK(run.answered);
    CHECK(run.exit_code == 0);
    CHECK(Has(run.screen,
              "Payer 1,00\u00A0ROUE à Boulangerie du Rhône (commerçant, " + shop + ") ? [o/N] "));
    CHECK_FALSE(Has(run.screen, "[y/N]"));
    CHECK(Has(run.screen, yes ? "payé 1,00\u00A0ROUE à" : "non payé"));
    paid += yes;
  }
  CHECK(w.Balance("alice") == before - paid * 100);
  // In English the question keeps [y/N], and a French "oui" is a yes there too.
  TerminalRun english = LiardOnTerminal({"--key", "alice", "pay", shop, "1"}, w.Options(), "oui");
  INFO(english.screen);
  CHECK(Has(english.screen,
            "Pay 1.00 ROUE to Boulangerie du Rhône (merchant, " + shop + ")? [y/N] "));
  CHECK(Has(english.screen, "paid 1.00 ROUE to"));
}

TEST_CASE(
    "a proposal that could not apply is refused when proposed, and a proposer withdraws a pending "
    "one that nobody can approve afterwards",
    "[wallet][e2e][board][withdraw]") {
  GenesisSpec spec = BoardOfThree();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "board-3"}) w.Import(name);
  REQUIRE(w.Liard({"key", "new", "ghost"}).exit_code == 0);
  const uint64_t head = w.Head();
  // A role for an account the ledger does not have: refused now, not at the last approval.
  CommandResult ghost = w.Liard({"--key", "board-1", "board", "propose", "grant-role",
                                 w.Address("ghost"), "auditor", "--yes"});
  CHECK(ghost.exit_code == 1);
  CHECK(Has(ghost.err, "UNKNOWN_DESTINATION"));
  CommandResult too_many =
      w.Liard({"--key", "board-1", "board", "propose", "set-threshold", "4", "--yes"});
  CHECK(too_many.exit_code == 1);
  CHECK(Has(too_many.err, "BOARD_TOO_SMALL"));
  CHECK(w.Head() == head);
  CHECK(w.Json({"board", "list", "--json"})["proposals"].empty());

  CommandResult pause = w.Liard(
      {"--key", "board-1", "board", "propose", "pause", "--reason", "office key stolen", "--yes"});
  REQUIRE(pause.exit_code == 0);
  const std::string id = ProposalIdIn(pause.out);
  CHECK(Has(pause.out, "payments: running → paused « office key stolen »"));
  // Another member may not withdraw it.
  CommandResult other = w.Liard({"--key", "board-2", "board", "withdraw", id, "--yes"});
  CHECK(other.exit_code == 1);
  CHECK(Has(other.err, "NOT_PROPOSER"));
  CommandResult withdrawn = w.Liard({"--key", "board-1", "board", "withdraw", id, "--yes"});
  INFO(withdrawn.out << withdrawn.err);
  REQUIRE(withdrawn.exit_code == 0);
  CHECK(Has(withdrawn.out, "withdrawn: pause all payments"));
  CHECK(Has(withdrawn.out, "it can no longer be approved"));
  json listed = w.Json({"board", "list", "--json"});
  REQUIRE(listed["proposals"].size() == 1);
  CHECK(listed["proposals"][0]["withdrawn"] == true);
  CHECK(listed["proposals"][0]["approvals"].empty());
  CHECK(Has(w.Liard({"board", "list"}).out, "WITHDRAWN by its proposer"));
  // Nobody can approve it now: the wallet says why, and so does the ledger.
  CommandResult sign = w.Liard({"--key", "board-2", "board", "sign", id, "--yes"});
  CHECK(sign.exit_code == 1);
  CHECK(Has(sign.err, "withdrawn"));
  CHECK_FALSE(w.Json({"board", "list", "--json"})["paused"].get<bool>());
  // The proposer's history shows it.
  CommandResult history = w.Liard({"--key", "board-1", "history"});
  CHECK(Has(history.out, "[withdrew the board proposal " + id.substr(0, 16) + "…]"));
}

// The date `days` after 1970-01-01 as a person types it: "31/12/2026" (French) or "2026-12-31".
std::string TypedDay(int64_t days, bool french) {
  int y = 0, m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  if (french)
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d, m, y);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// The words of a hint as the wallet printed it, from `prefix` to the end of its line, without
// the leading "liard": what a person copies and runs.
std::vector<std::string> HintIn(const std::string& screen, const std::string& prefix) {
  const size_t at = screen.find(prefix);
  REQUIRE(at != std::string::npos);
  const size_t from = at + prefix.size();
  std::string line = screen.substr(from, screen.find_first_of("\r\n", from) - from);
  std::istringstream words(line);
  std::vector<std::string> out;
  for (std::string w; words >> w;) out.push_back(w);
  REQUIRE(out.size() > 1);
  REQUIRE(out[0] == "liard");
  out.erase(out.begin());
  return out;
}

TEST_CASE(
    "a board member proposes and approves in French and the same in English, each reading its own "
    "language, formats and hints that run as printed",
    "[wallet][e2e][board][i18n]") {
  GenesisSpec spec = BoardOfThree();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "board-3"}) w.Import(name);
  ProgramOptions fr = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  const std::string nb = "\u00a0";    // before ":" and inside « »
  const std::string thin = "\u202f";  // between thousands
  const std::string rules = w.tmp().Join("rules.toml");
  WriteFile(rules,
            "[rules]\nreconversion_fee = \"5/100\"\n\n[[programmes]]\nname = \"agglo\"\n"
            "sponsor = \"Grand Avignon\"\nratio = \"12/10\"\nmonthly_cap = \"1200.00\"\n");
  // Open through a day typed as a French clerk types it, ten days from now.
  const int64_t today = NowMs() / 86'400'000;
  const std::string until = TypedDay(today + 10, true);
  const std::string open_until = TypedDay(today + 11, true) + " 00:00";

  // French: the question, the prompt [o/N], amounts, percentages and the date.
  TerminalRun proposed = LiardOnTerminal(
      {"--key", "board-1", "board", "propose", "set-rules", rules, "--expires", until}, fr, "o");
  INFO(proposed.screen);
  REQUIRE(proposed.exit_code == 0);
  REQUIRE(proposed.answered);
  const std::string question = proposed.screen.substr(0, proposed.screen.find("[o/N]"));
  REQUIRE(question.size() < proposed.screen.size());
  CHECK_FALSE(Has(proposed.screen, "[y/N]"));
  CHECK(
      Has(question, "Proposer au bureau" + nb + ": modifier les règles" + nb + ": 2 changements"));
  CHECK(Has(question, "frais de reconversion" + nb + ": aucun (0) → 5/100 (5,00" + nb + "%)"));
  CHECK(Has(question, "programme «" + nb + "agglo" + nb + "»" + nb + ": aucun → ajouté" + nb +
                          ": financeur «" + nb + "Grand Avignon" + nb +
                          "», taux de bonification 12/10 (bonification +20,00" + nb +
                          "%) arrondi à l'inférieur au pas de 0,01" + nb + "ROUE"));
  CHECK(Has(question, "plafond mensuel par compte 1" + thin + "200,00" + nb + "ROUE"));
  CHECK(Has(question, "inchangé" + nb + ": couverture, plus petite conversion"));
  CHECK(Has(question, "ouverte jusqu'au " + open_until));
  CHECK(Has(question, "La proposer" + nb + "?"));
  CHECK_FALSE(Has(question, "Propose to the board"));
  static const std::regex kFrenchId("proposition ([0-9a-f]{64})");
  std::smatch m;
  REQUIRE(std::regex_search(proposed.screen, m, kFrenchId));
  const std::string id = m[1].str();
  CHECK(Has(proposed.screen, "proposition envoyée" + nb + ": modifier les règles"));
  CHECK(Has(proposed.screen, "1 approbation sur 2" + nb +
                                 "; les autres membres du bureau la signent avec" + nb +
                                 ": liard board sign " + id));

  // board list in French, read by another member: the pending proposal, its date, and the
  // command that member runs; --json stays English for programs.
  CommandResult list = w.Liard({"--key", "board-2", "board", "list"}, fr);
  INFO(list.out << list.err);
  REQUIRE(list.exit_code == 0);
  CHECK(
      Has(list.out, "Bureau" + nb + ": 3 membres" + nb + "; il faut 2 approbations pour décider"));
  CHECK(Has(list.out, "Propositions en attente (1)"));
  CHECK(Has(list.out, "1 approbation sur 2 (Board member 1"));
  CHECK(Has(list.out, "ouverte jusqu'au " + open_until));
  CHECK(Has(list.out, "pour l'approuver" + nb + ": liard --key board-2 board sign " + id));
  CHECK_FALSE(Has(list.out, "vous l'avez proposée"));
  CommandResult mine = w.Liard({"--key", "board-1", "board", "list"}, fr);
  CHECK(Has(mine.out, "vous l'avez proposée" + nb + "; pour la retirer" + nb +
                          ": liard --key board-1 board withdraw " + id));
  CHECK_FALSE(Has(mine.out, "pour l'approuver"));
  json listed = json::parse(w.Liard({"board", "list", "--json"}, fr).out);
  REQUIRE(listed["proposals"].size() == 1);
  CHECK(listed["proposals"][0]["change"]["changes"][0] ==
        "reconversion fee: none (0) → 5/100 (5 %)");
  CHECK(listed["proposals"][0]["change"]["summary"] == "change the rules: 2 changes");

  // A French date that does not exist, and one too far: refused in French, nothing sent.
  const uint64_t head = w.Head();
  CommandResult bad = w.Liard({"--key", "board-1", "board", "propose", "pause", "--reason", "test",
                               "--expires", "32/12/2026", "--yes"},
                              fr);
  CHECK(bad.exit_code == 2);
  CHECK(Has(bad.err, "--expires «" + nb + "32/12/2026" + nb + "» doit être une durée"));
  CommandResult far = w.Liard({"--key", "board-1", "board", "propose", "pause", "--reason", "test",
                               "--expires", TypedDay(today + 60, true), "--yes"},
                              fr);
  CHECK(far.exit_code == 2);
  CHECK(Has(far.err, "30 jours au plus"));
  CHECK(w.Head() == head);

  // The hint board-2 read, run as printed (on a terminal, in French): the approval decides.
  TerminalRun approved = LiardOnTerminal(HintIn(list.out, "pour l'approuver" + nb + ": "), fr, "o");
  INFO(approved.screen);
  REQUIRE(approved.exit_code == 0);
  REQUIRE(approved.answered);
  const std::string asked = approved.screen.substr(0, approved.screen.find("[o/N]"));
  CHECK(Has(asked, "Approuver" + nb + ": modifier les règles" + nb + ": 2 changements"));
  CHECK(Has(asked, "frais de reconversion" + nb + ": aucun (0) → 5/100 (5,00" + nb + "%)"));
  CHECK(Has(asked, "proposée à l'écriture"));
  CHECK(Has(asked, "1 approbation sur 2 pour l'instant. L'approuver" + nb + "?"));
  CHECK(Has(approved.screen, "approbation envoyée" + nb + ": modifier les règles"));
  CHECK(Has(approved.screen, "décidée" + nb + ": la décision du bureau est appliquée"));

  // English: the same steps, in English words and formats, with a date typed the ISO way.
  WriteFile(rules,
            "[rules]\nreconversion_fee = \"3/100\"\n\n[[programmes]]\nname = \"agglo\"\n"
            "ratio = \"15/10\"\n");
  TerminalRun en = LiardOnTerminal({"--key", "board-3", "board", "propose", "set-rules", rules,
                                    "--expires", TypedDay(today + 10, false)},
                                   w.Options(), "y");
  INFO(en.screen);
  REQUIRE(en.exit_code == 0);
  REQUIRE(en.answered);
  const std::string en_question = en.screen.substr(0, en.screen.find("[y/N]"));
  CHECK(Has(en_question, "Propose to the board: change the rules: 2 changes"));
  CHECK(Has(en_question, "reconversion fee: 5/100 (5 %) → 3/100 (3 %)"));
  CHECK(
      Has(en_question, "programme 'agglo' bonus ratio: 12/10 (bonus +20 %) → 15/10 (bonus +50 %)"));
  CHECK(Has(en_question, "open until " + TypedDay(today + 11, false) + " 00:00:00"));
  CHECK(Has(en_question, "Propose it?"));
  const std::string en_id = ProposalIdIn(en.screen);
  CHECK(Has(en.screen, "proposed: change the rules: 2 changes"));
  CHECK(Has(en.screen,
            "1 of 2 approvals; the other board members sign it with: liard board sign " + en_id));
  CommandResult en_list = w.Liard({"--key", "board-1", "board", "list"});
  CHECK(Has(en_list.out, "Board: 3 members, 2 approvals decide"));
  CHECK(Has(en_list.out, "approve it with: liard --key board-1 board sign " + en_id));
  TerminalRun en_approved =
      LiardOnTerminal(HintIn(en_list.out, "approve it with: "), w.Options(), "y");
  INFO(en_approved.screen);
  REQUIRE(en_approved.exit_code == 0);
  CHECK(Has(en_approved.screen, "Approve: change the rules: 2 changes"));
  CHECK(Has(en_approved.screen, "1 of 2 approvals so far. Approve it?"));
  CHECK(Has(en_approved.screen, "approved: change the rules: 2 changes"));
  CHECK(Has(en_approved.screen, "decided: the board's decision is applied"));
  CHECK_FALSE(Has(en_approved.screen, "approbation"));
}

TEST_CASE("a hint printed after --node names the node, so that it runs as printed",
          "[wallet][e2e][board][i18n]") {
  GenesisSpec spec = BoardOfThree();
  WalletWorld w(/*import_keys=*/false, &spec);
  for (const char* name : {"board-1", "board-2", "board-3"}) w.Import(name);
  ProgramOptions no_env = w.Options();
  no_env.env.erase("LIARD_NODE");
  no_env.unset_env.push_back("LIARD_NODE");
  const std::string node = w.node().target();
  CommandResult proposed = w.Liard({"--node", node, "--key", "board-1", "board", "propose", "pause",
                                    "--reason", "office key stolen", "--yes"},
                                   no_env);
  INFO(proposed.out << proposed.err);
  REQUIRE(proposed.exit_code == 0);
  const std::string id = ProposalIdIn(proposed.out);
  // For the other members: the node, not this member's key.
  CHECK(Has(proposed.out, "sign it with: liard --node " + node + " board sign " + id));
  CommandResult bad = w.Liard({"--node", node, "board", "sign", "abc"}, no_env);
  CHECK(bad.exit_code == 2);
  CHECK(Has(bad.err, "as 'liard --node " + node + " board list' shows it"));
  std::vector<std::string> hint = HintIn(proposed.out, "sign it with: ");
  hint.insert(hint.begin(), {"--key", "board-2"});
  hint.push_back("--yes");
  CommandResult signed_ = w.Liard(hint, no_env);
  INFO(signed_.out << signed_.err);
  REQUIRE(signed_.exit_code == 0);
  CHECK(Has(signed_.out, "decided: the board's decision is applied"));
}

TEST_CASE(
    "a resident whose membership ended cannot pay until an office renews it and the end and the "
    "word expired are shown",
    "[wallet][e2e][membership]") {
  WalletWorld w;
  REQUIRE(w.Liard({"key", "new", "dora"}).exit_code == 0);
  const std::string dora = w.Address("dora");
  CommandResult open = w.Liard({"--key", "office", "account", "open", dora, "--name", "Dora",
                                "--member-until", "2020-12-31", "--fee", "10", "--yes"});
  INFO(open.out << open.err);
  REQUIRE(open.exit_code == 0);
  CHECK(w.Json({"reserves", "--json"})["income_minor"] == 10'00);
  REQUIRE(w.Liard({"--key", "office", "convert", "--member", dora, "--eur", "20", "--no-bonus",
                   "--yes"})
              .exit_code == 0);
  json before = w.Json({"--key", "dora", "balance", "--json"});
  CHECK(before["member_until"] == "2020-12-31");
  CHECK(before["membership_expired"] == true);
  CHECK(Has(w.Liard({"--key", "dora", "balance"}).out, "expired"));

  const uint64_t head = w.Head();
  CommandResult pay = w.Liard({"--key", "dora", "pay", w.Address("shop"), "5", "--yes"});
  CHECK(pay.exit_code == 1);
  CHECK(Has(pay.err, "MEMBERSHIP_EXPIRED"));
  CHECK(Has(pay.err, "membership"));
  CHECK(w.Head() == head);

  CommandResult bad = w.Liard({"--key", "office", "member", "renew", dora, "--until", "2099-02-30",
                               "--fee", "10", "--yes"});
  CHECK(bad.exit_code == 2);
  CommandResult renew = w.Liard({"--key", "office", "member", "renew", dora, "--until",
                                 "2099-12-31", "--fee", "12,00", "--yes"});
  INFO(renew.out << renew.err);
  REQUIRE(renew.exit_code == 0);
  CHECK(w.Json({"reserves", "--json"})["income_minor"] == 22'00);
  json after = w.Json({"--key", "dora", "balance", "--json"});
  CHECK(after["member_until"] == "2099-12-31");
  CHECK(after["membership_expired"] == false);
  CommandResult paid = w.Liard({"--key", "dora", "pay", w.Address("shop"), "5", "--yes"});
  INFO(paid.err);
  REQUIRE(paid.exit_code == 0);
  CHECK(w.Balance("dora") == 15'00);
  // A resident cannot renew a membership.
  CHECK(w.Liard({"--key", "alice", "member", "renew", dora, "--until", "2100-12-31", "--yes"})
            .exit_code == 1);
}

TEST_CASE("reading another account is refused with one sentence and a treasurer's key reads it",
          "[wallet][e2e][reads]") {
  WalletWorld w;
  const uint64_t head = w.Head();
  CommandResult r = w.Liard({"--key", "alice", "account", "show", w.Address("bob"), "--json"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("liard: refused: READ_REFUSED: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  for (const char* jargon : {"grpc", "gRPC", "PERMISSION_DENIED"}) CHECK(!Has(r.err, jargon));
  json bob = w.Json(
      {"--key", "alice", "--as", "association", "account", "show", w.Address("bob"), "--json"});
  CHECK(bob["balance_minor"] == 50'00);
  CHECK(bob["name"] == "Bob Durand");
  // A key that does not exist cannot read anything: a usage error naming it.
  CHECK(w.Liard({"--as", "nobody", "account", "show", w.Address("bob")}).exit_code == 2);
  // A wrong passphrase for the reading key is exit 4.
  ProgramOptions o = w.Options();
  o.env["LIARD_PASSPHRASE"] = "not the passphrase";
  CHECK(w.Liard({"--key", "bob", "balance"}, o).exit_code == 4);
  CHECK(w.Head() == head);
}

}  // namespace liard::e2e

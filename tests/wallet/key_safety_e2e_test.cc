// The wallet's local defences (issue 14, items 1 and 7): no plaintext to a node off this machine
// without --insecure, seeds exported only to a new 0600 file from a terminal, MODERATE hashing
// and a passphrase check for new keys, private modes and safe temporary files.
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/harness.h"
#include "tests/wallet/terminal_run.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

unsigned ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// A wallet home without a node: for what must be refused before any network.
ProgramOptions Offline(const TempDir& tmp) {
  ProgramOptions o;
  o.env = {{"HOME", tmp.path()},
           {"XDG_CONFIG_HOME", tmp.Join("config")},
           {"XDG_DATA_HOME", tmp.Join("data")},
           {"LIARD_PASSPHRASE", kPassphrase}};
  o.unset_env = {"LIARD_NODE", "LIARD_TLS_CA", "LIARD_INSECURE", "LIARD_KEY"};
  return o;
}

TEST_CASE("the wallet refuses plaintext to a node off this machine before connecting",
          "[wallet][e2e][security]") {
  TempDir tmp;
  ProgramOptions o = Offline(tmp);
  // 192.0.2.1 (TEST-NET-1) answers nothing: a connection attempt would take the 3 s connect
  // timeout and end in exit 3.
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = RunProgram(LIARD_WALLET_PATH, {"--node", "192.0.2.1:7421", "reserves"}, o);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("not on this machine") && Catch::Contains("--tls-ca") &&
                        Catch::Contains("--insecure"));
  CHECK(r.out.empty());
  CHECK(took < std::chrono::milliseconds(1500));
  // Every way of naming such a node, and a host name, is refused the same way.
  for (const char* node : {"10.0.0.7:7421", "[2001:db8::1]:7421", "node.example.org:7421",
                           "0.0.0.0:7421", "[::]:7421"}) {
    CommandResult other = RunProgram(LIARD_WALLET_PATH, {"--node", node, "reserves"}, o);
    INFO(node << ": " << other.err);
    CHECK(other.exit_code == 2);
  }
  ProgramOptions env_node = o;
  env_node.env["LIARD_NODE"] = "192.0.2.1:7421";
  CHECK(RunProgram(LIARD_WALLET_PATH, {"reserves"}, env_node).exit_code == 2);
}

TEST_CASE(
    "plaintext off loopback is allowed by --insecure, LIARD_INSECURE=1 or insecure = true, "
    "loudly",
    "[wallet][e2e][security]") {
  TempDir tmp;
  ProgramOptions o = Offline(tmp);
  auto check_warned = [](const CommandResult& r) {
    INFO(r.err);
    // Past the refusal: it tried the node, which does not answer (exit 3), after the warning.
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::StartsWith("liard: WARNING: talking to 192.0.2.1:7421 in PLAINTEXT"));
  };
  check_warned(
      RunProgram(LIARD_WALLET_PATH, {"--node", "192.0.2.1:7421", "--insecure", "reserves"}, o));
  ProgramOptions env = o;
  env.env["LIARD_INSECURE"] = "1";
  check_warned(RunProgram(LIARD_WALLET_PATH, {"--node", "192.0.2.1:7421", "reserves"}, env));
  REQUIRE(::mkdir(tmp.Join("config").c_str(), 0700) == 0);
  REQUIRE(::mkdir(tmp.Join("config/liard").c_str(), 0700) == 0);
  WriteFile(tmp.Join("config/liard/config.toml"), "node = \"192.0.2.1:7421\"\ninsecure = true\n");
  check_warned(RunProgram(LIARD_WALLET_PATH, {"reserves"}, o));
  // A quoted "true" is a mistake, not a yes.
  WriteFile(tmp.Join("config/liard/config.toml"), "insecure = \"true\"\n");
  CHECK(RunProgram(LIARD_WALLET_PATH, {"reserves"}, o).exit_code == 5);
}

TEST_CASE("the wallet talks plaintext to a node on loopback without a word",
          "[wallet][e2e][security]") {
  WalletWorld w;
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    ProgramOptions o = w.Options();
    o.env["LIARD_NODE"] = host + ":" + std::to_string(w.node().port());
    CommandResult r = w.Liard({"--key", "alice", "balance"}, o);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("PLAINTEXT") == std::string::npos);
  }
}

TEST_CASE(
    "key export writes the seed only to a new 0600 file, after a passphrase typed at a "
    "terminal",
    "[wallet][e2e][security]") {
  WalletWorld w;
  const std::string out = w.tmp().Join("alice.seed");
  const std::string seed = ReadFile(w.SeedFile("alice"));

  // Never to standard output.
  CommandResult to_stdout = w.Liard({"key", "export", "alice"});
  CHECK(to_stdout.exit_code == 2);
  CHECK(to_stdout.out.empty());
  CHECK_THAT(to_stdout.err, Catch::Contains("--out FILE"));

  // LIARD_PASSPHRASE alone (a script, a stolen environment) does not take a seed out.
  CommandResult scripted = w.Liard({"key", "export", "alice", "--out", out});
  CHECK(scripted.exit_code == 2);
  CHECK_THAT(scripted.err, Catch::Contains("terminal") && Catch::Contains("alice.key"));
  CHECK(!Exists(out));

  // At a terminal: LIARD_PASSPHRASE is ignored (it is wrong here), the typed one is used.
  ProgramOptions o = w.Options();
  o.env["LIARD_PASSPHRASE"] = "not the passphrase at all";
  TerminalResult typed =
      RunInTerminal(LIARD_WALLET_PATH, {"key", "export", "alice", "--out", out}, o, {kPassphrase});
  INFO(typed.output);
  REQUIRE(typed.exit_code == 0);
  CHECK(ReadFile(out) == seed);
  CHECK(ModeOf(out) == 0600);
  CHECK(typed.output.find(seed.substr(0, 64)) == std::string::npos);
  CHECK_THAT(typed.output, Catch::Contains("written to " + out));

  // Never over an existing file, nor through a symlink planted at the name.
  TerminalResult again =
      RunInTerminal(LIARD_WALLET_PATH, {"key", "export", "bob", "--out", out}, o, {kPassphrase});
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.output, Catch::Contains("exists already"));
  CHECK(ReadFile(out) == seed);
  const std::string planted = w.tmp().Join("planted.seed");
  const std::string victim = w.tmp().Join("victim");
  REQUIRE(::symlink(victim.c_str(), planted.c_str()) == 0);
  TerminalResult through = RunInTerminal(
      LIARD_WALLET_PATH, {"key", "export", "bob", "--out", planted}, o, {kPassphrase});
  CHECK(through.exit_code == 2);
  CHECK(!Exists(victim));

  // A wrong passphrase typed: exit 4, no file.
  const std::string wrong_out = w.tmp().Join("wrong.seed");
  TerminalResult wrong =
      RunInTerminal(LIARD_WALLET_PATH, {"key", "export", "alice", "--out", wrong_out}, o,
                    {"une autre phrase de passe"});
  CHECK(wrong.exit_code == 4);
  CHECK(!Exists(wrong_out));

  // The exported file imports back to the same key.
  REQUIRE(w.Liard({"key", "import", "alice-copy", "--fast", "--seed-file", out}).exit_code == 0);
  CHECK(w.Json({"key", "show", "alice-copy", "--json"})["public_key"] ==
        w.Json({"key", "show", "alice", "--json"})["public_key"]);
  // --address still prints the address, with no passphrase.
  CHECK(w.Liard({"key", "export", "alice", "--address"}).exit_code == 0);
}

TEST_CASE("new keys use Argon2id MODERATE by default, and INTERACTIVE key files still open",
          "[wallet][e2e][security]") {
  WalletWorld w(/*import_keys=*/false);
  REQUIRE(w.Liard({"key", "import", "alice", "--seed-file", w.SeedFile("alice")}).exit_code == 0);
  json moderate = w.Json({"key", "show", "alice", "--json"});
  CHECK(moderate["memlimit"] == crypto_pwhash_MEMLIMIT_MODERATE);
  CHECK(moderate["opslimit"] == crypto_pwhash_OPSLIMIT_MODERATE);
  REQUIRE(w.Liard({"key", "new", "newcomer"}).exit_code == 0);
  CHECK(w.Json({"key", "show", "newcomer", "--json"})["memlimit"] ==
        crypto_pwhash_MEMLIMIT_MODERATE);
  // --fast: a till's INTERACTIVE limits, the former default; such files sign as before.
  w.Import("bob");
  json fast = w.Json({"key", "show", "bob", "--json"});
  CHECK(fast["memlimit"] == crypto_pwhash_MEMLIMIT_INTERACTIVE);
  CHECK(fast["opslimit"] == crypto_pwhash_OPSLIMIT_INTERACTIVE);
  CHECK(w.Balance("bob") == 50'00);
  CHECK(w.Balance("alice") == 100'00);
  CHECK(w.Liard({"key", "new", "both", "--fast", "--strong"}).exit_code == 2);
}

TEST_CASE("a new key's passphrase that is easy to guess is refused, and nothing is written",
          "[wallet][e2e][security]") {
  WalletWorld w(/*import_keys=*/false);
  const std::string dir = w.tmp().Join("home/.local/share/liard/keys");
  for (const char* weak :
       {"12345678", "123456789012", "aaaaaaaaaaaaaaaa", "abababababababab", "Password2026!",
        "azertyuiop123", "motdepasse-2026", "till till till", "tillTILL12345678", "short"}) {
    ProgramOptions o = w.Options();
    o.env["LIARD_PASSPHRASE"] = weak;
    CommandResult r = w.Liard({"key", "new", "till", "--fast"}, o);
    INFO(weak << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("too easy to guess"));
    CHECK(!Exists(dir + "/till.key"));
    CommandResult imported =
        w.Liard({"key", "import", "till", "--fast", "--seed-file", w.SeedFile("alice")}, o);
    CHECK(imported.exit_code == 2);
    CHECK(!Exists(dir + "/till.key"));
  }
  ProgramOptions good = w.Options();
  good.env["LIARD_PASSPHRASE"] = "cheval agrafe pile correcte";
  CHECK(w.Liard({"key", "new", "till", "--fast"}, good).exit_code == 0);
  CHECK(Exists(dir + "/till.key"));
}

TEST_CASE("key files and known-ledgers.json are 0600 and written through fresh temporary files",
          "[wallet][e2e][security]") {
  WalletWorld w(/*import_keys=*/false);
  const std::string config = w.tmp().Join("home/.config/liard");
  const std::string keys = w.tmp().Join("home/.local/share/liard/keys");
  // An attacker's symlink where the former wallet put its temporary file: never followed.
  REQUIRE(system(("mkdir -p " + config).c_str()) == 0);
  const std::string victim = w.tmp().Join("victim");
  WriteFile(victim, "precious\n");
  REQUIRE(::symlink(victim.c_str(), (config + "/known-ledgers.json.tmp").c_str()) == 0);
  ::umask(0);  // the children inherit it: the modes must not depend on the user's umask
  w.Import("alice");
  CHECK(w.Balance("alice") == 100'00);  // pins the ledger in known-ledgers.json
  ::umask(022);
  CHECK(ReadFile(victim) == "precious\n");
  CHECK(ModeOf(config + "/known-ledgers.json") == 0600);
  CHECK(json::parse(ReadFile(config + "/known-ledgers.json")).size() == 1);
  CHECK(ModeOf(keys + "/alice.key") == 0600);
  CHECK(ModeOf(keys) == 0700);
  // No temporary file is left behind (the planted symlink aside).
  REQUIRE(::unlink((config + "/known-ledgers.json.tmp").c_str()) == 0);
  for (const std::string& dir : {config, keys}) {
    CommandResult ls = RunProgram("/bin/ls", {"-A", dir});
    CHECK(ls.out.find(".tmp") == std::string::npos);
  }
}

TEST_CASE("a key file that others may read gets a warning naming the fix",
          "[wallet][e2e][security]") {
  WalletWorld w;
  const std::string file = w.tmp().Join("home/.local/share/liard/keys/alice.key");
  CommandResult quiet = w.Liard({"key", "show", "alice"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.find("WARNING") == std::string::npos);
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  CommandResult loose = w.Liard({"--key", "alice", "balance"});
  CHECK(loose.exit_code == 0);
  CHECK_THAT(loose.err, Catch::Contains("mode 0644") && Catch::Contains("chmod 600 " + file));
}

}  // namespace
}  // namespace liard::e2e

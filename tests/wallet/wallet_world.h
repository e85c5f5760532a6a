// WalletWorld: a ledger, its real liard-node and a wallet home for the real liard binary, shared
// by the wallet's end-to-end tests. HOME and the XDG directories live in a temporary directory.
#ifndef LIARD_TESTS_WALLET_WALLET_WORLD_H_
#define LIARD_TESTS_WALLET_WALLET_WORLD_H_

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "tests/e2e/harness.h"
#include "tests/ledger/fixture.h"

#ifndef LIARD_WALLET_PATH
#error "LIARD_WALLET_PATH must name the liard binary (set by tests/CMakeLists.txt)"
#endif

namespace liard::e2e {

inline constexpr char kPassphrase[] = "une phrase de passe";

// Whether `text` holds `part`.
inline bool Has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The 64 hexadecimal characters of the first operation id a submitting command printed.
inline std::string OperationIn(const std::string& out) {
  static const std::regex kOp("([0-9a-f]{64})");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, kOp));
  return m[1].str();
}

// One demo ledger (liard-node init --demo), or the ledger of `spec` (keys from
// testing::KeyFor), its node, and a wallet home with the keys.
class WalletWorld {
 public:
  explicit WalletWorld(bool import_keys = true, const GenesisSpec* spec = nullptr)
      : data_(tmp_.Join("data")) {
    if (spec == nullptr) {
      CommandResult init = RunNode({"init", "--demo", "--data", data_});
      REQUIRE(init.exit_code == 0);
    } else {
      InitLedger(data_, *spec);
      seeds_ = tmp_.Join("seeds");
      REQUIRE(::mkdir(seeds_.c_str(), 0700) == 0);
      std::vector<std::string> names = spec->board;
      for (const auto& m : spec->members) names.push_back(m.name);
      for (const auto& n : names) WriteFile(SeedFile(n), ToHex(testing::KeyFor(n).seed()) + "\n");
    }
    // A checkpoint after every entry, so that receipts can be tied to one at once.
    WriteFile(tmp_.Join("node.toml"), "[checkpoint]\nevery_entries = 1\nevery_seconds = 1\n");
    node_ = std::make_unique<NodeProcess>(
        data_, std::vector<std::string>{"--config", tmp_.Join("node.toml")});
    node_->Start();
    client_ = std::make_unique<Client>(node_->channel());
    if (import_keys && spec == nullptr)
      for (const char* name : {"alice", "bob", "shop", "office", "association"}) Import(name);
  }

  ProgramOptions Options() const {
    ProgramOptions o;
    o.env = {{"HOME", tmp_.Join("home")},
             {"XDG_CONFIG_HOME", tmp_.Join("home/.config")},
             {"XDG_DATA_HOME", tmp_.Join("home/.local/share")},
             {"XDG_STATE_HOME", tmp_.Join("home/.local/state")},
             {"LIARD_NODE", node_->target()},
             {"LIARD_PASSPHRASE", kPassphrase},
             {"LANG", "en_US.UTF-8"}};
    o.unset_env = {"LC_ALL", "LC_NUMERIC", "LC_MESSAGES", "LANGUAGE", "LIARD_KEY", "NO_COLOR"};
    return o;
  }

  CommandResult Liard(const std::vector<std::string>& args, ProgramOptions o) const {
    return RunProgram(LIARD_WALLET_PATH, args, o, Millis(30'000));
  }
  CommandResult Liard(const std::vector<std::string>& args) const { return Liard(args, Options()); }

  // Runs a command that must succeed; its output.
  std::string Ok(const std::vector<std::string>& args) const {
    CommandResult r = Liard(args);
    INFO("liard " << (args.size() > 2 ? args[2] : "") << "...: " << r.err << r.out);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }

  nlohmann::json Json(const std::vector<std::string>& args) const {
    CommandResult r = Liard(args);
    INFO("liard stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }

  void Import(const std::string& name) {
    // --fast: INTERACTIVE hashing keeps hundreds of unlocks quick; the default has its own test.
    CommandResult r = Liard({"key", "import", name, "--fast", "--seed-file", SeedFile(name)});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }

  // A month of a small currency, as tests/data/bank's statements show it: conversions (one with
  // the bonus), payments, a reconversion, the office's cash banked (REM-0001), the merchant paid
  // (VIR-0077).
  void SmallMonth() const {
    Ok({"--key", "office", "convert", "--member", Address("alice"), "--eur", "10,00", "--programme",
        "demo-bonus", "--yes"});
    Ok({"--key", "office", "convert", "--member", Address("bob"), "--eur", "25,00", "--yes"});
    Ok({"--key", "alice", "pay", Address("shop"), "12,50", "--memo", "pain", "--yes"});
    Ok({"--key", "bob", "pay", Address("shop"), "20,00", "--yes"});
    Ok({"--key", "shop", "reconvert", "30,00", "--yes"});
    Ok({"--key", "association", "deposit", "--office", Address("office"), "--eur", "35,00", "--ref",
        "REM-0001", "--yes"});
    Ok({"--key", "association", "payout", "--merchant", Address("shop"), "--eur", "28,50", "--ref",
        "VIR-0077", "--yes"});
  }

  std::string SeedFile(const std::string& name) const {
    if (!seeds_.empty()) return seeds_ + "/" + name + ".seed";
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
  const std::string& data() const { return data_; }

 private:
  TempDir tmp_;
  std::string data_;
  std::string seeds_;  // seed files of a spec's keys; empty for the demo
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Client> client_;
};

}  // namespace liard::e2e

#endif  // LIARD_TESTS_WALLET_WALLET_WORLD_H_

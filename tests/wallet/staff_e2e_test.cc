// Staff keys and the till (issue 19), end to end: the real `liard` binary against the real
// `liard-node`. A cashier's key made with `key new --for`, added by the shop's own key within a
// scope, allowed and refused by scope, revoked at once; the till summary against the history.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ledger/address.h"
#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"
#include "wallet-cli/session.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

ProgramOptions French(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  return o;
}

// A staff key of the shop: made in this wallet with --for, added by the shop's own key.
std::string NewStaffKey(WalletWorld& w, const std::string& name, const std::string& scope,
                        const std::string& label, const std::string& cap = "") {
  const std::string made = w.Ok({"key", "new", name, "--fast", "--for", w.Address("shop")});
  CHECK(Has(made, "signs for"));
  std::vector<std::string> add = {"--key", "shop",    "staff", "add", "--scope",
                                  scope,   "--label", label,   name,  "--yes"};
  if (!cap.empty()) {
    add.push_back("--refund-cap");
    add.push_back(cap);
  }
  const std::string added = w.Ok(add);
  CHECK(Has(added, "staff key '" + label + "' added to"));
  return w.Json({"key", "show", name, "--json"})["public_key"].get<std::string>();
}

TEST_CASE("staff keys: each scope signs what it may, no scope adds keys, revocation is at once",
          "[wallet][e2e][staff]") {
  WalletWorld w;
  const std::string shop = w.Address("shop"), alice = w.Address("alice");
  w.Ok({"--key", "alice", "pay", shop, "30,00", "--yes"});
  const int64_t start = w.Balance("shop");

  const std::string receive = NewStaffKey(w, "caisse1", "receive", "Caisse 1");
  const std::string refund = NewStaffKey(w, "marie", "refund", "Marie", "50,00");
  NewStaffKey(w, "gerant", "full", "Gérant");

  // A staff key reads its shop's account, and says for whom it acts.
  CommandResult read = w.Liard({"--key", "caisse1", "balance", "--json"});
  INFO(read.err);
  REQUIRE(read.exit_code == 0);
  CHECK(json::parse(read.out)["balance_minor"] == start);
  CHECK(json::parse(read.out)["address"] == shop);
  CHECK(Has(read.err, "key 'caisse1' is a staff key: acting for"));

  // receive and refund never pay out: refused by the ledger, nothing moves.
  for (const char* key : {"caisse1", "marie"}) {
    INFO(key);
    CommandResult pay = w.Liard({"--key", key, "pay", alice, "1,00", "--yes"});
    CHECK(pay.exit_code == 1);
    CHECK(Has(pay.err, "scope does not allow this operation"));
    CommandResult reconvert = w.Liard({"--key", key, "reconvert", "1,00", "--yes"});
    CHECK(reconvert.exit_code == 1);
    CHECK(Has(reconvert.err, "scope does not allow this operation"));
  }
  // (pay is not previewed: its refusal is the node's KEY_SCOPE; reconvert's is the preview's.)
  CHECK(w.Balance("shop") == start);
  // full pays, as the owner would.
  w.Ok({"--key", "gerant", "pay", alice, "2,00", "--yes"});
  CHECK(w.Balance("shop") == start - 200);

  // No scope adds or revokes keys.
  w.Ok({"key", "new", "intrus", "--fast", "--for", shop});
  for (const char* key : {"caisse1", "marie", "gerant"}) {
    INFO(key);
    CommandResult add = w.Liard({"--key", key, "staff", "add", "--scope", "receive", "--label",
                                 "Intrus", "intrus", "--yes"});
    CHECK(add.exit_code == 1);
    CHECK(Has(add.err, "scope does not allow this operation"));
    CommandResult rev = w.Liard({"--key", key, "staff", "revoke", "Caisse 1", "--yes"});
    CHECK(rev.exit_code == 1);
  }

  // The list: labels, scopes, the cap, all active.
  json list = w.Json({"--key", "shop", "staff", "list", "--json"});
  REQUIRE(list["staff_keys"].size() == 3);
  CHECK(list["staff_keys"][0]["label"] == "Caisse 1");
  CHECK(list["staff_keys"][0]["scope"] == "receive");
  CHECK(list["staff_keys"][0]["key"] == receive);
  CHECK(list["staff_keys"][1]["scope"] == "refund");
  CHECK(list["staff_keys"][1]["refund_cap_per_day_minor"] == 5000);
  CHECK(list["staff_keys"][1]["key"] == refund);
  CHECK(list["staff_keys"][2]["label"] == "Gérant");
  for (const auto& k : list["staff_keys"]) CHECK(k["active"] == true);
  const std::string table = w.Ok({"--key", "shop", "staff", "list"});
  CHECK(Has(table, "Caisse 1"));
  CHECK(Has(table, "50.00 ROUE"));
  const std::string fr = w.Liard({"--key", "shop", "staff", "list"}, French(w)).out;
  CHECK(Has(fr, "LIBELLÉ"));
  CHECK(Has(fr, "encaissement"));
  CHECK(Has(fr, "50,00\u00a0ROUE"));

  // Revoked: the next operation and the next read are refused; the owner's key goes on.
  const std::string revoked = w.Ok({"--key", "shop", "staff", "revoke", "Gérant", "--yes"});
  CHECK(Has(revoked, "staff key 'Gérant' of"));
  CommandResult pay = w.Liard({"--key", "gerant", "pay", alice, "1,00", "--yes"});
  CHECK(pay.exit_code == 1);
  CHECK(Has(pay.err, "revoked"));
  CommandResult balance = w.Liard({"--key", "gerant", "balance"});
  CHECK(balance.exit_code == 1);
  CHECK(Has(balance.err, "is not an active staff key of"));
  CHECK(w.Balance("shop") == start - 200);
  w.Ok({"--key", "shop", "pay", alice, "1,00", "--yes"});
  CHECK(w.Balance("shop") == start - 300);
  CHECK(w.Liard({"--key", "caisse1", "balance"}).exit_code == 0);
  list = w.Json({"--key", "shop", "staff", "list", "--json"});
  CHECK(list["staff_keys"][2]["active"] == false);
  CHECK(list["staff_keys"][2]["revoked_ms"].get<int64_t>() > 0);
  // Revoked once is revoked for ever.
  CommandResult again = w.Liard(
      {"--key", "shop", "staff", "add", "--scope", "full", "--label", "Gérant", "gerant", "--yes"});
  CHECK(again.exit_code == 1);
  CHECK(Has(again.err, "already the account's own key or one of its staff keys"));

  // The shop's history says which key was added and revoked, in its language.
  const std::string history = w.Ok({"--key", "shop", "history"});
  CHECK(
      Has(history, "staff key « Caisse 1 » added (" + receive.substr(0, 16) + "…), scope receive"));
  CHECK(Has(history, "scope refund, up to 50.00 ROUE a day"));
  CHECK(Has(history, "revoked"));
  const std::string historique = w.Liard({"--key", "shop", "history"}, French(w)).out;
  CHECK(Has(historique, "clé de caisse « Marie » ajoutée"));
  CHECK(Has(historique, "jusqu'à 50,00\u00a0ROUE par jour"));
  CHECK(Has(historique, "révoquée"));
  const nlohmann::json entries = w.Json({"--key", "shop", "history", "--json"})["entries"];
  bool detailed = false;
  for (const auto& e : entries)
    detailed = detailed || Has(e.value("detail", std::string()), "staff key " + receive);
  CHECK(detailed);
}

TEST_CASE("staff add refuses a bad scope, cap or label before anything is signed",
          "[wallet][e2e][staff]") {
  WalletWorld w;
  w.Ok({"key", "new", "caisse1", "--fast", "--for", w.Address("shop")});
  const uint64_t head = w.Head();
  auto usage = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"--key", "shop", "staff", "add"};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back("--yes");
    CommandResult r = w.Liard(all);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    return r.err;
  };
  CHECK(Has(usage({"--scope", "owner", "--label", "x", "caisse1"}),
            "--scope must be receive, refund or full"));
  CHECK(Has(usage({"--scope", "refund", "--label", "x", "caisse1"}), "needs --refund-cap"));
  CHECK(Has(usage({"--scope", "receive", "--refund-cap", "5,00", "--label", "x", "caisse1"}),
            "--refund-cap is for a staff key of scope refund only"));
  CHECK(Has(usage({"--scope", "receive", "--label", std::string(65, 'x'), "caisse1"}),
            "--label must be 1 to 64 bytes"));
  (void)usage({"--scope", "receive", "--label", "x", "roue1qqqq"});  // not an address
  CHECK(w.Head() == head);
  // A resident has no staff: the ledger says so.
  CommandResult resident = w.Liard({"--key", "alice", "staff", "add", "--scope", "receive",
                                    "--label", "phone", "caisse1", "--yes"});
  CHECK(resident.exit_code == 1);
  CHECK(w.Head() == head);
}

TEST_CASE("the till summary of a day equals the history's payments and refunds, by key",
          "[wallet][e2e][staff][till]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  w.Ok({"--key", "alice", "pay", shop, "12,50", "--memo", "pain", "--yes"});
  w.Ok({"--key", "bob", "pay", shop, "7,25", "--yes"});
  w.Ok({"--key", "shop", "pay", w.Address("alice"), "1,00", "--yes"});  // not a till payment
  NewStaffKey(w, "caisse1", "receive", "Caisse 1");

  // What the history says of today.
  json history = w.Json({"--key", "shop", "history", "--json", "--limit", "500"});
  int64_t payments = 0, received = 0, refunds = 0, refunded = 0;
  for (const auto& e : history["entries"]) {
    if (e["type"] == "transfer" && e["direction"] == "in") {
      ++payments;
      received += e["amount_minor"].get<int64_t>();
    }
    if (e["type"] == "refund" && e["direction"] == "out") {
      ++refunds;
      refunded -= e["amount_minor"].get<int64_t>();
    }
  }
  REQUIRE(payments == 2);
  REQUIRE(received == 1975);

  for (const char* key : {"shop", "caisse1"}) {  // the cashier sees the same till
    INFO(key);
    json till = w.Json({"--key", key, "till", "summary", "--json"});
    CHECK(till["address"] == shop);
    CHECK(till["time_zone"] == "Europe/Paris");
    CHECK(till["payments"] == payments);
    CHECK(till["received_minor"] == received);
    CHECK(till["refunds"] == refunds);
    CHECK(till["refunded_minor"] == refunded);
    CHECK(till["net_minor"] == received - refunded);
    REQUIRE(till["by_key"].size() == 1);  // paid without a request: one line
    CHECK(till["by_key"][0]["key"] == "");
    CHECK(till["by_key"][0]["payments"] == 2);
    CHECK(till["by_key"][0]["received_minor"] == received);
  }
  const std::string en = w.Ok({"--key", "shop", "till", "summary"});
  CHECK(Has(en, "payments received"));
  CHECK(Has(en, "19.75 ROUE"));
  CHECK(Has(en, "(payments without a request)"));
  CommandResult fr = w.Liard({"--key", "shop", "till", "summary"}, French(w));
  REQUIRE(fr.exit_code == 0);
  CHECK(Has(fr.out, "paiements reçus"));
  CHECK(Has(fr.out, "19,75\u00a0ROUE"));

  // Another day: nothing. A day that is not one: a usage error.
  json before = w.Json({"--key", "shop", "till", "summary", "--day", "01/01/2020", "--json"});
  CHECK(before["day"] == "2020-01-01");
  CHECK(before["payments"] == 0);
  CHECK(before["received_minor"] == 0);
  CHECK(w.Liard({"--key", "shop", "till", "summary", "--day", "31/02/2026"}).exit_code == 2);
}

// The test process runs the wallet's own code in the environment the liard binary gets, for as
// long as it lives.
class WalletEnvironment {
 public:
  explicit WalletEnvironment(const ProgramOptions& o) {
    for (const auto& [name, value] : o.env) Set(name, value.c_str());
    for (const auto& name : o.unset_env) Set(name, nullptr);
  }
  ~WalletEnvironment() {
    for (const auto& [name, value] : before_)
      value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
  }
  WalletEnvironment(const WalletEnvironment&) = delete;
  WalletEnvironment& operator=(const WalletEnvironment&) = delete;

 private:
  void Set(const std::string& name, const char* value) {
    const char* old = std::getenv(name.c_str());
    before_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    value ? setenv(name.c_str(), value, 1) : unsetenv(name.c_str());
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> before_;
};

TEST_CASE(
    "staff keys: when the owner takes the sequence a till had read, the till's operation is "
    "signed again with the next one and lands once",
    "[wallet][e2e][staff]") {
  WalletWorld w;
  const std::string shop = w.Address("shop"), alice = w.Address("alice");
  w.Ok({"--key", "alice", "pay", shop, "50,00", "--yes"});
  NewStaffKey(w, "caisse", "full", "Caisse");
  const int64_t start = w.Balance("shop");

  // The till's wallet (the wallet's own code, in this process) reads the sequence and prepares
  // its payment; before it signs, the owner's payment (the liard binary) takes that sequence.
  WalletEnvironment env(w.Options());
  wallet::GlobalOptions options;
  options.key = "caisse";
  wallet::Session till(options);
  REQUIRE(till.Init().ok());
  REQUIRE(till.Connect().ok());
  AccountId to;
  REQUIRE(DecodeAddress("ROUE", alice, &to).ok());
  wallet::Prepared p;
  REQUIRE(till.Prepare(Transfer{to, Amount(1'00), "till", std::nullopt}, &p).ok());
  const uint64_t read = p.op.sequence;
  w.Ok({"--key", "shop", "pay", alice, "2,00", "--memo", "owner", "--yes"});

  pb::SubmitResponse response;
  bool declined = true;
  const wallet::CliStatus s = till.ConfirmAndSubmit(p, "pay?", true, &response, &declined);
  INFO(s.message());
  REQUIRE(s.ok());
  CHECK_FALSE(declined);
  CHECK(response.duplicate() == false);
  // The owner's payment took `read`; the till's landed with the next.
  const nlohmann::json history = w.Json({"--key", "shop", "history", "--json", "--limit", "10"});
  std::vector<std::string> memos;
  for (const auto& e : history["entries"]) memos.push_back(e["memo"].get<std::string>());
  CHECK(std::count(memos.begin(), memos.end(), "till") == 1);
  CHECK(std::count(memos.begin(), memos.end(), "owner") == 1);
  CHECK(w.Json({"--key", "shop", "account", "show", shop, "--json"})["sequence"] == read + 1);
  CHECK(w.Balance("shop") == start - 3'00);
}

}  // namespace
}  // namespace liard::e2e

// Config and genesis files: the contract's examples are accepted, and every kind of mistake an
// operator makes is refused with a message that names it.
#include "node/config.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "ledger/address.h"
#include "ledger/crypto.h"
#include "node/demo.h"

namespace liard::node {
namespace {

using Catch::Matchers::Contains;

PublicKey KeyOf(std::string_view name) {
  Hash h = Sha256({"liard-config-test/", name});
  Seed seed;
  seed.data = h.data;
  return KeyPair::FromSeed(seed).public_key();
}

std::string Hex(std::string_view name) { return ToHex(KeyOf(name)); }

// The contract's example, with real keys: the board key in hex, one account by address.
std::string ExampleGenesis() {
  return R"([currency]
code = "ROUE"
name = "la Roue"
decimals = 2
par = "1/1"
created_at_ms = 1700000000000

[board]
keys = [")" +
         Hex("board") + R"("]
threshold = 1

[fund]
opening = "150.00"

[rules]
backing = "1/1"

[[accounts]]
key = ")" +
         Hex("alice") + R"("
kind = "resident"
name = "Alice Martin"
opening_balance = "100.00"

[[accounts]]
key = ")" +
         EncodeAddress("ROUE", KeyOf("shop")) + R"("
kind = "merchant"
name = "Boulangerie du Rhône"
opening_balance = "50,00"

[[accounts]]
key = ")" +
         Hex("association") + R"("
kind = "association"
name = "Association la Roue"
)";
}

// Replaces the first occurrence of `from` in `text`.
std::string Replace(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

// Replaces the first occurrence of `from` in the example: one mistake at a time.
std::string ExampleWith(std::string_view from, std::string_view to) {
  return Replace(ExampleGenesis(), from, to);
}

Status Parse(const std::string& text, Genesis* g) {
  return ParseGenesis(text, "genesis.toml", /*now_ms=*/42, g);
}

// Parses expecting a refusal; returns its message.
std::string GenesisError(const std::string& text) {
  Genesis g;
  Status s = Parse(text, &g);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == Code::kInvalidArgument);
  return s.message();
}

std::string ConfigError(const std::string& text) {
  NodeConfig c;
  Status s = ParseConfig(text, "node.toml", &c);
  REQUIRE_FALSE(s.ok());
  return s.message();
}

TEST_CASE("the contract's genesis example parses into the genesis it describes",
          "[node][config][genesis]") {
  Genesis g;
  Status s = Parse(ExampleGenesis(), &g);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(g.currency_code == "ROUE");
  CHECK(g.currency_name == "la Roue");
  CHECK(g.decimals == 2);
  CHECK(g.par_num == 1);
  CHECK(g.par_den == 1);
  CHECK(g.created_at_ms == 1700000000000);
  REQUIRE(g.board_keys.size() == 1);
  CHECK(g.board_keys[0] == KeyOf("board"));
  CHECK(g.board_threshold == 1);
  CHECK(g.opening_fund == Amount(15000));
  CHECK(g.rules.backing_num == 1);
  CHECK(g.rules.backing_den == 1);
  REQUIRE(g.accounts.size() == 3);
  CHECK(g.accounts[0].id == KeyOf("alice"));
  CHECK(g.accounts[0].kind == AccountKind::kResident);
  CHECK(g.accounts[0].name == "Alice Martin");
  CHECK(g.accounts[0].opening_balance == Amount(10000));
  // An address is as good as a hex key, and "50,00" as good as "50.00".
  CHECK(g.accounts[1].id == KeyOf("shop"));
  CHECK(g.accounts[1].kind == AccountKind::kMerchant);
  CHECK(g.accounts[1].opening_balance == Amount(5000));
  CHECK(g.accounts[2].kind == AccountKind::kAssociation);
  CHECK(g.accounts[2].opening_balance == Amount(0));
}

TEST_CASE("optional genesis keys take their documented defaults", "[node][config][genesis]") {
  std::string text = R"([currency]
code = "GONETTE"
name = "la Gonette"
decimals = 2

[board]
keys = [")" + Hex("b1") +
                     R"(", ")" + Hex("b2") + R"(", ")" + Hex("b3") + R"("]
threshold = 2

[fund]
opening = "0"
)";
  Genesis g;
  Status s = Parse(text, &g);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(g.par_num == 1);
  CHECK(g.par_den == 1);
  CHECK(g.rules.backing_num == 1);
  CHECK(g.rules.backing_den == 1);
  CHECK(g.created_at_ms == 42);  // "now", as given by the caller
  CHECK(g.time_zone == "Europe/Paris");
  CHECK(g.rules.default_programme.empty());
  CHECK(g.board_threshold == 2);
  CHECK(g.accounts.empty());
  CHECK(g.opening_fund == Amount(0));
}

TEST_CASE("a genesis names its time zone and default programme, or is refused naming the line",
          "[node][config][genesis][time-zone]") {
  Genesis g;
  Status s = Parse(ExampleWith("decimals = 2", "decimals = 2\ntime_zone = \"Indian/Reunion\"") +
                       "\n[[programmes]]\nname = \"agglo\"\nratio = \"12/10\"\n",
                   &g);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(g.time_zone == "Indian/Reunion");
  s = Parse(ExampleWith("backing = \"1/1\"", "backing = \"1/1\"\ndefault_programme = \"agglo\"") +
                "\n[[programmes]]\nname = \"agglo\"\nratio = \"12/10\"\n",
            &g);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(g.rules.default_programme == "agglo");
  CHECK(GenesisError(ExampleWith("decimals = 2", "decimals = 2\ntime_zone = \"Paris\"")) ==
        "genesis.toml:5: [currency] time_zone \"Paris\" is not a time zone of the IANA "
        "database, such as \"Europe/Paris\"");
  CHECK_THAT(GenesisError(ExampleWith("decimals = 2", "decimals = 2\ntime_zone = 1")),
             Contains("genesis.toml:5:") && Contains("[currency] time_zone must be a string"));
  CHECK_THAT(GenesisError(ExampleWith("backing = \"1/1\"",
                                      "backing = \"1/1\"\ndefault_programme = \"agglo\"")),
             Contains("the default programme 'agglo' is not one of the rules' programmes"));
}

TEST_CASE("a genesis with an unknown key is refused with the key's name and line",
          "[node][config][genesis]") {
  CHECK_THAT(GenesisError(ExampleWith("decimals = 2", "decimals = 2\ncolour = \"blue\"")),
             Contains("genesis.toml:5:") && Contains("unknown key 'colour' in [currency]"));
  CHECK_THAT(GenesisError(ExampleWith("[fund]", "[funds]")),
             Contains("unknown key 'funds' at the top level"));
  CHECK_THAT(GenesisError(ExampleWith("opening_balance = \"100.00\"",
                                      "opening_balance = \"100.00\"\nopening_balanse = \"1\"")),
             Contains("unknown key 'opening_balanse' in [[accounts]] entry 1"));
  CHECK_THAT(GenesisError(ExampleWith("threshold = 1", "threshold = 1\nquorum = 1")),
             Contains("unknown key 'quorum' in [board]"));
}

TEST_CASE("a genesis account of an unknown kind is refused with the kinds allowed",
          "[node][config][genesis]") {
  std::string m = GenesisError(ExampleWith("kind = \"merchant\"", "kind = \"shopkeeper\""));
  CHECK_THAT(m, Contains("genesis.toml:26:"));
  CHECK_THAT(m, Contains("[[accounts]] entry 2 kind \"shopkeeper\""));
  CHECK_THAT(m, Contains("resident, merchant, exchange-office, municipality, association"));
}

TEST_CASE("genesis amounts are parsed exactly and a third decimal is refused",
          "[node][config][genesis]") {
  std::string m =
      GenesisError(ExampleWith("opening_balance = \"100.00\"", "opening_balance = \"12.505\""));
  CHECK_THAT(m, Contains("genesis.toml:22:"));
  CHECK_THAT(m, Contains("opening_balance \"12.505\" is not an amount of ROUE"));
  CHECK_THAT(GenesisError(ExampleWith("opening = \"150.00\"", "opening = \"-5\"")),
             Contains("[fund] opening \"-5\" is not an amount of euros"));
  CHECK_THAT(GenesisError(ExampleWith("opening = \"150.00\"", "opening = \"1e3\"")),
             Contains("\"1e3\""));
  // Floating point never carries money, not even when the file is written that way.
  CHECK_THAT(GenesisError(ExampleWith("opening = \"150.00\"", "opening = 150.00")),
             Contains("[fund] opening must be a string, not a floating-point number"));
}

TEST_CASE("a genesis key that is not a key is refused with what is wrong with it",
          "[node][config][genesis]") {
  std::string short_hex = Hex("alice").substr(1);
  CHECK_THAT(GenesisError(ExampleWith(Hex("alice"), short_hex)),
             Contains("[[accounts]] entry 1 key is 63 hex characters; a public key is 64"));
  CHECK_THAT(GenesisError(ExampleWith(Hex("board"), "zz" + Hex("board").substr(2))),
             Contains("[board] keys entry 1 is neither 64 hex characters"));
  // An address of another currency is refused too.
  CHECK_THAT(GenesisError(ExampleWith(EncodeAddress("ROUE", KeyOf("shop")),
                                      EncodeAddress("EUSKO", KeyOf("shop")))),
             Contains("[[accounts]] entry 2 key is neither"));
  CHECK_THAT(GenesisError(ExampleWith(Hex("association"), Hex("alice"))),
             Contains("[[accounts]] entry 3 has the same key as an earlier account"));
}

TEST_CASE("a board threshold above the board size is refused", "[node][config][genesis]") {
  std::string m = GenesisError(ExampleWith("threshold = 1", "threshold = 3"));
  CHECK_THAT(m, Contains("genesis.toml:10:"));
  CHECK_THAT(m, Contains("[board] threshold 3 is more than the 1 board key"));
  CHECK_THAT(GenesisError(ExampleWith("threshold = 1", "threshold = 0")),
             Contains("[board] threshold 0 must be at least 1"));
}

TEST_CASE("a genesis with wrong types, missing keys or bad TOML says which",
          "[node][config][genesis]") {
  CHECK_THAT(GenesisError(ExampleWith("decimals = 2", "decimals = \"2\"")),
             Contains("[currency] decimals must be an integer, not a string"));
  CHECK_THAT(GenesisError(ExampleWith("name = \"la Roue\"\n", "")),
             Contains("[currency] name is missing"));
  CHECK_THAT(GenesisError(ExampleWith("[fund]\nopening = \"150.00\"\n", "")),
             Contains("fund is missing"));
  CHECK_THAT(GenesisError(ExampleWith("par = \"1/1\"", "par = \"1/0\"")),
             Contains("[currency] par \"1/0\" must be a ratio"));
  CHECK_THAT(GenesisError(ExampleWith("code = \"ROUE\"", "code = \"ROUE")),
             Contains("genesis.toml:2:") && Contains("not valid TOML"));
  // Checked by the core's ValidateGenesis, reported with the file name.
  CHECK_THAT(GenesisError(ExampleWith("code = \"ROUE\"", "code = \"roue\"")),
             Contains("genesis.toml: currency code must be 2 to 12 of A-Z"));
  CHECK_THAT(GenesisError(ExampleWith("backing = \"1/1\"", "backing = \"1/2\"")),
             Contains("backing must be a ratio of at least 100 %"));
}

TEST_CASE("a genesis file that cannot be read is an I/O error naming the path",
          "[node][config][genesis]") {
  Genesis g;
  Status s = LoadGenesisFile("/nonexistent/genesis.toml", 0, &g);
  CHECK(s.code() == Code::kIOError);
  CHECK_THAT(s.message(), Contains("/nonexistent/genesis.toml"));
}

TEST_CASE("a genesis sets the money rules and bonus programmes as data",
          "[node][config][genesis]") {
  std::string text = Replace(ExampleGenesis(), "[rules]\nbacking = \"1/1\"\n", R"([rules]
backing = "1/1"
conversion_min = "1,00"
conversion_max = "500.00"
conversion_kinds = ["resident", "merchant"]
office_cash_ceiling = "2000,00"
reconversion_fee = "5/100"
reconversion_min = "10.00"

[[programmes]]
name = "agglo-2026"
sponsor = "Grand Avignon"
ratio = "12/10"
rounding = "down"
monthly_cap = "30.00"
member_kinds = ["resident", "municipality"]
budget = "5000.00"
starts = 2026-01-01
ends = 2027-01-01T00:00:00+01:00

[[programmes]]
name = "marche"
ratio = "11/10"
rounding = "nearest"
step = "1.00"
min_euros = "5.00"
)");
  Genesis g;
  Status s = Parse(text, &g);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(g.rules.conversion.min_euros == 100);
  CHECK(g.rules.conversion.max_euros == 50'000);
  CHECK(g.rules.conversion.member_kinds ==
        (KindBit(AccountKind::kResident) | KindBit(AccountKind::kMerchant)));
  CHECK(g.rules.conversion.office_cash_ceiling == 200'000);
  CHECK(g.rules.reconversion.fee_num == 5);
  CHECK(g.rules.reconversion.fee_den == 100);
  CHECK(g.rules.reconversion.min_units == 1'000);
  REQUIRE(g.rules.programmes.size() == 2);
  const Programme& a = g.rules.programmes[0];
  CHECK(a.sponsor == "Grand Avignon");
  CHECK(a.ratio_num == 12);
  CHECK(a.ratio_den == 10);
  CHECK(a.monthly_cap == 3'000);
  CHECK(a.opening_budget == 500'000);
  CHECK(a.member_kinds == (KindBit(AccountKind::kResident) | KindBit(AccountKind::kMunicipality)));
  CHECK(a.starts_ms == 1'767'225'600'000);  // 2026-01-01T00:00:00Z
  CHECK(a.ends_ms == 1'798'758'000'000);    // 2026-12-31T23:00:00Z
  const Programme& m = g.rules.programmes[1];
  CHECK(m.rounding == Rounding::kNearest);
  CHECK(m.step == 100);
  CHECK(m.min_euros == 500);
  CHECK(m.ends_ms == 0);

  CHECK_THAT(GenesisError(Replace(text, "rounding = \"nearest\"", "rounding = \"half\"")),
             Contains("rounding \"half\" is not one of: down, up, nearest"));
  CHECK_THAT(GenesisError(Replace(text, "ratio = \"11/10\"", "ratio = \"9/10\"")),
             Contains("ratio must be at least 1/1"));
  CHECK_THAT(GenesisError(Replace(text, "starts = 2026-01-01", "starts = 2026-01-01T00:00:00")),
             Contains("with its offset"));
  CHECK_THAT(GenesisError(Replace(text, "name = \"marche\"", "name = \"agglo-2026\"")),
             Contains("listed twice"));
  CHECK_THAT(GenesisError(Replace(text, "budget = ", "budjet = ")),
             Contains("unknown key 'budjet'"));
  CHECK_THAT(
      GenesisError(Replace(text, "reconversion_fee = \"5/100\"", "reconversion_fee = \"5%\"")),
      Contains("reconversion_fee"));
  // An office never converts for an office or the association, whatever the file says.
  CHECK_THAT(GenesisError(Replace(text, "[\"resident\", \"merchant\"]",
                                  "[\"resident\", \"exchange-office\"]")),
             Contains("conversion_kinds entries must be among: resident, merchant, municipality"));
  CHECK_THAT(GenesisError(Replace(text, "\"2000,00\"", "\"-1.00\"")),
             Contains("office_cash_ceiling"));
}

TEST_CASE("the contract's config example parses, and an empty config is all defaults",
          "[node][config]") {
  NodeConfig defaults;
  Status s = ParseConfig("", "node.toml", &defaults);
  REQUIRE(s.ok());
  CHECK(defaults.listen == "127.0.0.1:7421");
  CHECK(defaults.max_message_bytes == 4194304);
  CHECK(defaults.checkpoint_every_entries == 1000);
  CHECK(defaults.checkpoint_every_seconds == 10);
  CHECK(defaults.log_level == "info");
  CHECK(defaults.max_connections == 0);
  CHECK(defaults.max_connections_per_peer == 64);
  CHECK(defaults.max_streams == 1000);
  CHECK(defaults.max_streams_per_peer == 16);
  CHECK(defaults.verify_threads == 0);
  CHECK(defaults.reflection);
  CHECK(defaults.clock_tolerance_seconds == 300);
  CHECK(defaults.clock_max_gap_days == 31);

  NodeConfig c;
  s = ParseConfig(R"([server]
listen = "0.0.0.0:9000"
max_message_bytes = 1048576
reflection = false
[checkpoint]
every_entries = 50
every_seconds = 2
[log]
level = "debug"
[limits]
max_connections = 500
max_connections_per_peer = 8
max_streams = 100
max_streams_per_peer = 4
verify_threads = 2
[clock]
tolerance_seconds = 60
max_gap_days = 7
)",
                  "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.listen == "0.0.0.0:9000");
  CHECK(c.max_message_bytes == 1048576);
  CHECK(c.checkpoint_every_entries == 50);
  CHECK(c.checkpoint_every_seconds == 2);
  CHECK(c.log_level == "debug");
  CHECK(!c.reflection);
  CHECK(c.max_connections == 500);
  CHECK(c.max_connections_per_peer == 8);
  CHECK(c.max_streams == 100);
  CHECK(c.max_streams_per_peer == 4);
  CHECK(c.verify_threads == 2);
  CHECK(c.clock_tolerance_seconds == 60);
  CHECK(c.clock_max_gap_days == 7);
}

TEST_CASE("a config with an unknown key, a wrong type or a bad value is refused",
          "[node][config]") {
  CHECK_THAT(ConfigError("[server]\nlisten = \"127.0.0.1:1\"\nport = 7421\n"),
             Contains("node.toml:3:") && Contains("unknown key 'port' in [server]"));
  CHECK_THAT(ConfigError("[storage]\npath = \"x\"\n"),
             Contains("unknown key 'storage' at the top level"));
  CHECK_THAT(ConfigError("[server]\nmax_message_bytes = \"4MB\"\n"),
             Contains("[server] max_message_bytes must be an integer, not a string"));
  CHECK_THAT(ConfigError("[server]\nmax_message_bytes = 0\n"),
             Contains("[server] max_message_bytes 0 must be between"));
  CHECK_THAT(ConfigError("[checkpoint]\nevery_entries = 0\n"),
             Contains("[checkpoint] every_entries 0 must be between 1"));
  CHECK_THAT(ConfigError("[log]\nlevel = \"verbose\"\n"),
             Contains("[log] level \"verbose\" must be one of trace, debug, info, warn, error"));
  CHECK_THAT(ConfigError("[server]\nlisten = \"localhost\"\n"),
             Contains("node.toml:2:") && Contains("\"localhost\" has no port"));
  CHECK_THAT(ConfigError("server = 1\n"), Contains("server must be a table, not an integer"));
  CHECK_THAT(ConfigError("[limits]\nmax_streams = 0\n"),
             Contains("node.toml:2:") && Contains("[limits] max_streams 0 must be between 1 and"));
  CHECK_THAT(ConfigError("[limits]\nmax_conections = 10\n"),
             Contains("unknown key 'max_conections' in [limits]"));
  CHECK_THAT(ConfigError("[clock]\ntolerance_seconds = 0\n"),
             Contains("[clock] tolerance_seconds 0 must be between 1 and"));
  CHECK_THAT(ConfigError("[server]\nreflection = 1\n"),
             Contains("[server] reflection must be a boolean, not an integer"));
}

TEST_CASE("[web] is off by default, and its keys are read and checked", "[node][config][web]") {
  NodeConfig defaults;
  REQUIRE(ParseConfig("", "node.toml", &defaults).ok());
  CHECK(defaults.web_listen.empty());
  CHECK(defaults.web_root.empty());
  CHECK(defaults.web_allowed_origins.empty());
  CHECK(defaults.web_max_connections == 64);
  CHECK(defaults.web_max_connections_per_peer == 16);
  CHECK(defaults.web_max_streams == 32);

  NodeConfig c;
  Status s = ParseConfig(R"([web]
listen = "127.0.0.1:7480"
root = "build/web/dist"
allowed_origins = ["https://roue.example.org", "http://localhost:8080"]
max_connections = 32
max_connections_per_peer = 4
max_streams = 8
)",
                         "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.web_listen == "127.0.0.1:7480");
  CHECK(c.web_root == "build/web/dist");
  CHECK(c.web_allowed_origins ==
        std::vector<std::string>{"https://roue.example.org", "http://localhost:8080"});
  CHECK(c.web_max_connections == 32);
  CHECK(c.web_max_connections_per_peer == 4);
  CHECK(c.web_max_streams == 8);

  CHECK_THAT(ConfigError("[web]\nlisten = \"7480\"\n"),
             Contains("node.toml:2:") && Contains("has no port"));
  CHECK_THAT(ConfigError("[web]\nallowed_origins = [\"roue.example.org\"]\n"),
             Contains("node.toml:2:") && Contains("scheme, host and port only"));
  CHECK_THAT(ConfigError("[web]\nallowed_origins = [\"https://roue.example.org/\"]\n"),
             Contains("scheme, host and port only"));
  CHECK_THAT(ConfigError("[web]\nallowed_origins = [1]\n"), Contains("scheme, host and port only"));
  CHECK_THAT(ConfigError("[web]\nmax_connections = 8\nmax_streams = 8\n"),
             Contains("[web] max_streams 8 must be less than max_connections 8"));
  CHECK_THAT(ConfigError("[web]\nmax_connections = 1\n"),
             Contains("[web] max_connections 1 must be between 4 and"));
  CHECK_THAT(ConfigError("[web]\nport = 7480\n"), Contains("unknown key 'port' in [web]"));
}

TEST_CASE("a genesis sets per-kind limits in units, one entry per kind",
          "[node][config][genesis]") {
  const std::string limits = R"(
[[limits]]
kind = "resident"
max_payment = "150.00"
daily_outgoing = "300,00"
balance_ceiling = "2000"

[[limits]]
kind = "merchant"
balance_ceiling = "50000.00"
)";
  Genesis g;
  Status s = Parse(ExampleGenesis() + limits, &g);
  INFO(s.ToString());
  REQUIRE(s.ok());
  REQUIRE(g.rules.limits.size() == 2);
  const KindLimits* r = g.rules.LimitsFor(AccountKind::kResident);
  REQUIRE(r != nullptr);
  CHECK(r->max_payment == 150'00);
  CHECK(r->daily_outgoing == 300'00);
  CHECK(r->balance_ceiling == 2000'00);
  const KindLimits* m = g.rules.LimitsFor(AccountKind::kMerchant);
  REQUIRE(m != nullptr);
  CHECK(m->max_payment == 0);  // absent: no limit
  CHECK(m->balance_ceiling == 50000'00);

  CHECK_THAT(GenesisError(ExampleGenesis() + "\n[[limits]]\nkind = \"resident\"\n[[limits]]\n"
                                             "kind = \"resident\"\n"),
             Contains("[[limits]] entry 2 repeats the kind \"resident\""));
  CHECK_THAT(GenesisError(ExampleGenesis() + "\n[[limits]]\nkind = \"shop\"\n"),
             Contains("[[limits]] entry 1 kind \"shop\" is not one of"));
  CHECK_THAT(GenesisError(ExampleGenesis() + "\n[[limits]]\nkind = \"resident\"\nmax_payment = "
                                             "150.0\n"),
             Contains("max_payment must be a string"));
  CHECK_THAT(GenesisError(ExampleGenesis() + "\n[[limits]]\nkind = \"resident\"\n"
                                             "daily_limit = \"1\"\n"),
             Contains("unknown key 'daily_limit' in [[limits]] entry 1"));
}

TEST_CASE("[tls] takes the certificate and key paths together, or neither", "[node][config][tls]") {
  NodeConfig c;
  Status s = ParseConfig("[tls]\ncert = \"/etc/liard/node.crt\"\nkey = \"/etc/liard/node.key\"\n",
                         "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.tls_cert_file == "/etc/liard/node.crt");
  CHECK(c.tls_key_file == "/etc/liard/node.key");
  NodeConfig none;
  REQUIRE(ParseConfig("", "node.toml", &none).ok());
  CHECK(none.tls_cert_file.empty());
  CHECK(none.tls_key_file.empty());

  CHECK_THAT(ConfigError("[tls]\ncert = \"a.crt\"\n"),
             Contains("node.toml:2:") && Contains("[tls] cert is set but key is not"));
  CHECK_THAT(ConfigError("[tls]\nkey = \"a.key\"\n"),
             Contains("node.toml:2:") && Contains("[tls] key is set but cert is not"));
  CHECK_THAT(ConfigError("[tls]\ncert = \"\"\nkey = \"a.key\"\n"),
             Contains("[tls] cert must not be empty"));
  CHECK_THAT(ConfigError("[tls]\ncert = \"a\"\nkey = \"b\"\nclient_ca = \"c\"\n"),
             Contains("node.toml:4:") && Contains("unknown key 'client_ca' in [tls]"));
  CHECK_THAT(ConfigError("[tls]\ncert = 1\nkey = \"b\"\n"),
             Contains("[tls] cert must be a string"));
}

TEST_CASE("TLS files that cannot be read or are not PEM are refused naming the file",
          "[node][config][tls]") {
  NodeConfig c;
  c.tls_cert_file = "/nonexistent/liard/node.crt";
  c.tls_key_file = "/nonexistent/liard/node.key";
  std::string cert, key;
  Status s = ReadTlsFiles(c, &cert, &key);
  CHECK(s.code() == Code::kIOError);
  CHECK_THAT(s.message(), Contains("[tls] cert: cannot read /nonexistent/liard/node.crt"));
}

TEST_CASE("listen addresses are HOST:PORT with a real host and port", "[node][config]") {
  for (const char* good : {"127.0.0.1:0", "127.0.0.1:7421", "0.0.0.0:65535", "[::1]:7421",
                           "localhost:7421", "node-1.example.org:443"}) {
    INFO(good);
    CHECK(ValidateListenAddress(good).ok());
  }
  struct Bad {
    const char* address;
    const char* why;
  };
  for (const Bad& bad :
       {Bad{"localhost", "has no port"}, Bad{":7421", "has no host"},
        Bad{"127.0.0.1:", "no valid port"}, Bad{"127.0.0.1:65536", "above 65535"},
        Bad{"127.0.0.1:http", "no valid port"}, Bad{"127.0.0.300:1", "invalid IPv4"},
        Bad{"1.2.3:1", "invalid IPv4"}, Bad{"my host:1", "the character ' '"},
        Bad{"[::1:7421", "IPv6"}, Bad{"a..b:1", "empty part"}}) {
    INFO(bad.address);
    Status s = ValidateListenAddress(bad.address);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK_THAT(s.message(), Contains(bad.why) && Contains(bad.address));
  }
}

TEST_CASE("the demo currency is the contract's, valid, with its keys written 0600",
          "[node][demo]") {
  Demo demo = MakeDemo(1'700'000'000'000);
  Genesis& g = demo.genesis;
  // As init writes it: the current version, with a node key.
  g.version = kCurrentGenesisVersion;
  g.node_key = KeyPair::Generate().public_key();
  REQUIRE(ValidateGenesis(g).ok());
  CHECK(g.rules.conversion.office_cash_ceiling == 2'000'00);
  CHECK(g.currency_code == "ROUE");
  CHECK(g.currency_name == "la Roue (démo)");
  CHECK(g.board_threshold == 1);
  CHECK(g.opening_fund == Amount(15000));
  REQUIRE(demo.keys.size() == 6);
  CHECK(g.board_keys == std::vector<PublicKey>{demo.keys[0].key.public_key()});
  REQUIRE(g.accounts.size() == 5);
  CHECK(g.accounts[3].name == "Alice Martin");
  CHECK(g.accounts[3].opening_balance == Amount(10000));
  CHECK(g.accounts[4].opening_balance == Amount(5000));
  // Two demos never share a key.
  CHECK(MakeDemo(0).keys[3].key.public_key() != demo.keys[3].key.public_key());

  auto dir = std::filesystem::temp_directory_path() /
             ("liard-demo-test-" + ToHex(demo.keys[0].key.public_key()).substr(0, 12));
  std::filesystem::create_directories(dir);
  REQUIRE(WriteDemoKeys(dir.string(), demo.keys).ok());
  for (const DemoKey& k : demo.keys) {
    auto path = dir / "demo-keys" / (k.name + ".seed");
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == ToHex(k.key.seed()) + "\n");
    struct stat st;
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK(WriteDemoKeys(dir.string(), demo.keys).code() == Code::kAlreadyExists);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace liard::node

namespace liard::node {
namespace {

TEST_CASE("[backup], [metrics] and [log] format are off or text by default, read and checked",
          "[node][config][ops]") {
  NodeConfig defaults;
  REQUIRE(ParseConfig("", "node.toml", &defaults).ok());
  CHECK(defaults.backup_to.empty());
  CHECK(defaults.backup_every_seconds == 3600);
  CHECK(defaults.backup_keep == 24);
  CHECK(defaults.backup_node_key);
  CHECK(defaults.metrics_listen.empty());
  CHECK(defaults.log_format == "text");

  NodeConfig c;
  Status s = ParseConfig(R"([backup]
to = "/var/backups/liard"
every_seconds = 86400
keep = 7
node_key = false
[metrics]
listen = "127.0.0.1:9421"
[log]
format = "json"
)",
                         "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.backup_to == "/var/backups/liard");
  CHECK(c.backup_every_seconds == 86400);
  CHECK(c.backup_keep == 7);
  CHECK_FALSE(c.backup_node_key);
  CHECK(c.metrics_listen == "127.0.0.1:9421");
  CHECK(c.log_format == "json");

  CHECK_THAT(ConfigError("[backup]\nkeep = 3\n"), Contains("to"));
  CHECK_THAT(ConfigError("[backup]\nto = \"backups\"\n"),
             Contains("node.toml:2:") && Contains("absolute path"));
  CHECK_THAT(ConfigError("[backup]\nto = \"/b\"\nkeep = 0\n"), Contains("keep"));
  CHECK_THAT(ConfigError("[backup]\nto = \"/b\"\nevery = 3\n"), Contains("every"));
  CHECK_THAT(ConfigError("[metrics]\nlisten = \"9421\"\n"),
             Contains("node.toml:2:") && Contains("has no port"));
  CHECK_THAT(ConfigError("[metrics]\n"), Contains("listen"));
  CHECK_THAT(ConfigError("[log]\nformat = \"xml\"\n"),
             Contains("node.toml:2:") && Contains("must be text or json"));
}

TEST_CASE("[replication] makes a standby: its primary, ledger and reader key, checked",
          "[node][config][standby]") {
  NodeConfig defaults;
  REQUIRE(ParseConfig("", "node.toml", &defaults).ok());
  CHECK(defaults.replication_primary.empty());  // a primary

  const std::string id(64, 'a');
  NodeConfig c;
  Status s = ParseConfig("[replication]\nprimary = \"10.0.0.1:7421\"\nledger = \"" + id +
                             "\"\nreader_key = \"/etc/liard/reader.seed\"\nreader_account = \"" +
                             std::string(64, 'b') + "\"\nprimary_ca = \"/etc/liard/ca.pem\"\n",
                         "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.replication_primary == "10.0.0.1:7421");
  CHECK(c.replication_ledger == id);
  CHECK(c.replication_reader_key == "/etc/liard/reader.seed");
  CHECK(c.replication_reader_account == std::string(64, 'b'));
  CHECK(c.replication_primary_ca == "/etc/liard/ca.pem");

  const std::string ok_ledger = "ledger = \"" + id + "\"\n";
  const std::string ok_key = "reader_key = \"/k\"\n";
  CHECK_THAT(ConfigError("[replication]\n" + ok_ledger + ok_key), Contains("primary"));
  CHECK_THAT(ConfigError("[replication]\nprimary = \"7421\"\n" + ok_ledger + ok_key),
             Contains("node.toml:2:") && Contains("has no port"));
  CHECK_THAT(ConfigError("[replication]\nprimary = \"h:1\"\nledger = \"abc\"\n" + ok_key),
             Contains("node.toml:3:") && Contains("64 hexadecimal digits"));
  CHECK_THAT(ConfigError("[replication]\nprimary = \"h:1\"\n" + ok_ledger), Contains("reader_key"));
  CHECK_THAT(ConfigError("[replication]\nprimary = \"h:1\"\n" + ok_ledger + "reader_key = \"k\"\n"),
             Contains("absolute path"));
  CHECK_THAT(ConfigError("[replication]\nprimary = \"h:1\"\n" + ok_ledger + ok_key +
                         "reader_account = \"xyz\"\n"),
             Contains("reader_account"));
  CHECK_THAT(ConfigError("[replication]\nprimary = \"h:1\"\n" + ok_ledger + ok_key + "sync = 1\n"),
             Contains("sync"));
}

TEST_CASE("[replication] on a primary: its synchronous standbys, checked", "[node][config][sync]") {
  const std::string id(64, 'c');
  NodeConfig c;
  Status s = ParseConfig(
      "[replication]\nsync_standbys = 1\nsync_timeout_ms = 250\n"
      "on_sync_timeout = \"wait\"\nstandbys = [\"b=" +
          id + "\", \"c.2=" + id + "\"]\n",
      "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.replication_primary.empty());  // still a primary
  CHECK(c.sync_standbys == 1);
  CHECK(c.sync_timeout_ms == 250);
  CHECK(c.on_sync_timeout == "wait");
  CHECK(c.replication_standbys == std::vector<std::string>{"b=" + id, "c.2=" + id});
  NodeConfig defaults;
  REQUIRE(ParseConfig("[replication]\n", "node.toml", &defaults).ok());
  CHECK(defaults.sync_standbys == 0);
  CHECK(defaults.on_sync_timeout == "fail");

  const std::string one = "standbys = [\"b=" + id + "\"]\n";
  CHECK_THAT(ConfigError("[replication]\nsync_standbys = 2\n" + one),
             Contains("sync_standbys = 2 but standbys lists 1"));
  CHECK_THAT(ConfigError("[replication]\nsync_standbys = 17\n" + one), Contains("sync_standbys"));
  CHECK_THAT(ConfigError("[replication]\nsync_timeout_ms = 0\n"), Contains("sync_timeout_ms"));
  CHECK_THAT(ConfigError("[replication]\non_sync_timeout = \"later\"\n"),
             Contains("node.toml:2:") && Contains("\"fail\"") && Contains("\"wait\""));
  CHECK_THAT(ConfigError("[replication]\nstandbys = [\"b\"]\n"), Contains("NAME=ACCOUNT-ID"));
  CHECK_THAT(ConfigError("[replication]\nstandbys = [\"b=12\"]\n"), Contains("64 hexadecimal"));
  CHECK_THAT(ConfigError("[replication]\nstandbys = [\"b c=" + id + "\"]\n"),
             Contains("letters, digits"));
  CHECK_THAT(ConfigError("[replication]\nstandbys = [\"b=" + id + "\", \"b=" + id + "\"]\n"),
             Contains("twice"));
  CHECK_THAT(ConfigError("[replication]\nstandbys = [3]\n"), Contains("strings"));
  CHECK_THAT(ConfigError("[replication]\nname = \"a b\"\n"), Contains("name"));
  CHECK_THAT(ConfigError("[replication]\n" + one + "ledger = \"" + id + "\"\n"),
             Contains("standby's setting"));
}

TEST_CASE(
    "a primary with [leadership] may hold a standby's reading settings, to follow once deposed",
    "[node][config][failover][rejoin]") {
  const std::string id(64, 'a');
  const std::string leadership =
      "[leadership]\nendpoints = [\"127.0.0.1:2379\"]\nname = \"a\"\naddress = "
      "\"127.0.0.1:7421\"\n";
  NodeConfig c;
  Status s = ParseConfig("[replication]\nledger = \"" + id +
                             "\"\nreader_key = \"/etc/liard/reader.seed\"\nsync_standbys = 0\n" +
                             leadership,
                         "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.replication_primary.empty());  // still a primary until another node leads
  CHECK(c.replication_ledger == id);
  CHECK(c.replication_reader_key == "/etc/liard/reader.seed");
  // Both are needed, as for a standby; without [leadership] they are a standby's settings only.
  NodeConfig d;
  CHECK_THAT(ParseConfig("[replication]\nledger = \"" + id + "\"\n" + leadership, "node.toml", &d)
                 .message(),
             Contains("reader_key"));
  CHECK_THAT(
      ParseConfig("[replication]\nledger = \"" + id + "\"\nreader_key = \"/k\"\n", "node.toml", &d)
          .message(),
      Contains("standby's setting") && Contains("[leadership]"));
}

TEST_CASE("[leadership] names etcd's members, the lease, this node's name and address, checked",
          "[node][config][failover]") {
  NodeConfig defaults;
  REQUIRE(ParseConfig("", "node.toml", &defaults).ok());
  CHECK(defaults.leadership_endpoints.empty());  // no election: a plain primary or standby

  NodeConfig c;
  Status s = ParseConfig(
      "[leadership]\nendpoints = [\"10.0.0.1:2379\", \"10.0.0.2:2379\"]\nttl_seconds = 6\n"
      "name = \"m1\"\naddress = \"10.0.0.1:7421\"\nsettle_ms = 1500\nmin_candidates = 2\n",
      "node.toml", &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(c.leadership_endpoints == std::vector<std::string>{"10.0.0.1:2379", "10.0.0.2:2379"});
  CHECK(c.leadership_ttl_seconds == 6);
  CHECK(c.leadership_name == "m1");
  CHECK(c.leadership_address == "10.0.0.1:7421");
  CHECK(c.leadership_settle_ms == 1500);
  CHECK(c.leadership_min_candidates == 2);

  const std::string who = "name = \"m1\"\naddress = \"h:1\"\n";
  CHECK_THAT(ConfigError("[leadership]\n" + who), Contains("endpoints"));
  CHECK_THAT(ConfigError("[leadership]\nendpoints = []\n" + who), Contains("1 to 16"));
  CHECK_THAT(ConfigError("[leadership]\nendpoints = [\"2379\"]\n" + who),
             Contains("node.toml:2:") && Contains("HOST:PORT"));
  const std::string ends = "[leadership]\nendpoints = [\"h:2379\"]\n";
  CHECK_THAT(ConfigError(ends + "address = \"h:1\"\n"), Contains("name"));
  CHECK_THAT(ConfigError(ends + "name = \"m 1\"\naddress = \"h:1\"\n"),
             Contains("letters, digits"));
  CHECK_THAT(ConfigError(ends + "name = \"m1\"\n"), Contains("address"));
  CHECK_THAT(ConfigError(ends + who + "ttl_seconds = 1\n"), Contains("ttl_seconds"));
  CHECK_THAT(ConfigError(ends + who + "min_candidates = 0\n"), Contains("min_candidates"));
  CHECK_THAT(ConfigError(ends + who + "lease = 3\n"), Contains("lease"));
}

}  // namespace
}  // namespace liard::node

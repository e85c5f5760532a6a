// Public cards end to end, with the real liard-node and liard binaries: a merchant writes its
// card field by field, a resident sees it before paying, the directory exports every card in
// GoGoCarto's shapes (CSV and JSON that parse back, quotes and commas intact), a resident has
// no card, bad fields are refused before signing, and ListDirectory pages by id.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "ledger/address.h"
#include "tests/wallet/wallet_world.h"
#include "wallet-cli/csv.h"

namespace liard::e2e {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::vector<std::string> kBakery = {
    "--key",         "shop",           "card",
    "set",           "--address",      "12 rue de la République",
    "--postcode",    "84000",          "--city",
    "Avignon",       "--category",     "Boulangerie",
    "--hours",       "mar-sam 7h-19h", "--position",
    "43.9493,4.8055"};

TEST_CASE("card: a merchant writes its card, a resident sees it before paying",
          "[wallet][e2e][card]") {
  WalletWorld w;
  const std::string shop = w.Address("shop");
  std::string out = w.Ok(kBakery);
  CHECK(Has(out, "card saved"));
  CHECK(Has(out, "12 rue de la République"));
  CHECK(Has(out, "43.949300, 4.805500"));

  // Fields not given keep their value; --clear takes one off.
  w.Ok({"--key", "shop", "card", "set", "--phone", "04 90 00 00 00", "--clear", "hours"});
  nlohmann::json j = w.Json({"card", "show", shop, "--json"});
  CHECK(j["name"] == "Boulangerie du Rhône");
  CHECK(j["card"]["address"] == "12 rue de la République");
  CHECK(j["card"]["city"] == "Avignon");
  CHECK(j["card"]["phone"] == "04 90 00 00 00");
  CHECK(j["card"]["hours"] == "");
  CHECK(j["card"]["latitude"] == "43.949300");
  CHECK(j["card"]["longitude"] == "4.805500");

  // The node serves it to anyone, unsigned (LookupAccount).
  pb::LookupAccountRequest lookup;
  AccountId shop_id;
  REQUIRE(DecodeAddress("ROUE", shop, &shop_id).ok());
  lookup.set_id(std::string(shop_id.view()));
  pb::AccountCard card;
  grpc::ClientContext ctx;
  REQUIRE(w.client().stub().LookupAccount(&ctx, lookup, &card).ok());
  CHECK(card.card().category() == "Boulangerie");
  CHECK(card.card().position().latitude_e6() == 43'949'300);

  // Alice pays: the shop's category and address come before the question, and the payment.
  CommandResult paid = w.Liard({"--key", "alice", "pay", shop, "1,00", "--yes"});
  INFO(paid.err << paid.out);
  REQUIRE(paid.exit_code == 0);
  CHECK(Has(paid.out, "Boulangerie, 12 rue de la République, 84000 Avignon"));
  CHECK(paid.out.find("Boulangerie, 12 rue") < paid.out.find("paid 1.00"));
  // A payee without a card: no such line.
  CommandResult to_bob = w.Liard({"--key", "alice", "pay", w.Address("bob"), "1,00", "--yes"});
  REQUIRE(to_bob.exit_code == 0);
  CHECK_FALSE(Has(to_bob.out, "Avignon"));

  // The shop's own account show lists its card.
  out = w.Ok({"--key", "shop", "account", "show", shop});
  CHECK(Has(out, "street address"));
  CHECK(Has(out, "84000"));
  const nlohmann::json account = w.Json({"--key", "shop", "account", "show", shop, "--json"});
  CHECK(account["card"]["postcode"] == "84000");
  CHECK(account["card"] == w.Json({"card", "show", shop, "--json"})["card"]);
  CHECK(w.Json({"--key", "alice", "account", "show", w.Address("alice"), "--json"})["card"]
            .is_null());

  // In French, the headings are French.
  ProgramOptions fr = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  CommandResult shown = w.Liard({"card", "show", shop}, fr);
  REQUIRE(shown.exit_code == 0);
  CHECK(Has(shown.out, "adresse postale"));
  CHECK(Has(shown.out, "téléphone"));

  // Removed: gone from its account and the directory; the history says both.
  CHECK(Has(w.Ok({"--key", "shop", "card", "remove"}), "card removed"));
  const std::string history = w.Ok({"--key", "shop", "history"});
  CHECK(Has(history, "public card set: "));
  CHECK(Has(history, "public card removed"));
  CHECK(w.Json({"card", "show", shop, "--json"})["card"].is_null());
  CHECK(Has(w.Ok({"directory"}), "no account of this ledger has a public card"));
}

TEST_CASE("card: a resident has no card, and bad fields are refused before signing",
          "[wallet][e2e][card]") {
  WalletWorld w;
  const uint64_t head = w.Head();
  CommandResult r = w.Liard({"--key", "alice", "card", "set", "--city", "Avignon"});
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "only a merchant, an exchange office, a municipality or the association"));
  CHECK(Has(w.Ok({"card", "show", w.Address("alice")}), "has no public card"));

  struct Bad {
    std::vector<std::string> args;
    const char* says;
  };
  for (const Bad& b :
       {Bad{{"--postcode", std::string(17, '8')},
            "the postcode has 17 bytes; a card holds at most 16"},
        Bad{{"--description", "ligne 1\nligne 2"}, "the description holds a line break"},
        Bad{{"--position", "91,0"}, "is not a latitude and a longitude"},
        Bad{{"--position", "43.9493"}, "is not a latitude and a longitude"},
        Bad{{"--clear", "colour"}, "--clear takes a field of the card"},
        Bad{{"--city", "Avignon", "--clear", "city"}, "--city and --clear city together"},
        Bad{{}, "say what to write on the card"}}) {
    std::vector<std::string> args = {"--key", "shop", "card", "set"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    CommandResult bad = w.Liard(args);
    INFO(bad.err);
    CHECK(bad.exit_code == 2);
    CHECK(Has(bad.err, b.says));
  }
  // In French too, naming the field.
  ProgramOptions fr = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  CommandResult bad =
      w.Liard({"--key", "shop", "card", "set", "--postcode", std::string(17, '8')}, fr);
  CHECK(bad.exit_code == 2);
  CHECK(Has(bad.err, "code postal"));
  CHECK(w.Head() == head);  // nothing was written
}

TEST_CASE("directory: every card as GoGoCarto imports it, CSV and JSON parse back",
          "[wallet][e2e][card]") {
  WalletWorld w;
  const std::string tricky = "Pain \"bio\", viennoiseries; gâteaux";
  std::vector<std::string> bakery = kBakery;
  bakery.insert(bakery.end(), {"--description", tricky, "--website", "https://pain.example"});
  w.Ok(bakery);
  w.Ok({"--key", "office", "card", "set", "--address", "Place de la Gare", "--city", "Avignon",
        "--category", "Comptoir de change"});
  w.Ok({"--key", "association", "card", "set", "--city", "Avignon", "--category", "Association"});

  const std::string csv_path = w.tmp().Join("annuaire.csv");
  CHECK(Has(w.Ok({"directory", "--csv", "--out", csv_path}), "3 cards written to"));
  std::vector<wallet::CsvRecord> rows;
  char separator = 0;
  REQUIRE(wallet::ParseCsv(ReadAll(csv_path), &rows, &separator).ok());
  CHECK(separator == ',');
  REQUIRE(rows.size() == 4);
  const std::vector<std::string>& header = rows[0].fields;
  auto column = [&](std::string_view name) {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    FAIL("no column " << name);
    return size_t{0};
  };
  const wallet::CsvRecord* bakery_row = nullptr;
  for (const auto& r : rows) {
    REQUIRE(r.fields.size() == header.size());
    if (r.fields[column("name")] == "Boulangerie du Rhône") bakery_row = &r;
  }
  REQUIRE(bakery_row != nullptr);
  CHECK(bakery_row->fields[column("id")] == w.Address("shop"));
  CHECK(bakery_row->fields[column("description")] == tricky);  // quotes, comma and ';' intact
  CHECK(bakery_row->fields[column("streetAddress")] == "12 rue de la République");
  CHECK(bakery_row->fields[column("postalCode")] == "84000");
  CHECK(bakery_row->fields[column("addressLocality")] == "Avignon");
  CHECK(bakery_row->fields[column("categories")] == "Boulangerie");
  CHECK(bakery_row->fields[column("latitude")] == "43.949300");
  CHECK(bakery_row->fields[column("longitude")] == "4.805500");
  CHECK(bakery_row->fields[column("openHoursString")] == "mar-sam 7h-19h");
  CHECK(bakery_row->fields[column("website")] == "https://pain.example");

  nlohmann::json all = w.Json({"directory", "--json"});
  REQUIRE(all.is_array());
  REQUIRE(all.size() == 3);
  bool seen = false;
  for (const auto& e : all) {
    if (e["name"] != "Boulangerie du Rhône") continue;
    seen = true;
    CHECK(e["description"] == tricky);
    CHECK(e["categories"] == nlohmann::json::array({"Boulangerie"}));
    CHECK(e["address"]["streetAddress"] == "12 rue de la République");
    CHECK(e["address"]["postalCode"] == "84000");
    CHECK(e["address"]["addressLocality"] == "Avignon");
    CHECK(e["geo"]["latitude"].get<double>() == Approx(43.9493));
    CHECK(e["geo"]["longitude"].get<double>() == Approx(4.8055));
    CHECK(e["openHoursString"] == "mar-sam 7h-19h");
  }
  CHECK(seen);
  // The table lists the three.
  const std::string table = w.Ok({"directory"});
  CHECK(Has(table, "Comptoir de la Gare"));
  CHECK(Has(table, "Association la Roue"));
  CHECK(Has(table, "12 rue de la République, 84000 Avignon"));
}

TEST_CASE("directory: ListDirectory pages through the cards in id order", "[wallet][e2e][card]") {
  WalletWorld w;
  for (const char* shop : {"shop", "office", "association"})
    w.Ok({"--key", shop, "card", "set", "--city", "Avignon"});
  std::vector<std::string> ids;
  std::string after;
  int pages = 0;
  do {
    pb::ListDirectoryRequest req;
    req.set_after(after);
    req.set_limit(2);
    pb::ListDirectoryResponse resp;
    grpc::ClientContext ctx;
    REQUIRE(w.client().stub().ListDirectory(&ctx, req, &resp).ok());
    CHECK(resp.cards_size() <= 2);
    for (const auto& c : resp.cards()) {
      ids.push_back(c.id());
      CHECK(c.card().city() == "Avignon");
      CHECK(!c.name().empty());
    }
    after = resp.next_after();
    if (!after.empty()) CHECK(after == ids.back());
    ++pages;
  } while (!after.empty() && pages < 10);
  CHECK(pages == 2);
  REQUIRE(ids.size() == 3);
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(ids[0] < ids[1]);

  // The whole directory in one default page; a malformed cursor is INVALID_ARGUMENT.
  pb::ListDirectoryRequest all;
  pb::ListDirectoryResponse resp;
  grpc::ClientContext ctx;
  REQUIRE(w.client().stub().ListDirectory(&ctx, all, &resp).ok());
  CHECK(resp.cards_size() == 3);
  CHECK(resp.next_after().empty());
  pb::ListDirectoryRequest bad;
  bad.set_after("short");
  grpc::ClientContext ctx2;
  CHECK(w.client().stub().ListDirectory(&ctx2, bad, &resp).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace liard::e2e

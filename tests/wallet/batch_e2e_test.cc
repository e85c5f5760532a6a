// A town hall's pay-batch as the clerk prepares it (issue 18), against a real liard-node: a
// Windows-1252 file with a French header and French amounts, a payee on two lines, 2,000 lines to
// 20 accounts, and `liard batch show` listing the legs in text and as a CSV that reads back.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/address.h"
#include "ledger/crypto.h"
#include "tests/e2e/harness.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;

ProgramOptions French(const WalletWorld& w) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  return o;
}

// UTF-8 text as Excel writes it on a French Windows: Windows-1252 (only the characters used here).
std::string ToWindows1252(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out += utf8[i];
    } else if (utf8.compare(i, 3, "€") == 0) {
      out += '\x80';
      i += 2;
    } else {
      REQUIRE((c == 0xC2 || c == 0xC3));  // U+0080..U+00FF: the same code in Windows-1252
      out += static_cast<char>(((c & 0x03) << 6) | (utf8[i + 1] & 0x3F));
      ++i;
    }
  }
  return out;
}

}  // namespace

TEST_CASE(
    "a town hall's Windows-1252 file with a French header, French amounts and a payee on two "
    "lines is read, said and paid",
    "[wallet][e2e][batch]") {
  WalletWorld w;
  const std::string alice = w.Address("alice"), bob = w.Address("bob"), shop = w.Address("shop");
  // Alice pays for the town hall: enough for amounts in thousands.
  // (the office may hold 2,000 EUR before the association records a deposit).
  w.Ok({"--key", "office", "convert", "--member", alice, "--eur", "1 500", "--yes"});
  w.Ok({"--key", "association", "deposit", "--office", w.Address("office"), "--eur", "1500,00",
        "--ref", "REM-0001", "--yes"});
  w.Ok({"--key", "office", "convert", "--member", alice, "--eur", "1.500,00", "--yes"});
  const int64_t alice0 = w.Balance("alice"), bob0 = w.Balance("bob"), shop0 = w.Balance("shop");
  const std::string file = w.tmp().Join("indemnites.csv");
  WriteFile(file,
            ToWindows1252("Adresse;Montant;Libellé\r\n" + bob + ";80,00 €;Indemnité élu\r\n" +
                          shop + ";1\u00A0200,00;Fête de l'été\r\n" + bob + ";1.200,50;Prime\r\n"));
  const uint64_t head = w.Head();

  // The preview, in French: the header skipped, the encoding, the accounts, the repeated payee.
  CommandResult fr = w.Liard({"--key", "alice", "pay-batch", file, "--dry-run"}, French(w));
  INFO(fr.out << fr.err);
  CHECK(fr.exit_code == 0);
  CHECK(Has(fr.out, "3 lignes, total 2\u202F480,50\u00A0ROUE"));
  CHECK(Has(fr.out, "ligne 1 : en-tête, ignorée"));
  CHECK(Has(fr.out, "lu comme Windows-1252"));
  CHECK(Has(fr.out, "3 paiements à 2 comptes"));
  CHECK(Has(fr.out, "1 compte est payé sur plusieurs lignes"));
  CHECK(Has(fr.out, "lignes 2, 4, 2 paiements, 1\u202F280,50\u00A0ROUE"));
  CHECK(Has(fr.out, "aucun problème"));

  json j = w.Json({"--key", "alice", "pay-batch", file, "--dry-run", "--json"});
  CHECK(j["ok"] == true);
  CHECK(j["encoding"] == "Windows-1252");
  CHECK(j["header_line"] == 1);
  CHECK(j["lines"] == 3);
  CHECK(j["accounts"] == 2);
  CHECK(j["total_minor"] == 248050);
  REQUIRE(j["repeated_payees"].size() == 1);
  CHECK(j["repeated_payees"][0]["address"] == bob);
  CHECK(j["repeated_payees"][0]["lines"] == json::array({2, 4}));
  CHECK(j["repeated_payees"][0]["total_minor"] == 128050);
  CHECK(w.Head() == head);

  // --yes still pays (a script's batch), the repeat said on the error stream before.
  CommandResult paid = w.Liard({"--key", "alice", "pay-batch", file, "--yes"});
  INFO(paid.err);
  REQUIRE(paid.exit_code == 0);
  CHECK(Has(paid.err, "1 account is paid on more than one line"));
  CHECK(Has(paid.err, "lines 2, 4, 2 payments, 1280.50 ROUE"));
  CHECK(Has(paid.out, "paid 2480.50 ROUE in 3 payments to 2 accounts"));
  CHECK_FALSE(Has(paid.out, "to 3 accounts"));  // the node's note counts legs: not repeated
  CHECK(w.Head() == head + 1);
  CHECK(w.Balance("alice") == alice0 - 248050);
  CHECK(w.Balance("bob") == bob0 + 128050);
  CHECK(w.Balance("shop") == shop0 + 120000);
  // The memos were read from Windows-1252: bob's history has them in UTF-8.
  json h = w.Json({"--key", "bob", "history", "--json"});
  CHECK(h["entries"][0]["memo"] == "Indemnité élu");

  // "1.200" alone is refused, never paid as 1,20 or 1 200; nothing is sent.
  const std::string ambiguous = w.tmp().Join("ambigu.csv");
  WriteFile(ambiguous, "Adresse;Montant\n" + bob + ";1.200\n");
  CommandResult amb = w.Liard({"--key", "alice", "pay-batch", ambiguous, "--yes"}, French(w));
  CHECK(amb.exit_code == 2);
  CHECK(Has(amb.err, "ligne 2 : le montant « 1.200 » est ambigu"));
  CHECK(w.Head() == head + 1);
}

TEST_CASE(
    "2,000 lines to 20 payees are paid to 20 accounts, and batch show lists them in text and as "
    "a CSV that pays the same again",
    "[wallet][e2e][batch]") {
  WalletWorld w;
  std::vector<std::string> payees = {w.Address("bob"), w.Address("shop")};
  for (uint8_t i = 0; payees.size() < 20; ++i) {
    Seed seed;
    seed.data.fill(static_cast<uint8_t>(0x40 + i));
    payees.push_back(EncodeAddress("ROUE", KeyPair::FromSeed(seed).public_key()));
    w.Ok({"--key", "office", "account", "open", payees.back(), "--name",
          "Élu " + std::to_string(i + 1), "--yes"});
  }
  std::ostringstream csv;
  csv << "address;amount;memo\n";
  int64_t total = 0;
  for (int i = 0; i < 2000; ++i) {
    const int cents = i % 3 + 1;
    total += cents;
    csv << payees[static_cast<size_t>(i) % 20] << ";0,0" << cents << ";séance " << i << "\n";
  }
  const std::string file = w.tmp().Join("seances.csv");
  WriteFile(file, csv.str());
  const int64_t alice0 = w.Balance("alice");

  CommandResult paid = w.Liard({"--key", "alice", "pay-batch", file, "--yes"}, French(w));
  INFO(paid.err);
  REQUIRE(paid.exit_code == 0);
  CHECK(Has(paid.out, "2\u202F000 paiements à 20 comptes"));
  CHECK(Has(paid.err, "20 comptes sont payés sur plusieurs lignes"));
  CHECK(w.Balance("alice") == alice0 - total);
  const std::string op = OperationIn(paid.out);

  // The legs in text: heading, every line, the payee's name, address, amount and memo.
  CommandResult show = w.Liard({"--key", "alice", "batch", "show", op});
  INFO(show.err);
  REQUIRE(show.exit_code == 0);
  REQUIRE(total == 3999);
  CHECK(Has(show.out, "paid 39.99 ROUE in 2000 payments to 20 accounts"));
  CHECK(Has(show.out, "PAYEE"));
  CHECK(Has(show.out, "Élu 18"));
  CHECK(Has(show.out, payees[19]));
  CHECK(Has(show.out, "séance 1999"));
  size_t rows = 0;
  for (size_t at = show.out.find("séance "); at != std::string::npos;
       at = show.out.find("séance ", at + 1))
    ++rows;
  CHECK(rows == 2000);
  CommandResult show_fr = w.Liard({"--key", "alice", "batch", "show", op}, French(w));
  REQUIRE(show_fr.exit_code == 0);
  CHECK(Has(show_fr.out, "BÉNÉFICIAIRE"));
  CHECK(Has(show_fr.out, "0,03\u00A0ROUE"));

  json sj = w.Json({"--key", "alice", "batch", "show", op, "--json"});
  REQUIRE(sj["legs"].size() == 2000);
  CHECK(sj["accounts"] == 20);
  CHECK(sj["total_minor"] == total);
  CHECK(sj["legs"][1999]["address"] == payees[19]);
  CHECK(sj["legs"][1999]["memo"] == "séance 1999");
  CHECK(sj["legs"][1999]["amount_minor"] == 1999 % 3 + 1);

  // --csv: the pay-batch's own format, French amounts; it reads back as the same batch.
  CommandResult c = w.Liard({"--key", "alice", "batch", "show", op, "--csv"});
  REQUIRE(c.exit_code == 0);
  CHECK(c.out.rfind("Adresse;Montant;Libellé\n" + payees[0] + ";0,01;séance 0\n", 0) == 0);
  const std::string again = w.tmp().Join("again.csv");
  WriteFile(again, c.out);
  json re = w.Json({"--key", "alice", "pay-batch", again, "--dry-run", "--json"});
  CHECK(re["ok"] == true);
  CHECK(re["header_line"] == 1);
  CHECK(re["lines"] == 2000);
  CHECK(re["accounts"] == 20);
  CHECK(re["total_minor"] == total);

  // Not a batch, not an id: each said, nothing shown.
  CommandResult one = w.Liard({"--key", "alice", "pay", payees[0], "1", "--yes"});
  REQUIRE(one.exit_code == 0);
  CommandResult not_batch = w.Liard({"--key", "alice", "batch", "show", OperationIn(one.out)});
  CHECK(not_batch.exit_code == 2);
  CHECK(Has(not_batch.err, "is not a batch payment"));
  CHECK(w.Liard({"--key", "alice", "batch", "show", "12ab"}).exit_code == 2);
}

}  // namespace liard::e2e

// The pay-batch file as a town hall writes it (issue 18): its header, its encoding, its amounts
// and its repeated payees, read without the network.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ledger/address.h"
#include "ledger/crypto.h"
#include "wallet-cli/batch.h"
#include "wallet-cli/csv.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

std::string AddressOf(uint8_t fill) {
  Seed s;
  s.data.fill(fill);
  return EncodeAddress("ROUE", KeyPair::FromSeed(s).public_key());
}

// The lines and problems of a file's text, as pay-batch checks them for la Roue (par 1/1).
struct Checked {
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> problems;
  size_t header = 0;
};
Checked Check(const std::string& text) {
  std::vector<CsvRecord> records;
  REQUIRE(ParseCsv(text, &records).ok());
  Checked c;
  CheckBatch(records, "ROUE", 2, &c.lines, &c.problems, &c.header, BatchUnits("ROUE", true));
  return c;
}

// Sets a language for one test and English back afterwards.
struct InLanguage {
  explicit InLanguage(Language l) { SetLanguage(l); }
  ~InLanguage() { SetLanguage(Language::kEnglish); }
};

}  // namespace

TEST_CASE("a batch header is recognised in French and English, any case, with or without accents",
          "[wallet][batch]") {
  for (const std::vector<std::string>& h :
       std::vector<std::vector<std::string>>{{"Adresse", "Montant", "Libellé"},
                                             {"ADRESSE", "MONTANT", "LIBELLE"},
                                             {"adresse", "montant"},
                                             {"address", "amount", "memo"},
                                             {"Address", "Amount"},
                                             {"Compte", "Montant", "Mémo"},
                                             {"Adresse ", " Montant", "Motif"}}) {
    bool complete = false;
    INFO(h[0] << ";" << h[1]);
    CHECK(IsBatchHeader(h, &complete));
    CHECK(complete);
  }
  bool complete = true;
  CHECK(IsBatchHeader({"Adresse", "Somme"}, &complete));
  CHECK_FALSE(complete);
  CHECK_FALSE(IsBatchHeader({AddressOf(1), "12,50"}, &complete));
  CHECK_FALSE(IsBatchHeader({"Nom", "Montant"}, &complete));
}

TEST_CASE("a header line is skipped and said, never read as a payment", "[wallet][batch]") {
  const std::string a = AddressOf(1);
  Checked c = Check("Adresse;Montant;Libellé\r\n" + a + ";12,50;indemnité\r\n");
  CHECK(c.problems.empty());
  CHECK(c.header == 1);
  REQUIRE(c.lines.size() == 1);
  CHECK(c.lines[0].line == 2);
  // Without a header, nothing is skipped; a header anywhere else is a bad line.
  c = Check(a + ";1\nadresse;montant\n");
  CHECK(c.header == 0);
  CHECK(c.lines.size() == 1);
  REQUIRE(c.problems.size() == 2);  // its address and its amount
  CHECK(c.problems[0].line == 2);
  CHECK(c.problems[1].line == 2);
  // A header that names the address but not the rest is a problem of line 1, in French too.
  InLanguage fr(Language::kFrench);
  c = Check("Adresse;Somme\n" + a + ";1\n");
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].line == 1);
  CHECK(c.problems[0].message.find("Adresse;Montant;Libellé") != std::string::npos);
}

TEST_CASE("amounts are read as the French type them, with a euro sign when a unit is a euro",
          "[wallet][batch]") {
  const std::string a = AddressOf(1);
  Checked c =
      Check(a + ";80,00 €\n" + a + ";80 €\n" + a + ";1 200,00\n" + a + ";1\u00A0200,00\n" + a +
            ";1\u202F200,00\n" + a + ";1.200,00\n" + a + ";12,50 ROUE\n" + a + ";\"7,5\"\n");
  CHECK(c.problems.empty());
  std::vector<int64_t> got;
  for (const auto& l : c.lines) got.push_back(l.amount.minor());
  CHECK(got == std::vector<int64_t>{8000, 8000, 120000, 120000, 120000, 120000, 1250, 750});
  // A unit is not worth a euro: "€" is refused, the code still read.
  std::vector<CsvRecord> records;
  REQUIRE(ParseCsv(a + ";80 €\n" + a + ";80 ROUE\n", &records).ok());
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> problems;
  CheckBatch(records, "ROUE", 2, &lines, &problems, nullptr, BatchUnits("ROUE", false));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 1);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].amount.minor() == 8000);
}

TEST_CASE("'1.200' is refused, never read as 1,20 or as twelve hundred, in both languages",
          "[wallet][batch]") {
  const std::string a = AddressOf(1);
  Checked c = Check(a + ";1.200\n");
  CHECK(c.lines.empty());
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].message.find("for thousands, write 1 200") != std::string::npos);
  InLanguage fr(Language::kFrench);
  c = Check(a + ";1.200\n");
  REQUIRE(c.problems.size() == 1);
  CHECK(c.problems[0].message.find("ambigu") != std::string::npos);
}

TEST_CASE("payees on more than one line are gathered with their lines and totals",
          "[wallet][batch]") {
  const std::string a = AddressOf(1), b = AddressOf(2), c = AddressOf(3);
  Checked k = Check(a + ";1\n" + b + ";2\n" + a + ";3\n" + c + ";4\n" + a + ";5\n" + b + ";6\n");
  REQUIRE(k.problems.empty());
  std::vector<BatchPayee> payees = PayeesOf(k.lines);
  REQUIRE(payees.size() == 3);
  CHECK(EncodeAddress("ROUE", payees[0].to) == a);
  CHECK(payees[0].lines == std::vector<size_t>{1, 3, 5});
  CHECK(payees[0].total == 900);
  CHECK(EncodeAddress("ROUE", payees[1].to) == b);
  CHECK(payees[1].lines == std::vector<size_t>{2, 6});
  CHECK(payees[1].total == 800);
  CHECK(payees[2].lines == std::vector<size_t>{4});
  CHECK(payees[2].total == 400);
}

TEST_CASE("a file that is not UTF-8 is read as Windows-1252, or Latin-9 for its euro sign",
          "[wallet][batch][csv]") {
  std::string text, encoding;
  // "Libellé;Fête à 80 €" as Excel saves it on a French Windows (é E9, ê EA, à E0, € 80).
  Decode("Libell\xE9;F\xEAte \xE0 80 \x80", &text, &encoding);
  CHECK(encoding == "Windows-1252");
  CHECK(text == "Libellé;Fête à 80 €");
  // Latin-9: the euro sign is A4, and Œ BC.
  Decode(
      "\xBC"
      "uvre 80 \xA4",
      &text, &encoding);
  CHECK(encoding == "ISO-8859-15");
  CHECK(text == "Œuvre 80 €");
  Decode(
      "\xEF\xBB\xBF"
      "Libellé",
      &text, &encoding);
  CHECK(encoding == "UTF-8 with a byte order mark");
  CHECK(text == "Libellé");
  Decode("Libellé", &text, &encoding);
  CHECK(encoding == "UTF-8");
  CHECK(text == "Libellé");
}

}  // namespace liard::wallet

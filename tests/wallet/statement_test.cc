// The bank statement readers of `liard audit reconcile` (wallet-cli/statement.h): the three real
// exports of tests/data/bank/ (a Crédit Coopératif CSV in Windows-1252 with a preamble and
// Débit/Crédit columns, a La Nef CSV in UTF-8 with a byte order mark, an ISO 20022 camt.053), the
// amounts and dates as banks write them, refusals that name the line, and the advice.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "wallet-cli/statement.h"

#ifndef LIARD_BANK_DATA
#error "LIARD_BANK_DATA must name tests/data/bank (set by tests/CMakeLists.txt)"
#endif

namespace liard::wallet {
namespace {

std::string DataFile(const std::string& name) {
  const std::string path = std::string(LIARD_BANK_DATA) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Statement Parse(const std::string& bytes, const std::string& name = "s.csv") {
  Statement st;
  CliStatus s = ParseStatement(bytes, name, &st);
  INFO(s.message());
  REQUIRE(s.ok());
  return st;
}

std::string Refusal(const std::string& bytes, const std::string& name = "s.csv") {
  Statement st;
  CliStatus s = ParseStatement(bytes, name, &st);
  REQUIRE_FALSE(s.ok());
  CHECK(s.exit_code() == 2);
  return s.message();
}

int64_t Day(const char* iso) {
  int64_t ms = 0;
  REQUIRE(ParseStatementDate(iso, &ms));
  return ms;
}

// The month every file of tests/data/bank holds, in the order of the statement.
struct Expected {
  const char* date;
  int64_t amount;
  const char* reference;
};
constexpr Expected kMonth[] = {
    {"2026-11-03", 35'00, "REM-0001"},        {"2026-11-05", -28'50, "VIR-0077"},
    {"2026-11-12", 1'000'00, "SPONSOR-0012"}, {"2026-11-30", 1'20, "INT-2026-11"},
    {"2026-11-30", -2'50, "FRAIS-2026-11"},   {"2026-11-30", -20, "CB-2026-11"},
};

void CheckMonth(const Statement& st) {
  REQUIRE(st.lines.size() == std::size(kMonth));
  for (size_t i = 0; i < st.lines.size(); ++i) {
    INFO("movement " << i + 1);
    CHECK(st.lines[i].date_ms == Day(kMonth[i].date));
    CHECK(st.lines[i].amount == kMonth[i].amount);
    CHECK(st.lines[i].reference == kMonth[i].reference);
  }
}

TEST_CASE("a Crédit Coopératif export in Windows-1252 with a preamble and Débit/Crédit is read",
          "[wallet][statement]") {
  const std::string bytes = DataFile("credit-coop-2026-11.csv");
  REQUIRE(bytes.find("\xe9") != std::string::npos);  // really Windows-1252: é is one byte
  const Statement st = Parse(bytes, "credit-coop-2026-11.csv");
  CHECK(st.format == "CSV");
  CHECK(st.encoding == "Windows-1252");
  CHECK(st.header_line == 6);
  CheckMonth(st);
  CHECK(st.lines[0].line == 7);
  CHECK(st.lines[1].label == "VIR SEPA BOULANGERIE DU RH\xc3\x94NE");  // Ô as UTF-8
  CHECK(st.lines[3].label ==
        "INT\xc3\x89R\xc3\x8aTS CR\xc3\x89"
        "DITEURS NOVEMBRE");
  // The total and the new balance after the movements are recognised, not read.
  CHECK(st.total_lines == std::vector<size_t>{13, 14});
  CHECK_FALSE(st.closing.has_value());
}

TEST_CASE("a La Nef export in UTF-8 with a byte order mark and a signed amount is read",
          "[wallet][statement]") {
  const std::string bytes = DataFile("nef-2026-11.csv");
  REQUIRE(bytes.rfind("\xef\xbb\xbf", 0) == 0);
  const Statement st = Parse(bytes, "nef-2026-11.csv");
  CHECK(st.encoding == "UTF-8 with a byte order mark");
  CHECK(st.header_line == 1);
  CheckMonth(st);  // "1 000,00" with a narrow no-break space, "0,20-" and DD/MM/YY dates
  CHECK(st.lines[0].label ==
        "Remise d'esp\xc3\xa8"
        "ces - bureau de la Gare");
  CHECK(st.total_lines == std::vector<size_t>{8});
}

TEST_CASE("an ISO 20022 camt.053 statement is read with its closing booked balance",
          "[wallet][statement]") {
  const Statement st = Parse(DataFile("camt053-2026-11.xml"), "camt053-2026-11.xml");
  CHECK(st.format == "camt.053");
  CheckMonth(st);  // the pending entry of 5.00 is not read
  REQUIRE(st.closing.has_value());
  CHECK(*st.closing == 1'655'00);
  // The reference: AcctSvcrRef, else EndToEndId; the label: AddtlNtryInf, else RmtInf/Ustrd.
  CHECK(st.lines[1].label == "VIR SEPA BOULANGERIE DU RH\xc3\x94NE");
  CHECK(st.lines[2].label == "GRAND AVIGNON PROGRAMME BONUS");
  CHECK(st.lines[0].label == "REMISE ESPECES BUREAU DE LA GARE");
  CHECK(st.lines[0].line == 33);  // the Ntry element's line

  // Another version of the schema (.001.08) reads the same; a debit closing balance is negative.
  std::string v8 = DataFile("camt053-2026-11.xml");
  v8.replace(v8.find("camt.053.001.02"), 15, "camt.053.001.08");
  const size_t clbd = v8.find("1655.00</Amt>\n        <CdtDbtInd>CRDT");
  REQUIRE(clbd != std::string::npos);
  v8.replace(v8.find("CRDT", clbd), 4, "DBIT");
  const Statement st8 = Parse(v8, "v8.xml");
  CheckMonth(st8);
  CHECK(*st8.closing == -1'655'00);
}

TEST_CASE("a camt.053 in another currency, with a document type or malformed is refused",
          "[wallet][statement]") {
  const std::string good = DataFile("camt053-2026-11.xml");
  std::string usd = good;
  usd.replace(usd.find("<Amt Ccy=\"EUR\">28.50"), 15, "<Amt Ccy=\"USD\">");
  std::string m = Refusal(usd, "b.xml");
  CHECK(m.find("b.xml:") == 0);
  CHECK(m.find("Stmt/Ntry/Amt is in 'USD'") != std::string::npos);

  // An external entity (XXE) is refused before parsing: nothing is fetched or expanded.
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT"
      "</CdtDbtInd><BookgDt><Dt>2026-11-01</Dt></BookgDt><AddtlNtryInf>&x;</AddtlNtryInf></Ntry>"
      "</Stmt></BkToCstmrStmt></Document>\n";
  m = Refusal(xxe, "xxe.xml");
  CHECK(m.find("document type") != std::string::npos);

  m = Refusal("<?xml version=\"1.0\"?>\n<Document>\n<BkToCstmrStmt>\n</Document>\n", "bad.xml");
  CHECK(m.find("bad.xml:") == 0);
  CHECK(m.find("not well-formed XML") != std::string::npos);
  m = Refusal("<Document><Other/></Document>", "pain.xml");
  CHECK(m.find("not an ISO 20022 camt.053") != std::string::npos);
  std::string no_ind = good;
  no_ind.replace(no_ind.find("<CdtDbtInd>DBIT"), 15, "<CdtDbtInd>XXXX");
  m = Refusal(no_ind, "c.xml");
  CHECK(m.find("CdtDbtInd is 'XXXX'") != std::string::npos);
}

TEST_CASE("CSV headers are found in French or English, case and accents aside",
          "[wallet][statement]") {
  // English, ',' separated, '.' decimals: the format liard read before stays readable.
  Statement st = Parse("date,amount,label,reference\n2026-11-05,-28.50,VIR,V1\n");
  REQUIRE(st.lines.size() == 1);
  CHECK(st.lines[0].amount == -28'50);
  CHECK(st.encoding == "UTF-8");
  // Upper case, no accents, Réf. and a value date only used when no other date is named.
  st = Parse("DATE DE VALEUR;LIBELLE;REF.;DEBIT;CREDIT\n05/11/2026;X;R1;12,50;\n");
  REQUIRE(st.lines.size() == 1);
  CHECK(st.lines[0].amount == -12'50);
  CHECK(st.lines[0].reference == "R1");
  st = Parse("Date de valeur;Date comptable;Montant\n06/11/2026;05/11/2026;1,00\n");
  CHECK(st.lines.at(0).date_ms == Day("2026-11-05"));
  // Quoted header cells, and an amount column with its unit.
  st = Parse("\"Date opération\";\"Libellé\";\"Montant (EUR)\"\n\"05/11/2026\";\"X\";\"-3,00\"\n");
  CHECK(st.lines.at(0).amount == -3'00);
}

TEST_CASE("amounts are read to the cent as banks write them, without floating point",
          "[wallet][statement]") {
  struct Case {
    const char* text;
    int64_t cents;
  };
  for (Case c : {Case{"1 234,56", 1'234'56}, Case{"1234,56", 1'234'56}, Case{"1.234,56", 1'234'56},
                 Case{"1,234.56", 1'234'56}, Case{"-12,50", -12'50}, Case{"+12,50", 12'50},
                 Case{"12,50-", -12'50},
                 Case{"1\xc2\xa0"
                      "234,56",
                      1'234'56},
                 Case{"1\xe2\x80\xaf"
                      "234,56 \xe2\x82\xac",
                      1'234'56},
                 Case{"12.50 EUR", 12'50}, Case{"0,01", 1},
                 Case{"92233720368547758,07", 9'223'372'036'854'775'807}}) {
    INFO(c.text);
    int64_t cents = 0;
    CliStatus s = ParseSignedEuros(c.text, &cents);
    INFO(s.message());
    REQUIRE(s.ok());
    CHECK(cents == c.cents);
  }
  for (const char* bad : {"", "abc", "12,505", "1,2,3", "--1", "92233720368547758,08"}) {
    INFO(bad);
    int64_t cents = 0;
    CHECK_FALSE(ParseSignedEuros(bad, &cents).ok());
  }
}

TEST_CASE("dates are DD/MM/YYYY, DD/MM/YY or YYYY-MM-DD and real days", "[wallet][statement]") {
  CHECK(Day("05/11/2026") == Day("2026-11-05"));
  CHECK(Day("05/11/26") == Day("2026-11-05"));
  int64_t ms = 0;
  for (const char* bad : {"2026-13-01", "31/11/2026", "5/11/2026", "2026/11/05", "29/02/27", ""}) {
    INFO(bad);
    CHECK_FALSE(ParseStatementDate(bad, &ms));
  }
  CHECK(ParseStatementDate("29/02/28", &ms));
}

TEST_CASE("a CSV statement's refusals name the file, the line and what is expected",
          "[wallet][statement]") {
  std::string m = Refusal("Compte 123\nDate;Libellé\n01/11/2026;x\n", "cc.csv");
  CHECK(m.find("cc.csv:1: no header line found") == 0);
  CHECK(m.find("Débit and Crédit") != std::string::npos);
  m = Refusal("Relevé\nDate;Montant\n01/11/2026;1,00\n2026-13-45;1,00\n", "cc.csv");
  CHECK(m.find("cc.csv:4: the date '2026-13-45' is not DD/MM/YYYY, DD/MM/YY or YYYY-MM-DD") == 0);
  m = Refusal("Date;Débit;Crédit\n01/11/2026;1,00;2,00\n", "cc.csv");
  CHECK(m.find("cc.csv:2: the line has both a debit and a credit") == 0);
  m = Refusal("Date;Débit;Crédit\n01/11/2026;;\n", "cc.csv");
  CHECK(m.find("cc.csv:2: the line has neither a debit nor a credit") == 0);
  m = Refusal("Date;Montant\n01/11/2026;douze\n", "cc.csv");
  CHECK(m.find("cc.csv:2: the amount 'douze'") == 0);
  m = Refusal("\xef\xbb\xbf  \n", "empty.csv");
  CHECK(m.find("empty.csv is empty") == 0);
}

TEST_CASE("an unmatched statement line gets the command that records it, or whom to ask",
          "[wallet][statement][advice]") {
  AdviceContext ctx;
  ctx.offices = {{"Bureau de la Gare", "roue1qoffice", 35'00}, {"Mairie annexe", "roue1qm", 80'00}};
  ctx.merchants = {{"Boulangerie du Rhône", "roue1qshop", 28'50}};
  auto line = [](int64_t amount, std::string label, std::string ref = "R-1") {
    BankLine b;
    b.amount = amount;
    b.label = std::move(label);
    b.reference = std::move(ref);
    return b;
  };
  CHECK(AdviseBankLine(line(-2'50, "FRAIS TENUE DE COMPTE", "FR-11"), ctx) ==
        "a bank fee: record it with `liard bank-fee --eur 2,50 --ref FR-11`");
  for (const char* label :
       {"Commission d'intervention", "COTISATION CARTE AFFAIRES", "Agios trimestriels"}) {
    INFO(label);
    CHECK(AdviseBankLine(line(-1'00, label), ctx).find("liard bank-fee --eur 1,00") !=
          std::string::npos);
  }
  CHECK(AdviseBankLine(line(1'20, "Intérêts créditeurs", "INT"), ctx) ==
        "bank interest: record it with `liard bank-interest --eur 1,20 --ref INT`");
  // The office holding exactly the amount is named.
  std::string a = AdviseBankLine(line(35'00, "REMISE ESPECES", "REM-2"), ctx);
  CHECK(a.find("the office Bureau de la Gare, which holds 35,00") != std::string::npos);
  CHECK(a.find("`liard deposit --office roue1qoffice --eur 35,00 --ref REM-2`") !=
        std::string::npos);
  // Less than an office holds: part of its cash.
  a = AdviseBankLine(line(50'00, "REMISE", "REM-3"), ctx);
  CHECK(a.find("--office roue1qm --eur 50,00") != std::string::npos);
  a = AdviseBankLine(line(-28'50, "VIR SEPA", "VIR-9"), ctx);
  CHECK(a.find("the merchant Boulangerie du Rhône, who is owed 28,50") != std::string::npos);
  CHECK(a.find("`liard payout --merchant roue1qshop --eur 28,50 --ref VIR-9`") !=
        std::string::npos);
  // Nothing liard knows: say so and whom to ask.
  a = AdviseBankLine(line(-99'00, "PRLV SEPA INCONNU", "X"), ctx);
  CHECK(a.find("not a movement liard knows") == 0);
  CHECK(a.find("ask the bank (reference X) and the board") != std::string::npos);
  a = AdviseBankLine(line(500'00, "VIR RECU", "S"), ctx);
  CHECK(a.find("`liard fund-programme NAME --eur 500,00 --ref S`") != std::string::npos);
  // A line without a reference: the command needs one, and says how it will match.
  a = AdviseBankLine(line(-2'50, "FRAIS", ""), ctx);
  CHECK(a.find("--ref REF`") != std::string::npos);
  CHECK(a.find("no reference") != std::string::npos);

  // The same reference recorded with another amount.
  ctx.unmatched = {LedgerMovement{8, 0, 100'00, "SPONSOR-0012", "fund-programme"}};
  a = AdviseBankLine(line(1'000'00, "VIR RECU", "SPONSOR-0012"), ctx);
  CHECK(a ==
        "the ledger recorded reference SPONSOR-0012 as 100,00 (entry 8, fund-programme), the "
        "statement shows 1000,00: check the amount with the bank; a recorded entry is never "
        "changed, so if the bank is right record the difference of 900,00 the same way, and "
        "if the ledger is, tell the board");

  LedgerMovement m{7, 0, 35'00, "REM-1", "deposit"};
  a = AdviseLedgerMovement(m);
  CHECK(a.find("not yet on this statement: look at the next one; if the bank never shows it, ") ==
        0);
  CHECK(a.find("deposit slip") != std::string::npos);
  m.what = "payout";
  CHECK(AdviseLedgerMovement(m).find("pay the merchant again only once the bank says it was "
                                     "rejected") != std::string::npos);
}

}  // namespace
}  // namespace liard::wallet

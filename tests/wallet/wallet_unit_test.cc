// Unit tests of the wallet's local logic: key files, CSV batches, payment URIs, formatting.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ledger/address.h"
#include "ledger/crypto.h"
#include "wallet-cli/batch.h"
#include "wallet-cli/board_diff.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/keystore.h"
#include "wallet-cli/payment_uri.h"
#include "wallet-cli/qr.h"
#include "wallet-cli/report_html.h"

namespace liard::wallet {
namespace {

// A directory of its own per test, removed afterwards.
struct ScratchDir {
  ScratchDir() {
    std::string tmpl = "/tmp/liard-wallet-unit-XXXXXX";
    path = mkdtemp(tmpl.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  std::string path;
};

Seed TestSeed(uint8_t fill) {
  Seed s;
  s.data.fill(fill);
  return s;
}

const PublicKey& Alice() {
  static const PublicKey k = KeyPair::FromSeed(TestSeed(1)).public_key();
  return k;
}

std::string AliceAddress() { return EncodeAddress("ROUE", Alice()); }

}  // namespace

TEST_CASE("a key file opens with its passphrase and gives back the seed", "[wallet][keys]") {
  KeyFile f;
  REQUIRE(SealSeed(TestSeed(7), "correct horse battery", KdfLimits::kInteractive, &f).ok());
  CHECK(f.public_key == KeyPair::FromSeed(TestSeed(7)).public_key());
  CHECK(f.account == f.public_key);
  KeyFile back;
  REQUIRE(KeyFileFromJson(KeyFileToJson(f), "test", &back).ok());
  Seed seed;
  REQUIRE(OpenSeed(back, "correct horse battery", "alice", &seed).ok());
  CHECK(seed == TestSeed(7));
}

TEST_CASE("a wrong passphrase is exit 4 and names the key", "[wallet][keys]") {
  KeyFile f;
  REQUIRE(SealSeed(TestSeed(7), "correct horse battery", KdfLimits::kInteractive, &f).ok());
  Seed seed;
  CliStatus s = OpenSeed(f, "correct horse batterY", "alice", &seed);
  CHECK(s.exit() == Exit::kWrongPassphrase);
  CHECK(s.exit_code() == 4);
  CHECK(s.message() == "wrong passphrase for key 'alice'");
}

TEST_CASE("the key file never holds the seed or the passphrase in clear", "[wallet][keys]") {
  KeyFile f;
  REQUIRE(SealSeed(TestSeed(9), "a long passphrase", KdfLimits::kInteractive, &f).ok());
  std::string json = KeyFileToJson(f);
  CHECK(json.find(ToHex(TestSeed(9))) == std::string::npos);
  CHECK(json.find("a long passphrase") == std::string::npos);
  CHECK(json.find("\"kdf\": \"argon2id13\"") != std::string::npos);
}

TEST_CASE("key files are written 0600 in a 0700 directory and never overwritten",
          "[wallet][keys]") {
  ScratchDir tmp;
  KeyStore store(tmp.path + "/liard/keys");
  KeyFile f;
  REQUIRE(SealSeed(TestSeed(3), "passphrase!", KdfLimits::kInteractive, &f).ok());
  REQUIRE(store.Write("alice", f).ok());
  struct stat st;
  REQUIRE(stat(store.PathOf("alice").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(stat(store.dir().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  std::string before;
  {
    std::ifstream in(store.PathOf("alice"));
    before.assign(std::istreambuf_iterator<char>(in), {});
  }
  KeyFile other;
  REQUIRE(SealSeed(TestSeed(4), "passphrase!", KdfLimits::kInteractive, &other).ok());
  CliStatus s = store.Write("alice", other);
  CHECK(s.exit() == Exit::kUsage);
  CHECK(s.message().find("exists already") != std::string::npos);
  std::ifstream in(store.PathOf("alice"));
  std::string after(std::istreambuf_iterator<char>(in), {});
  CHECK(after == before);

  std::vector<std::string> names;
  REQUIRE(store.List(&names).ok());
  CHECK(names == std::vector<std::string>{"alice"});
}

TEST_CASE("a key name must be a safe file name", "[wallet][keys]") {
  CHECK(IsValidKeyName("alice"));
  CHECK(IsValidKeyName("mairie-2026_v1.0"));
  CHECK_FALSE(IsValidKeyName(""));
  CHECK_FALSE(IsValidKeyName("../etc/passwd"));
  CHECK_FALSE(IsValidKeyName(".hidden"));
  CHECK_FALSE(IsValidKeyName("a b"));
}

TEST_CASE("a damaged or crafted key file is refused with a local error", "[wallet][keys]") {
  KeyFile f;
  REQUIRE(SealSeed(TestSeed(3), "passphrase!", KdfLimits::kInteractive, &f).ok());
  KeyFile out;
  CHECK(KeyFileFromJson("not json", "x", &out).exit() == Exit::kLocal);
  f.memlimit = uint64_t{1} << 40;  // a terabyte: would make the wallet hang or die
  CHECK(KeyFileFromJson(KeyFileToJson(f), "x", &out).exit() == Exit::kLocal);
}

TEST_CASE("a seed is 64 hex characters and white space around ignored", "[wallet][keys]") {
  Seed s;
  CHECK(ParseSeedHex(std::string(64, 'a') + "\n", &s).ok());
  CHECK(s == TestSeed(0xaa));
  CHECK(ParseSeedHex(std::string(63, 'a'), &s).exit() == Exit::kUsage);
  CHECK(ParseSeedHex(std::string(64, 'g'), &s).exit() == Exit::kUsage);
}

TEST_CASE("CSV: quotes and separators inside quotes and doubled quotes and line breaks",
          "[wallet][csv]") {
  std::vector<CsvRecord> r;
  REQUIRE(ParseCsv("a,\"12,50\",\"say \"\"hi\"\"\"\nb,3,\"two\nlines\"\nc,4,x\n", &r).ok());
  REQUIRE(r.size() == 3);
  CHECK(r[0].fields == std::vector<std::string>{"a", "12,50", "say \"hi\""});
  CHECK(r[1].fields == std::vector<std::string>{"b", "3", "two\nlines"});
  CHECK(r[2].line == 4);  // the quoted line break moved it down
}

TEST_CASE("CSV: the semicolon is the separator when the first line uses it", "[wallet][csv]") {
  std::vector<CsvRecord> r;
  char sep = 0;
  REQUIRE(ParseCsv("address;amount;memo\r\nroue1x;12,50;indemnité\r\n", &r, &sep).ok());
  CHECK(sep == ';');
  REQUIRE(r.size() == 2);
  CHECK(r[1].fields == std::vector<std::string>{"roue1x", "12,50", "indemnité"});
}

TEST_CASE("CSV: CRLF and empty lines and a byte order mark are handled", "[wallet][csv]") {
  std::vector<CsvRecord> r;
  REQUIRE(ParseCsv("\xEF\xBB\xBF"
                   "a,1\r\n\r\n\nb,2\r\n",
                   &r)
              .ok());
  REQUIRE(r.size() == 2);
  CHECK(r[0].fields[0] == "a");
  CHECK(r[1].line == 4);
  CHECK(r[1].fields == std::vector<std::string>{"b", "2"});
}

TEST_CASE("CSV: an unterminated quote names its line", "[wallet][csv]") {
  std::vector<CsvRecord> r;
  CliStatus s = ParseCsv("a,1\nb,\"2\nc,3\n", &r);
  CHECK(s.exit() == Exit::kUsage);
  CHECK(s.message() == "line 2: a quoted field is never closed");
  s = ParseCsv("a,\"1\"x\n", &r);
  CHECK(s.message().find("line 1") == 0);
}

TEST_CASE("CSV: a bank export is read leniently, one record per line", "[wallet][csv]") {
  std::vector<CsvRecord> r;
  char sep = 0;
  // What the strict reader refuses, a statement must still read: a quote inside a label, text
  // after a closing quote, and a quote the line leaves open (it ends with the line).
  const std::string bank =
      "\xEF\xBB\xBF Date ;Montant;Libell\xc3\xa9\r\n"
      "26/11/2026;1 234,56;VIR \"SEPA\" MAIRIE\r\n"
      "\r\n"
      "27/11/2026;\"-12,00\" ;\"CB \"\"BIO\"\"\" x\r\n"
      "28/11/2026;3,00;\"open\n"
      "29/11/2026;4,00;a;b\n";
  CHECK(ParseCsv(bank, &r).exit() == Exit::kUsage);
  REQUIRE(ParseCsv(bank, &r, &sep, CsvQuotes::kLenient).ok());
  CHECK(sep == ';');
  REQUIRE(r.size() == 5);
  CHECK(r[0].line == 1);
  CHECK(r[0].fields == std::vector<std::string>{" Date ", "Montant", "Libell\xc3\xa9"});
  CHECK(r[1].fields == std::vector<std::string>{"26/11/2026", "1 234,56", "VIR SEPA MAIRIE"});
  CHECK(r[2].line == 4);  // the empty line is skipped, and counted
  CHECK(r[2].fields == std::vector<std::string>{"27/11/2026", "-12,00 ", "CB \"BIO\" x"});
  CHECK(r[3].line == 5);
  CHECK(r[3].fields == std::vector<std::string>{"28/11/2026", "3,00", "open"});
  CHECK(r[4].line == 6);
  CHECK(r[4].fields == std::vector<std::string>{"29/11/2026", "4,00", "a", "b"});
  // Both readers agree on a well-formed file, comma-separated too.
  const std::string plain = "date,amount\r\n2026-11-26,\"1,00\"\r\n";
  std::vector<CsvRecord> strict, lenient;
  REQUIRE(ParseCsv(plain, &strict).ok());
  REQUIRE(ParseCsv(plain, &lenient, nullptr, CsvQuotes::kLenient).ok());
  REQUIRE(strict.size() == 2);
  REQUIRE(lenient.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(strict[i].line == lenient[i].line);
    CHECK(strict[i].fields == lenient[i].fields);
  }
  CHECK(lenient[1].fields == std::vector<std::string>{"2026-11-26", "1,00"});
}

TEST_CASE("a batch reports every bad line with its number and keeps the good ones",
          "[wallet][csv]") {
  std::string good = AliceAddress();
  std::string typo = good;
  typo[10] = typo[10] == 'q' ? 'p' : 'q';
  std::string csv = "address,amount,memo\n" + good + ",\"12,50\",indemnité\n" + typo + ",1.00,x\n" +
                    good + ",12.505,x\n" + good + ",0,x\n" + good + ",3\n" + good + ",1,2,3,4\n";
  std::vector<CsvRecord> records;
  REQUIRE(ParseCsv(csv, &records).ok());
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> problems;
  CheckBatch(records, "ROUE", 2, &lines, &problems);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].line == 2);
  CHECK(lines[0].amount.minor() == 1250);
  CHECK(lines[0].memo == "indemnité");
  CHECK(lines[1].line == 6);
  CHECK(lines[1].amount.minor() == 300);
  REQUIRE(problems.size() == 4);
  CHECK(problems[0].line == 3);
  CHECK(problems[0].message.find("checksum") != std::string::npos);
  CHECK(problems[1].line == 4);
  CHECK(problems[1].message.find("12.505") != std::string::npos);
  CHECK(problems[2].line == 5);
  CHECK(problems[2].message == "the amount must be above zero");
  CHECK(problems[3].line == 7);
  CHECK(problems[3].message.find("2 or 3 fields") != std::string::npos);
}

TEST_CASE("a batch of another currency's addresses is refused line by line", "[wallet][csv]") {
  std::vector<CsvRecord> records;
  REQUIRE(ParseCsv(EncodeAddress("GONETTE", Alice()) + ",1\n", &records).ok());
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> problems;
  CheckBatch(records, "ROUE", 2, &lines, &problems);
  CHECK(lines.empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 1);
  CHECK(problems[0].message.find("another currency") != std::string::npos);
}

TEST_CASE("an empty batch file is a problem", "[wallet][csv]") {
  std::vector<CsvRecord> records;
  REQUIRE(ParseCsv("\n\n", &records).ok());
  std::vector<BatchLine> lines;
  std::vector<BatchProblem> problems;
  CheckBatch(records, "ROUE", 2, &lines, &problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "the file holds no payment line");
}

TEST_CASE("a payment URI round-trips and with the memo percent-encoded and '.' in the amount",
          "[wallet][uri]") {
  PaymentRequest r;
  r.address = AliceAddress();
  r.has_amount = true;
  r.amount = Amount(1250);
  r.memo = "pain & café 100%";
  r.ledger_prefix = "4a077548408d09e0";
  std::string uri = BuildPaymentUri(r, 2);
  CHECK(uri == "liard:" + AliceAddress() +
                   "?amount=12.50&memo=pain%20%26%20caf%C3%A9%20100%25&ledger=4a077548408d09e0");
  PaymentRequest back;
  REQUIRE(ParsePaymentUri(uri, 2, &back).ok());
  CHECK(back.address == r.address);
  CHECK(back.has_amount);
  CHECK(back.amount == r.amount);
  CHECK(back.memo == r.memo);
  CHECK(back.ledger_prefix == r.ledger_prefix);
}

TEST_CASE("payment URIs: extensions are ignored and the scheme is case-insensitive",
          "[wallet][uri]") {
  PaymentRequest r;
  REQUIRE(ParsePaymentUri("LIARD:" + AliceAddress() + "?x-till=3&amount=5", 2, &r).ok());
  CHECK(r.amount.minor() == 500);
  CHECK(r.memo.empty());
  REQUIRE(ParsePaymentUri("liard:" + AliceAddress(), 2, &r).ok());
  CHECK_FALSE(r.has_amount);
}

TEST_CASE("payment URIs that are wrong are refused with a reason", "[wallet][uri]") {
  const std::string a = "liard:" + AliceAddress();
  PaymentRequest r;
  auto why = [&](const std::string& uri) {
    CliStatus s = ParsePaymentUri(uri, 2, &r);
    CHECK(s.exit() == Exit::kUsage);
    return s.message();
  };
  CHECK(why("bitcoin:" + AliceAddress()).find("liard:") != std::string::npos);
  CHECK(why("liard:?amount=1").find("no address") != std::string::npos);
  CHECK(why(a + "?amount=12,50").find("'.'") != std::string::npos);
  CHECK(why(a + "?amount=12.505").find("12.505") != std::string::npos);
  CHECK(why(a + "?amount=0").find("above zero") != std::string::npos);
  CHECK(why(a + "?amount=1&amount=2").find("twice") != std::string::npos);
  CHECK(why(a + "?label=x").find("unknown parameter 'label'") != std::string::npos);
  CHECK(why(a + "?memo=%zz").find("two hex digits") != std::string::npos);
  CHECK(why(a + "?memo=%0Aline").find("control") != std::string::npos);
  CHECK(why(a + "?ledger=4A07").find("16 lower-case") != std::string::npos);
  CHECK(why(a + "?memo").find("no '='") != std::string::npos);
}

TEST_CASE("the decimal separator follows LC_ALL and then LC_NUMERIC and then LANG",
          "[wallet][format]") {
  CHECK(DecimalSeparatorFor("", "", "fr_FR.UTF-8") == ',');
  CHECK(DecimalSeparatorFor("", "", "en_GB.UTF-8") == '.');
  CHECK(DecimalSeparatorFor("C", "", "fr_FR.UTF-8") == '.');
  CHECK(DecimalSeparatorFor("", "fr_BE.UTF-8", "en_US.UTF-8") == ',');
  CHECK(DecimalSeparatorFor("", "", "eu_ES@euro") == ',');
  CHECK(DecimalSeparatorFor("", "", "") == '.');
  CHECK(DecimalSeparatorFor("", "", "french") == '.');
}

TEST_CASE("amounts show the ledger's code and euros always show EUR", "[wallet][format]") {
  Money fr("ROUE", 2, ',');
  CHECK(fr.Units(1250) == "12,50 ROUE");
  CHECK(fr.SignedUnits(1250) == "+12,50 ROUE");
  CHECK(fr.SignedUnits(-300) == "-3,00 ROUE");
  CHECK(fr.Euros(1000) == "10,00 EUR");
  CHECK(fr.Plain(1250) == "12.50");
  CHECK(fr.Percent(10000) == "100,00 %");
  Money en("ROUE", 2, '.');
  CHECK(en.Units(1) == "0.01 ROUE");
  CHECK(en.Percent(9999) == "99.99 %");
  Money whole("EUSKO", 0, ',');
  CHECK(whole.Units(12) == "12 EUSKO");
}

TEST_CASE("addresses are shortened for tables and names come first", "[wallet][format]") {
  std::string a = AliceAddress();
  CHECK(ShortAddress(a) == a.substr(0, 10) + "…" + a.substr(a.size() - 4));
  CHECK(Party("Alice", a) == "Alice (" + ShortAddress(a) + ")");
  CHECK(Party("", a) == ShortAddress(a));
}

TEST_CASE("text from the network cannot carry terminal control characters", "[wallet][format]") {
  CHECK(SafeText("Boulangerie du Rhône") == "Boulangerie du Rhône");
  CHECK(SafeText("evil\x1b[2Jname").find('\x1b') == std::string::npos);
}

TEST_CASE("one sanitiser shows every hidden character as a visible escape", "[wallet][format]") {
  // Controls: C0, ESC (an OSC 52 clipboard write), DEL, C1 (CSI as U+009B).
  CHECK(SafeText("a\x1b]52;c;aGk=\x07"
                 "b") == "a\\u{001B}]52;c;aGk=\\u{0007}b");
  CHECK(SafeText("x\x7fy\u009b2J") == "x\\u{007F}y\\u{009B}2J");
  CHECK(SafeText("line\nnext") == "line\\u{000A}next");
  CHECK(SafeText("line\nnext", wallet::Newlines::kKeep) == "line\nnext");
  // Bidi controls and other format characters, and invisible ones.
  CHECK(SafeText("Boulangerie\u202e du Rh\u00f4ne") == "Boulangerie\\u{202E} du Rh\u00f4ne");
  CHECK(SafeText("a\u200db\u2066c\ufeffd\u00ade") == "a\\u{200D}b\\u{2066}c\\u{FEFF}d\\u{00AD}e");
  CHECK(SafeText("tag\U000e0041") == "tag\\u{E0041}");
  // Bytes that are not UTF-8 are shown as bytes; visible text is left alone, escapes stay put.
  CHECK(SafeText("caf\xe9") == "caf\\x{E9}");
  CHECK(SafeText("\xc0\xaf") == "\\x{C0}\\x{AF}");
  CHECK(SafeText("Caf\u00e9 \u00e0 12\u202fh, 1 \u20ac") == "Caf\u00e9 \u00e0 12\u202fh, 1 \u20ac");
  CHECK(SafeText(SafeText("a\x1b"
                          "b")) == SafeText("a\x1b"
                                            "b"));
}

TEST_CASE("tables and confirmations pass names through the sanitiser", "[wallet][format]") {
  CHECK(RenderTable({{"\x1b[31mred", "1"}}) == "\\u{001B}[31mred  1\n");
  CHECK(PartyInFull("Boulangerie\u202e", "merchant", "roue1qabc") ==
        "Boulangerie\\u{202E} (merchant, roue1qabc)");
  CHECK(PartyInFull("", "resident", "roue1qabc") == "an unnamed account (resident, roue1qabc)");
  CHECK(KindWord(2) == "merchant");
  CHECK(KindWord(99) == "unknown");
  // The report's HTML escaping goes through it too: a bidi override cannot reorder the page.
  CHECK(HtmlEscape("<b>Rh\u00f4ne\u202e</b>") == "&lt;b&gt;Rh\u00f4ne\\u{202E}&lt;/b&gt;");
}

TEST_CASE("tables align by characters and not bytes", "[wallet][format]") {
  std::string t = RenderTable({{"é", "1"}, {"ab", "22"}}, {1});
  CHECK(t == "é    1\nab  22\n");
}

TEST_CASE("a payment request renders as a QR code with a quiet zone", "[wallet][qr]") {
  std::string out;
  QrStyle plain;
  plain.ansi_colours = false;
  REQUIRE(RenderQr("liard:" + AliceAddress() + "?amount=12.50", plain, &out).ok());
  // The first line is all quiet zone (light), and every line has the same width.
  std::string first = out.substr(0, out.find('\n'));
  CHECK(first.find_first_not_of(' ') == std::string::npos);
  CHECK(out.find("█") != std::string::npos);
  CHECK(out.find("\x1b") == std::string::npos);
  QrStyle coloured;
  REQUIRE(RenderQr("liard:x", coloured, &out).ok());
  CHECK(out.find("\x1b[") != std::string::npos);
}

}  // namespace liard::wallet

TEST_CASE("a membership date runs through its whole day in UTC and impossible dates are refused",
          "[wallet][format]") {
  int64_t ms = 0;
  REQUIRE(liard::wallet::ParseDateEnd("1970-01-01", &ms));
  CHECK(ms == 86'400'000);
  REQUIRE(liard::wallet::ParseDateEnd("2024-02-29", &ms));
  CHECK(ms == 1'709'251'200'000);  // 2024-03-01T00:00:00Z
  CHECK(liard::wallet::UtcDate(ms - 1) == "2024-02-29");
  REQUIRE(liard::wallet::ParseDateEnd("2026-12-31", &ms));
  CHECK(liard::wallet::UtcIso(ms) == "2027-01-01T00:00:00Z");
  for (const char* bad : {"2023-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01",
                          "1969-12-31", "2026-04-31", "2026/01/01", ""})
    CHECK_FALSE(liard::wallet::ParseDateEnd(bad, &ms));
}

TEST_CASE("a proposal's expiry is a duration in days or hours or minutes or a date",
          "[wallet][format]") {
  const int64_t now = 1'700'000'000'000;
  int64_t ms = 0;
  REQUIRE(liard::wallet::ParseExpiry("7d", now, &ms));
  CHECK(ms == now + 7 * 86'400'000LL);
  REQUIRE(liard::wallet::ParseExpiry("48h", now, &ms));
  CHECK(ms == now + 48 * 3'600'000LL);
  REQUIRE(liard::wallet::ParseExpiry("90m", now, &ms));
  CHECK(ms == now + 90 * 60'000LL);
  REQUIRE(liard::wallet::ParseExpiry("2026-01-31", now, &ms));
  CHECK(liard::wallet::UtcIso(ms) == "2026-02-01T00:00:00Z");
  for (const char* bad : {"0d", "7", "d", "7w", "-1d", "1.5d", "9999999d"})
    CHECK_FALSE(liard::wallet::ParseExpiry(bad, now, &ms));
}

TEST_CASE("board decisions read as sentences naming the accounts and the reasons",
          "[wallet][describe]") {
  using namespace liard;
  wallet::Money money("ROUE", 2, ',');
  AccountId a = KeyPair::FromSeed(Seed{}).public_key();
  auto name_of = [](const AccountId&) { return std::string("Alice Martin"); };
  CHECK(wallet::DescribeDecision(Freeze{a, "phone\x1b[2J stolen"}, name_of, money) ==
        "freeze Alice Martin « phone\\u{001B}[2J stolen »");
  CHECK(wallet::DescribeDecision(GrantRole{a, Role::kAuditor}, name_of, money) ==
        "grant the auditor role to Alice Martin");
  CHECK(wallet::DescribeDecision(RevokeRole{a, Role::kBoardMember}, name_of, money) ==
        "revoke the board-member role from Alice Martin");
  CHECK(wallet::DescribeDecision(SetThreshold{2}, name_of, money) == "make 2 approvals decide");
  Seed node_seed;
  node_seed.data[0] = 7;
  const PublicKey node_key = KeyPair::FromSeed(node_seed).public_key();
  CHECK(wallet::DescribeDecision(SetNodeKey{node_key}, name_of, money) ==
        "make the node sign its checkpoints with node key " + KeyFingerprint(node_key) + " (" +
            ToHex(node_key) + ")");
  CHECK(wallet::DescribeDecision(Resume{}, name_of, money) == "resume payments");
  OpenAccount open{a, AccountKind::kResident, "Dora", 1'709'251'200'000, Amount(10'00)};
  CHECK(wallet::DescribeDecision(open, name_of, money) ==
        "open a resident account 'Dora' for Alice Martin, member until 2024-02-29, fee "
        "10,00 EUR");
  Rules rules;
  rules.reconversion = {5, 100, 1};
  rules.limits.push_back({AccountKind::kResident, 150'00, 300'00, 0});
  CHECK(wallet::DescribeDecision(SetRules{rules}, name_of, money) ==
        "set the rules: backing 1/1; conversion from 0,01 EUR to no maximum; reconversion fee "
        "5/100 from 0,01 ROUE; resident: max payment 150,00 ROUE, daily outgoing 300,00 ROUE, "
        "balance ceiling none; no bonus programme");
}

TEST_CASE("a rules change is told field by field, before and after, and the rest named unchanged",
          "[wallet][board][diff]") {
  using namespace liard;
  wallet::Money money("ROUE", 2, ',');
  Rules before;
  before.reconversion = {5, 100, 1};
  Programme agglo;
  agglo.name = "agglo";
  agglo.sponsor = "Grand Avignon";
  agglo.ratio_num = 12;
  agglo.ratio_den = 10;
  before.programmes = {agglo};
  Rules after = before;
  after.reconversion.fee_num = 3;
  after.programmes[0].ratio_num = 15;
  after.programmes[0].monthly_cap = 50'00;
  after.programmes[0].ends_ms = 1'798'761'600'000;  // 2027-01-01 00:00 UTC
  after.limits.push_back({AccountKind::kResident, 150'00, 0, 0});
  wallet::Change c;
  wallet::DiffRules(before, after, money, &c);
  CHECK(c.lines == std::vector<std::string>{
                       "reconversion fee: 5/100 (5 %) → 3/100 (3 %)",
                       "resident limits: largest payment: none → 150,00 ROUE",
                       "programme 'agglo' bonus ratio: 12/10 (bonus +20 %) → 15/10 (bonus +50 %)",
                       "programme 'agglo' ends: no end → 2027-01-01",
                       "programme 'agglo' monthly cap per member: none → 50,00 ROUE",
                   });
  CHECK(c.unchanged == std::vector<std::string>{"backing", "smallest conversion",
                                                "largest conversion", "smallest reconversion"});
  // Percentages only when exact, never through floating point.
  CHECK(wallet::RatioWithPercent(1, 3, money) == "1/3");
  CHECK(wallet::RatioWithPercent(25, 1000, money) == "25/1000 (2,5 %)");
  CHECK(wallet::RatioWithPercent(0, 1, money) == "none (0)");
  CHECK(wallet::RatioWithPercent(1, 1, money, wallet::RatioOf::kBonus) == "1/1 (bonus +0 %)");
  // A dropped programme, and one added.
  Rules swapped = before;
  swapped.programmes[0].name = "market";
  wallet::Change d;
  wallet::DiffRules(before, swapped, money, &d);
  REQUIRE(d.lines.size() == 2);
  CHECK(d.lines[0].find("programme 'agglo': sponsor « Grand Avignon »") == 0);
  CHECK(d.lines[0].find("→ dropped") != std::string::npos);
  CHECK(d.lines[1].find("programme 'market': none → added: sponsor « Grand Avignon », bonus "
                        "ratio 12/10 (bonus +20 %) rounded down to 0,01 ROUE") == 0);
  // The same programmes in another order are other rules: said, not hidden.
  Rules two = before;
  two.programmes.push_back(swapped.programmes[0]);
  Rules reordered = two;
  std::swap(reordered.programmes[0], reordered.programmes[1]);
  wallet::Change e;
  wallet::DiffRules(two, reordered, money, &e);
  CHECK(e.lines ==
        std::vector<std::string>{"order of the programmes: agglo, market → market, agglo"});
}

TEST_CASE("a rules change that names a default programme says which bonus conversions get",
          "[wallet][board][diff]") {
  using namespace liard;
  wallet::Money money("ROUE", 2, '.');
  Rules before;
  Programme agglo;
  agglo.name = "agglo";
  agglo.sponsor = "Grand Avignon";
  agglo.ratio_num = 12;
  agglo.ratio_den = 10;
  before.programmes = {agglo};
  Rules after = before;
  after.default_programme = "agglo";
  wallet::Change c;
  wallet::DiffRules(before, after, money, &c);
  CHECK(c.lines == std::vector<std::string>{
                       "default programme: none (a conversion gets a bonus only when it names a "
                       "programme) → 'agglo' (a conversion that names no programme gets its "
                       "bonus, 12/10 (bonus +20 %))"});
  CHECK(c.warnings.empty());
  // Kept: named among what stays. Ledgers that name none never hear of it (see above).
  wallet::Change same;
  wallet::DiffRules(after, after, money, &same);
  CHECK(same.lines.empty());
  CHECK(std::count(same.unchanged.begin(), same.unchanged.end(), "default programme") == 1);
  // A default the rules do not have: the ledger will refuse it, and the board reads so first.
  Rules ghost = after;
  ghost.default_programme = "market";
  wallet::Change g;
  wallet::DiffRules(after, ghost, money, &g);
  REQUIRE(g.lines.size() == 1);
  CHECK(g.lines[0].find("→ 'market' (a programme these rules do not have)") != std::string::npos);
  REQUIRE(g.warnings.size() == 1);
  CHECK(g.warnings[0].find("the ledger will refuse this") != std::string::npos);
  // In French, with the French percentage.
  const char* argv[] = {"wallet_tests", "--lang", "fr"};
  wallet::InitLanguage(3, const_cast<char**>(argv));
  wallet::Change f;
  wallet::DiffRules(before, after, money, &f);
  wallet::SetLanguage(wallet::Language::kEnglish);
  CHECK(f.lines == std::vector<std::string>{
                       "programme par défaut\u00a0: aucun (une conversion n'est bonifiée que si "
                       "elle nomme un programme) → «\u00a0agglo\u00a0» (une conversion qui ne "
                       "nomme aucun programme reçoit sa bonification, 12/10 (bonification "
                       "+20,00\u00a0%))"});
}

TEST_CASE("a decision about an account names it and says what changes for it",
          "[wallet][board][diff]") {
  using namespace liard;
  wallet::Money money("ROUE", 2, '.');
  const AccountId alice = KeyPair::FromSeed(Seed{}).public_key();
  Seed other_seed;
  other_seed.data.fill(7);
  const PublicKey fresh = KeyPair::FromSeed(other_seed).public_key();
  wallet::BoardState now;
  now.board_size = 3;
  now.threshold = 2;
  wallet::WhoFn who = [](const AccountId&) { return std::string("Alice (roue1qfull)"); };
  wallet::CardFn card_of = [&](const AccountId& id, wallet::pb::AccountCard* card) {
    if (id != alice) return false;
    card->set_kind(wallet::pb::ACCOUNT_KIND_RESIDENT);
    card->set_status(wallet::pb::ACCOUNT_STATUS_ACTIVE);
    card->set_key(std::string(alice.view()));
    return true;
  };
  wallet::Change rekey = wallet::DescribeChange(Rekey{alice, fresh}, now, who, card_of, money);
  CHECK(rekey.lines == std::vector<std::string>{"Alice (roue1qfull) signing key: " + ToHex(alice) +
                                                " → " + ToHex(fresh)});
  CHECK(rekey.warnings.empty());
  wallet::Change same = wallet::DescribeChange(Rekey{alice, alice}, now, who, card_of, money);
  CHECK(same.warnings.size() == 1);
  wallet::Change freeze = wallet::DescribeChange(Freeze{alice, "stolen"}, now, who, card_of, money);
  CHECK(freeze.lines ==
        std::vector<std::string>{"Alice (roue1qfull): active → frozen, because « stolen »"});
  wallet::Change grant =
      wallet::DescribeChange(GrantRole{alice, Role::kBoardMember}, now, who, card_of, money);
  CHECK(grant.lines == std::vector<std::string>{
                           "board: 3 members → 4 members, 2 approvals decide",
                           "Alice (roue1qfull) (a resident account): gets the board-member role"});
  wallet::Change ghost =
      wallet::DescribeChange(GrantRole{fresh, Role::kAuditor}, now, who, card_of, money);
  CHECK(ghost.lines.empty());
  REQUIRE(ghost.warnings.size() == 1);
  CHECK(ghost.warnings[0].find("the ledger will refuse this") != std::string::npos);
  wallet::Change threshold = wallet::DescribeChange(SetThreshold{4}, now, who, card_of, money);
  CHECK(threshold.lines == std::vector<std::string>{"approvals that decide: 2 of 3 → 4 of 3"});
  CHECK(threshold.warnings.size() == 1);
}

// The monthly statement's pure parts (wallet-cli/account_statement.h): months as typed, their
// bounds in Europe/Paris (an entry at 23:30 UTC on the last day belongs to the next month), the
// balances worked back from now and refused when they do not add up, the CSV read back, the
// PDF's pages read back with pdftotext.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "ledger/civil_time.h"
#include "wallet-cli/account_statement.h"
#include "wallet-cli/csv.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

constexpr int64_t kHourMs = 3'600'000;

int64_t Utc(int y, int mo, int d, int h = 0, int mi = 0) {
  return DaysFromCivil(y, mo, d) * 86'400'000 + h * kHourMs + mi * 60'000;
}

// The display zone for one test, then none.
struct InZone {
  explicit InZone(const char* name) { SetDisplayZone(name); }
  ~InZone() { SetDisplayZone(""); }
};

struct InLanguage {
  explicit InLanguage(Language l) { SetLanguage(l); }
  ~InLanguage() { SetLanguage(Language::kEnglish); }
};

StatementEntry Entry(uint64_t seq, int64_t time, int64_t units, std::string memo = "") {
  StatementEntry e;
  e.sequence = seq;
  e.time_ms = time;
  e.units = units;
  e.kind = units > 0 ? "payment received" : "payment sent";
  e.counterparty = "Boulangerie du Rhône";
  e.memo = std::move(memo);
  return e;
}

TEST_CASE("statement: --month takes 2026-11 and 11/2026, nothing else", "[statement]") {
  CalendarMonth m;
  REQUIRE(ParseMonth("2026-11", &m));
  CHECK((m.year == 2026 && m.month == 11));
  REQUIRE(ParseMonth("11/2026", &m));
  CHECK((m.year == 2026 && m.month == 11));
  REQUIRE(ParseMonth("1/2027", &m));
  CHECK((m.year == 2027 && m.month == 1));
  for (const char* bad : {"", "2026", "2026-13", "2026-00", "2026-1", "2026/11", "13/2026",
                          "11-2026", "1969-12", "2026-11-01", "november", "+2026-11", "2026-1a"})
    CHECK_FALSE(ParseMonth(bad, &m));
}

TEST_CASE("statement: a month's bounds are in the currency's zone, not UTC", "[statement]") {
  InZone paris("Europe/Paris");
  int64_t start = 0, end = 0;
  MonthBounds({2026, 12}, &start, &end);
  CHECK(start == Utc(2026, 11, 30, 23));  // CET, UTC+1
  CHECK(end == Utc(2026, 12, 31, 23));
  // 23:30 UTC on 31 December is 00:30 on 1 January in Paris: January's, not December's.
  const int64_t late = Utc(2026, 12, 31, 23, 30);
  CHECK(late >= end);
  int64_t jan_start = 0, jan_end = 0;
  MonthBounds({2027, 1}, &jan_start, &jan_end);
  CHECK(jan_start == end);
  CHECK((late >= jan_start && late < jan_end));
  // Summer time: July starts at 22:00 UTC on 30 June.
  MonthBounds({2026, 7}, &start, &end);
  CHECK(start == Utc(2026, 6, 30, 22));
  CHECK(end == Utc(2026, 7, 31, 22));
  // March loses an hour (the 29th has 23): its end is still midnight in Paris, in summer time.
  MonthBounds({2026, 3}, &start, &end);
  CHECK(start == Utc(2026, 2, 28, 23));
  CHECK(end == Utc(2026, 3, 31, 22));
}

TEST_CASE("statement: balances worked back from now, the late entry in the next month",
          "[statement]") {
  InZone paris("Europe/Paris");
  int64_t start = 0, end = 0;
  MonthBounds({2026, 12}, &start, &end);
  // Newest first. The balance before the first entry was 0; now it is 100 + 20 - 12.50 + 5 - 3.
  StatementInput in;
  in.entries = {Entry(9, Utc(2026, 12, 31, 23, 30), -300),  // 1 January 00:30 in Paris
                Entry(7, Utc(2026, 12, 31, 22, 59), 500),   // 31 December 23:59 in Paris
                Entry(5, Utc(2026, 12, 10, 12), -1250, "pain"),
                Entry(4, Utc(2026, 11, 30, 23), 2000),  // the month's first instant
                Entry(2, Utc(2026, 11, 30, 22, 59), 10000)};
  in.balance_now = 10000 + 2000 - 1250 + 500 - 300;
  in.complete = true;
  AccountStatement s;
  REQUIRE(BuildStatement(in, start, end, &s).ok());
  CHECK(s.opening == 10000);
  CHECK(s.total_in == 2500);
  CHECK(s.total_out == 1250);
  CHECK(s.closing == 10000 + 2500 - 1250);
  CHECK(s.closing == in.balance_now + 300);  // the January payment is not December's
  REQUIRE(s.lines.size() == 3);
  CHECK(s.lines[0].entry.sequence == 4);  // oldest first
  CHECK(s.lines[0].balance == 12000);
  CHECK(s.lines[1].balance == 10750);
  CHECK(s.lines[2].balance == 11250);
  // January holds only the late entry.
  int64_t jan_start = 0, jan_end = 0;
  MonthBounds({2027, 1}, &jan_start, &jan_end);
  REQUIRE(BuildStatement(in, jan_start, jan_end, &s).ok());
  REQUIRE(s.lines.size() == 1);
  CHECK(s.lines[0].entry.sequence == 9);
  CHECK(s.opening == 11250);
  CHECK(s.total_out == 300);
  CHECK(s.closing == in.balance_now);
}

TEST_CASE("statement: a month without movements or before the account has equal balances",
          "[statement]") {
  InZone paris("Europe/Paris");
  StatementInput in;
  in.entries = {Entry(3, Utc(2026, 12, 2, 10), 700)};
  in.balance_now = 700;
  in.complete = true;
  int64_t start = 0, end = 0;
  MonthBounds({2026, 11}, &start, &end);  // before the account's first entry
  AccountStatement s;
  REQUIRE(BuildStatement(in, start, end, &s).ok());
  CHECK(s.lines.empty());
  CHECK(s.opening == 0);
  CHECK(s.closing == 0);
  const std::string text = RenderStatementText(StatementHeader{}, s, Money("ROUE", 2, '.'));
  CHECK(text.find("No movement this month.") != std::string::npos);
}

TEST_CASE("statement: a history that does not add up is refused, nothing rendered", "[statement]") {
  InZone paris("Europe/Paris");
  int64_t start = 0, end = 0;
  MonthBounds({2026, 12}, &start, &end);
  AccountStatement s;
  SECTION("a balance that would have been below zero") {
    StatementInput in;
    in.entries = {Entry(5, Utc(2026, 12, 10, 12), 5000)};
    in.balance_now = 1000;  // 1000 - 5000 before entry 5: impossible
    CliStatus st = BuildStatement(in, start, end, &s);
    CHECK(st.exit() == Exit::kLocal);
    CHECK(st.message().find("does not add up") != std::string::npos);
    CHECK(st.message().find("journal entry 5") != std::string::npos);
  }
  SECTION("a complete history that does not start from the opening balance") {
    StatementInput in;
    in.entries = {Entry(5, Utc(2026, 12, 10, 12), 500)};
    in.balance_now = 800;
    in.complete = true;
    in.balance_before_first = 0;  // 800 - 500 = 300, not 0
    CliStatus st = BuildStatement(in, start, end, &s);
    CHECK(st.exit() == Exit::kLocal);
    CHECK(st.message().find("before the first entry") != std::string::npos);
    in.balance_before_first = 300;  // a genesis account's opening balance
    CHECK(BuildStatement(in, start, end, &s).ok());
  }
  SECTION("entries out of order") {
    StatementInput in;
    in.entries = {Entry(5, Utc(2026, 12, 10, 12), 500), Entry(6, Utc(2026, 12, 9, 12), 500)};
    in.balance_now = 1000;
    CHECK(BuildStatement(in, start, end, &s).exit() == Exit::kLocal);
  }
}

AccountStatement Sample(size_t lines) {
  StatementInput in;
  int64_t start = 0, end = 0;
  MonthBounds({2026, 11}, &start, &end);
  in.balance_now = 0;
  for (size_t i = 0; i < lines; ++i) {
    const int64_t units = i % 3 == 2 ? -125050 : 214001;
    in.balance_now += units;
    in.entries.insert(in.entries.begin(), Entry(10 + i, start + static_cast<int64_t>(i) * 60'000,
                                                units, i == 0 ? "pain; « bio »" : "café"));
  }
  in.complete = true;
  AccountStatement s;
  REQUIRE(BuildStatement(in, start, end, &s).ok());
  return s;
}

StatementHeader Header() {
  StatementHeader h;
  h.association = "Association la Roue";
  h.currency_name = "la Roue";
  h.currency_code = "ROUE";
  h.account_name = "Boulangerie du Rhône";
  h.address = "roue1qexample";
  h.kind = "merchant";
  h.month = {2026, 11};
  h.zone = "Europe/Paris";
  return h;
}

TEST_CASE("statement: the CSV reads back, the French way in French", "[statement]") {
  InZone paris("Europe/Paris");
  const AccountStatement s = Sample(3);
  {
    InLanguage fr(Language::kFrench);
    const std::string csv = RenderStatementCsv(Header(), s, Money("ROUE", 2, ','));
    CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0);  // the byte order mark Excel needs
    std::vector<CsvRecord> records;
    char sep = 0;
    REQUIRE(ParseCsv(csv, &records, &sep).ok());
    CHECK(sep == ';');
    REQUIRE(records.size() == 4);
    CHECK(records[1].fields[0] == "01/11/2026");
    CHECK(records[1].fields[1] == "00:00:00");
    CHECK(records[1].fields[4] == "pain; « bio »");  // quoted, and back whole
    CHECK(records[1].fields[6] == "2140,01");        // credit, no grouping, no unit
    CHECK(records[3].fields[5] == "1250,50");        // debit
    CHECK(records[3].fields[7] == "3029,52");        // balance: 2140,01 * 2 - 1250,50
  }
  const std::string csv = RenderStatementCsv(Header(), s, Money("ROUE", 2, '.'));
  CHECK(csv.rfind("\xEF\xBB\xBF", 0) == std::string::npos);
  std::vector<CsvRecord> records;
  char sep = 0;
  REQUIRE(ParseCsv(csv, &records, &sep).ok());
  CHECK(sep == ',');
  REQUIRE(records.size() == 4);
  CHECK(records[0].fields[0] == "Date");
  CHECK(records[1].fields[0] == "2026-11-01");
  CHECK(records[1].fields[6] == "2140.01");
  CHECK(records[3].fields[7] == "3029.52");
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  REQUIRE(pclose(p) == 0);
  return out;
}

TEST_CASE("statement: the PDF is A4, breaks pages and numbers them, and reads back",
          "[statement]") {
  InZone paris("Europe/Paris");
  const AccountStatement s = Sample(150);
  std::string pdf;
  REQUIRE(RenderStatementPdf(Header(), s, Money("ROUE", 2, '.'), &pdf).ok());
  REQUIRE(pdf.rfind("%PDF-", 0) == 0);
  char path[] = "/tmp/liard-statement-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  { std::ofstream(path, std::ios::binary) << pdf; }
  const std::string info = Run(std::string("pdfinfo ") + path);
  const std::string text = Run(std::string("pdftotext -layout ") + path + " -");
  std::remove(path);
  CHECK(info.find("595.28 x 841.89 pts (A4)") != std::string::npos);
  const size_t pages_at = info.find("Pages:");
  REQUIRE(pages_at != std::string::npos);
  const int pages = std::stoi(info.substr(pages_at + 6));
  CHECK(pages >= 2);
  CHECK(text.find("page 1/" + std::to_string(pages)) != std::string::npos);
  CHECK(text.find("page " + std::to_string(pages) + "/" + std::to_string(pages)) !=
        std::string::npos);
  CHECK(text.find("Association la Roue") != std::string::npos);
  CHECK(text.find("Statement of account, November 2026") != std::string::npos);
  // Every movement is there, once: its journal entry's memo on each row.
  size_t rows = 0;
  for (size_t at = text.find("café"); at != std::string::npos; at = text.find("café", at + 1))
    ++rows;
  CHECK(rows == 149);
  CHECK(text.find("Total in") != std::string::npos);
  CHECK(text.find(Money("ROUE", 2, '.').Units(s.closing)) != std::string::npos);
}

}  // namespace
}  // namespace liard::wallet

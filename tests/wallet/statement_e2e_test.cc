// `liard statement` against the real liard-node, with the node's and the wallet's clock moved
// (libfaketime) to the last evening of December 2026: a conversion and payments in and out in
// December in Paris, then a payment at 23:30 UTC on 31 December, which is 00:30 on 1 January in
// Paris. The statement's balances and totals are checked against figures the test works out
// itself from `liard history --json` and the balance; text, CSV and PDF, English and French.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ledger/amount.h"
#include "ledger/civil_time.h"
#include "tests/e2e/fake_clock.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

constexpr int64_t kMinuteMs = 60'000;

int64_t Utc(int y, int mo, int d, int h, int mi) {
  return DaysFromCivil(y, mo, d) * 86'400'000 + (h * 60 + mi) * kMinuteMs;
}

// The offset that makes the fake clock read `target` now, in seconds, rounded up: the fake clock
// never reads before `target` (rounded down it read up to a second early, 23:29:59 for 23:30,
// and a fast machine paid the croissant at 00:29:59 in Paris).
std::string OffsetTo(int64_t target_ms) {
  const int64_t ms = target_ms - NowMs();
  const int64_t s = ms >= 0 ? (ms + 999) / 1000 : ms / 1000;
  return (s >= 0 ? "+" : "") + std::to_string(s);
}

// What the test expects of a month [start, end), worked out from the history alone.
struct Figures {
  int64_t opening = 0, closing = 0, in = 0, out = 0;
  size_t movements = 0;
};

Figures FromHistory(const nlohmann::json& history, int64_t balance_now, int64_t start,
                    int64_t end) {
  Figures f;
  f.opening = f.closing = balance_now;
  for (const auto& e : history["entries"]) {
    const int64_t t = e["time_ms"].get<int64_t>();
    const int64_t units = e["amount_minor"].get<int64_t>();
    if (t >= start) f.opening -= units;
    if (t >= end) f.closing -= units;
    if (t >= start && t < end && units != 0) {
      ++f.movements;
      (units > 0 ? f.in : f.out) += units > 0 ? units : -units;
    }
  }
  return f;
}

std::vector<std::vector<std::string>> CsvRows(std::string text, char sep) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find("\r\n", at);
    REQUIRE(eol != std::string::npos);  // CRLF, every line
    std::string line = text.substr(at, eol - at);
    REQUIRE(line.find('"') == std::string::npos);  // this month's memos need no quotes
    std::vector<std::string> fields;
    size_t from = 0;
    for (size_t i = 0; i <= line.size(); ++i)
      if (i == line.size() || line[i] == sep) {
        fields.push_back(line.substr(from, i - from));
        from = i + 1;
      }
    rows.push_back(fields);
    at = eol + 2;
  }
  return rows;
}

// Spaces as pdftotext and a test compare them: no-break ones as plain.
std::string Plain(std::string s) {
  for (const char* nb : {"\u00A0", "\u202F"})
    for (size_t at = s.find(nb); at != std::string::npos; at = s.find(nb)) s.replace(at, 2, " ");
  return s;
}

// Runs the wallet in French (LANG=fr_FR.UTF-8); it must succeed.
CommandResult InFrench(const WalletWorld& w, const std::vector<std::string>& args) {
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  CommandResult r = w.Liard(args, o);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::string French(int64_t v) { return FormatFrench(Amount(v), 2, "ROUE"); }
std::string English(int64_t v) { return FormatAmount(Amount(v), 2, "ROUE", '.'); }

TEST_CASE(
    "statement e2e: December in Paris adds up with the ledger, 23:30 UTC on the 31st is "
    "January's",
    "[statement]") {
  TempDir clock_dir;
  FakeClock clock(clock_dir);
  // 31 December 2026, 22:45 UTC: 23:45 in Paris, still December there.
  clock.Set(OffsetTo(Utc(2026, 12, 31, 22, 45)));
  WalletWorld w;
  const std::string alice = w.Address("alice"), shop = w.Address("shop");
  w.Ok({"--key", "office", "convert", "--member", alice, "--eur", "40,00", "--no-bonus", "--yes"});
  w.Ok({"--key", "alice", "pay", shop, "12,50", "--memo", "pain", "--yes"});
  w.Ok({"--key", "bob", "pay", alice, "5,00", "--memo", "courses", "--yes"});
  // 23:30 UTC: 00:30 on 1 January in Paris. The node is restarted there (a jump while it runs
  // would stop its writes: the clock guard).
  REQUIRE(w.node().Stop() == 0);
  clock.Set(OffsetTo(Utc(2026, 12, 31, 23, 30)));
  w.node().Start();
  w.Ok({"--key", "alice", "pay", shop, "3,00", "--memo", "croissant", "--yes"});

  // The test's own figures: Paris is UTC+1 in winter, so December runs from 30 November 23:00
  // UTC to 31 December 23:00 UTC.
  const int64_t dec = Utc(2026, 11, 30, 23, 0), jan = Utc(2026, 12, 31, 23, 0);
  const int64_t feb = Utc(2027, 1, 31, 23, 0);
  const nlohmann::json history = w.Json({"--key", "alice", "history", "--json", "--limit", "500"});
  const int64_t now = w.Balance("alice");
  const Figures december = FromHistory(history, now, dec, jan);
  REQUIRE(december.movements == 3);
  CHECK(december.opening == 100'00);  // the demo's opening balance
  CHECK(december.in == 40'00 + 5'00);
  CHECK(december.out == 12'50);
  CHECK(december.closing == december.opening + december.in - december.out);
  const Figures january = FromHistory(history, now, jan, feb);
  REQUIRE(january.movements == 1);
  CHECK(january.opening == december.closing);
  CHECK(january.closing == now);

  {  // text, in English and in French
    const std::string text = w.Ok({"--key", "alice", "statement", "--month", "2026-12"});
    CHECK(text.find("Statement of account, December 2026") != std::string::npos);
    CHECK(text.find("Alice Martin") != std::string::npos);
    CHECK(text.find("Europe/Paris") != std::string::npos);
    CHECK(text.find("Boulangerie du Rhône") != std::string::npos);  // the counterparty's name
    CHECK(text.find("Bob Durand") != std::string::npos);
    CHECK(text.find("pain") != std::string::npos);
    CHECK(text.find("croissant") == std::string::npos);  // January's
    CHECK(text.find("Opening balance on 2026-12-01 00:00:00") != std::string::npos);
    CHECK(text.find(English(december.opening)) != std::string::npos);
    CHECK(text.find(English(december.in)) != std::string::npos);
    CHECK(text.find(English(december.closing)) != std::string::npos);
    CHECK(text.find("3 movements") != std::string::npos);

    const CommandResult fr = InFrench(w, {"--key", "alice", "statement", "--month", "12/2026"});
    CHECK(fr.out.find("décembre 2026") != std::string::npos);
    CHECK(fr.out.find("01/12/2026 00:00") != std::string::npos);
    CHECK(fr.out.find(French(december.opening)) != std::string::npos);
    CHECK(fr.out.find(French(december.closing)) != std::string::npos);
    CHECK(fr.out.find(French(december.in)) != std::string::npos);

    const std::string jan_text = w.Ok({"--key", "alice", "statement", "--month", "2027-01"});
    INFO(jan_text);
    CHECK(jan_text.find("croissant") != std::string::npos);
    CHECK(jan_text.find("2027-01-01 00:30") != std::string::npos);
    CHECK(jan_text.find("the month is not over") != std::string::npos);
    CHECK(jan_text.find(English(january.opening)) != std::string::npos);
  }

  {  // CSV reads back and adds up, ',' in English and ';' in French
    const std::string csv = w.Ok({"--key", "alice", "statement", "--month", "2026-12", "--csv"});
    const auto rows = CsvRows(csv, ',');
    REQUIRE(rows.size() == 1 + december.movements);
    int64_t in = 0, out = 0, balance = december.opening;
    for (size_t i = 1; i < rows.size(); ++i) {
      REQUIRE(rows[i].size() == 10);
      Amount debit, credit, after;
      if (!rows[i][5].empty()) REQUIRE(ParseAmount(rows[i][5], 2, &debit).ok());
      if (!rows[i][6].empty()) REQUIRE(ParseAmount(rows[i][6], 2, &credit).ok());
      REQUIRE(ParseAmount(rows[i][7], 2, &after).ok());
      in += credit.minor();
      out += debit.minor();
      balance += credit.minor() - debit.minor();
      CHECK(after.minor() == balance);
      CHECK(rows[i][0].rfind("2026-12-31", 0) == 0);
    }
    CHECK(in == december.in);
    CHECK(out == december.out);
    CHECK(balance == december.closing);

    const std::string file = w.tmp().Join("releve.csv");
    const CommandResult fr =
        InFrench(w, {"--key", "alice", "statement", "--month", "2026-12", "--csv", "--out", file});
    CHECK(fr.out.find(file) != std::string::npos);
    const std::string bytes = ReadFile(file);
    CHECK(bytes.rfind("\xEF\xBB\xBF", 0) == 0);
    const auto fr_rows = CsvRows(bytes, ';');
    REQUIRE(fr_rows.size() == rows.size());
    CHECK(fr_rows[1][0] == "31/12/2026");
    CHECK(fr_rows.back()[7] == FormatAmount(Amount(december.closing), 2, "", ','));
  }

  {  // PDF, in French, read back with pdftotext
    const std::string file = w.tmp().Join("releve.pdf");
    InFrench(w, {"--key", "alice", "statement", "--month", "2026-12", "--pdf", "--out", file});
    CommandResult text = RunProgram("/usr/bin/pdftotext", {"-layout", file, "-"});
    REQUIRE(text.exit_code == 0);
    const std::string t = Plain(text.out);
    CHECK(t.find("décembre 2026") != std::string::npos);
    CHECK(t.find("page 1/1") != std::string::npos);
    CHECK(t.find(Plain(French(december.opening))) != std::string::npos);
    CHECK(t.find(Plain(French(december.in))) != std::string::npos);
    CHECK(t.find(Plain(French(december.out))) != std::string::npos);
    CHECK(t.find(Plain(French(december.closing))) != std::string::npos);
    CHECK(t.find("Boulangerie du Rhône") != std::string::npos);
  }

  {  // months that cannot be stated, and a PDF without a file
    CommandResult future = w.Liard({"--key", "alice", "statement", "--month", "2027-03"});
    CHECK(future.exit_code == 2);
    CHECK(future.err.find("March 2027 has not begun yet") != std::string::npos);
    CommandResult before = w.Liard({"--key", "alice", "statement", "--month", "10/2026"});
    CHECK(before.exit_code == 2);
    CHECK(before.err.find("before this currency began") != std::string::npos);
    CommandResult typo = w.Liard({"--key", "alice", "statement", "--month", "2026-13"});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err.find("YYYY-MM or MM/YYYY") != std::string::npos);
    CommandResult pdf = w.Liard({"--key", "alice", "statement", "--month", "2026-12", "--pdf"});
    CHECK(pdf.exit_code == 2);
    CHECK(pdf.err.find("--out") != std::string::npos);
  }
}

}  // namespace
}  // namespace liard::e2e

// The guides run as tests (docs/guide/README.md, "How the pages are tested"): every ``` block of
// a page that holds `$ ` lines is a session typed into bash against a fresh demo node. A `$ `
// line is a command; the lines after it, to the next `$ ` line or the block's end, are what it
// prints (stdout and stderr as a terminal shows them), and a last line `(exit N)` its exit code
// when it is not 0. Each page runs in its own temporary copy of the repository's root: `build`,
// `scripts` and `docs` link to the real ones, `demo-data` is the fresh demo (`liard-node init
// --demo`), HOME is empty, the node listens on a free port of 127.0.0.1 (LIARD_NODE). A page that
// continues another names it at its top, `<!-- runs after: resident.md merchant.md -->`: those
// pages' commands run first in the same shell, unchecked (their own cases check them).
//
// What differs from run to run (addresses, ids, hashes, keys, dates, times, ports, rates) is
// masked on both sides by the regexes of Masks(), the one place they are listed; everything else
// must be the page's text. LIARD_GUIDE_UPDATE=1 rewrites a page's outputs from the run instead of
// failing (scripts/update-guides.sh), keeping its prose and its commands.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/harness.h"

#ifndef LIARD_SOURCE_DIR
#error "LIARD_SOURCE_DIR must name the repository (set by tests/CMakeLists.txt)"
#endif
#ifndef LIARD_WALLET_PATH
#error "LIARD_WALLET_PATH must name the liard binary (set by tests/CMakeLists.txt)"
#endif

namespace liard::e2e {
namespace {

namespace fs = std::filesystem;

const std::string kGuides = std::string(LIARD_SOURCE_DIR) + "/docs/guide";

// What varies from one run to the next, in the order applied. Each regex is applied to one line
// (of the page and of the run alike) and its matches replaced by the token.
const std::vector<std::pair<std::regex, std::string>>& Masks() {
  static const auto* masks = new std::vector<std::pair<std::regex, std::string>>{
      // Rates measured by `audit verify`, first: a rate of 2057 entries/s is no year.
      // (numbers with a French thousands separator, U+202F or U+00A0, too).
      {std::regex(
           "\\d(?:[0-9.,]| |\u202f|\u00a0)* (entries|entrées|écritures)/s (on|sur) \\d+ (\\S+)"),
       "<n> $1/s $2 <n> $3"},
      {std::regex("[0-9.,]+ (of this machine's|de la vitesse|du débit)"), "<ratio> $1"},
      // A QR code's rows (the demo's keys differ each time).
      {std::regex("^(?:\\s|█|▀|▄)*(?:█|▀|▄)(?:\\s|█|▀|▄)*$"), "<QR code row>"},
      // Addresses, whole or shortened (roue1q67t7…d4fn), and the FEC's 16-character prefixes.
      {std::regex(
           "\\b[a-z]{3,10}1q[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{4,}(?:…[qpzry9x8gf2tvdw0s3jn54khce"
           "6mua7l]+)?"),
       "<address>"},
      // A signed payment request in a URI (base64url: its nonce and time differ each run).
      {std::regex("([?&]r=)[A-Za-z0-9_-]+"), "$1<request>"},
      // Operation ids, hashes, public keys, ledger ids (whole or their first 16 digits).
      {std::regex("\\b[0-9a-f]{16,}\\b"), "<hex>"},
      // A node key's fingerprint (bb82-f510-ee9c-50bc).
      {std::regex("\\b[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}\\b"), "<fingerprint>"},
      // Dates: 2026-12-03, 03/12/2026, the FEC's 20261203, a month's name and year.
      {std::regex("(^|[^-A-Za-z0-9])20\\d\\d-[01]\\d-[0-3]\\d(?![0-9])"), "$1<date>"},
      {std::regex("\\b[0-3]\\d/[01]\\d/20\\d\\d\\b"), "<date>"},
      {std::regex("(^|[^0-9])20\\d\\d[01]\\d[0-3]\\d(?![0-9])"), "$1<date>"},
      {std::regex("\\b(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
                  "novembre|décembre|January|February|March|April|May|June|July|August|September|"
                  "October|November|December) 20\\d\\d\\b"),
       "<month>"},
      // A year alone (the demo's year: `--exercice $(date +%Y)`, FEC-2026.txt), not an amount.
      {std::regex("\\b20[2-9]\\d\\b(?![.,]\\d)"), "<year>"},
      // Times: 13:43:20, 13:43, with a zone's offset or name after it.
      {std::regex("\\b[0-2]\\d:[0-5]\\d(?::[0-5]\\d)?(?: ?(?:UTC|CET|CEST|[+-]\\d\\d:?\\d\\d))?"),
       "<time>"},
      // A monthly standing order's day, today's (`--monthly $(date +%-d)`).
      {std::regex("(monthly on day|chaque mois le) [1-3]?\\d\\b"), "$1 <day>"},
      // The node's port.
      {std::regex("127\\.0\\.0\\.1:\\d+"), "127.0.0.1:<port>"},
  };
  return *masks;
}

std::string RightTrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string Masked(const std::string& line) {
  std::string s = RightTrim(line);
  for (const auto& [re, token] : Masks()) s = std::regex_replace(s, re, token);
  return s;
}

// One `$ ` command of a page: its line, and the lines [first, last) that hold its output.
struct Command {
  size_t line = 0;  // index in the page's lines
  std::string text;
  size_t first = 0, last = 0;  // the output lines, trailing blank lines and (exit N) excluded
  size_t region_end = 0;       // where the next command or the block's end starts
  int exit_code = 0;
  std::vector<std::string> expected;
};

struct Page {
  std::string path;  // relative to docs/guide
  std::vector<std::string> lines;
  std::vector<Command> commands;
  std::vector<std::string> after;  // pages whose commands run first
  std::string lang;                // the page's `export LANG=...`
};

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

Page ReadPage(const std::string& path) {
  Page page;
  page.path = path;
  page.lines = SplitLines(ReadFile(kGuides + "/" + path));
  static const std::regex after_re("^<!-- runs after: ([^>]*) -->\\s*$");
  static const std::regex exit_re("^\\(exit (\\d+)\\)$");
  static const std::regex lang_re("^export LANG=(\\S+)$");
  bool in_block = false;
  std::vector<size_t> block;  // the current block's command indexes
  auto close_block = [&](size_t end) {
    for (size_t k = 0; k < block.size(); ++k) {
      Command& c = page.commands[block[k]];
      c.region_end = k + 1 < block.size() ? page.commands[block[k + 1]].line : end;
      size_t last = c.region_end;
      while (last > c.line + 1 && RightTrim(page.lines[last - 1]).empty()) --last;
      std::smatch m;
      const std::string tail = last > c.line + 1 ? RightTrim(page.lines[last - 1]) : "";
      if (std::regex_match(tail, m, exit_re)) {
        c.exit_code = std::stoi(m[1].str());
        --last;
        while (last > c.line + 1 && RightTrim(page.lines[last - 1]).empty()) --last;
      }
      c.first = c.line + 1;
      c.last = last;
      c.expected.assign(page.lines.begin() + static_cast<long>(c.first),
                        page.lines.begin() + static_cast<long>(c.last));
    }
    block.clear();
  };
  for (size_t i = 0; i < page.lines.size(); ++i) {
    const std::string& l = page.lines[i];
    std::smatch m;
    if (!in_block && std::regex_match(l, m, after_re)) {
      std::istringstream names(m[1].str());
      for (std::string n; names >> n;) page.after.push_back(n);
    }
    if (StartsWith(l, "```")) {
      if (in_block) close_block(i);
      in_block = !in_block;
      continue;
    }
    if (in_block && StartsWith(l, "$ ")) {
      Command c;
      c.line = i;
      c.text = l.substr(2);
      if (std::regex_match(c.text, m, lang_re) && page.lang.empty()) page.lang = m[1].str();
      block.push_back(page.commands.size());
      page.commands.push_back(std::move(c));
    }
  }
  if (in_block) FAIL(path << ": a ``` block is not closed");
  return page;
}

// The pages that hold commands, relative to docs/guide.
std::vector<std::string> RunnablePages() {
  std::vector<std::string> pages;
  for (const auto& e : fs::recursive_directory_iterator(kGuides)) {
    if (!e.is_regular_file() || e.path().extension() != ".md") continue;
    std::string rel = fs::relative(e.path(), kGuides).string();
    if (!ReadPage(rel).commands.empty()) pages.push_back(rel);
  }
  std::sort(pages.begin(), pages.end());
  return pages;
}

// The page's prerequisites, in the order they run, then the page.
void Chain(const std::string& path, std::vector<Page>* out, std::set<std::string>* seen) {
  if (!seen->insert(path).second) return;
  Page p = ReadPage(path);
  const std::string dir = fs::path(path).parent_path().string();
  for (const auto& a : p.after) Chain(dir.empty() ? a : dir + "/" + a, out, seen);
  out->push_back(std::move(p));
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Replaces every occurrence of `from` by `to`.
std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
    s.replace(at, from.size(), to);
  return s;
}

// The test's own PATH (python3, timeout, pdftotext), or the usual one.
std::string SystemPath() {
  const char* p = std::getenv("PATH");
  return p != nullptr && *p != '\0' ? p : "/usr/local/bin:/usr/bin:/bin";
}

// LIARD_GUIDE_UPDATE=all rewrites the page even when its outputs match once masked (after a
// command was changed, so that the outputs shown are the new command's).
bool UpdatingAll() {
  const char* v = std::getenv("LIARD_GUIDE_UPDATE");
  return v != nullptr && std::string(v) == "all";
}

bool Updating() {
  const char* v = std::getenv("LIARD_GUIDE_UPDATE");
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

void RunGuidePage(const std::string& path, Millis timeout) {
  std::vector<Page> chain;
  std::set<std::string> seen;
  Chain(path, &chain, &seen);
  Page& page = chain.back();
  REQUIRE_FALSE(page.commands.empty());
  if (page.lang.empty())
    FAIL(path << " must say which language it runs in, with a command `$ export LANG=...`");

  // The repository's root as the reader has it, with a fresh demo.
  TempDir tmp;
  const std::string work = tmp.Join("liard");
  const std::string home = tmp.Join("home");
  const std::string outputs = tmp.Join("outputs");
  for (const auto& d : {work, home, outputs}) fs::create_directories(d);
  const fs::path wallet = fs::canonical(LIARD_WALLET_PATH);
  fs::create_directory_symlink(wallet.parent_path().parent_path(), work + "/build");
  fs::create_directory_symlink(std::string(LIARD_SOURCE_DIR) + "/scripts", work + "/scripts");
  fs::create_directory_symlink(std::string(LIARD_SOURCE_DIR) + "/docs", work + "/docs");
  CommandResult init = RunNode({"init", "--demo", "--data", work + "/demo-data"});
  if (init.exit_code != 0) FAIL("liard-node init --demo: " << init.err);
  // A checkpoint after every entry, so that what a receipt or an audit finds right after an
  // operation does not depend on how fast the machine is (the demo's default waits 10 s).
  WriteFile(tmp.Join("node.toml"), "[checkpoint]\nevery_entries = 1\nevery_seconds = 1\n");
  NodeProcess node(work + "/demo-data", {"--config", tmp.Join("node.toml")});
  node.Start();

  // One bash session for the chain: each command's output and exit code to its own files.
  std::ostringstream script;
  script << "cd " << Quote(work) << "\n";
  std::vector<std::pair<size_t, size_t>> index;  // (page in chain, command) per number
  for (size_t p = 0; p < chain.size(); ++p) {
    for (size_t c = 0; c < chain[p].commands.size(); ++c) {
      const size_t n = index.size();
      index.emplace_back(p, c);
      script << "{ " << chain[p].commands[c].text << "\n} > " << Quote(outputs) << "/" << n
             << ".out 2>&1 < /dev/null\necho $? > " << Quote(outputs) << "/" << n << ".rc\n";
    }
  }
  WriteFile(tmp.Join("session.sh"), script.str());
  ProgramOptions o;
  o.env = {{"HOME", home},
           {"PATH", wallet.parent_path().string() + ":" + SystemPath()},
           {"LIARD_NODE", node.target()},
           {"LIARD_PASSPHRASE", "demo passphrase"},
           {"LANG", page.lang}};
  o.unset_env = {
      "LC_ALL",          "LC_MESSAGES",  "LC_NUMERIC",        "LC_TIME",       "LANGUAGE",
      "LIARD_KEY",       "NO_COLOR",     "XDG_CONFIG_HOME",   "XDG_DATA_HOME", "XDG_STATE_HOME",
      "LIARD_DEMO_DATA", "LIARD_WALLET", "LIARD_GUIDE_UPDATE"};
  CommandResult run = RunProgram("/bin/bash", {tmp.Join("session.sh")}, o, timeout);
  if (run.timed_out)
    FAIL(path << " did not finish in " << timeout.count() / 1000 << " s: " << run.out << run.err);

  // What the reader would see: the temporary paths and the port as theirs.
  auto as_reader = [&](std::string s) {
    s = ReplaceAll(s, work + "/", "");
    s = ReplaceAll(s, work, ".");
    s = ReplaceAll(s, home, "~");
    s = ReplaceAll(s, node.target(), "127.0.0.1:7421");
    return s;
  };

  struct Actual {
    std::vector<std::string> lines;
    int exit_code = -1;
  };
  std::vector<Actual> actual(page.commands.size());
  for (size_t n = 0; n < index.size(); ++n) {
    if (index[n].first != chain.size() - 1) continue;
    Actual& a = actual[index[n].second];
    const std::string base = outputs + "/" + std::to_string(n);
    if (!fs::exists(base + ".rc")) continue;  // bash stopped before it
    a.exit_code = std::stoi(ReadFile(base + ".rc"));
    a.lines = SplitLines(as_reader(ReadFile(base + ".out")));
    for (auto& l : a.lines) l = RightTrim(l);
    while (!a.lines.empty() && a.lines.back().empty()) a.lines.pop_back();
  }

  // The first difference of each command, masked on both sides.
  std::vector<std::string> differences;
  for (size_t c = 0; c < page.commands.size(); ++c) {
    const Command& cmd = page.commands[c];
    const Actual& a = actual[c];
    std::ostringstream d;
    const std::string where = "docs/guide/" + path + ":" + std::to_string(cmd.line + 1);
    if (a.exit_code < 0) {
      d << where << ": `" << cmd.text << "` did not run (bash stopped before it)";
    } else {
      size_t i = 0;
      const size_t n = std::max(cmd.expected.size(), a.lines.size());
      for (; i < n; ++i) {
        std::string want = i < cmd.expected.size() ? Masked(cmd.expected[i]) : "(nothing)";
        std::string got = i < a.lines.size() ? Masked(a.lines[i]) : "(nothing)";
        if (want != got) {
          d << where << ": `" << cmd.text << "`: its output differs from the page at line "
            << (cmd.first + i + 1)
            << "\n  page: " << (i < cmd.expected.size() ? cmd.expected[i] : "(nothing)")
            << "\n  run:  " << (i < a.lines.size() ? a.lines[i] : "(nothing)")
            << "\n  masked, page: " << want << "\n  masked, run:  " << got;
          break;
        }
      }
      if (i == n && a.exit_code != cmd.exit_code)
        d << where << ": `" << cmd.text << "` exited " << a.exit_code << ", the page says "
          << cmd.exit_code;
    }
    if (!d.str().empty()) {
      d << "\n  the run's whole output:\n";
      for (const auto& l : a.lines) d << "    " << l << "\n";
      differences.push_back(d.str());
    }
  }
  if (differences.empty() && !UpdatingAll()) return;

  if (!Updating()) {
    FAIL(differences.front() << "\n(" << differences.size() << " of " << page.commands.size()
                             << " commands differ; scripts/update-guides.sh " << path
                             << " rewrites the page's outputs from a run: see "
                                "docs/guide/README.md)");
  }

  // Update mode: every output of the page from this one run, so its ids agree with each other;
  // the prose, the commands and the blank lines between them stay.
  std::vector<std::string> out;
  size_t next = 0;
  for (size_t c = 0; c < page.commands.size(); ++c) {
    const Command& cmd = page.commands[c];
    out.insert(out.end(), page.lines.begin() + static_cast<long>(next),
               page.lines.begin() + static_cast<long>(cmd.line + 1));
    const Actual& a = actual[c];
    out.insert(out.end(), a.lines.begin(), a.lines.end());
    if (a.exit_code != 0) out.push_back("(exit " + std::to_string(a.exit_code) + ")");
    // Keep the blank line the page had before the next command.
    bool blank = false;
    for (size_t i = cmd.first; i < cmd.region_end; ++i)
      blank = RightTrim(page.lines[i]).empty() && i + 1 == cmd.region_end;
    if (blank) out.push_back("");
    next = cmd.region_end;
  }
  out.insert(out.end(), page.lines.begin() + static_cast<long>(next), page.lines.end());
  std::string text;
  for (const auto& l : out) text += l + "\n";
  WriteFile(kGuides + "/" + path, text);
  WARN("docs/guide/" << path << ": " << differences.size()
                     << " outputs differed; the page was rewritten from this run");
}

constexpr Millis kPage{120'000};

// Every page with commands has its case below: a new page must be added here.
const std::set<std::string> kTested = {"auditor.md",         "board.md",
                                       "exchange-office.md", "merchant.md",
                                       "municipality.md",    "resident.md",
                                       "treasurer.md",       "fr/controleur.md",
                                       "fr/conseil.md",      "fr/comptoir-de-change.md",
                                       "fr/commercant.md",   "fr/mairie.md",
                                       "fr/habitant.md",     "fr/tresorier.md"};

TEST_CASE("the guides' masks hide what varies between runs and nothing else", "[guide]") {
  // Two runs of the same command: other keys, ids, dates and times, the same words and amounts.
  CHECK(Masked("paid 12.50 ROUE to Boulangerie du Rhône (merchant, "
               "roue1qm38hdum3jhxajuanztjaetcq8kx8c5h55kw6j6e0nepmugjyjmysu47dt8)") ==
        Masked("paid 12.50 ROUE to Boulangerie du Rhône (merchant, "
               "roue1q748hmn5647aaaqqqpppzzzrrryyy999xxx888gggfff222tttvvvddd)   "));
  CHECK(
      Masked("operation dbecefb6d0d603a8e678b9400eaa3600c49d5584f617accd494343ee1dc4e96e, journal "
             "entry 1") ==
      Masked("operation 0000efb6d0d603a8e678b9400eaa3600c49d5584f617accd494343ee1dc4ffff, journal "
             "entry 1"));
  CHECK(Masked("2026-11-22 13:43:20  out  Alice Martin (roue1q67t7…d4fn)  -12.50 ROUE") ==
        Masked("2027-01-02 09:05:59  out  Alice Martin (roue1qqhvr…mgu2p)  -12.50 ROUE"));
  CHECK(Masked("journal entry 1, 02/12/2026 15:59") == Masked("journal entry 1, 31/01/2027 00:00"));
  CHECK(Masked("AN|À-nouveaux|1|20261203|512100") == Masked("AN|À-nouveaux|1|20270101|512100"));
  CHECK(Masked("Registre faf1fd6822927c9e… · produit le 03/12/2026 à 14:05 UTC") ==
        Masked("Registre 923aa399f68be456… · produit le 04/12/2026 à 09:06 UTC"));
  CHECK(Masked("  3055 entries/s on 2 threads") == Masked("  12039 entries/s on 4 threads"));
  CHECK(Masked("  3\u202f055 écritures/s sur 2 threads") ==
        Masked("  12\u202f039 écritures/s sur 4 threads"));
  CHECK(Masked("the node at 127.0.0.1:7421") == Masked("the node at 127.0.0.1:39211"));
  CHECK(Masked("    █▀▀▀▀▀█  █▄█▄  ▀█ ▀") == Masked("    █▀▀▀▀▀█ ▄▄ ▀▀█▄▀ ▄▄"));
  // What the guide promises stays visible: amounts, entry numbers, names, exit codes, words.
  CHECK(Masked("balance  12.50 ROUE") != Masked("balance  12.51 ROUE"));
  CHECK(Masked("balance  2 140,01 ROUE") != Masked("balance  2 140,10 ROUE"));
  CHECK(Masked("journal entry 1") != Masked("journal entry 2"));
  CHECK(Masked("guarantee fund 2000.00 EUR") != Masked("guarantee fund 2001.00 EUR"));
  CHECK(Masked("Alice Martin (resident)") != Masked("Bob Durand (resident)"));
  CHECK(Masked("(exit 1)") != Masked("(exit 2)"));
  CHECK(Masked("refused: INSUFFICIENT_FUNDS") != Masked("refused: NOT_PERMITTED"));
  CHECK(Masked("ref REM-2026-12-03") != Masked("ref REM-2026-12-04"));
}

TEST_CASE("every guide page with commands is run by a case of this file", "[guide]") {
  for (const auto& p : RunnablePages()) {
    INFO("docs/guide/" << p << " holds commands: add a TEST_CASE for it in guide_pages_test.cc");
    CHECK(kTested.count(p) == 1);
  }
}

TEST_CASE("docs/guide/resident.md", "[guide]") { RunGuidePage("resident.md", kPage); }
TEST_CASE("docs/guide/merchant.md", "[guide]") { RunGuidePage("merchant.md", kPage); }
TEST_CASE("docs/guide/exchange-office.md", "[guide]") { RunGuidePage("exchange-office.md", kPage); }
TEST_CASE("docs/guide/municipality.md", "[guide]") { RunGuidePage("municipality.md", kPage); }
TEST_CASE("docs/guide/board.md", "[guide]") { RunGuidePage("board.md", kPage); }
TEST_CASE("docs/guide/auditor.md", "[guide]") { RunGuidePage("auditor.md", kPage); }
TEST_CASE("docs/guide/treasurer.md", "[guide]") { RunGuidePage("treasurer.md", Millis(220'000)); }
TEST_CASE("docs/guide/fr/habitant.md", "[guide]") { RunGuidePage("fr/habitant.md", kPage); }
TEST_CASE("docs/guide/fr/commercant.md", "[guide]") { RunGuidePage("fr/commercant.md", kPage); }
TEST_CASE("docs/guide/fr/comptoir-de-change.md", "[guide]") {
  RunGuidePage("fr/comptoir-de-change.md", kPage);
}
TEST_CASE("docs/guide/fr/mairie.md", "[guide]") { RunGuidePage("fr/mairie.md", kPage); }
TEST_CASE("docs/guide/fr/conseil.md", "[guide]") { RunGuidePage("fr/conseil.md", kPage); }
TEST_CASE("docs/guide/fr/controleur.md", "[guide]") { RunGuidePage("fr/controleur.md", kPage); }
TEST_CASE("docs/guide/fr/tresorier.md", "[guide]") {
  RunGuidePage("fr/tresorier.md", Millis(220'000));
}

}  // namespace
}  // namespace liard::e2e

// End-to-end tests of `liard audit`: the real wallet binary against the real node — an
// independent verification that catches an edited journal and a node whose database was changed
// behind its back, the general assembly's report rendered by a real browser, the accounting
// exports and the bank reconciliation.
#include <png.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "ledger/account.h"
#include "ledger/address.h"
#include "ledger/civil_time.h"
#include "ledger/journal.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/tamper.h"
#include "tests/ledger/fec_checker.h"
#include "tests/ledger/fixture.h"
#include "tests/wallet/wallet_world.h"

namespace liard::e2e {
namespace {

using json = nlohmann::json;
// The demo world with what the audit tests add: commands that must succeed, and a month of
// activity.
class AuditWorld : public WalletWorld {
 public:
  // Runs a command that must succeed.
  std::string Ok(const std::vector<std::string>& args) const {
    CommandResult r = Liard(args);
    INFO("liard " << args.at(0) << "...: " << r.err << r.out);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }

  // A month of a small currency (WalletWorld::SmallMonth).
  void Activity() const { SmallMonth(); }
};

// A date of the statement: "2026-11-26", or the French "26/11/2026", `days` from today (UTC).
// Today + `days` in the demo currency's zone (Europe/Paris): what its reports and statements
// call today, also between 23:00 and 24:00 UTC, when Paris is already on the next day.
std::string Day(int days, bool french) {
  using namespace std::chrono;
  static const TimeZone zone = *TimeZone::Named("Europe/Paris");  // node/config.h's default
  const int64_t now_ms =
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const CivilTime d = zone.Civil(now_ms + int64_t{days} * 86'400'000);
  char buf[16];
  if (french)
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.day, d.month, d.year);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

json Parse(const std::string& out) {
  INFO(out);
  return json::parse(out);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("liard audit verify replays the ledger and agrees with the node and resumes later",
          "[wallet][e2e][audit]") {
  AuditWorld w;
  w.Activity();
  json j = Parse(w.Ok({"--key", "association", "audit", "verify", "--json"}));
  CHECK(j["ok"] == true);
  const uint64_t head = j["sequence"].get<uint64_t>();
  CHECK(head == 7);
  CHECK(j["entries_checked"] == 7);
  CHECK(j["resumed_from"] == 0);
  bool digest_checked = false, reserves_checked = false;
  for (const auto& c : j["checks"]) {
    digest_checked |=
        c.get<std::string>().find("state digest at entry 7 are the replay's") != std::string::npos;
    reserves_checked |= c.get<std::string>() == "the node's reserves are the replay's";
  }
  CHECK(digest_checked);
  CHECK(reserves_checked);

  // More activity; the next run starts where the last one stopped.
  w.Ok({"--key", "alice", "pay", w.Address("bob"), "1,00", "--yes"});
  j = Parse(w.Ok({"--key", "association", "audit", "verify", "--json"}));
  CHECK(j["ok"] == true);
  CHECK(j["resumed_from"] == 7);
  CHECK(j["entries_checked"] == 1);
  CHECK(j["sequence"] == 8);

  // The journal is for treasurers and auditors: a resident is refused, in one sentence.
  CommandResult r = w.Liard({"--key", "alice", "audit", "verify", "--fresh"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("READ_REFUSED") != std::string::npos);
}

TEST_CASE("audit verify reads a journal longer than its read request's lifetime, renewing it",
          "[wallet][e2e][audit][read]") {
  GenesisSpec spec = StandardGenesis();
  WalletWorld w(true, &spec);
  w.Import("association");  // the treasurer reads the journal
  // The node sends some 100,000 entries a second and gRPC buffers what the wallet has not read
  // yet: a stream outlasts a request of 30 ms once it carries a few thousand entries.
  constexpr int kPayments = 10'000;
  std::vector<pb::SignedOperation> ops;
  for (int i = 1; i <= kPayments; ++i)
    ops.push_back(w.client().SignTransfer("alice", "bob", 1, static_cast<uint64_t>(i)));
  pb::SubmitBatchResponse resp;
  REQUIRE(w.client().SubmitBatch(ops, &resp, Millis(120'000)).ok());
  REQUIRE(w.Head() == static_cast<uint64_t>(kPayments));
  ProgramOptions o = w.Options();
  o.env["LIARD_READ_LIFETIME_MS"] = "30";
  CommandResult r = RunProgram(LIARD_WALLET_PATH,
                               {"--key", "association", "audit", "verify", "--fresh", "--json"}, o,
                               Millis(120'000));
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  CHECK(j["ok"] == true);
  CHECK(j["entries_checked"] == kPayments);
  CHECK(j["sequence"] == kPayments);
  CHECK(j["journal_streams"].get<int>() >= 2);  // the node ended a stream, the wallet renewed
}

// The records of an exported journal file: (type, offset of the payload, length).
std::vector<std::tuple<int, size_t, size_t>> Records(const std::string& file) {
  std::vector<std::tuple<int, size_t, size_t>> out;
  size_t pos = std::string("liard-journal/1\n").size();
  while (pos + 5 <= file.size()) {
    uint32_t n = 0;
    for (int i = 1; i <= 4; ++i) n = (n << 8) | static_cast<uint8_t>(file[pos + i]);
    out.emplace_back(static_cast<uint8_t>(file[pos]), pos + 5, n);
    pos += 5 + n;
  }
  return out;
}

TEST_CASE("one byte changed in an exported journal is found at its sequence",
          "[wallet][e2e][audit]") {
  AuditWorld w;
  w.Activity();
  const std::string path = w.tmp().Join("roue.journal");
  w.Ok({"--key", "association", "audit", "export-journal", "--out", path});
  const std::string good = ReadAll(path);
  // Offline, with no node at all: the file alone verifies.
  w.node().Stop();
  json ok = Parse(w.Ok({"audit", "verify", "--journal", path, "--fresh", "--json"}));
  CHECK(ok["ok"] == true);
  CHECK(ok["sequence"] == 7);

  const auto records = Records(good);
  int entry = 0;
  for (const auto& [type, at, n] : records) {
    if (type != 2) continue;
    ++entry;
    // A byte early (sequence, time or link), in the middle and at the end (the signature).
    for (size_t offset : {size_t{1}, n / 2, n - 1}) {
      std::string bad = good;
      bad[at + offset] ^= 0x01;
      const std::string bad_path = w.tmp().Join("bad.journal");
      WriteFile(bad_path, bad);
      CommandResult r = w.Liard({"audit", "verify", "--journal", bad_path, "--fresh", "--json",
                                 "--state", w.tmp().Join("bad.replay")});
      INFO("entry " << entry << " byte " << offset << ": " << r.err << r.out);
      REQUIRE(r.exit_code == 1);
      CHECK(r.err.find("entry " + std::to_string(entry)) != std::string::npos);
      if (r.out.empty()) continue;  // a record that no longer parses is named on stderr
      json j = json::parse(r.out);
      CHECK(j["discrepancy_sequence"] == entry);
    }
  }
  CHECK(entry == 7);
}

int64_t FromI64Bytes(const std::string& s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

// A saved replay is resumed only when the journal's entries up to it hash to the head hash it
// verified: an early entry changed in a copy of a clean export is found and named, as with
// --fresh, and the output says why the saved replay was not resumed.
TEST_CASE("a saved replay is not resumed on an export whose early entry was altered",
          "[wallet][e2e][audit][resume]") {
  AuditWorld w;
  w.Activity();
  const std::string path = w.tmp().Join("roue.journal"), state = w.tmp().Join("roue.replay");
  w.Ok({"--key", "association", "audit", "export-journal", "--out", path});
  w.node().Stop();
  auto verify = [&](const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"audit", "verify", "--journal", file, "--state", state};
    args.insert(args.end(), more.begin(), more.end());
    return w.Liard(args);
  };
  json j = Parse(w.Ok({"audit", "verify", "--journal", path, "--state", state, "--json"}));
  REQUIRE(j["ok"] == true);
  REQUIRE(j["sequence"] == 7);
  // The same journal again: resumed at 7 after re-hashing entries 1 to 7.
  j = Parse(w.Ok({"audit", "verify", "--journal", path, "--state", state, "--json"}));
  CHECK(j["resumed_from"] == 7);
  CHECK(j["entries_checked"] == 0);
  CHECK_FALSE(j.contains("not_resumed"));

  // One byte in the middle of entry 2 of a copy (the recorded hash left as it was).
  const std::string good = ReadAll(path);
  std::vector<std::tuple<int, size_t, size_t>> entries;
  for (const auto& r : Records(good))
    if (std::get<0>(r) == 2) entries.push_back(r);
  REQUIRE(entries.size() == 7);
  std::string bad = good;
  bad[std::get<1>(entries[1]) + std::get<2>(entries[1]) / 2] ^= 0x01;
  const std::string bad_path = w.tmp().Join("copy.journal");
  WriteFile(bad_path, bad);

  CommandResult r = verify(bad_path, {"--json"});
  INFO(r.err << r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("discrepancy: entry 2:") != std::string::npos);
  j = json::parse(r.out);
  CHECK(j["ok"] == false);
  CHECK(j["discrepancy_sequence"] == 2);
  CHECK(j["resumed_from"] == 0);
  CHECK(j["not_resumed"] ==
        "the saved replay (to entry 7) does not continue this journal: entry 2 differs from the "
        "one verified before (its contents no longer hash to its recorded hash); replaying from "
        "entry 1");
  // In words, and the same finding without a saved replay.
  r = verify(bad_path);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("does not continue this journal: entry 2 differs") != std::string::npos);
  CHECK(r.out.find("entry 2 is bad: ") != std::string::npos);
  CHECK(r.out.find("OK") == std::string::npos);
  r = verify(bad_path, {"--fresh", "--json"});
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["discrepancy_sequence"] == 2);
  // The failed runs left the saved replay of the clean export as it was.
  j = Parse(w.Ok({"audit", "verify", "--journal", path, "--state", state, "--json"}));
  CHECK(j["resumed_from"] == 7);
  CHECK(j["ok"] == true);

  // A saved replay damaged since it was saved is not trusted either: replayed from entry 1.
  std::string saved = ReadAll(state);
  saved[saved.size() / 2] ^= 0x40;
  WriteFile(state, saved);
  j = Parse(w.Ok({"audit", "verify", "--journal", path, "--state", state, "--json"}));
  CHECK(j["resumed_from"] == 0);
  CHECK(j["entries_checked"] == 7);
  CHECK(j["not_resumed"].get<std::string>().find(
            "the saved replay cannot be used: it was damaged since it was saved") == 0);
}

TEST_CASE("a saved replay of another or a longer history is replayed from entry 1, saying why",
          "[wallet][e2e][audit][resume]") {
  AuditWorld w;
  w.Activity();
  const std::string state = w.tmp().Join("roue.replay");
  auto exported = [&](const std::string& name) {
    const std::string path = w.tmp().Join(name);
    w.Ok({"--key", "association", "audit", "export-journal", "--out", path});
    return path;
  };
  const std::string seven = exported("seven.journal");
  // Two histories of the same ledger that part at entry 8: the node's database copied at entry 7
  // (a fork, as a second node restored from the same backup would be).
  REQUIRE(w.node().Stop() == 0);
  const std::string fork = w.tmp().Join("fork");
  std::filesystem::copy(w.data(), fork, std::filesystem::copy_options::recursive);
  w.node().Start();
  w.Ok({"--key", "alice", "pay", w.Address("bob"), "1,00", "--yes"});
  const std::string one = exported("one.journal");
  REQUIRE(w.node().Stop() == 0);
  std::filesystem::remove_all(w.data());
  std::filesystem::copy(fork, w.data(), std::filesystem::copy_options::recursive);
  w.node().Start();
  w.Ok({"--key", "bob", "pay", w.Address("alice"), "2,00", "--yes"});
  const std::string other = exported("other.journal");

  auto verify = [&](const std::string& file) {
    return Parse(w.Ok({"audit", "verify", "--journal", file, "--state", state, "--json"}));
  };
  json j = verify(one);
  REQUIRE(j["ok"] == true);
  REQUIRE(j["sequence"] == 8);
  // The other history: entries 1 to 7 are the same, entry 8 is not. Each entry hashes and links
  // correctly; only the head hash tells them apart.
  j = verify(other);
  CHECK(j["ok"] == true);
  CHECK(j["resumed_from"] == 0);
  CHECK(j["entries_checked"] == 8);
  CHECK(j["not_resumed"] ==
        "the saved replay (to entry 8) does not continue this journal: entry 8 does not hash to "
        "the head hash verified before: an entry up to 8 differs from the one verified then; "
        "replaying from entry 1");
  // A shorter journal than the saved replay's.
  j = verify(seven);
  CHECK(j["ok"] == true);
  CHECK(j["sequence"] == 7);
  CHECK(j["entries_checked"] == 7);
  CHECK(j["not_resumed"] ==
        "the saved replay (to entry 8) does not continue this journal: this journal ends at "
        "entry 7, before entry 8 where the saved replay stopped; replaying from entry 1");
  // Its replay is now the saved one, and a journal that continues it resumes.
  j = verify(other);
  CHECK(j["resumed_from"] == 7);
  CHECK(j["entries_checked"] == 1);
  CHECK_FALSE(j.contains("not_resumed"));
}

using testing::I64Bytes;
using testing::Tamper;
using testing::U64Bytes;

TEST_CASE("an entry altered in a node's database is named by a resumed audit",
          "[wallet][e2e][audit][resume]") {
  AuditWorld w;
  w.Activity();
  REQUIRE(Parse(w.Ok({"--key", "association", "audit", "verify", "--json"}))["ok"] == true);
  REQUIRE(w.node().Stop() == 0);
  // A careful forger changes entry 2's signature and recomputes its stored hash, so that the node
  // serves it without a word; entry 3 still links to the old hash.
  Tamper(w.data(), [&](rocksdb::DB* db, auto& cf) {
    std::string v;
    REQUIRE(db->Get(rocksdb::ReadOptions(), cf["journal"], U64Bytes(2), &v).ok());
    REQUIRE(v.size() > 8 + 32 + 32);
    JournalEntry e;
    e.sequence = 2;
    e.time_ms = FromI64Bytes(v.substr(0, 8));
    REQUIRE(e.prev_hash.Assign(v.substr(8, 32)));
    e.envelope = v.substr(8 + 32 + 32);
    e.envelope.back() ^= 0x01;
    const Hash h = EntryHash(e);
    v = v.substr(0, 8 + 32) + std::string(h.view()) + e.envelope;
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf["journal"], U64Bytes(2), v).ok());
  });
  w.node().Start();
  // Without --fresh: the saved replay (to entry 7) is not resumed, and the replay from entry 1
  // names entry 2.
  CommandResult r = w.Liard({"--key", "association", "audit", "verify", "--json"});
  INFO(r.err << r.out);
  CHECK(r.exit_code == 1);
  json j = json::parse(r.out);
  CHECK(j["ok"] == false);
  CHECK(j["resumed_from"] == 0);
  CHECK(j["discrepancy_sequence"] == 2);
  CHECK(j["discrepancy"].get<std::string>().find("entry 2: its operation does not verify") == 0);
  CHECK(j["not_resumed"] ==
        "the saved replay (to entry 7) does not continue this journal: entry 3 does not link to "
        "the entry before it: the hash chain is broken; replaying from entry 1");
  // With --fresh: the same entry.
  r = w.Liard({"--key", "association", "audit", "verify", "--fresh", "--json"});
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["discrepancy_sequence"] == 2);
}

TEST_CASE("a node whose database was changed behind its back is caught by the audit",
          "[wallet][e2e][audit]") {
  AuditWorld w;
  w.Activity();
  REQUIRE(Parse(w.Ok({"--key", "association", "audit", "verify", "--json"}))["ok"] == true);
  REQUIRE(w.node().Stop() == 0);
  // A careful forger: 5.00 moved from Alice to Bob in the balances, the books still balanced
  // and the stored state digest recomputed, so that the node itself starts without a word.
  Tamper(w.data(), [&](rocksdb::DB* db, auto& cf) {
    std::map<std::string, AccountId> ids;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf["accounts"]));
    // Find the two residents by their names in the account records.
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string v = it->value().ToString();
      for (const char* name : {"Alice Martin", "Bob Durand"})
        if (v.find(name) != std::string::npos) REQUIRE(ids[name].Assign(it->key().ToString()));
    }
    REQUIRE(ids.size() == 2);
    auto key = [](const AccountId& id) {
      return std::string(1, static_cast<char>(Slot::kMember)) + std::string(id.view());
    };
    std::string a, b, digest;
    REQUIRE(db->Get(rocksdb::ReadOptions(), cf["balances"], key(ids["Alice Martin"]), &a).ok());
    REQUIRE(db->Get(rocksdb::ReadOptions(), cf["balances"], key(ids["Bob Durand"]), &b).ok());
    REQUIRE(db->Get(rocksdb::ReadOptions(), cf["meta"], "digest", &digest).ok());
    const int64_t old_a = FromI64Bytes(a), old_b = FromI64Bytes(b);
    REQUIRE(old_a >= 500);
    // The demo's rule: the sum (32 bytes) for a version 1 genesis, the LtHash's lanes for 2.
    StateDigest sd;
    REQUIRE(StateDigest::FromStored(digest.size() == 32 ? kStateDigestSum : kStateDigestLtHash,
                                    digest, &sd));
    sd.Remove(BalanceRecordHash(BookKey::Member(ids["Alice Martin"]), old_a));
    sd.Remove(BalanceRecordHash(BookKey::Member(ids["Bob Durand"]), old_b));
    sd.Add(BalanceRecordHash(BookKey::Member(ids["Alice Martin"]), old_a - 500));
    sd.Add(BalanceRecordHash(BookKey::Member(ids["Bob Durand"]), old_b + 500));
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf["balances"], key(ids["Alice Martin"]),
                    I64Bytes(old_a - 500))
                .ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf["balances"], key(ids["Bob Durand"]),
                    I64Bytes(old_b + 500))
                .ok());
    REQUIRE(db->Put(rocksdb::WriteOptions(), cf["meta"], "digest", sd.Stored()).ok());
  });
  w.node().Start();  // the node's own checks pass: the forgery is consistent
  CommandResult r = w.Liard({"--key", "association", "audit", "verify", "--fresh", "--json"});
  INFO(r.err << r.out);
  CHECK(r.exit_code == 1);
  json j = json::parse(r.out);
  CHECK(j["ok"] == false);
  CHECK(j["discrepancy"].get<std::string>().find("changed outside the rules") != std::string::npos);

  // The same verification and the assembly's report, in French and in English: the reason the
  // ledger is not verified is in the reader's language.
  ProgramOptions fr = w.Options(), c = w.Options();
  fr.env["LANG"] = "fr_FR.UTF-8";
  c.env["LANG"] = "C.UTF-8";
  r = w.Liard({"--key", "association", "audit", "verify", "--fresh"}, fr);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("DÉSACCORD : l'empreinte d'état du serveur à l'écriture") != std::string::npos);
  CHECK(r.err.find("la vérification a trouvé une anomalie") != std::string::npos);
  CHECK(r.out.find("DISAGREES") == std::string::npos);
  const std::string html_fr = w.tmp().Join("ag-fr.html"), html_c = w.tmp().Join("ag-c.html");
  r = w.Liard({"--key", "association", "audit", "report", "--out", html_fr}, fr);
  CHECK(r.exit_code == 1);
  const std::string page_fr = ReadAll(html_fr);
  CHECK(page_fr.find("<html lang=\"fr\">") != std::string::npos);
  CHECK(page_fr.find("Non vérifié") != std::string::npos);
  CHECK(page_fr.find("Le journal ne concorde pas avec le serveur : l&#39;empreinte d&#39;état du "
                     "serveur") != std::string::npos);
  CHECK(page_fr.find("hors des règles") != std::string::npos);
  CHECK(page_fr.find("changed outside") == std::string::npos);
  r = w.Liard({"--key", "association", "audit", "report", "--out", html_c}, c);
  CHECK(r.exit_code == 1);
  const std::string page_c = ReadAll(html_c);
  CHECK(page_c.find("<html lang=\"en\">") != std::string::npos);
  CHECK(page_c.find("Not verified") != std::string::npos);
  CHECK(page_c.find("The journal disagrees with the server: the node&#39;s state digest") !=
        std::string::npos);
}

// The share of pixels that are not (nearly) white, and how many distinct colours there are.
void PngInk(const std::string& path, double* ink, size_t* colours) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_file(&image, path.c_str()) != 0);
  image.format = PNG_FORMAT_RGB;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) != 0);
  size_t inked = 0;
  std::set<uint32_t> seen;
  for (size_t i = 0; i + 2 < pixels.size(); i += 3) {
    const int r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
    if (r < 235 || g < 235 || b < 235) ++inked;
    seen.insert((r >> 4) << 8 | (g >> 4) << 4 | (b >> 4));
  }
  *ink = static_cast<double>(inked) / static_cast<double>(image.width * image.height);
  *colours = seen.size();
}

std::vector<std::string> Chromium(const TempDir& tmp, std::vector<std::string> args) {
  std::vector<std::string> v = {"--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--user-data-dir=" + tmp.Join("chromium-profile")};
  v.insert(v.end(), args.begin(), args.end());
  return v;
}

// French figures as the report must print them, formatted here from minor units: 214001 ->
// "2 140,01" (2 decimals); the thousands and unit spaces are compared as plain spaces.
std::string French(int64_t minor) {
  const uint64_t v = minor < 0 ? static_cast<uint64_t>(-minor) : static_cast<uint64_t>(minor);
  const std::string whole = std::to_string(v / 100);
  std::string out = minor < 0 ? "-" : "";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ' ';
    out += whole[i];
  }
  char cents[8];
  std::snprintf(cents, sizeof cents, ",%02u", static_cast<unsigned>(v % 100));
  return out + cents;
}
std::string Eur(int64_t cents) { return French(cents) + " €"; }
std::string Roue(int64_t minor) { return French(minor) + " ROUE"; }

// pdftotext's text with the no-break spaces (U+00A0, U+202F) as plain spaces.
std::string PlainSpaces(std::string s) {
  for (const char* nbsp : {"\u00A0", "\u202F"})
    for (size_t at = s.find(nbsp); at != std::string::npos; at = s.find(nbsp, at))
      s.replace(at, std::string_view(nbsp).size(), " ");
  return s;
}

std::string PdfText(const std::string& pdf) {
  CommandResult text =
      RunProgram("/usr/bin/pdftotext", {"-layout", pdf, "-"}, ProgramOptions{}, Millis(30'000));
  REQUIRE(text.exit_code == 0);
  return PlainSpaces(text.out);
}

TEST_CASE(
    "the general assembly's report in French, as HTML and as an A4 PDF, has the ledger's "
    "figures",
    "[wallet][e2e][audit][report]") {
  AuditWorld w;
  w.Activity();
  // More of a month: a large conversion banked, paper notes sold and some handed back, a new
  // member with her fee, then renewed, a sponsor's payment.
  const std::string carole = EncodeAddress("ROUE", testing::KeyFor("carole").public_key());
  w.Ok({"--key", "office", "convert", "--member", w.Address("bob"), "--eur", "1990,01", "--yes"});
  w.Ok({"--key", "association", "deposit", "--office", w.Address("office"), "--eur", "1990,01",
        "--ref", "REM-0002", "--yes"});
  w.Ok({"--key", "office", "notes", "sell", "--eur", "20,00", "--yes"});
  w.Ok({"--key", "office", "notes", "redeem", "--merchant", w.Address("shop"), "--units", "5,00",
        "--yes"});
  w.Ok({"--key", "office", "account", "open", carole, "--name", "Carole Petit", "--member-until",
        Day(30, false), "--fee", "15,00", "--yes"});
  w.Ok({"--key", "office", "member", "renew", carole, "--until", Day(400, false), "--fee", "5,00",
        "--yes"});
  w.Ok({"--key", "association", "fund-programme", "demo-bonus", "--eur", "100,00", "--ref",
        "SUB-0001", "--yes"});
  // The bank's fee of 3,50 and its interest of 1,25, recorded by the treasurer (signed here:
  // the wallet has no command for them yet).
  std::string seed_bytes;
  std::string seed_hex = ReadAll(w.SeedFile("association"));
  REQUIRE(FromHex(seed_hex.substr(0, 64), &seed_bytes));
  Seed seed;
  REQUIRE(seed.Assign(seed_bytes));
  const KeyPair treasurer = KeyPair::FromSeed(seed);
  for (const BankEntry& entry : {BankEntry{BankEntryKind::kFee, Amount(3'50), "FRAIS-0001"},
                                 BankEntry{BankEntryKind::kInterest, Amount(1'25), "INT-0001"}}) {
    Operation op;
    op.account = treasurer.public_key();
    op.sequence =
        w.Json({"--key", "association", "balance", "--json"})["sequence"].get<uint64_t>() + 1;
    op.payload = entry;
    SubmitOutcome out = w.client().Submit(w.client().Sign(treasurer, op));
    INFO(out.status.error_message());
    REQUIRE(out.status.ok());
  }
  const json reserves = w.Json({"reserves", "--json"});

  const std::string html = w.tmp().Join("ag.html"), pdf = w.tmp().Join("ag.pdf");
  CommandResult made = RunProgram(
      LIARD_WALLET_PATH,
      {"--lang", "fr", "--key", "association", "audit", "report", "--out", html, "--pdf", pdf},
      w.Options(), Millis(90'000));
  INFO(made.err << made.out);
  REQUIRE(made.exit_code == 0);
  const std::string page = ReadAll(html);
  // Self-contained: no script, no external resource; French.
  CHECK(page.find("<html lang=\"fr\">") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("http://") == page.find("http://www.w3.org/2000/svg"));
  CHECK(page.find("<svg") != std::string::npos);
  CHECK(page.find(">€</text>") != std::string::npos);  // the chart's axis is in euros
  // Its ticks: whole euros from 0 in equal steps of 1, 2 or 5 × 10^k; the time axis's two ends
  // read differently.
  std::vector<int64_t> ticks;
  const std::string tick_mark = "dominant-baseline=\"middle\">";
  for (size_t at = page.find(tick_mark); at != std::string::npos;
       at = page.find(tick_mark, at + 1)) {
    const std::string label = PlainSpaces(page.substr(at + tick_mark.size(), 20));
    std::string digits;
    for (char c : label.substr(0, label.find('<')))
      if (c >= '0' && c <= '9')
        digits += c;
      else if (c != ' ')
        break;
    REQUIRE(!digits.empty());
    ticks.push_back(std::stoll(digits));
  }
  REQUIRE(ticks.size() >= 3);
  CHECK(ticks[0] == 0);
  const int64_t step = ticks[1];
  int64_t mantissa = step;
  while (mantissa % 10 == 0) mantissa /= 10;
  CHECK((mantissa == 1 || mantissa == 2 || mantissa == 5));
  for (size_t i = 1; i < ticks.size(); ++i) CHECK(ticks[i] - ticks[i - 1] == step);
  std::vector<std::string> ends;
  const std::string time_mark = "class=\"axis\" text-anchor=\"";
  for (const char* anchor : {"start\">", "end\">"}) {
    const size_t at = page.find(time_mark + anchor);
    if (at == std::string::npos) continue;
    const size_t from = at + time_mark.size() + std::string_view(anchor).size();
    ends.push_back(page.substr(from, page.find('<', from) - from));
  }
  // The activity takes seconds: the date and a time at the start, another time at the end.
  REQUIRE(ends.size() == 2);
  CHECK(ends[0].find(Day(0, true)) == 0);
  CHECK(ends[0] != ends[1]);

  // A real browser renders it: a page with text, tables and a chart, not a blank one.
  const std::string png = w.tmp().Join("ag.png");
  CommandResult shot = RunProgram(
      "/usr/bin/chromium",
      Chromium(w.tmp(), {"--window-size=1000,1400", "--screenshot=" + png, "file://" + html}),
      ProgramOptions{}, Millis(90'000));
  INFO(shot.err);
  REQUIRE(shot.exit_code == 0);
  double ink = 0;
  size_t colours = 0;
  PngInk(png, &ink, &colours);
  CHECK(ink > 0.03);
  CHECK(colours >= 8);  // the chart's lines, the badge, the table shading

  // The PDF the command printed: A4, every section's heading and the figures, in French.
  CommandResult info = RunProgram("/usr/bin/pdfinfo", {pdf}, ProgramOptions{}, Millis(30'000));
  REQUIRE(info.exit_code == 0);
  CHECK(info.out.find("(A4)") != std::string::npos);  // 594.96 x 841.92 points
  const std::string text = PdfText(pdf);
  INFO(text);
  static const char* kMois[] = {"janvier",   "février", "mars",     "avril",
                                "mai",       "juin",    "juillet",  "août",
                                "septembre", "octobre", "novembre", "décembre"};
  const std::string today = Day(0, true);  // DD/MM/YYYY: the activity is today's
  const std::string month =
      std::string(kMois[std::stoi(today.substr(3, 2)) - 1]) + " " + today.substr(6, 4);
  const int64_t circulation = reserves["circulation_minor"].get<int64_t>();
  const int64_t payments = 12'50 + 20'00;
  const std::vector<std::string> expected = {
      // Headings.
      "Vérifié", "Réserve", "Circulation et réserve dans le temps", "Euros entrés",
      "Unités sorties", "Recettes de l’association", "Bonifications et fonds des partenaires",
      "Adhérents, professionnels et collectivités", "Paiements", month, today,
      // Reserves, as `liard reserves --json` gives them.
      Eur(reserves["fund_minor"].get<int64_t>()), Roue(circulation),
      Eur(reserves["required_reserve_minor"].get<int64_t>()),
      Eur(reserves["owed_to_merchants_minor"].get<int64_t>()),
      Eur(reserves["income_minor"].get<int64_t>()),
      // Euros in: 10,00 + 25,00 + 1 990,01 converted, 20,00 of notes.
      Eur(2'025'01), Eur(20'00), Eur(2'045'01),
      // Units out: 30,00 reconverted, 5,00 of notes; owed 28,50 + 4,75, paid 28,50.
      Roue(30'00), Roue(5'00), Roue(35'00), Eur(33'25), Eur(28'50),
      // Income: 15,00 + 5,00 of membership fees, 1,50 + 0,25 of reconversion fees, 1,25 of
      // interest, 3,50 of bank fees.
      Eur(20'00), Eur(1'75), Eur(1'25), Eur(-3'50), Eur(19'50),
      // The bonus (10,00 € gave 2,00 of bonus) and the sponsor's 100,00 €.
      "demo-bonus", Eur(2'00), Eur(100'00),
      // Payments: two, 32,50; velocity = volume ÷ circulation, in hundredths.
      Roue(payments), French(payments * 100 / circulation)};
  for (const std::string& words : expected) {
    INFO(words);
    CHECK(text.find(words) != std::string::npos);
  }
  CHECK(reserves["income_minor"] == 19'50);  // every cent of income is in the lines above
  CHECK(text.find("Fees earned") == std::string::npos);
  CHECK(text.find("Reserves") == std::string::npos);

  // In English on request.
  const std::string pdf_en = w.tmp().Join("ag-en.pdf");
  CommandResult en =
      RunProgram(LIARD_WALLET_PATH,
                 {"--key", "association", "audit", "report", "--pdf", pdf_en, "--lang", "en"},
                 w.Options(), Millis(90'000));
  INFO(en.err);
  REQUIRE(en.exit_code == 0);
  const std::string text_en = PdfText(pdf_en);
  for (const char* words :
       {"Verified", "Reserves", "Circulation and reserve over time", "Euros in", "Units out",
        "Association income", "Bonus and sponsor funds", "Members, merchants and municipalities",
        "Payments", "€2,045.01", "Membership fees", "Reconversion fees"}) {
    INFO(words);
    CHECK(text_en.find(words) != std::string::npos);
  }
}

TEST_CASE("audit report says what to install when Chromium is missing, and what it needs",
          "[wallet][e2e][audit][report]") {
  AuditWorld w;
  const std::string pdf = w.tmp().Join("ag.pdf");
  ProgramOptions o = w.Options();
  o.env["PATH"] = w.tmp().Join("empty-bin");  // no chromium there
  CommandResult r = w.Liard({"--key", "association", "audit", "report", "--pdf", pdf}, o);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("install the chromium package") != std::string::npos);
  CHECK(!std::filesystem::exists(pdf));
  CommandResult none = w.Liard({"--key", "association", "audit", "report"});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("--out FILE.html, --pdf FILE.pdf") != std::string::npos);
  // --lang is the wallet's (global) option, written after the subcommand too.
  CommandResult lang = w.Liard(
      {"--key", "association", "audit", "report", "--out", w.tmp().Join("x.html"), "--lang", "de"});
  CHECK(lang.exit_code == 2);
  CHECK(lang.err.find("de") != std::string::npos);
  CHECK(!std::filesystem::exists(w.tmp().Join("x.html")));
}

TEST_CASE(
    "the assembly's report follows the wallet's language: French words and amounts in French, "
    "English ones in English",
    "[wallet][e2e][audit][report][i18n]") {
  AuditWorld w;
  w.Activity();
  w.Ok({"--key", "office", "convert", "--member", w.Address("bob"), "--eur", "1990,01", "--yes"});
  const std::string fr = w.tmp().Join("ag-fr.html"), c = w.tmp().Join("ag-c.html");
  const std::string en = w.tmp().Join("ag-en.html");
  ProgramOptions o = w.Options();
  o.env["LANG"] = "fr_FR.UTF-8";
  CommandResult made = w.Liard({"--key", "association", "audit", "report", "--out", fr}, o);
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  CHECK(made.out.find("Rapport écrit dans " + fr + " (écriture ") == 0);
  o.env["LANG"] = "C.UTF-8";
  REQUIRE(w.Liard({"--key", "association", "audit", "report", "--out", c}, o).exit_code == 0);
  // A French reader asks for English after the subcommand: the wallet's global option.
  o.env["LANG"] = "fr_FR.UTF-8";
  made = w.Liard({"--key", "association", "audit", "report", "--out", en, "--lang", "en"}, o);
  REQUIRE(made.exit_code == 0);
  CHECK(made.out.find("Report written to " + en + " (entry ") == 0);
  const std::string page_en = ReadAll(en);
  CHECK(page_en.find("<html lang=\"en\">") != std::string::npos);
  CHECK(page_en.find("Euros converted") != std::string::npos);

  static const char* kMois[] = {"janvier",   "février", "mars",     "avril",
                                "mai",       "juin",    "juillet",  "août",
                                "septembre", "octobre", "novembre", "décembre"};
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  const std::string today = Day(0, true);
  const int month = std::stoi(today.substr(3, 2)) - 1;
  const std::string year = today.substr(6, 4);
  // Euros in: 10,00 + 25,00 + 1 990,01 converted.
  const std::string page_fr = PlainSpaces(ReadAll(fr));
  for (const std::string& words : std::vector<std::string>{
           std::string("<html lang=\"fr\">"), std::string("Vérifié"), std::string("Réserve"),
           std::string("Euros entrés"), std::string("Recettes de l’association"),
           std::string("Adhérents, professionnels et collectivités"), std::string("Vélocité"),
           std::string(kMois[month]) + " " + year, "du " + today + " au " + today, Eur(2'025'01),
           std::string("Rapport à l’assemblée générale")}) {
    INFO(words);
    CHECK(page_fr.find(words) != std::string::npos);
  }
  for (const char* english : {"Reserves", "Euros in", "Payments", "Verified", "€2,025.01"}) {
    INFO(english);
    CHECK(page_fr.find(english) == std::string::npos);
  }
  const std::string page_c = ReadAll(c);
  for (const std::string& words : std::vector<std::string>{
           std::string("<html lang=\"en\">"), std::string("Verified"), std::string("Reserves"),
           std::string("Euros in"), std::string("Association income"),
           std::string("Members, merchants and municipalities"), std::string("Velocity"),
           std::string(kMonths[month]) + " " + year, std::string("€2,025.01")}) {
    INFO(words);
    CHECK(page_c.find(words) != std::string::npos);
  }
  for (const char* french : {"Réserve", "Euros entrés", "Vérifié", "2 025,01"}) {
    INFO(french);
    CHECK(PlainSpaces(page_c).find(french) == std::string::npos);
  }
}

// ISO-8859-15 to UTF-8, by the table of the standard (the test's own, not iconv): Latin-1 but
// for the eight code points it replaced (€ Š š Ž ž Œ œ Ÿ).
std::string Latin9ToUtf8(const std::string& bytes) {
  static const std::map<unsigned char, char32_t> kLatin9 = {
      {0xA4, 0x20AC}, {0xA6, 0x160}, {0xA8, 0x161}, {0xB4, 0x17D},
      {0xB8, 0x17E},  {0xBC, 0x152}, {0xBD, 0x153}, {0xBE, 0x178}};
  std::string out;
  for (unsigned char c : bytes) {
    char32_t cp = c;
    if (auto it = kLatin9.find(c); it != kLatin9.end()) cp = it->second;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

std::string Replaced(std::string s, const std::string& from, const std::string& to) {
  for (size_t at; (at = s.find(from)) != std::string::npos;) s.replace(at, from.size(), to);
  return s;
}

// The demo and a month of every operation that moves euros, through the real wallet.
void TreasurersMonth(AuditWorld& w) {
  const std::string year = Day(0, false).substr(0, 4);
  w.Ok({"key", "new", "chloe", "--fast"});
  w.Ok({"--key", "office", "account", "open", w.Address("chloe"), "--name", "Chloé Petit",
        "--member-until", year + "-12-31", "--fee", "10,00", "--yes"});
  w.Ok({"--key", "office", "member", "renew", w.Address("chloe"), "--until",
        std::to_string(std::stoi(year) + 1) + "-12-31", "--fee", "12,00", "--yes"});
  w.Activity();  // conversions (with the bonus), payments, a reconversion, a deposit, a payout
  w.Ok({"--key", "office", "convert", "--member", w.Address("chloe"), "--eur", "20,00",
        "--programme", "demo-bonus", "--yes"});
  w.Ok({"--key", "chloe", "pay", w.Address("shop"), "15,00", "--yes"});
  w.Ok({"--key", "office", "notes", "sell", "--eur", "150,00", "--yes"});
  w.Ok({"--key", "association", "deposit", "--office", w.Address("office"), "--eur", "170,00",
        "--ref", "REM-0002", "--yes"});
  w.Ok({"--key", "office", "notes", "redeem", "--merchant", w.Address("shop"), "--units", "40,00",
        "--yes"});
  w.Ok({"--key", "association", "payout", "--merchant", w.Address("shop"), "--eur", "38,00",
        "--ref", "VIR-0078", "--yes"});
  w.Ok({"--key", "association", "fund-programme", "demo-bonus", "--eur", "200,00", "--ref",
        "SUB-0001", "--yes"});
}

TEST_CASE(
    "the FEC of the demo and a month, re-read as an accountant's tool would and tied to "
    "liard reserves",
    "[wallet][e2e][audit][fec]") {
  AuditWorld w;
  const std::string first = Replaced(Day(0, false), "-", "");
  TreasurersMonth(w);
  const std::string iso = w.tmp().Join("FEC.txt"), utf8 = w.tmp().Join("FEC-utf8.txt");
  const std::string csv = w.tmp().Join("postings.csv");
  const std::string out =
      w.Ok({"--key", "association", "audit", "export", "--fec", iso, "--csv", csv});
  CHECK(ReadAll(csv).rfind("sequence,time,operation,operation_id,book,slot,owner,amount\n", 0) ==
        0);
  w.Ok({"--key", "association", "audit", "export", "--fec", utf8, "--utf8"});
  const std::string last = Replaced(Day(0, false), "-", "");
  CHECK(out.find("ISO-8859-15") != std::string::npos);  // the command says the encoding
  CHECK(out.find("expects the file to be named <SIREN>FEC" + last + ".txt") != std::string::npos);
  const json r = Parse(w.Ok({"reserves", "--json"}));

  // Read back as ISO-8859-15: the same écritures as the UTF-8 file, but for the arrow and the
  // dashes that ISO-8859-15 has not.
  const std::string latin9 = ReadAll(iso), text = ReadAll(utf8);
  CHECK(latin9.find("Boulangerie du Rh\xF4ne") != std::string::npos);
  CHECK(latin9.find("10,00 \xA4 -> 12,00 ROUE - Alice Martin") != std::string::npos);
  CHECK(latin9.find("Rhône") == std::string::npos);  // no UTF-8 in it
  CHECK(text.find("Conversion 10,00 € → 12,00 ROUE – Alice Martin") != std::string::npos);
  CHECK(Latin9ToUtf8(latin9) == Replaced(Replaced(text, "→", "->"), "–", "-"));

  // The accountant's checks, on the file as read from ISO-8859-15.
  const testing::FecRead f = testing::ReadFec(Latin9ToUtf8(latin9), first, last);
  testing::Reserves at_end{r["circulation_accounts_minor"].get<int64_t>(),
                           r["circulation_paper_minor"].get<int64_t>(),
                           r["fund_minor"].get<int64_t>(),
                           r["office_cash_minor"].get<int64_t>(),
                           r["owed_to_merchants_minor"].get<int64_t>(),
                           r["sponsor_budgets_minor"].get<int64_t>(),
                           r["income_minor"].get<int64_t>()};
  testing::CheckTies(f, at_end);
  // The demo's genesis: 150,00 € of fund for 150,00 ROUE, and the bonus's 500,00 €.
  CHECK(f.opening.at({"512100", ""}) == 650'00);
  CHECK(f.opening.at({"467100", ""}) == -150'00);
  for (const char* journal : {"AN", "CV", "BI", "RC", "BQ", "AD"}) {
    INFO(journal);
    CHECK(f.ecritures_per_journal.count(journal) == 1);
  }
  CHECK(f.ecritures_per_journal.at("CV") == 3);
  CHECK(f.ecritures_per_journal.at("BQ") == 5);  // two deposits, two payouts, one funding
  CHECK(f.ecritures_per_journal.at("AD") == 2);
  CHECK(f.Of("756000") == -22'00);
  CHECK(f.Of("706100") == -(1'50 + 2'00));
  CHECK(f.With("Dépôt des espèces - Comptoir de la Gare").at(0).piece == "REM-0001");

  // One exercice, with the association's own chart and journal codes and its SIREN: the file
  // has the name the administration expects, so no hint.
  const std::string year = Day(0, false).substr(0, 4);
  const std::string config = w.tmp().Join("fec.toml");
  WriteFile(config,
            "siren = \"123456789\"\n[accounts]\nbank = { number = \"512300\", label = \"La Nef – "
            "fonds de garantie\" }\n[journals]\nconversions = { code = \"CO\", label = "
            "\"Conversions\" }\n");
  const std::string legal = w.tmp().Join("123456789FEC" + year + "1231.txt");
  const std::string y = w.Ok({"--key", "association", "audit", "export", "--fec", legal,
                              "--fec-config", config, "--exercice", year, "--utf8"});
  CHECK(y.find("expects") == std::string::npos);
  CHECK(y.find("UTF-8") != std::string::npos);
  auto sides = testing::DefaultSides();
  sides["512300"] = testing::Side::kDebit;
  const testing::FecRead e = testing::ReadFec(ReadAll(legal), year + "0101", year + "1231", sides);
  testing::CheckTies(e, at_end, "512300");
  CHECK(e.Of("512100") == 0);
  CHECK(e.ecritures_per_journal.at("CO") == 3);
  CHECK(e.rows.at(0).account_label == "La Nef – fonds de garantie");
  // The same year as --from/--to, in the French way: the same file.
  const std::string french = w.tmp().Join("from-to.txt");
  w.Ok({"--key", "association", "audit", "export", "--fec", french, "--fec-config", config,
        "--from", "01/01/" + year, "--to", "31/12/" + year, "--utf8"});
  CHECK(ReadAll(french) == ReadAll(legal));

  // Bad input changes nothing and says what to do: a chart with the names of before.
  WriteFile(config, "[accounts]\nfund = { number = \"512\", label = \"x\" }\n");
  CommandResult bad =
      w.Liard({"--key", "association", "audit", "export", "--fec", iso, "--fec-config", config});
  CHECK(bad.exit_code == 5);
  CHECK(bad.err.find("fec.toml:2: the account 'fund' is now named bank") != std::string::npos);
  WriteFile(config, "journal_code = \"MLC\"\n");
  bad = w.Liard({"--key", "association", "audit", "export", "--fec", iso, "--fec-config", config});
  CHECK(bad.exit_code == 5);
  CHECK(bad.err.find("replaced by a [journals] table") != std::string::npos);
  bad = w.Liard({"--key", "association", "audit", "export", "--fec", iso, "--exercice", year,
                 "--from", "01/01/" + year});
  CHECK(bad.exit_code == 2);
  CHECK(ReadAll(iso) == latin9);  // untouched
}

TEST_CASE("the bank statement is reconciled with recorded deposits and payouts",
          "[wallet][e2e][audit][reconcile]") {
  AuditWorld w;
  w.Activity();
  json now = Parse(w.Ok({"--key", "association", "reserves", "--json"}));
  // A French bank's export: ';' and decimal commas; the payout appears without our reference.
  const std::string statement = w.tmp().Join("nef.csv");
  WriteFile(statement, "Date;Amount;Label;Reference\n" + Day(0, true) +
                           ";35,00;REMISE ESPECES;REM-0001\n" + Day(1, true) +
                           ";-28,50;VIR SEPA BOULANGERIE;\n");
  // The bank holds the fund, what is owed to merchants, the bonus budgets and the income.
  auto cents = [&](const char* k) { return now[std::string(k) + "_minor"].get<int64_t>(); };
  const int64_t expected =
      cents("fund") + cents("owed_to_merchants") + cents("sponsor_budgets") + cents("income");
  const std::string closing = std::to_string(expected / 100) + "," +
                              (expected % 100 < 10 ? "0" : "") + std::to_string(expected % 100);
  json j = Parse(w.Ok({"--key", "association", "audit", "reconcile", "--statement", statement,
                       "--closing", closing, "--json"}));
  CHECK(j["ok"] == true);
  CHECK(j["matched"] == 2);
  CHECK(j["unmatched_bank"].empty());
  CHECK(j["unmatched_ledger"].empty());

  // A bank fee nobody recorded and a missing deposit line: listed on both sides, exit 1.
  WriteFile(statement, "date,amount,label,reference\n" + Day(1, false) +
                           ",-28.50,VIR SEPA BOULANGERIE,\n" + Day(3, false) +
                           ",-1.20,FRAIS TENUE DE COMPTE,\n");
  CommandResult r = w.Liard({"--key", "association", "audit", "reconcile", "--statement", statement,
                             "--closing", closing, "--json"});
  CHECK(r.exit_code == 1);
  j = json::parse(r.out);
  CHECK(j["ok"] == false);
  REQUIRE(j["unmatched_bank"].size() == 1);
  CHECK(j["unmatched_bank"][0]["amount"] == "-1.20");
  REQUIRE(j["unmatched_ledger"].size() == 1);
  CHECK(j["unmatched_ledger"][0]["reference"] == "REM-0001");
  // A line that is not a date is a usage error naming the line.
  WriteFile(statement, "date;amount\n2026-13-45;1,00\n");
  r = w.Liard({"--key", "association", "audit", "reconcile", "--statement", statement});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("nef.csv:2") != std::string::npos);
}

}  // namespace
}  // namespace liard::e2e

// `liard audit`: verify the journal independently, export it, report to the general assembly,
// export the accounting (postings CSV, FEC) and reconcile the bank statement.
#include <fcntl.h>
#include <iconv.h>
#include <spawn.h>
#include <sys/wait.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <limits>

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ledger/address.h"
#include "ledger/audit.h"
#include "ledger/fec.h"
#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/money.h"
#include "ledger/replay.h"
#include "ledger/report.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/audit.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/report_html.h"
#include "wallet-cli/statement.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

struct AuditArgs {
  std::string journal;  // --journal: an exported file instead of the node
  std::string out;
  std::string csv, fec, fec_config;
  std::string statement, closing;
  std::string from, to;  // the FEC's period (--from/--to), or
  int exercice = 0;      // --exercice 2026
  bool utf8 = false;     // --utf8: the FEC in UTF-8 rather than ISO-8859-15
  std::string state;     // --state: where the replay is saved to resume
  std::string pdf;       // audit report --pdf
  int threads = 0;
  int window = 5;
  bool fresh = false, json = false;
};

// The genesis and a source of entries: an exported file, or the node's journal stream (a
// private read: a treasurer's or auditor's key signs it).
struct Input {
  std::string genesis_bytes;
  Genesis genesis;
  Hash ledger_id;
  std::unique_ptr<JournalSource> source;
  JournalFileReader* file = nullptr;  // when from a file
  uint64_t head = 0;                  // the node's head when the stream opened; 0 for a file
};

CliStatus OpenGenesis(Session& session, const AuditArgs& a, Input* in) {
  if (!a.journal.empty()) {
    auto file = std::make_unique<JournalFileReader>();
    CliStatus s = file->Open(a.journal);
    if (!s.ok()) return s;
    in->genesis_bytes = file->genesis();
    in->file = file.get();
    in->source = std::move(file);
  } else {
    CliStatus s = session.Connect();
    if (!s.ok()) return s;
    pb::GenesisInfo info;
    s = session.node().GetGenesis(&info);
    if (!s.ok()) return s;
    in->genesis_bytes = info.genesis();
  }
  Status d = codec::DecodeGenesis(in->genesis_bytes, &in->genesis);
  if (!d.ok())
    return CliStatus::Refused(
        Tr("the genesis does not decode: {why}", fmt::arg("why", d.message())));
  in->ledger_id = LedgerIdOf(in->genesis_bytes);
  // Dates in the currency's time zone, also for an exported journal read without the node.
  SetDisplayZone(in->genesis.time_zone);
  return CliStatus::Ok();
}

// Opens the node's stream from `from` (a file needs nothing more).
CliStatus OpenSource(Session& session, uint64_t from, Input* in) {
  if (in->source) return CliStatus::Ok();
  pb::Head head;
  CliStatus s = session.node().GetHead(&head);
  if (!s.ok()) return s;
  in->head = head.sequence();
  std::unique_ptr<NodeJournalSource> source;
  s = NodeJournalSource::Open(&session.node(), from, &source);
  if (!s.ok()) return s;
  in->source = std::move(source);
  return CliStatus::Ok();
}

std::string DefaultStatePath(const Hash& ledger_id) {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  std::string dir = xdg && *xdg ? std::string(xdg) + "/liard"
                                : std::string(home ? home : ".") + "/.local/state/liard";
  return dir + "/audit-" + ToHex(ledger_id).substr(0, 16) + ".replay";
}

int Threads(int asked) {
  if (asked > 0) return asked;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Replays the whole journal (from the genesis, or from the saved replay) through `applied`.
struct Run {
  Input in;
  std::unique_ptr<Replay> replay;
  PipelineStats stats;
  uint64_t resumed_from = 0;
  std::string not_resumed;  // why a saved replay was found but not resumed; empty otherwise
};

CliStatus ReplayAll(Session& session, const AuditArgs& a, bool resumable, const AppliedFn& applied,
                    Run* run) {
  CliStatus s;
  if (run->in.genesis_bytes.empty() && !(s = OpenGenesis(session, a, &run->in)).ok()) return s;
  const std::string state_path = a.state.empty() ? DefaultStatePath(run->in.ledger_id) : a.state;
  // A saved replay is resumed only if it is sealed (Resume) and the source's entries up to it
  // hash to the head hash it verified (CheckContinuity); otherwise the replay starts from entry 1
  // and says why. The source is read from entry 1 either way.
  if (resumable && !a.fresh) {
    std::string saved;
    bool found = false;
    s = ReadWholeFile(state_path, &saved, &found);
    if (!s.ok()) return s;
    if (found) {
      Status r = Replay::Resume(run->in.genesis, run->in.genesis_bytes, saved, &run->replay);
      if (r.ok())
        run->resumed_from = run->replay->sequence();
      else
        run->not_resumed =
            Tr("{why} ({file})", fmt::arg("why", r.message()), fmt::arg("file", state_path));
    }
  }
  if (run->replay) {
    if (!(s = OpenSource(session, 1, &run->in)).ok()) return s;
    std::string why;
    if (!(s = CheckContinuity(*run->replay, run->in.source.get(), &why)).ok()) return s;
    if (!why.empty()) {
      run->not_resumed =
          Tr("the saved replay (to entry {entry}) does not continue this journal: {why}",
             fmt::arg("entry", run->resumed_from), fmt::arg("why", why));
      run->resumed_from = 0;
      run->replay.reset();
      if (run->in.file != nullptr)
        run->in.file->Rewind();
      else
        run->in.source.reset();  // the node's stream is opened again from entry 1
    }
  }
  if (!run->not_resumed.empty())
    run->not_resumed = Tr("{why}; replaying from entry 1", fmt::arg("why", run->not_resumed));
  if (!run->replay) {
    Status r = Replay::Create(run->in.genesis, run->in.genesis_bytes, &run->replay);
    if (!r.ok())
      return CliStatus::Refused(
          Tr("the genesis is refused by the rules: {why}", fmt::arg("why", r.message())));
  }
  s = OpenSource(session, 1, &run->in);
  if (!s.ok()) return s;
  const bool tty = ::isatty(2);
  auto progress = [&](uint64_t seq) {
    std::cerr << (tty ? "\r" : "") << "liard: "
              << (run->in.head > 0 ? Tr("verified {n} of {head} entries", fmt::arg("n", seq),
                                        fmt::arg("head", run->in.head))
                                   : Tr("verified {n}", fmt::arg("n", seq)))
              << (tty ? "   " : "\n") << std::flush;
  };
  auto save = [&]() -> CliStatus {
    if (!resumable) return CliStatus::Ok();
    const size_t slash = state_path.rfind('/');
    if (slash != std::string::npos) {
      CliStatus m = MakeDirs(state_path.substr(0, slash), 0700);
      if (!m.ok()) return m;
    }
    return WriteFileAtomically(state_path, run->replay->EncodeSnapshot());
  };
  s = RunPipeline(run->replay.get(), run->in.source.get(), Threads(a.threads), applied, progress,
                  resumable ? 100'000 : 0, save, &run->stats);
  if (tty && run->stats.seconds >= 1) std::cerr << "\n";
  if (!s.ok()) {
    // What was verified before the discrepancy stays saved: the next run restarts there.
    if (run->replay->discrepancy().sequence == 0) (void)save().ok();
    return s;
  }
  return save();
}

// What the node says now against what the replay computed: its signed checkpoint, its head and
// its reserves. Appends one line per check to `checks`; false if any disagrees.
bool CompareWithSource(Session& session, Run* run, std::vector<std::string>* checks,
                       std::string* failure) {
  Replay& r = *run->replay;
  bool ok = true;
  auto fail = [&](std::string why) {
    ok = false;
    if (failure->empty()) *failure = why;
    checks->push_back(Tr("DISAGREES: {why}", fmt::arg("why", why)));
  };
  std::optional<pb::SignedCheckpoint> cp;
  if (run->in.file != nullptr) {
    cp = run->in.file->checkpoint();
  } else {
    pb::SignedCheckpoint c;
    if (session.node().GetCheckpoint(&c).ok()) cp = c;
  }
  if (cp) {
    Checkpoint c;
    PublicKey key;
    Signature sig;
    bool shaped = c.head_hash.Assign(cp->head_hash()) &&
                  c.state_digest.Assign(cp->state_digest()) && key.Assign(cp->node_key()) &&
                  sig.Assign(cp->signature());
    c.sequence = cp->sequence();
    c.time_ms = cp->time_ms();
    Status s = shaped ? r.CheckCheckpoint(c, sig, key)
                      : Status(Code::kCorruption, _("the checkpoint is malformed"));
    if (s.ok() && c.sequence == r.sequence())
      checks->push_back(
          Tr("the node's signed checkpoint at entry {entry} has the replayed head hash and state "
             "digest",
             fmt::arg("entry", c.sequence)));
    else if (s.ok())
      checks->push_back(Tr(
          "the node's signature on its checkpoint at entry {entry} verifies (the replay went past "
          "it)",
          fmt::arg("entry", c.sequence)));
    else if (s.code() == Code::kOutOfRange)
      checks->push_back(Tr(
          "the node's latest checkpoint (entry {entry}) is newer than the journal read; run again "
          "to check it",
          fmt::arg("entry", c.sequence)));
    else if (!shaped || !French())
      fail(s.message());
    else  // the ledger's reason is English: said in French, with it for the record
      fail(
          Tr("the node's signed checkpoint at entry {entry} does not agree with the journal "
             "({why})",
             fmt::arg("entry", c.sequence), fmt::arg("why", s.message())));
  } else {
    checks->push_back(_("no signed checkpoint to compare with"));
  }
  if (run->in.file != nullptr) return ok;
  pb::Head head;
  if (session.node().GetHead(&head).ok() && head.sequence() == r.sequence()) {
    if (head.head_hash() != r.head_hash().view())
      fail(Tr("the node's head hash at entry {entry} is not the journal's",
              fmt::arg("entry", r.sequence())));
    else if (head.state_digest() != r.state().digest().view())
      fail(
          Tr("the node's state digest at entry {entry} is not what replaying the journal gives: "
             "its balances were changed outside the rules",
             fmt::arg("entry", r.sequence())));
    else
      checks->push_back(
          Tr("the node's head and state digest at entry {entry} are the replay's: every account "
             "record and balance agrees",
             fmt::arg("entry", r.sequence())));
  }
  pb::Reserves nr;
  if (session.node().GetReserves(&nr).ok() && nr.sequence() == r.sequence()) {
    const ReserveReport mine =
        ComputeReserves(run->in.genesis, r.state().governance().rules, r.state().totals());
    const bool same = nr.circulation_accounts() == mine.circulation_accounts &&
                      nr.circulation_paper() == mine.circulation_paper && nr.fund() == mine.fund &&
                      nr.office_cash() == mine.office_cash &&
                      nr.owed_to_merchants() == mine.owed_to_merchants &&
                      nr.sponsor_budgets() == mine.sponsor_budgets && nr.income() == mine.income &&
                      nr.required_reserve() == mine.required &&
                      nr.coverage_basis_points() == mine.coverage_basis_points &&
                      nr.office_cash_basis_points() == mine.office_cash_basis_points;
    if (same)
      checks->push_back(_("the node's reserves are the replay's"));
    else
      fail(_("the node reports reserves that the journal does not give"));
  }
  return ok;
}

// --json output is the same whatever the language (scripts read it): its sentences (checks,
// advice, reasons) are English while the command runs.
class EnglishWhile {
 public:
  explicit EnglishWhile(bool on) : saved_(CurrentLanguage()), on_(on) {
    if (on_) SetLanguage(Language::kEnglish);
  }
  ~EnglishWhile() {
    if (on_) SetLanguage(saved_);
  }
  EnglishWhile(const EnglishWhile&) = delete;
  EnglishWhile& operator=(const EnglishWhile&) = delete;

 private:
  Language saved_;
  bool on_;
};

// A decimal number as the reader writes it: "0,85" in French, "0.85" in English.
std::string Decimal(double value, int decimals) {
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (French()) std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

CliStatus Verify(Session& session, const AuditArgs& a) {
  const EnglishWhile english(a.json);
  Run run;
  CliStatus s = ReplayAll(session, a, /*resumable=*/true, nullptr, &run);
  const Replay* r = run.replay.get();
  if (!s.ok() && (r == nullptr || r->discrepancy().sequence == 0)) return s;
  std::vector<std::string> checks;
  std::string failure = s.ok() ? "" : s.message();
  bool agrees = s.ok() && CompareWithSource(session, &run, &checks, &failure);
  const int threads = Threads(a.threads);
  const uint64_t checked = r->sequence() - run.resumed_from;
  const double rate = run.stats.seconds > 0 ? checked / run.stats.seconds : 0;
  const double limit = checked >= 1000 ? MeasureVerifyRate(threads, 1000) : 0;
  if (a.json) {
    json j;
    j["ok"] = agrees;
    j["sequence"] = r->sequence();
    j["head_hash"] = ToHex(r->head_hash());
    j["state_digest"] = ToHex(r->state().digest());
    j["resumed_from"] = run.resumed_from;
    if (!run.not_resumed.empty()) j["not_resumed"] = run.not_resumed;
    j["entries_checked"] = checked;
    j["seconds"] = run.stats.seconds;
    j["entries_per_second"] = rate;
    j["threads"] = threads;
    // The node's journal streams read: more than one when the read request expired on the way
    // and was renewed.
    if (const auto* node = dynamic_cast<const NodeJournalSource*>(run.in.source.get()))
      j["journal_streams"] = node->streams();
    if (limit > 0) {
      j["verify_limit_per_second"] = limit;
      j["ratio_to_verify_limit"] = rate / limit;
    }
    j["checks"] = checks;
    if (!agrees) {
      j["discrepancy_sequence"] = r->discrepancy().sequence;
      j["discrepancy"] = failure;
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << Tr("Journal of {currency} (ledger {ledger}…)",
                    fmt::arg("currency", SafeText(run.in.genesis.currency_name)),
                    fmt::arg("ledger", ToHex(run.in.ledger_id).substr(0, 16)))
              << "\n";
    if (!run.not_resumed.empty()) std::cout << "  " << SafeText(run.not_resumed) << "\n";
    if (run.resumed_from > 0)
      std::cout << "  "
                << Tr("resumed at entry {entry} (saved replay; this journal's entries 1 to "
                      "{entry} hash to the head hash it verified)",
                      fmt::arg("entry", run.resumed_from))
                << "\n";
    if (checked > 0)
      std::cout << "  "
                << Tr("checked entries {first} to {last}: hash chain, signatures, every "
                      "operation applied again",
                      fmt::arg("first", run.resumed_from + 1), fmt::arg("last", r->sequence()))
                << "\n";
    else if (r->discrepancy().sequence == 0)
      std::cout << "  " << Tr("no new entry since entry {entry}", fmt::arg("entry", r->sequence()))
                << "\n";
    if (r->discrepancy().sequence != 0)
      std::cout << "  "
                << Tr("entry {entry} is bad: {why}", fmt::arg("entry", r->discrepancy().sequence),
                      fmt::arg("why", SafeText(r->discrepancy().why)))
                << "\n";
    if (checked > 0 && r->discrepancy().sequence == 0) {
      const auto t = static_cast<unsigned long>(threads);
      std::cout << "  "
                << (limit > 0
                        ? TrP("{rate} entries/s on {threads} thread = {ratio} of this "
                              "machine's Ed25519 verify rate ({limit}/s)",
                              "{rate} entries/s on {threads} threads = {ratio} of this "
                              "machine's Ed25519 verify rate ({limit}/s)",
                              t, fmt::arg("rate", Decimal(rate, 0)), fmt::arg("threads", threads),
                              fmt::arg("ratio", Decimal(rate / limit, 2)),
                              fmt::arg("limit", Decimal(limit, 0)))
                        : TrP("{rate} entries/s on {threads} thread",
                              "{rate} entries/s on {threads} threads", t,
                              fmt::arg("rate", Decimal(rate, 0)), fmt::arg("threads", threads)))
                << "\n";
    }
    for (const auto& c : checks) std::cout << "  " << SafeText(c) << "\n";
    if (agrees) std::cout << _("OK: the ledger verifies.") << "\n";
  }
  if (!agrees)
    return CliStatus::Refused(Tr("the audit found a discrepancy: {why}", fmt::arg("why", failure)));
  return CliStatus::Ok();
}

CliStatus ExportJournal(Session& session, const AuditArgs& a) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  pb::GenesisInfo info;
  s = session.node().GetGenesis(&info);
  if (!s.ok()) return s;
  Input in;
  s = OpenSource(session, 1, &in);
  if (!s.ok()) return s;
  JournalFileWriter w;
  s = w.Open(a.out, info.genesis());
  if (!s.ok()) return s;
  uint64_t n = 0;
  for (;;) {
    pb::JournalEntry e;
    bool end = false;
    s = in.source->Next(&e, &end);
    if (!s.ok()) return s;
    if (end) break;
    s = w.Add(e);
    if (!s.ok()) return s;
    ++n;
  }
  pb::SignedCheckpoint cp;
  const bool have_cp = session.node().GetCheckpoint(&cp).ok();
  PublicKey key;
  const bool have_key = have_cp && key.Assign(cp.node_key());
  s = w.Finish(have_cp ? &cp : nullptr, have_key ? &key : nullptr);
  if (!s.ok()) return s;
  std::cout << (have_cp ? TrP("Exported {n} journal entry to {file} with the node's checkpoint "
                              "at entry {entry}",
                              "Exported {n} journal entries to {file} with the node's checkpoint "
                              "at entry {entry}",
                              n, fmt::arg("n", n), fmt::arg("file", a.out),
                              fmt::arg("entry", cp.sequence()))
                        : TrP("Exported {n} journal entry to {file}",
                              "Exported {n} journal entries to {file}", n, fmt::arg("n", n),
                              fmt::arg("file", a.out)))
            << "\n"
            << Tr("Verify it anywhere with: {command}",
                  fmt::arg("command", "liard audit verify --journal " + a.out))  // i18n: as is
            << "\n";
  return CliStatus::Ok();
}

// The FEC's chart, journals and SIREN from --fec-config (docs/wallet.md): [accounts] and
// [journals] by role name; the slot names of before issue 17 are refused with their new name.
CliStatus LoadFecConfig(const std::string& path, FecConfig* out, std::string* siren) {
  *out = FecConfig::Defaults();
  if (path.empty()) return CliStatus::Ok();
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return CliStatus::Local(path + ":" + std::to_string(e.source().begin.line) + ": " +
                            std::string(e.description()));
  }
  auto where = [&](const toml::node& n) {
    return path + ":" + std::to_string(n.source().begin.line) + ": ";
  };
  // { number = "512100", label = "..." } or { code = "CV", label = "..." }.
  auto pair = [&](const toml::node& entry, const char* first, std::string* a, std::string* b) {
    const toml::table* e = entry.as_table();
    auto x = e ? (*e)[first].value<std::string>() : std::nullopt;
    auto y = e ? (*e)["label"].value<std::string>() : std::nullopt;
    if (!x || !y || x->empty() || e->size() != 2) return false;
    *a = *x;
    *b = *y;
    return true;
  };
  const std::map<std::string, std::string> renamed = {
      {"fund", "bank"},
      {"sponsor-budget", "sponsor-budgets"},
      {"owed-to-merchant", "owed-to-merchants"},
      {"income", Tr("{a}, {b}, {c} and {d}", fmt::arg("a", "membership-fees"),
                    fmt::arg("b", "reconversion-fees"), fmt::arg("c", "bank-interest"),
                    fmt::arg("d", "bank-fees"))},
      {"euro-external", _("nothing (the outside world has no account in the FEC)")}};
  std::string roles, journals;
  for (size_t i = 0; i < kFecRoleCount; ++i)
    roles += (i ? ", " : "") + std::string(FecRoleName(static_cast<FecRole>(i)));
  for (size_t i = 0; i < kFecJournalCount; ++i)
    journals += (i ? ", " : "") + std::string(FecJournalName(static_cast<FecJournal>(i)));
  for (const auto& [k, v] : doc) {
    const std::string key(k.str());
    if (key == "siren") {
      auto s = v.value<std::string>();
      if (!s || s->size() != 9 || !std::all_of(s->begin(), s->end(), ::isdigit))
        return CliStatus::Local(where(v) +
                                _("siren must be the association's 9 digits, as a string"));
      *siren = *s;
    } else if (key == "journal_code" || key == "journal_label") {
      return CliStatus::Local(
          where(v) + Tr("{key} is replaced by a [journals] table: give each journal its code and "
                        "label, e.g. conversions = {{ code = \"CV\", label = \"Conversions\" }} "
                        "({journals})",
                        fmt::arg("key", key), fmt::arg("journals", journals)));
    } else if (key == "accounts") {
      const toml::table* t = v.as_table();
      if (t == nullptr) return CliStatus::Local(where(v) + _("[accounts] must be a table"));
      for (const auto& [name, entry] : *t) {
        const std::string n(name.str());
        auto role = FecRoleByName(n);
        if (!role) {
          auto r = renamed.find(n);
          return CliStatus::Local(where(entry) +
                                  (r != renamed.end()
                                       ? Tr("the account '{old}' is now named {new}: rename it",
                                            fmt::arg("old", n), fmt::arg("new", r->second))
                                       : Tr("unknown account '{name}'; the accounts are {accounts}",
                                            fmt::arg("name", n), fmt::arg("accounts", roles))));
        }
        ChartAccount& acc = out->accounts[static_cast<size_t>(*role)];
        if (!pair(entry, "number", &acc.number, &acc.label))
          return CliStatus::Local(where(entry) +
                                  _("each account is { number = \"512100\", label = \"...\" }"));
      }
    } else if (key == "journals") {
      const toml::table* t = v.as_table();
      if (t == nullptr) return CliStatus::Local(where(v) + _("[journals] must be a table"));
      for (const auto& [name, entry] : *t) {
        auto journal = FecJournalByName(name.str());
        if (!journal)
          return CliStatus::Local(where(entry) +
                                  Tr("unknown journal '{name}'; the journals are {journals}",
                                     fmt::arg("name", std::string(name.str())),
                                     fmt::arg("journals", journals)));
        JournalName& j = out->journals[static_cast<size_t>(*journal)];
        if (!pair(entry, "code", &j.code, &j.label))
          return CliStatus::Local(where(entry) +
                                  _("each journal is { code = \"CV\", label = \"...\" }"));
      }
    } else {
      return CliStatus::Local(where(v) + Tr("unknown key '{key}' (siren, [accounts], [journals])",
                                            fmt::arg("key", key)));
    }
  }
  return CliStatus::Ok();
}

// The exported period from --exercice or --from/--to.
CliStatus FecPeriodOf(const AuditArgs& a, FecPeriod* period) {
  if (a.exercice != 0) {
    if (!a.from.empty() || !a.to.empty())
      return CliStatus::Usage(_("give either --exercice or --from/--to, not both"));
    const std::string y = std::to_string(a.exercice);
    if (a.exercice < 1970 || a.exercice > 9999 || !ParseDay(y + "-01-01", &period->first_day) ||
        !ParseDay(y + "-12-31", &period->last_day))
      return CliStatus::Usage(_("--exercice is a calendar year, e.g. 2026"));
    return CliStatus::Ok();
  }
  if (!a.from.empty() && !ParseDay(a.from, &period->first_day))
    return CliStatus::Usage(Tr("--from '{text}' is not a date: write 2026-01-01 or 01/01/2026",
                               fmt::arg("text", SafeText(a.from))));
  if (!a.to.empty() && !ParseDay(a.to, &period->last_day))
    return CliStatus::Usage(Tr("--to '{text}' is not a date: write 2026-12-31 or 31/12/2026",
                               fmt::arg("text", SafeText(a.to))));
  if (period->last_day < period->first_day)
    return CliStatus::Usage(_("--to must be on or after --from"));
  return CliStatus::Ok();
}

// UTF-8 to ISO-8859-15 (the encoding BOI-CF-IOR-60-40-20 names), with glibc's iconv: the arrow
// and dashes of the labels become "->" and "-", a character the encoding lacks becomes "?".
CliStatus ToLatin9(const std::string& utf8, std::string* out) {
  std::string text = utf8;
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"\u2192", "->"},
                                                        {"\u2013", "-"},
                                                        {"\u2014", "-"},
                                                        {"\u2019", "'"},
                                                        {"\u202F", "\u00A0"}})
    for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
  iconv_t cd = ::iconv_open("ISO-8859-15//TRANSLIT", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1))
    return CliStatus::Local(
        _("this system's iconv cannot write ISO-8859-15; write UTF-8 with --utf8"));
  out->assign(2 * text.size() + 16, '\0');  // room for a transliteration longer than its source
  char* in = text.data();
  size_t in_left = text.size();
  char* o = out->data();
  size_t out_left = out->size();
  while (in_left > 0) {
    if (::iconv(cd, &in, &in_left, &o, &out_left) != static_cast<size_t>(-1)) continue;
    if (errno == EILSEQ || errno == EINVAL) {  // not UTF-8 or untranslatable: one '?', skip it
      *o++ = '?';
      --out_left;
      ++in;
      --in_left;
      while (in_left > 0 && (static_cast<unsigned char>(*in) & 0xC0) == 0x80) ++in, --in_left;
    } else {
      ::iconv_close(cd);
      return CliStatus::Local(_("cannot convert the FEC to ISO-8859-15; write UTF-8 with --utf8"));
    }
  }
  ::iconv_close(cd);
  out->resize(out->size() - out_left);
  return CliStatus::Ok();
}

CliStatus Export(Session& session, const AuditArgs& a) {
  if (a.csv.empty() && a.fec.empty())
    return CliStatus::Usage(_("say what to export: --csv FILE, --fec FILE, or both"));
  FecConfig fec_config;
  std::string siren;
  CliStatus s = LoadFecConfig(a.fec_config, &fec_config, &siren);
  if (!s.ok()) return s;
  FecPeriod period;
  if (!(s = FecPeriodOf(a, &period)).ok()) return s;
  if (a.fec.empty() && (a.exercice != 0 || !a.from.empty() || !a.to.empty()))
    return CliStatus::Usage(
        _("--exercice, --from and --to choose the FEC's period: add --fec FILE"));
  std::string csv = PostingsCsvHeader();
  std::unique_ptr<FecWriter> fec;
  Run run;
  AppliedFn applied = [&](const PreparedEntry& p, const Delta& d) {
    AppliedEntry e{p.entry.sequence, p.entry.time_ms, p.op.id(), &p.op.op(), &d};
    if (!a.csv.empty()) csv += PostingsCsvLines(e, run.in.genesis);
    if (fec) fec->Add(e, run.replay->state().totals());
  };
  s = OpenGenesis(session, a, &run.in);
  if (!s.ok()) return s;
  if (!a.fec.empty()) {
    // The state the currency started from: the opening écriture of a FEC from the genesis.
    std::unique_ptr<Ledger> ledger;
    Delta genesis_delta;
    Status g = Ledger::Create(run.in.genesis, run.in.genesis_bytes, &ledger);
    if (g.ok())
      g = ledger->GenesisDelta(MemoryState(StateDigestRuleOf(run.in.genesis)), &genesis_delta);
    if (!g.ok())
      return CliStatus::Refused(
          Tr("the genesis is refused by the rules: {why}", fmt::arg("why", g.message())));
    fec = std::make_unique<FecWriter>(run.in.genesis, genesis_delta, fec_config, period);
  }
  s = ReplayAll(session, a, /*resumable=*/false, applied, &run);
  if (!s.ok()) return s;
  if (!a.csv.empty() && !(s = WriteFileAtomically(a.csv, csv)).ok()) return s;
  std::string fec_note;
  if (fec) {
    std::string text;
    Status f = fec->Finish(&text);
    if (!f.ok()) return CliStatus::Local(f.message());
    std::string bytes;
    if (a.utf8)
      bytes = std::move(text);
    else if (!(s = ToLatin9(text, &bytes)).ok())
      return s;
    if (!(s = WriteFileAtomically(a.fec, bytes)).ok()) return s;
    // The closing date: the period's last day, else the last entry's (or the genesis's).
    const int64_t last_day =
        period.last_day != std::numeric_limits<int64_t>::max()
            ? period.last_day
            : FecDayOf(run.in.genesis, run.replay->sequence() > 0 ? run.replay->time_ms()
                                                                  : run.in.genesis.created_at_ms);
    const std::string expected =
        (siren.empty() ? "<SIREN>" : siren) + "FEC" + FecDate(last_day) + ".txt";
    const size_t slash = a.fec.rfind('/');
    const std::string base = slash == std::string::npos ? a.fec : a.fec.substr(slash + 1);
    const std::string tail = "FEC" + FecDate(last_day) + ".txt";  // after the 9 digits
    const bool legal = base.size() == 9 + tail.size() &&
                       std::all_of(base.begin(), base.begin() + 9, ::isdigit) &&
                       (siren.empty() || base.substr(0, 9) == siren) && base.substr(9) == tail;
    const unsigned long ecritures = fec->ecritures();
    fec_note =
        a.utf8 ? TrP("FEC to {file} ({n} écriture, UTF-8)", "FEC to {file} ({n} écritures, UTF-8)",
                     ecritures, fmt::arg("file", a.fec), fmt::arg("n", ecritures))
               : TrP("FEC to {file} ({n} écriture, ISO-8859-15; --utf8 writes UTF-8)",
                     "FEC to {file} ({n} écritures, ISO-8859-15; --utf8 writes UTF-8)", ecritures,
                     fmt::arg("file", a.fec), fmt::arg("n", ecritures));
    if (!legal)
      fec_note += "\n" + (siren.empty() ? Tr("The administration expects the file to be named "
                                             "{name} (your SIREN, then the closing date; siren "
                                             "in --fec-config)",
                                             fmt::arg("name", expected))
                                        : Tr("The administration expects the file to be named "
                                             "{name}",
                                             fmt::arg("name", expected)));
  }
  const uint64_t n = run.replay->sequence();
  std::string what;
  if (!a.csv.empty() && fec_note.empty())
    what = TrP("Exported {n} journal entry: postings to {csv}",
               "Exported {n} journal entries: postings to {csv}", n, fmt::arg("n", n),
               fmt::arg("csv", a.csv));
  else if (!a.csv.empty())
    what = TrP("Exported {n} journal entry: postings to {csv}, {fec}",
               "Exported {n} journal entries: postings to {csv}, {fec}", n, fmt::arg("n", n),
               fmt::arg("csv", a.csv), fmt::arg("fec", fec_note));
  else
    what = TrP("Exported {n} journal entry: {fec}", "Exported {n} journal entries: {fec}", n,
               fmt::arg("n", n), fmt::arg("fec", fec_note));
  std::cout << what << "\n";
  return CliStatus::Ok();
}

// The first of `names` found in PATH, or "".
std::string FindProgram(const std::vector<std::string>& names) {
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& name : names) {
    size_t start = 0;
    for (;;) {
      const size_t colon = dirs.find(':', start);
      const std::string dir =
          dirs.substr(start, colon == std::string::npos ? colon : colon - start);
      const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  return "";
}

// A new private folder under TMPDIR (else /tmp) for the report's temporary files.
CliStatus MakeTempDir(std::filesystem::path* out) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string name = (base / "liard-report-XXXXXX").string();
  if (::mkdtemp(name.data()) == nullptr)
    return CliStatus::Local(
        Tr("cannot make a temporary folder in {dir}: {why}; set TMPDIR to a writable folder.",
           fmt::arg("dir", base.string()), fmt::arg("why", std::strerror(errno))));
  *out = name;
  return CliStatus::Ok();
}

// Prints `html_path` to an A4 PDF at `pdf_path` with headless Chromium, within `timeout_s`
// seconds (the browser and its children are killed after that). The PDF appears whole or not
// at all: it is printed to a temporary file beside it, then renamed.
CliStatus PrintPdf(const std::string& html_path, const std::string& pdf_path, int timeout_s) {
  const std::string chromium = FindProgram({"chromium", "chromium-browser"});
  if (chromium.empty())
    return CliStatus::Local(
        _("Chromium was not found in PATH, so no PDF was written: install the chromium package "
          "(apt install chromium), or write the HTML alone with --out FILE.html."));
  std::filesystem::path profile;
  CliStatus made = MakeTempDir(&profile);
  if (!made.ok()) return made;
  const std::string partial = pdf_path + ".partial";
  char abs[PATH_MAX];
  const std::string url =
      "file://" + std::string(::realpath(html_path.c_str(), abs) ? abs : html_path.c_str());
  std::vector<std::string> args = {chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--user-data-dir=" + profile.string(),
                                   "--no-pdf-header-footer",
                                   "--print-to-pdf=" + partial,
                                   url};
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (profile / "chromium.log").string();
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so that its children die with it
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, chromium.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  auto cleanup = [&] {
    std::error_code ec;
    std::filesystem::remove_all(profile, ec);
    std::filesystem::remove(partial, ec);
  };
  if (spawned != 0) {
    cleanup();
    return CliStatus::Local(Tr("cannot start {program}: {why}", fmt::arg("program", chromium),
                               fmt::arg("why", std::strerror(spawned))));
  }
  int status = 0;
  bool done = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (!done) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) {
      done = true;
    } else if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      cleanup();
      return CliStatus::Local(
          Tr("Chromium did not print the PDF within {seconds} seconds and was stopped: try "
             "again, or open the HTML and print it to PDF from a browser.",
             fmt::arg("seconds", timeout_s)));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ::kill(-pid, SIGKILL);  // helpers Chromium may have left behind
  std::error_code ec;
  const bool printed = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                       std::filesystem::file_size(partial, ec) > 0 && !ec;
  if (!printed) {
    std::string why;
    (void)ReadWholeFile(log, &why, &done).ok();
    if (why.size() > 400) why = why.substr(why.size() - 400);
    cleanup();
    return CliStatus::Local(
        Tr("Chromium failed to print {file} to PDF ({why}): check that the chromium package "
           "works, or print the HTML from a browser.",
           fmt::arg("file", html_path),
           fmt::arg("why", why.empty() ? std::string(_("no message")) : SafeText(why))));
  }
  std::filesystem::rename(partial, pdf_path, ec);
  cleanup();
  if (ec)
    return CliStatus::Local(Tr("cannot write {file}: {why}; choose another --pdf path.",
                               fmt::arg("file", pdf_path), fmt::arg("why", ec.message())));
  return CliStatus::Ok();
}

CliStatus Report(Session& session, const AuditArgs& a) {
  if (a.out.empty() && a.pdf.empty())
    return CliStatus::Usage(
        _("say where to write the report: --out FILE.html, --pdf FILE.pdf, or both"));
  ReportInput in;
  Run run;
  CliStatus s = OpenGenesis(session, a, &run.in);
  if (!s.ok()) return s;
  const Genesis genesis = run.in.genesis;
  ReportBuilder builder(genesis);
  AppliedFn applied = [&](const PreparedEntry& p, const Delta& d) {
    AppliedEntry e{p.entry.sequence, p.entry.time_ms, p.op.id(), &p.op.op(), &d};
    if (d.governance)
      for (const auto& prog : d.governance->rules.programmes)
        builder.NameProgramme(ProgrammeId(prog.name), prog.name);
    builder.Add(e, run.replay->state().totals());
  };
  for (const auto& p : genesis.rules.programmes) builder.NameProgramme(ProgrammeId(p.name), p.name);
  s = ReplayAll(session, a, /*resumable=*/false, applied, &run);
  if (!s.ok()) return s;
  std::vector<std::string> checks;
  std::string failure;
  const bool agrees = CompareWithSource(session, &run, &checks, &failure);
  const Replay& r = *run.replay;
  in.currency_name = genesis.currency_name;
  in.currency_code = genesis.currency_code;
  in.decimals = static_cast<int>(genesis.decimals);
  in.ledger_id_hex = ToHex(run.in.ledger_id);
  in.sequence = r.sequence();
  in.time_ms = r.sequence() > 0 ? r.time_ms() : genesis.created_at_ms;
  in.generated_ms = NowMs();
  in.verified = agrees;
  in.failure = failure;
  in.reserves = ComputeReserves(genesis, r.state().governance().rules, r.state().totals());
  in.figures = builder.Finish(in.time_ms);
  for (const auto& [id, units] : in.figures.period.share_by_association)
    if (const Account* acc = r.state().FindAccount(id)) in.names[id] = acc->name;
  const std::string page = RenderReportHtml(in);
  // For the PDF alone, the page goes to a temporary file that Chromium reads.
  std::string html = a.out;
  std::filesystem::path temp_dir;
  if (html.empty()) {
    s = MakeTempDir(&temp_dir);
    if (!s.ok()) return s;
    html = (temp_dir / "report.html").string();
  }
  s = WriteFileAtomically(html, page);
  if (s.ok() && !a.pdf.empty()) s = PrintPdf(html, a.pdf, 60);
  if (!temp_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir, ec);
  }
  if (!s.ok()) return s;
  const size_t months = in.figures.months.size();
  if (!a.out.empty() && !a.pdf.empty())
    std::cout << TrP("Report written to {html} and {pdf} (entry {entry}, {n} month)",
                     "Report written to {html} and {pdf} (entry {entry}, {n} months)", months,
                     fmt::arg("html", a.out), fmt::arg("pdf", a.pdf),
                     fmt::arg("entry", r.sequence()), fmt::arg("n", months));
  else
    std::cout << TrP("Report written to {file} (entry {entry}, {n} month)",
                     "Report written to {file} (entry {entry}, {n} months)", months,
                     fmt::arg("file", a.out.empty() ? a.pdf : a.out),
                     fmt::arg("entry", r.sequence()), fmt::arg("n", months));
  std::cout << "\n";
  if (!agrees)
    return CliStatus::Refused(Tr("the audit found a discrepancy: {why}", fmt::arg("why", failure)));
  return CliStatus::Ok();
}

// ---- The bank statement.

// A statement's day (midnight UTC of the day the bank wrote): "05/11/2026" in French,
// "2026-11-05" in English. A day, not an instant: no time zone moves it.
std::string StatementDay(int64_t utc_midnight_ms) {
  const std::string iso = UtcDate(utc_midnight_ms);
  if (!French()) return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

CliStatus Reconcile(Session& session, const AuditArgs& a) {
  const EnglishWhile english(a.json);
  Statement statement;
  CliStatus s = ReadStatement(a.statement, &statement);
  if (!s.ok()) return s;
  const std::vector<BankLine>& bank = statement.lines;
  std::optional<int64_t> closing = statement.closing;  // camt.053's; --closing overrides it
  if (!a.closing.empty()) {
    int64_t c = 0;
    s = ParseSignedEuros(a.closing, &c);
    if (!s.ok())
      return CliStatus::Usage(Tr("--closing '{text}': {why}", fmt::arg("text", SafeText(a.closing)),
                                 fmt::arg("why", s.message())));
    closing = c;
  }
  std::vector<LedgerMovement> movements;
  Run run;
  AppliedFn applied = [&](const PreparedEntry& p, const Delta& d) {
    AppliedEntry e{p.entry.sequence, p.entry.time_ms, p.op.id(), &p.op.op(), &d};
    for (auto& m : BankMovements(e)) movements.push_back(std::move(m));
  };
  s = ReplayAll(session, a, /*resumable=*/false, applied, &run);
  if (!s.ok()) return s;
  const Reconciliation rec = liard::Reconcile(bank, movements, a.window);
  const Replay& r = *run.replay;
  // Who holds what, for the advice: each office's cash not yet banked, each merchant's claim.
  AdviceContext advice;
  for (const auto& [id, account] : r.state().accounts()) {
    const bool office = account.kind == AccountKind::kExchangeOffice;
    const bool merchant = account.kind == AccountKind::kMerchant;
    if (!office && !merchant) continue;
    const int64_t held =
        r.state().Balance(BookKey{office ? Slot::kOfficeCash : Slot::kOwedToMerchant, id});
    if (held <= 0) continue;
    Holder h{SafeText(account.name), EncodeAddress(run.in.genesis.currency_code, id), held};
    (office ? advice.offices : advice.merchants).push_back(std::move(h));
  }
  auto by_name = [](const Holder& x, const Holder& y) { return x.name < y.name; };
  std::sort(advice.offices.begin(), advice.offices.end(), by_name);
  std::sort(advice.merchants.begin(), advice.merchants.end(), by_name);
  advice.unmatched = rec.unmatched_ledger;
  const ReserveReport now =
      ComputeReserves(run.in.genesis, r.state().governance().rules, r.state().totals());
  // Everything the association holds at the bank: the fund backing circulation, what is owed
  // to merchants, what is left in bonus budgets and its own income.
  const int64_t expected_bank = now.fund + now.owed_to_merchants + now.sponsor_budgets + now.income;
  const Money m(run.in.genesis.currency_code, static_cast<int>(run.in.genesis.decimals),
                session.money().code().empty() ? '.' : session.money().separator());
  const bool balanced = !closing || *closing == expected_bank;
  const bool ok = rec.unmatched_bank.empty() && rec.unmatched_ledger.empty() && balanced;
  if (a.json) {
    json j;
    j["ok"] = ok;
    j["sequence"] = r.sequence();
    j["format"] = statement.format;
    j["encoding"] = statement.encoding;
    j["lines"] = bank.size();
    j["total_lines"] = statement.total_lines;
    j["matched"] = rec.matched.size();
    json ub = json::array(), ul = json::array();
    for (const auto& b : rec.unmatched_bank)
      ub.push_back({{"line", b.line},
                    {"date", UtcDate(b.date_ms)},
                    {"amount", Money::PlainEuros(b.amount)},
                    {"label", b.label},
                    {"reference", b.reference},
                    {"advice", AdviseBankLine(b, advice)}});
    for (const auto& l : rec.unmatched_ledger)
      ul.push_back({{"sequence", l.sequence},
                    {"date", UtcDate(l.time_ms)},
                    {"amount", Money::PlainEuros(l.amount)},
                    {"what", l.what},
                    {"reference", l.reference},
                    {"advice", AdviseLedgerMovement(l)}});
    j["unmatched_bank"] = ub;
    j["unmatched_ledger"] = ul;
    j["fund"] = Money::PlainEuros(now.fund);
    j["expected_bank_balance"] = Money::PlainEuros(expected_bank);
    if (closing) {
      j["closing_balance"] = Money::PlainEuros(*closing);
      j["difference"] = Money::PlainEuros(*closing - expected_bank);
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << Tr("Bank statement {file} ({format}, read as {encoding}) against the journal "
                    "to entry {entry}",
                    fmt::arg("file", a.statement), fmt::arg("format", statement.format),
                    fmt::arg("encoding", _(statement.encoding.c_str())),
                    fmt::arg("entry", r.sequence()))
              << "\n";
    if (statement.header_line > 1)
      std::cout << "  "
                << Tr("lines 1 to {last} come before the header and were skipped",
                      fmt::arg("last", statement.header_line - 1))
                << "\n";
    for (size_t n : statement.total_lines)
      std::cout << "  "
                << Tr("line {line} is a balance or total, not a movement: not read",
                      fmt::arg("line", n))
                << "\n";
    if (statement.closing && a.closing.empty())
      std::cout << "  "
                << Tr("closing booked balance (CLBD) read from the statement: {amount}",
                      fmt::arg("amount", m.Euros(*statement.closing)))
                << "\n";
    std::cout << "  "
              << Tr("matched: {matched} of {lines} statement lines and {movements} recorded "
                    "movements",
                    fmt::arg("matched", rec.matched.size()), fmt::arg("lines", bank.size()),
                    fmt::arg("movements", movements.size()))
              << "\n";
    if (!rec.unmatched_bank.empty()) {
      std::cout << "  " << _("On the statement, not in the ledger:") << "\n";
      for (const auto& b : rec.unmatched_bank)
        std::cout << "    " << Tr("line {line}", fmt::arg("line", b.line)) << "  "
                  << StatementDay(b.date_ms) << "  " << m.Euros(b.amount) << "  "
                  << SafeText(b.label)
                  << (b.reference.empty() ? "" : " [" + SafeText(b.reference) + "]") << "\n"
                  << "      -> " << AdviseBankLine(b, advice) << "\n";
    }
    if (!rec.unmatched_ledger.empty()) {
      std::cout << "  " << _("In the ledger, not on the statement:") << "\n";
      for (const auto& l : rec.unmatched_ledger)
        std::cout << "    " << Tr("entry {entry}", fmt::arg("entry", l.sequence)) << "  "
                  << DisplayDate(l.time_ms) << "  " << m.Euros(l.amount) << "  "
                  << MovementWords(l.what)
                  << (l.reference.empty() ? "" : " [" + SafeText(l.reference) + "]") << "\n"
                  << "      -> " << AdviseLedgerMovement(l) << "\n";
    }
    std::cout << "  "
              << Tr("guarantee fund {fund}; the bank should hold {expected} (fund, owed to "
                    "merchants, bonus budgets, association income)",
                    fmt::arg("fund", m.Euros(now.fund)),
                    fmt::arg("expected", m.Euros(expected_bank)))
              << "\n";
    if (closing)
      std::cout << "  "
                << (balanced ? Tr("the statement's closing balance is {closing}: it agrees",
                                  fmt::arg("closing", m.Euros(*closing)))
                             : Tr("the statement's closing balance is {closing}, a difference of "
                                  "{difference}",
                                  fmt::arg("closing", m.Euros(*closing)),
                                  fmt::arg("difference", m.Euros(*closing - expected_bank))))
                << "\n";
    std::cout << (ok ? _("OK: reconciled.") : _("NOT reconciled: see above.")) << "\n";
  }
  if (!ok) return CliStatus::Refused(_("the bank statement and the ledger do not reconcile"));
  return CliStatus::Ok();
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* audit = app.add_subcommand(
      "audit", _("treasurers and auditors: verify the ledger independently, report, export"));
  audit->require_subcommand(1);
  auto source = [&](CLI::App* sub) {
    sub->add_option("--journal", a->journal,
                    _("an exported journal file (liard audit export-journal) instead of the node"));
    sub->add_option("--threads", a->threads,
                    _("threads verifying signatures (default: all cores)"));
  };

  CLI::App* v = audit->add_subcommand(
      "verify", _("replay the whole journal: hash chain, signatures, rules, signed checkpoints"));
  source(v);
  v->add_option("--state", a->state, _("where the replay is saved to resume (default: XDG state)"));
  v->add_flag("--fresh", a->fresh, _("start from the genesis, ignoring a saved replay"));
  v->add_flag("--json", a->json, _("machine-readable output (in English)"));
  v->footer(_(
      "Reads the journal with a treasurer's or auditor's key (--as KEY). Stops at the first bad\n"
      "entry and names its sequence (exit 1). Resumes where the last run stopped, once the\n"
      "journal's entries up to there hash to the head hash verified then; otherwise replays\n"
      "from entry 1 and says why.\n"
      "Examples:\n  liard --as auditor audit verify\n  liard audit verify --journal roue.journal"));
  ctx.On(v, [a](Session& s) { return Verify(s, *a); });

  CLI::App* ej = audit->add_subcommand("export-journal", _("save the journal to a file"));
  ej->add_option("--out", a->out, _("the file to write"))->required();
  ej->footer(_("Example:\n  liard --as auditor audit export-journal --out roue.journal"));
  ctx.On(ej, [a](Session& s) { return ExportJournal(s, *a); });

  CLI::App* ex = audit->add_subcommand(
      "export", _("the accounting: every posting as CSV, and the FEC for the accountant"));
  source(ex);
  ex->add_option("--csv", a->csv, _("write the postings CSV here (the whole journal)"));
  ex->add_option("--fec", a->fec, _("write the FEC (Fichier des écritures comptables) here"));
  ex->add_option("--fec-config", a->fec_config,
                 _("TOML: your chart of accounts, journals and SIREN (docs/wallet.md)"));
  ex->add_option("--exercice", a->exercice, _("the FEC of one calendar year, e.g. 2026"));
  ex->add_option("--from", a->from, _("the FEC's first day, 2026-07-01 or 01/07/2026"));
  ex->add_option("--to", a->to, _("the FEC's last day, 2027-06-30 or 30/06/2027"));
  ex->add_flag("--utf8", a->utf8, _("write the FEC in UTF-8 (default: ISO-8859-15)"));
  ex->footer(_(
      "The FEC opens with the balances carried forward (à-nouveaux) at the period's first day\n"
      "and is written in ISO-8859-15 unless --utf8. Without a period: everything from the\n"
      "genesis. Days are in the currency's time zone (UTC when its genesis names none).\n"
      "Example:\n  liard --as auditor audit export --fec 123456789FEC20261231.txt --exercice 2026\n"
      "  liard --as auditor audit export --csv postings.csv"));
  ctx.On(ex, [a](Session& s) { return Export(s, *a); });

  CLI::App* rp = audit->add_subcommand(
      "report",
      _("the general assembly's report: reserves, euros in, units out, income, members, "
        "payments, a chart; HTML and A4 PDF, in the wallet's language (--lang fr or en)"));
  source(rp);
  rp->add_option("--out", a->out, _("the HTML file to write"));
  rp->add_option("--pdf", a->pdf, _("the A4 PDF to write (runs headless Chromium)"));
  rp->footer(
      _("At least one of --out and --pdf. The PDF needs the chromium package.\n"
        "Example:\n  liard --as treasurer audit report --out ag-2026.html --pdf ag-2026.pdf\n"
        "  liard --as treasurer audit report --out ag-2026-en.html --lang en"));
  ctx.On(rp, [a](Session& s) { return Report(s, *a); });

  CLI::App* rc = audit->add_subcommand(
      "reconcile",
      _("match the bank statement with recorded deposits, payouts, programme funding, fees and "
        "interest, and say what to do about the rest"));
  source(rc);
  rc->add_option("--statement", a->statement,
                 _("the bank's export: CSV (Date;Libellé;Référence;Débit;Crédit or "
                   "date,amount,label,reference; UTF-8 or Windows-1252) or camt.053 XML"))
      ->required();
  rc->add_option("--closing", a->closing,
                 _("the statement's closing balance, e.g. 1234,56 (camt.053: read from the file)"));
  rc->add_option("--window", a->window, _("days a movement and its bank line may be apart (5)"));
  rc->add_flag("--json", a->json, _("machine-readable output (in English)"));
  rc->footer(
      _("Example:\n  liard --as treasurer audit reconcile --statement nef-2026-11.csv "
        "--closing 10250,00"));
  ctx.On(rc, [a](Session& s) { return Reconcile(s, *a); });
}

}  // namespace liard::wallet

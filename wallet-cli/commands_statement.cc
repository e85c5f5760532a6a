// liard statement --month 2026-11 [--csv|--pdf] [--out FILE]: the selected account's monthly
// statement (wallet-cli/account_statement.h), read from its history on the node.
#include <unistd.h>

#include <iostream>

#include "ledger/genesis.h"
#include "wallet-cli/account_statement.h"
#include "wallet-cli/app.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/paths.h"

namespace liard::wallet {
namespace {

struct StatementArgs {
  std::string month, out;
  bool csv = false, pdf = false;
};

constexpr uint32_t kPage = 500;  // entries per GetHistory call (the node's maximum)

// What kind of movement an entry is, in words, and its counterparty when DescribeFor names none.
std::string KindInWords(const Movement& m, const AccountId& me, AccountId* other, bool* has_other) {
  const bool in = m.units > 0;
  return std::visit(
      [&](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, Transfer>) {
          return in ? _("payment received") : _("payment sent");
        } else if constexpr (std::is_same_v<T, MultiTransfer>) {
          return in ? _("batch payment received") : _("batch payment sent");
        } else if constexpr (std::is_same_v<T, Conversion>) {
          return _("conversion of euros");
        } else if constexpr (std::is_same_v<T, Reconversion>) {
          return _("reconversion to euros");
        } else if constexpr (std::is_same_v<T, NoteRedemption>) {
          return _("paper notes brought back");
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          return _("account opened");
        } else if constexpr (std::is_same_v<T, Refund>) {
          if (!*has_other) {
            *has_other = true;
            *other = m.op.account == me ? p.payer : m.op.account;
          }
          return in ? _("refund received") : _("refund paid");
        } else {
          return in ? _("other credit") : _("other debit");
        }
      },
      m.op.payload);
}

// The memo of a refund (DescribeFor predates them), else DescribeFor's.
std::string MemoOf(const Movement& m) {
  if (const auto* r = std::get_if<Refund>(&m.op.payload); r != nullptr && m.memo.empty())
    return r->memo;
  return m.memo;
}

CliStatus Statement(Session& session, const StatementArgs& a) {
  CalendarMonth month;
  if (!ParseMonth(a.month, &month))
    return CliStatus::Usage(
        Tr("--month '{text}' must be a month, YYYY-MM or MM/YYYY (2026-11, "
           "11/2026)",
           fmt::arg("text", SafeText(a.month))));
  if (a.pdf && a.out.empty())
    return CliStatus::Usage(
        _("a PDF is written to a file: add --out FILE (e.g. --out "
          "statement.pdf)"));
  KeyFile key;
  CliStatus s = session.LoadKey(&key);
  if (!s.ok()) return s;
  s = session.Connect();  // the genesis names the zone the month is counted in
  if (!s.ok()) return s;
  const Genesis& g = session.genesis();
  int64_t start = 0, end = 0;
  MonthBounds(month, &start, &end);
  const int64_t now = NowMs();
  const std::string words = MonthInWords(month.year, month.month);
  if (start > now)
    return CliStatus::Usage(
        Tr("{month} has not begun yet: there is nothing to state", fmt::arg("month", words)));
  if (end <= g.created_at_ms)
    return CliStatus::Usage(
        Tr("{month} is before this currency began ({date}): there is nothing "
           "to state",
           fmt::arg("month", words), fmt::arg("date", DisplayDate(g.created_at_ms))));

  // The balance now and the history back to the month's first instant, read so that they agree:
  // the newest entry is the same before and after the balance is read (else, read again).
  const Money& money = session.money();
  pb::AccountInfo me;
  std::vector<pb::Receipt> receipts;  // newest first
  bool complete = false;
  for (int attempt = 0;; ++attempt) {
    receipts.clear();
    pb::GetHistoryResponse page;
    s = session.node().GetHistory(key.account, 0, kPage, &page);
    if (!s.ok()) return s;
    bool found = false;
    s = session.node().FindAccount(key.account, &me, &found);
    if (!s.ok()) return s;
    if (!found)
      return CliStatus::Refused(
          Tr("the account of key '{key}' ({address}) does not exist in this ledger; an exchange "
             "office or the association opens accounts",
             fmt::arg("key", session.key_name()),
             fmt::arg("address", session.AddressOf(key.account))));
    pb::GetHistoryResponse newest;
    s = session.node().GetHistory(key.account, 0, 1, &newest);
    if (!s.ok()) return s;
    const uint64_t before_read = page.entries_size() > 0 ? page.entries(0).sequence() : 0;
    const uint64_t after_read = newest.entries_size() > 0 ? newest.entries(0).sequence() : 0;
    if (before_read != after_read) {
      if (attempt < 5) continue;
      return CliStatus::Local(
          _("the account moves too fast to state it now; try again in a "
            "moment"));
    }
    for (;;) {
      bool passed = false;
      for (pb::Receipt& r : *page.mutable_entries()) {
        passed = passed || r.time_ms() < start;
        receipts.push_back(std::move(r));
      }
      if (page.next_before() == 0) {
        complete = true;
        break;
      }
      if (passed) break;
      if (receipts.size() >= kMaxStatementEntries)
        return CliStatus::Local(
            Tr("this account has more than {max} journal entries since {month}: too many to state "
               "here; ask the treasurer for an export of the journal (liard audit export)",
               fmt::arg("max", kMaxStatementEntries), fmt::arg("month", words)));
      const uint64_t before = page.next_before();
      page.Clear();
      s = session.node().GetHistory(key.account, before, kPage, &page);
      if (!s.ok()) return s;
    }
    break;
  }

  StatementInput in;
  in.balance_now = me.balance();
  in.complete = complete;
  for (const GenesisAccount& ga : g.accounts)
    if (ga.id == key.account) in.balance_before_first = ga.opening_balance.minor();
  for (const pb::Receipt& r : receipts) {
    StatementEntry e;
    e.sequence = r.sequence();
    e.time_ms = r.time_ms();
    e.units = SumPostings(r.postings(), Slot::kMember, &key.account);
    // Only the month's movements are put in words (and their counterparties looked up, once
    // each: Session caches the cards).
    if (e.time_ms >= start && e.time_ms < end && e.units != 0) {
      Movement m;
      s = DescribeFor(r, key.account, money, &m);
      if (!s.ok()) return s;
      AccountId other = m.counterparty;
      bool has_other = m.has_counterparty;
      e.kind = KindInWords(m, key.account, &other, &has_other);
      if (has_other) {
        e.counterparty = session.PlainNameOf(other);
        if (e.counterparty.empty()) e.counterparty = ShortAddress(session.AddressOf(other));
      }
      e.memo = MemoOf(m);
    }
    in.entries.push_back(std::move(e));
  }
  AccountStatement st;
  s = BuildStatement(in, start, end, &st);
  if (!s.ok()) return s;

  StatementHeader h;
  h.currency_name = g.currency_name;
  h.currency_code = g.currency_code;
  for (const GenesisAccount& ga : g.accounts)
    if (ga.kind == AccountKind::kAssociation && h.association.empty()) h.association = ga.name;
  if (h.association.empty()) h.association = g.currency_name;
  h.account_name = me.name();
  h.address = me.address();
  h.kind = _(KindWord(me.kind()).c_str());
  h.month = month;
  h.zone = DisplayZoneName();
  h.in_progress = end > now;
  h.as_of_ms = now;

  std::string bytes;
  if (a.pdf) {
    s = RenderStatementPdf(h, st, money, &bytes);
    if (!s.ok()) return s;
  } else if (a.csv) {
    bytes = RenderStatementCsv(h, st, money);
  } else {
    bytes = RenderStatementText(h, st, money);
  }
  if (a.out.empty()) {
    std::cout << bytes;
    return CliStatus::Ok();
  }
  s = WriteFileAtomically(a.out, bytes);
  if (!s.ok()) return s;
  std::cout << TrP("{month}: {n} movement written to {file}",
                   "{month}: {n} movements written to {file}", st.lines.size(),
                   fmt::arg("month", words), fmt::arg("n", st.lines.size()),
                   fmt::arg("file", a.out))
            << "\n";
  return CliStatus::Ok();
}

}  // namespace

void RegisterStatementCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<StatementArgs>();
  CLI::App* st = app.add_subcommand(
      "statement", _("the account's monthly statement: opening and closing balance, every "
                     "movement with its counterparty, in the currency's time zone"));
  st->add_option("--month", a->month, _("the month, YYYY-MM or MM/YYYY (2026-11, 11/2026)"))
      ->required();
  auto* csv = st->add_flag(
      "--csv", a->csv,
      _("CSV for a spreadsheet: in French ';' and decimal commas, with a byte order mark"));
  st->add_flag("--pdf", a->pdf, _("an A4 PDF (with --out)"))->excludes(csv);
  st->add_option("--out", a->out, _("write to this file instead of the terminal"));
  st->footer(
      _("Examples:\n  liard --key shop statement --month 2026-11\n"
        "  liard --key shop statement --month 11/2026 --csv --out releve-2026-11.csv\n"
        "  liard --key shop statement --month 2026-11 --pdf --out releve-2026-11.pdf"));
  ctx.On(st, [a](Session& s) { return Statement(s, *a); });
}

}  // namespace liard::wallet

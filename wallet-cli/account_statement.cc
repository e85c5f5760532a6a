// An account's monthly statement: the month's bounds, the balances worked back from now, the
// check that they add up, and the text, CSV and PDF renderings.
#include "wallet-cli/account_statement.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <charconv>

#include "ledger/amount.h"
#include "ledger/civil_time.h"
#include "wallet-cli/csv.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

bool ParseInt(std::string_view t, int* out) {
  if (t.empty() || t.size() > 4) return false;
  for (char c : t)
    if (c < '0' || c > '9') return false;
  return std::from_chars(t.data(), t.data() + t.size(), *out).ec == std::errc();
}

bool Add(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

CliStatus DoesNotAddUp(const std::string& why) {
  return CliStatus::Local(
      Tr("the account's history does not add up ({why}): nothing is printed; tell the "
         "association, and check the journal with 'liard audit verify'",
         fmt::arg("why", why)));
}

}  // namespace

bool ParseMonth(std::string_view text, CalendarMonth* out) {
  int year = 0, month = 0;
  if (size_t dash = text.find('-'); dash == 4) {
    if (text.size() != 7 || !ParseInt(text.substr(0, 4), &year) ||
        !ParseInt(text.substr(5), &month))
      return false;
  } else if (size_t slash = text.find('/'); slash == 1 || slash == 2) {
    if (text.size() != slash + 5 || !ParseInt(text.substr(0, slash), &month) ||
        !ParseInt(text.substr(slash + 1), &year))
      return false;
  } else {
    return false;
  }
  if (year < 1970 || year > 9999 || month < 1 || month > 12) return false;
  *out = CalendarMonth{year, month};
  return true;
}

void MonthBounds(const CalendarMonth& m, int64_t* start_ms, int64_t* end_ms) {
  const int next_year = m.month == 12 ? m.year + 1 : m.year;
  const int next_month = m.month == 12 ? 1 : m.month + 1;
  *start_ms = StartOfDisplayDay(DaysFromCivil(m.year, m.month, 1));
  *end_ms = StartOfDisplayDay(DaysFromCivil(next_year, next_month, 1));
}

CliStatus BuildStatement(const StatementInput& in, int64_t start_ms, int64_t end_ms,
                         AccountStatement* out) {
  AccountStatement s;
  s.start_ms = start_ms;
  s.end_ms = end_ms;
  // Back from now: the balance before an entry is the balance after it minus its units.
  int64_t balance = in.balance_now;
  s.closing = in.balance_now;
  std::vector<AccountStatement::Line> month;  // newest first
  uint64_t previous_sequence = UINT64_MAX;
  bool reached_start = false;  // an entry before the month was seen: the rest are older
  for (const StatementEntry& e : in.entries) {
    if (e.sequence >= previous_sequence)
      return DoesNotAddUp(
          Tr("journal entry {entry} comes after a newer one", fmt::arg("entry", e.sequence)));
    previous_sequence = e.sequence;
    if (e.time_ms < start_ms) {
      reached_start = true;
      break;
    }
    if (e.time_ms < end_ms && e.units != 0) month.push_back({e, balance});
    if (!Add(balance, -e.units, &balance))
      return DoesNotAddUp(
          Tr("journal entry {entry} overflows the balance", fmt::arg("entry", e.sequence)));
    if (balance < 0)
      return DoesNotAddUp(Tr("the balance before journal entry {entry} would be below zero",
                             fmt::arg("entry", e.sequence)));
    if (e.time_ms >= end_ms) s.closing = balance;
  }
  s.opening = balance;
  // The whole history was read and lies in or after the month: the balance before its first
  // entry is known (the genesis's opening balance, else zero).
  if (in.complete && !reached_start && balance != in.balance_before_first)
    return DoesNotAddUp(Tr("the balance before the first entry would be {found}, not {expected}",
                           fmt::arg("found", balance),
                           fmt::arg("expected", in.balance_before_first)));
  if (s.opening < 0) return DoesNotAddUp(_("the opening balance would be below zero"));
  // Forward through the month, oldest first: the running balance, the totals, and the check.
  int64_t running = s.opening;
  for (auto it = month.rbegin(); it != month.rend(); ++it) {
    const int64_t u = it->entry.units;
    if (!Add(running, u, &running) ||
        !Add(u > 0 ? s.total_in : s.total_out, u > 0 ? u : -u, u > 0 ? &s.total_in : &s.total_out))
      return DoesNotAddUp(
          Tr("journal entry {entry} overflows the totals", fmt::arg("entry", it->entry.sequence)));
    if (running != it->balance || running < 0)
      return DoesNotAddUp(Tr("the balance after journal entry {entry} does not match",
                             fmt::arg("entry", it->entry.sequence)));
    s.lines.push_back(*it);
  }
  int64_t check = 0;
  if (!Add(s.opening, s.total_in, &check) || !Add(check, -s.total_out, &check) ||
      check != s.closing)
    return DoesNotAddUp(
        Tr("opening {opening} + in {in} - out {out} is not the closing balance {closing}",
           fmt::arg("opening", s.opening), fmt::arg("in", s.total_in), fmt::arg("out", s.total_out),
           fmt::arg("closing", s.closing)));
  *out = std::move(s);
  return CliStatus::Ok();
}

namespace {

// The words every rendering shares, in the user's language.
struct Words {
  std::string title;    // "Statement of account, November 2026"
  std::string period;   // "from 01/11/2026 00:00 to 30/11/2026 23:59 (Europe/Paris)"
  std::string opening;  // "Opening balance on 01/11/2026"
  std::string closing;  // "Closing balance on 30/11/2026"
  std::vector<std::string> headings;
};

Words WordsFor(const StatementHeader& h, const AccountStatement& s) {
  Words w;
  w.title = Tr("Statement of account, {month}",
               fmt::arg("month", MonthInWords(h.month.year, h.month.month)));
  const int64_t last = h.in_progress ? h.as_of_ms : s.end_ms - 1;
  w.period = Tr("from {start} to {end} ({zone})", fmt::arg("start", LocalDateTime(s.start_ms)),
                fmt::arg("end", LocalDateTime(last)), fmt::arg("zone", h.zone));
  w.opening = Tr("Opening balance on {date}", fmt::arg("date", LocalDateTime(s.start_ms)));
  w.closing = h.in_progress
                  ? Tr("Balance on {date} (the month is not over)",
                       fmt::arg("date", LocalDateTime(h.as_of_ms)))
                  : Tr("Closing balance on {date}", fmt::arg("date", LocalDateTime(last)));
  w.headings = {_("DATE"),  _("OPERATION"), _("COUNTERPARTY"), _("MEMO"),
                _("DEBIT"), _("CREDIT"),    _("BALANCE")};
  return w;
}

// The header's lines: label, value.
std::vector<std::vector<std::string>> HeaderRows(const StatementHeader& h, const Words& w) {
  return {{_("association"), SafeText(h.association)},
          {_("currency"), SafeText(h.currency_name) + " (" + h.currency_code + ")"},
          {_("account"), SafeText(h.account_name) + " (" + h.kind + ")"},
          {_("address"), h.address},
          {_("period"), w.period}};
}

std::vector<std::string> LineCells(const AccountStatement::Line& l, const Money& money) {
  const int64_t u = l.entry.units;
  return {LocalDateTime(l.entry.time_ms), l.entry.kind,
          SafeText(l.entry.counterparty), SafeText(l.entry.memo),
          u < 0 ? money.Units(-u) : "",   u > 0 ? money.Units(u) : "",
          money.Units(l.balance)};
}

std::vector<std::vector<std::string>> TotalRows(const AccountStatement& s, const Words& w,
                                                const Money& money) {
  return {{w.opening, money.Units(s.opening)},
          {_("Total in"), money.Units(s.total_in)},
          {_("Total out"), money.Units(s.total_out)},
          {w.closing, money.Units(s.closing)}};
}

}  // namespace

std::string RenderStatementText(const StatementHeader& h, const AccountStatement& s,
                                const Money& money) {
  const Words w = WordsFor(h, s);
  std::string out = w.title + "\n\n" + RenderTable(HeaderRows(h, w)) + "\n";
  const auto totals = TotalRows(s, w, money);
  out += RenderTable({totals[0]}, {1}) + "\n";
  if (s.lines.empty()) {
    out += std::string(_("No movement this month.")) + "\n";
  } else {
    std::vector<std::vector<std::string>> rows = {w.headings};
    for (const auto& l : s.lines) rows.push_back(LineCells(l, money));
    out += RenderTable(rows, {4, 5, 6});
  }
  out += "\n" + RenderTable(totals, {1});
  out += TrP("{n} movement", "{n} movements", s.lines.size(), fmt::arg("n", s.lines.size())) + "\n";
  return out;
}

std::string RenderStatementCsv(const StatementHeader& h, const AccountStatement& s,
                               const Money& money) {
  const bool fr = French();
  const char sep = fr ? ';' : ',';
  const char decimal = fr ? ',' : '.';
  auto amount = [&](int64_t v) { return FormatAmount(Amount(v), money.decimals(), "", decimal); };
  auto row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i)
      line += (i == 0 ? "" : std::string(1, sep)) + CsvField(cells[i], sep);
    return line + "\r\n";
  };
  std::string out = fr ? "\xEF\xBB\xBF" : "";
  out += row({_("Date"), _("Time"), _("Operation"), _("Counterparty"), _("Memo"), _("Debit"),
              _("Credit"), _("Balance"), _("Currency"), _("Journal entry")});
  for (const auto& l : s.lines) {
    const int64_t u = l.entry.units;
    out += row({DisplayDate(l.entry.time_ms), LocalTime(l.entry.time_ms), l.entry.kind,
                l.entry.counterparty, l.entry.memo, u < 0 ? amount(-u) : "", u > 0 ? amount(u) : "",
                amount(l.balance), money.code(), std::to_string(l.entry.sequence)});
  }
  (void)h;
  return out;
}

// ---- PDF (cairo): A4 portrait, in points.

namespace {

constexpr double kPageWidth = 595.28, kPageHeight = 841.89, kMargin = 40;
constexpr double kFontSize = 7.5, kLineHeight = 11;
constexpr char kFont[] = "DejaVu Sans";  // i18n: as is
// The table's columns: date, operation, counterparty, memo, debit, credit, balance.
constexpr double kWidths[7] = {78, 80, 96, 77, 60, 60, 64};
constexpr bool kRight[7] = {false, false, false, false, true, true, true};

cairo_status_t AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

class Pdf {
 public:
  explicit Pdf(std::string* bytes)
      : surface_(cairo_pdf_surface_create_for_stream(AppendTo, bytes, kPageWidth, kPageHeight)),
        cr_(cairo_create(surface_)) {}
  ~Pdf() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  Pdf(const Pdf&) = delete;
  Pdf& operator=(const Pdf&) = delete;

  void Font(double size, bool bold) {
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
  }
  double Width(const std::string& text) {
    cairo_text_extents_t e;
    cairo_text_extents(cr_, text.c_str(), &e);
    return e.x_advance;
  }
  // `text` cut (at a code point, with "…") to fit `width`.
  std::string Fit(std::string text, double width) {
    if (Width(text) <= width) return text;
    while (!text.empty() && Width(text + "…") > width) {
      size_t cut = text.size() - 1;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text.resize(cut);
    }
    return text + "…";
  }
  // `width` > 0: left-aligned text is cut to fit it; right-aligned text (amounts, never cut)
  // ends at its right edge.
  void Text(double x, double y, const std::string& text, double width = 0, bool right = false) {
    std::string t = width > 0 && !right ? Fit(text, width) : text;
    cairo_move_to(cr_, right ? x + width - Width(t) : x, y);
    cairo_show_text(cr_, t.c_str());
  }
  void Rule(double y) {
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, y);
    cairo_line_to(cr_, kPageWidth - kMargin, y);
    cairo_stroke(cr_);
  }
  void NextPage() { cairo_show_page(cr_); }
  CliStatus Finish() {
    cairo_show_page(cr_);
    cairo_surface_finish(surface_);
    cairo_status_t st = cairo_surface_status(surface_);
    if (st != CAIRO_STATUS_SUCCESS)
      return CliStatus::Local(
          Tr("the PDF could not be made: {why}", fmt::arg("why", cairo_status_to_string(st))));
    return CliStatus::Ok();
  }

 private:
  cairo_surface_t* surface_;
  cairo_t* cr_;
};

}  // namespace

CliStatus RenderStatementPdf(const StatementHeader& h, const AccountStatement& s,
                             const Money& money, std::string* pdf) {
  const Words w = WordsFor(h, s);
  const auto header = HeaderRows(h, w);
  const auto totals = TotalRows(s, w, money);
  // Pagination: the first page carries the header, every page the table's headings and its
  // number, the last one the totals.
  const double top = kMargin + 20;
  const double bottom = kPageHeight - kMargin - 20;
  const double header_height = 26 + kLineHeight * (header.size() + 2);
  const double totals_height = kLineHeight * (totals.size() + 2);
  const int rows_per_page = static_cast<int>((bottom - top - 2 * kLineHeight) / kLineHeight);
  const int first_rows =
      static_cast<int>((bottom - top - header_height - 2 * kLineHeight) / kLineHeight);
  // Place the rows, then see whether the totals fit after the last one.
  std::vector<std::pair<size_t, size_t>> pages;  // [begin, end) of s.lines per page
  size_t next = 0;
  do {
    const size_t room = static_cast<size_t>(pages.empty() ? first_rows : rows_per_page);
    const size_t end = std::min(s.lines.size(), next + room);
    pages.emplace_back(next, end);
    next = end;
  } while (next < s.lines.size());
  {
    const auto& [b, e] = pages.back();
    const double used = (pages.size() == 1 ? header_height : 0) + 2 * kLineHeight +
                        kLineHeight * static_cast<double>(e - b);
    if (top + used + totals_height > bottom) pages.emplace_back(e, e);
  }
  const size_t count = pages.size();

  std::string bytes;
  {
    Pdf p(&bytes);
    for (size_t page = 0; page < count; ++page) {
      double y = top;
      p.Font(kFontSize, false);
      p.Text(kMargin, kMargin, SafeText(h.association));
      const std::string number =
          Tr("page {page}/{pages}", fmt::arg("page", page + 1), fmt::arg("pages", count));
      p.Text(kPageWidth - kMargin - 100, kPageHeight - kMargin, number, 100, true);
      if (page == 0) {
        p.Font(13, true);
        p.Text(kMargin, y + 6, w.title);
        y += 26;
        p.Font(kFontSize + 1, false);
        for (const auto& r : header) {
          p.Text(kMargin, y, r[0], 80);
          p.Text(kMargin + 85, y, r[1], kPageWidth - 2 * kMargin - 85);
          y += kLineHeight;
        }
        y += kLineHeight;
        p.Font(kFontSize + 1, true);
        p.Text(kMargin, y, totals[0][0], 300);
        p.Text(kPageWidth - kMargin - 150, y, totals[0][1], 150, true);
        y += kLineHeight;
      }
      const auto& [b, e] = pages[page];
      if (b < e || (page == 0 && s.lines.empty())) {
        y += kLineHeight / 2;
        p.Font(kFontSize, true);
        double x = kMargin;
        for (size_t c = 0; c < 7; ++c) {
          p.Text(x, y, w.headings[c], kWidths[c] - 4, kRight[c]);
          x += kWidths[c];
        }
        p.Rule(y + 3);
        y += kLineHeight + 2;
        p.Font(kFontSize, false);
        if (s.lines.empty()) {
          p.Text(kMargin, y, _("No movement this month."));
          y += kLineHeight;
        }
        for (size_t i = b; i < e; ++i) {
          const auto cells = LineCells(s.lines[i], money);
          x = kMargin;
          for (size_t c = 0; c < 7; ++c) {
            p.Text(x, y, cells[c], kWidths[c] - 4, kRight[c]);
            x += kWidths[c];
          }
          y += kLineHeight;
        }
      }
      if (page + 1 == count) {
        p.Rule(y - kLineHeight + 4);
        y += kLineHeight;
        for (size_t i = 0; i < totals.size(); ++i) {
          p.Font(kFontSize + 1, i == 0 || i + 1 == totals.size());
          p.Text(kMargin, y, totals[i][0], 300);
          p.Text(kPageWidth - kMargin - 150, y, totals[i][1], 150, true);
          y += kLineHeight;
        }
        CliStatus st = p.Finish();
        if (!st.ok()) return st;
      } else {
        p.NextPage();
      }
    }
  }
  *pdf = std::move(bytes);
  return CliStatus::Ok();
}

}  // namespace liard::wallet

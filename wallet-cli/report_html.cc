// The general assembly's report as HTML, with an SVG chart of circulation against the reserve.
// Every word of the page goes through the wallet's catalogue (wallet-cli/i18n.h): the page is in
// the language the wallet speaks (--lang, else the locale).
#include "wallet-cli/report_html.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "ledger/amount.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

// ---- The page's words, in the wallet's language (gettext: English in the code, French in
// po/fr-audit.po), and its number conventions.

struct Words {
  // Numbers: the decimal mark, the thousands separator (French: U+202F, a narrow no-break
  // space), whether the euro sign comes first ("€2,140.01" rather than "2 140,01 €"), what
  // follows a percentage.
  char decimal;
  std::string thousands;
  bool euro_first;
  std::string percent;

  std::string reserves = _("Reserves");
  std::string units_in_accounts = _("Units in accounts");
  std::string paper_in_circulation = _("Paper notes in circulation");
  std::string circulation = _("Circulation");
  std::string fund = _("Guarantee fund (bank)");
  std::string required = _("Required by the rules");
  std::string coverage = _("Coverage by the guarantee fund");
  std::string nothing_circulates = _("nothing circulates");
  std::string at_risk = _("At risk: cash at exchange offices, not yet deposited");
  std::string owed = _("Owed to merchants for their reconversions");
  std::string budgets_left = _("Left in bonus programmes");
  std::string income_total = _("Association income (to date)");

  std::string chart = _("Circulation and reserve over time");
  std::string chart_label = _("Circulation and reserve over time, in euros");
  std::string legend_circulation = _("Circulation (at par, in €)");
  std::string legend_reserve =
      _("Reserve: fund and office cash (under the circulation when equal)");
  std::string legend_fund = _("Guarantee fund at the bank (dashed)");
  std::string no_entries = _("No entries yet.");

  std::string month = _("Month");
  std::string period = _("Period");

  std::string euros_in = _("Euros in");
  std::string conversions = _("Conversions");
  std::string conversion_euros = _("Euros converted");
  std::string note_sales = _("Note sales");
  std::string note_sale_euros = _("Euros for notes");
  std::string total_in = _("Total euros in");
  std::string units_issued = _("Units issued by conversion");

  std::string units_out = _("Units out");
  std::string reconversions = _("Reconversions");
  std::string units_reconverted = _("Units reconverted");
  std::string note_redemptions = _("Note redemptions");
  std::string units_redeemed = _("Notes redeemed");
  std::string total_out = _("Total units out");
  std::string owed_to_merchants = _("Owed to merchants");
  std::string paid_out = _("Paid to merchants");

  std::string income = _("Association income");
  std::string membership_fees = _("Membership fees");
  std::string reconversion_fees = _("Reconversion fees");
  std::string bank_interest = _("Bank interest");
  std::string bank_fees = _("Bank fees");
  std::string net_income = _("Net income");

  std::string programmes = _("Bonus and sponsor funds");
  std::string programme = _("Programme");
  std::string bonus_paid = _("Bonus paid");
  std::string funds_received = _("Sponsor funds received");
  std::string no_programme = _("No programme paid or received funds.");

  std::string share = _("The association's share");
  std::string association = _("Association");
  std::string received = _("Received");
  std::string share_note =
      _("A share of each conversion, issued to the association the member chose and backed in "
        "the fund by a sponsor's programme, never taken from the member.");

  std::string people = _("Members, merchants and municipalities");
  std::string group = _("Group");
  std::string groups[kReportGroups] = {_("Members"), _("Merchants"), _("Municipalities")};
  std::string active = _("Active");
  std::string opened = _("New");
  std::string lapsed = _("Lapsed");
  std::string at_end = _("Accounts at month end");
  std::string people_note =
      _("Active: paid or was paid, converted euros, reconverted or handed in notes in the month. "
        "Lapsed: membership ended in the month and not renewed before the month ended. For the "
        "period: distinct active accounts, accounts at its end.");

  std::string payments = _("Payments");
  std::string payment_count = _("Number");
  std::string volume = _("Volume");
  std::string circulation_end = _("Circulation at month end");
  std::string velocity = _("Velocity");
  std::string payments_note =
      _("A payment to many payees counts once. Velocity: the month's payment volume ÷ the "
        "circulation at the month's end (for the period: volume ÷ circulation at its end).");
};

Words WordsNow() {
  Words w;
  if (French()) {
    w.decimal = ',';
    w.thousands = "\u202F";
    w.euro_first = false;
    w.percent = "\u00A0%";
  } else {
    w.decimal = '.';
    w.thousands = ",";
    w.euro_first = true;
    w.percent = "%";
  }
  return w;
}

// ---- Formats.

class Fmt {
 public:
  Fmt(const Words& w, const ReportInput& in) : w_(w), code_(in.currency_code), dec_(in.decimals) {}

  // 214001 with 2 decimals -> "2 140,01" (French) or "2,140.01".
  std::string Number(int64_t minor, int decimals) const {
    return FormatGrouped(Amount(minor), decimals, w_.decimal, w_.thousands);
  }
  std::string Count(int64_t n) const { return Number(n, 0); }
  std::string Euros(int64_t cents) const {
    if (w_.euro_first) return (cents < 0 ? "-€" : "€") + Number(cents < 0 ? -cents : cents, 2);
    return Number(cents, 2) + "\u00A0€";
  }
  // Whole euros, for the chart's ticks.
  std::string WholeEuros(int64_t cents) const {
    if (w_.euro_first) return "€" + Number(cents / 100, 0);
    return Number(cents / 100, 0) + "\u00A0€";
  }
  std::string Units(int64_t minor) const { return Number(minor, dec_) + "\u00A0" + code_; }
  std::string Percent(uint32_t basis_points) const { return Number(basis_points, 2) + w_.percent; }
  // "novembre 2026", "November 2026".
  std::string Month(uint32_t yyyymm) const {
    return MonthInWords(static_cast<int>(yyyymm / 100), static_cast<int>(yyyymm % 100));
  }
  // In the currency's time zone: "02/12/2026" or "2026-12-02"; "15:59"; "15:59:03".
  std::string Date(int64_t ms) const { return DisplayDate(ms); }
  std::string Time(int64_t ms) const { return LocalTime(ms).substr(0, 5); }
  std::string Seconds(int64_t ms) const { return LocalTime(ms); }

 private:
  const Words& w_;
  std::string code_;
  int dec_;
};

// The smallest step of 1, 2 or 5 × 10^k that covers `top` in at most `steps` steps.
int64_t RoundStep(int64_t top, int steps) {
  const int64_t want = std::max<int64_t>(1, (top + steps - 1) / steps);
  for (int64_t unit = 1;; unit *= 10)
    for (int64_t m : {1, 2, 5})
      if (m * unit >= want) return m * unit;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// The chart: one axis in euros, the circulation at par beside the reserve and the fund; round
// ticks; the time axis from the first entry to the last, with distinct labels at its ends.
std::string Chart(const ReportInput& in, const Words& w, const Fmt& f) {
  const auto& s = in.figures.samples;
  constexpr int kW = 720, kH = 280, kLeft = 90, kRight = 24, kTop = 28, kBottom = 44;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +  // i18n: as is
                    std::to_string(kW) + " " + std::to_string(kH) +
                    "\" role=\"img\" aria-label=\"" + HtmlEscape(w.chart_label) + "\">\n";
  if (s.empty())
    return svg + "<text x=\"20\" y=\"40\">" + HtmlEscape(w.no_entries) + "</text></svg>\n";
  int64_t top = 1;
  for (const auto& p : s) top = std::max({top, p.circulation_euros, p.reserve, p.fund});
  const int64_t step = RoundStep(top, 5);
  const int64_t axis_top = (top + step - 1) / step * step;
  const int64_t t0 = s.front().time_ms, t1 = s.back().time_ms;
  const double span = static_cast<double>(std::max<int64_t>(t1 - t0, 1));
  const bool one_point = t1 == t0;
  // Pixel coordinates are the only floating point of the report.
  auto x = [&](int64_t t) {
    if (one_point) return (kLeft + kW - kRight) / 2.0;
    return kLeft + static_cast<double>(t - t0) * (kW - kLeft - kRight) / span;
  };
  auto y = [&](int64_t v) {
    return kTop +
           (kH - kTop - kBottom) * (1.0 - static_cast<double>(v) / static_cast<double>(axis_top));
  };
  svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(kTop - 12) +
         "\" class=\"unit\" text-anchor=\"end\">€</text>\n";
  for (int64_t v = 0; v <= axis_top; v += step) {
    const std::string yy = Num(y(v));
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kW - kRight) +
           "\" y1=\"" + yy + "\" y2=\"" + yy + "\" class=\"grid\"/>\n";
    svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + yy +
           "\" class=\"axis\" text-anchor=\"end\" dominant-baseline=\"middle\">" +
           HtmlEscape(step % 100 == 0 ? f.WholeEuros(v) : f.Euros(v)) + "</text>\n";
  }
  // Time labels at both ends: dates, or within one day the date once and the times (to the
  // second when they would read the same to the minute); one label when they still would.
  auto tick = [&](int64_t t, const std::string& label, const char* anchor) {
    const std::string xx = Num(x(t));
    svg += "<line x1=\"" + xx + "\" x2=\"" + xx + "\" y1=\"" + std::to_string(kH - kBottom) +
           "\" y2=\"" + std::to_string(kH - kBottom + 5) + "\" class=\"tick\"/>\n";
    svg += "<text x=\"" + xx + "\" y=\"" + std::to_string(kH - kBottom + 20) +
           "\" class=\"axis\" text-anchor=\"" + anchor + "\">" + HtmlEscape(label) + "</text>\n";
  };
  std::string first = f.Date(t0), last = f.Date(t1);
  if (first == last) {
    const bool seconds = f.Time(t0) == f.Time(t1);
    first += " " + (seconds ? f.Seconds(t0) : f.Time(t0));
    last = seconds ? f.Seconds(t1) : f.Time(t1);
  }
  if (one_point || first.substr(first.size() - last.size()) == last) {
    tick(t0, first, one_point ? "middle" : "start");
  } else {
    tick(t0, first, "start");
    tick(t1, last, "end");
  }
  auto line = [&](auto value, const char* cls) {
    std::string pts;
    for (const auto& p : s) pts += Num(x(p.time_ms)) + "," + Num(y(value(p))) + " ";
    if (s.size() == 1) pts += Num(x(t0) + 1) + "," + Num(y(value(s[0]))) + " ";
    const std::string open = "<polyline class=\"";  // i18n: as is
    return open + cls + "\" points=\"" + pts + "\"/>\n";
  };
  svg += line([](const ReserveSample& p) { return p.reserve; }, "reserve");
  svg += line([](const ReserveSample& p) { return p.fund; }, "fund");
  svg += line([](const ReserveSample& p) { return p.circulation_euros; }, "circulation");
  return svg + "</svg>\n";
}

enum class Emphasis { kNone, kStrong };
std::string Row(std::string_view label, const std::string& value,
                Emphasis emphasis = Emphasis::kNone) {
  const bool strong = emphasis == Emphasis::kStrong;
  return std::string("<tr><th scope=\"row\">") + HtmlEscape(label) + "</th><td>" +  // i18n: as is
         (strong ? "<strong>" : "") + HtmlEscape(value) + (strong ? "</strong>" : "") +
         "</td></tr>\n";
}

std::string Head(const std::vector<std::string>& columns) {
  std::string h = "<thead><tr>";
  for (const std::string& c : columns) h += "<th>" + HtmlEscape(c) + "</th>";
  return h + "</tr></thead>\n";
}

// A table row: the first cell a label, then values; the period's row in bold.
std::string Cells(const std::string& label, const std::vector<std::string>& values, bool total) {
  std::string h = total ? "<tr class=\"total\">" : "<tr>";  // i18n: as is
  h += "<td>" + HtmlEscape(label) + "</td>";
  for (const auto& v : values) h += "<td>" + HtmlEscape(v) + "</td>";
  return h + "</tr>\n";
}

// One table of months and the period, `values` giving a row's cells.
template <typename F>
std::string MonthTable(const ReportInput& in, const Words& w, const Fmt& f,
                       const std::vector<std::string>& columns, F values) {
  std::string h = "<table class=\"months\">\n" + Head(columns) + "<tbody>\n";  // i18n: as is
  for (const MonthFigures& m : in.figures.months) h += Cells(f.Month(m.month), values(m), false);
  h += Cells(w.period, values(in.figures.period), true);
  return h + "</tbody>\n</table>\n";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  // Hidden characters first (a bidi override would reorder the page's text): the one sanitiser.
  for (char c : SafeText(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderReportHtml(const ReportInput& in) {
  const Words w = WordsNow();
  const Fmt f(w, in);
  const ReserveReport& r = in.reserves;
  const ReportFigures& fig = in.figures;
  // Covered by the fund at the bank alone: office cash is a promise until it is deposited.
  const bool covered = r.fund >= r.required;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"" + std::string(French() ? "fr" : "en") +  // i18n: as is
       "\">\n<head>\n<meta charset=\"utf-8\">\n";                                // i18n: as is
  h += "<title>" +
       HtmlEscape(Tr("{currency} — report to the general assembly",
                     fmt::arg("currency", in.currency_name))) +
       "</title>\n";
  h += R"(<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 2em auto;
       max-width: 52em; line-height: 1.4; font-size: 11pt; }
h1 { font-size: 20pt; margin-bottom: 0.2em; }
h2 { font-size: 14pt; border-bottom: 2px solid #2e6b4f; padding-bottom: 0.2em; margin-top: 1.6em; }
.meta, .note { color: #555; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { padding: 0.3em 0.4em; border-bottom: 1px solid #ddd; text-align: right; }
td { white-space: nowrap; }
table.months { font-size: 9.5pt; }
th[scope=row], thead th:first-child, td:first-child { text-align: left; }
thead th { background: #eef5f1; font-size: 9.5pt; }
tr.total td { font-weight: bold; border-top: 2px solid #2e6b4f; }
.ok { color: #1f6b3a; font-weight: bold; }
.bad { color: #a11b1b; font-weight: bold; }
.badge { display: inline-block; padding: 0.2em 0.6em; border-radius: 0.3em; }
.badge.ok { background: #dff3e6; } .badge.bad { background: #fbe0e0; }
svg { width: 100%; height: auto; background: #fcfcfc; border: 1px solid #ddd; }
svg .grid { stroke: #e4e4e4; stroke-width: 1; }
svg .tick { stroke: #888; stroke-width: 1; }
svg .axis { font-size: 11px; fill: #555; }
svg .unit { font-size: 13px; fill: #333; font-weight: bold; }
svg polyline { fill: none; stroke-linejoin: round; }
svg .circulation { stroke: #2364aa; stroke-width: 2.5; }
svg .reserve { stroke: #7cc59a; stroke-width: 8; }
svg .fund { stroke: #1d5e3a; stroke-width: 1.5; stroke-dasharray: 5 3; }
.legend span { display: inline-block; margin-right: 1.5em; }
.swatch { display: inline-block; width: 1.6em; height: 0.3em; vertical-align: middle;
          margin-right: 0.4em; }
@page { size: A4; margin: 18mm 15mm; }
@media print { body { margin: 0; max-width: none; font-size: 9.5pt; }
               h2 { break-after: avoid; } section, table, svg { break-inside: avoid; } }
</style>
</head>
<body>
)";
  h += "<h1>" + HtmlEscape(in.currency_name) + "</h1>\n";
  const int64_t from = fig.samples.empty() ? in.time_ms : fig.samples.front().time_ms;
  h += "<p>" +
       HtmlEscape(Tr("Report to the general assembly on the guarantee fund and the "
                     "circulation, at journal entry {entry} ({date}), for the period from {from} "
                     "to {to}.",
                     fmt::arg("entry", f.Count(static_cast<int64_t>(in.sequence))),
                     fmt::arg("date", f.Date(in.time_ms)), fmt::arg("from", f.Date(from)),
                     fmt::arg("to", f.Date(in.time_ms)))) +
       "</p>\n";
  h += "<p class=\"meta\">" +
       HtmlEscape(Tr("Ledger {ledger}… · generated {when} by liard audit report",
                     fmt::arg("ledger", in.ledger_id_hex.substr(0, 16)),
                     fmt::arg("when", LocalDateTime(in.generated_ms)))) +
       "</p>\n";
  h += "<p><span class=\"badge ";  // i18n: as is
  h += std::string(in.verified ? "ok" : "bad") + "\">" +
       HtmlEscape(in.verified ? _("Verified") : _("Not verified")) + "</span> " +
       HtmlEscape(
           in.verified
               ? Tr("Every one of the {n} journal entries was checked (hash chain, "
                    "signatures, rules); the figures below were computed from them, not "
                    "taken from the server.",
                    fmt::arg("n", f.Count(static_cast<int64_t>(in.sequence))))
               : Tr("The journal disagrees with the server: {why}", fmt::arg("why", in.failure))) +
       "</p>\n";

  // Reserves, now.
  h += "<section>\n<h2>" + HtmlEscape(w.reserves) + "</h2>\n<table>\n";
  h += Row(w.units_in_accounts, f.Units(r.circulation_accounts));
  h += Row(w.paper_in_circulation, f.Units(r.circulation_paper));
  h += Row(w.circulation, f.Units(r.circulation), Emphasis::kStrong);
  h += Row(w.fund, f.Euros(r.fund));
  h += Row(w.required, f.Euros(r.required));
  h += "<tr><th scope=\"row\">" + HtmlEscape(w.coverage) + "</th><td class=\"" +  // i18n: as is
       std::string(covered ? "ok" : "bad") + "\">" +
       HtmlEscape(r.circulation == 0 ? w.nothing_circulates : f.Percent(r.coverage_basis_points)) +
       "</td></tr>\n";
  h += "<tr><th scope=\"row\">" + HtmlEscape(w.at_risk) + "</th><td" +  // i18n: as is
       std::string(r.office_cash > 0 ? " class=\"bad\"" : "") + ">" +
       HtmlEscape(f.Euros(r.office_cash) +
                  (r.circulation == 0
                       ? std::string()
                       : " " + Tr("({p} of the required reserve)",
                                  fmt::arg("p", f.Percent(r.office_cash_basis_points))))) +
       "</td></tr>\n";
  h += Row(w.owed, f.Euros(r.owed_to_merchants));
  h += Row(w.budgets_left, f.Euros(r.sponsor_budgets));
  h += Row(w.income_total, f.Euros(r.income));
  h += "</table>\n</section>\n";

  // The chart.
  h += "<section>\n<h2>" + HtmlEscape(w.chart) + "</h2>\n";
  h +=
      "<p class=\"legend\"><span><span class=\"swatch\" style=\"background:#2364aa\"></span>" +  // i18n: as is
      HtmlEscape(w.legend_circulation) +
      "</span><span><span class=\"swatch\" style=\"background:#7cc59a\"></span>" +  // i18n: as is
      HtmlEscape(w.legend_reserve) +
      "</span><span><span class=\"swatch\" style=\"background:#1d5e3a\"></span>" +  // i18n: as is
      HtmlEscape(w.legend_fund) + "</span></p>\n";
  h += Chart(in, w, f);
  h += "</section>\n";

  // Euros in.
  h += "<section>\n<h2>" + HtmlEscape(w.euros_in) + "</h2>\n";
  h += MonthTable(in, w, f,
                  {w.month, w.conversions, w.conversion_euros, w.note_sales, w.note_sale_euros,
                   w.total_in, w.units_issued},
                  [&](const MonthFigures& m) -> std::vector<std::string> {
                    return {f.Count(m.conversions), f.Euros(m.conversion_euros),
                            f.Count(m.note_sales),  f.Euros(m.note_sale_euros),
                            f.Euros(m.euros_in()),  f.Units(m.units_converted)};
                  });
  h += "</section>\n";

  // Units out.
  h += "<section>\n<h2>" + HtmlEscape(w.units_out) + "</h2>\n";
  h += MonthTable(in, w, f,
                  {w.month, w.reconversions, w.units_reconverted, w.note_redemptions,
                   w.units_redeemed, w.total_out, w.owed_to_merchants, w.paid_out},
                  [&](const MonthFigures& m) -> std::vector<std::string> {
                    return {f.Count(m.reconversions),    f.Units(m.units_reconverted),
                            f.Count(m.note_redemptions), f.Units(m.units_redeemed),
                            f.Units(m.units_out()),      f.Euros(m.owed_to_merchants),
                            f.Euros(m.paid_out)};
                  });
  h += "</section>\n";

  // Income by source.
  h += "<section>\n<h2>" + HtmlEscape(w.income) + "</h2>\n";
  h += MonthTable(
      in, w, f,
      {w.month, w.membership_fees, w.reconversion_fees, w.bank_interest, w.bank_fees, w.net_income},
      [&](const MonthFigures& m) -> std::vector<std::string> {
        return {f.Euros(m.income.membership_fees), f.Euros(m.income.reconversion_fees),
                f.Euros(m.income.bank_interest), f.Euros(-m.income.bank_fees),
                f.Euros(m.income.net())};
      });
  h += "</section>\n";

  // Bonus and sponsor funds, per programme: a row per programme and month where money moved,
  // then the programme's period.
  h += "<section>\n<h2>" + HtmlEscape(w.programmes) + "</h2>\n";
  std::map<std::string, std::map<uint32_t, std::pair<int64_t, int64_t>>> by_programme;
  for (const MonthFigures& m : fig.months) {
    for (const auto& [name, cents] : m.bonus_by_programme)
      by_programme[name][m.month].first += cents;
    for (const auto& [name, cents] : m.funds_by_programme)
      by_programme[name][m.month].second += cents;
  }
  if (by_programme.empty()) {
    h += "<p>" + HtmlEscape(w.no_programme) + "</p>\n";
  } else {
    h += "<table>\n" + Head({w.programme, w.month, w.bonus_paid, w.funds_received}) + "<tbody>\n";
    for (const auto& [name, months] : by_programme) {
      int64_t bonus = 0, funds = 0;
      for (const auto& [month, v] : months) {
        h += "<tr><td>" + HtmlEscape(name) + "</td><td>" + HtmlEscape(f.Month(month)) +
             "</td><td>" + HtmlEscape(f.Euros(v.first)) + "</td><td>" +
             HtmlEscape(f.Euros(v.second)) + "</td></tr>\n";
        bonus += v.first;
        funds += v.second;
      }
      h += "<tr class=\"total\"><td>";  // i18n: as is
      h += HtmlEscape(name) + "</td><td>" + HtmlEscape(w.period) + "</td><td>" +
           HtmlEscape(f.Euros(bonus)) + "</td><td>" + HtmlEscape(f.Euros(funds)) + "</td></tr>\n";
    }
    h += "</tbody>\n</table>\n";
  }
  h += "</section>\n";

  // The association's share, per association: shown only when one was paid.
  if (!fig.period.share_by_association.empty()) {
    h += "<section>\n<h2>" + HtmlEscape(w.share) + "</h2>\n<table>\n" +  // i18n: as is
         Head({w.association, w.month, w.received}) + "<tbody>\n";
    for (const auto& [id, total] : fig.period.share_by_association) {
      auto it = in.names.find(id);
      const std::string name =
          it != in.names.end() && !it->second.empty() ? it->second : ToHex(id).substr(0, 16);
      for (const MonthFigures& m : fig.months)
        if (auto u = m.share_by_association.find(id); u != m.share_by_association.end())
          h += "<tr><td>" + HtmlEscape(name) + "</td><td>" + HtmlEscape(f.Month(m.month)) +
               "</td><td>" + HtmlEscape(f.Units(u->second)) + "</td></tr>\n";
      h += "<tr class=\"total\"><td>" + HtmlEscape(name) + "</td><td>" +  // i18n: as is
           HtmlEscape(w.period) + "</td><td>" + HtmlEscape(f.Units(total)) + "</td></tr>\n";
    }
    h += "</tbody>\n</table>\n";
    for (const auto& [programme, cents] : fig.period.share_by_programme)
      h += "<p class=\"note\">" +  // i18n: as is
           HtmlEscape(Tr("Programme « {programme} » backed the shares with {euros}.",
                         fmt::arg("programme", programme), fmt::arg("euros", f.Euros(cents)))) +
           "</p>\n";
    h += "<p class=\"note\">" + HtmlEscape(w.share_note) + "</p>\n</section>\n";  // i18n: as is
  }

  // Members, merchants and municipalities.
  h += "<section>\n<h2>" + HtmlEscape(w.people) +
       "</h2>\n<table class=\"months\">\n" +  // i18n: as is
       Head({w.month, w.group, w.active, w.opened, w.lapsed, w.at_end}) + "<tbody>\n";
  auto people_rows = [&](const MonthFigures& m, const std::string& label, bool total) {
    for (size_t g = 0; g < kReportGroups; ++g) {
      const PeopleFigures& p = m.people[g];
      h += Cells(
          g == 0 ? label : std::string(),
          {w.groups[g], f.Count(p.active), f.Count(p.opened), f.Count(p.lapsed), f.Count(p.at_end)},
          total);
    }
  };
  for (const MonthFigures& m : fig.months) people_rows(m, f.Month(m.month), false);
  people_rows(fig.period, w.period, true);
  h += "</tbody>\n</table>\n<p class=\"note\">" + HtmlEscape(w.people_note) + "</p>\n</section>\n";

  // Payments.
  h += "<section>\n<h2>" + HtmlEscape(w.payments) + "</h2>\n";
  h += MonthTable(in, w, f, {w.month, w.payment_count, w.volume, w.circulation_end, w.velocity},
                  [&](const MonthFigures& m) -> std::vector<std::string> {
                    return {f.Count(m.payments), f.Units(m.payment_volume),
                            f.Units(m.circulation_end), f.Number(m.velocity_hundredths, 2)};
                  });
  h += "<p class=\"note\">" + HtmlEscape(w.payments_note) + "</p>\n</section>\n";

  h += "</body>\n</html>\n";
  return h;
}

}  // namespace liard::wallet

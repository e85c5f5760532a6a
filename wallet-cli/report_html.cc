// The general assembly's report as HTML, with an SVG chart of circulation against the reserve.
#include "wallet-cli/report_html.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace liard::wallet {
namespace {

std::string MonthName(uint32_t yyyymm) {
  static const char* kNames[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};
  const uint32_t m = yyyymm % 100;
  return (m >= 1 && m <= 12 ? kNames[m - 1] : "?") + std::string(" ") +
         std::to_string(yyyymm / 100);
}

// The chart: two lines over the journal's time, scaled to the largest value, with the
// axes labelled in currency units (the reserve is in euros at par: the same scale at 1/1).
std::string Chart(const ReportInput& in) {
  const auto& s = in.samples;
  constexpr int kW = 720, kH = 260, kLeft = 90, kRight = 20, kTop = 20, kBottom = 40;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(kW) + " " + std::to_string(kH) +
                    "\" role=\"img\" aria-label=\"Circulation and reserve over time\">\n";
  if (s.empty()) return svg + "<text x=\"20\" y=\"40\">No entries yet.</text></svg>\n";
  int64_t top = 1;
  for (const auto& p : s) top = std::max({top, p.circulation, p.reserve, p.fund});
  const int64_t t0 = s.front().time_ms, t1 = std::max(s.back().time_ms, t0 + 1);
  auto x = [&](int64_t t) {
    return kLeft +
           static_cast<double>(t - t0) * (kW - kLeft - kRight) / static_cast<double>(t1 - t0);
  };
  auto y = [&](int64_t v) {
    return kTop + (kH - kTop - kBottom) * (1.0 - static_cast<double>(v) / static_cast<double>(top));
  };
  char buf[128];
  // Axes and grid: four steps.
  for (int i = 0; i <= 4; ++i) {
    const int64_t v = top * i / 4;
    std::snprintf(buf, sizeof buf, "%.1f", y(v));
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" x2=\"" + std::to_string(kW - kRight) +
           "\" y1=\"" + buf + "\" y2=\"" + buf + "\" class=\"grid\"/>\n";
    svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + buf +
           "\" class=\"axis\" text-anchor=\"end\" dominant-baseline=\"middle\">" +
           HtmlEscape(in.money.Units(v)) + "</text>\n";
  }
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kH - 12) +
         "\" class=\"axis\">" + HtmlEscape(UtcDate(t0)) + "</text>\n";
  svg += "<text x=\"" + std::to_string(kW - kRight) + "\" y=\"" + std::to_string(kH - 12) +
         "\" class=\"axis\" text-anchor=\"end\">" + HtmlEscape(UtcDate(t1)) + "</text>\n";
  auto line = [&](auto value, const char* cls) {
    std::string pts;
    for (const auto& p : s) {
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", x(p.time_ms), y(value(p)));
      pts += buf;
    }
    return "<polyline class=\"" + std::string(cls) + "\" points=\"" + pts + "\"/>\n";
  };
  svg += line([](const ReserveSample& p) { return p.reserve; }, "reserve");
  svg += line([](const ReserveSample& p) { return p.fund; }, "fund");
  svg += line([](const ReserveSample& p) { return p.circulation; }, "circulation");
  return svg + "</svg>\n";
}

enum class Emphasis { kNone, kStrong };
std::string Row(std::string_view label, const std::string& value,
                Emphasis emphasis = Emphasis::kNone) {
  const bool strong = emphasis == Emphasis::kStrong;
  return std::string("<tr><th scope=\"row\">") + HtmlEscape(label) + "</th><td>" +
         (strong ? "<strong>" : "") + HtmlEscape(value) + (strong ? "</strong>" : "") +
         "</td></tr>\n";
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
  const Money& m = in.money;
  const ReserveReport& r = in.reserves;
  // Covered by the fund at the bank alone: office cash is a promise until it is deposited.
  const bool covered = r.fund >= r.required;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>" + HtmlEscape(in.currency_name) + " — report to the general assembly</title>\n";
  h += R"(<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 2em auto;
       max-width: 52em; line-height: 1.4; font-size: 11pt; }
h1 { font-size: 20pt; margin-bottom: 0.2em; }
h2 { font-size: 14pt; border-bottom: 2px solid #2e6b4f; padding-bottom: 0.2em; margin-top: 1.6em; }
.meta { color: #555; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
th, td { padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; text-align: right; }
th[scope=row], thead th:first-child, td:first-child { text-align: left; }
thead th { background: #eef5f1; }
.ok { color: #1f6b3a; font-weight: bold; }
.bad { color: #a11b1b; font-weight: bold; }
.badge { display: inline-block; padding: 0.2em 0.6em; border-radius: 0.3em; }
.badge.ok { background: #dff3e6; } .badge.bad { background: #fbe0e0; }
svg { width: 100%; height: auto; background: #fcfcfc; border: 1px solid #ddd; }
svg .grid { stroke: #e4e4e4; stroke-width: 1; }
svg .axis { font-size: 11px; fill: #555; }
svg polyline { fill: none; stroke-linejoin: round; }
svg .circulation { stroke: #2364aa; stroke-width: 2.5; }
svg .reserve { stroke: #7cc59a; stroke-width: 8; }
svg .fund { stroke: #1d5e3a; stroke-width: 1.5; stroke-dasharray: 5 3; }
.legend span { display: inline-block; margin-right: 1.5em; }
.swatch { display: inline-block; width: 1.6em; height: 0.3em; vertical-align: middle;
          margin-right: 0.4em; }
@page { size: A4; margin: 18mm 15mm; }
@media print { body { margin: 0; max-width: none; font-size: 10.5pt; }
               h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
</style>
</head>
<body>
)";
  h += "<h1>" + HtmlEscape(in.currency_name) + "</h1>\n";
  h += "<p>Report to the general assembly on the guarantee fund and the circulation, at journal "
       "entry " +
       std::to_string(in.sequence) + " (" + HtmlEscape(UtcDate(in.time_ms)) + ").</p>\n";
  h += "<p class=\"meta\">Ledger " + HtmlEscape(in.ledger_id_hex.substr(0, 16)) + "… · generated " +
       HtmlEscape(in.generated_at) + " by liard audit report</p>\n";
  h += std::string("<p><span class=\"badge ") + (in.verified ? "ok" : "bad") + "\">" +
       (in.verified ? "Verified" : "Not verified") + "</span> " + HtmlEscape(in.verification) +
       "</p>\n";

  h += "<h2>Reserves</h2>\n<table>\n";
  h += Row("Units in accounts", m.Units(r.circulation_accounts));
  h += Row("Paper notes in circulation", m.Units(r.circulation_paper));
  h += Row("Circulation", m.Units(r.circulation), Emphasis::kStrong);
  h += Row("Guarantee fund (bank)", m.Euros(r.fund));
  h += Row("Required by the rules", m.Euros(r.required));
  h += "<tr><th scope=\"row\">Coverage by the guarantee fund</th><td class=\"" +
       std::string(covered ? "ok" : "bad") + "\">" +
       HtmlEscape(r.circulation == 0 ? std::string("nothing circulates")
                                     : m.Percent(r.coverage_basis_points)) +
       "</td></tr>\n";
  h += "<tr><th scope=\"row\">At risk: cash at exchange offices, not yet deposited</th><td" +
       std::string(r.office_cash > 0 ? " class=\"bad\"" : "") + ">" +
       HtmlEscape(m.Euros(r.office_cash) + (r.circulation == 0
                                                ? std::string()
                                                : " (" + m.Percent(r.office_cash_basis_points) +
                                                      " of the required reserve)")) +
       "</td></tr>\n";
  h += Row("Owed to merchants for reconversions", m.Euros(r.owed_to_merchants));
  h += Row("Left in bonus programmes", m.Euros(r.sponsor_budgets));
  h += Row("Association income (fees)", m.Euros(r.income));
  h += "</table>\n";

  h += "<h2>Circulation and reserve over time</h2>\n";
  h += "<p class=\"legend\"><span><span class=\"swatch\" style=\"background:#2364aa\"></span>"
       "Circulation (units)</span><span><span class=\"swatch\" style=\"background:#7cc59a\">"
       "</span>Reserve: fund and office cash, euros (under the circulation when equal)</span>"
       "<span><span class=\"swatch\" style=\"background:#1d5e3a\"></span>Guarantee fund at "
       "the bank (dashed)</span></p>\n";
  h += Chart(in);

  h += "<h2>Month by month</h2>\n<table>\n<thead><tr><th>Month</th><th>Conversions</th>"
       "<th>Euros in</th><th>Units issued</th><th>Bonus paid</th><th>Reconversions</th>"
       "<th>Units withdrawn</th><th>Fees earned</th></tr></thead>\n<tbody>\n";
  for (const MonthFigures& f : in.months) {
    int64_t bonus = 0;
    std::string detail;
    for (const auto& [name, cents] : f.bonus_by_programme) {
      bonus += cents;
      detail += (detail.empty() ? "" : ", ") + name + " " + m.Euros(cents);
    }
    h += "<tr><td>" + HtmlEscape(MonthName(f.month)) + "</td><td>" + std::to_string(f.conversions) +
         "</td><td>" + HtmlEscape(m.Euros(f.conversion_euros)) + "</td><td>" +
         HtmlEscape(m.Units(f.units_converted)) + "</td><td title=\"" + HtmlEscape(detail) + "\">" +
         HtmlEscape(m.Euros(bonus)) + "</td><td>" + std::to_string(f.reconversions) + "</td><td>" +
         HtmlEscape(m.Units(f.units_reconverted)) + "</td><td>" + HtmlEscape(m.Euros(f.fees)) +
         "</td></tr>\n";
  }
  h += "</tbody>\n</table>\n";

  // The bonus per programme, in full (the table above sums them).
  std::map<std::string, std::map<uint32_t, int64_t>> by_programme;
  for (const MonthFigures& f : in.months)
    for (const auto& [name, cents] : f.bonus_by_programme) by_programme[name][f.month] += cents;
  if (!by_programme.empty()) {
    h += "<h2>Bonus paid, by programme</h2>\n<table>\n<thead><tr><th>Programme</th>"
         "<th>Month</th><th>Bonus paid</th></tr></thead>\n<tbody>\n";
    for (const auto& [name, months] : by_programme)
      for (const auto& [month, cents] : months)
        h += "<tr><td>" + HtmlEscape(name) + "</td><td>" + HtmlEscape(MonthName(month)) +
             "</td><td>" + HtmlEscape(m.Euros(cents)) + "</td></tr>\n";
    h += "</tbody>\n</table>\n";
  }
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace liard::wallet

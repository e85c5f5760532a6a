// Rules TOML: the rules tables of the genesis file and of set-rules, read once.
#include "ledger/rules_toml.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "ledger/address.h"
#include "ledger/money.h"
#include "ledger/toml_reader.h"

namespace liard {
namespace {

// Euro amounts are always in cents.
constexpr int kEuroDecimals = 2;

// An optional amount; zero when absent.
// *node (if given) says whether it was there.
Status OptionalAmount(TableReader& r, std::string_view key, int decimals, std::string_view unit,
                      Amount* out, const toml::node** present = nullptr) {
  std::string text;
  const toml::node* node = nullptr;
  *out = Amount(0);
  Status s = r.String(key, false, &text, &node);
  if (present != nullptr) *present = node;
  if (!s.ok() || node == nullptr) return s;
  return ParseAmountAt(r, *node, key, text, decimals, unit, out);
}

// A fee: "5/100", "0", or "0/1".
bool ParseFeeRatio(std::string_view text, int64_t* num, int64_t* den) {
  if (text == "0") {
    *num = 0;
    *den = 1;
    return true;
  }
  if (text.substr(0, 2) == "0/") {
    int64_t ignored;
    if (!ParseRatio("1" + std::string(text.substr(1)), &ignored, den)) return false;
    *num = 0;
    return true;
  }
  return ParseRatio(text, num, den);
}

// A moment written as a TOML offset date-time (2026-11-01T00:00:00+01:00) or a date (taken as
// 00:00 UTC). A local date-time without offset is refused: which hour would it be?
Status ParseMoment(const TableReader& r, const toml::node& node, std::string_view key,
                   int64_t* ms) {
  using namespace std::chrono;
  auto days_of = [](const toml::date& d) {
    return sys_days(year(d.year) / month(d.month) / day(d.day)).time_since_epoch();
  };
  if (const auto* d = node.as_date()) {
    *ms = duration_cast<milliseconds>(days_of(d->get())).count();
    return Status::Ok();
  }
  const auto* dt = node.as_date_time();
  if (dt == nullptr || !dt->get().offset)
    return r.Error(node, fmt::format("{} must be a date (2026-11-01) or a date-time with its "
                                     "offset (2026-11-01T08:00:00+01:00)",
                                     r.Qualified(key)));
  const toml::date_time& v = dt->get();
  auto t = days_of(v.date) + hours(v.time.hour) + minutes(v.time.minute) + seconds(v.time.second) -
           minutes(v.offset->minutes);
  *ms = duration_cast<milliseconds>(t).count() + v.time.nanosecond / 1'000'000;
  return Status::Ok();
}

// One [[programmes]] entry into *p, which holds the defaults or the programme in force of that
// name (kChange). The name was read by the caller.
Status ParseProgramme(TableReader& r, const toml::table& table, RulesDocument document,
                      int decimals, std::string_view unit, Programme* p) {
  const bool genesis = document == RulesDocument::kGenesis;
  const std::string& name = r.name();
  Status s;
  const toml::node* node = nullptr;
  if (!(s = r.String("sponsor", false, &p->sponsor, &node)).ok()) return s;
  std::string ratio;
  // A genesis programme names its ratio; a change keeps the one in force (1/1 for a new one).
  if (!(s = r.String("ratio", genesis, &ratio, &node)).ok()) return s;
  if (node && !ParseRatio(ratio, &p->ratio_num, &p->ratio_den))
    return r.Error(*node,
                   fmt::format("{} ratio \"{}\" must be a ratio such as \"12/10\"", name, ratio));
  std::string rounding;
  if (!(s = r.String("rounding", false, &rounding, &node)).ok()) return s;
  if (node) {
    if (rounding == "down")
      p->rounding = Rounding::kDown;
    else if (rounding == "up")
      p->rounding = Rounding::kUp;
    else if (rounding == "nearest")
      p->rounding = Rounding::kNearest;
    else
      return r.Error(*node, fmt::format("{} rounding \"{}\" is not one of: down, up, nearest", name,
                                        rounding));
  }
  Amount a;
  if (!(s = OptionalAmount(r, "step", decimals, unit, &a, &node)).ok()) return s;
  if (node) p->step = a.positive() || !genesis ? a.minor() : 1;
  if (!(s = OptionalAmount(r, "min_euros", kEuroDecimals, "euros", &a, &node)).ok()) return s;
  if (node) p->min_euros = a.minor();
  if (!(s = OptionalAmount(r, "monthly_cap", decimals, unit, &a, &node)).ok()) return s;
  if (node) p->monthly_cap = a.minor();
  if (!genesis) {
    if (const toml::node* budget = table.get("budget"))
      return r.Error(*budget,
                     "a programme's budget is recorded with 'liard fund-programme', not in the "
                     "rules: every euro of a sponsor gets its own journal entry");
  }
  if (!(s = OptionalAmount(r, "budget", kEuroDecimals, "euros", &a, &node)).ok()) return s;
  if (node) p->opening_budget = a.minor();
  for (auto [key, target] : {std::pair{"starts", &p->starts_ms}, std::pair{"ends", &p->ends_ms}}) {
    const toml::node* n = table.get(key);
    if (n && !(s = ParseMoment(r, *n, key, target)).ok()) return s;
  }
  const toml::node* kinds = nullptr;
  if (!(s = r.Find("member_kinds", toml::node_type::array, &kinds)).ok()) return s;
  if (kinds) {
    p->member_kinds = 0;
    for (const toml::node& k : *kinds->as_array()) {
      AccountKind kind;
      if (!k.is_string() || !ParseKind(*k.value<std::string>(), &kind))
        return r.Error(k,
                       fmt::format("{} member_kinds entries must be among: {}", name, KindList()));
      p->member_kinds |= KindBit(kind);
    }
  }
  return Status::Ok();
}

// [association_share] of a change: the keys it names replace those in force. `currency_code`
// reads the associations' addresses.
Status ParseShareTable(TableReader& r, std::string_view currency_code, AssociationShare* share) {
  Status s = r.Allow({"basis_points", "programme", "associations"});
  if (!s.ok()) return s;
  int64_t bp = share->basis_points;
  if (!(s = r.IntegerIn("basis_points", 0, kMaxShareBasisPoints, &bp)).ok()) return s;
  share->basis_points = static_cast<uint32_t>(bp);
  std::string programme;
  const toml::node* node = nullptr;
  if (!(s = r.String("programme", false, &programme, &node)).ok()) return s;
  if (node && !programme.empty() && !IsValidProgrammeName(programme))
    return r.Error(*node, fmt::format("[association_share] programme \"{}\" must be a "
                                      "programme's name: 1 to 32 of a-z, 0-9 and '-'",
                                      programme));
  if (node) share->programme = programme;
  const toml::node* list = nullptr;
  if (!(s = r.Find("associations", toml::node_type::array, &list)).ok()) return s;
  if (list) {
    share->associations.clear();
    for (const toml::node& entry : *list->as_array()) {
      AccountId id;
      if (!entry.is_string())
        return r.Error(entry, "[association_share] associations are addresses, as strings");
      Status a = DecodeAddress(currency_code, *entry.value<std::string>(), &id);
      if (!a.ok())
        return r.Error(entry, fmt::format("[association_share] associations: {}", a.message()));
      share->associations.push_back(id);
    }
  }
  return Status::Ok();
}

// [demurrage] of a change: the keys it names replace those in force; basis_points = 0 turns it
// off (and forgets the rest). `currency_code` reads the account's address.
Status ParseDemurrageTable(TableReader& r, int decimals, std::string_view currency_code,
                           Demurrage* d) {
  Status s = r.Allow({"basis_points", "threshold", "account", "first_month"});
  if (!s.ok()) return s;
  int64_t bp = d->basis_points;
  if (!(s = r.IntegerIn("basis_points", 0, kMaxDemurrageBasisPoints, &bp)).ok()) return s;
  d->basis_points = static_cast<uint32_t>(bp);
  Amount threshold;
  const toml::node* node = nullptr;
  if (!(s = OptionalAmount(r, "threshold", decimals, currency_code, &threshold, &node)).ok())
    return s;
  if (node) d->threshold = threshold.minor();
  std::string text;
  if (!(s = r.String("account", false, &text, &node)).ok()) return s;
  if (node) {
    Status a = DecodeAddress(currency_code, text, &d->account);
    if (!a.ok()) return r.Error(*node, fmt::format("[demurrage] account: {}", a.message()));
  }
  if (!(s = r.String("first_month", false, &text, &node)).ok()) return s;
  if (node) {
    // "2027-02": a month of the currency's calendar.
    unsigned y = 0, m = 0;
    char extra = 0;
    if (text.size() != 7 || std::sscanf(text.c_str(), "%4u-%2u%c", &y, &m, &extra) != 2 ||
        !IsValidYearMonth(y * 100 + m))
      return r.Error(*node, fmt::format("[demurrage] first_month \"{}\" must be a month written "
                                        "YYYY-MM, e.g. \"2027-02\"",
                                        text));
    d->first_month = y * 100 + m;
  }
  if (d->basis_points == 0) *d = Demurrage{};
  return Status::Ok();
}

// [rules]: the keys it names replace those of *rules.
Status ParseRulesTable(TableReader& r, RulesDocument document, int decimals, std::string_view unit,
                       Rules* rules) {
  const bool genesis = document == RulesDocument::kGenesis;
  Status s =
      r.Allow({"backing", "conversion_min", "conversion_max", "conversion_kinds",
               "office_cash_ceiling", "reconversion_fee", "reconversion_min", "default_programme"});
  if (!s.ok()) return s;
  std::string backing;
  const toml::node* node = nullptr;
  if (!(s = r.String("backing", false, &backing, &node)).ok()) return s;
  if (node && !ParseRatio(backing, &rules->backing_num, &rules->backing_den))
    return r.Error(*node, fmt::format("[rules] backing \"{}\" must be a ratio of positive whole "
                                      "numbers such as \"1/1\"",
                                      backing));
  Amount a;
  // In a genesis, a zero minimum means the default: one cent, one minor unit.
  if (!(s = OptionalAmount(r, "conversion_min", kEuroDecimals, "euros", &a, &node)).ok()) return s;
  if (node && (a.positive() || !genesis)) rules->conversion.min_euros = a.minor();
  if (!(s = OptionalAmount(r, "conversion_max", kEuroDecimals, "euros", &a, &node)).ok()) return s;
  if (node) rules->conversion.max_euros = a.minor();
  const toml::node* kinds = nullptr;
  if (!(s = r.Find("conversion_kinds", toml::node_type::array, &kinds)).ok()) return s;
  if (kinds) {
    rules->conversion.member_kinds = 0;
    for (const toml::node& k : *kinds->as_array()) {
      AccountKind kind;
      if (!k.is_string() || !ParseKind(*k.value<std::string>(), &kind) ||
          (KindBit(kind) & kDefaultConvertibleKinds) == 0)
        return r.Error(k,
                       "[rules] conversion_kinds entries must be among: resident, "
                       "merchant, municipality");
      rules->conversion.member_kinds |= KindBit(kind);
    }
  }
  if (!(s = OptionalAmount(r, "office_cash_ceiling", kEuroDecimals, "euros", &a, &node)).ok())
    return s;
  if (node) rules->conversion.office_cash_ceiling = a.minor();
  std::string fee;
  if (!(s = r.String("reconversion_fee", false, &fee, &node)).ok()) return s;
  if (node && !ParseFeeRatio(fee, &rules->reconversion.fee_num, &rules->reconversion.fee_den))
    return r.Error(*node, fmt::format("[rules] reconversion_fee \"{}\" must be a ratio such as "
                                      "\"5/100\" (or \"0\" for none)",
                                      fee));
  if (!(s = OptionalAmount(r, "reconversion_min", decimals, unit, &a, &node)).ok()) return s;
  if (node && (a.positive() || !genesis)) rules->reconversion.min_units = a.minor();
  // The programme wallets use when a conversion names none; "" for none (a change clears it).
  // Whether it names a programme of the rules is ValidateRules' to say, once all are read.
  std::string programme;
  if (!(s = r.String("default_programme", false, &programme, &node)).ok()) return s;
  if (node && !programme.empty() && !IsValidProgrammeName(programme))
    return r.Error(*node, fmt::format("[rules] default_programme \"{}\" must be a programme's "
                                      "name: 1 to 32 of a-z, 0-9 and '-'",
                                      programme));
  if (node) rules->default_programme = programme;
  return Status::Ok();
}

}  // namespace

Status ParseRulesTables(std::string_view source, const toml::table& doc, RulesDocument document,
                        int decimals, std::string_view unit, Rules* rules) {
  const bool genesis = document == RulesDocument::kGenesis;
  TableReader top(source, doc, "");
  if (!genesis) {
    for (auto&& [key, node] : doc) {
      const std::string_view k = key.str();
      if (k == "rules" || k == "limits" || k == "programmes" || k == "association_share" ||
          k == "demurrage")
        continue;
      return Status(Code::kInvalidArgument,
                    top.Where(key.source().begin.line ? key.source() : node.source()) +
                        fmt::format("unknown table '{}' (known: [rules], [[limits]], "
                                    "[[programmes]], [association_share], [demurrage])",
                                    k));
    }
  }
  Status s;
  const toml::table* table = nullptr;
  if (!(s = top.Table("rules", false, &table)).ok()) return s;
  if (table) {
    TableReader r(source, *table, "[rules]");
    if (!(s = ParseRulesTable(r, document, decimals, unit, rules)).ok()) return s;
  }

  const toml::node* programmes_node = nullptr;
  if (!(s = top.Find("programmes", toml::node_type::array, &programmes_node)).ok()) return s;
  if (programmes_node) {
    size_t i = 0;
    for (const toml::node& entry : *programmes_node->as_array()) {
      ++i;
      std::string name = fmt::format("[[programmes]] entry {}", i);
      if (!entry.is_table())
        return Status(Code::kInvalidArgument,
                      top.Where(entry) + fmt::format("{} must be a table", name));
      TableReader r(source, *entry.as_table(), name);
      s = r.Allow({"name", "sponsor", "ratio", "rounding", "step", "min_euros", "starts", "ends",
                   "monthly_cap", "member_kinds", "budget"});
      if (!s.ok()) return s;
      std::string programme;
      const toml::node* node = nullptr;
      if (!(s = r.String("name", true, &programme, &node)).ok()) return s;
      if (!IsValidProgrammeName(programme))
        return r.Error(*node, fmt::format("{} name \"{}\" must be 1 to 32 of a-z, 0-9 and '-'",
                                          name, programme));
      // A change starts from the programme in force of that name; only the genesis opens a
      // budget, so a new programme's is 0 and one in force keeps its figure.
      Programme p;
      if (const Programme* old = rules->FindProgramme(programme); old && !genesis) p = *old;
      p.name = programme;
      if (!(s = ParseProgramme(r, *entry.as_table(), document, decimals, unit, &p)).ok()) return s;
      // A genesis lists each programme once (ValidateRules says so); a change replaces it.
      if (!genesis)
        std::erase_if(rules->programmes, [&](const Programme& x) { return x.name == p.name; });
      rules->programmes.push_back(std::move(p));
    }
  }

  const toml::node* limits_node = nullptr;
  if (!(s = top.Find("limits", toml::node_type::array, &limits_node)).ok()) return s;
  if (limits_node) {
    std::set<AccountKind> seen;
    size_t i = 0;
    for (const toml::node& entry : *limits_node->as_array()) {
      ++i;
      std::string name = fmt::format("[[limits]] entry {}", i);
      if (!entry.is_table())
        return Status(Code::kInvalidArgument,
                      top.Where(entry) + fmt::format("{} must be a table", name));
      TableReader r(source, *entry.as_table(), name);
      if (!(s = r.Allow({"kind", "max_payment", "daily_outgoing", "balance_ceiling"})).ok())
        return s;
      KindLimits l;
      std::string kind;
      const toml::node* kind_node = nullptr;
      if (!(s = r.String("kind", true, &kind, &kind_node)).ok()) return s;
      if (!ParseKind(kind, &l.kind))
        return r.Error(*kind_node,
                       fmt::format("{} kind \"{}\" is not one of: {}", name, kind, KindList()));
      if (!seen.insert(l.kind).second)
        return r.Error(*kind_node,
                       fmt::format("{} repeats the kind \"{}\": one entry per kind", name, kind));
      // An entry sets the kind's three limits, absent ones 0 (no limit), replacing those in force.
      Amount a;
      if (!(s = OptionalAmount(r, "max_payment", decimals, unit, &a)).ok()) return s;
      l.max_payment = a.minor();
      if (!(s = OptionalAmount(r, "daily_outgoing", decimals, unit, &a)).ok()) return s;
      l.daily_outgoing = a.minor();
      if (!(s = OptionalAmount(r, "balance_ceiling", decimals, unit, &a)).ok()) return s;
      l.balance_ceiling = a.minor();
      std::erase_if(rules->limits, [&](const KindLimits& x) { return x.kind == l.kind; });
      rules->limits.push_back(l);
    }
  }
  if (!genesis) {
    const toml::table* share = nullptr;
    if (!(s = top.Table("association_share", false, &share)).ok()) return s;
    if (share) {
      TableReader r(source, *share, "[association_share]");
      if (!(s = ParseShareTable(r, unit, &rules->share)).ok()) return s;
    }
    const toml::table* dem = nullptr;
    if (!(s = top.Table("demurrage", false, &dem)).ok()) return s;
    if (dem) {
      TableReader r(source, *dem, "[demurrage]");
      if (!(s = ParseDemurrageTable(r, decimals, unit, &rules->demurrage)).ok()) return s;
    }
  }
  return Status::Ok();
}

Status ParseRulesToml(std::string_view text, std::string_view source, RulesDocument document,
                      int decimals, std::string_view unit, Rules* rules) {
  toml::table doc;
  Status s = ParseTomlDocument(text, source, &doc);
  if (!s.ok()) return s;
  return ParseRulesTables(source, doc, document, decimals, unit, rules);
}

}  // namespace liard

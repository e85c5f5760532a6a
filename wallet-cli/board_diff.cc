// A board decision's changes in words, before -> after (docs/guide/board.md shows the output).
#include "wallet-cli/board_diff.h"

#include <algorithm>
#include <variant>

#include "ledger/account.h"
#include "wallet-cli/describe.h"

namespace liard::wallet {
namespace {

constexpr const char* kArrow = " → ";
constexpr int64_t kDayMs = 86'400'000;

// A fraction of 10000 with at most two decimals, "5", "2.5", "33.33"; "" when not exact.
std::string Hundredths(__int128 num, __int128 den, char separator) {
  if (den <= 0) return "";
  __int128 scaled = num * 100;  // the percentage times 100
  scaled *= 100;
  if (scaled % den != 0) return "";
  __int128 v = scaled / den;
  bool negative = v < 0;
  if (negative) v = -v;
  std::string s = std::to_string(static_cast<int64_t>(v / 100));
  int64_t frac = static_cast<int64_t>(v % 100);
  if (frac != 0) {
    s += separator;
    s += static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) s += static_cast<char>('0' + frac % 10);
  }
  return (negative ? "-" : "") + s;
}

std::string Moment(int64_t ms) {
  if (ms % kDayMs == 0) return UtcDate(ms);
  return UtcIso(ms);
}

std::string Kinds(uint32_t mask) {
  if (mask == 0) return "every kind";
  std::string s;
  for (AccountKind k : kAllKinds)
    if (mask & KindBit(k)) s += (s.empty() ? "" : ", ") + std::string(KindName(k));
  return s;
}

std::string Limit(const Money& money, int64_t v) { return v == 0 ? "none" : money.Units(v); }

// Collects the fields of a comparison: a line for each that differs, a name for the others.
class Differ {
 public:
  explicit Differ(Change* out) : out_(out) {}
  // Returns true if the field changed.
  bool Field(const std::string& name, const std::string& before, const std::string& after) {
    if (before == after) return false;
    out_->lines.push_back(name + ": " + before + kArrow + after);
    return true;
  }

 private:
  Change* out_;
};

std::string StatusText(const pb::AccountCard& card) {
  return std::string(StatusName(static_cast<AccountStatus>(card.status())));
}

// The key an account signs with now, in full: what `liard key show` prints as its public key.
std::string KeyText(const pb::AccountCard& card) {
  if (card.key().size() != 32) return "unknown (the node did not say)";
  return ToHex(card.key());
}

void DiffProgramme(const Programme& b, const Programme& a, const Money& money, Change* out) {
  Differ d(out);
  const std::string p = "programme '" + a.name + "'";
  d.Field(p + " sponsor", "« " + SafeText(b.sponsor) + " »", "« " + SafeText(a.sponsor) + " »");
  d.Field(p + " bonus ratio", RatioWithPercent(b.ratio_num, b.ratio_den, money, RatioOf::kBonus),
          RatioWithPercent(a.ratio_num, a.ratio_den, money, RatioOf::kBonus));
  d.Field(p + " rounding", std::string(RoundingName(b.rounding)),
          std::string(RoundingName(a.rounding)));
  d.Field(p + " step", money.Units(b.step), money.Units(a.step));
  d.Field(p + " smallest conversion with a bonus", money.Euros(b.min_euros),
          money.Euros(a.min_euros));
  d.Field(p + " starts", b.starts_ms == 0 ? "from the start" : Moment(b.starts_ms),
          a.starts_ms == 0 ? "from the start" : Moment(a.starts_ms));
  d.Field(p + " ends", b.ends_ms == 0 ? "no end" : Moment(b.ends_ms),
          a.ends_ms == 0 ? "no end" : Moment(a.ends_ms));
  d.Field(p + " monthly cap per member", Limit(money, b.monthly_cap), Limit(money, a.monthly_cap));
  d.Field(p + " members", Kinds(b.member_kinds), Kinds(a.member_kinds));
  d.Field(p + " opening budget (set at genesis only; moves no money now)",
          money.Euros(b.opening_budget), money.Euros(a.opening_budget));
}

// The names in order, "agglo, market": the rules record keeps the order it is given.
enum class OrderOf { kProgrammes, kLimits };
std::string Order(const Rules& r, OrderOf what) {
  std::string s;
  if (what == OrderOf::kProgrammes) {
    for (const Programme& p : r.programmes) s += (s.empty() ? "" : ", ") + p.name;
  } else {
    for (const KindLimits& l : r.limits)
      s += (s.empty() ? "" : ", ") + std::string(KindName(l.kind));
  }
  return s;
}

std::string ProgrammeText(const Programme& p, const Money& money) {
  std::string s = "sponsor « " + SafeText(p.sponsor) + " », bonus ratio " +
                  RatioWithPercent(p.ratio_num, p.ratio_den, money, RatioOf::kBonus) + " rounded " +
                  std::string(RoundingName(p.rounding)) + " to " + money.Units(p.step) + ", from " +
                  money.Euros(p.min_euros) + " converted, " +
                  (p.starts_ms == 0 ? "from the start" : "from " + Moment(p.starts_ms)) + " " +
                  (p.ends_ms == 0 ? "with no end" : "until " + Moment(p.ends_ms)) +
                  ", monthly cap per member " + Limit(money, p.monthly_cap) + ", for " +
                  Kinds(p.member_kinds);
  return s;
}

}  // namespace

std::string RatioWithPercent(int64_t num, int64_t den, const Money& money, RatioOf of) {
  const bool as_bonus = of == RatioOf::kBonus;
  std::string ratio = std::to_string(num) + "/" + std::to_string(den);
  if (!as_bonus && num == 0) return "none (0)";
  std::string pct = as_bonus ? Hundredths(static_cast<__int128>(num) - den, den, money.separator())
                             : Hundredths(num, den, money.separator());
  if (pct.empty()) return ratio;
  if (as_bonus) return ratio + " (bonus " + (pct[0] == '-' ? "" : "+") + pct + " %)";
  return ratio + " (" + pct + " %)";
}

void DiffRules(const Rules& b, const Rules& a, const Money& money, Change* out) {
  Differ d(out);
  auto field = [&](const std::string& name, const std::string& before, const std::string& after) {
    if (!d.Field(name, before, after)) out->unchanged.push_back(name);
  };
  field("backing", RatioWithPercent(b.backing_num, b.backing_den, money),
        RatioWithPercent(a.backing_num, a.backing_den, money));
  field("smallest conversion", money.Euros(b.conversion.min_euros),
        money.Euros(a.conversion.min_euros));
  auto max_euros = [&](int64_t v) { return v == 0 ? std::string("no maximum") : money.Euros(v); };
  field("largest conversion", max_euros(b.conversion.max_euros), max_euros(a.conversion.max_euros));
  if (HasOfficeConversionRules(b) || HasOfficeConversionRules(a)) {  // version 3 ledgers
    auto whom = [](uint32_t m) { return Kinds(m != 0 ? m : kDefaultConvertibleKinds); };
    field("offices convert for", whom(b.conversion.member_kinds), whom(a.conversion.member_kinds));
    auto ceiling = [&](int64_t v) { return v == 0 ? std::string("no ceiling") : money.Euros(v); };
    field("office cash ceiling", ceiling(b.conversion.office_cash_ceiling),
          ceiling(a.conversion.office_cash_ceiling));
  }
  field("reconversion fee", RatioWithPercent(b.reconversion.fee_num, b.reconversion.fee_den, money),
        RatioWithPercent(a.reconversion.fee_num, a.reconversion.fee_den, money));
  field("smallest reconversion", money.Units(b.reconversion.min_units),
        money.Units(a.reconversion.min_units));

  bool limits_changed = false;
  for (AccountKind kind : kAllKinds) {
    const KindLimits none{kind, 0, 0, 0};
    const KindLimits* lb = b.LimitsFor(kind);
    const KindLimits* la = a.LimitsFor(kind);
    const KindLimits& x = lb ? *lb : none;
    const KindLimits& y = la ? *la : none;
    const std::string k = std::string(KindName(kind)) + " limits: ";
    limits_changed |=
        d.Field(k + "largest payment", Limit(money, x.max_payment), Limit(money, y.max_payment));
    limits_changed |= d.Field(k + "paid out per day", Limit(money, x.daily_outgoing),
                              Limit(money, y.daily_outgoing));
    limits_changed |= d.Field(k + "balance ceiling", Limit(money, x.balance_ceiling),
                              Limit(money, y.balance_ceiling));
  }
  if (!limits_changed) out->unchanged.push_back("limits per kind");

  bool programmes_changed = false;
  for (const Programme& p : b.programmes) {
    const Programme* now = a.FindProgramme(p.name);
    if (now == nullptr) {
      out->lines.push_back("programme '" + p.name + "': " + ProgrammeText(p, money) + kArrow +
                           "dropped (refused while its budget is not empty)");
      programmes_changed = true;
      continue;
    }
    const size_t before = out->lines.size();
    DiffProgramme(p, *now, money, out);
    if (out->lines.size() != before)
      programmes_changed = true;
    else
      out->unchanged.push_back("programme '" + p.name + "'");
  }
  for (const Programme& p : a.programmes) {
    if (b.FindProgramme(p.name) != nullptr) continue;
    out->lines.push_back("programme '" + p.name + "': none" + kArrow + "added: " +
                         ProgrammeText(p, money) + " (its budget comes from fund-programme)");
    programmes_changed = true;
  }
  if (b.programmes.empty() && a.programmes.empty()) out->unchanged.push_back("no programme");
  // Same entries in another order are another record: say so rather than "no change".
  if (!programmes_changed && Order(b, OrderOf::kProgrammes) != Order(a, OrderOf::kProgrammes))
    out->lines.push_back("order of the programmes: " + Order(b, OrderOf::kProgrammes) + kArrow +
                         Order(a, OrderOf::kProgrammes));
  if (!limits_changed && Order(b, OrderOf::kLimits) != Order(a, OrderOf::kLimits))
    out->lines.push_back("order of the limits: " + Order(b, OrderOf::kLimits) + kArrow +
                         Order(a, OrderOf::kLimits));
}

Change DescribeChange(const Decision& decision, const BoardState& now, const WhoFn& who,
                      const CardFn& card_of, const Money& money) {
  Change c;
  const NameFn plain = [&](const AccountId& id) { return who(id); };
  c.summary = DescribeDecision(decision, plain, money);
  auto missing = [&](const AccountId& id) {
    c.warnings.push_back("no account " + who(id) + " exists: the ledger will refuse this");
  };
  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        pb::AccountCard card;
        if constexpr (std::is_same_v<T, SetRules>) {
          DiffRules(now.rules, d.rules, money, &c);
          const size_t n = c.lines.size();
          c.summary =
              n == 0 ? "set the rules: no change to the rules in force"
                     : "change the rules: " + std::to_string(n) + (n == 1 ? " change" : " changes");
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          if (card_of(d.id, &card)) {
            c.lines.push_back("account " + who(d.id) + ": exists already");
            c.warnings.push_back(
                "an account has this address already: the ledger will refuse "
                "this");
          } else {
            c.lines.push_back("account " + who(d.id) + ": none" + kArrow + "a " +
                              std::string(KindName(d.kind)) + " account named « " +
                              SafeText(d.name) + " »");
          }
          c.lines.push_back(
              std::string("membership: ") +
              (d.member_until_ms == 0 ? "no end" : "until " + UtcDate(d.member_until_ms - 1)));
          c.lines.push_back("membership fee paid: " + money.Euros(d.fee.minor()));
        } else if constexpr (std::is_same_v<T, GrantRole> || std::is_same_v<T, RevokeRole>) {
          constexpr bool grant = std::is_same_v<T, GrantRole>;
          const std::string role = RoleWord(static_cast<uint32_t>(d.role));
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          if (d.role == Role::kBoardMember) {
            const bool member =
                std::find(now.board.begin(), now.board.end(), d.account) != now.board.end();
            const size_t after = now.board_size + (grant && !member ? 1 : 0) -
                                 (!grant && member && now.board_size > 0 ? 1 : 0);
            c.lines.push_back("board: " + std::to_string(now.board_size) + " members" + kArrow +
                              std::to_string(after) + " members, " + std::to_string(now.threshold) +
                              " approvals decide");
            if (!grant && after < now.threshold)
              c.warnings.push_back("the board would have fewer members than the threshold of " +
                                   std::to_string(now.threshold) + ": the ledger will refuse this");
          }
          // An account's granted roles are private (GetAccount): say what the decision does.
          c.lines.push_back(who(d.account) + " (a " + KindWord(card.kind()) + " account): " +
                            (grant ? "gets the " + role + " role" : "loses the " + role + " role"));
        } else if constexpr (std::is_same_v<T, Freeze>) {
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          c.lines.push_back(who(d.account) + ": " + StatusText(card) + kArrow +
                            "frozen, because « " + SafeText(d.reason) + " »");
        } else if constexpr (std::is_same_v<T, Unfreeze>) {
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          c.lines.push_back(who(d.account) + ": " + StatusText(card) + kArrow + "active");
        } else if constexpr (std::is_same_v<T, Rekey>) {
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          c.lines.push_back(who(d.account) + " signing key: " + KeyText(card) + kArrow +
                            ToHex(d.new_key));
          if (card.key() == d.new_key.view())
            c.warnings.push_back(
                "the account signs with this key already: the ledger will "
                "refuse this");
          pb::AccountCard other;
          if (d.new_key != d.account && card_of(d.new_key, &other))
            c.warnings.push_back("the new key is also the address of " + who(d.new_key) +
                                 ": check that the member really holds it");
        } else if constexpr (std::is_same_v<T, Pause>) {
          c.lines.push_back(
              std::string("payments: ") +
              (now.paused ? "paused « " + SafeText(now.pause_reason) + " »" : "running") + kArrow +
              "paused « " + SafeText(d.reason) + " »");
        } else if constexpr (std::is_same_v<T, Resume>) {
          c.lines.push_back(
              std::string("payments: ") +
              (now.paused ? "paused « " + SafeText(now.pause_reason) + " »" : "running") + kArrow +
              "running");
        } else if constexpr (std::is_same_v<T, SetNodeKey>) {
          const std::string before =
              now.node_key ? KeyFingerprint(*now.node_key) + " (" + ToHex(*now.node_key) + ")"
                           : "none named (a version 1 ledger)";
          c.lines.push_back("node key signing checkpoints: " + before + kArrow +
                            KeyFingerprint(d.node_key) + " (" + ToHex(d.node_key) + ")");
          if (now.node_key && *now.node_key == d.node_key)
            c.warnings.push_back(
                "the ledger names this node key already: the ledger will refuse this");
          else
            c.warnings.push_back(
                "the node must hold this key (liard-node rekey-node prepares it) or it stops "
                "signing checkpoints once this is decided");
        } else {
          static_assert(std::is_same_v<T, SetThreshold>);
          c.lines.push_back("approvals that decide: " + std::to_string(now.threshold) + " of " +
                            std::to_string(now.board_size) + kArrow + std::to_string(d.threshold) +
                            " of " + std::to_string(now.board_size) +
                            (d.threshold == now.threshold ? " (no change)" : ""));
          if (d.threshold > now.board_size)
            c.warnings.push_back("the board has " + std::to_string(now.board_size) +
                                 " members: the ledger will refuse this");
        }
      },
      decision);
  return c;
}

std::string RenderChange(const Change& change, const std::string& indent) {
  std::string s = change.summary + "\n";
  for (const auto& l : change.lines) s += indent + l + "\n";
  if (!change.unchanged.empty()) {
    s += indent + "unchanged: ";
    for (size_t i = 0; i < change.unchanged.size(); ++i) s += (i ? ", " : "") + change.unchanged[i];
    s += "\n";
  }
  for (const auto& w : change.warnings) s += indent + "WARNING: " + w + "\n";
  return s;
}

}  // namespace liard::wallet

// A board decision's changes in words, before -> after (docs/guide/board.md shows the output).
// Every sentence is marked for translation (wallet-cli/i18n.h); amounts, percentages and dates
// come from format.h, so that a French reader sees "20,00 %", "150,00 ROUE" and "01/01/2027".
#include "wallet-cli/board_diff.h"

#include <algorithm>
#include <variant>

#include "ledger/account.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

// A fraction as basis points (1/100 of a percent), exactly; false when it has no exact
// percentage with two decimals (1/3).
bool BasisPoints(__int128 num, __int128 den, int64_t* out) {
  if (den <= 0) return false;
  const __int128 scaled = num * 10'000;
  if (scaled % den != 0) return false;
  *out = static_cast<int64_t>(scaled / den);
  return true;
}

// English keeps its figures as short as they are exact, "5", "2.5", "33.33" (the separator of
// the user's numbers); French writes them through format.h, "5,00 %".
std::string PercentText(int64_t bp, const Money& money) {
  const bool negative = bp < 0;
  const int64_t v = negative ? -bp : bp;
  std::string s;
  if (French()) {
    s = money.Percent(static_cast<uint32_t>(v));
  } else {
    s = std::to_string(v / 100);
    const int64_t frac = v % 100;
    if (frac != 0) {
      s += money.separator();
      s += static_cast<char>('0' + frac / 10);
      if (frac % 10 != 0) s += static_cast<char>('0' + frac % 10);
    }
    s += " %";
  }
  return (negative ? "-" : "") + s;
}

// A date when `ms` starts a day in the currency's time zone, else the date and the time.
std::string Moment(int64_t ms) {
  int64_t day = 0;
  if (ParseDay(DisplayDate(ms), &day) && StartOfDisplayDay(day) == ms) return DisplayDate(ms);
  return LocalDateTime(ms);
}

// The words of the ledger's names, in the reader's language ("merchant": "commerçant").
std::string KindLabel(AccountKind kind) {
  switch (kind) {
    case AccountKind::kResident:
      return _("resident");
    case AccountKind::kMerchant:
      return _("merchant");
    case AccountKind::kExchangeOffice:
      return _("exchange-office");
    case AccountKind::kMunicipality:
      return _("municipality");
    case AccountKind::kAssociation:
      return _("association");
  }
  return std::string(KindName(kind));
}

std::string RoleLabel(Role role) {
  switch (role) {
    case Role::kTreasurer:
      return _("treasurer");
    case Role::kBoardMember:
      return _("board-member");
    case Role::kAuditor:
      return _("auditor");
    default:
      return KindLabel(static_cast<AccountKind>(role));  // the kinds' roles share their numbers
  }
}

std::string StatusLabel(const pb::AccountCard& card) {
  switch (static_cast<AccountStatus>(card.status())) {
    case AccountStatus::kActive:
      return _("active");
    case AccountStatus::kFrozen:
      return _("frozen");
    case AccountStatus::kClosed:
      return _("closed");
  }
  return _("unknown");
}

std::string RoundingLabel(Rounding r) {
  switch (r) {
    case Rounding::kDown:
      return _("down");
    case Rounding::kUp:
      return _("up");
    case Rounding::kNearest:
      return _("to the nearest");
  }
  return std::string(RoundingName(r));
}

std::string Kinds(uint32_t mask) {
  if (mask == 0) return _("every kind");
  std::string s;
  for (AccountKind k : kAllKinds)
    if (mask & KindBit(k)) s += (s.empty() ? "" : ", ") + KindLabel(k);
  return s;
}

std::string Limit(const Money& money, int64_t v) { return v == 0 ? _("none") : money.Units(v); }

std::string Quoted(std::string_view text) {
  return Tr("« {text} »", fmt::arg("text", SafeText(text)));
}

// "name: before → after".
std::string ChangeLine(const std::string& name, const std::string& before,
                       const std::string& after) {
  return Tr("{field}: {before} → {after}", fmt::arg("field", name), fmt::arg("before", before),
            fmt::arg("after", after));
}

// Collects the fields of a comparison: a line for each that differs, a name for the others.
class Differ {
 public:
  explicit Differ(Change* out) : out_(out) {}
  // Returns true if the field changed.
  bool Field(const std::string& name, const std::string& before, const std::string& after) {
    if (before == after) return false;
    out_->lines.push_back(ChangeLine(name, before, after));
    return true;
  }

 private:
  Change* out_;
};

// The key an account signs with now, in full: what `liard key show` prints as its public key.
std::string KeyText(const pb::AccountCard& card) {
  if (card.key().size() != 32) return _("unknown (the node did not say)");
  return ToHex(card.key());
}

std::string Starts(int64_t ms) {
  return ms == 0 ? _("from the start") : Tr("from {date}", fmt::arg("date", Moment(ms)));
}
std::string Ends(int64_t ms) {
  return ms == 0 ? _("with no end") : Tr("until {date}", fmt::arg("date", Moment(ms)));
}

void DiffProgramme(const Programme& b, const Programme& a, const Money& money, Change* out) {
  Differ d(out);
  auto name = [&](const char* msgid) { return Tr(msgid, fmt::arg("name", a.name)); };
  d.Field(name(N_("programme '{name}' sponsor")), Quoted(b.sponsor), Quoted(a.sponsor));
  d.Field(name(N_("programme '{name}' bonus ratio")),
          RatioWithPercent(b.ratio_num, b.ratio_den, money, RatioOf::kBonus),
          RatioWithPercent(a.ratio_num, a.ratio_den, money, RatioOf::kBonus));
  d.Field(name(N_("programme '{name}' rounding")), RoundingLabel(b.rounding),
          RoundingLabel(a.rounding));
  d.Field(name(N_("programme '{name}' step")), money.Units(b.step), money.Units(a.step));
  d.Field(name(N_("programme '{name}' smallest conversion with a bonus")), money.Euros(b.min_euros),
          money.Euros(a.min_euros));
  d.Field(name(N_("programme '{name}' starts")), Starts(b.starts_ms), Starts(a.starts_ms));
  d.Field(name(N_("programme '{name}' ends")), b.ends_ms == 0 ? _("no end") : Moment(b.ends_ms),
          a.ends_ms == 0 ? _("no end") : Moment(a.ends_ms));
  d.Field(name(N_("programme '{name}' monthly cap per member")), Limit(money, b.monthly_cap),
          Limit(money, a.monthly_cap));
  d.Field(name(N_("programme '{name}' members")), Kinds(b.member_kinds), Kinds(a.member_kinds));
  d.Field(name(N_("programme '{name}' opening budget (set at genesis only; moves no money now)")),
          money.Euros(b.opening_budget), money.Euros(a.opening_budget));
}

// The names in order, "agglo, market": the rules record keeps the order it is given.
enum class OrderOf { kProgrammes, kLimits };
std::string Order(const Rules& r, OrderOf what) {
  std::string s;
  if (what == OrderOf::kProgrammes) {
    for (const Programme& p : r.programmes) s += (s.empty() ? "" : ", ") + p.name;
  } else {
    for (const KindLimits& l : r.limits) s += (s.empty() ? "" : ", ") + KindLabel(l.kind);
  }
  return s;
}

std::string ProgrammeText(const Programme& p, const Money& money) {
  return Tr(
      "sponsor {sponsor}, bonus ratio {ratio} rounded {rounding} to {step}, from {min} "
      "converted, {starts} {ends}, monthly cap per member {cap}, for {kinds}",
      fmt::arg("sponsor", Quoted(p.sponsor)),
      fmt::arg("ratio", RatioWithPercent(p.ratio_num, p.ratio_den, money, RatioOf::kBonus)),
      fmt::arg("rounding", RoundingLabel(p.rounding)), fmt::arg("step", money.Units(p.step)),
      fmt::arg("min", money.Euros(p.min_euros)), fmt::arg("starts", Starts(p.starts_ms)),
      fmt::arg("ends", Ends(p.ends_ms)), fmt::arg("cap", Limit(money, p.monthly_cap)),
      fmt::arg("kinds", Kinds(p.member_kinds)));
}

// The default programme as a sentence: what a conversion that names no programme gets.
std::string DefaultProgrammeText(const Rules& r, const Money& money) {
  if (r.default_programme.empty())
    return _("none (a conversion gets a bonus only when it names a programme)");
  const Programme* p = r.FindProgramme(r.default_programme);
  if (p == nullptr)
    return Tr("'{name}' (a programme these rules do not have)",
              fmt::arg("name", r.default_programme));
  return Tr(
      "'{name}' (a conversion that names no programme gets its bonus, {ratio})",
      fmt::arg("name", r.default_programme),
      fmt::arg("ratio", RatioWithPercent(p->ratio_num, p->ratio_den, money, RatioOf::kBonus)));
}

}  // namespace

std::string KindLabel(int wire_kind) {
  if (!IsValidKind(static_cast<uint32_t>(wire_kind))) return _("unknown");
  return KindLabel(static_cast<AccountKind>(wire_kind));
}

std::string RatioWithPercent(int64_t num, int64_t den, const Money& money, RatioOf of) {
  const bool as_bonus = of == RatioOf::kBonus;
  const std::string ratio = std::to_string(num) + "/" + std::to_string(den);
  if (!as_bonus && num == 0) return _("none (0)");
  int64_t bp = 0;
  if (!BasisPoints(as_bonus ? static_cast<__int128>(num) - den : num, den, &bp)) return ratio;
  const std::string pct = PercentText(bp, money);
  if (as_bonus)
    return Tr("{ratio} (bonus {percent})", fmt::arg("ratio", ratio),
              fmt::arg("percent", (bp < 0 ? "" : "+") + pct));
  return ratio + " (" + pct + ")";
}

// The association's share in words: "3 % of each conversion, from programme 'agglo-2026'".
std::string ShareText(const AssociationShare& s, const Money& money) {
  if (s.basis_points == 0) return _("off");
  return Tr("{percent} of each conversion, from programme '{programme}'",
            fmt::arg("percent", PercentText(s.basis_points, money)),
            fmt::arg("programme", s.programme));
}

void DiffShare(const AssociationShare& b, const AssociationShare& a, const Money& money,
               const WhoFn* who, Change* out) {
  Differ d(out);
  if (!d.Field(_("association's share"), ShareText(b, money), ShareText(a, money)))
    out->unchanged.push_back(_("association's share"));
  auto name = [&](const AccountId& id) { return who ? (*who)(id) : ToHex(id).substr(0, 16); };
  for (const AccountId& id : a.associations)
    if (!b.Eligible(id))
      out->lines.push_back(
          Tr("association's share: {who} added to the associations members may "
             "choose",
             fmt::arg("who", name(id))));
  for (const AccountId& id : b.associations)
    if (!a.Eligible(id))
      out->lines.push_back(
          Tr("association's share: {who} removed from the associations members "
             "may choose (its members' shares stop)",
             fmt::arg("who", name(id))));
  if (a.basis_points > 0 && a.associations.empty())
    out->warnings.push_back(
        _("the association's share lists no association: nobody can choose one"));
}

std::string DemurrageRuleText(const Demurrage& d, const Money& money) {
  if (!d.on()) return _("off");
  return Tr("{percent} a month of what is held above {threshold}, from {month}",
            fmt::arg("percent", money.Percent(d.basis_points)),
            fmt::arg("threshold", money.Units(d.threshold)),
            fmt::arg("month", MonthInWords(static_cast<int>(d.first_month / 100),
                                           static_cast<int>(d.first_month % 100))));
}

// Demurrage before -> after: the rate, threshold and first month in a line, and where it goes.
void DiffDemurrage(const Demurrage& b, const Demurrage& a, const Money& money, const WhoFn* who,
                   Change* out) {
  Differ d(out);
  if (!d.Field(_("demurrage"), DemurrageRuleText(b, money), DemurrageRuleText(a, money)))
    out->unchanged.push_back(_("demurrage"));
  auto name = [&](const Demurrage& x) {
    if (!x.on()) return std::string("—");
    return who ? (*who)(x.account) : ToHex(x.account).substr(0, 16);
  };
  d.Field(_("demurrage paid to"), name(b), name(a));
  if (a.on() && a != b)
    out->lines.push_back(
        Tr("demurrage: holders see it in their balance from the decision on; it is charged "
           "after {month} ends, at most 1 % a month",
           fmt::arg("month", MonthInWords(static_cast<int>(a.first_month / 100),
                                          static_cast<int>(a.first_month % 100)))));
}

void DiffRules(const Rules& b, const Rules& a, const Money& money, Change* out, const WhoFn* who) {
  Differ d(out);
  auto field = [&](const std::string& name, const std::string& before, const std::string& after) {
    if (!d.Field(name, before, after)) out->unchanged.push_back(name);
  };
  field(_("backing"), RatioWithPercent(b.backing_num, b.backing_den, money),
        RatioWithPercent(a.backing_num, a.backing_den, money));
  field(_("smallest conversion"), money.Euros(b.conversion.min_euros),
        money.Euros(a.conversion.min_euros));
  auto max_euros = [&](int64_t v) { return v == 0 ? _("no maximum") : money.Euros(v); };
  field(_("largest conversion"), max_euros(b.conversion.max_euros),
        max_euros(a.conversion.max_euros));
  if (HasOfficeConversionRules(b) || HasOfficeConversionRules(a)) {  // version 3 ledgers
    auto whom = [](uint32_t m) { return Kinds(m != 0 ? m : kDefaultConvertibleKinds); };
    field(_("offices convert for"), whom(b.conversion.member_kinds),
          whom(a.conversion.member_kinds));
    auto ceiling = [&](int64_t v) { return v == 0 ? _("no ceiling") : money.Euros(v); };
    field(_("office cash ceiling"), ceiling(b.conversion.office_cash_ceiling),
          ceiling(a.conversion.office_cash_ceiling));
  }
  field(_("reconversion fee"),
        RatioWithPercent(b.reconversion.fee_num, b.reconversion.fee_den, money),
        RatioWithPercent(a.reconversion.fee_num, a.reconversion.fee_den, money));
  field(_("smallest reconversion"), money.Units(b.reconversion.min_units),
        money.Units(a.reconversion.min_units));
  // Named only by the ledgers that have one (its absence everywhere changes nothing to say).
  if (!b.default_programme.empty() || !a.default_programme.empty())
    field(_("default programme"), DefaultProgrammeText(b, money), DefaultProgrammeText(a, money));
  if (!a.default_programme.empty() && a.FindProgramme(a.default_programme) == nullptr)
    out->warnings.push_back(
        Tr("the default programme '{name}' is not among the rules' "
           "programmes: the ledger will refuse this",
           fmt::arg("name", a.default_programme)));

  bool limits_changed = false;
  for (AccountKind kind : kAllKinds) {
    const KindLimits none{kind, 0, 0, 0};
    const KindLimits* lb = b.LimitsFor(kind);
    const KindLimits* la = a.LimitsFor(kind);
    const KindLimits& x = lb ? *lb : none;
    const KindLimits& y = la ? *la : none;
    const std::string k = KindLabel(kind);
    limits_changed |= d.Field(Tr("{kind} limits: largest payment", fmt::arg("kind", k)),
                              Limit(money, x.max_payment), Limit(money, y.max_payment));
    limits_changed |= d.Field(Tr("{kind} limits: paid out per day", fmt::arg("kind", k)),
                              Limit(money, x.daily_outgoing), Limit(money, y.daily_outgoing));
    limits_changed |= d.Field(Tr("{kind} limits: balance ceiling", fmt::arg("kind", k)),
                              Limit(money, x.balance_ceiling), Limit(money, y.balance_ceiling));
  }
  if (!limits_changed) out->unchanged.push_back(_("limits per kind"));

  bool programmes_changed = false;
  for (const Programme& p : b.programmes) {
    const Programme* now = a.FindProgramme(p.name);
    if (now == nullptr) {
      out->lines.push_back(
          Tr("programme '{name}': {programme} → dropped (refused while its budget is not empty)",
             fmt::arg("name", p.name), fmt::arg("programme", ProgrammeText(p, money))));
      programmes_changed = true;
      continue;
    }
    const size_t before = out->lines.size();
    DiffProgramme(p, *now, money, out);
    if (out->lines.size() != before)
      programmes_changed = true;
    else
      out->unchanged.push_back(Tr("programme '{name}'", fmt::arg("name", p.name)));
  }
  for (const Programme& p : a.programmes) {
    if (b.FindProgramme(p.name) != nullptr) continue;
    out->lines.push_back(
        Tr("programme '{name}': none → added: {programme} (its budget comes from fund-programme)",
           fmt::arg("name", p.name), fmt::arg("programme", ProgrammeText(p, money))));
    programmes_changed = true;
  }
  if (b.programmes.empty() && a.programmes.empty()) out->unchanged.push_back(_("no programme"));
  // Same entries in another order are another record: say so rather than "no change".
  if (!programmes_changed && Order(b, OrderOf::kProgrammes) != Order(a, OrderOf::kProgrammes))
    out->lines.push_back(ChangeLine(_("order of the programmes"), Order(b, OrderOf::kProgrammes),
                                    Order(a, OrderOf::kProgrammes)));
  if (!limits_changed && Order(b, OrderOf::kLimits) != Order(a, OrderOf::kLimits))
    out->lines.push_back(ChangeLine(_("order of the limits"), Order(b, OrderOf::kLimits),
                                    Order(a, OrderOf::kLimits)));
  // Named only by the ledgers whose rules set it (its absence everywhere changes nothing to say).
  if (!b.share.empty() || !a.share.empty()) DiffShare(b.share, a.share, money, who, out);
  if (!b.demurrage.empty() || !a.demurrage.empty())
    DiffDemurrage(b.demurrage, a.demurrage, money, who, out);
}

Change DescribeChange(const Decision& decision, const BoardState& now, const WhoFn& who,
                      const CardFn& card_of, const Money& money) {
  Change c;
  const NameFn plain = [&](const AccountId& id) { return who(id); };
  c.summary = DescribeDecision(decision, plain, money);
  auto missing = [&](const AccountId& id) {
    c.warnings.push_back(
        Tr("no account {who} exists: the ledger will refuse this", fmt::arg("who", who(id))));
  };
  auto payments = [&](bool paused, const std::string& reason) {
    return paused ? Tr("paused {reason}", fmt::arg("reason", Quoted(reason))) : _("running");
  };
  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        pb::AccountCard card;
        if constexpr (std::is_same_v<T, SetRules>) {
          DiffRules(now.rules, d.rules, money, &c, &who);
          const size_t n = c.lines.size();
          c.summary = n == 0 ? _("set the rules: no change to the rules in force")
                             : TrP("change the rules: {n} change", "change the rules: {n} changes",
                                   n, fmt::arg("n", n));
        } else if constexpr (std::is_same_v<T, OpenAccount>) {
          if (card_of(d.id, &card)) {
            c.lines.push_back(Tr("account {who}: exists already", fmt::arg("who", who(d.id))));
            c.warnings.push_back(
                _("an account has this address already: the ledger will refuse this"));
          } else {
            c.lines.push_back(
                ChangeLine(Tr("account {who}", fmt::arg("who", who(d.id))), _("none"),
                           Tr("a {kind} account named {name}", fmt::arg("kind", KindLabel(d.kind)),
                              fmt::arg("name", Quoted(d.name)))));
          }
          c.lines.push_back(d.member_until_ms == 0
                                ? _("membership: no end")
                                : Tr("membership: until {date}",
                                     fmt::arg("date", DisplayDate(d.member_until_ms - 1))));
          c.lines.push_back(
              Tr("membership fee paid: {amount}", fmt::arg("amount", money.Euros(d.fee.minor()))));
        } else if constexpr (std::is_same_v<T, GrantRole> || std::is_same_v<T, RevokeRole>) {
          constexpr bool grant = std::is_same_v<T, GrantRole>;
          const std::string role = RoleLabel(d.role);
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          if (d.role == Role::kBoardMember) {
            const bool member =
                std::find(now.board.begin(), now.board.end(), d.account) != now.board.end();
            const size_t after = now.board_size + (grant && !member ? 1 : 0) -
                                 (!grant && member && now.board_size > 0 ? 1 : 0);
            c.lines.push_back(
                Tr("board: {before} members → {after} members, {threshold} "
                   "approvals decide",
                   fmt::arg("before", now.board_size), fmt::arg("after", after),
                   fmt::arg("threshold", now.threshold)));
            if (!grant && after < now.threshold)
              c.warnings.push_back(
                  Tr("the board would have fewer members than the threshold of "
                     "{threshold}: the ledger will refuse this",
                     fmt::arg("threshold", now.threshold)));
          }
          // An account's granted roles are private (GetAccount): say what the decision does.
          c.lines.push_back(
              grant ? Tr("{who} (a {kind} account): gets the {role} role",
                         fmt::arg("who", who(d.account)), fmt::arg("kind", KindLabel(card.kind())),
                         fmt::arg("role", role))
                    : Tr("{who} (a {kind} account): loses the {role} role",
                         fmt::arg("who", who(d.account)), fmt::arg("kind", KindLabel(card.kind())),
                         fmt::arg("role", role)));
        } else if constexpr (std::is_same_v<T, Freeze>) {
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          c.lines.push_back(
              ChangeLine(who(d.account), StatusLabel(card),
                         Tr("frozen, because {reason}", fmt::arg("reason", Quoted(d.reason)))));
        } else if constexpr (std::is_same_v<T, Unfreeze>) {
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          c.lines.push_back(ChangeLine(who(d.account), StatusLabel(card), _("active")));
        } else if constexpr (std::is_same_v<T, Rekey>) {
          if (!card_of(d.account, &card)) {
            missing(d.account);
            return;
          }
          c.lines.push_back(ChangeLine(Tr("{who} signing key", fmt::arg("who", who(d.account))),
                                       KeyText(card), ToHex(d.new_key)));
          if (card.key() == d.new_key.view())
            c.warnings.push_back(
                _("the account signs with this key already: the ledger will refuse this"));
          pb::AccountCard other;
          if (d.new_key != d.account && card_of(d.new_key, &other))
            c.warnings.push_back(
                Tr("the new key is also the address of {who}: check that the "
                   "member really holds it",
                   fmt::arg("who", who(d.new_key))));
        } else if constexpr (std::is_same_v<T, Pause>) {
          c.lines.push_back(ChangeLine(_("payments"), payments(now.paused, now.pause_reason),
                                       payments(true, d.reason)));
        } else if constexpr (std::is_same_v<T, Resume>) {
          c.lines.push_back(ChangeLine(_("payments"), payments(now.paused, now.pause_reason),
                                       payments(false, "")));
        } else if constexpr (std::is_same_v<T, SetNodeKey>) {
          const std::string before =
              now.node_key ? KeyFingerprint(*now.node_key) + " (" + ToHex(*now.node_key) + ")"
                           : _("none named (a version 1 ledger)");
          c.lines.push_back(
              ChangeLine(_("node key signing checkpoints"), before,
                         KeyFingerprint(d.node_key) + " (" + ToHex(d.node_key) + ")"));
          if (now.node_key && *now.node_key == d.node_key)
            c.warnings.push_back(
                _("the ledger names this node key already: the ledger will refuse this"));
          else
            c.warnings.push_back(
                _("the node must hold this key (liard-node rekey-node prepares it) or it stops "
                  "signing checkpoints once this is decided"));
        } else if constexpr (std::is_same_v<T, SetNodeKeys>) {
          const std::string before = now.node_keys.empty() ? _("none named (a version 1 ledger)")
                                                           : KeyListText(now.node_keys);
          c.lines.push_back(
              ChangeLine(_("node keys signing checkpoints"), before, KeyListText(d.node_keys)));
          if (now.node_keys == d.node_keys)
            c.warnings.push_back(
                _("the ledger names these node keys already: the ledger will refuse this"));
          for (const PublicKey& k : now.node_keys)
            if (std::find(d.node_keys.begin(), d.node_keys.end(), k) == d.node_keys.end())
              c.warnings.push_back(
                  Tr("node key {fingerprint} is no longer named: the node holding it stops "
                     "signing checkpoints, and wallets refuse its newer ones",
                     fmt::arg("fingerprint", KeyFingerprint(k))));
        } else {
          static_assert(std::is_same_v<T, SetThreshold>);
          auto of = [&](uint32_t k) {
            return Tr("{approvals} of {members}", fmt::arg("approvals", k),
                      fmt::arg("members", now.board_size));
          };
          std::string after = of(d.threshold);
          if (d.threshold == now.threshold)
            after = Tr("{approvals} (no change)", fmt::arg("approvals", after));
          c.lines.push_back(ChangeLine(_("approvals that decide"), of(now.threshold), after));
          if (d.threshold > now.board_size)
            c.warnings.push_back(TrP("the board has {n} member: the ledger will refuse this",
                                     "the board has {n} members: the ledger will refuse this",
                                     now.board_size, fmt::arg("n", now.board_size)));
        }
      },
      decision);
  return c;
}

std::string RenderChange(const Change& change, const std::string& indent) {
  std::string s = change.summary + "\n";
  for (const auto& l : change.lines) s += indent + l + "\n";
  if (!change.unchanged.empty()) {
    std::string list;
    for (size_t i = 0; i < change.unchanged.size(); ++i)
      list += (i ? ", " : "") + change.unchanged[i];
    s += indent + Tr("unchanged: {list}", fmt::arg("list", list)) + "\n";
  }
  for (const auto& w : change.warnings)
    s += indent + Tr("WARNING: {warning}", fmt::arg("warning", w)) + "\n";
  return s;
}

}  // namespace liard::wallet

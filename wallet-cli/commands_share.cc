// The association's share: `liard association show` (the rule in force, the associations a member
// may choose, the member's choice) and `liard association choose ADDRESS|none`. The ledger's
// side is ledger/ops/share.cc; docs/protocol.md, "The association's share".
#include <iostream>
#include <nlohmann/json.hpp>

#include "wallet-cli/app.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

const std::string kChooseCommand = "association choose ";  // i18n: as is

// The member's choice as its AccountInfo says it; zero when none.
AccountId ChosenOf(const pb::AccountInfo& info) {
  AccountId id;
  if (!info.association().empty() && !id.Assign(info.association())) return AccountId{};
  return id;
}

// "3,00 % of each conversion, paid from programme « agglo-2026 » (Grand Avignon)", or "off".
std::string RuleText(const AssociationShare& share, const Rules& rules, const Money& money) {
  if (share.basis_points == 0) return _("off: no share is paid at the moment");
  const Programme* p = rules.FindProgramme(share.programme);
  return Tr(
      "{percent} of each conversion, paid from programme « {programme} » ({sponsor}), "
      "never from the member",
      fmt::arg("percent", money.Percent(share.basis_points)),
      fmt::arg("programme", share.programme),
      fmt::arg("sponsor", p && !p->sponsor.empty() ? SafeText(p->sponsor) : "—"));
}

CliStatus Show(Session& session, bool as_json) {
  KeyFile key;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &key, &me);
  if (!s.ok()) return s;
  const Rules rules = RulesInForce(session);
  const AssociationShare& share = rules.share;
  const AccountId chosen = ChosenOf(me);
  if (as_json) {
    json j;
    j["basis_points"] = share.basis_points;
    j["programme"] = share.programme;
    j["chosen"] = chosen.IsZero() ? json(nullptr) : json(session.AddressOf(chosen));
    j["chosen_eligible"] = !chosen.IsZero() && share.Eligible(chosen);
    json list = json::array();
    for (const AccountId& id : share.associations)
      list.push_back({{"address", session.AddressOf(id)},
                      {"name", session.PlainNameOf(id)},
                      {"chosen", id == chosen}});
    j["associations"] = list;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::vector<std::vector<std::string>> rows = {
      {_("association's share"), RuleText(share, rules, session.money())},
      {_("your choice"), chosen.IsZero() ? std::string(_("none")) : session.NameOf(chosen)}};
  std::cout << RenderTable(rows);
  if (!chosen.IsZero() && !share.Eligible(chosen))
    std::cout << _("the association you chose is no longer in the rules' list: it receives "
                   "nothing; choose another one")
              << "\n";
  if (share.associations.empty()) {
    std::cout << _("the rules list no association to choose from") << "\n";
    return CliStatus::Ok();
  }
  std::cout << "\n" << _("Associations you may choose:") << "\n";
  std::vector<std::vector<std::string>> list = {{"", _("name"), _("address")}};
  for (const AccountId& id : share.associations)
    list.push_back(
        {id == chosen ? "*" : "", SafeText(session.PlainNameOf(id)), session.AddressOf(id)});
  std::cout << RenderTable(list);
  std::cout << Tr("To choose one: {command}",
                  fmt::arg("command", session.Command(kChooseCommand + "ADDRESS")))
            << "\n";
  return CliStatus::Ok();
}

struct ChooseArgs {
  std::string association;
  bool json = false;
};

CliStatus Choose(Session& session, const ChooseArgs& a) {
  const bool none = a.association == "none" || a.association == "aucune";  // i18n: as is
  if (!none) {
    CliStatus s = Session::PrecheckAddress(a.association);
    if (!s.ok()) return s;
  }
  KeyFile key;
  pb::AccountInfo me;
  CliStatus s = MyAccount(session, &key, &me);
  if (!s.ok()) return s;
  AccountId id;
  if (!none) {
    s = session.ParseAddress(a.association, &id);
    if (!s.ok()) return s;
  }
  Prepared p;
  s = session.Prepare(ChooseAssociation{id}, &p);
  if (!s.ok()) return s;
  pb::SubmitResponse r;
  bool declined = false;
  // Nothing to confirm: it moves no money, and is changed again as easily.
  s = session.ConfirmAndSubmit(p, "", true, &r, &declined);
  if (!s.ok()) return s;
  if (a.json) {
    json j;
    j["association"] = none ? json(nullptr) : json(session.AddressOf(id));
    j["name"] = none ? json(nullptr) : json(session.PlainNameOf(id));
    j["operation_id"] = ToHex(r.operation_id());
    j["sequence"] = r.sequence();
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  session.PrintSubmitted(
      r, none ? std::string(_("no association chosen: your conversions pay no share any more"))
              : Tr("{who} now receives the association's share of your conversions",
                   fmt::arg("who", session.NameOf(id))));
  return CliStatus::Ok();
}

}  // namespace

void RegisterShareCommands(CLI::App& app, Context& ctx) {
  CLI::App* as = app.add_subcommand(
      "association", _("the association's share: the association that receives a share of your "
                       "conversions, paid by a sponsor"));
  as->require_subcommand(1);

  auto show_json = std::make_shared<bool>(false);
  CLI::App* sh = as->add_subcommand(
      "show", _("the share in force, the associations you may choose, and your choice"));
  sh->add_flag("--json", *show_json, _("print it as JSON"));
  ctx.On(sh, [show_json](Session& s) { return Show(s, *show_json); });

  auto choose = std::make_shared<ChooseArgs>();
  CLI::App* ch = as->add_subcommand(
      "choose", _("choose the association that receives the share of your conversions"));
  ch->add_option("ASSOCIATION", choose->association,
                 _("its address (from liard association show), or none"))
      ->required();
  ch->add_flag("--json", choose->json, _("print the result as JSON"));
  ctx.On(ch, [choose](Session& s) { return Choose(s, *choose); });
}

}  // namespace liard::wallet

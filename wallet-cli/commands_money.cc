// The money operations of offices, merchants and treasurers: convert, notes sell/redeem,
// reconvert, account open, deposit, payout, fund-programme, bank-fee, bank-interest; and
// reserves.
#include <iostream>
#include <nlohmann/json.hpp>

#include "ledger/genesis.h"
#include "ledger/money.h"
#include "ledger/rules.h"
#include "proto/codec.h"
#include "wallet-cli/app.h"
#include "wallet-cli/describe.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

using json = nlohmann::ordered_json;

std::string Capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// Prepare, preview (Simulate), confirm, sign, submit, and print what the ledger did, from the
// receipt's postings. `fallback` is the summary when the node cannot preview.
CliStatus Execute(Session& session, Payload payload, bool yes, const std::string& fallback) {
  Prepared p;
  CliStatus s = session.Prepare(std::move(payload), &p);
  if (!s.ok()) return s;
  pb::SimulateResponse sim;
  bool available = false;
  s = session.Preview(p, &sim, &available);
  if (!s.ok()) return s;
  auto name_of = [&](const AccountId& id) { return session.NameOf(id); };
  std::string summary =
      available ? Summarize(p.op, sim.postings(), session.genesis(), session.money(), name_of)
                : fallback;
  if (!available)
    std::cerr << "liard: "
              << _("this node cannot preview operations (no Simulate); check the amounts "
                   "yourself")
              << "\n";
  pb::SubmitResponse r;
  bool declined = false;
  s = session.ConfirmAndSubmit(p, Capitalized(summary) + "?", yes, &r, &declined);
  if (!s.ok()) return s;
  if (declined) {
    std::cout << _("nothing was sent") << "\n";
    return CliStatus::Ok();
  }
  // What really happened, from the receipt (state may have moved since the preview).
  pb::Receipt receipt;
  Hash id;
  if (id.Assign(r.operation_id()) && session.node().GetOperation(id, &receipt).ok())
    summary = Summarize(p.op, receipt.postings(), session.genesis(), session.money(), name_of);
  session.PrintSubmitted(r, Tr("applied: {summary}", fmt::arg("summary", summary)));
  return CliStatus::Ok();
}

// Address options are checked before connecting, so a typo never reaches the node.
CliStatus AddressArg(Session& session, const std::string& text, AccountId* out) {
  CliStatus s = Session::PrecheckAddress(text);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  return session.ParseAddress(text, out);
}

CliStatus CheckReference(const std::string& ref) {
  if (ref.size() > kMaxReferenceBytes || !IsPrintableUtf8(ref))
    return CliStatus::Usage(
        Tr("a bank reference is at most {max} bytes of text without control characters",
           fmt::arg("max", kMaxReferenceBytes)));
  return CliStatus::Ok();
}

}  // namespace

// The rules in force: the genesis's, or the board's latest SetRules as the node reports them.
Rules RulesInForce(Session& session) {
  Rules rules = session.genesis().rules;
  pb::GovernanceInfo gov;
  if (session.node().GetGovernance(&gov).ok()) {
    Rules in_force;
    if (codec::DecodeRules(gov.rules(), &in_force).ok()) rules = std::move(in_force);
  }
  return rules;
}

namespace {

struct MoneyArgs {
  std::string address, eur, units, programme, ref, name, kind = "resident", amount;
  std::string member_until, fee, until;
  bool yes = false, json = false, no_bonus = false;
};

// A membership fee in euros; "0" (or nothing) is allowed: some associations waive it.
CliStatus ParseFee(const std::string& text, Amount* out) {
  *out = Amount(0);
  if (text.empty()) return CliStatus::Ok();
  Status s = ParseAmount(text, 2, out);
  if (!s.ok())
    return CliStatus::Usage(Tr("--fee '{text}': {why}", fmt::arg("text", SafeText(text)),
                               fmt::arg("why", s.message())));
  return CliStatus::Ok();
}

CliStatus Convert(Session& session, const MoneyArgs& a) {
  Amount euros;
  CliStatus s = Session::ParseEuros(a.eur, "--eur", &euros);
  if (!s.ok()) return s;
  if (!a.programme.empty() && !IsValidProgrammeName(a.programme))
    return CliStatus::Usage(_("a programme name is 1 to 32 of a-z, 0-9 and '-'"));
  AccountId member;
  s = AddressArg(session, a.address, &member);
  if (!s.ok()) return s;
  // The programme the rules in force name for conversions, unless --programme or --no-bonus.
  std::string programme = a.programme;
  if (programme.empty() && !a.no_bonus) programme = RulesInForce(session).default_programme;
  int64_t at_par = 0;
  if (!EurosToUnits(session.genesis(), euros.minor(), Rounding::kDown, &at_par).ok()) at_par = 0;
  const std::string fallback =
      programme.empty()
          ? Tr("convert {euros} for {member} ({units} at par, no bonus programme)",
               fmt::arg("euros", session.money().Euros(euros.minor())),
               fmt::arg("member", session.NameOf(member)),
               fmt::arg("units", session.money().Units(at_par)))
          : Tr("convert {euros} for {member} ({units} at par; the bonus of programme "
               "'{programme}' is not known before)",
               fmt::arg("euros", session.money().Euros(euros.minor())),
               fmt::arg("member", session.NameOf(member)),
               fmt::arg("units", session.money().Units(at_par)), fmt::arg("programme", programme));
  return Execute(session, Conversion{member, euros, programme}, a.yes, fallback);
}

CliStatus NotesSell(Session& session, const MoneyArgs& a) {
  Amount euros;
  CliStatus s = Session::ParseEuros(a.eur, "--eur", &euros);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  return Execute(
      session, NoteSale{euros}, a.yes,
      Tr("sell paper notes for {euros}", fmt::arg("euros", session.money().Euros(euros.minor()))));
}

CliStatus NotesRedeem(Session& session, const MoneyArgs& a) {
  AccountId merchant;
  CliStatus s = AddressArg(session, a.address, &merchant);
  if (!s.ok()) return s;
  Amount units;
  s = session.ParseUnits(a.units, "--units", &units);
  if (!s.ok()) return s;
  return Execute(session, NoteRedemption{merchant, units}, a.yes,
                 Tr("take back {units} of paper notes from {merchant}",
                    fmt::arg("units", session.money().Units(units.minor())),
                    fmt::arg("merchant", session.NameOf(merchant))));
}

CliStatus Reconvert(Session& session, const MoneyArgs& a) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  Amount units;
  s = session.ParseUnits(a.amount, _("the amount"), &units);
  if (!s.ok()) return s;
  // Without Simulate, the quote comes from the same core code the node runs, with the rules in
  // force (the board may have changed the genesis' fee).
  std::string fallback =
      Tr("reconvert {units}", fmt::arg("units", session.money().Units(units.minor())));
  ReconversionQuote q;
  if (QuoteReconversion(session.genesis(), RulesInForce(session), units.minor(), &q).ok())
    fallback =
        Tr("reconvert {units}: fee {fee}, owed to you {owed} (paid by bank transfer by "
           "the association)",
           fmt::arg("units", session.money().Units(units.minor())),
           fmt::arg("fee", session.money().Euros(q.fee)),
           fmt::arg("owed", session.money().Euros(q.owed)));
  return Execute(session, Reconversion{units}, a.yes, fallback);
}

CliStatus AccountOpen(Session& session, const MoneyArgs& a) {
  AccountKind kind = AccountKind::kResident;
  bool known = false;
  for (AccountKind k : kAllKinds) {
    if (KindName(k) == a.kind) {
      kind = k;
      known = true;
    }
  }
  if (!known)
    return CliStatus::Usage(
        _("--kind must be resident, merchant, exchange-office, municipality or association"));
  if (!IsValidName(a.name))
    return CliStatus::Usage(_("a name is 1 to 64 bytes of text without control characters"));
  const std::string kPropose = "liard board propose open-account ";  // i18n: as is
  if (kind != AccountKind::kResident)
    return CliStatus::Refused(
        Tr("opening a {kind} account is a board decision: a board member proposes it with "
           "'{propose}' and the others sign it with 'liard board sign ID'",
           fmt::arg("kind", a.kind),
           fmt::arg("propose",
                    kPropose + a.address + " --kind " + a.kind + " --name \"" + a.name + "\"")));
  OpenAccount open{AccountId(), kind, a.name, 0, Amount(0)};
  int64_t until_day = 0;
  if (!a.member_until.empty() && !ParseDay(a.member_until, &until_day))
    return CliStatus::Usage(
        Tr("--member-until '{text}' must be a date, YYYY-MM-DD or DD/MM/YYYY "
           "(the membership runs through that day)",
           fmt::arg("text", SafeText(a.member_until))));
  CliStatus s = ParseFee(a.fee, &open.fee);
  if (!s.ok()) return s;
  // The membership runs through that day in the currency's time zone, which the genesis names.
  s = session.Connect();
  if (!s.ok()) return s;
  if (!a.member_until.empty()) open.member_until_ms = StartOfDisplayDay(until_day + 1);
  s = AddressArg(session, a.address, &open.id);
  if (!s.ok()) return s;
  s = Session::CheckNewKey(open.id, _("the new account's address"));
  if (!s.ok()) return s;
  const std::string fallback =
      Tr("open a {kind} account '{name}' for {account}", fmt::arg("kind", _(a.kind.c_str())),
         fmt::arg("name", a.name), fmt::arg("account", session.AddressOf(open.id)));
  return Execute(session, std::move(open), a.yes, fallback);
}

CliStatus MemberRenew(Session& session, const MoneyArgs& a) {
  RenewMembership renew;
  int64_t until_day = 0;
  if (!ParseDay(a.until, &until_day))
    return CliStatus::Usage(
        Tr("--until '{text}' must be a date, YYYY-MM-DD or DD/MM/YYYY (the "
           "membership runs through that day)",
           fmt::arg("text", SafeText(a.until))));
  CliStatus s = ParseFee(a.fee, &renew.fee);
  if (!s.ok()) return s;
  s = session.Connect();  // the day ends in the currency's time zone
  if (!s.ok()) return s;
  renew.until_ms = StartOfDisplayDay(until_day + 1);
  s = AddressArg(session, a.address, &renew.member);
  if (!s.ok()) return s;
  std::string fallback = Tr("renew the membership of {member} until {date}",
                            fmt::arg("member", session.AddressOf(renew.member)),
                            fmt::arg("date", DisplayDate(renew.until_ms - 1)));
  return Execute(session, std::move(renew), a.yes, fallback);
}

// --eur and --ref of a treasurer's record of the bank account, checked before connecting.
CliStatus EurosAndReference(const MoneyArgs& a, Amount* euros) {
  CliStatus s = Session::ParseEuros(a.eur, "--eur", euros);
  if (!s.ok()) return s;
  return CheckReference(a.ref);
}

CliStatus DepositOrPayout(Session& session, const MoneyArgs& a, bool deposit) {
  Amount euros;
  CliStatus s = EurosAndReference(a, &euros);
  if (!s.ok()) return s;
  AccountId who;
  s = AddressArg(session, a.address, &who);
  if (!s.ok()) return s;
  const std::string amount = session.money().Euros(euros.minor());
  if (deposit)
    return Execute(session, Deposit{who, euros, a.ref}, a.yes,
                   Tr("record the deposit of {euros}", fmt::arg("euros", amount)));
  return Execute(session, Payout{who, euros, a.ref}, a.yes,
                 Tr("record the payout of {euros}", fmt::arg("euros", amount)));
}

CliStatus FundProgrammeCmd(Session& session, const MoneyArgs& a) {
  if (!IsValidProgrammeName(a.programme))
    return CliStatus::Usage(_("a programme name is 1 to 32 of a-z, 0-9 and '-'"));
  Amount euros;
  CliStatus s = EurosAndReference(a, &euros);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  return Execute(session, FundProgramme{a.programme, euros, a.ref}, a.yes,
                 Tr("record {euros} paid into programme '{programme}'",
                    fmt::arg("euros", session.money().Euros(euros.minor())),
                    fmt::arg("programme", a.programme)));
}

// A fee the bank took (paid from the association's income) or interest it paid.
CliStatus BankEntryCmd(Session& session, const MoneyArgs& a, BankEntryKind kind) {
  Amount euros;
  CliStatus s = EurosAndReference(a, &euros);
  if (!s.ok()) return s;
  s = session.Connect();
  if (!s.ok()) return s;
  const std::string amount = session.money().Euros(euros.minor());
  return Execute(session, BankEntry{kind, euros, a.ref}, a.yes,
                 kind == BankEntryKind::kFee
                     ? Tr("record a bank fee of {euros}", fmt::arg("euros", amount))
                     : Tr("record bank interest of {euros}", fmt::arg("euros", amount)));
}

CliStatus Reserves(Session& session, bool as_json) {
  CliStatus s = session.Connect();
  if (!s.ok()) return s;
  pb::Reserves r;
  s = session.node().GetReserves(&r);
  if (!s.ok()) return s;
  const Money& m = session.money();
  if (as_json) {
    json j;
    j["sequence"] = r.sequence();
    j["currency"] = m.code();
    enum class In { kUnits, kEuros };
    auto put = [&](const char* key, int64_t v, In in) {
      j[key] = in == In::kEuros ? Money::PlainEuros(v) : m.Plain(v);
      j[std::string(key) + "_minor"] = v;
    };
    put("circulation_accounts", r.circulation_accounts(), In::kUnits);
    put("circulation_paper", r.circulation_paper(), In::kUnits);
    put("circulation", r.circulation(), In::kUnits);
    put("fund", r.fund(), In::kEuros);
    put("office_cash", r.office_cash(), In::kEuros);
    put("owed_to_merchants", r.owed_to_merchants(), In::kEuros);
    put("sponsor_budgets", r.sponsor_budgets(), In::kEuros);
    put("income", r.income(), In::kEuros);
    put("required_reserve", r.required_reserve(), In::kEuros);
    j["coverage_basis_points"] = r.coverage_basis_points();
    j["office_cash_basis_points"] = r.office_cash_basis_points();
    j["covered"] = r.fund() >= r.required_reserve();
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::cout << Tr("Reserves of {currency} at journal entry {entry}",
                  fmt::arg("currency", SafeText(session.genesis().currency_name)),
                  fmt::arg("entry", r.sequence()))
            << "\n\n";
  std::vector<std::vector<std::string>> rows = {
      {_("in member accounts"), m.Units(r.circulation_accounts())},
      {_("in paper notes"), m.Units(r.circulation_paper())},
      {_("circulation"), m.Units(r.circulation())},
      {"", ""},
      {_("guarantee fund"), m.Euros(r.fund())},
      {_("required reserve"), m.Euros(r.required_reserve())},
      {_("coverage by the fund"),
       r.circulation() > 0 ? m.Percent(r.coverage_basis_points()) : _("nothing circulates")},
      {"", ""},
      {_("cash at offices (at risk)"), m.Euros(r.office_cash())},
      {_("at risk, of required"),
       r.circulation() > 0 ? m.Percent(r.office_cash_basis_points()) : "-"},
      {"", ""},
      {_("owed to merchants"), m.Euros(r.owed_to_merchants())},
      {_("bonus budgets"), m.Euros(r.sponsor_budgets())},
      {_("association income"), m.Euros(r.income())},
  };
  std::cout << RenderTable(rows, {1});
  // The fund at the bank alone covers the circulation; office cash is a promise until the
  // treasurer records its deposit.
  if (r.fund() < r.required_reserve()) {
    const std::string coverage = m.Percent(r.coverage_basis_points());
    std::cout << "\n"
              << (r.office_cash() > 0
                      ? Tr("WARNING: the guarantee fund covers only {coverage} of the circulation; "
                           "{cash} held by exchange offices is not yet deposited",
                           fmt::arg("coverage", coverage),
                           fmt::arg("cash", m.Euros(r.office_cash())))
                      : Tr("WARNING: the guarantee fund covers only {coverage} of the circulation",
                           fmt::arg("coverage", coverage)))
              << "\n";
  }
  return CliStatus::Ok();
}

}  // namespace

void RegisterMoneyCommands(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<MoneyArgs>();
  auto yes = [&](CLI::App* sub) { sub->add_flag("--yes,-y", a->yes, _("do not ask to confirm")); };

  CLI::App* c = app.add_subcommand(
      "convert", _("exchange offices: record euros handed in; the member gets units (and bonus)"));
  c->add_option("--member", a->address, _("the member's address"))->required();
  c->add_option("--eur", a->eur, _("euros received, e.g. 10,00"))->required();
  CLI::Option* programme =
      c->add_option("--programme", a->programme,
                    _("the bonus programme, e.g. agglo-2026 (else the one the rules name)"));
  c->add_flag("--no-bonus", a->no_bonus, _("name no programme: the member gets units at par"))
      ->excludes(programme);
  yes(c);
  c->footer(
      _("Without --programme, the programme the rules name for conversions applies (if any).\n"
        "The units and the bonus are shown (from the node) before you confirm.\n"
        "Example:\n  liard --key office convert --member roue1q... --eur 10,00"));
  ctx.On(c, [a](Session& s) { return Convert(s, *a); });

  CLI::App* notes = app.add_subcommand("notes", _("exchange offices: paper notes"));
  notes->require_subcommand(1);
  CLI::App* sell = notes->add_subcommand("sell", _("record paper notes sold for euros (at par)"));
  sell->add_option("--eur", a->eur, _("euros received"))->required();
  yes(sell);
  sell->footer(_("Example:\n  liard --key office notes sell --eur 50,00"));
  ctx.On(sell, [a](Session& s) { return NotesSell(s, *a); });
  CLI::App* redeem = notes->add_subcommand(
      "redeem", _("record paper notes a merchant brought back (reconverted, with the fee)"));
  redeem->add_option("--merchant", a->address, _("the merchant's address"))->required();
  redeem->add_option("--units", a->units, _("the notes' value, e.g. 20,00"))->required();
  yes(redeem);
  redeem->footer(_("Example:\n  liard --key office notes redeem --merchant roue1q... --units 20"));
  ctx.On(redeem, [a](Session& s) { return NotesRedeem(s, *a); });

  CLI::App* rc = app.add_subcommand(
      "reconvert", _("merchants: convert units back to euros (the fee is shown first)"));
  rc->add_option("AMOUNT", a->amount, _("units to reconvert, e.g. 100,00"))->required();
  yes(rc);
  rc->footer(_("Example:\n  liard --key shop reconvert 100,00"));
  ctx.On(rc, [a](Session& s) { return Reconvert(s, *a); });

  CLI::App* account = app.get_subcommand("account");
  CLI::App* open = account->add_subcommand(
      "open", _("exchange offices and treasurers: open a resident's account (a membership)"));
  open->add_option("ADDRESS", a->address, _("the new member's address (from 'liard key show')"))
      ->required();
  open->add_option("--name", a->name, _("the name payers will see"))->required();
  open->add_option("--kind", a->kind,
                   _("resident; the other kinds are board decisions (liard board propose "
                     "open-account)"))
      ->capture_default_str();
  open->add_option(
      "--member-until", a->member_until,
      _("the membership runs through this day, YYYY-MM-DD or DD/MM/YYYY (else: no end)"));
  open->add_option("--fee", a->fee, _("the membership fee paid, in euros, e.g. 10,00"));
  yes(open);
  open->footer(
      _("Example:\n  liard --key office account open roue1q... --name \"Chloé Petit\" "
        "--member-until 2026-12-31 --fee 10"));
  ctx.On(open, [a](Session& s) { return AccountOpen(s, *a); });

  CLI::App* member =
      app.add_subcommand("member", _("exchange offices and treasurers: memberships"));
  member->require_subcommand(1);
  CLI::App* renew = member->add_subcommand(
      "renew", _("renew a resident's membership (an expired member cannot pay until renewed)"));
  renew->add_option("ADDRESS", a->address, _("the member's address"))->required();
  renew
      ->add_option("--until", a->until,
                   _("the new end, YYYY-MM-DD or DD/MM/YYYY (runs through that day)"))
      ->required();
  renew->add_option("--fee", a->fee, _("the membership fee paid, in euros, e.g. 10,00"));
  yes(renew);
  renew->footer(
      _("Example:\n  liard --key office member renew roue1q... --until 2027-12-31 --fee 10"));
  ctx.On(renew, [a](Session& s) { return MemberRenew(s, *a); });

  CLI::App* d = app.add_subcommand(
      "deposit", _("treasurers: record an office's cash banked into the guarantee fund"));
  d->add_option("--office", a->address, _("the exchange office's address"))->required();
  d->add_option("--eur", a->eur, _("euros banked"))->required();
  d->add_option("--ref", a->ref, _("the bank statement's reference"))->required();
  yes(d);
  d->footer(
      _("Example:\n  liard --key association deposit --office roue1q... --eur 10,00 "
        "--ref NEF-2026-0042"));
  ctx.On(d, [a](Session& s) { return DepositOrPayout(s, *a, true); });

  CLI::App* po = app.add_subcommand(
      "payout", _("treasurers: record the bank transfer paying a merchant's reconversion"));
  po->add_option("--merchant", a->address, _("the merchant's address"))->required();
  po->add_option("--eur", a->eur, _("euros paid"))->required();
  po->add_option("--ref", a->ref, _("the bank transfer's reference"))->required();
  yes(po);
  po->footer(
      _("Example:\n  liard --key association payout --merchant roue1q... --eur 95,00 "
        "--ref VIR-0043"));
  ctx.On(po, [a](Session& s) { return DepositOrPayout(s, *a, false); });

  CLI::App* fp = app.add_subcommand(
      "fund-programme", _("treasurers: record a sponsor's payment into a bonus programme"));
  fp->add_option("NAME", a->programme, _("the programme, e.g. agglo-2026"))->required();
  fp->add_option("--eur", a->eur, _("euros received"))->required();
  fp->add_option("--ref", a->ref, _("the bank statement's reference"))->required();
  yes(fp);
  fp->footer(
      _("Example:\n  liard --key association fund-programme agglo-2026 --eur 1000 "
        "--ref NEF-2026-0050"));
  ctx.On(fp, [a](Session& s) { return FundProgrammeCmd(s, *a); });

  // What the bank itself did: a fee it took, interest it paid.
  static constexpr char kFeeExample[] = " --eur 2,50 --ref FRAIS-2026-11";     // i18n: as is
  static constexpr char kInterestExample[] = " --eur 1,20 --ref INT-2026-11";  // i18n: as is
  auto bank_entry = [&](const char* name, const char* what, const char* eur, const char* example,
                        BankEntryKind kind) {
    CLI::App* be = app.add_subcommand(name, what);
    be->add_option("--eur", a->eur, eur)->required();
    be->add_option("--ref", a->ref, _("the bank statement's reference"))->required();
    yes(be);
    be->footer(Tr("Example:\n  liard --key association {command}",
                  fmt::arg("command", std::string(name) + example)));
    ctx.On(be, [a, kind](Session& s) { return BankEntryCmd(s, *a, kind); });
  };
  bank_entry("bank-fee",
             _("treasurers: record a fee the bank took, paid from the association's income"),
             _("euros the bank took"), kFeeExample, BankEntryKind::kFee);
  bank_entry("bank-interest",
             _("treasurers: record interest the bank paid, the association's income"),
             _("euros of interest paid"), kInterestExample, BankEntryKind::kInterest);

  CLI::App* rs = app.add_subcommand(
      "reserves", _("the guarantee fund against the circulation (anyone may read it)"));
  rs->add_flag("--json", a->json, _("print JSON"));
  rs->footer(_("Example:\n  liard reserves --json"));
  ctx.On(rs, [a](Session& s) { return Reserves(s, a->json); });
}

}  // namespace liard::wallet

#include "wallet-cli/node_note.h"

#include <fmt/args.h>

#include <regex>
#include <vector>

#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

// Every msgid below is the ledger's English sentence with its variable parts named: the wallet
// recognises a clause by its own template, so that the English and what is recognised cannot
// drift apart (tests/wallet/node_note_test.cc writes each one with ledger code and reads it
// back). A placeholder's name says what it holds: see Kind().
constexpr const char* kTemplates[] = {
    N_("converted {euros} into {units} (bonus {bonus})"),
    N_("converted {euros} into {units} (bonus {bonus}): {why}"),
    N_("programme '{programme}' has not started yet"),
    N_("programme '{programme}' has ended"),
    N_("programme '{programme}' is not open to {kind} accounts"),
    N_("programme '{programme}' pays a bonus from {euros}"),
    N_("the monthly bonus cap of {units} is reached"),
    N_("the budget of programme '{programme}' covered only {units} of the {bonus} bonus"),
    N_("association's share {units}"),
    N_("association's share of {units} not paid: {why}"),
    N_("less than one minor unit"),
    N_("the chosen association is no longer in the rules' list"),
    N_("the chosen association's account cannot receive"),
    N_("its programme is not in the rules"),
    N_("the budget of programme '{programme}' is short"),
    N_("the association's balance would pass its ceiling"),
    N_("reconverted {units}: {owed} owed, fee {fee}"),
    N_("membership renewed"),
    N_("the first execution is due on {date}"),
    N_("execution {n} refused ({code}): tried again on {date}"),
    N_("execution {n} paid"),
    N_("execution {n} skipped: the order is paused"),
    N_("execution {n} refused ({code}), not tried again"),
    N_("it was the order's last"),
    N_("gave {units} of earmarked aid to 1 recipients"),
    N_("gave {units} of earmarked aid to {count} recipients"),
    N_("paid {amount}: {parts}"),
    N_("{amount} from the aid '{purpose}'"),
    N_("{amount} ordinary"),
    N_("took back {units} of expired aid from 1 holders"),
    N_("took back {units} of expired aid from {count} holders"),
    N_("dropped the member's {proposals} pending proposals and {approvals} approvals"),
    N_("proposal {id} ({decision}): {approvals} of {threshold} approvals"),
    N_("decided {decision} with {approvals} of {threshold} approvals"),
    N_("decided {decision} with {approvals} of {threshold} approvals: {why}"),
    N_("proposal {id} ({decision}) withdrawn"),
    // The node's own answers (node/answers.h): a write it cannot take now, what it cannot find.
    N_("the node is shutting down"),
    N_("send it again once it is back"),
    N_("the node's clock is not trusted, so it writes nothing for now (reads still work)"),
    N_("this operation was not applied: tell the node's operator, and send it again once the "
       "node accepts writes"),
    N_("this node is not sure it is still the primary (it could not renew its leadership in "
       "time), so it takes no writes"),
    N_("this operation was not applied: send it to the primary (the liard-primary trailer names "
       "it when this node knows it), or again here later"),
    N_("this node's leadership lapsed while it wrote this operation, so it cannot acknowledge "
       "it: send the very same envelope to the primary"),
    N_("it is applied at most once"),
    N_("the node could not write to its disk"),
    N_("this operation may not have been kept"),
    N_("send it again later: a resend is never applied twice"),
    N_("fewer than {count} standby(s) confirmed holding this operation within {ms} ms: it is "
       "written in the primary's journal and will reach the standbys, but its outcome is unknown "
       "until then"),
    N_("look it up by operation id (GetOperation), or send the same envelope again, which is "
       "never applied twice"),
    N_("the node is shutting down before its standbys confirmed this operation: it is kept in "
       "this node's journal and its outcome is unknown"),
    N_("look it up by operation id, or send the same envelope again once the node is back (never "
       "applied twice)"),
    N_("this node is a standby and takes no writes: send them to the primary at {primary}"),
    N_("no account {address} in this ledger"),
    N_("no applied operation has the id {id}"),
    N_("no standing order with this id that this account may read"),
    N_("this standby has not matched a checkpoint of its primary yet"),
    N_("ask again in a moment, or ask the primary"),
};

// The board's decisions as the ledger names them (DecisionName, ledger/operation.cc), in words.
struct DecisionWord {
  const char* name;
  const char* words;
};
constexpr DecisionWord kDecisions[] = {
    {"open-account", N_("opening an account")},    {"grant-role", N_("granting a role")},
    {"revoke-role", N_("revoking a role")},        {"set-rules", N_("changing the rules")},
    {"freeze", N_("freezing an account")},         {"unfreeze", N_("unfreezing an account")},
    {"rekey", N_("changing an account's key")},    {"pause", N_("pausing the ledger")},
    {"resume", N_("resuming the ledger")},         {"set-threshold", N_("changing the threshold")},
    {"set-node-key", N_("changing the node key")}, {"set-node-keys", N_("naming the node keys")},
};

enum class Kind { kAmount, kDate, kNumber, kHex, kCode, kKind, kWord, kText, kClause, kList };

Kind KindOf(std::string_view name) {
  if (name == "euros" || name == "units" || name == "bonus" || name == "owed" || name == "fee" ||
      name == "amount")
    return Kind::kAmount;
  if (name == "date") return Kind::kDate;
  if (name == "n" || name == "count" || name == "proposals" || name == "approvals" ||
      name == "threshold" || name == "ms")
    return Kind::kNumber;
  if (name == "id") return Kind::kHex;
  if (name == "code") return Kind::kCode;
  if (name == "kind") return Kind::kKind;
  if (name == "decision") return Kind::kWord;
  if (name == "why") return Kind::kClause;
  if (name == "parts") return Kind::kList;
  return Kind::kText;  // programme, purpose: names people gave
}

const char* Group(Kind kind) {
  switch (kind) {
    case Kind::kAmount:
      return "(-?[0-9]+(?:\\.[0-9]+)? [A-Z][A-Z0-9]{1,11})";
    case Kind::kDate:
      return "([0-9]{4}-[0-9]{2}-[0-9]{2})";
    case Kind::kNumber:
      return "([0-9]+)";
    case Kind::kHex:
      return "([0-9a-f]+)";
    case Kind::kCode:
      return "([A-Z0-9_]+)";
    case Kind::kKind:
    case Kind::kWord:
      return "([a-z-]+)";
    case Kind::kText:
      return "(.+?)";
    case Kind::kClause:
    case Kind::kList:
      return "(.+)";
  }
  return "(.+)";
}

struct Template {
  const char* msgid;
  std::regex re;
  std::vector<std::string> names;
};

Template Compile(const char* msgid) {
  Template t{msgid, {}, {}};
  std::string re;
  for (const char* p = msgid; *p != '\0'; ++p) {
    if (*p == '{') {
      const char* end = p + 1;
      while (*end != '}' && *end != '\0') ++end;
      t.names.emplace_back(p + 1, end);
      re += Group(KindOf(t.names.back()));
      p = end;
      continue;
    }
    if (std::string_view("\\^$.|?*+()[]{}").find(*p) != std::string_view::npos) re += '\\';
    re += *p;
  }
  t.re = std::regex(re, std::regex::ECMAScript | std::regex::optimize);
  return t;
}

const std::vector<Template>& Templates() {
  static const std::vector<Template> all = [] {
    std::vector<Template> v;
    for (const char* m : kTemplates) v.push_back(Compile(m));
    return v;
  }();
  return all;
}

// "12.50 ROUE" -> "12,50 ROUE", "10.00 EUR" -> "10,00 €"; as is when it is neither the
// currency's units nor euros with their decimals.
std::string Amount(const std::string& text, const Money& money) {
  const size_t space = text.find(' ');
  const std::string number = text.substr(0, space);
  const std::string code = text.substr(space + 1);
  const bool negative = !number.empty() && number[0] == '-';
  const std::string digits = number.substr(negative ? 1 : 0);
  const size_t dot = digits.find('.');
  const std::string whole = digits.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  const bool euros = code == "EUR";
  const int decimals = euros ? 2 : money.decimals();
  if ((!euros && code != money.code()) || static_cast<int>(frac.size()) != decimals ||
      whole.size() > 15)
    return text;
  int64_t minor = std::stoll(whole);
  for (int i = 0; i < decimals; ++i) minor *= 10;
  if (!frac.empty()) minor += std::stoll(frac);
  if (negative) minor = -minor;
  return euros ? money.Euros(minor) : money.Units(minor);
}

std::string Clause(const std::string& clause, const Money& money, int depth);

std::string Render(Kind kind, const std::string& value, const Money& money, int depth) {
  switch (kind) {
    case Kind::kAmount:
      return Amount(value, money);
    case Kind::kDate:  // 2027-01-31 -> 31/01/2027
      return French() ? value.substr(8, 2) + "/" + value.substr(5, 2) + "/" + value.substr(0, 4)
                      : value;
    case Kind::kKind:
      return _(value.c_str());
    case Kind::kWord:  // a decision: in words when this wallet knows it, else its name
      for (const DecisionWord& d : kDecisions)
        if (value == d.name) return _(d.words);
      return value;
    case Kind::kClause:
      return Clause(value, money, depth + 1);
    case Kind::kList: {  // "A, B, C": each item starts with an amount (a name may hold ", ")
      std::string out;
      size_t from = 0;
      while (true) {
        size_t comma = value.find(", ", from);
        while (comma != std::string::npos &&
               !(comma + 2 < value.size() && value[comma + 2] >= '0' && value[comma + 2] <= '9'))
          comma = value.find(", ", comma + 2);
        out += Clause(value.substr(from, comma - from), money, depth + 1);
        if (comma == std::string::npos) break;
        out += ", ";
        from = comma + 2;
      }
      return out;
    }
    default:
      return value;
  }
}

std::string Clause(const std::string& clause, const Money& money, int depth) {
  if (depth > 4) return clause;
  std::smatch m;
  for (const Template& t : Templates()) {
    if (!std::regex_match(clause, m, t.re)) continue;
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    for (size_t i = 0; i < t.names.size(); ++i)
      args.push_back(
          fmt::arg(t.names[i].c_str(), Render(KindOf(t.names[i]), m[i + 1].str(), money, depth)));
    return FormatOr(_(t.msgid), t.msgid, args);
  }
  return clause;
}

}  // namespace

std::string NodeNote(std::string_view note, const Money& money) {
  if (!French() || note.empty()) return std::string(note);
  std::string out;
  size_t from = 0;
  while (true) {
    const size_t semi = note.find("; ", from);
    out += Clause(std::string(note.substr(from, semi - from)), money, 0);
    if (semi == std::string_view::npos) break;
    out += " ; ";  // French typography: a space before the semicolon
    from = semi + 2;
  }
  return out;
}

}  // namespace liard::wallet

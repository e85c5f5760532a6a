// Refusals in the user's language: see refusal.h.
#include "wallet-cli/refusal.h"

#include <fmt/args.h>

#include <string>

#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

struct Template {
  Code code;
  const char* msgid;
};

// Tried in this order: for a code with several, the one with more figures first. A template
// without placeholders is the sentence of a code whose refusals state no number. Each figure is
// named as the ledger fills it (docs/protocol.md, section 11).
constexpr Template kTemplates[] = {
    {Code::kInvalidArgument,
     N_("a bank entry is a fee (kind 1) or interest (kind 2); kind {kind} is neither")},
    {Code::kInvalidArgument, N_("an argument of the operation is not valid")},
    {Code::kNotFound, N_("what was asked for does not exist")},
    {Code::kOutOfRange, N_("a number is outside the range it can take")},
    {Code::kCorruption, N_("the node's stored data is damaged or inconsistent")},
    {Code::kIOError, N_("the node could not read or write its storage")},
    {Code::kUnavailable, N_("the node accepts no operation for now; try again later")},
    {Code::kAlreadyExists, N_("what was to be created exists already")},
    {Code::kInternal, N_("the node met an internal error; please report it")},

    {Code::kMalformedBody, N_("the operation cannot be decoded, or has unknown or missing fields")},
    {Code::kBadSignature, N_("the signature does not match the operation and the key")},
    {Code::kWrongLedger, N_("the operation was made for another ledger")},
    {Code::kUnknownOperation, N_("the operation is of a kind this ledger does not know")},
    {Code::kAmountNotPositive, N_("the amount must be above zero")},
    {Code::kMemoTooLong, N_("the memo has {bytes} bytes; at most {max_bytes}")},
    {Code::kMemoNotText, N_("the memo is not valid UTF-8 text, or holds control characters")},
    {Code::kTransferToSelf, N_("an account cannot pay itself")},
    {Code::kBadAccountId, N_("an account id, or a key to install, is not valid")},
    {Code::kBadSequence, N_("the sequence number must be at least 1")},
    {Code::kBadName, N_("a name must be 1 to 64 bytes of text without control characters")},
    {Code::kBadKind, N_("unknown account kind {kind}")},
    {Code::kBadReference, N_("a bank reference must be at most 64 bytes of printable text")},
    {Code::kBadProgrammeName, N_("a programme name must be 1 to 32 of a-z, 0-9 and '-'")},
    {Code::kBadLegCount, N_("a payment has 1 to {max_legs} legs, not {legs}")},
    {Code::kAmountTooLarge, N_("the amounts add up past the largest amount, {largest_units}")},
    {Code::kBadDecision, N_("the board proposal carries no decision, or one that is malformed")},
    {Code::kBadRole,
     N_("only the treasurer, board-member and auditor roles are granted or revoked")},
    {Code::kBadRules, N_("the proposed rules are incoherent")},

    {Code::kUnknownAccount, N_("the account acting does not exist in this ledger")},
    {Code::kUnknownDestination, N_("the account named does not exist in this ledger")},
    {Code::kSequenceUsed, N_("sequence {got} was used already; the next is {expected}")},
    {Code::kSequenceGap, N_("sequence {got} skips ahead; the next is {expected}")},
    {Code::kInsufficientFunds,
     N_("the balance is {balance_units}, less than the {legs} legs' total of {amount_units}")},
    {Code::kInsufficientFunds, N_("the balance is {balance_units}, less than {amount_units}")},
    {Code::kInsufficientFunds,
     N_("the office holds only {held_cents} awaiting deposit, not {amount_cents}")},
    {Code::kInsufficientFunds, N_("the merchant is owed only {owed_cents}, not {amount_cents}")},
    {Code::kInsufficientFunds,
     N_("the association's income holds {income_cents} and the bank fee is {fee_cents}: the "
        "guarantee fund never pays fees, so record income first or ask the board to cover the "
        "fee")},
    {Code::kInsufficientFunds,
     N_("only {paper_units} of paper notes are in circulation, not {amount_units}")},
    {Code::kAccountFrozen, N_("the account is frozen by the board")},
    {Code::kDestinationFrozen, N_("the account to be paid is frozen")},
    {Code::kAccountClosed, N_("the account is closed")},
    {Code::kDestinationClosed, N_("the account to be paid is closed")},
    {Code::kNotPermitted, N_("this account's roles do not allow this operation")},
    {Code::kExpired, N_("the operation was valid until {valid_until_ms}; it is now {now_ms}")},
    {Code::kAccountExists, N_("an account with this id exists already")},
    {Code::kBalanceOverflow, N_("a balance or a total would leave the range of amounts")},
    {Code::kWrongKey, N_("the operation is not signed with the account's current key")},
    {Code::kUnknownProgramme, N_("no bonus programme of this name exists in the rules")},
    {Code::kBelowMinimum, N_("the smallest conversion is {minimum_cents}")},
    {Code::kBelowMinimum, N_("the smallest reconversion is {minimum_units}")},
    {Code::kBelowMinimum,
     N_("{amount_cents} is less than the smallest amount of the currency at par")},
    {Code::kAboveMaximum, N_("the largest single payment is {maximum_units}")},
    {Code::kAboveMaximum, N_("the largest conversion is {maximum_cents}")},
    {Code::kWrongAccountKind,
     N_("an account named in the operation is not of the kind the operation needs")},
    {Code::kPaused, N_("the board has paused all payments; only board decisions are accepted")},
    {Code::kMembershipExpired,
     N_("the membership ended on {until_ms}; an exchange office can renew it")},
    {Code::kDailyLimit, N_("today's payments would reach {reached_units}, above the daily limit of "
                           "{limit_units}")},
    {Code::kBalanceCeiling,
     N_("the balance of an account would pass its kind's ceiling of {ceiling_units}")},
    {Code::kUnknownProposal,
     N_("no pending board proposal has this id (never made, already decided, or expired)")},
    {Code::kProposalExpired, N_("the board proposal expired on {expired_ms}")},
    {Code::kAlreadyApproved, N_("this board member has approved the proposal already")},
    {Code::kTooManyProposals,
     N_("proposals pending: {pending}, as many as may be; decide or let some expire first")},
    {Code::kBoardTooSmall,
     N_("board members able to sign: {signers}, fewer than the threshold of {threshold}")},
    {Code::kBoardTooSmall,
     N_("board members left: {members}, fewer than the threshold of {threshold}")},
    {Code::kReadRefused,
     N_("the node will not show this: a private read needs a fresh request signed by the "
        "account, a treasurer or an auditor")},
    {Code::kProposalWithdrawn, N_("the board proposal was withdrawn by its proposer")},
    {Code::kNotProposer, N_("only the board member who made a proposal may withdraw it")},
    {Code::kOfficeCashCeiling,
     N_("the office holds {held_cents} not yet deposited; {amount_cents} more would pass the "
        "ceiling of {ceiling_cents}: the treasurer must record a deposit first")},
    {Code::kNotConvertible,
     N_("an exchange office cannot convert for itself, nor for an account of a kind the rules "
        "exclude")},
    {Code::kNameTaken,
     N_("the name looks like that of a merchant, an exchange office, a municipality or the "
        "association")},
    {Code::kProposerCapReached,
     N_("this board member has {pending} proposals pending, its share of the 64 places shared "
        "by the board's {members} members; withdraw one or let it expire first")},

    {Code::kBadRequest,
     N_("the payment request is malformed: its body, its ledger, its nonce or its signature")},
    {Code::kBadStaffKey, N_("the staff key, its scope, its refund cap or its label is not valid")},
    // BAD_CARD names its field by its figure's name (ledger/ops/card.h, CheckCard).
    {Code::kBadCard,
     N_("the card's street address has {address_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard, N_("the card's postcode has {postcode_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard, N_("the card's city has {city_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard, N_("the card's category has {category_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard, N_("the card's opening hours has {hours_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard,
     N_("the card's description has {description_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard, N_("the card's website has {website_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard, N_("the card's phone has {phone_bytes} bytes; at most {max_bytes}")},
    {Code::kBadCard, N_("the card's latitude, {latitude_e6} millionths of a degree, is not between "
                        "-90 and 90 degrees")},
    {Code::kBadCard, N_("the card's longitude, {longitude_e6} millionths of a degree, is not "
                        "between -180 and 180 degrees")},
    {Code::kBadCard,
     N_("the card has a field that is too long or not text, or a position off the globe")},
    {Code::kBadMandate,
     N_("the mandate is malformed or was changed after the debtor signed it: its ledger, "
        "ceiling, period, nonce or signature")},
    {Code::kBadOrder,
     N_("the standing order is malformed: its payees, schedule, dates, count or retries")},
    {Code::kBadExecution,
     N_("the execution does not carry a standing order of this ledger placed by its account")},
    {Code::kOrderUnknown,
     N_("this account placed no standing order with this id: see liard order list")},
    {Code::kOrderEnded, N_("this standing order was cancelled or has run its last execution")},
    {Code::kOrderLimit, N_("the account already has 32 live standing orders (or the ledger "
                           "20,000): cancel one first")},
    {Code::kOrderNotDue, N_("this execution of the standing order is not due yet")},
    {Code::kOrderDone, N_("this execution of the standing order ran (or was skipped) already")},
    {Code::kOrderPaused, N_("this standing order is paused: resume it first")},
    {Code::kOrderActive, N_("this standing order is not paused")},
    {Code::kOrderDate,
     N_("the first date is past, or no execution falls before the end date: choose other dates")},
    {Code::kOrderOutcome,
     N_("the execution's recorded outcome is not what the ledger gives for it now")},
    {Code::kBadAssociationChoice, N_("you cannot choose your own account as your association")},
    {Code::kBadDemurrage,
     N_("the demurrage run is malformed: its month (YYYY-MM) or its 1 to 1000 holders")},
    {Code::kDemurrageHolderTwice, N_("the demurrage run names a holder twice")},
    {Code::kRequestPaid, N_("this payment request was paid already")},
    {Code::kRequestCancelled, N_("this payment request was cancelled by its payee")},
    {Code::kRequestExpired, N_("this payment request has expired")},
    {Code::kRequestMismatch,
     N_("the payment does not match its request: another payee or another amount")},
    {Code::kRequestSigner,
     N_("the payment request is not signed by the payee or by one of its active staff keys")},
    {Code::kNotRefundable,
     N_("this operation is not a payment this account received from that payer and can refund")},
    {Code::kRefundExceeds,
     N_("{refunded_units} of the payment of {original_units} was refunded already; at most "
        "{remaining_units} more can be, not {amount_units}")},
    {Code::kRefundExceeds, N_("the refunds of this payment would add up to more than the payment")},
    {Code::kRefundCap,
     N_("this staff key refunded {refunded_today_units} today; {amount_units} more would pass "
        "its daily cap of {cap_units}: the account's own key can refund it")},
    {Code::kRefundCap, N_("this staff key's refunds today would pass its daily cap")},
    {Code::kKeyScope, N_("this staff key's scope does not allow this operation")},
    {Code::kKeyRevoked, N_("the staff key that signed was revoked")},
    {Code::kTooManyKeys, N_("the account has as many active staff keys as allowed (16)")},
    {Code::kUnknownKey, N_("this key is not an active staff key of the account")},
    {Code::kKeyInUse, N_("this key is already the account's own key or one of its staff keys")},
    {Code::kMandateRevoked,
     N_("the debtor revoked this mandate: nothing more can be collected under it")},
    {Code::kMandateExpired, N_("this mandate has expired; ask the debtor for a new one")},
    {Code::kMandateCeiling,
     N_("{collected_units} was collected this period under this mandate; {amount_units} more "
        "would pass its ceiling of {ceiling_units}")},
    {Code::kMandateCeiling, N_("this collection would pass the mandate's ceiling for the period")},
    {Code::kMandateSigner,
     N_("the mandate is not signed by the debtor's current key; ask the debtor to sign a new one")},
    {Code::kMandateMismatch,
     N_("{amount_units} is more than the mandate's ceiling of {ceiling_units}")},
    {Code::kMandateMismatch,
     N_("this collection does not match its mandate: only its creditor may collect, within its "
        "ceiling")},
    {Code::kAidNotExpired,
     N_("the aid runs until {expires_ms}: what is left goes back to its funder after that")},
    {Code::kAidNotExpired, N_("the aid has not expired yet")},
    {Code::kAidUnreturned,
     N_("the residents named hold {returned_units} of the {outstanding_units} left of the aid: "
        "name every resident who still holds some")},
    {Code::kAidUnreturned, N_("nothing of the aid is left to take back")},
    {Code::kNotEligibleAssociation,
     N_("this account is not one of the associations the rules let members choose: see liard "
        "association show")},
    {Code::kDemurrageOff, N_("the rules charge no demurrage for that month")},
    {Code::kDemurrageNotDue,
     N_("the month has not ended yet: its demurrage is charged after its last day")},
    {Code::kDemurrageLate,
     N_("the 7 days after the month's end have passed: that month is no longer charged")},
    {Code::kDemurrageCharged,
     N_("a holder named was charged for that month already: nobody is charged twice")},
    {Code::kDemurrageNoticeShort,
     N_("demurrage is announced a whole month ahead: its first month charged must begin after "
        "the decision")},
    {Code::kDemurrageReceiver, N_("the account that receives demurrage is not charged it")},

    {Code::kUnitsUnbalanced, N_("the units book would not sum to zero")},
    {Code::kNegativeBalance, N_("an account that may not go negative would")},
    {Code::kEuroUnbalanced, N_("the euro book would not sum to zero")},
    {Code::kReserveShort,
     N_("the reserve, {reserve_cents}, would no longer cover the {circulation_units} in "
        "circulation")},
    {Code::kIssuanceMismatch, N_("the issuance account would differ from minus the circulation")},
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A figure as people read it, by its name's suffix.
std::string Show(std::string_view name, int64_t value, const Money& money) {
  if (EndsWith(name, "_units")) return money.Units(value);
  if (EndsWith(name, "_cents")) return money.Euros(value);
  if (EndsWith(name, "_ms")) return LocalDateTime(value);
  return std::to_string(value);
}

// The code's name as this wallet knows it, else the node's (made safe to print), else "".
std::string NameOf(const Refusal& r) {
  const std::string_view known = CodeName(static_cast<Code>(r.code));
  if (known != "UNKNOWN_CODE") return std::string(known);
  return SafeText(r.code_name.empty() ? std::string(known) : r.code_name);
}

template <typename Response>
Refusal FromResponse(const Response& r) {
  Refusal out;
  out.code = r.code();
  out.code_name = r.code_name();
  out.leg = r.leg();
  for (const auto& [name, value] : r.figures())
    if (IsFigureName(name)) out.figures[name] = value;
  return out;
}

}  // namespace

Refusal RefusalOf(const ::liard::v1::SubmitResponse& r) { return FromResponse(r); }
Refusal RefusalOf(const ::liard::v1::SimulateResponse& r) { return FromResponse(r); }

std::vector<std::string> TemplateFigures(std::string_view msgid) {
  std::vector<std::string> names;
  for (size_t open = msgid.find('{'); open != std::string_view::npos;
       open = msgid.find('{', open + 1)) {
    const size_t close = msgid.find('}', open);
    if (close == std::string_view::npos) break;
    names.emplace_back(msgid.substr(open + 1, close - open - 1));
  }
  return names;
}

std::vector<const char*> RefusalTemplates(Code code) {
  std::vector<const char*> out;
  for (const auto& t : kTemplates)
    if (t.code == code) out.push_back(t.msgid);
  return out;
}

std::string RefusalSentence(Code code, const Figures& figures, const Money& money) {
  for (const auto& t : kTemplates) {
    if (t.code != code) continue;
    const std::vector<std::string> needs = TemplateFigures(t.msgid);
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    bool complete = true;
    for (const std::string& name : needs) {
      auto it = figures.find(name);
      // Units need the ledger's currency: without it, as if the figure were missing.
      if (it == figures.end() || (EndsWith(name, "_units") && money.code().empty())) {
        complete = false;
        break;
      }
      // The map's key outlives `args`: fmt keeps the name's pointer, not a copy.
      args.push_back(fmt::arg(it->first.c_str(), Show(name, it->second, money)));
    }
    if (complete) return FormatOr(_(t.msgid), t.msgid, args);
  }
  return "";
}

std::string DescribeRefusal(const Refusal& r, const Money& money, RefusalFrame frame) {
  const std::string code = NameOf(r);
  const std::string sentence = RefusalSentence(static_cast<Code>(r.code), r.figures, money);
  const bool leg = r.leg != 0 && frame != RefusalFrame::kBare;
  if (sentence.empty()) {
    const auto number = fmt::arg("number", r.code);
    switch (frame) {
      case RefusalFrame::kRefused:
        return leg ? Tr("the ledger refused leg {leg} of the payment: {code} ({number})",
                        fmt::arg("leg", r.leg), fmt::arg("code", code), number)
                   : Tr("the ledger refused the operation: {code} ({number})",
                        fmt::arg("code", code), number);
      case RefusalFrame::kWouldRefuse:
        return leg ? Tr("the ledger would refuse leg {leg} of the payment: {code} ({number})",
                        fmt::arg("leg", r.leg), fmt::arg("code", code), number)
                   : Tr("the ledger would refuse the operation: {code} ({number})",
                        fmt::arg("code", code), number);
      case RefusalFrame::kBare:
        return Tr("the ledger would refuse it: {code} ({number})", fmt::arg("code", code), number);
    }
  }
  const auto c = fmt::arg("code", code);
  const auto s = fmt::arg("reason", sentence);
  switch (frame) {
    case RefusalFrame::kRefused:
      return leg ? Tr("refused: {code}: leg {leg}: {reason}", c, fmt::arg("leg", r.leg), s)
                 : Tr("refused: {code}: {reason}", c, s);
    case RefusalFrame::kWouldRefuse:
      return leg ? Tr("the ledger would refuse this: {code}: leg {leg}: {reason}", c,
                      fmt::arg("leg", r.leg), s)
                 : Tr("the ledger would refuse this: {code}: {reason}", c, s);
    case RefusalFrame::kBare:
      break;
  }
  return Tr("{code}: {reason}", c, s);
}

}  // namespace liard::wallet

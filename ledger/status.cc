// Status codes: names and descriptions, the single table the docs and the wire refer to.
#include "ledger/status.h"

#include <array>

#include "ledger/check.h"

namespace liard {
namespace {

struct CodeInfo {
  Code code;
  std::string_view name;
  std::string_view description;
};

constexpr std::array kCodes = {
    CodeInfo{Code::kOk, "OK", "the operation succeeded"},
    CodeInfo{Code::kInvalidArgument, "INVALID_ARGUMENT", "an argument is not valid"},
    CodeInfo{Code::kNotFound, "NOT_FOUND", "the thing asked for does not exist"},
    CodeInfo{Code::kOutOfRange, "OUT_OF_RANGE", "a number is outside the range it can take"},
    CodeInfo{Code::kCorruption, "CORRUPTION", "stored data is damaged or inconsistent"},
    CodeInfo{Code::kIOError, "IO_ERROR", "reading or writing storage failed"},
    CodeInfo{Code::kUnavailable, "UNAVAILABLE", "the service is not available now; retry later"},
    CodeInfo{Code::kAlreadyExists, "ALREADY_EXISTS", "the thing to create exists already"},
    CodeInfo{Code::kInternal, "INTERNAL", "an internal error; please report it"},

    CodeInfo{Code::kMalformedBody, "MALFORMED_BODY",
             "the operation body cannot be decoded, or has unknown or missing fields"},
    CodeInfo{Code::kBadSignature, "BAD_SIGNATURE",
             "the signature does not match the body and public key"},
    CodeInfo{Code::kWrongLedger, "WRONG_LEDGER", "the operation names another ledger id"},
    CodeInfo{Code::kUnknownOperation, "UNKNOWN_OPERATION",
             "the body carries no operation this ledger knows"},
    CodeInfo{Code::kAmountNotPositive, "AMOUNT_NOT_POSITIVE", "the amount must be above zero"},
    CodeInfo{Code::kMemoTooLong, "MEMO_TOO_LONG", "the memo is longer than 256 bytes"},
    CodeInfo{Code::kMemoNotText, "MEMO_NOT_TEXT",
             "the memo is not valid UTF-8 text, or holds control characters"},
    CodeInfo{Code::kTransferToSelf, "TRANSFER_TO_SELF", "an account cannot pay itself"},
    CodeInfo{Code::kBadAccountId, "BAD_ACCOUNT_ID",
             "an account id is not 32 bytes, or (genesis version 3) a key to install is not a "
             "valid Ed25519 point"},
    CodeInfo{Code::kBadSequence, "BAD_SEQUENCE", "the sequence number must be at least 1"},
    CodeInfo{Code::kBadName, "BAD_NAME",
             "a name must be 1 to 64 bytes of UTF-8 without control characters"},
    CodeInfo{Code::kBadKind, "BAD_KIND", "the account kind is not one this ledger knows"},
    CodeInfo{Code::kBadReference, "BAD_REFERENCE",
             "a bank reference must be at most 64 bytes of printable UTF-8"},
    CodeInfo{Code::kBadLegCount, "BAD_LEG_COUNT", "a payment has 1 to 10,000 legs"},
    CodeInfo{Code::kAmountTooLarge, "AMOUNT_TOO_LARGE",
             "the amounts of the operation add up past the largest amount"},
    CodeInfo{Code::kBadProgrammeName, "BAD_PROGRAMME_NAME",
             "a programme name must be 1 to 32 of a-z, 0-9 and '-'"},
    CodeInfo{Code::kBadDecision, "BAD_DECISION",
             "a board proposal carries no decision, or one that is malformed"},
    CodeInfo{Code::kBadRole, "BAD_ROLE",
             "only the treasurer, board-member and auditor roles are granted or revoked"},
    CodeInfo{Code::kBadRules, "BAD_RULES", "the proposed rules are incoherent"},
    CodeInfo{
        Code::kBadRequest, "BAD_REQUEST",
        "the payment request the transfer pays is malformed: its body, ledger, nonce or signature"},
    CodeInfo{Code::kBadStaffKey, "BAD_STAFF_KEY",
             "the staff key, its scope, its refund cap or its label is not valid"},
    CodeInfo{Code::kBadCard, "BAD_CARD",
             "the card has a field that is too long or not text, or a position off the globe"},
    CodeInfo{Code::kBadMandate, "BAD_MANDATE",
             "the mandate the collection carries is malformed: its body, ledger, ceiling, period, "
             "nonce or signature"},
    CodeInfo{Code::kBadOrder, "BAD_ORDER",
             "the standing order is malformed: its payees, schedule, dates, count or retries"},
    CodeInfo{Code::kBadExecution, "BAD_EXECUTION",
             "the execution does not carry a standing order of this ledger placed by its account"},
    CodeInfo{Code::kBadAssociationChoice, "BAD_ASSOCIATION_CHOICE",
             "a member cannot choose its own account as its association"},
    CodeInfo{Code::kBadDemurrage, "BAD_DEMURRAGE",
             "the demurrage run is malformed: its month (YYYYMM) or its 1 to 1000 holders"},
    CodeInfo{Code::kDemurrageHolderTwice, "DEMURRAGE_HOLDER_TWICE",
             "the demurrage run names a holder twice"},

    CodeInfo{Code::kUnknownAccount, "UNKNOWN_ACCOUNT",
             "the account acting does not exist in this ledger"},
    CodeInfo{Code::kUnknownDestination, "UNKNOWN_DESTINATION",
             "the account to be paid does not exist in this ledger"},
    CodeInfo{Code::kSequenceUsed, "SEQUENCE_USED",
             "the sequence number was used already: this is a replay or a duplicate"},
    CodeInfo{Code::kSequenceGap, "SEQUENCE_GAP",
             "the sequence number skips ahead: an earlier operation is missing"},
    CodeInfo{Code::kInsufficientFunds, "INSUFFICIENT_FUNDS", "the balance is less than the amount"},
    CodeInfo{Code::kAccountFrozen, "ACCOUNT_FROZEN", "the account acting is frozen"},
    CodeInfo{Code::kDestinationFrozen, "DESTINATION_FROZEN", "the account to be paid is frozen"},
    CodeInfo{Code::kAccountClosed, "ACCOUNT_CLOSED", "the account acting is closed"},
    CodeInfo{Code::kDestinationClosed, "DESTINATION_CLOSED", "the account to be paid is closed"},
    CodeInfo{Code::kNotPermitted, "NOT_PERMITTED",
             "the acting account's roles do not allow this operation"},
    CodeInfo{Code::kExpired, "EXPIRED", "the operation's validity period has passed"},
    CodeInfo{Code::kAccountExists, "ACCOUNT_EXISTS", "an account with this id exists already"},
    CodeInfo{Code::kBalanceOverflow, "BALANCE_OVERFLOW",
             "a balance or total would leave the representable range"},
    CodeInfo{Code::kWrongKey, "WRONG_KEY", "the signing key is not the account's current key"},
    CodeInfo{Code::kUnknownProgramme, "UNKNOWN_PROGRAMME",
             "no bonus programme of this name exists in the rules"},
    CodeInfo{Code::kBelowMinimum, "BELOW_MINIMUM", "the amount is below the rules' minimum"},
    CodeInfo{Code::kAboveMaximum, "ABOVE_MAXIMUM", "the amount is above the rules' maximum"},
    CodeInfo{Code::kWrongAccountKind, "WRONG_ACCOUNT_KIND",
             "an account named in the operation is not of the kind the operation needs"},
    CodeInfo{Code::kPaused, "PAUSED",
             "the board has paused all payments; only board decisions are accepted"},
    CodeInfo{Code::kMembershipExpired, "MEMBERSHIP_EXPIRED",
             "the member's membership has ended: an exchange office must renew it first"},
    CodeInfo{Code::kDailyLimit, "DAILY_LIMIT",
             "the payment would pass the account's daily outgoing limit"},
    CodeInfo{Code::kBalanceCeiling, "BALANCE_CEILING",
             "the payment would take an account above its kind's balance ceiling"},
    CodeInfo{Code::kUnknownProposal, "UNKNOWN_PROPOSAL",
             "no pending board proposal has this id (never made, decided or pruned)"},
    CodeInfo{Code::kProposalExpired, "PROPOSAL_EXPIRED", "the board proposal's expiry has passed"},
    CodeInfo{Code::kAlreadyApproved, "ALREADY_APPROVED",
             "this board member has approved the proposal already"},
    CodeInfo{Code::kTooManyProposals, "TOO_MANY_PROPOSALS",
             "too many board proposals are pending; decide or let some expire first"},
    CodeInfo{Code::kBoardTooSmall, "BOARD_TOO_SMALL",
             "the decision would leave fewer board members than the threshold"},
    CodeInfo{Code::kReadRefused, "READ_REFUSED",
             "a private read needs a fresh request signed by the account, a treasurer or an "
             "auditor"},
    CodeInfo{Code::kProposalWithdrawn, "PROPOSAL_WITHDRAWN",
             "the board proposal was withdrawn by its proposer and can no longer be approved"},
    CodeInfo{Code::kNotProposer, "NOT_PROPOSER",
             "only the board member who made a proposal may withdraw it"},
    CodeInfo{Code::kOfficeCashCeiling, "OFFICE_CASH_CEILING",
             "the exchange office would hold more cash not yet deposited than the rules allow"},
    CodeInfo{Code::kNotConvertible, "NOT_CONVERTIBLE",
             "an exchange office may not convert for this account (itself, or a kind the rules "
             "exclude)"},
    CodeInfo{Code::kNameTaken, "NAME_TAKEN",
             "the name looks like that of a merchant, office, municipality or the association "
             "(or, for one of those, of any account)"},
    CodeInfo{Code::kProposerCapReached, "PROPOSER_CAP_REACHED",
             "this board member has as many proposals pending as its share of the 64 places; "
             "withdraw one or let it expire first"},
    CodeInfo{Code::kRequestPaid, "REQUEST_PAID", "the payment request was paid already"},
    CodeInfo{Code::kRequestCancelled, "REQUEST_CANCELLED",
             "the payment request was cancelled by its payee"},
    CodeInfo{Code::kRequestExpired, "REQUEST_EXPIRED", "the payment request has expired"},
    CodeInfo{Code::kRequestMismatch, "REQUEST_MISMATCH",
             "the payment does not match its request: another payee or another amount"},
    CodeInfo{
        Code::kRequestSigner, "REQUEST_SIGNER",
        "the payment request is not signed by the payee's key or one of its active staff keys"},
    CodeInfo{Code::kNotRefundable, "NOT_REFUNDABLE",
             "the operation named is not a payment this account received from that payer that can "
             "be refunded"},
    CodeInfo{Code::kRefundExceeds, "REFUND_EXCEEDS",
             "the refunds of a payment would add up to more than the payment"},
    CodeInfo{Code::kRefundCap, "REFUND_CAP",
             "the staff key's refunds today would pass its daily cap"},
    CodeInfo{Code::kKeyScope, "KEY_SCOPE", "the staff key's scope does not allow this operation"},
    CodeInfo{Code::kKeyRevoked, "KEY_REVOKED", "the staff key that signed was revoked"},
    CodeInfo{Code::kTooManyKeys, "TOO_MANY_KEYS",
             "the account has as many active staff keys as allowed (16)"},
    CodeInfo{Code::kUnknownKey, "UNKNOWN_KEY", "the key is not an active staff key of the account"},
    CodeInfo{Code::kKeyInUse, "KEY_IN_USE",
             "the key is already the account's own key or one of its staff keys"},
    CodeInfo{Code::kMandateRevoked, "MANDATE_REVOKED", "the debtor revoked the mandate"},
    CodeInfo{Code::kMandateExpired, "MANDATE_EXPIRED", "the mandate has expired"},
    CodeInfo{Code::kMandateCeiling, "MANDATE_CEILING",
             "the collection would pass the mandate's ceiling for the period"},
    CodeInfo{Code::kMandateSigner, "MANDATE_SIGNER",
             "the mandate is not signed by the debtor account's current key"},
    CodeInfo{Code::kMandateMismatch, "MANDATE_MISMATCH",
             "the collection does not match its mandate: another creditor, or more than the "
             "ceiling"},
    CodeInfo{Code::kOrderUnknown, "ORDER_UNKNOWN",
             "the account placed no standing order with this id"},
    CodeInfo{Code::kOrderEnded, "ORDER_ENDED",
             "the standing order was cancelled or has run its last execution"},
    CodeInfo{Code::kOrderLimit, "ORDER_LIMIT",
             "the account (32) or the ledger (20,000) has as many live standing orders as "
             "allowed"},
    CodeInfo{Code::kOrderNotDue, "ORDER_NOT_DUE", "the execution is not due yet"},
    CodeInfo{Code::kOrderDone, "ORDER_DONE",
             "the execution is not the order's next one: it ran (or was skipped) already"},
    CodeInfo{Code::kOrderPaused, "ORDER_PAUSED", "the standing order is paused"},
    CodeInfo{Code::kOrderActive, "ORDER_ACTIVE", "the standing order is not paused"},
    CodeInfo{Code::kOrderDate, "ORDER_DATE",
             "the standing order's first date is past, or no execution falls before its end"},
    CodeInfo{Code::kOrderOutcome, "ORDER_OUTCOME",
             "the execution's recorded outcome is not what the ledger gives for it now"},
    CodeInfo{Code::kAidNotExpired, "AID_NOT_EXPIRED",
             "the earmarked aid has not expired yet: its units cannot be taken back"},
    CodeInfo{Code::kAidUnreturned, "AID_UNRETURNED",
             "the holders named do not hold all that is left of the earmarked aid"},
    CodeInfo{Code::kNotEligibleAssociation, "NOT_ELIGIBLE_ASSOCIATION",
             "the account is not one of the associations the rules let members choose"},
    CodeInfo{Code::kDemurrageOff, "DEMURRAGE_OFF", "the rules charge no demurrage for that month"},
    CodeInfo{Code::kDemurrageNotDue, "DEMURRAGE_NOT_DUE",
             "the month has not ended yet: its demurrage is charged after its last day"},
    CodeInfo{Code::kDemurrageLate, "DEMURRAGE_LATE",
             "the window to charge that month's demurrage (7 days after its end) has passed"},
    CodeInfo{Code::kDemurrageCharged, "DEMURRAGE_CHARGED",
             "a holder named was already charged demurrage for that month"},
    CodeInfo{Code::kDemurrageNoticeShort, "DEMURRAGE_NOTICE_SHORT",
             "demurrage must be announced a whole month ahead: its first month charged must "
             "begin after the decision"},
    CodeInfo{Code::kDemurrageReceiver, "DEMURRAGE_RECEIVER",
             "the account that receives demurrage is not charged it"},

    CodeInfo{Code::kUnitsUnbalanced, "UNITS_UNBALANCED", "the units book would not sum to zero"},
    CodeInfo{Code::kNegativeBalance, "NEGATIVE_BALANCE",
             "an account that may not go negative would"},
    CodeInfo{Code::kEuroUnbalanced, "EURO_UNBALANCED", "the euro book would not sum to zero"},
    CodeInfo{Code::kReserveShort, "RESERVE_SHORT",
             "the guarantee fund would no longer cover the units in circulation"},
    CodeInfo{Code::kIssuanceMismatch, "ISSUANCE_MISMATCH",
             "the issuance account would differ from minus the circulation"},
};

const CodeInfo* Find(Code code) {
  for (const auto& info : kCodes)
    if (info.code == code) return &info;
  return nullptr;
}

}  // namespace

CodeGroup GroupOf(Code code) {
  auto n = static_cast<uint16_t>(code);
  if (n == 0) return CodeGroup::kOk;
  if (n < 100) return CodeGroup::kGeneric;
  if (n < 200) return CodeGroup::kMalformed;
  if (n < 300) return CodeGroup::kRefused;
  return CodeGroup::kInvariant;
}

std::string_view CodeName(Code code) {
  const CodeInfo* info = Find(code);
  return info ? info->name : "UNKNOWN_CODE";
}

const std::vector<Code>& AllCodes() {
  static const std::vector<Code> codes = [] {
    std::vector<Code> v;
    for (const auto& info : kCodes) v.push_back(info.code);
    return v;
  }();
  return codes;
}

std::string_view CodeDescription(Code code) {
  const CodeInfo* info = Find(code);
  return info ? info->description : "a code this version does not know";
}

bool IsFigureName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

Status& Status::With(std::string_view name, int64_t value) & {
  LIARD_CHECK(IsFigureName(name));
  figures_.push_back(Figure{std::string(name), value});
  return *this;
}

const int64_t* Status::figure(std::string_view name) const {
  for (const auto& f : figures_)
    if (f.name == name) return &f.value;
  return nullptr;
}

std::string Status::ToString() const {
  std::string s(CodeName(code_));
  if (!message_.empty()) {
    s += ": ";
    s += message_;
  }
  return s;
}

}  // namespace liard

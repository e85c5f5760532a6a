// Status: the outcome of an operation, as a stable code and a message a person understands.
#ifndef LIARD_LEDGER_STATUS_H_
#define LIARD_LEDGER_STATUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liard {

// Codes are stored in journals and receipts and sent over the wire: never renumber one.
// Ranges: 0 success; 1-99 generic errors (not ledger decisions); 100-199 malformed (decided
// without looking at the ledger's state); 200-299 refused by the ledger's state; 300-399 an
// invariant would break (the operation is refused and nothing changes).
enum class Code : uint16_t {
  kOk = 0,

  // Generic.
  kInvalidArgument = 1,
  kNotFound = 2,
  kOutOfRange = 3,
  kCorruption = 4,
  kIOError = 5,
  kUnavailable = 6,
  kAlreadyExists = 7,
  kInternal = 8,

  // Malformed: the operation is wrong whatever the ledger holds.
  kMalformedBody = 101,
  kBadSignature = 102,
  kWrongLedger = 103,
  kUnknownOperation = 104,
  kAmountNotPositive = 105,
  kMemoTooLong = 106,
  kMemoNotText = 107,
  kTransferToSelf = 108,
  kBadAccountId = 109,
  kBadSequence = 110,
  kBadName = 111,
  kBadKind = 112,
  kBadReference = 113,
  kBadProgrammeName = 114,
  kBadLegCount = 115,
  kAmountTooLarge = 116,
  kBadDecision = 117,
  kBadRole = 118,
  kBadRules = 119,
  kBadRequest = 120,
  kBadStaffKey = 121,
  kBadCard = 122,
  kBadMandate = 123,
  kBadOrder = 124,
  kBadExecution = 125,
  kBadAssociationChoice = 127,
  kBadDemurrage = 128,
  kDemurrageHolderTwice = 129,

  // Refused by state: the operation is well formed but the ledger cannot accept it now.
  kUnknownAccount = 201,
  kUnknownDestination = 202,
  kSequenceUsed = 203,
  kSequenceGap = 204,
  kInsufficientFunds = 205,
  kAccountFrozen = 206,
  kDestinationFrozen = 207,
  kAccountClosed = 208,
  kDestinationClosed = 209,
  kNotPermitted = 210,
  kExpired = 211,
  kAccountExists = 212,
  kBalanceOverflow = 213,
  kWrongKey = 214,
  kUnknownProgramme = 215,
  kBelowMinimum = 216,
  kAboveMaximum = 217,
  kWrongAccountKind = 218,
  kPaused = 219,
  kMembershipExpired = 220,
  kDailyLimit = 221,
  kBalanceCeiling = 222,
  kUnknownProposal = 223,
  kProposalExpired = 224,
  kAlreadyApproved = 225,
  kTooManyProposals = 226,
  kBoardTooSmall = 227,
  kReadRefused = 228,
  kProposalWithdrawn = 229,
  kNotProposer = 230,
  kOfficeCashCeiling = 231,
  kNotConvertible = 232,
  kNameTaken = 233,
  kProposerCapReached = 235,
  kRequestPaid = 236,
  kRequestCancelled = 237,
  kRequestExpired = 238,
  kRequestMismatch = 239,
  kRequestSigner = 240,
  kNotRefundable = 241,
  kRefundExceeds = 242,
  kRefundCap = 243,
  kKeyScope = 244,
  kKeyRevoked = 245,
  kTooManyKeys = 246,
  kUnknownKey = 247,
  kKeyInUse = 248,
  kMandateRevoked = 249,
  kMandateExpired = 250,
  kMandateCeiling = 251,
  kMandateSigner = 252,
  kMandateMismatch = 253,
  kOrderUnknown = 254,
  kOrderEnded = 255,
  kOrderLimit = 256,
  kOrderNotDue = 257,
  kOrderDone = 258,
  kOrderPaused = 259,
  kOrderActive = 260,
  kOrderDate = 261,
  kOrderOutcome = 262,
  // Earmarked aid (numbered apart, so that other families added at the same time do not clash).
  kAidNotExpired = 270,
  kAidUnreturned = 271,
  kNotEligibleAssociation = 272,
  // Demurrage.
  kDemurrageOff = 273,
  kDemurrageNotDue = 274,
  kDemurrageLate = 275,
  kDemurrageCharged = 276,
  kDemurrageNoticeShort = 277,
  kDemurrageReceiver = 278,

  // Invariants: the operation would leave the books inconsistent.
  kUnitsUnbalanced = 301,
  kNegativeBalance = 302,
  kEuroUnbalanced = 303,
  kReserveShort = 304,
  kIssuanceMismatch = 305,
};

enum class CodeGroup { kOk, kGeneric, kMalformed, kRefused, kInvariant };

CodeGroup GroupOf(Code code);
// The stable symbolic name of a code, e.g. "INSUFFICIENT_FUNDS".
std::string_view CodeName(Code code);
// One sentence saying what the code means, for documentation and messages.
std::string_view CodeDescription(Code code);
// Every code this version names, kOk first, in the order of the enum.
const std::vector<Code>& AllCodes();

// A number a refusal states, named so that a client can say it in its own words: the name is
// lower-case [a-z0-9_] and its suffix says the unit: "_units" minor units of the currency,
// "_cents" euro cents, "_ms" Unix milliseconds, none a plain count ("balance_units", "until_ms",
// "expected"). The node sends each one as the trailer `liard-figure-<name>` (docs/protocol.md).
struct Figure {
  std::string name;
  int64_t value = 0;
  bool operator==(const Figure&) const = default;
};

// True if `name` is a figure's name: 1 to 32 of a-z, 0-9 and '_'.
bool IsFigureName(std::string_view name);

// A Status is cheap to copy when ok (no figures: an empty vector, nothing allocated). Ignoring one
// is a compile error (-Werror=unused-result).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  // A refusal about one item of a list (a leg of a multi-leg payment), 1-based.
  Status(Code code, std::string message, uint32_t item)
      : code_(code), message_(std::move(message)), item_(item) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The 1-based index of the item the status is about; 0 when it is about the whole.
  uint32_t item() const { return item_; }
  // "INSUFFICIENT_FUNDS: balance 3.00 is less than 5.00".
  std::string ToString() const;

  // Adds a figure the message states (see Figure), in the order the message states them:
  //   return Status(Code::kInsufficientFunds, "...").With("balance_units", b).With(...);
  // A name that IsFigureName refuses is a programming error (LIARD_CHECK).
  Status& With(std::string_view name, int64_t value) &;
  Status&& With(std::string_view name, int64_t value) && { return std::move(With(name, value)); }
  const std::vector<Figure>& figures() const { return figures_; }
  // The figure of that name, or nullptr.
  const int64_t* figure(std::string_view name) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  uint32_t item_ = 0;
  std::vector<Figure> figures_;
};

}  // namespace liard

#endif  // LIARD_LEDGER_STATUS_H_

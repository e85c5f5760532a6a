// Operations: the decoded body of a signed envelope, and the envelope itself.
#ifndef LIARD_LEDGER_OPERATION_H_
#define LIARD_LEDGER_OPERATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "ledger/crypto.h"
#include "ledger/rules.h"

namespace liard {

inline constexpr size_t kMaxMemoBytes = 256;

// A payment request as its payee signed it (liard.v1.PaymentRequestBody): made off the ledger,
// carried in a URI or QR, and included whole in the transfer that pays it.
struct PaymentRequest {
  Hash ledger_id;
  AccountId payee;
  Amount amount;  // 0: an open amount, the payer chooses
  std::string memo;
  int64_t expires_ms = 0;  // Unix ms; 0 = no expiry
  std::string nonce;       // 16 to 32 bytes
  int64_t created_ms = 0;  // shown, not checked
};
inline constexpr size_t kMinRequestNonceBytes = 16;
inline constexpr size_t kMaxRequestNonceBytes = 32;

struct SignedRequest {
  std::string body;  // the encoded PaymentRequestBody, exactly as signed
  PublicKey key;     // the payee's key or one of its staff keys
  Signature signature;
  PaymentRequest request;  // `body` decoded (by proto/'s codec)
};

// The bytes a payee signs: kRequestDomain || ledger id || body.
std::string RequestSigningMessage(const Hash& ledger_id, std::string_view body);
// A request's id: SHA-256 of RequestSigningMessage.
Hash RequestId(const Hash& ledger_id, std::string_view body);

// Pay units from the signing account to another member account.
struct Transfer {
  AccountId to;
  Amount amount;
  std::string memo;  // free text shown to both sides; at most kMaxMemoBytes of printable UTF-8
  std::optional<SignedRequest> request = std::nullopt;  // the payment request it pays, if any
};

// Open a member account for a public key. Exchange offices and treasurers open residents'
// accounts, recording their membership (until when, and the fee paid); any other kind is a
// board decision (an OpenAccount inside a Propose).
struct OpenAccount {
  AccountId id;
  AccountKind kind = AccountKind::kResident;
  std::string name;
  int64_t member_until_ms = 0;  // residents: end of the membership (Unix ms); 0 = no expiry
  Amount fee;                   // euro cents of membership fee paid at opening; 0 = none
};

inline constexpr size_t kMaxReferenceBytes = 64;
inline constexpr size_t kMaxLegs = 10'000;

// One payee of a payment with many legs.
struct Leg {
  AccountId to;
  Amount amount;
  std::string memo;
};

// Pay many members at once (a municipality's indemnities): applied whole or refused whole,
// naming the first bad leg. 1 to kMaxLegs legs; a payee may appear more than once.
struct MultiTransfer {
  std::vector<Leg> legs;
};

// An exchange office records that `member` handed it `euros` (cents): the member receives the
// units at par plus any bonus of `programme` (empty: none). Atomic: euros in, units issued and
// bonus funded are one operation.
struct Conversion {
  AccountId member;
  Amount euros;
  std::string programme;
};

// An exchange office sells paper notes for `euros`: the units go into the paper liability.
struct NoteSale {
  Amount euros;
};

// An exchange office takes back `units` of paper notes from `merchant` for reconversion: the
// notes leave circulation and the merchant is owed their euros less the fee.
struct NoteRedemption {
  AccountId merchant;
  Amount units;
};

// The treasurer records that `office`'s cash was banked into the guarantee fund.
struct Deposit {
  AccountId office;
  Amount euros;
  std::string reference;  // the bank statement's reference, for reconciliation
};

// A merchant converts `units` back to euros: they leave circulation, the merchant is owed the
// euros less the fee, and the fee becomes the association's income.
struct Reconversion {
  Amount units;
};

// The treasurer records the bank transfer that paid a merchant what a reconversion owed.
struct Payout {
  AccountId merchant;
  Amount euros;
  std::string reference;
};

// The treasurer records a sponsor's payment into a bonus programme's budget.
struct FundProgramme {
  std::string programme;
  Amount euros;
  std::string reference;
};

// What the bank itself did to the association's account, seen on its statement.
enum class BankEntryKind : uint8_t { kFee = 1, kInterest = 2 };

// The treasurer records a bank fee (the bank took `euros` from the account: paid from the
// association's income, never from the guarantee fund) or interest the bank paid (`euros` into
// the account: the association's income, not the fund's), so that the books match the bank
// statement to the cent.
struct BankEntry {
  BankEntryKind kind = BankEntryKind::kFee;
  Amount euros;           // euro cents, above zero
  std::string reference;  // the bank statement's reference, for reconciliation
};

// An office or treasurer renews a member's membership until `until_ms`, recording the fee paid
// (to the association's income).
struct RenewMembership {
  AccountId member;
  int64_t until_ms = 0;
  Amount fee;
};

// ---- Board decisions: what a proposal decides once M of N board members approved it.

// Grant or revoke kTreasurer, kAuditor or kBoardMember (see Role).
struct GrantRole {
  AccountId account;
  Role role = Role::kTreasurer;
};
struct RevokeRole {
  AccountId account;
  Role role = Role::kTreasurer;
};
// Replace the money rules whole (programmes, fees, caps, limits). Programmes with money left in
// their budget cannot be dropped (end them with ends_ms instead).
struct SetRules {
  Rules rules;
};
inline constexpr size_t kMaxReasonBytes = 256;
// Freeze an account: it can neither send nor receive. The reason is kept and shown.
struct Freeze {
  AccountId account;
  std::string reason;
};
struct Unfreeze {
  AccountId account;
};
// Lost phone, lost key: the account now signs with `new_key`; the old key stops working, the
// balance and history stay.
struct Rekey {
  AccountId account;
  PublicKey new_key;
};
// The emergency stop: every operation but board proposals and approvals is refused until
// Resume. Reads and audits go on.
struct Pause {
  std::string reason;
};
struct Resume {};
// How many board approvals decide (1 to the board's size).
struct SetThreshold {
  uint32_t threshold = 1;
};
// The node now signs its checkpoints with `node_key`: the ledger names the key, so a client can
// tell the association's node from a stranger that copied the journal.
struct SetNodeKey {
  PublicKey node_key;
};
// The ledger names these keys, the whole set, for its nodes' checkpoints (a primary and its
// standbys, each with its own key): a checkpoint signed by any of them is the association's.
// The first is the one SetNodeKey would have named (Governance::node_key).
inline constexpr size_t kMaxNodeKeys = 7;
struct SetNodeKeys {
  std::vector<PublicKey> node_keys;  // 1 to kMaxNodeKeys distinct valid Ed25519 keys
};

using Decision = std::variant<OpenAccount, GrantRole, RevokeRole, SetRules, Freeze, Unfreeze, Rekey,
                              Pause, Resume, SetThreshold, SetNodeKey, SetNodeKeys>;
std::string_view DecisionName(const Decision& decision);  // "open-account", "freeze", ...

inline constexpr int64_t kMaxProposalLifetimeMs = 30LL * 24 * 3600 * 1000;  // 30 days

// A board member proposes a decision; the proposal's id is this operation's id, and the
// proposer's signature is its first approval. It is decided (applied, once) by the approval
// that reaches the threshold, if before `expires_ms`.
struct Propose {
  Decision decision;
  int64_t expires_ms = 0;  // Unix ms; after now, at most kMaxProposalLifetimeMs ahead
};

// A board member approves a pending proposal.
struct Approve {
  Hash proposal;
};

// Its proposer withdraws a pending proposal: it can no longer be approved. It stays in the
// pending list, without approvals, until it expires, so that an approval of it is refused as
// PROPOSAL_WITHDRAWN rather than as unknown.
struct Withdraw {
  Hash proposal;
};

// ---- At the till.

// The payee (or a staff key of its) cancels a payment request: it can no longer be paid.
struct CancelRequest {
  Hash request_id;
};

// The account that was paid pays `amount` back to `payer`, linked to the payment `original`.
struct Refund {
  Hash original;  // the operation id of the payment refunded
  AccountId payer;
  Amount amount;
  std::string memo;
};

// The account's own key adds a staff key with a scope.
struct AddKey {
  PublicKey key;
  KeyScope scope = KeyScope::kReceive;
  int64_t refund_cap_per_day = 0;  // kRefund: minor units per day, above zero; else 0
  std::string label;
};

// The account's own key revokes a staff key, at once.
struct RevokeKey {
  PublicKey key;
};

// A merchant, office, municipality or the association sets its public card, whole (empty:
// removed).
struct SetCard {
  Card card;
};

// ---- Mandates (prélèvements): a debtor lets a creditor collect, within a ceiling per period.

// The period a mandate's ceiling counts over, in the currency's time zone. Stored as numbers.
enum class MandatePeriod : uint8_t {
  kWeek = 1,   // Monday to Sunday
  kMonth = 2,  // a calendar month
  kYear = 3,   // a calendar year
};
bool IsValidMandatePeriod(uint32_t period);
std::string_view MandatePeriodName(MandatePeriod period);  // "week", "month", "year"

// A mandate as its debtor signed it (liard.v1.MandateBody): asked by the creditor, signed off the
// ledger by the debtor's own key, and carried whole by every collection under it.
struct Mandate {
  Hash ledger_id;
  AccountId creditor;  // who may collect
  AccountId debtor;    // whose units are collected; signs the mandate
  Amount ceiling;      // minor units per period, above zero
  MandatePeriod period = MandatePeriod::kMonth;
  std::string memo;        // what for ("Cotisation 2027"), as Transfer.memo
  int64_t expires_ms = 0;  // Unix ms; no collection after it; 0 = until revoked
  std::string nonce;       // 16 to 32 bytes: two mandates of one creditor and debtor differ
  int64_t created_ms = 0;  // shown, not checked
};
inline constexpr size_t kMinMandateNonceBytes = 16;
inline constexpr size_t kMaxMandateNonceBytes = 32;

struct SignedMandate {
  std::string body;  // the encoded MandateBody, exactly as signed
  PublicKey key;     // the debtor's own key (never a staff key)
  Signature signature;
  Mandate mandate;  // `body` decoded (by proto/'s codec)
};

// The bytes a debtor signs: kMandateDomain || ledger id || body.
std::string MandateSigningMessage(const Hash& ledger_id, std::string_view body);
// A mandate's id: SHA-256 of MandateSigningMessage.
Hash MandateId(const Hash& ledger_id, std::string_view body);

// The creditor (the acting account) collects `amount` from the mandate's debtor, under the
// mandate it carries whole: within the ceiling of the current period, before expiry and
// revocation.
struct Collect {
  SignedMandate mandate;
  Amount amount;
  std::string memo;  // as Transfer.memo: "cantine, novembre"
};

// The debtor (the acting account) revokes a mandate: nothing more is collected under it.
struct RevokeMandate {
  Hash mandate_id;
};

// ---- Earmarked aid (ledger/ops/aid.cc).

// A funder (a municipality, the association) gives residents units from its own balance,
// earmarked: spendable only at payees whose public card names one of `categories` or that
// `merchants` lists, until `expires_ms`. The grant's id is this operation's id. Each recipient
// is a Leg (to, amount, memo); 1 to kMaxLegs of them.
struct GrantAid {
  std::string purpose;  // 1 to kMaxGrantPurposeBytes of printable UTF-8
  std::vector<std::string> categories;
  std::vector<AccountId> merchants;
  int64_t expires_ms = 0;  // Unix ms, after now
  std::vector<Leg> recipients;
};

// The funder takes back, after the expiry, every unit of grant `grant` still held: `holders`
// must name every resident who still holds some (others are skipped), so that nothing is left.
struct ExpireAid {
  Hash grant;
  std::vector<AccountId> holders;  // 1 to kMaxLegs
};

// ---- Standing orders: the payer signs once, the node executes at due times.

// How often a standing order runs, in the currency's time zone. Stored as numbers.
enum class OrderSchedule : uint8_t {
  kMonthly = 1,    // on day `every` (1 to 31) of each month; past a short month's end, its last day
  kWeekly = 2,     // on weekday `every` (1 Monday to 7 Sunday)
  kEveryDays = 3,  // every `every` days (1 to 366) from the first date
};
bool IsValidOrderSchedule(uint32_t schedule);
std::string_view OrderScheduleName(OrderSchedule schedule);  // "monthly", "weekly", "every-days"

inline constexpr size_t kMaxOrderLegs = 1'000;     // payees of one order (a list)
inline constexpr uint32_t kMaxOrderRetries = 7;    // a short balance is tried again, daily
inline constexpr uint32_t kMaxOrderCount = 1'200;  // executions of one order (100 years monthly)
inline constexpr uint32_t kMaxEveryDays = 366;
inline constexpr int64_t kMaxOrdersPerPayer = 32;       // live orders of one account
inline constexpr int64_t kMaxOrdersPerLedger = 20'000;  // live orders of the whole ledger

// The payer (the acting account) places a standing order: pay `legs` on the schedule from
// `first_date` on, until `end_date` or `count` executions (either or both; neither: until
// cancelled). The order's id is this operation's id. Dates are local calendar dates (YYYYMMDD)
// in the currency's zone; an execution is due at 00:00 local time of its day.
struct PlaceOrder {
  std::vector<Leg> legs;  // 1 to kMaxOrderLegs
  OrderSchedule schedule = OrderSchedule::kMonthly;
  uint32_t every = 1;       // see OrderSchedule
  uint32_t first_date = 0;  // YYYYMMDD: no execution before this day
  uint32_t end_date = 0;    // YYYYMMDD: no execution after this day; 0 = none
  uint32_t count = 0;       // at most this many executions; 0 = no count
  uint32_t retries = 0;     // a short balance is tried again each next day, this many times
  std::string memo;         // what for ("Loyer"), shown to both sides
};

// What the payer does to its order.
enum class OrderAction : uint8_t {
  kPause = 1,   // no execution until resumed; executions due meanwhile are skipped
  kResume = 2,  // runs again from the first execution due after now
  kCancel = 3,  // final
};
bool IsValidOrderAction(uint32_t action);
std::string_view OrderActionName(OrderAction action);  // "pause", "resume", "cancel"

// The payer (the acting account) pauses, resumes or cancels one of its orders.
struct SetOrderState {
  Hash order;  // the PlaceOrder's operation id
  OrderAction action = OrderAction::kPause;
};

// The node (signing with the node key the ledger names) runs execution `index` (from 0) of an
// order, try `attempt` (0 the first, up to the order's retries), for the order's payer (the
// operation's account, whose sequence it does not use). It carries the placing operation's body
// whole, so that an audit replay re-derives from the entry alone that the execution was
// authorised and due. `failed` is 0 when the legs are paid; otherwise the code that refuses
// paying them now, which the ledger re-derives, and the execution moves nothing.
struct ExecuteOrder {
  std::string order_body;  // the PlaceOrder's OperationBody, exactly as the payer signed it
  uint32_t index = 0;
  uint32_t attempt = 0;
  uint32_t failed = 0;  // a Code, or 0
  // `order_body` decoded (by proto/'s codec): the order's ledger and payer, and its terms.
  Hash order_ledger;
  AccountId payer;
  PlaceOrder order;
};

// ---- The association's share (ledger/ops/share.cc).

// A member (the acting account) chooses the association that receives the association's share
// of its conversions, among those the rules list; all zeros: none. Changeable at any time.
struct ChooseAssociation {
  AccountId association;
};

// ---- Demurrage (ledger/ops/demurrage.cc).

// The treasurer charges the month `period` (YYYYMM, in the currency's zone) to `holders`, in the
// window after the month ends: the core derives each charge from the holder's balance, so the
// body carries no amount. Each holder is charged once per month (a tally).
inline constexpr size_t kMaxDemurrageHolders = 1000;
struct ApplyDemurrage {
  uint32_t period = 0;             // 202701 for January 2027
  std::vector<AccountId> holders;  // 1 to kMaxDemurrageHolders, distinct
};

// Stored as numbers in the permission table and receipts: never renumber.
enum class OpType : uint8_t {
  kTransfer = 1,
  kOpenAccount = 2,
  kConversion = 3,
  kNoteSale = 4,
  kNoteRedemption = 5,
  kDeposit = 6,
  kReconversion = 7,
  kPayout = 8,
  kFundProgramme = 9,
  kMultiTransfer = 10,
  kPropose = 11,
  kApprove = 12,
  kRenewMembership = 13,
  kWithdraw = 14,
  kBankEntry = 15,
  kCancelRequest = 16,
  kRefund = 17,
  kAddKey = 18,
  kRevokeKey = 19,
  kSetCard = 20,
  kCollect = 21,
  kRevokeMandate = 22,
  kGrantAid = 23,
  kExpireAid = 24,
  kPlaceOrder = 25,
  kSetOrderState = 26,
  kExecuteOrder = 27,
  kChooseAssociation = 28,
  kApplyDemurrage = 29,
};
std::string_view OpTypeName(OpType type);

using Payload =
    std::variant<Transfer, OpenAccount, Conversion, NoteSale, NoteRedemption, Deposit, Reconversion,
                 Payout, FundProgramme, MultiTransfer, Propose, Approve, RenewMembership, Withdraw,
                 BankEntry, CancelRequest, Refund, AddKey, RevokeKey, SetCard, Collect,
                 RevokeMandate, GrantAid, ExpireAid, PlaceOrder, SetOrderState, ExecuteOrder,
                 ChooseAssociation, ApplyDemurrage>;

// What an operation says, decoded from the exact bytes that were signed.
struct Operation {
  Hash ledger_id;            // the ledger it is meant for
  AccountId account;         // the acting account (the payer of a transfer)
  uint64_t sequence = 0;     // the acting account's sequence + 1
  int64_t not_after_ms = 0;  // refused after this Unix time in ms; 0 = no limit
  Payload payload;

  OpType type() const;
};

// The envelope: body bytes, the signer's public key and an Ed25519 signature over
// SigningMessage(ledger id, body). `op` is the decoding of `body` (by proto/'s codec).
struct SignedOperation {
  std::string body;
  PublicKey key;
  Signature signature;
  Operation op;
};

// The bytes signed: kOperationDomain || ledger id (32 bytes) || body.
std::string SigningMessage(const Hash& ledger_id, std::string_view body);
// An operation's id: SHA-256 of SigningMessage. Known to the client before it sends.
Hash OperationId(const Hash& ledger_id, std::string_view body);

}  // namespace liard

#endif  // LIARD_LEDGER_OPERATION_H_

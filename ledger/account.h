// Accounts and the two books: who holds what, and the keys under which balances are posted.
#ifndef LIARD_LEDGER_ACCOUNT_H_
#define LIARD_LEDGER_ACCOUNT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"

namespace liard {

// An account is named by the public key it was opened with; that id never changes, even when
// the account is re-keyed to a new signing key.
using AccountId = PublicKey;

// Stored and sent as numbers: never renumber.
enum class AccountKind : uint8_t {
  kResident = 1,        // a person: holds units, pays, cannot reconvert
  kMerchant = 2,        // an approved professional: is paid, may reconvert
  kExchangeOffice = 3,  // a comptoir de change: records conversions
  kMunicipality = 4,    // a collectivité: pays indemnities, receives service payments
  kAssociation = 5,     // the association that runs the currency
};
inline constexpr AccountKind kAllKinds[] = {AccountKind::kResident, AccountKind::kMerchant,
                                            AccountKind::kExchangeOffice,
                                            AccountKind::kMunicipality, AccountKind::kAssociation};
bool IsValidKind(uint32_t kind);
// A kind as a bit of a mask, for tables of who may do what.
inline constexpr uint32_t KindBit(AccountKind k) { return 1u << static_cast<uint32_t>(k); }
std::string_view KindName(AccountKind kind);  // "resident", "merchant", ...

// What an actor may do: the seven roles of the permission table (ledger/permissions.h). The
// first four come from an account's kind; kTreasurer also from the association's own kind.
// kTreasurer and kAuditor are granted to an account by a board decision (Account::roles);
// kBoardMember is membership of the board list in the governance record. Stored as numbers.
enum class Role : uint8_t {
  kResident = 1,
  kMerchant = 2,
  kExchangeOffice = 3,
  kMunicipality = 4,
  kTreasurer = 5,
  kBoardMember = 6,
  kAuditor = 7,
};
inline constexpr Role kAllRoles[] = {Role::kResident,     Role::kMerchant,  Role::kExchangeOffice,
                                     Role::kMunicipality, Role::kTreasurer, Role::kBoardMember,
                                     Role::kAuditor};
inline constexpr uint32_t RoleBit(Role r) { return 1u << static_cast<uint32_t>(r); }
// The roles a board decision may grant or revoke.
bool IsGrantableRole(uint32_t role);
std::string_view RoleName(Role role);  // "resident", ..., "board-member", "auditor"

enum class AccountStatus : uint8_t {
  kActive = 1,
  kFrozen = 2,  // cannot send or receive until unfrozen
  kClosed = 3,  // final
};
std::string_view StatusName(AccountStatus status);

// What a staff key (a cashier's, a till's) may do for the account it was added to. Stored as
// numbers: never renumber. See StaffMayPerform (ledger/permissions.h).
enum class KeyScope : uint8_t {
  kReceive = 1,  // make and cancel payment requests; read the account
  kRefund = 2,   // and refund, up to a cap per day
  kFull = 3,     // everything the account may do but manage keys
};
bool IsValidScope(uint32_t scope);
std::string_view ScopeName(KeyScope scope);  // "receive", "refund", "full"

inline constexpr size_t kMaxActiveStaffKeys = 16;
// Revoked keys are kept (past operations name them) up to this many records in all; beyond it
// the oldest revoked one is forgotten.
inline constexpr size_t kMaxStaffKeyRecords = 64;
inline constexpr size_t kMaxKeyLabelBytes = 64;

// A key that signs for an account besides the account's own key.
struct StaffKey {
  PublicKey key;
  KeyScope scope = KeyScope::kReceive;
  int64_t refund_cap_per_day = 0;  // minor units; kRefund only
  std::string label;               // "till 1", "Marie"
  int64_t added_ms = 0;            // when the AddKey committed
  int64_t revoked_ms = 0;          // when the RevokeKey committed; 0 = active

  bool active() const { return revoked_ms == 0; }
  friend bool operator==(const StaffKey&, const StaffKey&) = default;
};

// A place on a map, in millionths of a degree.
struct Position {
  int32_t latitude_e6 = 0;
  int32_t longitude_e6 = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

// A shop's public card (merchants, exchange offices, municipalities, the association): shown to
// payers and in the directory. Limits in bytes are in ledger/ops (SetCard).
struct Card {
  std::string address, postcode, city, category, hours, description, website, phone;
  bool has_position = false;
  Position position;

  bool empty() const {
    return address.empty() && postcode.empty() && city.empty() && category.empty() &&
           hours.empty() && description.empty() && website.empty() && phone.empty() &&
           !has_position;
  }
  friend bool operator==(const Card&, const Card&) = default;
};

// Earmarked aid a resident holds (ledger/ops/aid.cc): a copy of the grant's terms, kept on the
// holder's record because a payment reads that record anyway, so that a payer who holds none
// pays with no extra state read. The units are in the book under EarmarkKey(holder, grant).
inline constexpr size_t kMaxGrantsHeld = 8;       // grants one resident holds at once
inline constexpr size_t kMaxGrantCategories = 8;  // card categories a grant names
inline constexpr size_t kMaxGrantMerchants = 16;  // accounts a grant names
inline constexpr size_t kMaxGrantPurposeBytes = 64;
inline constexpr size_t kMaxCategoryBytes = 64;
struct HeldGrant {
  Hash grant;  // the id of the GrantAid operation
  AccountId funder;
  std::string purpose;                  // "Aide alimentaire 2026"
  int64_t expires_ms = 0;               // spendable while now < expires_ms
  std::vector<std::string> categories;  // payees whose card category is one of these
  std::vector<AccountId> merchants;     // or payees listed here

  friend bool operator==(const HeldGrant&, const HeldGrant&) = default;
};

// The record of a member account. Its balances live in the books, under BookKeys.
struct Account {
  AccountId id;
  PublicKey key;  // the key that signs for it now
  AccountKind kind = AccountKind::kResident;
  AccountStatus status = AccountStatus::kActive;
  uint64_t sequence = 0;  // the sequence of the last operation it signed; the next is +1
  std::string name;       // shown to payers before they confirm
  uint32_t roles = 0;     // RoleBit of kTreasurer / kAuditor granted by the board
  // Membership of the association: a resident whose membership ended cannot pay until an
  // office renews it. Unix ms; 0 = no expiry (accounts the board opened, genesis accounts).
  int64_t member_until_ms = 0;
  std::string freeze_reason;         // why the board froze it; empty unless frozen
  std::vector<StaffKey> staff_keys;  // in the order they were added; revoked ones too
  Card card;                         // its public card; empty = none
  std::vector<HeldGrant> grants;     // earmarked aid it holds, in the order received
  // The association it chose to receive the association's share of its conversions
  // (ChooseAssociation, ledger/ops/share.cc); all zeros = none. On the record because a
  // conversion reads the record anyway: no other read when the member chose none.
  AccountId association;

  // The staff key `key`, active or revoked; nullptr if the account never had it.
  const StaffKey* FindStaffKey(const PublicKey& key) const;
  // The grant `id` it holds; nullptr if none.
  const HeldGrant* FindGrant(const Hash& id) const;

  friend bool operator==(const Account&, const Account&) = default;
};

// The staff keys and card of an account as bytes, for its stored record, its digest and the
// auditor's snapshot: empty when it has neither, so that records written before staff keys and
// cards existed keep their bytes and digests.
std::string EncodeAccountExtras(const Account& account);
// Reads what EncodeAccountExtras wrote into `account`; false if the bytes are damaged.
[[nodiscard]] bool DecodeAccountExtras(std::string_view bytes, Account* account);

// Double entry: every operation posts entries that sum to zero in the units and euro books.
// The tally book is not money: it counts what rules need counted (bonus paid per member per
// month), and lives beside the books so it is stored, digested and audited the same way.
enum class Book : uint8_t { kUnits = 1, kEuro = 2, kTally = 3 };

// A slot is a family of book accounts. Stored as numbers: never renumber.
enum class Slot : uint8_t {
  // Units book (minor units of the local currency).
  kMember = 1,    // a member's units; owner = account id. Never negative.
  kIssuance = 2,  // system: minus everything in circulation. Never positive.
  kPaper = 3,     // system: paper notes in the public's hands. Never negative.

  // Euro book (euro cents).
  kEuroExternal = 16,    // system: the world outside the association's books. May be negative.
  kFund = 17,            // system: the guarantee fund at the ethical bank.
  kOfficeCash = 18,      // euros an exchange office holds awaiting deposit; owner = office id.
  kSponsorBudget = 19,   // a bonus programme's remaining budget; owner = programme id.
  kIncome = 20,          // system: the association's operating income (fees).
  kOwedToMerchant = 21,  // reconversions not yet paid out; owner = merchant id.

  // Tally book (counts, not money).
  kBonusTally = 32,        // bonus units a member got from a programme in a month; owner = TallyId.
  kDailyOutTally = 33,     // units a member paid out on one UTC day; owner = DailyTallyKey's.
  kRequestState = 34,      // a payment request: 1 paid, 2 cancelled; owner = request id.
  kRefundable = 35,        // units of a payment still refundable; owner = RefundableKey's.
  kRefunded = 36,          // units refunded of a payment; owner = the payment's operation id.
  kStaffRefundDay = 37,    // units a staff key refunded on one day; owner = StaffRefundDayKey's.
  kMandateCollected = 38,  // units collected under a mandate in one period; owner =
                           // MandatePeriodKey's.
  kMandateRevoked = 39,    // a mandate its debtor revoked: 1; owner = MandateRevokedKey's.

  // Units book again, numbered out of its range (see BookOf): earmarked aid.
  kEarmarked = 42,  // units of one grant one resident holds; owner = EarmarkOwner(holder, grant).
  // Tally book: the units of a grant still held by its holders; owner = the grant's id.
  kAidOutstanding = 43,
  kOrderNext = 40,   // a live standing order: 1 + its next execution's index; owner = the
                     // order's id (its PlaceOrder's operation id). 0 once it is over.
  kOrdersLive = 41,  // how many live standing orders an account has; owner = account id.
  kOrderMark = 44,   // a standing order's marks (placed by, paused, failed tries); owners
                     // = OrderPayerKey's, OrderPausedKey's, OrderTriesKey's.
  // The last month a holder was charged demurrage (YYYYMM, 202701); owner = the account id.
  kDemurrageCharged = 45,
};
inline constexpr int kSlotCount = 48;
// Sums of every balance, per slot: what lets invariants be checked without scanning.
using Totals = std::array<int64_t, kSlotCount>;
inline constexpr Slot kAllSlots[] = {
    Slot::kMember,         Slot::kIssuance,   Slot::kPaper,           Slot::kEuroExternal,
    Slot::kFund,           Slot::kOfficeCash, Slot::kSponsorBudget,   Slot::kIncome,
    Slot::kOwedToMerchant, Slot::kBonusTally, Slot::kDailyOutTally,   Slot::kRequestState,
    Slot::kRefundable,     Slot::kRefunded,   Slot::kStaffRefundDay,  Slot::kMandateCollected,
    Slot::kMandateRevoked, Slot::kEarmarked,  Slot::kAidOutstanding,  Slot::kOrderNext,
    Slot::kOrdersLive,     Slot::kOrderMark,  Slot::kDemurrageCharged};
// Units in circulation: member accounts, earmarked aid and paper, from the totals.
__int128 CirculationOf(const Totals& totals);

Book BookOf(Slot slot);
std::string_view SlotName(Slot slot);  // "member", "issuance", ...
// Which sign a slot's balances must keep: +1 never negative, -1 never positive, 0 either.
int RequiredSign(Slot slot);

// One account of one book: a slot, and the owner for per-owner slots (zero for system slots).
struct BookKey {
  Slot slot = Slot::kMember;
  Bytes<32> owner;

  static BookKey System(Slot s) { return BookKey{s, {}}; }
  static BookKey Member(const AccountId& id) { return BookKey{Slot::kMember, id}; }

  friend auto operator<=>(const BookKey&, const BookKey&) = default;
};

}  // namespace liard

template <>
struct std::hash<liard::BookKey> {
  size_t operator()(const liard::BookKey& k) const noexcept {
    return std::hash<liard::Bytes<32>>()(k.owner) ^
           (static_cast<size_t>(k.slot) * 0x9e3779b97f4a7c15ULL);
  }
};

#endif  // LIARD_LEDGER_ACCOUNT_H_

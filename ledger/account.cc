// Names and sign rules of account kinds, statuses and book slots.
#include "ledger/account.h"

#include <cstdint>

#include "ledger/bytes.h"

namespace liard {

bool IsValidKind(uint32_t kind) { return kind >= 1 && kind <= 5; }

std::string_view KindName(AccountKind kind) {
  switch (kind) {
    case AccountKind::kResident:
      return "resident";
    case AccountKind::kMerchant:
      return "merchant";
    case AccountKind::kExchangeOffice:
      return "exchange-office";
    case AccountKind::kMunicipality:
      return "municipality";
    case AccountKind::kAssociation:
      return "association";
  }
  return "unknown";
}

bool IsGrantableRole(uint32_t role) {
  return role == static_cast<uint32_t>(Role::kTreasurer) ||
         role == static_cast<uint32_t>(Role::kBoardMember) ||
         role == static_cast<uint32_t>(Role::kAuditor);
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kResident:
      return "resident";
    case Role::kMerchant:
      return "merchant";
    case Role::kExchangeOffice:
      return "exchange-office";
    case Role::kMunicipality:
      return "municipality";
    case Role::kTreasurer:
      return "treasurer";
    case Role::kBoardMember:
      return "board-member";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

std::string_view StatusName(AccountStatus status) {
  switch (status) {
    case AccountStatus::kActive:
      return "active";
    case AccountStatus::kFrozen:
      return "frozen";
    case AccountStatus::kClosed:
      return "closed";
  }
  return "unknown";
}

Book BookOf(Slot slot) {
  if (slot == Slot::kEarmarked) return Book::kUnits;
  auto n = static_cast<uint8_t>(slot);
  return n < 16 ? Book::kUnits : n < 32 ? Book::kEuro : Book::kTally;
}

std::string_view SlotName(Slot slot) {
  switch (slot) {
    case Slot::kMember:
      return "member";
    case Slot::kIssuance:
      return "issuance";
    case Slot::kPaper:
      return "paper";
    case Slot::kEuroExternal:
      return "euro-external";
    case Slot::kFund:
      return "fund";
    case Slot::kOfficeCash:
      return "office-cash";
    case Slot::kSponsorBudget:
      return "sponsor-budget";
    case Slot::kIncome:
      return "income";
    case Slot::kOwedToMerchant:
      return "owed-to-merchant";
    case Slot::kBonusTally:
      return "bonus-tally";
    case Slot::kDailyOutTally:
      return "daily-out-tally";
    case Slot::kRequestState:
      return "request-state";
    case Slot::kRefundable:
      return "refundable";
    case Slot::kRefunded:
      return "refunded";
    case Slot::kStaffRefundDay:
      return "staff-refund-day";
    case Slot::kMandateCollected:
      return "mandate-collected";
    case Slot::kMandateRevoked:
      return "mandate-revoked";
    case Slot::kEarmarked:
      return "earmarked";
    case Slot::kAidOutstanding:
      return "aid-outstanding";
    case Slot::kOrderNext:
      return "order-next";
    case Slot::kOrdersLive:
      return "orders-live";
    case Slot::kOrderMark:
      return "order-mark";
    case Slot::kDemurrageCharged:
      return "demurrage-charged";
  }
  return "unknown";
}

int RequiredSign(Slot slot) {
  switch (slot) {
    case Slot::kIssuance:
      return -1;
    case Slot::kEuroExternal:
      return 0;
    default:
      return +1;
  }
}

bool IsValidScope(uint32_t scope) { return scope >= 1 && scope <= 3; }

std::string_view ScopeName(KeyScope scope) {
  switch (scope) {
    case KeyScope::kReceive:
      return "receive";
    case KeyScope::kRefund:
      return "refund";
    case KeyScope::kFull:
      return "full";
  }
  return "unknown";
}

__int128 CirculationOf(const Totals& t) {
  auto at = [&](Slot s) { return static_cast<__int128>(t[static_cast<size_t>(s)]); };
  return at(Slot::kMember) + at(Slot::kEarmarked) + at(Slot::kPaper);
}

const HeldGrant* Account::FindGrant(const Hash& id) const {
  for (const HeldGrant& g : grants)
    if (g.grant == id) return &g;
  return nullptr;
}

const StaffKey* Account::FindStaffKey(const PublicKey& k) const {
  for (const StaffKey& s : staff_keys)
    if (s.key == k) return &s;
  return nullptr;
}

// Layout (all big-endian): u8 format (1) | u32 n | n x (key[32] | u8 scope | i64 cap |
// str label | i64 added_ms | i64 revoked_ms) | u8 has_card | card: 8 x str (address, postcode,
// city, category, hours, description, website, phone) | u8 has_position | i64 lat | i64 lon.
// The format byte is 1 + (earmarked aid ? 1 : 0) + (a chosen association ? 2 : 0). Formats 2
// and 4 (a record holding earmarked aid) append: u32 n | n x (grant[32] | funder[32] |
// str purpose | i64 expires_ms | u32 c | c x str category | u32 m | m x merchant[32]); formats 3
// and 4 (an association chosen) then append: association[32]. A record without either keeps
// format 1 and its bytes.
std::string EncodeAccountExtras(const Account& a) {
  const bool chose = !a.association.IsZero();
  if (a.staff_keys.empty() && a.card.empty() && a.grants.empty() && !chose) return {};
  ByteWriter w;
  w.U8(static_cast<uint8_t>(1 + (a.grants.empty() ? 0 : 1) + (chose ? 2 : 0)));
  w.U32(static_cast<uint32_t>(a.staff_keys.size()));
  for (const StaffKey& k : a.staff_keys) {
    w.Key(k.key);
    w.U8(static_cast<uint8_t>(k.scope));
    w.I64(k.refund_cap_per_day);
    w.Str(k.label);
    w.I64(k.added_ms);
    w.I64(k.revoked_ms);
  }
  const Card& c = a.card;
  w.U8(c.empty() ? 0 : 1);
  if (!c.empty()) {
    for (const std::string* f : {&c.address, &c.postcode, &c.city, &c.category, &c.hours,
                                 &c.description, &c.website, &c.phone})
      w.Str(*f);
    w.U8(c.has_position ? 1 : 0);
    w.I64(c.position.latitude_e6);
    w.I64(c.position.longitude_e6);
  }
  if (!a.grants.empty()) {
    w.U32(static_cast<uint32_t>(a.grants.size()));
    for (const HeldGrant& g : a.grants) {
      w.Key(g.grant);
      w.Key(g.funder);
      w.Str(g.purpose);
      w.I64(g.expires_ms);
      w.U32(static_cast<uint32_t>(g.categories.size()));
      for (const auto& c : g.categories) w.Str(c);
      w.U32(static_cast<uint32_t>(g.merchants.size()));
      for (const auto& m : g.merchants) w.Key(m);
    }
  }
  if (chose) w.Key(a.association);
  return w.Take();
}

bool DecodeAccountExtras(std::string_view bytes, Account* a) {
  a->staff_keys.clear();
  a->card = Card{};
  a->grants.clear();
  a->association = AccountId{};
  if (bytes.empty()) return true;
  ByteReader r(bytes);
  const uint8_t format = r.U8();
  if (format < 1 || format > 4) return false;
  const bool has_grants = ((format - 1) & 1) != 0, chose = ((format - 1) & 2) != 0;
  const uint32_t n = r.Count(32 + 1 + 8 + 4 + 8 + 8);
  if (n > kMaxStaffKeyRecords) return false;
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    StaffKey k;
    k.key = r.Key();
    const uint8_t scope = r.U8();
    if (!IsValidScope(scope)) return false;
    k.scope = static_cast<KeyScope>(scope);
    k.refund_cap_per_day = r.I64();
    k.label = r.Str();
    k.added_ms = r.I64();
    k.revoked_ms = r.I64();
    a->staff_keys.push_back(std::move(k));
  }
  const uint8_t has_card = r.U8();
  if (has_card > 1) return false;
  if (has_card == 1) {
    Card& c = a->card;
    for (std::string* f : {&c.address, &c.postcode, &c.city, &c.category, &c.hours, &c.description,
                           &c.website, &c.phone})
      *f = r.Str();
    const uint8_t has_position = r.U8();
    if (has_position > 1) return false;
    c.has_position = has_position == 1;
    const int64_t lat = r.I64(), lon = r.I64();
    if (lat < INT32_MIN || lat > INT32_MAX || lon < INT32_MIN || lon > INT32_MAX) return false;
    c.position = {static_cast<int32_t>(lat), static_cast<int32_t>(lon)};
    if (c.empty()) return false;  // an empty card is written as none
  }
  if (has_grants) {
    const uint32_t n = r.Count(32 + 32 + 4 + 8 + 4 + 4);
    if (n == 0 || n > kMaxGrantsHeld) return false;
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      HeldGrant g;
      g.grant = r.Key();
      g.funder = r.Key();
      g.purpose = r.Str();
      g.expires_ms = r.I64();
      const uint32_t c = r.Count(4);
      if (c > kMaxGrantCategories) return false;
      for (uint32_t j = 0; j < c && r.ok(); ++j) g.categories.push_back(r.Str());
      const uint32_t m = r.Count(32);
      if (m > kMaxGrantMerchants) return false;
      for (uint32_t j = 0; j < m && r.ok(); ++j) g.merchants.push_back(r.Key());
      a->grants.push_back(std::move(g));
    }
  }
  if (chose) {
    a->association = r.Key();
    if (a->association.IsZero()) return false;  // none is written without it
  }
  return r.Done();
}

}  // namespace liard

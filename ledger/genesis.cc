// Genesis validation, the ledger id, and the text rules shared by names and memos.
#include "ledger/genesis.h"

#include <set>

#include "ledger/currency_code.h"
#include "ledger/money.h"
#include "ledger/text.h"

namespace liard {

bool IsPrintableUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size(), i = 0;
  while (i < n) {
    unsigned char c = s[i];
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      cp = c & 0x1F;
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      cp = c & 0x0F;
      len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    // Control characters could rewrite a terminal line or forge a receipt's layout.
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return false;
    i += len;
  }
  return true;
}

bool IsValidName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && IsPrintableUtf8(name);
}

namespace {

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

}  // namespace

Status ValidateRules(const Rules& r0) {
  constexpr int64_t kMaxRatioTerm = 1 << 20;
  if (r0.backing_num <= 0 || r0.backing_den <= 0 || r0.backing_num < r0.backing_den)
    return Invalid("backing must be a ratio of at least 100 %");
  if (r0.backing_num > kMaxRatioTerm || r0.backing_den > kMaxRatioTerm)
    return Invalid("backing ratio terms must be at most 1048576");
  const ConversionRules& c = r0.conversion;
  if (c.min_euros < 1 || c.max_euros < 0 || (c.max_euros != 0 && c.max_euros < c.min_euros))
    return Invalid("conversion limits must satisfy 1 <= min_euros <= max_euros (0: no maximum)");
  if (c.member_kinds & ~kDefaultConvertibleKinds)
    return Invalid("conversion member_kinds names only resident, merchant and municipality");
  if (c.office_cash_ceiling < 0)
    return Invalid("the office cash ceiling cannot be negative (0: no ceiling)");
  const ReconversionRules& r = r0.reconversion;
  if (r.fee_num < 0 || r.fee_den <= 0 || r.fee_num > r.fee_den || r.fee_den > kMaxRatioTerm)
    return Invalid("the reconversion fee must be a ratio between 0 and 1");
  if (r.min_units < 1) return Invalid("the smallest reconversion must be at least 1 minor unit");
  std::set<std::string> programme_names;
  for (const auto& p : r0.programmes) {
    if (!IsValidProgrammeName(p.name))
      return Invalid("programme name '" + p.name + "' must be 1 to 32 of a-z, 0-9 and '-'");
    if (!programme_names.insert(p.name).second)
      return Invalid("programme '" + p.name + "' is listed twice");
    if (!p.sponsor.empty() && !IsValidName(p.sponsor))
      return Invalid("programme '" + p.name +
                     "': sponsor must be printable UTF-8 of 1 to 64 bytes");
    if (p.ratio_num <= 0 || p.ratio_den <= 0 || p.ratio_num < p.ratio_den ||
        p.ratio_num > kMaxRatioTerm || p.ratio_den > kMaxRatioTerm)
      return Invalid("programme '" + p.name +
                     "': ratio must be at least 1/1, terms at most 1048576");
    if (p.rounding != Rounding::kDown && p.rounding != Rounding::kUp &&
        p.rounding != Rounding::kNearest)
      return Invalid("programme '" + p.name + "': rounding must be down, up or nearest");
    if (p.step < 1 || p.step > 1'000'000)
      return Invalid("programme '" + p.name + "': step must be between 1 and 1000000 minor units");
    if (p.min_euros < 0 || p.monthly_cap < 0 || p.opening_budget < 0)
      return Invalid("programme '" + p.name + "': minimum, cap and budget cannot be negative");
    if (p.ends_ms != 0 && p.ends_ms <= p.starts_ms)
      return Invalid("programme '" + p.name + "': it must end after it starts");
    if (p.member_kinds & ~uint32_t{0x3E})
      return Invalid("programme '" + p.name + "': unknown member kind in its eligibility");
  }
  if (!r0.default_programme.empty()) {
    if (!IsValidProgrammeName(r0.default_programme))
      return Invalid("the default programme's name must be 1 to 32 of a-z, 0-9 and '-'");
    if (programme_names.count(r0.default_programme) == 0)
      return Invalid("the default programme '" + r0.default_programme +
                     "' is not one of the rules' programmes: name one of them, or none");
  }
  const AssociationShare& share = r0.share;
  if (share.basis_points > kMaxShareBasisPoints)
    return Invalid("the association's share is " + std::to_string(share.basis_points) +
                   " basis points; at most " + std::to_string(kMaxShareBasisPoints) + " (10 %)");
  if (share.basis_points > 0 && share.programme.empty())
    return Invalid("the association's share must name the programme whose budget pays it");
  if (!share.programme.empty() && programme_names.count(share.programme) == 0)
    return Invalid("the association's share names programme '" + share.programme +
                   "', which is not one of the rules' programmes");
  if (share.associations.size() > kMaxShareAssociations)
    return Invalid("the association's share lists " + std::to_string(share.associations.size()) +
                   " associations; at most " + std::to_string(kMaxShareAssociations));
  if (std::set<AccountId>(share.associations.begin(), share.associations.end()).size() !=
      share.associations.size())
    return Invalid("the association's share lists an association twice");
  for (const AccountId& a : share.associations)
    if (a.IsZero()) return Invalid("the association's share lists an all-zero account id");
  const Demurrage& dem = r0.demurrage;
  if (dem.basis_points > kMaxDemurrageBasisPoints)
    return Invalid("demurrage is " + std::to_string(dem.basis_points) +
                   " basis points a month; at most " + std::to_string(kMaxDemurrageBasisPoints) +
                   " (1 % a month)");
  if (!dem.on() && !dem.empty())
    return Invalid("demurrage that is off (0 basis points) sets nothing else");
  if (dem.on()) {
    if (dem.threshold < 0) return Invalid("the demurrage threshold cannot be negative");
    if (dem.account.IsZero()) return Invalid("demurrage must name the account that receives it");
    if (!IsValidYearMonth(dem.first_month))
      return Invalid("demurrage must name its first month charged, as YYYYMM (202702)");
  }
  std::set<AccountKind> limited;
  for (const auto& l : r0.limits) {
    if (!IsValidKind(static_cast<uint32_t>(l.kind)))
      return Invalid("a limit names an unknown account kind");
    if (!limited.insert(l.kind).second)
      return Invalid("limits for " + std::string(KindName(l.kind)) + " accounts are listed twice");
    if (l.max_payment < 0 || l.daily_outgoing < 0 || l.balance_ceiling < 0)
      return Invalid("limits for " + std::string(KindName(l.kind)) +
                     " accounts cannot be negative (0: no limit)");
  }
  return Status::Ok();
}

Status ValidateGenesis(const Genesis& g) {
  // Ratios are cross-multiplied in 128 bits (the reserve check): keep each term below 2^20.
  constexpr int64_t kMaxRatioTerm = 1 << 20;
  if (g.version < kGenesisVersion1 || g.version > kLatestGenesisVersion)
    return Invalid("genesis version must be 1 to " + std::to_string(kLatestGenesisVersion));
  if (g.version == kGenesisVersion1 && g.node_key)
    return Invalid("a version 1 genesis names no node key (version 2 does)");
  if (g.version >= kGenesisVersion2 && !g.node_key)
    return Invalid(
        "a version 2 genesis must name the node key that signs checkpoints (so does version 3)");
  if (CountsInCurrencyZone(g)) {
    if (g.time_zone.empty())
      return Invalid("a version " + std::to_string(g.version) +
                     " genesis must name the currency's time zone, e.g. \"Europe/Paris\"");
    if (!TimeZone::Named(g.time_zone))
      return Invalid("time zone " + (IsValidName(g.time_zone) ? "\"" + g.time_zone + "\" " : "") +
                     "is not a zone of the IANA database, e.g. \"Europe/Paris\"");
  } else if (!g.time_zone.empty()) {
    return Invalid("a version " + std::to_string(g.version) +
                   " genesis names no time zone (version 4 does)");
  }
  if (!IsValidCurrencyCode(g.currency_code))
    return Invalid("currency code must be " + std::string(kCurrencyCodeRule));
  if (!IsValidName(g.currency_name))
    return Invalid("currency name must be 1 to 64 bytes of printable UTF-8");
  if (g.decimals > 6) return Invalid("decimals must be between 0 and 6");
  if (g.par_num <= 0 || g.par_den <= 0) return Invalid("par value must be a positive ratio");
  if (g.board_keys.empty()) return Invalid("the board needs at least one public key");
  if (std::set<PublicKey>(g.board_keys.begin(), g.board_keys.end()).size() != g.board_keys.size())
    return Invalid("a board key is listed twice");
  if (g.board_threshold < 1 || g.board_threshold > g.board_keys.size())
    return Invalid("board threshold must be between 1 and the number of board keys");
  if (Status rs = ValidateRules(g.rules); !rs.ok()) return Invalid(rs.message());
  if (!OfficeConversionsGuarded(g) && HasOfficeConversionRules(g.rules))
    return Invalid("conversion member_kinds and office_cash_ceiling need a version 3 genesis");
  // Its associations are accounts the board checks when it decides (ledger/ops/board.cc).
  if (!g.rules.share.empty())
    return Invalid("the association's share is set by a board decision, not in the genesis");
  // Demurrage is announced ahead (its notice is checked against the decision's time).
  if (!g.rules.demurrage.empty())
    return Invalid("demurrage is set by a board decision with its notice, not in the genesis");
  if (g.par_num > kMaxRatioTerm || g.par_den > kMaxRatioTerm)
    return Invalid("par value terms must be at most 1048576");
  std::set<AccountId> ids;
  for (const auto& a : g.accounts) {
    if (!ids.insert(a.id).second) return Invalid("a genesis account is listed twice");
    if (!IsValidName(a.name))
      return Invalid("genesis account names must be 1 to 64 bytes of printable UTF-8");
    if (a.opening_balance.negative())
      return Invalid("a genesis account's opening balance cannot be negative");
  }
  if (g.opening_fund.negative()) return Invalid("the opening fund cannot be negative");
  if (AccountKeysChecked(g)) {
    // An account at a key that can never sign would hold its money for ever.
    for (const auto& k : g.board_keys)
      if (!IsValidPublicKey(k))
        return Invalid("board key " + ToHex(k).substr(0, 16) +
                       "… is not a valid Ed25519 public key");
    for (const auto& a : g.accounts)
      if (!IsValidPublicKey(a.id))
        return Invalid("genesis account '" + a.name +
                       "' has an id that is not a valid Ed25519 public key");
    if (g.node_key && !IsValidPublicKey(*g.node_key))
      return Invalid("the node key is not a valid Ed25519 public key");
  }
  if (NamesChecked(g)) return CheckGenesisNames(g);
  return Status::Ok();
}

TimeZone CurrencyZone(const Genesis& genesis) {
  if (!CountsInCurrencyZone(genesis)) return TimeZone::Utc();
  std::optional<TimeZone> zone = TimeZone::Named(genesis.time_zone);
  return zone ? *zone : TimeZone::Utc();
}

Hash LedgerIdOf(std::string_view genesis_bytes) { return Sha256({kGenesisDomain, genesis_bytes}); }

}  // namespace liard

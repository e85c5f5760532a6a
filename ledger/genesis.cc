// Genesis validation, the ledger id, and the text rules shared by names and memos.
#include "ledger/genesis.h"

#include <set>

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

bool IsValidCurrencyCode(std::string_view code) {
  if (code.size() < 2 || code.size() > 12) return false;
  if (code[0] < 'A' || code[0] > 'Z') return false;
  for (char c : code)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

}  // namespace

Status ValidateGenesis(const Genesis& g) {
  if (g.version != 1) return Invalid("genesis version must be 1");
  if (!IsValidCurrencyCode(g.currency_code))
    return Invalid("currency code must be 2 to 12 of A-Z and 0-9, starting with a letter");
  if (!IsValidName(g.currency_name))
    return Invalid("currency name must be 1 to 64 bytes of printable UTF-8");
  if (g.decimals > 6) return Invalid("decimals must be between 0 and 6");
  if (g.par_num <= 0 || g.par_den <= 0) return Invalid("par value must be a positive ratio");
  if (g.board_keys.empty()) return Invalid("the board needs at least one public key");
  if (std::set<PublicKey>(g.board_keys.begin(), g.board_keys.end()).size() != g.board_keys.size())
    return Invalid("a board key is listed twice");
  if (g.board_threshold < 1 || g.board_threshold > g.board_keys.size())
    return Invalid("board threshold must be between 1 and the number of board keys");
  if (g.rules.backing_num <= 0 || g.rules.backing_den <= 0 ||
      g.rules.backing_num < g.rules.backing_den)
    return Invalid("backing must be a ratio of at least 100 %");
  // The reserve check cross-multiplies these in 128 bits: keep each below 2^20.
  constexpr int64_t kMaxRatioTerm = 1 << 20;
  if (g.par_num > kMaxRatioTerm || g.par_den > kMaxRatioTerm ||
      g.rules.backing_num > kMaxRatioTerm || g.rules.backing_den > kMaxRatioTerm)
    return Invalid("par value and backing ratio terms must be at most 1048576");
  std::set<AccountId> ids;
  for (const auto& a : g.accounts) {
    if (!ids.insert(a.id).second) return Invalid("a genesis account is listed twice");
    if (!IsValidName(a.name))
      return Invalid("genesis account names must be 1 to 64 bytes of printable UTF-8");
    if (a.opening_balance.negative())
      return Invalid("a genesis account's opening balance cannot be negative");
  }
  if (g.opening_fund.negative()) return Invalid("the opening fund cannot be negative");
  return Status::Ok();
}

Hash LedgerIdOf(std::string_view genesis_bytes) { return Sha256({kGenesisDomain, genesis_bytes}); }

}  // namespace liard

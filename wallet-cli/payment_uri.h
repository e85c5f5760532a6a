// Payment requests: the liard: URI a merchant shows (as text and as a QR code) and a payer
// pays. The scheme is defined in docs/protocol.md, "Payment requests".
#ifndef LIARD_WALLET_CLI_PAYMENT_URI_H_
#define LIARD_WALLET_CLI_PAYMENT_URI_H_

#include <optional>
#include <string>
#include <string_view>

#include "ledger/amount.h"
#include "ledger/operation.h"
#include "wallet-cli/cli_status.h"

namespace liard::wallet {

inline constexpr std::string_view kUriScheme = "liard";
inline constexpr size_t kLedgerPrefixHexChars = 16;

struct PaymentRequest {
  std::string address;  // as written; decoded against the node's currency by the payer
  bool has_amount = false;
  Amount amount;              // minor units
  std::string memo;           // UTF-8, decoded
  std::string ledger_prefix;  // the first 16 hex characters of the ledger id; empty if absent
  // The request as its payee signed it (parameter `r`: liard.v1.SignedRequest, base64url without
  // padding), paid at most once by the ledger; absent in a plain request (no id, no expiry).
  std::optional<liard::SignedRequest> signed_request;
};

// liard:ADDRESS?amount=12.50&memo=pain%20et%20caf%C3%A9&ledger=4a077548408d09e0[&r=SIGNED]
// The amount is always written with '.', the memo percent-encoded (every byte outside
// A-Z a-z 0-9 - . _ ~); `r`, when the request is signed, last.
std::string BuildPaymentUri(const PaymentRequest& request, int decimals);

// True if `text` starts with the scheme (any case) and a ':'.
bool LooksLikePaymentUri(std::string_view text);

// Parses a payment URI; a usage error says what is wrong. Refused: another scheme, no address,
// an unknown parameter (unless it starts with "x-", which is ignored), a parameter given
// twice, an amount with ',' or too many decimals or not above zero, bad percent-encoding, a
// memo that is not printable UTF-8 or is over 256 bytes, a ledger prefix that is not 16
// lower-case hex characters; a signed request (`r`) that does not decode, or whose amount or
// memo differ from the URI's (the URI was changed after the payee signed it). The signature and
// the payee are the payer's to check (CheckSignedRequest).

[[nodiscard]] CliStatus ParsePaymentUri(std::string_view uri, int decimals, PaymentRequest* out);

// A signed request's own checks, once the payer knows the ledger and the payee's address:
// for `ledger_id`, to `payee`, its signature valid. A usage error says what is wrong.
[[nodiscard]] CliStatus CheckSignedRequest(const liard::SignedRequest& request,
                                           const Hash& ledger_id, const AccountId& payee);

// Bytes in base64url without padding (RFC 4648 §5), and back: false for text that is not, or
// longer than `max_chars`.
std::string Base64Url(std::string_view bytes);
[[nodiscard]] bool FromBase64Url(std::string_view text, size_t max_chars, std::string* out);

// The `r` parameter: liard.v1.SignedRequest's bytes in base64url without padding, and back.
std::string EncodeSignedRequest(const liard::SignedRequest& request);
[[nodiscard]] bool DecodeSignedRequest(std::string_view text, liard::SignedRequest* out);

std::string PercentEncode(std::string_view bytes);
// False on a '%' not followed by two hex digits.
bool PercentDecode(std::string_view text, std::string* out);

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_PAYMENT_URI_H_

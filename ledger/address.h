// Address: the printable form of an account id, bech32m-encoded so a mistyped address is
// caught before anything is sent (BIP-350 checksum: any substitution of up to 4 characters is
// always found; other typos slip through with probability about 2^-30).
#ifndef LIARD_LEDGER_ADDRESS_H_
#define LIARD_LEDGER_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/status.h"

namespace liard {

// Address version carried as the first 5-bit group of the data part.
inline constexpr int kAddressVersion = 0;

// The human-readable part is the currency code in lower case ("roue"), so an address of one
// currency pasted into a wallet of another is refused. An address is then
// hrp + "1" + version + 52 data characters + 6 checksum characters, all lower case.
// Precondition: currency_code is 1 to 16 ASCII letters or digits (any case); it is not checked
// here because currency codes are validated where a currency is defined.
std::string EncodeAddress(std::string_view currency_code, const PublicKey& id);

// Accepts all-lower or all-upper case (QR codes use upper case), refuses mixed case, a bad
// checksum, a different currency, a wrong version or length, with a reason (kInvalidArgument).
[[nodiscard]] Status DecodeAddress(std::string_view currency_code, std::string_view address,
                                   PublicKey* id);

namespace internal {

// Plain bech32m (BIP-350) over any human-readable part, exposed so tests can run the published
// vectors. `data` holds 5-bit groups (each < 32); `hrp` is 1 to 83 ASCII characters 33..126 with
// no upper-case letter, as an encoder must not emit upper case.
std::string Bech32mEncode(std::string_view hrp, const std::vector<uint8_t>& data);
// On success `hrp` is the human-readable part in lower case and `data` the 5-bit groups before
// the checksum; on failure kInvalidArgument and both are untouched.
[[nodiscard]] Status Bech32mDecode(std::string_view text, std::string* hrp,
                                   std::vector<uint8_t>* data);

}  // namespace internal

}  // namespace liard

#endif  // LIARD_LEDGER_ADDRESS_H_

// Payment requests: building and parsing liard: URIs.
#include "wallet-cli/payment_uri.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "liard/v1/ledger.pb.h"
#include "proto/codec.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentEncode(std::string_view bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (IsUnreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool PercentDecode(std::string_view text, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      *out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return false;
    *out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

std::string Base64Url(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool FromBase64Url(std::string_view text, size_t max_chars, std::string* out) {
  if (text.size() > max_chars) return false;
  std::string bytes(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return false;
  bytes.resize(len);
  *out = std::move(bytes);
  return true;
}

std::string EncodeSignedRequest(const liard::SignedRequest& r) {
  liard::v1::SignedRequest m;
  m.set_body(r.body);
  m.set_public_key(std::string(r.key.view()));
  m.set_signature(std::string(r.signature.view()));
  return Base64Url(m.SerializeAsString());
}

bool DecodeSignedRequest(std::string_view text, liard::SignedRequest* out) {
  std::string bytes;
  if (!FromBase64Url(text, 4096, &bytes)) return false;
  liard::v1::SignedRequest m;
  if (!m.ParseFromString(bytes)) return false;
  return codec::DecodeRequest(m.body(), m.public_key(), m.signature(), out).ok();
}

CliStatus CheckSignedRequest(const liard::SignedRequest& sr, const Hash& ledger_id,
                             const AccountId& payee) {
  auto bad = [](const std::string& why) {
    return CliStatus::Usage(Tr("this payment request is not valid: {why}", fmt::arg("why", why)));
  };
  if (sr.request.ledger_id != ledger_id)
    return bad(_("it is signed for another ledger; pay it with the node of that currency"));
  if (sr.request.payee != payee)
    return bad(_("it is signed for another account than the address it shows; do not pay it"));
  if (!Verify(sr.key, RequestSigningMessage(sr.request.ledger_id, sr.body), sr.signature))
    return bad(
        _("its signature does not verify: it was changed after the payee made it; do not pay it"));
  return CliStatus::Ok();
}

std::string BuildPaymentUri(const PaymentRequest& r, int decimals) {
  std::string uri = std::string(kUriScheme) + ":" + r.address;
  std::string sep = "?";
  if (r.has_amount) {
    uri += sep + "amount=" + FormatAmount(r.amount, decimals, "", '.');
    sep = "&";
  }
  if (!r.memo.empty()) {
    uri += sep + "memo=" + PercentEncode(r.memo);
    sep = "&";
  }
  if (!r.ledger_prefix.empty()) {
    uri += sep + "ledger=" + r.ledger_prefix;
    sep = "&";
  }
  if (r.signed_request) uri += sep + "r=" + EncodeSignedRequest(*r.signed_request);
  return uri;
}

bool LooksLikePaymentUri(std::string_view text) {
  if (text.size() <= kUriScheme.size() || text[kUriScheme.size()] != ':') return false;
  for (size_t i = 0; i < kUriScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != kUriScheme[i]) return false;
  return true;
}

CliStatus ParsePaymentUri(std::string_view uri, int decimals, PaymentRequest* out) {
  auto bad = [](const std::string& why) {
    return CliStatus::Usage(Tr("this payment request is not valid: {why}", fmt::arg("why", why)));
  };
  if (!LooksLikePaymentUri(uri)) return bad(_("it does not start with 'liard:'"));
  std::string_view rest = uri.substr(kUriScheme.size() + 1);
  PaymentRequest r;
  size_t q = rest.find('?');
  std::string_view address = rest.substr(0, q);
  if (address.empty()) return bad(_("it names no address"));
  if (address.find_first_of("/#%") != std::string_view::npos)
    return bad(_("the address holds a character addresses never have"));
  r.address = std::string(address);
  std::set<std::string> seen;
  if (q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    size_t pos = 0;
    while (pos <= query.size()) {
      size_t amp = query.find('&', pos);
      std::string_view param =
          query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
      pos = amp == std::string_view::npos ? query.size() + 1 : amp + 1;
      if (param.empty()) continue;
      size_t eq = param.find('=');
      if (eq == std::string_view::npos)
        return bad(Tr("the parameter '{name}' has no '='", fmt::arg("name", SafeText(param))));
      std::string key(param.substr(0, eq));
      std::string value;
      if (!PercentDecode(param.substr(eq + 1), &value))
        return bad(Tr("the parameter '{name}' has a '%' not followed by two hex digits",
                      fmt::arg("name", SafeText(key))));
      if (key.rfind("x-", 0) == 0) continue;  // extensions: ignored by this version
      if (!seen.insert(key).second)
        return bad(Tr("the parameter '{name}' is given twice", fmt::arg("name", SafeText(key))));
      if (key == "amount") {
        if (value.find(',') != std::string::npos)
          return bad(_("the amount must be written with '.', not ','"));
        Status s = ParseAmount(value, decimals, &r.amount);
        if (!s.ok())
          return bad(Tr("the amount '{amount}': {why}", fmt::arg("amount", SafeText(value)),
                        fmt::arg("why", s.message())));
        if (!r.amount.positive()) return bad(_("the amount must be above zero"));
        r.has_amount = true;
      } else if (key == "memo") {
        if (std::string why = MemoProblem(value); !why.empty()) return bad(why);
        r.memo = value;
      } else if (key == "ledger") {
        bool hex = value.size() == kLedgerPrefixHexChars &&
                   std::all_of(value.begin(), value.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
        if (!hex) return bad(_("'ledger' must be 16 lower-case hexadecimal characters"));
        r.ledger_prefix = value;
      } else if (key == "r") {
        liard::SignedRequest sr;
        if (!DecodeSignedRequest(value, &sr))
          return bad(_("its signed part ('r') does not decode; copy the whole request again"));
        r.signed_request = std::move(sr);
      } else {
        return bad(
            Tr("unknown parameter '{name}' (known: amount, memo, ledger, r; extensions start "
               "with 'x-')",
               fmt::arg("name", SafeText(key))));
      }
    }
  }
  if (r.signed_request) {
    // What the URI shows must be what the payee signed: a changed amount or memo is refused
    // here, before the payer is even asked.
    const liard::PaymentRequest& signed_part = r.signed_request->request;
    const int64_t shown = r.has_amount ? r.amount.minor() : 0;
    if (shown != signed_part.amount.minor())
      return bad(_("its amount was changed after the payee signed it; do not pay it"));
    if (r.memo != signed_part.memo)
      return bad(_("its memo was changed after the payee signed it; do not pay it"));
  }
  *out = std::move(r);
  return CliStatus::Ok();
}

}  // namespace liard::wallet

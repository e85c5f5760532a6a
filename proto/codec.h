// Codec: between the wire's Protocol Buffers messages and ledger/'s types, with the strict
// checks a signed format needs (exact lengths, no unknown fields).
#ifndef LIARD_PROTO_CODEC_H_
#define LIARD_PROTO_CODEC_H_

#include <string>
#include <string_view>

#include "ledger/genesis.h"
#include "ledger/operation.h"
#include "ledger/status.h"

namespace liard::codec {

// Decodes an OperationBody. kMalformedBody if the bytes do not parse, carry unknown fields or
// no payload; kBadAccountId if an account id is not 32 bytes. Range checks (amounts, names,
// kinds) are the ledger's Preflight's job, so that each gets its own code.
[[nodiscard]] Status DecodeOperation(std::string_view body, Operation* out);
std::string EncodeOperation(const Operation& op);

// Decodes an envelope (a liard.v1.SignedOperation message) and the body inside it.
[[nodiscard]] Status DecodeEnvelope(std::string_view bytes, SignedOperation* out);
// Same, from the envelope's three fields given apart.
[[nodiscard]] Status DecodeSigned(std::string body, std::string_view public_key,
                                  std::string_view signature, SignedOperation* out);
std::string EncodeEnvelope(const SignedOperation& op);

// What a client does: encode the body, sign it for `ledger_id` with `key`.
SignedOperation SignOperation(const Operation& op, const Hash& ledger_id, const KeyPair& key);

[[nodiscard]] Status DecodeGenesis(std::string_view bytes, Genesis* out);
std::string EncodeGenesis(const Genesis& genesis);

}  // namespace liard::codec

#endif  // LIARD_PROTO_CODEC_H_

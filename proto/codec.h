// Codec: between the wire's Protocol Buffers messages and ledger/'s types, with the strict
// checks a signed format needs (exact lengths, no unknown fields).
#ifndef LIARD_PROTO_CODEC_H_
#define LIARD_PROTO_CODEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/operation.h"
#include "ledger/read_auth.h"
#include "ledger/status.h"
#include "liard/v1/ledger.pb.h"

namespace liard::codec {

// Decodes an OperationBody. kMalformedBody if the bytes do not parse, carry unknown fields or
// no payload; kBadAccountId if an account id is not 32 bytes. Range checks (amounts, names,
// kinds) are the ledger's Preflight's job, so that each gets its own code.
[[nodiscard]] Status DecodeOperation(std::string_view body, Operation* out);
std::string EncodeOperation(const Operation& op);

// Decodes an envelope (a liard.v1.SignedOperation message) and the body inside it.
// kMalformedBody unless `bytes` are exactly EncodeEnvelope's encoding of what they hold (fields
// 1, 2, 3 once each, in that order, shortest lengths, nothing unknown): so the bytes a node
// journals, EncodeEnvelope of the decoded envelope, are the bytes the client sent.
[[nodiscard]] Status DecodeEnvelope(std::string_view bytes, SignedOperation* out);
// The envelopes of a SubmitRequest or SubmitBatchRequest, as sent: the bytes of each field-1
// record (the only field of both), for DecodeEnvelope. kInvalidArgument if `request` does not
// parse; kMalformedBody if it holds any other field.
[[nodiscard]] Status SplitEnvelopes(std::string_view request, std::vector<std::string_view>* out);
// Same, from the envelope's three fields given apart.
[[nodiscard]] Status DecodeSigned(std::string body, std::string_view public_key,
                                  std::string_view signature, SignedOperation* out);
std::string EncodeEnvelope(const SignedOperation& op);

// What a client does: encode the body, sign it for `ledger_id` with `key`.
SignedOperation SignOperation(const Operation& op, const Hash& ledger_id, const KeyPair& key);

// Rules and board decisions, between their wire messages and ledger/ types. Range checks are
// ValidateRules' and Preflight's.
[[nodiscard]] Status DecodeRules(const liard::v1::Rules& wire, Rules* out);
void EncodeRules(const Rules& rules, liard::v1::Rules* wire);
// kBadDecision if no decision is set; kBadAccountId for a wrong-length id.
[[nodiscard]] Status DecodeDecision(const liard::v1::Decision& wire, Decision* out);
void EncodeDecision(const Decision& decision, liard::v1::Decision* wire);

// A read request (liard.v1.ReadRequestBody); kReadRefused if malformed.
[[nodiscard]] Status DecodeReadRequest(std::string_view body, ReadRequest* out);
std::string EncodeReadRequest(const ReadRequest& request);

// A payment request (liard.v1.SignedRequest's three fields): kBadRequest if a length is wrong
// or the body does not parse strictly. The signature is checked by the ledger's Preflight.
[[nodiscard]] Status DecodeRequest(std::string_view body, std::string_view public_key,
                                   std::string_view signature, SignedRequest* out);
std::string EncodeRequestBody(const PaymentRequest& request);
// What a payee does: encode the request and sign it (with its own key or a staff key).
SignedRequest SignRequest(const PaymentRequest& request, const KeyPair& key);

// A mandate (liard.v1.SignedMandate's three fields): kBadMandate if a length is wrong or the
// body does not parse strictly. The signature is checked by the ledger's Preflight.
[[nodiscard]] Status DecodeMandate(std::string_view body, std::string_view public_key,
                                   std::string_view signature, SignedMandate* out);
// A mandate's body alone (liard.v1.MandateBody), as a creditor asks it before the debtor signs.
[[nodiscard]] Status DecodeMandateBody(std::string_view body, Mandate* out);
std::string EncodeMandateBody(const Mandate& mandate);
// What a debtor does: encode the mandate and sign it with the account's own key.
SignedMandate SignMandate(const Mandate& mandate, const KeyPair& key);
// A signed mandate as one string of bytes (liard.v1.SignedMandate), to keep or hand over, and
// back; kBadMandate if it does not decode.
std::string EncodeSignedMandate(const SignedMandate& mandate);
[[nodiscard]] Status DecodeSignedMandate(std::string_view bytes, SignedMandate* out);

// A standing order's terms (liard.v1.PlaceOrder), between the wire and ledger/'s type: an unknown
// schedule is kept as 0 for the preflight to refuse; kBadAccountId for a wrong-length payee.
[[nodiscard]] Status DecodePlaceOrder(const liard::v1::PlaceOrder& wire, PlaceOrder* out);
void EncodePlaceOrder(const PlaceOrder& order, liard::v1::PlaceOrder* wire);

// A public card, between its wire message and ledger/'s type. Limits are SetCard's Preflight's.
void DecodeCard(const liard::v1::Card& wire, Card* out);
void EncodeCard(const Card& card, liard::v1::Card* wire);

[[nodiscard]] Status DecodeGenesis(std::string_view bytes, Genesis* out);
std::string EncodeGenesis(const Genesis& genesis);

}  // namespace liard::codec

#endif  // LIARD_PROTO_CODEC_H_

// Local verification of receipts, checkpoints and the hash chain.
#include "wallet-cli/verify.h"

#include "ledger/journal.h"
#include "ledger/operation.h"
#include "proto/codec.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {
namespace {

std::string Short(std::string_view bytes) { return ToHex(bytes).substr(0, 16) + "…"; }

}  // namespace

std::vector<Check> VerifyReceipt(const pb::Receipt& r, const Hash& ledger_id,
                                 const Hash& asked_id) {
  std::vector<Check> checks;
  // Everything is checked from the exact envelope bytes the entry hash covers, not from the
  // parsed copy beside them, so a node cannot show one operation and hash another.
  pb::SignedOperation envelope;
  {
    Check c;
    c.ok = envelope.ParseFromString(r.envelope());
    c.what = c.ok ? _("the receipt carries the journaled envelope")
                  : _("the receipt's envelope bytes do not parse");
    checks.push_back(c);
  }
  const std::string& body = envelope.body();
  Hash id = OperationId(ledger_id, body);
  {
    Check c;
    c.ok = id == asked_id && r.operation_id() == id.view();
    c.what = c.ok ? _("the operation id is the SHA-256 of the signed message")
                  : Tr("the operation id {asked} is not the hash of the body the node returned "
                       "({actual})",
                       fmt::arg("asked", ToHex(asked_id)), fmt::arg("actual", ToHex(id)));
    checks.push_back(c);
  }
  Operation op;
  Status decoded = codec::DecodeOperation(body, &op);
  {
    Check c;
    c.ok = decoded.ok() && op.ledger_id == ledger_id;
    c.what = !decoded.ok()
                 ? Tr("the body does not decode: {why}", fmt::arg("why", decoded.ToString()))
             : c.ok ? Tr("the body names this ledger ({ledger})",
                         fmt::arg("ledger", Short(ledger_id.view())))
                    : Tr("the body names another ledger ({ledger})",
                         fmt::arg("ledger", Short(op.ledger_id.view())));
    checks.push_back(c);
  }
  {
    PublicKey key;
    Signature sig;
    Check c;
    c.ok = key.Assign(envelope.public_key()) && sig.Assign(envelope.signature()) &&
           Verify(key, SigningMessage(ledger_id, body), sig);
    c.what =
        c.ok ? Tr("the Ed25519 signature by key {key} is valid", fmt::arg("key", Short(key.view())))
             : _("the Ed25519 signature does not match the body and key");
    checks.push_back(c);
  }
  {
    JournalEntry e;
    e.sequence = r.sequence();
    e.time_ms = r.time_ms();
    Check c;
    bool prev_ok = e.prev_hash.Assign(r.prev_hash());
    // The exact bytes the entry hash covers; a re-encoding of the parsed envelope might differ.
    e.envelope = r.envelope();
    e.term = r.term();
    Hash h = EntryHash(e);
    c.ok = prev_ok && r.entry_hash() == h.view();
    c.what = c.ok ? Tr("the entry hash of journal entry {entry} is recomputed from its sequence, "
                       "time, previous hash and envelope",
                       fmt::arg("entry", r.sequence()))
                  : Tr("the entry hash of journal entry {entry} does not match its content",
                       fmt::arg("entry", r.sequence()));
    checks.push_back(c);
  }
  return checks;
}

Check VerifyCheckpoint(const pb::SignedCheckpoint& cp, const Hash& ledger_id) {
  Checkpoint c;
  c.sequence = cp.sequence();
  c.time_ms = cp.time_ms();
  PublicKey key;
  Signature sig;
  bool shaped = c.head_hash.Assign(cp.head_hash()) && c.state_digest.Assign(cp.state_digest()) &&
                key.Assign(cp.node_key()) && sig.Assign(cp.signature());
  Check out;
  out.ok = shaped && Verify(key, CheckpointMessage(ledger_id, c), sig);
  out.what = out.ok ? Tr("the checkpoint at entry {entry} is signed by the node key {key}",
                         fmt::arg("entry", cp.sequence()), fmt::arg("key", Short(cp.node_key())))
                    : _("the checkpoint's signature by the node key does not hold");
  return out;
}

bool ChainWalker::Feed(const pb::JournalEntry& entry, std::string* why) {
  const uint64_t at = entry.sequence();
  auto fail = [&](std::string what) {
    *why = std::move(what);
    return false;
  };
  if (entry.sequence() != next_)
    return fail(Tr("entry {entry}: expected entry {expected}", fmt::arg("entry", at),
                   fmt::arg("expected", next_)));
  JournalEntry e;
  e.sequence = entry.sequence();
  e.time_ms = entry.time_ms();
  e.envelope = entry.envelope();
  e.term = entry.term();
  if (!e.prev_hash.Assign(entry.prev_hash()))
    return fail(Tr("entry {entry}: its previous hash is not 32 bytes", fmt::arg("entry", at)));
  if (count_ > 0 && entry.prev_hash() != expected_prev_)
    return fail(Tr("entry {entry}: its previous hash is not the hash of entry {previous}",
                   fmt::arg("entry", at), fmt::arg("previous", next_ - 1)));
  Hash h = EntryHash(e);
  if (entry.entry_hash() != h.view())
    return fail(
        Tr("entry {entry}: its hash is not the hash of its content", fmt::arg("entry", at)));
  if (count_ == 0 && entry.entry_hash() != first_hash_)
    return fail(
        Tr("entry {entry}: the journal's entry differs from the receipt's", fmt::arg("entry", at)));
  expected_prev_ = std::string(h.view());
  ++next_;
  ++count_;
  return true;
}

}  // namespace liard::wallet

// Local verification of receipts, checkpoints and the hash chain.
#include "wallet-cli/verify.h"

#include "ledger/journal.h"
#include "ledger/operation.h"
#include "proto/codec.h"

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
    c.what = c.ok ? "the receipt carries the journaled envelope"
                  : "the receipt's envelope bytes do not parse";
    checks.push_back(c);
  }
  const std::string& body = envelope.body();
  Hash id = OperationId(ledger_id, body);
  {
    Check c;
    c.ok = id == asked_id && r.operation_id() == id.view();
    c.what = c.ok ? "the operation id is the SHA-256 of the signed message"
                  : "the operation id " + ToHex(asked_id) +
                        " is not the hash of the body the node returned (" + ToHex(id) + ")";
    checks.push_back(c);
  }
  Operation op;
  Status decoded = codec::DecodeOperation(body, &op);
  {
    Check c;
    c.ok = decoded.ok() && op.ledger_id == ledger_id;
    c.what = !decoded.ok() ? "the body does not decode: " + decoded.ToString()
             : c.ok        ? "the body names this ledger (" + Short(ledger_id.view()) + ")"
                           : "the body names another ledger (" + Short(op.ledger_id.view()) + ")";
    checks.push_back(c);
  }
  {
    PublicKey key;
    Signature sig;
    Check c;
    c.ok = key.Assign(envelope.public_key()) && sig.Assign(envelope.signature()) &&
           Verify(key, SigningMessage(ledger_id, body), sig);
    c.what = c.ok ? "the Ed25519 signature by key " + Short(key.view()) + " is valid"
                  : "the Ed25519 signature does not match the body and key";
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
    Hash h = EntryHash(e);
    c.ok = prev_ok && r.entry_hash() == h.view();
    c.what = c.ok ? "the entry hash of journal entry " + std::to_string(r.sequence()) +
                        " is recomputed from its sequence, time, previous hash and envelope"
                  : "the entry hash of journal entry " + std::to_string(r.sequence()) +
                        " does not match its content";
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
  out.what = out.ok ? "the checkpoint at entry " + std::to_string(cp.sequence()) +
                          " is signed by the node key " + Short(cp.node_key())
                    : "the checkpoint's signature by the node key does not hold";
  return out;
}

bool ChainWalker::Feed(const pb::JournalEntry& entry, std::string* why) {
  const std::string where = "entry " + std::to_string(entry.sequence()) + ": ";
  if (entry.sequence() != next_) {
    *why = where + "expected entry " + std::to_string(next_);
    return false;
  }
  JournalEntry e;
  e.sequence = entry.sequence();
  e.time_ms = entry.time_ms();
  e.envelope = entry.envelope();
  if (!e.prev_hash.Assign(entry.prev_hash())) {
    *why = where + "its previous hash is not 32 bytes";
    return false;
  }
  if (count_ > 0 && entry.prev_hash() != expected_prev_) {
    *why = where + "its previous hash is not the hash of entry " + std::to_string(next_ - 1);
    return false;
  }
  Hash h = EntryHash(e);
  if (entry.entry_hash() != h.view()) {
    *why = where + "its hash is not the hash of its content";
    return false;
  }
  if (count_ == 0 && entry.entry_hash() != first_hash_) {
    *why = where + "the journal's entry differs from the receipt's";
    return false;
  }
  expected_prev_ = std::string(h.view());
  ++next_;
  ++count_;
  return true;
}

}  // namespace liard::wallet

// Session: one invocation's view of the node (verified ledger id, currency, formatting) and of
// the selected key, with the steps every command shares: parse what the user typed, prepare an
// operation, preview it, confirm, sign and submit, print the result.
#ifndef LIARD_WALLET_CLI_SESSION_H_
#define LIARD_WALLET_CLI_SESSION_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/operation.h"
#include "wallet-cli/cli_status.h"
#include "wallet-cli/format.h"
#include "wallet-cli/keystore.h"
#include "wallet-cli/node_client.h"
#include "wallet-cli/node_pool.h"
#include "wallet-cli/paths.h"

namespace liard::wallet {

struct GlobalOptions {
  std::string node;                // --node
  std::string key;                 // --key
  std::string as;                  // --as: the key that signs private reads, when not --key's
  std::string tls_ca;              // --tls-ca
  bool accept_new_ledger = false;  // --accept-new-ledger: the node's address now serves another
  bool insecure = false;           // --insecure: plaintext to a node off loopback
};

// How long a signed read request stays valid (the node accepts at most 5 minutes). A stream
// (watch, audit) ends with it and is renewed with a fresh request. LIARD_READ_LIFETIME_MS sets
// another, from 10 to 300,000 (tests use a short one to see the renewals).
inline constexpr int64_t kReadValidityMs = 60 * 1000;
int64_t ReadValidityMs();

// An operation ready to be previewed and signed: the key's file, the acting account as the
// node knows it, and the body.
struct Prepared {
  std::string key_name;
  KeyFile key;
  pb::AccountInfo actor;
  Operation op;
  std::string body;  // codec::EncodeOperation(op): exactly what is previewed and signed
};

// Not thread-safe: one per process.
class Session {
 public:
  explicit Session(GlobalOptions options) : options_(std::move(options)) {}

  // Reads the config file and resolves the node and key names. No network.
  [[nodiscard]] CliStatus Init();
  // Connects; refuses first (usage error, nothing sent) plaintext to a node off loopback unless
  // --insecure (or LIARD_INSECURE=1, or `insecure = true`), and then warns on stderr. Checks
  // that the genesis hashes to the ledger id the node reports (and that the
  // head agrees); pins the id and the node key the genesis names per node address on first
  // contact (known-ledgers.json), and refuses (exit 5) a ledger id other than the pinned one or
  // the config's `ledger_id`, unless --accept-new-ledger.
  [[nodiscard]] CliStatus Connect();

  // Refuses (exit 5) a checkpoint signed by a key the ledger does not name: the genesis's (which
  // the ledger id vouches for) or the latest SetNodeKey decision's, as the governance record
  // shows it. A version 1 ledger that names none keeps trust on first use (a change is a note).
  [[nodiscard]] CliStatus CheckCheckpointKey(const pb::SignedCheckpoint& cp,
                                             std::vector<std::string>* notes);

  NodeClient& node() { return *node_; }
  const std::string& node_target() const { return target_; }
  const std::string& key_name() const { return key_name_; }
  // The key that signs private reads: --as, else the selected key.
  const std::string& reader_key_name() const { return reader_key_name_; }
  KeyStore keystore() const { return KeyStore(KeyDir()); }
  const Genesis& genesis() const { return genesis_; }
  const Hash& ledger_id() const { return ledger_id_; }
  const pb::Head& head() const { return head_; }
  const Money& money() const { return money_; }

  // An address as typed: usage error with the address.cc sentence if it is not one of this
  // currency. PrecheckAddress needs no node: the checksum covers the currency code, so a typo
  // is caught before the wallet even connects.
  [[nodiscard]] CliStatus ParseAddress(std::string_view text, AccountId* out) const;
  [[nodiscard]] static CliStatus PrecheckAddress(std::string_view text);
  // A key a new account or a re-key would sign with: usage error unless it is a valid Ed25519
  // point (the ledger's own test, IsValidPublicKey), so that no money is ever paid to a key
  // that can never sign. `what` names the argument in the message.
  [[nodiscard]] static CliStatus CheckNewKey(const PublicKey& key, std::string_view what);
  // Amounts as typed ("12,50" or "12.50"), above zero; `what` names the option in messages.
  [[nodiscard]] CliStatus ParseUnits(std::string_view text, std::string_view what,
                                     Amount* out) const;
  [[nodiscard]] static CliStatus ParseEuros(std::string_view text, std::string_view what,
                                            Amount* out);
  std::string AddressOf(const AccountId& id) const;
  // Any account's public card (LookupAccount: name, kind, status; no signature, no passphrase),
  // looked up once per account per invocation. *found is false for an account the ledger does
  // not know.
  [[nodiscard]] CliStatus CardOf(const AccountId& id, pb::AccountCard* out, bool* found);
  // "Alice Martin (roue1q…)", from the account's card; the short address alone when the
  // account is unknown or the lookup fails.
  std::string NameOf(const AccountId& id);
  // The account's name, or "" when unknown.
  std::string PlainNameOf(const AccountId& id);

  // The selected key's file (no passphrase needed: the account id is not secret).
  [[nodiscard]] CliStatus LoadKey(KeyFile* out) const;
  // Asks for the passphrase (or reads LIARD_PASSPHRASE) and decrypts; once per key name and
  // invocation (a read and a submission with the same key ask once).
  [[nodiscard]] CliStatus Unlock(const KeyFile& file, std::optional<KeyPair>* out) const {
    return UnlockNamed(key_name_, file, out);
  }
  [[nodiscard]] CliStatus UnlockNamed(const std::string& name, const KeyFile& file,
                                      std::optional<KeyPair>* out) const;
  // A ReadAuth for one private read, signed with the reader key (unlocked on first use):
  // {ledger id, the reader's account, the call's method, target (zero: the whole journal) and
  // parameters, now + ReadValidityMs(), 16 random bytes of nonce}.
  [[nodiscard]] CliStatus SignRead(const ReadCall& call, pb::ReadAuth* out);

  // Fills the body for the selected key's account: ledger id, account, sequence + 1, an expiry
  // 15 minutes ahead. An account unknown to the node is refused (Exit::kRefused).
  [[nodiscard]] CliStatus Prepare(Payload payload, Prepared* out);
  // Asks the node what would happen (Simulate). A refusal is Exit::kRefused "the ledger would
  // refuse this: ...". *available is false when the node cannot simulate.
  [[nodiscard]] CliStatus Preview(const Prepared& p, pb::SimulateResponse* out, bool* available);
  // Confirms (unless `yes`), unlocks the key, signs, submits. *declined when the user said no.
  [[nodiscard]] CliStatus ConfirmAndSubmit(const Prepared& p, std::string_view question, bool yes,
                                           pb::SubmitResponse* out, bool* declined);
  // A command to print as a hint, that runs as printed: "liard", the flags this run was given
  // that choose the node and the keys (--node, --tls-ca, --insecure as typed; --key and --as as
  // resolved, so that the hint needs no environment), then `rest`.
  std::string Command(std::string_view rest) const;
  // The same with other keys: `key` empty leaves --key out (a public read), `as` empty or the
  // same as `key` leaves --as out.
  std::string CommandWith(std::string_view key, std::string_view as, std::string_view rest) const;
  // Whether this wallet holds a key of that name.
  bool HasKey(const std::string& name) const;
  // Prints "SUMMARY", the node's note when it has one, and "operation ID, journal entry N".
  void PrintSubmitted(const pb::SubmitResponse& r, std::string_view summary) const;

 private:
  // A client of `target` (a plaintext node off loopback refused unless --insecure), connected.
  [[nodiscard]] CliStatus OpenNode(const std::string& target, std::unique_ptr<NodeClient>* out);
  // The node took no write now (`refused`: a standby, a primary unsure it leads, no answer):
  // sends the same envelope to the primary it named, else to the other --node addresses, in
  // rounds for at most kFailoverWait; from then on this session talks to the node that took it.
  [[nodiscard]] CliStatus SubmitToPrimary(const pb::SignedOperation& envelope,
                                          pb::SubmitResponse* out, CliStatus refused);
  // A staff key acts for another account: says so on stderr, once per invocation.
  void NoteStaff(const std::string& name, const KeyFile& file);

  GlobalOptions options_;
  bool staff_noted_ = false;
  Config config_;
  std::string target_;                // the node this session talks to
  std::vector<std::string> targets_;  // every --node address, in order
  std::string key_name_;
  std::string reader_key_name_;
  std::string tls_ca_;
  bool insecure_ = false;
  mutable std::map<std::string, KeyPair> unlocked_;  // by key name, for this invocation
  std::unique_ptr<NodeClient> node_;
  Genesis genesis_;
  Hash ledger_id_;
  pb::Head head_;
  Money money_;
  std::map<AccountId, std::optional<pb::AccountCard>> cards_;  // of CardOf; nullopt: unknown
  std::set<AccountId> unnamed_;  // PlainNameOf's failed lookups (the node did not answer)
};

// Seconds an operation stays valid after it was signed (not_after_ms).
inline constexpr int64_t kValidityMs = 15 * 60 * 1000;
// How many times an operation is signed in all when another key of the account keeps taking its
// sequence first (SEQUENCE_USED): the first signature and four more (a shop with a few tills
// signing at the same instant).
inline constexpr int kSequenceAttempts = 5;

int64_t NowMs();

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_SESSION_H_

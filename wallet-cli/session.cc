// Session: connection and verification of the ledger, key handling, prepare/preview/submit.
#include "wallet-cli/session.h"

#include <sodium.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "ledger/address.h"
#include "ledger/currency_code.h"
#include "ledger/governance.h"
#include "ledger/permissions.h"
#include "ledger/text.h"
#include "proto/codec.h"
#include "proto/loopback.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/node_note.h"
#include "wallet-cli/refusal.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ReadValidityMs() {
  const char* env = std::getenv("LIARD_READ_LIFETIME_MS");
  if (env == nullptr || *env == '\0') return kReadValidityMs;
  char* end = nullptr;
  const long long v = std::strtoll(env, &end, 10);
  // Anything else than a plain number in range is ignored: the default is always safe.
  if (*end != '\0' || v < 10 || v > kMaxReadLifetimeMs) return kReadValidityMs;
  return v;
}

CliStatus Session::Init() {
  CliStatus s = LoadConfig(ConfigPath(), &config_);
  if (!s.ok()) return s;
  key_name_ = ResolveKeyName(options_.key, config_);
  reader_key_name_ = options_.as.empty() ? key_name_ : options_.as;
  tls_ca_ = ResolveTlsCa(options_.tls_ca, config_);
  insecure_ = ResolveInsecure(options_.insecure, config_);
  // Several addresses (a primary and its standbys): the first that answers serves the command.
  s = ParseNodeList(ResolveNode(options_.node, config_), &targets_);
  if (!s.ok()) return s;
  target_ = targets_.front();
  return CliStatus::Ok();
}

CliStatus Session::OpenNode(const std::string& target, std::unique_ptr<NodeClient>* out) {
  // Refused before any byte is sent: off this machine, plaintext lets anyone on the path read
  // the balances and signed requests and answer in the node's place.
  if (tls_ca_.empty() && !IsLoopbackAddress(target)) {
    if (!insecure_)
      return CliStatus::Usage(
          Tr("the node {target} is not on this machine and no TLS root certificate is set: "
             "refusing to talk to it in plaintext. Give the node's root certificate with --tls-ca "
             "FILE (or LIARD_TLS_CA, or tls_ca in {config}), or, on a network you trust, add "
             "--insecure",
             fmt::arg("target", target), fmt::arg("config", ConfigPath())));
    std::cerr << "liard: "
              << Tr("WARNING: talking to {target} in PLAINTEXT (--insecure): anyone on the "
                    "network path can read your balances and requests and answer in the node's "
                    "place; use --tls-ca",
                    fmt::arg("target", target))
              << "\n";
  }
  std::string pem;
  if (!tls_ca_.empty()) {
    std::ifstream in(tls_ca_, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    pem = text.str();
    if (!in || pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)  // i18n: as is
      return CliStatus::Local(
          in ? Tr("cannot use the TLS root certificate {file}: it holds no PEM certificate",
                  fmt::arg("file", tls_ca_))
             : Tr("cannot use the TLS root certificate {file}: cannot read it",
                  fmt::arg("file", tls_ca_)));
  }
  auto node = std::make_unique<NodeClient>(target, std::move(pem));
  node->set_read_signer(
      [this](const ReadCall& call, pb::ReadAuth* auth) { return SignRead(call, auth); });
  node->set_money(money_);
  CliStatus s = node->Connect();
  if (!s.ok()) return s;
  *out = std::move(node);
  return CliStatus::Ok();
}

CliStatus Session::Connect() {
  if (node_ != nullptr) return CliStatus::Ok();
  InitCrypto();
  // The first address that answers; a refusal to talk to one (plaintext off loopback, a bad
  // certificate file) stops here, since it would stop at every address.
  CliStatus s;
  for (const std::string& t : targets_) {
    s = OpenNode(t, &node_);
    if (s.ok()) {
      target_ = t;
      break;
    }
    if (s.exit() != Exit::kUnreachable) return s;
  }
  if (!s.ok()) {
    if (targets_.size() == 1) return s;
    std::string list;
    for (const std::string& t : targets_) list += (list.empty() ? "" : ", ") + t;
    return CliStatus::Unreachable(
        Tr("none of the nodes {list} answers; are they running? (set "
           "--node or LIARD_NODE)",
           fmt::arg("list", list)));
  }
  pb::GenesisInfo info;
  s = node_->GetGenesis(&info);
  if (!s.ok()) return s;
  ledger_id_ = LedgerIdOf(info.genesis());
  if (info.ledger_id() != ledger_id_.view())
    return CliStatus::Local(
        Tr("the node at {target} reports ledger id {reported}, but its genesis hashes to {id}; "
           "refusing to use this node",
           fmt::arg("target", target_), fmt::arg("reported", ToHex(info.ledger_id())),
           fmt::arg("id", ToHex(ledger_id_))));
  Status decoded = codec::DecodeGenesis(info.genesis(), &genesis_);
  if (!decoded.ok())
    return CliStatus::Local(Tr("the node's genesis does not decode: {reason}",
                               fmt::arg("reason", SafeText(decoded.ToString()))));
  s = node_->GetHead(&head_);
  if (!s.ok()) return s;
  if (head_.ledger_id() != ledger_id_.view() || head_.currency_code() != genesis_.currency_code ||
      head_.decimals() != genesis_.decimals)
    return CliStatus::Local(
        Tr("the node at {target} reports a head that does not match its own "
           "genesis; refusing to use this node",
           fmt::arg("target", target_)));
  money_ =
      Money(head_.currency_code(), static_cast<int>(head_.decimals()), DecimalSeparatorFromEnv());
  // Refusals state their amounts in this currency (wallet-cli/refusal.h).
  node_->set_money(money_);
  // Dates are shown and typed in the currency's time zone (version 4 genesis documents name
  // it); older ledgers: the machine's.
  SetDisplayZone(genesis_.time_zone);

  KnownLedger known = RecallLedger(target_);
  const std::string id_hex = ToHex(ledger_id_);
  const std::string name = SafeText(genesis_.currency_name);
  if (!config_.ledger_id.empty() && config_.ledger_id != id_hex)
    return CliStatus::Local(Tr(
        "the node at {target} serves ledger {id}… ({name}), but your config file trusts only "
        "ledger {trusted}… (ledger_id in {config}): refusing this node; ask the association "
        "which ledger id is right",
        fmt::arg("target", target_), fmt::arg("id", id_hex.substr(0, 16)), fmt::arg("name", name),
        fmt::arg("trusted", config_.ledger_id.substr(0, 16)), fmt::arg("config", ConfigPath())));
  const bool changed = !known.ledger_id_hex.empty() && known.ledger_id_hex != id_hex;
  if (changed && config_.ledger_id != id_hex) {
    if (!options_.accept_new_ledger)
      return CliStatus::Local(
          Tr("the node at {target} now serves ledger {id}… ({name}), but it served ledger "
             "{before}… before: refusing it. If the association announced a new ledger, run the "
             "command again with --accept-new-ledger; if not, stop and ask the association",
             fmt::arg("target", target_), fmt::arg("id", id_hex.substr(0, 16)),
             fmt::arg("name", name), fmt::arg("before", known.ledger_id_hex.substr(0, 16))));
    std::cerr << "liard: "
              << Tr("trusting the new ledger {id}… ({name}) at {target} from now on "
                    "(--accept-new-ledger)",
                    fmt::arg("id", id_hex.substr(0, 16)), fmt::arg("name", SafeText(name)),
                    fmt::arg("target", target_))
              << "\n";
  }
  if (changed) known.node_key_hex.clear();
  // The node key the genesis names is vouched for by the ledger id: pinned with it.
  const std::string genesis_key_hex = genesis_.node_key ? ToHex(*genesis_.node_key) : "";
  if (changed || known.ledger_id_hex.empty() || known.currency_code != genesis_.currency_code ||
      (known.node_key_hex.empty() && !genesis_key_hex.empty())) {
    known.ledger_id_hex = id_hex;
    known.currency_code = genesis_.currency_code;
    if (known.node_key_hex.empty()) known.node_key_hex = genesis_key_hex;
    CliStatus w = RememberLedger(target_, known);
    if (!w.ok())
      std::cerr << "liard: "
                << Tr("warning: {message}",
                      fmt::arg("message", SafeText(w.message(), Newlines::kKeep)))
                << "\n";
  }
  return CliStatus::Ok();
}

CliStatus Session::CheckCheckpointKey(const pb::SignedCheckpoint& cp,
                                      std::vector<std::string>* notes) {
  PublicKey signer;
  if (!signer.Assign(cp.node_key()))
    return CliStatus::Local(_("the node's checkpoint carries no valid node key: refusing it"));
  // The keys the ledger names now: the genesis's (the pinned ledger id vouches for it), or the
  // latest SetNodeKey or SetNodeKeys decision's, as the node's governance record shows them.
  Governance named;
  named.node_key = genesis_.node_key;
  pb::GovernanceInfo gov;
  CliStatus s = node_->GetGovernance(&gov);
  if (!s.ok()) return s;
  std::vector<PublicKey> keys;
  for (const std::string& bytes : gov.node_keys()) {
    PublicKey k;
    if (!k.Assign(bytes) || keys.size() >= kMaxNodeKeys)
      return CliStatus::Local(_("the node's governance record names a malformed node key"));
    keys.push_back(k);
  }
  if (keys.empty() && !gov.node_key().empty()) {  // a node from before GovernanceInfo.node_keys
    PublicKey k;
    if (!k.Assign(gov.node_key()))
      return CliStatus::Local(_("the node's governance record names a malformed node key"));
    keys.push_back(k);
  }
  if (!keys.empty()) {
    named.node_key = keys.front();
    named.more_node_keys.assign(keys.begin() + 1, keys.end());
  }
  KnownLedger known = RecallLedger(target_);
  const std::string signer_hex = ToHex(signer);
  if (!named.node_key) {
    // A version 1 ledger that names no node key: trust on first use, as before.
    if (known.node_key_hex.empty()) {
      known.node_key_hex = signer_hex;
      CliStatus w = RememberLedger(target_, known);
      (void)w.ok();  // remembering is a convenience; the signature check stands on its own
    } else if (known.node_key_hex != signer_hex) {
      std::cerr << "liard: "
                << Tr("WARNING: the node at {target} signs checkpoints with key {key}, not the key "
                      "it used before ({before}…); this ledger names no node key: if the "
                      "association did not announce a new node key, do not trust this node.",
                      fmt::arg("target", target_), fmt::arg("key", KeyFingerprint(signer)),
                      fmt::arg("before", known.node_key_hex.substr(0, 16)))
                << "\n";
      notes->push_back(_("the node's checkpoint key changed since the last receipt"));
    }
    return CliStatus::Ok();
  }
  const std::vector<PublicKey> set = named.NodeKeys();
  const std::string set_text = KeyListText(set);
  std::vector<std::string> set_hex;
  for (const PublicKey& k : set) set_hex.push_back(ToHex(k));
  if (!named.NamesNodeKey(signer)) {
    if (set.size() == 1)
      return CliStatus::Local(
          Tr("the node's checkpoints are signed by key {key} ({key_hex}), but the ledger names key "
             "{named} ({named_hex}): do not trust this node's checkpoints; ask the association "
             "which node key it announced",
             fmt::arg("key", KeyFingerprint(signer)), fmt::arg("key_hex", signer_hex),
             fmt::arg("named", KeyFingerprint(set[0])), fmt::arg("named_hex", set_hex[0])));
    return CliStatus::Local(
        Tr("the node's checkpoints are signed by key {key} ({key_hex}), but the ledger names "
           "only the node keys {named}: do not trust this node's checkpoints; ask the "
           "association which node keys it announced",
           fmt::arg("key", KeyFingerprint(signer)), fmt::arg("key_hex", signer_hex),
           fmt::arg("named", set_text)));
  }
  const std::vector<std::string> known_set =
      known.node_keys_hex.size() > 1
          ? known.node_keys_hex
          : (known.node_key_hex.empty() ? std::vector<std::string>{}
                                        : std::vector<std::string>{known.node_key_hex});
  if (known_set != set_hex) {
    if (!known_set.empty()) {
      if (set.size() == 1)
        std::cerr << "liard: "
                  << Tr("the ledger's node key is now {key}, named by a board decision (it was "
                        "{before}…); `liard audit verify` checks that decision in the journal",
                        fmt::arg("key", KeyFingerprint(set[0])),
                        fmt::arg("before", known_set[0].substr(0, 16)))
                  << "\n";
      else
        std::cerr << "liard: "
                  << Tr("the ledger's node keys are now {keys}, named by a board decision; "
                        "`liard audit verify` checks that decision in the journal",
                        fmt::arg("keys", set_text))
                  << "\n";
      notes->push_back(_("the node key changed by a board decision since the last check"));
    }
    known.node_key_hex = set_hex[0];
    known.node_keys_hex = set_hex.size() > 1 ? set_hex : std::vector<std::string>{};
    CliStatus w = RememberLedger(target_, known);
    (void)w.ok();
  }
  return CliStatus::Ok();
}

CliStatus Session::PrecheckAddress(std::string_view text) {
  // The currency code is the part before the last '1'; DecodeAddress then checks the checksum,
  // which covers that code, so any typo anywhere is found here.
  size_t sep = text.rfind('1');
  std::string code = sep == std::string_view::npos ? "" : std::string(text.substr(0, sep));
  const bool plausible = IsAddressCurrencyCode(code);
  AccountId id;
  Status s = DecodeAddress(plausible ? code : "roue", text, &id);
  if (!s.ok() && (plausible || s.message().find("currency") == std::string::npos))
    return CliStatus::Usage(French() ? AddressProblem(text, s)
                                     : s.message() + ": '" + SafeText(text) + "'");
  return CliStatus::Ok();
}

CliStatus Session::CheckNewKey(const PublicKey& key, std::string_view what) {
  if (IsValidPublicKey(key)) return CliStatus::Ok();
  return CliStatus::Usage(
      Tr("{what} is not a key that can ever sign (the identity, all zeros or "
         "a small-order point): money paid to it would be lost for ever",
         fmt::arg("what", what)));
}

CliStatus Session::ParseAddress(std::string_view text, AccountId* out) const {
  Status s = DecodeAddress(genesis_.currency_code, text, out);
  if (!s.ok()) return CliStatus::Usage(s.message() + ": '" + SafeText(text) + "'");
  return CliStatus::Ok();
}

CliStatus Session::ParseUnits(std::string_view text, std::string_view what, Amount* out) const {
  Status s = ParseAmount(text, money_.decimals(), out);
  if (!s.ok())
    return CliStatus::Usage(Tr("{what} '{text}': {reason}", fmt::arg("what", what),
                               fmt::arg("text", SafeText(text)), fmt::arg("reason", s.message())));
  if (!out->positive())
    return CliStatus::Usage(Tr("{what} must be above zero", fmt::arg("what", what)));
  return CliStatus::Ok();
}

CliStatus Session::ParseEuros(std::string_view text, std::string_view what, Amount* out) {
  Status s = ParseAmount(text, 2, out);
  if (!s.ok())
    return CliStatus::Usage(Tr("{what} '{text}': {reason}", fmt::arg("what", what),
                               fmt::arg("text", SafeText(text)), fmt::arg("reason", s.message())));
  if (!out->positive())
    return CliStatus::Usage(Tr("{what} must be above zero", fmt::arg("what", what)));
  return CliStatus::Ok();
}

std::string Session::AddressOf(const AccountId& id) const {
  return EncodeAddress(genesis_.currency_code, id);
}

CliStatus Session::CardOf(const AccountId& id, pb::AccountCard* out, bool* found) {
  auto it = cards_.find(id);
  if (it == cards_.end()) {
    if (node_ == nullptr) return CliStatus::Local(_("not connected to a node"));
    pb::AccountCard card;
    bool exists = false;
    CliStatus s = node_->LookupAccount(id, &card, &exists);
    if (!s.ok()) return s;
    it = cards_.emplace(id, exists ? std::optional(std::move(card)) : std::nullopt).first;
  }
  *found = it->second.has_value();
  if (*found) *out = *it->second;
  return CliStatus::Ok();
}

std::string Session::PlainNameOf(const AccountId& id) {
  if (node_ == nullptr || unnamed_.count(id) != 0) return "";
  pb::AccountCard card;
  bool found = false;
  // A failed lookup is not tried again for each line of a history.
  if (!CardOf(id, &card, &found).ok()) unnamed_.insert(id);
  return found ? card.name() : "";
}

std::string Session::NameOf(const AccountId& id) { return Party(PlainNameOf(id), AddressOf(id)); }

CliStatus Session::LoadKey(KeyFile* out) const { return keystore().Read(key_name_, out); }

CliStatus Session::UnlockNamed(const std::string& name, const KeyFile& file,
                               std::optional<KeyPair>* out) const {
  auto it = unlocked_.find(name);
  if (it != unlocked_.end() && it->second.public_key() == file.public_key) {
    out->emplace(it->second);
    return CliStatus::Ok();
  }
  SecretString passphrase;
  CliStatus s = ReadPassphrase(Tr("Passphrase for key '{name}': ", fmt::arg("name", name)), false,
                               &passphrase);
  if (!s.ok()) return s;
  Seed seed;
  s = OpenSeed(file, passphrase.value(), name, &seed);
  if (!s.ok()) return s;
  out->emplace(KeyPair::FromSeed(seed));
  sodium_memzero(seed.data.data(), seed.data.size());
  unlocked_.insert_or_assign(name, **out);
  return CliStatus::Ok();
}

void Session::NoteStaff(const std::string& name, const KeyFile& file) {
  if (!file.staff || staff_noted_) return;
  staff_noted_ = true;
  // stderr: a --json answer on stdout stays what it is.
  std::cerr << "liard: "
            << Tr("key '{key}' is a staff key: acting for {account}", fmt::arg("key", name),
                  fmt::arg("account", NameOf(file.account)))
            << "\n";
}

CliStatus Session::SignRead(const ReadCall& call, pb::ReadAuth* out) {
  KeyFile file;
  CliStatus s = keystore().Read(reader_key_name_, &file);
  if (!s.ok()) return s;
  std::optional<KeyPair> key;
  s = UnlockNamed(reader_key_name_, file, &key);
  if (!s.ok()) return s;
  NoteStaff(reader_key_name_, file);
  std::string nonce(kMinReadNonce, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  const ReadRequest request =
      ReadRequestFor(ledger_id_, file.account, call, NowMs() + ReadValidityMs(), std::move(nonce));
  std::string body = codec::EncodeReadRequest(request);
  Signature sig = key->Sign(ReadSigningMessage(ledger_id_, body));
  out->set_body(body);
  out->set_public_key(std::string(key->public_key().view()));
  out->set_signature(std::string(sig.view()));
  return CliStatus::Ok();
}

namespace {

// The ledger refuses names and memos not in NFC (version 3): the wallet signs their NFC form,
// whatever form the keyboard, the file or the payment request gave.
void NormaliseTexts(Payload* payload) {
  auto open = [](OpenAccount* o) { o->name = ToNfc(o->name); };
  if (auto* t = std::get_if<Transfer>(payload)) t->memo = ToNfc(t->memo);
  if (auto* m = std::get_if<MultiTransfer>(payload))
    for (Leg& leg : m->legs) leg.memo = ToNfc(leg.memo);
  if (auto* o = std::get_if<OpenAccount>(payload)) open(o);
  if (auto* d = std::get_if<Deposit>(payload)) d->reference = ToNfc(d->reference);
  if (auto* p = std::get_if<Payout>(payload)) p->reference = ToNfc(p->reference);
  if (auto* f = std::get_if<FundProgramme>(payload)) f->reference = ToNfc(f->reference);
  if (auto* b = std::get_if<BankEntry>(payload)) b->reference = ToNfc(b->reference);
  if (auto* p = std::get_if<Propose>(payload)) {
    if (auto* o = std::get_if<OpenAccount>(&p->decision)) open(o);
    if (auto* f = std::get_if<Freeze>(&p->decision)) f->reason = ToNfc(f->reason);
    if (auto* x = std::get_if<Pause>(&p->decision)) x->reason = ToNfc(x->reason);
  }
}

}  // namespace

CliStatus Session::Prepare(Payload payload, Prepared* out) {
  NormaliseTexts(&payload);
  Prepared p;
  p.key_name = key_name_;
  CliStatus s = LoadKey(&p.key);
  if (!s.ok()) return s;
  NoteStaff(key_name_, p.key);
  bool found = false;
  s = node_->FindAccount(p.key.account, &p.actor, &found);
  if (!s.ok()) return s;
  if (!found)
    return CliStatus::Refused(
        Tr("the account of key '{key}' ({address}) does not exist in this "
           "ledger; an exchange office or the association opens accounts",
           fmt::arg("key", key_name_), fmt::arg("address", AddressOf(p.key.account))));
  p.op.ledger_id = ledger_id_;
  p.op.account = p.key.account;
  p.op.sequence = p.actor.sequence() + 1;
  p.op.not_after_ms = NowMs() + kValidityMs;
  p.op.payload = std::move(payload);
  p.body = codec::EncodeOperation(p.op);
  *out = std::move(p);
  return CliStatus::Ok();
}

CliStatus Session::Preview(const Prepared& p, pb::SimulateResponse* out, bool* available) {
  // A staff key previews only what its scope lets it sign (the node refuses it the read): the
  // ledger's own answer, from its own table, without asking.
  for (const pb::StaffKeyInfo& k : p.actor.staff_keys()) {
    if (k.key() != p.key.public_key.view() || k.revoked_ms() != 0 ||
        !IsValidScope(static_cast<uint32_t>(k.scope())))
      continue;
    const KeyScope scope = static_cast<KeyScope>(k.scope());
    if (StaffMayPerform(scope, p.op.type())) break;
    pb::SimulateResponse refused;
    refused.set_code(static_cast<uint32_t>(Code::kKeyScope));
    refused.set_code_name(std::string(CodeName(Code::kKeyScope)));
    // The ledger's own words (ledger.cc), as the node would send them.
    const std::string why = "a staff key of scope " +                      // i18n: as is
                            std::string(ScopeName(scope)) + " may not " +  // i18n: as is
                            std::string(OpTypeName(p.op.type()));
    refused.set_message(why);
    *available = true;
    return CliStatus::Refused(
               DescribeRefusal(RefusalOf(refused), money_, RefusalFrame::kWouldRefuse))
        .set_code_name(refused.code_name());
  }
  CliStatus s = node_->Simulate(p.body, p.op.account, p.key.public_key, out, available);
  if (!s.ok() || !*available) return s;
  if (out->code() != 0)
    return CliStatus::Refused(DescribeRefusal(RefusalOf(*out), money_, RefusalFrame::kWouldRefuse))
        .set_leg(out->leg())
        .set_code_name(out->code_name());
  return CliStatus::Ok();
}

CliStatus Session::ConfirmAndSubmit(const Prepared& p, std::string_view question, bool yes,
                                    pb::SubmitResponse* out, bool* declined) {
  *declined = false;
  bool accepted = false;
  CliStatus s = Confirm(question, yes, &accepted);
  if (!s.ok()) return s;
  if (!accepted) {
    *declined = true;
    return CliStatus::Ok();
  }
  std::optional<KeyPair> key;
  s = Unlock(p.key, &key);
  if (!s.ok()) return s;
  const pb::StaffKeyInfo* staff = nullptr;
  for (const pb::StaffKeyInfo& k : p.actor.staff_keys())
    if (k.key() == key->public_key().view()) staff = &k;
  if (staff != nullptr && staff->revoked_ms() != 0)
    std::cerr << "liard: "
              << Tr("warning: key '{key}' is a staff key of the account that was revoked; the "
                    "ledger will refuse it (KEY_REVOKED)",
                    fmt::arg("key", key_name_))
              << "\n";
  else if (p.actor.key() != key->public_key().view() && staff == nullptr)
    std::cerr << "liard: "
              << Tr("warning: key '{key}' is not the account's current signing key; the ledger "
                    "will refuse it (WRONG_KEY)",
                    fmt::arg("key", key_name_))
              << "\n";
  // Sign the very bytes that were previewed.
  std::string body = p.body;
  uint64_t sequence = p.op.sequence;
  for (int attempt = 1;; ++attempt) {
    Signature sig = key->Sign(SigningMessage(ledger_id_, body));
    pb::SignedOperation envelope;
    envelope.set_body(body);
    envelope.set_public_key(std::string(key->public_key().view()));
    envelope.set_signature(std::string(sig.view()));
    s = node_->Submit(envelope, out);
    if (!s.ok() && node_->takes_no_writes_now() &&
        (!node_->primary_hint().empty() || targets_.size() > 1))
      s = SubmitToPrimary(envelope, out, s);
    if (s.exit() == Exit::kUnreachable)
      return CliStatus::Unreachable(Tr(
          "{reason}; the operation {id} may or may not have been applied: check with 'liard "
          "receipt ID' before trying again",
          fmt::arg("reason", s.message()), fmt::arg("id", ToHex(OperationId(ledger_id_, body)))));
    if (s.ok() || s.code_name() != CodeName(Code::kSequenceUsed) || attempt == kSequenceAttempts)
      return s;
    // Another key of the account (its owner's, a till's) took this sequence between the preview
    // and now. The refused envelope can never apply (its sequence is used), so the same operation
    // is signed again with the next sequence: nothing else of it changes.
    bool found = false;
    pb::AccountInfo now;
    CliStatus f = node_->FindAccount(p.key.account, &now, &found);
    if (!f.ok() || !found) return s;
    Operation op = p.op;
    op.sequence = now.sequence() + 1;
    body = codec::EncodeOperation(op);
    const uint64_t used = sequence;
    sequence = op.sequence;
    std::cerr << "liard: "
              << Tr("sequence {used} was just used by another key of this account; signing the "
                    "same operation again with sequence {next}",
                    fmt::arg("used", used), fmt::arg("next", sequence))
              << "\n";
  }
}

void Session::PrintSubmitted(const pb::SubmitResponse& r, std::string_view summary) const {
  std::cout << SafeText(summary, Newlines::kKeep) << "\n";
  const std::string& m = r.message();
  if (!m.empty() && m != "applied" && m != "applied before")  // i18n: as is (the node's words)
    std::cout << Tr("node: {note}",
                    fmt::arg("note", SafeText(NodeNote(m, money()), Newlines::kKeep)))
              << "\n";
  std::cout << (r.duplicate()
                    ? Tr("operation {id}, journal entry {sequence} (sent before: this is the "
                         "first result)",
                         fmt::arg("id", ToHex(r.operation_id())),
                         fmt::arg("sequence", r.sequence()))
                    : Tr("operation {id}, journal entry {sequence}",
                         fmt::arg("id", ToHex(r.operation_id())),
                         fmt::arg("sequence", r.sequence())))
            << "\n";
}

namespace {

// A word as a POSIX shell reads it: as is when it holds only safe characters, else quoted.
std::string ShellWord(std::string_view w) {
  if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_.,:/=@+%") == std::string_view::npos)
    return std::string(w);
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string Session::Command(std::string_view rest) const {
  return CommandWith(key_name_, reader_key_name_, rest);
}

std::string Session::CommandWith(std::string_view key, std::string_view as,
                                 std::string_view rest) const {
  std::string out = "liard";
  if (!options_.node.empty()) out += " --node " + ShellWord(options_.node);
  if (!options_.tls_ca.empty()) out += " --tls-ca " + ShellWord(options_.tls_ca);
  if (options_.insecure) out += " --insecure";
  if (!key.empty()) out += " --key " + ShellWord(key);
  if (!as.empty() && as != key) out += " --as " + ShellWord(as);
  return out + " " + std::string(rest);
}

bool Session::HasKey(const std::string& name) const {
  KeyFile file;
  return keystore().Read(name, &file).ok();
}

}  // namespace liard::wallet

namespace liard::wallet {

CliStatus Session::SubmitToPrimary(const pb::SignedOperation& envelope, pb::SubmitResponse* out,
                                   CliStatus refused) {
  // The node took no write now: a standby (which recorded nothing), or a primary that is not sure
  // it still leads, could not get its standbys' confirmation, or did not answer, perhaps while a
  // standby takes over. The very same envelope goes to the primary it named, else to the other
  // listed nodes, each once a round; rounds go on a second apart until a node takes it or gives
  // a real answer, for at most kFailoverWait. A node that has the envelope already answers with
  // its first result: it is never applied twice.
  const auto deadline = std::chrono::steady_clock::now() + kFailoverWait;
  bool waiting = false;
  while (true) {
    std::vector<std::string> tried;
    while (true) {
      const std::string from = target_;
      const std::string hint = node_->primary_hint();
      tried.push_back(from);
      bool sent = false;
      for (const std::string& t : WriteCandidates(targets_, from, hint, tried)) {
        tried.push_back(t);
        std::unique_ptr<NodeClient> other;
        if (!OpenNode(t, &other).ok()) continue;
        pb::GenesisInfo info;
        if (!other->GetGenesis(&info).ok()) continue;
        if (LedgerIdOf(info.genesis()) != ledger_id_ || info.ledger_id() != ledger_id_.view()) {
          std::cerr << "liard: "
                    << Tr("the node at {target} serves another ledger: not sending to it",
                          fmt::arg("target", SafeText(t)))
                    << "\n";
          continue;
        }
        std::cerr << "liard: "
                  << (hint.empty()
                          ? Tr("the node at {node} takes no writes now; sending the operation "
                               "to {target}",
                               fmt::arg("node", SafeText(from)), fmt::arg("target", SafeText(t)))
                          : Tr("the node at {standby} is a standby; sending the operation to "
                               "{target}",
                               fmt::arg("standby", SafeText(from)),
                               fmt::arg("target", SafeText(t))))
                  << "\n";
        node_ = std::move(other);
        target_ = t;
        refused = node_->Submit(envelope, out);
        sent = true;
        break;
      }
      if (!sent) break;
      if (refused.ok() || !node_->takes_no_writes_now()) return refused;
      // That one took no write either: its own primary next, never an address tried this round.
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (!node_->primary_hint().empty() || targets_.size() > 1)
        return CliStatus::Unreachable(
            Tr("no primary node took the operation within {seconds} s (the last one, at "
               "{target}, said: {why})",
               fmt::arg("seconds", kFailoverWait.count() / 1000),
               fmt::arg("target", SafeText(target_)), fmt::arg("why", refused.message())));
      return refused;
    }
    if (!waiting) {
      std::cerr << "liard: "
                << Tr("no node takes writes now (a standby may be taking over); trying again for "
                      "up to {seconds} s",
                      fmt::arg("seconds", kFailoverWait.count() / 1000))
                << "\n";
      waiting = true;
    }
    std::this_thread::sleep_for(Millis(1'000));
    // The node last tried first: it may lead now.
    refused = node_->Submit(envelope, out);
    if (refused.ok() || !node_->takes_no_writes_now()) return refused;
  }
}

}  // namespace liard::wallet

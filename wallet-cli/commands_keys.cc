// liard key new|list|show|export|import|set-account: named keys, encrypted on disk.
#include <sodium.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/address.h"
#include "wallet-cli/app.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/terminal.h"

namespace liard::wallet {
namespace {

// The currency code for showing addresses: remembered from the last contact with this node,
// else asked from the node; empty (public keys only) when neither works.
std::string CurrencyFor(Session& session) {
  KnownLedger known = RecallLedger(session.node_target());
  if (!known.currency_code.empty()) return known.currency_code;
  if (session.Connect().ok()) return session.genesis().currency_code;
  return "";
}

std::string AddressOrKey(const std::string& currency, const AccountId& id) {
  return currency.empty() ? ToHex(id) : EncodeAddress(currency, id);
}

// An account as typed: its address, or its id in 64 hex characters.
CliStatus ParseAccountArg(const std::string& account, AccountId* id) {
  std::string bytes;
  if (account.size() == 64 && FromHex(account, &bytes) && id->Assign(bytes)) return CliStatus::Ok();
  CliStatus s = Session::PrecheckAddress(account);
  if (!s.ok()) return s;
  std::string code = account.substr(0, account.rfind('1'));
  Status d = DecodeAddress(code, account, id);
  if (!d.ok()) return CliStatus::Usage(d.message());
  return CliStatus::Ok();
}

CliStatus NewPassphrase(const std::string& name, SecretString* out) {
  CliStatus s =
      ReadPassphrase(Tr("New passphrase for key '{name}': ", fmt::arg("name", name)), true, out);
  if (!s.ok()) return s;
  return CheckNewPassphrase(out->value(), name);
}

// `for_account` not empty: a staff key, that signs for that account (an address or id).
CliStatus SaveNew(Session& session, const std::string& name, const Seed& seed, KdfLimits limits,
                  bool imported, const std::string& for_account) {
  KeyStore store = session.keystore();
  AccountId staff_of;
  if (!for_account.empty()) {
    CliStatus s = ParseAccountArg(for_account, &staff_of);
    if (!s.ok()) return s;
  }
  if (!IsValidKeyName(name))
    return CliStatus::Usage(
        Tr("'{name}' is not a valid key name: use 1 to 64 letters, digits, "
           "'.', '_' or '-', not starting with '.'",
           fmt::arg("name", name)));
  if (std::ifstream(store.PathOf(name)).good())
    return CliStatus::Usage(
        Tr("a key named '{name}' exists already ({path}); choose another "
           "name: liard never overwrites a key file",
           fmt::arg("name", name), fmt::arg("path", store.PathOf(name))));
  SecretString passphrase;
  CliStatus s = NewPassphrase(name, &passphrase);
  if (!s.ok()) return s;
  KeyFile file;
  s = SealSeed(seed, passphrase.value(), limits, &file);
  if (!s.ok()) return s;
  if (!for_account.empty()) {
    if (staff_of == file.public_key)
      return CliStatus::Usage(_("--for names the key's own account: leave it out"));
    file.account = staff_of;
    file.staff = true;
  }
  s = store.Write(name, file);
  if (!s.ok()) return s;
  std::string currency = CurrencyFor(session);
  std::cout << (imported ? Tr("key '{name}' imported ({path})", fmt::arg("name", name),
                              fmt::arg("path", store.PathOf(name)))
                         : Tr("key '{name}' created ({path})", fmt::arg("name", name),
                              fmt::arg("path", store.PathOf(name))))
            << "\n";
  std::vector<std::vector<std::string>> rows;
  if (file.staff) {
    rows.push_back({_("signs for"), AddressOrKey(currency, file.account)});
    rows.push_back({_("public key"), ToHex(file.public_key)});
    std::cout << RenderTable(rows);
    std::cout << Tr("it signs for that account once its holder adds it as a staff key: liard "
                    "staff add --scope receive --label {name} {public_key}",
                    fmt::arg("name", name), fmt::arg("public_key", ToHex(file.public_key)))
              << "\n";
    return CliStatus::Ok();
  }
  if (!currency.empty()) rows.push_back({_("address"), EncodeAddress(currency, file.account)});
  rows.push_back({_("public key"), ToHex(file.public_key)});
  std::cout << RenderTable(rows);
  return CliStatus::Ok();
}

CliStatus KeyNew(Session& session, const std::string& name, KdfLimits limits,
                 const std::string& for_account) {
  KeyPair pair = KeyPair::Generate();
  Seed seed = pair.seed();
  CliStatus s = SaveNew(session, name, seed, limits, /*imported=*/false, for_account);
  sodium_memzero(seed.data.data(), seed.data.size());
  return s;
}

// An encrypted key file as it is (the phone wallet's backup, or another wallet's NAME.key): its
// seed stays sealed under its own passphrase and limits. The passphrase is not asked: the file
// is checked whole (KeyFileFromJson), and the first use of the key opens it.
CliStatus KeyImportFile(Session& session, const std::string& name, const std::string& key_file) {
  const KeyStore& store = session.keystore();
  if (!IsValidKeyName(name))
    return CliStatus::Usage(
        Tr("'{name}' is not a valid key name: use 1 to 64 letters, digits, "
           "'.', '_' or '-', not starting with '.'",
           fmt::arg("name", name)));
  std::ifstream f(key_file, std::ios::binary);
  if (!f)
    return CliStatus::Local(Tr("cannot read the key file {file}", fmt::arg("file", key_file)));
  // A key file is a few hundred bytes: read a little more than the largest, never a whole disk.
  std::string text(4096, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(f.gcount()));
  if (text.size() == 4096 || !f.eof())
    return CliStatus::Local(Tr("the key file {file} is not valid: {why}",
                               fmt::arg("file", key_file), fmt::arg("why", _("it is too large"))));
  KeyFile file;
  CliStatus s = KeyFileFromJson(text, key_file, &file);
  if (!s.ok()) return s;
  if (std::ifstream(store.PathOf(name)).good())
    return CliStatus::Usage(
        Tr("a key named '{name}' exists already ({path}); choose another "
           "name: liard never overwrites a key file",
           fmt::arg("name", name), fmt::arg("path", store.PathOf(name))));
  s = store.Write(name, file);
  if (!s.ok()) return s;
  std::cout << Tr("key '{name}' imported ({path})", fmt::arg("name", name),
                  fmt::arg("path", store.PathOf(name)))
            << "\n";
  const std::string currency = CurrencyFor(session);
  std::vector<std::vector<std::string>> rows;
  rows.push_back(
      {file.staff ? _("signs for") : _("address"), AddressOrKey(currency, file.account)});
  rows.push_back({_("public key"), ToHex(file.public_key)});
  std::cout << RenderTable(rows);
  return CliStatus::Ok();
}

CliStatus KeyImport(Session& session, const std::string& name, const std::string& seed_file,
                    bool seed_hex, KdfLimits limits, const std::string& for_account) {
  SecretString text;
  if (!seed_file.empty()) {
    std::ifstream f(seed_file, std::ios::binary);
    if (!f)
      return CliStatus::Local(Tr("cannot read the seed file {file}", fmt::arg("file", seed_file)));
    std::stringstream ss;
    ss << f.rdbuf();
    *text.mutable_value() = ss.str();
  } else if (seed_hex) {
    if (isatty(STDIN_FILENO)) std::cerr << _("Seed (64 hex characters): ") << std::flush;
    std::getline(std::cin, *text.mutable_value());
  } else {
    return CliStatus::Usage(
        _("give the seed with --seed-file FILE, or --seed-hex and the hex on standard input"));
  }
  Seed seed;
  CliStatus s = ParseSeedHex(text.value(), &seed);
  if (!s.ok()) return s;
  s = SaveNew(session, name, seed, limits, /*imported=*/true, for_account);
  sodium_memzero(seed.data.data(), seed.data.size());
  return s;
}

CliStatus KeyList(Session& session, bool json) {
  std::vector<std::string> names;
  CliStatus s = session.keystore().List(&names);
  if (!s.ok()) return s;
  std::string currency = names.empty() ? "" : CurrencyFor(session);
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  std::vector<std::vector<std::string>> rows = {
      {"", _("NAME"), currency.empty() ? _("PUBLIC KEY") : _("ADDRESS")}};
  for (const auto& name : names) {
    KeyFile f;
    s = session.keystore().Read(name, &f);
    bool selected = name == session.key_name();
    if (!s.ok()) {
      rows.push_back({selected ? "*" : "", name,
                      Tr("(unreadable: {reason})", fmt::arg("reason", s.message()))});
      continue;
    }
    rows.push_back({selected ? "*" : "", name, AddressOrKey(currency, f.account)});
    nlohmann::ordered_json e;
    e["name"] = name;
    if (!currency.empty()) e["address"] = EncodeAddress(currency, f.account);
    e["public_key"] = ToHex(f.public_key);
    e["account"] = ToHex(f.account);
    e["selected"] = selected;
    j.push_back(e);
  }
  if (json) {
    std::cout << j.dump(2) << "\n";
  } else if (names.empty()) {
    std::cout << Tr("no keys yet in {dir}; create one with 'liard key new NAME' or 'liard key "
                    "import NAME --seed-file FILE'",
                    fmt::arg("dir", session.keystore().dir()))
              << "\n";
  } else {
    std::cout << RenderTable(rows);
  }
  return CliStatus::Ok();
}

CliStatus KeyShow(Session& session, std::string name, bool json) {
  if (name.empty()) name = session.key_name();
  KeyFile f;
  CliStatus s = session.keystore().Read(name, &f);
  if (!s.ok()) return s;
  std::string currency = CurrencyFor(session);
  if (json) {
    nlohmann::ordered_json j;
    j["name"] = name;
    if (!currency.empty()) j["address"] = EncodeAddress(currency, f.account);
    j["public_key"] = ToHex(f.public_key);
    j["account"] = ToHex(f.account);
    j["staff"] = f.staff;
    j["file"] = session.keystore().PathOf(name);
    j["kdf"] = f.kdf;
    j["opslimit"] = f.opslimit;
    j["memlimit"] = f.memlimit;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({_("name"), name});
  if (!currency.empty()) rows.push_back({_("address"), EncodeAddress(currency, f.account)});
  rows.push_back({_("public key"), ToHex(f.public_key)});
  if (f.account != f.public_key) rows.push_back({_("account id"), ToHex(f.account)});
  if (f.staff) rows.push_back({_("staff key"), _("signs for the account above, within its scope")});
  rows.push_back({_("file"), session.keystore().PathOf(name)});
  rows.push_back(
      {_("protection"), TrP("{kdf}, {mib} MiB, {passes} pass", "{kdf}, {mib} MiB, {passes} passes",
                            f.opslimit, fmt::arg("kdf", f.kdf), fmt::arg("mib", f.memlimit >> 20),
                            fmt::arg("passes", f.opslimit))});
  std::cout << RenderTable(rows);
  return CliStatus::Ok();
}

CliStatus KeyExport(Session& session, std::string name, bool address_only,
                    const std::string& out_file) {
  if (name.empty()) name = session.key_name();
  if (!address_only && out_file.empty())
    return CliStatus::Usage(
        _("the secret seed is written only to a file: add --out FILE (created mode 0600, never "
          "over an existing file); it is never printed"));
  KeyFile f;
  CliStatus s = session.keystore().Read(name, &f);
  if (!s.ok()) return s;
  if (address_only) {
    std::string currency = CurrencyFor(session);
    if (currency.empty())
      return CliStatus::Unreachable(
          Tr("the currency of the node at {node} is not known yet and the node cannot be reached",
             fmt::arg("node", session.node_target())));
    std::cout << EncodeAddress(currency, f.account) << "\n";
    return CliStatus::Ok();
  }
  // Typed by a person at this terminal: LIARD_PASSPHRASE alone, which a script or a stolen
  // environment holds, never takes a seed out of its encrypted file.
  SecretString passphrase;
  s = ReadPassphraseFromTerminal(
      Tr("Passphrase for key '{name}' (to export its secret seed): ", fmt::arg("name", name)),
      Tr("key export asks for the passphrase on a terminal, typed by a person (LIARD_PASSPHRASE "
         "is not accepted for it); for scripted backups, copy the encrypted key file {path} "
         "instead",
         fmt::arg("path", session.keystore().PathOf(name))),
      &passphrase);
  if (!s.ok()) return s;
  Seed seed;
  s = OpenSeed(f, passphrase.value(), name, &seed);
  if (!s.ok()) return s;
  SecretString hex(ToHex(seed) + "\n");
  sodium_memzero(seed.data.data(), seed.data.size());
  s = WriteFileAtomically(out_file, hex.value(), /*replace=*/false);
  if (!s.ok()) return s;
  std::cerr << "liard: "
            << Tr("WARNING: {file} holds the secret seed of key '{name}'. Anyone who reads it can "
                  "spend from the account: keep it offline, then delete it from this machine.",
                  fmt::arg("file", out_file), fmt::arg("name", name))
            << "\n";
  std::cout << Tr("seed of key '{name}' written to {file} (mode 0600)", fmt::arg("name", name),
                  fmt::arg("file", out_file))
            << "\n";
  return CliStatus::Ok();
}

CliStatus KeySetAccount(Session& session, const std::string& name, const std::string& account) {
  KeyFile f;
  CliStatus s = session.keystore().Read(name, &f);
  if (!s.ok()) return s;
  AccountId id;
  s = ParseAccountArg(account, &id);
  if (!s.ok()) return s;
  f.account = id;
  f.staff = false;  // the account's own key now
  s = session.keystore().Replace(name, f);
  if (!s.ok()) return s;
  std::cout << Tr("key '{name}' now signs for account {account}", fmt::arg("name", name),
                  fmt::arg("account", ToHex(id)))
            << "\n";
  return CliStatus::Ok();
}

// A word as a POSIX shell reads it back: left bare when it holds only safe characters, else in
// single quotes.
std::string ShellWord(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789@%+=:,./_-") == std::string::npos)
    return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The command line the user typed, run with key `key` instead: `liard --key KEY ARGS...` with
// any --key of ARGS left out.
std::string CommandWithKey(const std::string& key, const std::vector<std::string>& args) {
  std::string out = "liard --key " + ShellWord(key);
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      for (; i < args.size(); ++i) out += " " + ShellWord(args[i]);
      break;
    }
    if (args[i] == "--key") {
      ++i;
      continue;
    }
    if (args[i].rfind("--key=", 0) == 0) continue;
    out += " " + ShellWord(args[i]);
  }
  return out;
}

// The local key whose public key is `key` and, when `account` is given, that signs for it; ""
// when there is none.
std::string LocalKeyFor(const KeyStore& store, std::string_view key, const AccountId* account) {
  std::vector<std::string> names;
  if (!store.List(&names).ok()) return "";
  for (const auto& name : names) {
    KeyFile f;
    if (!store.Read(name, &f).ok() || f.public_key.view() != key) continue;
    if (account == nullptr || f.account == *account) return name;
  }
  return "";
}

}  // namespace

CliStatus ExplainKeyMismatch(Session& session, CliStatus refusal,
                             const std::vector<std::string>& args) {
  // Only what the node or the wallet refused because of the signing key or its account: never
  // a refusal about something else (a payee, an amount), whatever the key's state.
  const std::string& code = refusal.code_name();
  if (!code.empty() && code != "WRONG_KEY" && code != "READ_REFUSED") return refusal;
  const KeyStore store = session.keystore();
  const std::string& name = session.key_name();
  KeyFile f;
  if (!store.Read(name, &f).ok() || !session.Connect().ok()) return refusal;
  pb::AccountCard card;
  bool found = false;
  if (!session.CardOf(f.account, &card, &found).ok()) return refusal;
  const std::string address = session.AddressOf(f.account);
  if (found) {
    if (card.key() == f.public_key.view()) return refusal;  // the key is right: another refusal
    if (f.staff) {
      // A till's key: active (another refusal), or revoked, or not added yet.
      for (const std::string& k : card.request_keys())
        if (k == f.public_key.view()) return refusal;
      return CliStatus::Refused(
                 Tr("key '{key}' is not an active staff key of {account}: its holder revoked it, "
                    "or has not added it yet (liard staff add --scope receive --label {key} "
                    "{public_key})",
                    fmt::arg("key", name), fmt::arg("account", Party(card.name(), address)),
                    fmt::arg("public_key", ToHex(f.public_key))))
          .set_code_name(code);
    }
    // The account signs with another key now (re-keyed): which one, and is it here?
    const std::string account = Party(card.name(), address);
    const std::string signing = LocalKeyFor(store, card.key(), &f.account);
    if (!signing.empty())
      return CliStatus::Refused(
                 Tr("key '{key}' does not sign for {account} any more: the account was re-keyed "
                    "and signs with key '{new_key}' now; run: {command}",
                    fmt::arg("key", name), fmt::arg("account", account),
                    fmt::arg("new_key", signing),
                    fmt::arg("command", CommandWithKey(signing, args))))
          .set_code_name(code);
    const std::string unset = LocalKeyFor(store, card.key(), nullptr);
    if (!unset.empty())
      return CliStatus::Refused(
                 Tr("key '{key}' does not sign for {account} any more: the account was re-keyed "
                    "to key '{new_key}', which the wallet does not know as this account's yet; "
                    "run: liard key set-account {new_key} {address} && {command}",
                    fmt::arg("key", name), fmt::arg("account", account), fmt::arg("new_key", unset),
                    fmt::arg("address", address), fmt::arg("command", CommandWithKey(unset, args))))
          .set_code_name(code);
    return CliStatus::Refused(
               Tr("key '{key}' does not sign for {account} any more: the account was re-keyed to "
                  "the public key {public_key}, which no key of this wallet has; import the new "
                  "key and tell the wallet its account: liard key import NAME --seed-file FILE, "
                  "then liard key set-account NAME {address}",
                  fmt::arg("key", name), fmt::arg("account", account),
                  fmt::arg("public_key", ToHex(std::string_view(card.key()))),
                  fmt::arg("address", address)))
        .set_code_name(code);
  }
  if (f.account != f.public_key) return refusal;
  // A key whose own account does not exist: the new key of a re-keyed account, before `key
  // set-account`? The accounts of the other local keys tell.
  std::vector<std::string> names;
  if (store.List(&names).ok()) {
    for (const auto& other : names) {
      KeyFile g;
      if (other == name || !store.Read(other, &g).ok()) continue;
      pb::AccountCard theirs;
      bool exists = false;
      if (!session.CardOf(g.account, &theirs, &exists).ok() || !exists ||
          theirs.key() != f.public_key.view())
        continue;
      const std::string their_address = session.AddressOf(g.account);
      return CliStatus::Refused(
                 Tr("key '{key}' is the new key of {account} (re-keyed), but the wallet does not "
                    "know it signs for that account yet; run: liard key set-account {key} "
                    "{address} && {command}",
                    fmt::arg("key", name), fmt::arg("account", Party(theirs.name(), their_address)),
                    fmt::arg("address", their_address),
                    fmt::arg("command", CommandWithKey(name, args))))
          .set_code_name(code);
    }
  }
  return CliStatus::Refused(
             Tr("the account of key '{key}' ({address}) does not exist in this ledger; an "
                "exchange office or the association opens accounts; if the board re-keyed your "
                "account to this key, tell the wallet which account it is: liard key set-account "
                "{key} YOUR-ADDRESS",
                fmt::arg("key", name), fmt::arg("address", address)))
      .set_code_name(code);
}

namespace {}  // namespace

void RegisterKeyCommands(CLI::App& app, Context& ctx) {
  CLI::App* key = app.add_subcommand("key", _("create, list, show, export and import keys"));
  key->require_subcommand(1);
  key->footer(
      _("Key files live in $XDG_DATA_HOME/liard/keys (default ~/.local/share/liard/keys), one\n"
        "NAME.key per key, mode 0600, the seed encrypted with your passphrase (Argon2id).\n"
        "Scripts may give the passphrase in LIARD_PASSPHRASE (not for key export)."));

  struct KeyArgs {
    std::string name, seed_file, key_file, account, for_account;
    std::string out;
    bool strong = false, fast = false, seed_hex = false, json = false, address = false;
    KdfLimits limits() const { return fast ? KdfLimits::kInteractive : KdfLimits::kModerate; }
  };
  auto a = std::make_shared<KeyArgs>();

  CLI::App* n = key->add_subcommand("new", _("create a new key, protected by a passphrase"));
  n->add_option("NAME", a->name, _("the key's name, e.g. alice"))->required();
  auto* n_fast = n->add_flag("--fast", a->fast,
                             _("quicker passphrase hashing (Argon2id INTERACTIVE: 64 MiB, a tenth "
                               "of a second), for a till unlocked all day; default MODERATE"));
  n->add_flag("--strong", a->strong,
              _("Argon2id MODERATE (256 MiB, about a second): the default now, kept for scripts"))
      ->excludes(n_fast);
  n->add_option("--for", a->for_account,
                _("make a staff key (a till's, a cashier's) that signs for this account, its "
                  "address; its holder then adds it with 'liard staff add'"));
  n->footer(_("Examples:\n  liard key new alice\n  liard key new caisse1 --fast --for roue1q..."));
  ctx.On(n, [a](Session& s) { return KeyNew(s, a->name, a->limits(), a->for_account); });

  CLI::App* l = key->add_subcommand("list", _("list the keys (* marks the selected one)"));
  l->add_flag("--json", a->json, _("print JSON"));
  l->footer(_("Example:\n  liard key list --json"));
  ctx.On(l, [a](Session& s) { return KeyList(s, a->json); });

  CLI::App* sh = key->add_subcommand("show", _("show a key's address and public key"));
  sh->add_option("NAME", a->name, _("the key (default: the selected key)"));
  sh->add_flag("--json", a->json, _("print JSON"));
  sh->footer(_("Example:\n  liard key show alice"));
  ctx.On(sh, [a](Session& s) { return KeyShow(s, a->name, a->json); });

  CLI::App* e = key->add_subcommand(
      "export",
      _("write a key's secret seed (64 hex characters) to a new file, after its passphrase typed "
        "at the terminal; or print its address"));
  e->add_option("NAME", a->name, _("the key (default: the selected key)"));
  auto* e_out = e->add_option(
      "--out", a->out,
      _("the file to create for the seed (mode 0600; an existing file is never replaced)"));
  e->add_flag("--address", a->address, _("print only the address (no passphrase needed)"))
      ->excludes(e_out);
  e->footer(
      _("Examples:\n  liard key export alice --out /media/usb/alice.seed   # keep it offline\n"
        "  liard key export alice --address\n"
        "The passphrase must be typed at a terminal (LIARD_PASSPHRASE is not accepted): for\n"
        "scripted backups copy the encrypted NAME.key file instead."));
  ctx.On(e, [a](Session& s) { return KeyExport(s, a->name, a->address, a->out); });

  CLI::App* i = key->add_subcommand("import", _("import a seed (64 hex characters) as a new key"));
  i->add_option("NAME", a->name, _("the new key's name"))->required();
  auto* file_opt = i->add_option("--seed-file", a->seed_file, _("a file holding the seed in hex"));
  auto* hex_opt =
      i->add_flag("--seed-hex", a->seed_hex, _("read the seed in hex from standard input"));
  file_opt->excludes(hex_opt);
  auto* key_opt = i->add_option(
      "--key-file", a->key_file,
      _("an encrypted key file, imported as it is (the phone wallet's backup, another wallet's "
        "NAME.key)"));
  key_opt->excludes(file_opt)->excludes(hex_opt);
  auto* i_fast = i->add_flag("--fast", a->fast,
                             _("quicker passphrase hashing (Argon2id INTERACTIVE), for a till"));
  i->add_flag("--strong", a->strong, _("Argon2id MODERATE: the default now, kept for scripts"))
      ->excludes(i_fast);
  i->footer(
      _("Examples:\n  liard key import alice --seed-file demo-data/demo-keys/alice.seed\n"
        "  echo \"$SEED\" | LIARD_PASSPHRASE=... liard key import till --seed-hex"));
  i->add_option("--for", a->for_account,
                _("a staff key that signs for this account, its address (see 'key new --for')"));
  ctx.On(i, [a](Session& s) {
    if (!a->key_file.empty()) {
      if (!a->for_account.empty() || a->fast || a->strong)
        return CliStatus::Usage(
            _("--key-file imports the file as it is: its account and its passphrase's hashing "
              "are the file's; leave out --for, --fast and --strong"));
      return KeyImportFile(s, a->name, a->key_file);
    }
    return KeyImport(s, a->name, a->seed_file, a->seed_hex, a->limits(), a->for_account);
  });

  CLI::App* sa = key->add_subcommand(
      "set-account", _("set the account a key signs for (after the account was re-keyed)"));
  sa->add_option("NAME", a->name, _("the key"))->required();
  sa->add_option("ACCOUNT", a->account, _("the account's address or 64-hex id"))->required();
  sa->footer(_("Example:\n  liard key set-account alice-new roue1q..."));
  ctx.On(sa, [a](Session& s) { return KeySetAccount(s, a->name, a->account); });
}

}  // namespace liard::wallet

// liard key new|list|show|export|import|set-account: named keys, encrypted on disk.
#include <sodium.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/address.h"
#include "wallet-cli/app.h"
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

CliStatus NewPassphrase(const std::string& name, SecretString* out) {
  CliStatus s = ReadPassphrase("New passphrase for key '" + name + "': ", true, out);
  if (!s.ok()) return s;
  return CheckNewPassphrase(out->value(), name);
}

CliStatus SaveNew(Session& session, const std::string& name, const Seed& seed, KdfLimits limits,
                  const char* verb) {
  KeyStore store = session.keystore();
  if (!IsValidKeyName(name))
    return CliStatus::Usage("'" + name +
                            "' is not a valid key name: use 1 to 64 letters, digits, '.', '_' or "
                            "'-', not starting with '.'");
  if (std::ifstream(store.PathOf(name)).good())
    return CliStatus::Usage("a key named '" + name + "' exists already (" + store.PathOf(name) +
                            "); choose another name: liard never overwrites a key file");
  SecretString passphrase;
  CliStatus s = NewPassphrase(name, &passphrase);
  if (!s.ok()) return s;
  KeyFile file;
  s = SealSeed(seed, passphrase.value(), limits, &file);
  if (!s.ok()) return s;
  s = store.Write(name, file);
  if (!s.ok()) return s;
  std::string currency = CurrencyFor(session);
  std::cout << "key '" << name << "' " << verb << " (" << store.PathOf(name) << ")\n";
  if (!currency.empty())
    std::cout << "address     " << EncodeAddress(currency, file.account) << "\n";
  std::cout << "public key  " << ToHex(file.public_key) << "\n";
  return CliStatus::Ok();
}

CliStatus KeyNew(Session& session, const std::string& name, KdfLimits limits) {
  KeyPair pair = KeyPair::Generate();
  Seed seed = pair.seed();
  CliStatus s = SaveNew(session, name, seed, limits, "created");
  sodium_memzero(seed.data.data(), seed.data.size());
  return s;
}

CliStatus KeyImport(Session& session, const std::string& name, const std::string& seed_file,
                    bool seed_hex, KdfLimits limits) {
  SecretString text;
  if (!seed_file.empty()) {
    std::ifstream f(seed_file, std::ios::binary);
    if (!f) return CliStatus::Local("cannot read the seed file " + seed_file);
    std::stringstream ss;
    ss << f.rdbuf();
    *text.mutable_value() = ss.str();
  } else if (seed_hex) {
    if (isatty(STDIN_FILENO)) std::cerr << "Seed (64 hex characters): " << std::flush;
    std::getline(std::cin, *text.mutable_value());
  } else {
    return CliStatus::Usage(
        "give the seed with --seed-file FILE, or --seed-hex and the hex on "
        "standard input");
  }
  Seed seed;
  CliStatus s = ParseSeedHex(text.value(), &seed);
  if (!s.ok()) return s;
  s = SaveNew(session, name, seed, limits, "imported");
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
      {"", "NAME", currency.empty() ? "PUBLIC KEY" : "ADDRESS"}};
  for (const auto& name : names) {
    KeyFile f;
    s = session.keystore().Read(name, &f);
    bool selected = name == session.key_name();
    if (!s.ok()) {
      rows.push_back({selected ? "*" : "", name, "(unreadable: " + s.message() + ")"});
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
    std::cout << "no keys yet in " << session.keystore().dir()
              << "; create one with 'liard key new NAME' or 'liard key import NAME --seed-file "
                 "FILE'\n";
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
    j["file"] = session.keystore().PathOf(name);
    j["kdf"] = f.kdf;
    j["opslimit"] = f.opslimit;
    j["memlimit"] = f.memlimit;
    std::cout << j.dump(2) << "\n";
    return CliStatus::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"name", name});
  if (!currency.empty()) rows.push_back({"address", EncodeAddress(currency, f.account)});
  rows.push_back({"public key", ToHex(f.public_key)});
  if (f.account != f.public_key) rows.push_back({"account id", ToHex(f.account)});
  rows.push_back({"file", session.keystore().PathOf(name)});
  rows.push_back({"protection", f.kdf + ", " + std::to_string(f.memlimit >> 20) + " MiB, " +
                                    std::to_string(f.opslimit) + " passes"});
  std::cout << RenderTable(rows);
  return CliStatus::Ok();
}

CliStatus KeyExport(Session& session, std::string name, bool address_only,
                    const std::string& out_file) {
  if (name.empty()) name = session.key_name();
  if (!address_only && out_file.empty())
    return CliStatus::Usage(
        "the secret seed is written only to a file: add --out FILE (created mode 0600, never "
        "over an existing file); it is never printed");
  KeyFile f;
  CliStatus s = session.keystore().Read(name, &f);
  if (!s.ok()) return s;
  if (address_only) {
    std::string currency = CurrencyFor(session);
    if (currency.empty())
      return CliStatus::Unreachable("the currency of the node at " + session.node_target() +
                                    " is not known yet and the node cannot be reached");
    std::cout << EncodeAddress(currency, f.account) << "\n";
    return CliStatus::Ok();
  }
  // Typed by a person at this terminal: LIARD_PASSPHRASE alone, which a script or a stolen
  // environment holds, never takes a seed out of its encrypted file.
  SecretString passphrase;
  s = ReadPassphraseFromTerminal(
      "Passphrase for key '" + name + "' (to export its secret seed): ",
      "key export asks for the passphrase on a terminal, typed by a person (LIARD_PASSPHRASE is "
      "not accepted for it); for scripted backups, copy the encrypted key file " +
          session.keystore().PathOf(name) + " instead",
      &passphrase);
  if (!s.ok()) return s;
  Seed seed;
  s = OpenSeed(f, passphrase.value(), name, &seed);
  if (!s.ok()) return s;
  SecretString hex(ToHex(seed) + "\n");
  sodium_memzero(seed.data.data(), seed.data.size());
  s = WriteFileAtomically(out_file, hex.value(), /*replace=*/false);
  if (!s.ok()) return s;
  std::cerr << "liard: WARNING: " << out_file << " holds the secret seed of key '" << name
            << "'. Anyone who reads it can spend from the account: keep it offline, then delete "
               "it from this machine.\n";
  std::cout << "seed of key '" << name << "' written to " << out_file << " (mode 0600)\n";
  return CliStatus::Ok();
}

CliStatus KeySetAccount(Session& session, const std::string& name, const std::string& account) {
  KeyFile f;
  CliStatus s = session.keystore().Read(name, &f);
  if (!s.ok()) return s;
  AccountId id;
  std::string bytes;
  if (account.size() == 64 && FromHex(account, &bytes) && id.Assign(bytes)) {
    // a hex account id
  } else {
    s = Session::PrecheckAddress(account);
    if (!s.ok()) return s;
    std::string code = account.substr(0, account.rfind('1'));
    Status d = DecodeAddress(code, account, &id);
    if (!d.ok()) return CliStatus::Usage(d.message());
  }
  f.account = id;
  s = session.keystore().Replace(name, f);
  if (!s.ok()) return s;
  std::cout << "key '" << name << "' now signs for account " << ToHex(id) << "\n";
  return CliStatus::Ok();
}

}  // namespace

void RegisterKeyCommands(CLI::App& app, Context& ctx) {
  CLI::App* key = app.add_subcommand("key", "create, list, show, export and import keys");
  key->require_subcommand(1);
  key->footer(
      "Key files live in $XDG_DATA_HOME/liard/keys (default ~/.local/share/liard/keys), one\n"
      "NAME.key per key, mode 0600, the seed encrypted with your passphrase (Argon2id).\n"
      "Scripts may give the passphrase in LIARD_PASSPHRASE (not for key export).");

  struct KeyArgs {
    std::string name, seed_file, account;
    std::string out;
    bool strong = false, fast = false, seed_hex = false, json = false, address = false;
    KdfLimits limits() const { return fast ? KdfLimits::kInteractive : KdfLimits::kModerate; }
  };
  auto a = std::make_shared<KeyArgs>();

  CLI::App* n = key->add_subcommand("new", "create a new key, protected by a passphrase");
  n->add_option("NAME", a->name, "the key's name, e.g. alice")->required();
  auto* n_fast = n->add_flag("--fast", a->fast,
                             "quicker passphrase hashing (Argon2id INTERACTIVE: 64 MiB, a tenth "
                             "of a second), for a till unlocked all day; default MODERATE");
  n->add_flag("--strong", a->strong,
              "Argon2id MODERATE (256 MiB, about a second): the default now, kept for scripts")
      ->excludes(n_fast);
  n->footer("Example:\n  liard key new alice");
  ctx.On(n, [a](Session& s) { return KeyNew(s, a->name, a->limits()); });

  CLI::App* l = key->add_subcommand("list", "list the keys (* marks the selected one)");
  l->add_flag("--json", a->json, "print JSON");
  l->footer("Example:\n  liard key list --json");
  ctx.On(l, [a](Session& s) { return KeyList(s, a->json); });

  CLI::App* sh = key->add_subcommand("show", "show a key's address and public key");
  sh->add_option("NAME", a->name, "the key (default: the selected key)");
  sh->add_flag("--json", a->json, "print JSON");
  sh->footer("Example:\n  liard key show alice");
  ctx.On(sh, [a](Session& s) { return KeyShow(s, a->name, a->json); });

  CLI::App* e = key->add_subcommand(
      "export",
      "write a key's secret seed (64 hex characters) to a new file, after its passphrase typed "
      "at the terminal; or print its address");
  e->add_option("NAME", a->name, "the key (default: the selected key)");
  auto* e_out = e->add_option(
      "--out", a->out,
      "the file to create for the seed (mode 0600; an existing file is never replaced)");
  e->add_flag("--address", a->address, "print only the address (no passphrase needed)")
      ->excludes(e_out);
  e->footer(
      "Examples:\n  liard key export alice --out /media/usb/alice.seed   # keep it offline\n"
      "  liard key export alice --address\n"
      "The passphrase must be typed at a terminal (LIARD_PASSPHRASE is not accepted): for\n"
      "scripted backups copy the encrypted NAME.key file instead.");
  ctx.On(e, [a](Session& s) { return KeyExport(s, a->name, a->address, a->out); });

  CLI::App* i = key->add_subcommand("import", "import a seed (64 hex characters) as a new key");
  i->add_option("NAME", a->name, "the new key's name")->required();
  auto* file_opt = i->add_option("--seed-file", a->seed_file, "a file holding the seed in hex");
  auto* hex_opt =
      i->add_flag("--seed-hex", a->seed_hex, "read the seed in hex from standard input");
  file_opt->excludes(hex_opt);
  auto* i_fast = i->add_flag("--fast", a->fast,
                             "quicker passphrase hashing (Argon2id INTERACTIVE), for a till");
  i->add_flag("--strong", a->strong, "Argon2id MODERATE: the default now, kept for scripts")
      ->excludes(i_fast);
  i->footer(
      "Examples:\n  liard key import alice --seed-file demo-data/demo-keys/alice.seed\n"
      "  echo \"$SEED\" | LIARD_PASSPHRASE=... liard key import till --seed-hex");
  ctx.On(i,
         [a](Session& s) { return KeyImport(s, a->name, a->seed_file, a->seed_hex, a->limits()); });

  CLI::App* sa = key->add_subcommand(
      "set-account", "set the account a key signs for (after the account was re-keyed)");
  sa->add_option("NAME", a->name, "the key")->required();
  sa->add_option("ACCOUNT", a->account, "the account's address or 64-hex id")->required();
  sa->footer("Example:\n  liard key set-account alice-new roue1q...");
  ctx.On(sa, [a](Session& s) { return KeySetAccount(s, a->name, a->account); });
}

}  // namespace liard::wallet

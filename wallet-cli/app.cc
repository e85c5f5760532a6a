// The `liard` command line: global options, parsing, dispatch and the exit code.
#include "wallet-cli/app.h"

#include <iostream>

#include "ledger/crypto.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"

namespace liard::wallet {

int Run(int argc, char** argv) {
  InitLanguage(argc, argv);
  CLI::App app{
      _("liard: the wallet of a liard ledger (a local complementary currency such as la Roue,\n"
        "la Gonette or the Eusko), for residents, merchants, exchange offices, municipalities\n"
        "and treasurers.")};
  app.name("liard");
  app.require_subcommand(1);
  // Global options may also be written after the subcommand: `liard balance --key alice`.
  app.fallthrough();
  Context ctx;
  std::string lang;  // read by InitLanguage before parsing; declared so that parsing accepts it
  app.add_option("--lang", lang,
                 _("the language of messages, amounts and dates: fr or en (else LC_ALL, "
                   "LC_MESSAGES or LANG)"))
      ->check(CLI::IsMember({"fr", "en"}));
  app.add_option("--node", ctx.global.node,
                 _("the node, HOST:PORT (else $LIARD_NODE, else `node` in the config file, else "
                   "127.0.0.1:7421)"));
  app.add_option("--key", ctx.global.key,
                 _("the key to use (else $LIARD_KEY, else `key` in the config file, else "
                   "\"default\")"));
  app.add_option("--as", ctx.global.as,
                 _("the key that signs private reads, when not --key's: a treasurer's or "
                   "auditor's key reads any account (liard --as auditor account show roue1q...)"));
  app.add_option("--tls-ca", ctx.global.tls_ca,
                 _("the node speaks TLS: trust this PEM root certificate (else $LIARD_TLS_CA, "
                   "else `tls_ca` in the config file; none: plaintext)"));
  app.add_flag("--insecure", ctx.global.insecure,
               _("allow plaintext to a node that is not on this machine, without --tls-ca (else "
                 "$LIARD_INSECURE=1, else `insecure = true` in the config file; else refused, "
                 "exit 2); a warning is printed at every run"));
  app.add_flag("--accept-new-ledger", ctx.global.accept_new_ledger,
               _("the node's address now serves another ledger and the association announced "
                 "it: trust the new ledger id (else refused, exit 5)"));
  app.set_version_flag("--version", std::string("liard ") + LIARD_VERSION);
  app.footer(
      _("Exit codes: 0 ok, 1 refused by the ledger, 2 usage error, 3 node unreachable,\n"
        "4 wrong passphrase, 5 other local error. Reference: docs/wallet.md.\n\n"
        "Examples:\n"
        "  liard key import alice --seed-file demo-data/demo-keys/alice.seed\n"
        "  liard --key alice balance\n"
        "  liard --key alice pay roue1q... 12,50 --memo \"pain\"\n"
        "  liard --key shop request 12,50 --memo \"pain\""));

  RegisterKeyCommands(app, ctx);
  RegisterMemberCommands(app, ctx);
  RegisterMoneyCommands(app, ctx);
  RegisterBatchCommands(app, ctx);
  RegisterBoardCommands(app, ctx);
  RegisterAuditCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, the version, or the error
    return code == 0 ? 0 : static_cast<int>(Exit::kUsage);
  }

  // The deepest subcommand that was given runs.
  std::function<CliStatus(Session&)> run;
  for (auto& [sub, fn] : ctx.actions)
    if (sub->parsed()) run = fn;
  if (!run) {
    std::cerr << "liard: " << _("say what to do; see 'liard --help'") << "\n";
    return static_cast<int>(Exit::kUsage);
  }
  InitCrypto();
  Session session(ctx.global);
  CliStatus s = session.Init();
  if (s.ok()) s = run(session);
  if (!s.ok()) {
    std::cout.flush();
    std::cerr << "liard: " << SafeText(s.message(), Newlines::kKeep) << "\n";
  }
  return s.exit_code();
}

}  // namespace liard::wallet

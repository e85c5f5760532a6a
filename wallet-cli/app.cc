// The `liard` command line: global options, parsing, dispatch and the exit code.
#include "wallet-cli/app.h"

#include <iostream>
#include <regex>

#include "ledger/crypto.h"
#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/requests.h"

namespace liard::wallet {
namespace {

// CLI11's own words (the help's headings and labels, the help and version flags) in the user's
// language. Set before any subcommand is added: each copies its parent's help flag, option group
// and subcommand group when it is made.
void SpeakCli11(CLI::App& app) {
  auto formatter = app.get_formatter();
  for (const char* label :
       {N_("Usage"), N_("OPTIONS"), N_("SUBCOMMAND"), N_("SUBCOMMANDS"), N_("Positionals"),
        N_("REQUIRED"), N_("Needs"), N_("Excludes"), N_("TEXT"), N_("UINT"), N_("INT")})
    formatter->label(label, _(label));
  app.option_defaults()->group(_("Options"));
  app.group(_("Subcommands"));
  app.set_help_flag("-h,--help", _("Print this help message and exit"));
}

template <typename T>
bool Is(const CLI::Error& e) {
  return dynamic_cast<const T*>(&e) != nullptr;
}

// A CLI11 parse error as one sentence in the user's language: CLI11 writes its messages in
// English, so each kind is recognised by its type and its English form, and said again with the
// option or argument it names. English stays CLI11's own sentence, word for word.
std::string ParseErrorText(const CLI::Error& e) {
  const std::string what = e.what();
  std::smatch m;
  auto match = [&](const char* pattern) { return std::regex_match(what, m, std::regex(pattern)); };
  if (Is<CLI::RequiredError>(e)) {
    if (what == "A subcommand is required") return _("A subcommand is required");  // i18n: as is
    if (match("(.+) is required"))                                                 // i18n: as is
      return Tr("{name} is required", fmt::arg("name", m.str(1)));
  } else if (Is<CLI::ExtrasError>(e)) {
    if (match("(?:.*: )?The following argument was not expected: (.*)"))  // i18n: as is
      return Tr("The following argument was not expected: {args}", fmt::arg("args", m.str(1)));
    if (match("(?:.*: )?The following arguments were not expected: (.*)"))  // i18n: as is
      return Tr("The following arguments were not expected: {args}", fmt::arg("args", m.str(1)));
  } else if (Is<CLI::ConversionError>(e)) {
    if (match("The value (.*) is not an allowed value for (.*)"))  // i18n: as is
      return Tr("The value {value} is not an allowed value for {name}", fmt::arg("value", m.str(1)),
                fmt::arg("name", m.str(2)));
    if (match("Could not convert: (.*) = (.*)"))  // i18n: as is
      return Tr("Could not convert: {name} = {value}", fmt::arg("name", m.str(1)),
                fmt::arg("value", m.str(2)));
    if (match("(.*): too many inputs for a flag"))  // i18n: as is
      return Tr("{name}: too many inputs for a flag", fmt::arg("name", m.str(1)));
    if (match("(.*): Should be true/false or a number"))  // i18n: as is
      return Tr("{name}: Should be true/false or a number", fmt::arg("name", m.str(1)));
  } else if (Is<CLI::ValidationError>(e)) {
    if (match("(.*): (.*) not in \\{(.*)\\}"))  // i18n: as is
      return Tr("{name}: {value} not in {{{choices}}}", fmt::arg("name", m.str(1)),
                fmt::arg("value", m.str(2)), fmt::arg("choices", m.str(3)));
    if (match("(.*): Value (.*) could not be converted"))  // i18n: as is
      return Tr("{name}: Value {value} could not be converted", fmt::arg("name", m.str(1)),
                fmt::arg("value", m.str(2)));
    if (match("([^:]*): (.*)"))  // i18n: as is
      return Tr("{name}: {reason}", fmt::arg("name", m.str(1)), fmt::arg("reason", m.str(2)));
  } else if (Is<CLI::ArgumentMismatch>(e)) {
    if (match("(.*): 1 required (.*) missing"))  // i18n: as is
      return Tr("{name}: 1 required {type} missing", fmt::arg("name", m.str(1)),
                fmt::arg("type", _(m.str(2).c_str())));
    if (match("(.*): At least (\\d+) required but received (\\d+)"))  // i18n: as is
      return Tr("{name}: At least {expected} required but received {got}",
                fmt::arg("name", m.str(1)), fmt::arg("expected", m.str(2)),
                fmt::arg("got", m.str(3)));
    if (match("(.*): At Most (\\d+) required but received (\\d+)"))  // i18n: as is
      return Tr("{name}: At Most {expected} required but received {got}",
                fmt::arg("name", m.str(1)), fmt::arg("expected", m.str(2)),
                fmt::arg("got", m.str(3)));
    if (match("Expected exactly (\\d+) arguments to (.*), got (\\d+)"))  // i18n: as is
      return Tr("Expected exactly {expected} arguments to {name}, got {got}",
                fmt::arg("expected", m.str(1)), fmt::arg("name", m.str(2)),
                fmt::arg("got", m.str(3)));
  } else if (Is<CLI::ExcludesError>(e)) {
    if (match("(.*) excludes (.*)"))  // i18n: as is
      return Tr("{name} excludes {other}", fmt::arg("name", m.str(1)), fmt::arg("other", m.str(2)));
  } else if (Is<CLI::RequiresError>(e)) {
    if (match("(.*) requires (.*)"))  // i18n: as is
      return Tr("{name} requires {other}", fmt::arg("name", m.str(1)), fmt::arg("other", m.str(2)));
  } else if (Is<CLI::OptionNotFound>(e)) {
    if (match("(.*) not found"))  // i18n: as is
      return Tr("{name} not found", fmt::arg("name", m.str(1)));
  }
  // A kind this wallet does not know how to say: CLI11's sentence, introduced in the language.
  return Tr("the command line is not understood: {reason}", fmt::arg("reason", what));
}

std::string ParseErrorMessage(const CLI::App*, const CLI::Error& e) {
  return ParseErrorText(e) + "\n" + _("Run with --help for more information.") + "\n";
}

}  // namespace

int Run(int argc, char** argv) {
  InitLanguage(argc, argv);
  CLI::App app{
      _("liard: the wallet of a liard ledger (a local complementary currency such as la Roue,\n"
        "la Gonette or the Eusko), for residents, merchants, exchange offices, municipalities\n"
        "and treasurers.")};
  app.name("liard");
  SpeakCli11(app);
  app.failure_message(ParseErrorMessage);
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
                 _("the node, HOST:PORT, or several (a primary and its standbys): "
                   "HOST:PORT,HOST:PORT (else $LIARD_NODE, else `node` in the config file, else "
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
  app.set_version_flag("--version", std::string("liard ") + LIARD_VERSION,
                       _("Display program version information and exit"));
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
  RegisterRequestCommands(app, ctx);
  RegisterMoneyCommands(app, ctx);
  RegisterBatchCommands(app, ctx);
  RegisterBoardCommands(app, ctx);
  RegisterAuditCommands(app, ctx);
  RegisterStatementCommands(app, ctx);
  RegisterStaffCommands(app, ctx);
  RegisterRefundCommands(app, ctx);
  RegisterCardCommands(app, ctx);
  RegisterMandateCommands(app, ctx);
  RegisterAidCommands(app, ctx);
  RegisterOrderCommands(app, ctx);
  RegisterShareCommands(app, ctx);
  RegisterDemurrageCommands(app, ctx);

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
  // A key that no longer signs for its account, or a new key the wallet does not know the
  // account of yet (re-keying): what to do next, as a command to run.
  if (s.exit() == Exit::kRefused)
    s = ExplainKeyMismatch(session, std::move(s), std::vector<std::string>(argv + 1, argv + argc));
  if (!s.ok()) {
    std::cout.flush();
    std::cerr << "liard: " << SafeText(s.message(), Newlines::kKeep) << "\n";
  }
  return s.exit_code();
}

}  // namespace liard::wallet

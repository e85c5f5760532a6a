// The wallet's language: its messages through GNU gettext (glibc's libintl), English in the
// code and a French catalogue (wallet-cli/po/), and the conventions of each language for
// amounts and dates (wallet-cli/format.h).
//
// Marking a message (xgettext extracts the four forms below; tests/wallet/i18n_test.cc fails
// when one has no French translation, or when a literal meant for people is not marked):
//   _("no passphrase was typed")                      a fixed message
//   Tr("paid {amount} to {payee}", fmt::arg("amount", a), fmt::arg("payee", p))
//                                                     placeholders named, so that a
//                                                     translation may reorder them
//   TrP("{n} payment", "{n} payments", n, fmt::arg("n", n))   plural forms (ngettext)
//   N_("...")                                         marked for extraction where a constant
//                                                     must be a literal; translated later by _()
// A literal that is not for people (a JSON key, a file format's header, a command's name) needs
// nothing; one with words that must stay as is carries the comment `// i18n: as is` on its line.
#ifndef LIARD_WALLET_CLI_I18N_H_
#define LIARD_WALLET_CLI_I18N_H_

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

namespace liard::wallet {

enum class Language { kEnglish, kFrench };

// The language from `--lang` (fr or en; empty if not given), else LC_ALL, else LC_MESSAGES,
// else LANG, as POSIX orders them: French when the first one set names French ("fr",
// "fr_FR.UTF-8", "fr_BE@euro"), English otherwise (C and POSIX included).
Language LanguageFor(std::string_view lang_option, std::string_view lc_all,
                     std::string_view lc_messages, std::string_view lang);

// Sets the process's language once, before any message is made: from argv's `--lang X` or
// `--lang=X` (looked for before the command line is parsed, since help texts are built while
// the commands are registered), else the environment. Finds the catalogue: $LIARD_LOCALEDIR,
// else ../share/locale beside the binary (installed), else ../locale (the build tree).
void InitLanguage(int argc, char** argv);
// For tests and the language-switching helpers: sets the language directly.
void SetLanguage(Language language);
Language CurrentLanguage();
inline bool French() { return CurrentLanguage() == Language::kFrench; }

// gettext in the wallet's domain ("liard").
const char* _(const char* msgid);
// Marks a literal for extraction without translating it.
constexpr const char* N_(const char* msgid) { return msgid; }
// ngettext in the wallet's domain.
const char* P_(const char* singular, const char* plural, unsigned long n);

// A translated message with named placeholders, formatted by fmt.
// A translation whose placeholders do not match falls back to the English text (the catalogue
// test keeps that from happening), never to an exception.
// In French, "de {x}" and "que {x}" elide before a value that starts with a vowel: "d'Alice",
// "qu'Élodie" (not before "h", a digit or a consonant).
std::string FormatOr(const char* translated, const char* source, fmt::format_args args);
// The pattern with "de " / "que " before such a placeholder written "d'" / "qu'" (the value is
// formatted from `args` to look at its first letter); unchanged where a value cannot be formatted.
std::string ElideFrench(std::string_view pattern, fmt::format_args args);
template <typename... Args>
std::string Tr(const char* msgid, const Args&... args) {
  return FormatOr(_(msgid), msgid, fmt::make_format_args(args...));
}
template <typename... Args>
std::string TrP(const char* singular, const char* plural, unsigned long n, const Args&... args) {
  return FormatOr(P_(singular, plural, n), n == 1 ? singular : plural,
                  fmt::make_format_args(args...));
}

// The answers of a yes/no question: "[y/N]" and "y"/"yes" in English, "[o/N]" and "o"/"oui" in
// French (both languages' yes is accepted whatever the language).
std::string YesNoPrompt();

}  // namespace liard::wallet

#endif  // LIARD_WALLET_CLI_I18N_H_

#include "wallet-cli/i18n.h"

#include <libintl.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

extern "C" int _nl_msg_cat_cntr;  // glibc: bumped to make gettext forget its cached answers

namespace liard::wallet {
namespace {

constexpr char kDomain[] = "liard";
Language g_language = Language::kEnglish;

std::string EnvOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

bool NamesFrench(std::string_view locale) {
  std::string_view language = locale.substr(0, locale.find_first_of("_.@"));
  return language == "fr";
}

// The directory that holds fr/LC_MESSAGES/liard.mo.
std::string FindLocaleDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto holds = [&](const fs::path& dir) {
    return fs::exists(dir / "fr" / "LC_MESSAGES" / "liard.mo", ec);
  };
  if (std::string env = EnvOrEmpty("LIARD_LOCALEDIR"); !env.empty()) return env;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const char* rel : {"../share/locale", "../locale"}) {
      fs::path dir = exe.parent_path() / rel;
      if (holds(dir)) return fs::weakly_canonical(dir, ec).string();
    }
  }
  return LIARD_LOCALEDIR;
}

}  // namespace

Language LanguageFor(std::string_view lang_option, std::string_view lc_all,
                     std::string_view lc_messages, std::string_view lang) {
  if (!lang_option.empty())
    return NamesFrench(lang_option) ? Language::kFrench : Language::kEnglish;
  std::string_view locale = !lc_all.empty() ? lc_all : !lc_messages.empty() ? lc_messages : lang;
  return NamesFrench(locale) ? Language::kFrench : Language::kEnglish;
}

void SetLanguage(Language language) {
  g_language = language;
  // gettext follows LANGUAGE whenever the messages' locale is not plain "C"; C.UTF-8 is built
  // into glibc, so French works even where fr_FR.UTF-8 was never generated.
  setenv("LANGUAGE", language == Language::kFrench ? "fr" : "en", 1);
  const char* current = std::setlocale(LC_MESSAGES, nullptr);
  if (current == nullptr || std::strcmp(current, "C") == 0 || std::strcmp(current, "POSIX") == 0)
    std::setlocale(LC_MESSAGES, "C.UTF-8");
  ++_nl_msg_cat_cntr;
}

void InitLanguage(int argc, char** argv) {
  std::string option;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--lang" && i + 1 < argc) option = argv[i + 1];
    if (a.rfind("--lang=", 0) == 0) option = std::string(a.substr(7));
  }
  // Messages and the character type from the environment; numbers stay in the C locale, so
  // that nothing the wallet parses or prints changes meaning with LC_NUMERIC.
  std::setlocale(LC_CTYPE, "");
  std::setlocale(LC_MESSAGES, "");
  bindtextdomain(kDomain, FindLocaleDir().c_str());
  bind_textdomain_codeset(kDomain, "UTF-8");
  SetLanguage(
      LanguageFor(option, EnvOrEmpty("LC_ALL"), EnvOrEmpty("LC_MESSAGES"), EnvOrEmpty("LANG")));
}

Language CurrentLanguage() { return g_language; }

const char* _(const char* msgid) { return dgettext(kDomain, msgid); }

const char* P_(const char* singular, const char* plural, unsigned long n) {
  return dngettext(kDomain, singular, plural, n);
}

std::string FormatOr(const char* translated, const char* source, fmt::format_args args) {
  try {
    return fmt::vformat(translated, args);
  } catch (const fmt::format_error&) {
  }
  try {
    return fmt::vformat(source, args);
  } catch (const fmt::format_error&) {
    return source;
  }
}

std::string YesNoPrompt() { return _("[y/N]"); }

}  // namespace liard::wallet

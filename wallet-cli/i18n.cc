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

namespace {

// Whether French elides a "de" or "que" before `word`: it starts with a vowel, accented or not
// (UTF-8), or with Œ. A word starting with "h" is left alone (h aspiré cannot be told from a
// name), as are digits: "de 8,00 ROUE".
bool StartsWithVowel(std::string_view word) {
  if (word.empty()) return false;
  const auto c = static_cast<unsigned char>(word[0]);
  if (c < 0x80)
    return std::string_view("aeiouyAEIOUY").find(static_cast<char>(c)) != std::string_view::npos;
  if (word.size() < 2) return false;
  const auto d = static_cast<unsigned char>(word[1]);
  if (c == 0xC5) return d == 0x92 || d == 0x93;  // Œ œ
  if (c != 0xC3) return false;
  // The Latin-1 letters of U+00C0 to U+00FF that are vowels: À-Æ È-Ï Ò-Ö Ø-Ý à-æ è-ï ò-ö ø-ý ÿ.
  auto in = [d](unsigned lo, unsigned hi) { return d >= lo && d <= hi; };
  return in(0x80, 0x86) || in(0x88, 0x8F) || in(0x92, 0x96) || in(0x98, 0x9D) || in(0xA0, 0xA6) ||
         in(0xA8, 0xAF) || in(0xB2, 0xB6) || in(0xB8, 0xBD) || d == 0xBF;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string ElideFrench(std::string_view pattern, fmt::format_args args) {
  std::string out;
  out.reserve(pattern.size());
  size_t i = 0;
  while (i < pattern.size()) {
    size_t brace = pattern.find('{', i);
    if (brace == std::string_view::npos) break;
    if (brace + 1 < pattern.size() && pattern[brace + 1] == '{') {  // "{{" is a literal brace
      out.append(pattern.substr(i, brace + 2 - i));
      i = brace + 2;
      continue;
    }
    const size_t close = pattern.find('}', brace);
    if (close == std::string_view::npos) break;
    std::string_view before = pattern.substr(i, brace - i);
    size_t word_len = 0;  // "de " or "que " just before the placeholder, as a whole word
    for (std::string_view w : {"de ", "De ", "que ", "Que "})
      if (before.size() >= w.size() && before.substr(before.size() - w.size()) == w) {
        const size_t start = brace - w.size();
        if (start == 0 || !IsAsciiLetter(pattern[start - 1])) word_len = w.size();
        if (start > 0 && static_cast<unsigned char>(pattern[start - 1]) >= 0x80) word_len = 0;
      }
    bool elide = false;
    if (word_len > 0) {
      try {
        elide = StartsWithVowel(fmt::vformat(pattern.substr(brace, close + 1 - brace), args));
      } catch (const fmt::format_error&) {
      }
    }
    if (elide) {
      out.append(before.substr(0, before.size() - 2));  // "de " -> "d", "que " -> "qu"
      out.push_back('\'');
    } else {
      out.append(before);
    }
    out.append(pattern.substr(brace, close + 1 - brace));
    i = close + 1;
  }
  out.append(pattern.substr(i));
  return out;
}

std::string FormatOr(const char* translated, const char* source, fmt::format_args args) {
  try {
    if (French()) return fmt::vformat(ElideFrench(translated, args), args);
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

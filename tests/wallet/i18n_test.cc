// The wallet's French catalogue is complete: every message the code marks (build/po/liard.pot,
// extracted by xgettext at build time) has a French translation in wallet-cli/po/ with the same
// placeholders, and no literal meant for people is left unmarked in wallet-cli/.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "wallet-cli/i18n.h"

#ifndef LIARD_SOURCE_DIR
#error "LIARD_SOURCE_DIR must name the repository (set by tests/CMakeLists.txt)"
#endif
#ifndef LIARD_PO_DIR
#error "LIARD_PO_DIR must name the build's po directory (set by tests/CMakeLists.txt)"
#endif

namespace liard::wallet {
namespace {

struct PoEntry {
  std::string msgid;
  std::string plural;
  std::vector<std::string> msgstr;  // [0] for a singular message, one per form for a plural
  bool fuzzy = false;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text of a quoted .po string ("a\\nb" -> a, newline, b).
std::string Unquote(const std::string& q) {
  std::string out;
  for (size_t i = 1; i + 1 < q.size(); ++i) {
    if (q[i] == '\\' && i + 2 < q.size()) {
      char c = q[++i];
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += q[i];
    }
  }
  return out;
}

// A small reader of the .po format: msgid, msgid_plural, msgstr and msgstr[N], each continued on
// the lines that follow as quoted strings; `#,` flags; other comments skipped.
std::vector<PoEntry> ReadPo(const std::string& path) {
  std::vector<PoEntry> entries;
  PoEntry cur;
  bool fuzzy_next = false;
  std::string* target = nullptr;
  bool open = false;
  auto flush = [&] {
    if (open) entries.push_back(cur);
    cur = PoEntry();
    open = false;
    target = nullptr;
  };
  std::istringstream in(ReadAll(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#,", 0) == 0) {
      if (open && !cur.msgstr.empty()) flush();
      if (line.find("fuzzy") != std::string::npos) fuzzy_next = true;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    auto quoted = [&](size_t from) { return Unquote(line.substr(line.find('"', from))); };
    if (line.rfind("msgid_plural ", 0) == 0) {
      cur.plural = quoted(0);
      target = &cur.plural;
    } else if (line.rfind("msgid ", 0) == 0) {
      flush();
      open = true;
      cur.fuzzy = fuzzy_next;
      fuzzy_next = false;
      cur.msgid = quoted(0);
      target = &cur.msgid;
    } else if (line.rfind("msgstr", 0) == 0) {
      cur.msgstr.push_back(quoted(0));
      target = &cur.msgstr.back();
    } else if (line[0] == '"' && target != nullptr) {
      *target += Unquote(line);
    }
  }
  flush();
  return entries;
}

std::multiset<std::string> Placeholders(const std::string& text) {
  std::multiset<std::string> out;
  static const std::regex kBrace(R"(\{[A-Za-z_0-9:<>.^+\-]*\})");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kBrace);
       it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

TEST_CASE("i18n: every message the wallet marks has a French translation with its placeholders",
          "[wallet][i18n]") {
  std::vector<PoEntry> pot = ReadPo(std::string(LIARD_PO_DIR) + "/liard.pot");
  std::vector<PoEntry> fr = ReadPo(std::string(LIARD_PO_DIR) + "/fr.po");
  REQUIRE(pot.size() > 1);
  std::map<std::string, PoEntry> by_id;
  for (const auto& e : fr) by_id[e.msgid] = e;
  std::vector<std::string> missing, bad;
  for (const auto& e : pot) {
    if (e.msgid.empty()) continue;  // the header
    auto it = by_id.find(e.msgid);
    if (it == by_id.end() || it->second.fuzzy || it->second.msgstr.empty()) {
      missing.push_back(e.msgid);
      continue;
    }
    for (size_t i = 0; i < it->second.msgstr.size(); ++i) {
      const std::string& t = it->second.msgstr[i];
      if (t.empty()) {
        missing.push_back(e.msgid);
        break;
      }
      // French uses the singular for 0 and 1: a plural's forms may drop a placeholder the
      // singular does not need, but never add one.
      const std::string& source =
          e.plural.empty() || i > 0 ? (e.plural.empty() ? e.msgid : e.plural) : e.msgid;
      std::multiset<std::string> want = Placeholders(source), got = Placeholders(t);
      if (e.plural.empty() ? want != got
                           : !std::includes(want.begin(), want.end(), got.begin(), got.end()))
        bad.push_back(e.msgid + "  ->  " + t);
    }
  }
  std::string report;
  for (const auto& m : missing) report += "no French for: " + m + "\n";
  for (const auto& b : bad) report += "placeholders differ: " + b + "\n";
  INFO(report);
  CHECK(missing.empty());
  CHECK(bad.empty());
}

// A literal with two words of letters in a row ("no passphrase") is text for people.
bool LooksLikeText(const std::string& literal) {
  static const std::regex kWords(R"([A-Za-z]{2,}[ ,:;'][ ]?[A-Za-z]{2,})");
  return std::regex_search(literal, kWords);
}

// Every string literal of a C++ source, with whether a marking call (_, N_, Tr, P_, TrP) opens
// just before it or a marked literal it continues, and its line.
struct Literal {
  std::string text;
  int line = 0;
  bool marked = false;
};

std::vector<Literal> LiteralsOf(const std::string& src) {
  std::vector<Literal> out;
  int line = 1;
  bool in_marked_call = false;  // inside _( ... ) or its siblings, before the closing comma/paren
  for (size_t i = 0; i < src.size(); ++i) {
    char c = src[i];
    if (c == '\n') ++line;
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '/') {
      while (i < src.size() && src[i] != '\n') ++i;
      ++line;
      continue;
    }
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '*') {
      size_t end = src.find("*/", i + 2);
      for (size_t k = i; k < end && k < src.size(); ++k) line += src[k] == '\n';
      i = end == std::string::npos ? src.size() : end + 1;
      continue;
    }
    if (c == '\'') {  // a character literal
      i += src[i + 1] == '\\' ? 3 : 2;
      continue;
    }
    if (c == 'R' && i + 1 < src.size() && src[i + 1] == '"') {  // raw string: skipped whole
      size_t paren = src.find('(', i);
      std::string delim = ")" + src.substr(i + 2, paren - i - 2) + "\"";
      size_t end = src.find(delim, paren);
      for (size_t k = i; k < end && k < src.size(); ++k) line += src[k] == '\n';
      i = end == std::string::npos ? src.size() : end + delim.size() - 1;
      continue;
    }
    if (c == '"') {
      Literal lit;
      lit.line = line;
      size_t k = i + 1;
      for (; k < src.size() && src[k] != '"'; ++k) {
        if (src[k] == '\\') ++k;
        lit.text += src[k];
      }
      // Marked when the code before it, skipping blanks and earlier literals of the same
      // concatenation, is a marking call's "(" or "," after its first argument.
      size_t b = i;
      while (b > 0) {
        --b;
        while (b > 0 && std::isspace(static_cast<unsigned char>(src[b]))) --b;
        if (src[b] == '"') {  // an earlier literal of the same concatenation: skip it
          size_t a = b;
          while (a > 0) {
            --a;
            if (src[a] == '"' && src[a - 1] != '\\') break;
          }
          b = a;
          continue;
        }
        break;
      }
      if (src[b] == '(') {
        size_t e = b;
        size_t s = e;
        while (s > 0 && (std::isalnum(static_cast<unsigned char>(src[s - 1])) || src[s - 1] == '_'))
          --s;
        std::string fn = src.substr(s, e - s);
        in_marked_call = fn == "_" || fn == "N_" || fn == "Tr" || fn == "P_" || fn == "TrP";
        lit.marked = in_marked_call;
      } else if (src[b] == ',' && in_marked_call) {
        lit.marked = true;  // the plural of P_ or TrP
      } else {
        in_marked_call = false;
      }
      out.push_back(lit);
      i = k;
    }
  }
  return out;
}

TEST_CASE("i18n: no literal meant for people is left unmarked in the wallet's code",
          "[wallet][i18n]") {
  namespace fs = std::filesystem;
  std::vector<std::string> unmarked;
  for (const auto& f : fs::directory_iterator(std::string(LIARD_SOURCE_DIR) + "/wallet-cli")) {
    if (f.path().extension() != ".cc") continue;
    const std::string src = ReadAll(f.path().string());
    std::vector<std::string> lines;
    {
      std::istringstream in(src);
      std::string l;
      while (std::getline(in, l)) lines.push_back(l);
    }
    for (const Literal& lit : LiteralsOf(src)) {
      if (lit.marked || !LooksLikeText(lit.text)) continue;
      const std::string& l = lines[static_cast<size_t>(lit.line - 1)];
      if (l.find("i18n: as is") != std::string::npos) continue;
      unmarked.push_back(f.path().filename().string() + ":" + std::to_string(lit.line) + ": \"" +
                         lit.text + "\"");
    }
  }
  std::string report;
  for (const auto& u : unmarked) report += u + "\n";
  INFO(report);
  CHECK(unmarked.empty());
}

TEST_CASE("i18n: French elides de and que before a vowel, not before a consonant or a number",
          "[wallet][i18n]") {
  auto elide = [](std::string_view pattern, std::string_view who) {
    return fmt::vformat(ElideFrench(pattern, fmt::make_format_args(fmt::arg("who", who))),
                        fmt::make_format_args(fmt::arg("who", who)));
  };
  CHECK(elide("paiement de {who}", "Alice Martin") == "paiement d'Alice Martin");
  CHECK(elide("paiement de {who}", "Bob") == "paiement de Bob");
  CHECK(elide("paiement de {who}", "Élodie") == "paiement d'Élodie");
  CHECK(elide("paiement de {who}", "Œuvre") == "paiement d'Œuvre");
  CHECK(elide("paiement de {who}", "ébéniste") == "paiement d'ébéniste");
  CHECK(elide("un solde de {who}", "8,00 ROUE") == "un solde de 8,00 ROUE");
  CHECK(elide("plus que {who}", "Yvan") == "plus qu'Yvan");
  CHECK(elide("De {who} : 3,00 ROUE", "Anne") == "D'Anne : 3,00 ROUE");
  CHECK(elide("monde {who}", "Anne") == "monde Anne");  // not the word "de"
  CHECK(elide("aide {who}", "Anne") == "aide Anne");    // "aide" ends in "de"
  CHECK(elide("de {{who}} de {who}", "Anne") == "de {who} d'Anne");
  CHECK(elide("de {who}", "Hugo") == "de Hugo");  // h: left alone
  CHECK(elide("de {who}", "") == "de ");
  // A pattern with another placeholder is formatted whole, elided or not.
  CHECK(ElideFrench("de {missing}", fmt::make_format_args(fmt::arg("who", "Anne"))) ==
        "de {missing}");
}

TEST_CASE("i18n: the language follows --lang, then LC_ALL, LC_MESSAGES and LANG",
          "[wallet][i18n]") {
  CHECK(LanguageFor("", "", "", "fr_FR.UTF-8") == Language::kFrench);
  CHECK(LanguageFor("", "", "", "en_GB.UTF-8") == Language::kEnglish);
  CHECK(LanguageFor("", "C", "", "fr_FR.UTF-8") == Language::kEnglish);
  CHECK(LanguageFor("", "", "fr_BE.UTF-8", "en_US.UTF-8") == Language::kFrench);
  CHECK(LanguageFor("en", "fr_FR.UTF-8", "", "") == Language::kEnglish);
  CHECK(LanguageFor("fr", "C.UTF-8", "", "") == Language::kFrench);
  CHECK(LanguageFor("", "", "", "") == Language::kEnglish);
  CHECK(LanguageFor("", "", "", "french") == Language::kEnglish);
}

}  // namespace
}  // namespace liard::wallet

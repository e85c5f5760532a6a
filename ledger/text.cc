// Text rules of genesis version 3, on ICU: what a name or memo may hold, and name skeletons.
#include "ledger/text.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <map>
#include <variant>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/operation.h"
#include "ledger/ops/card.h"

namespace liard {
namespace {

std::u16string ToUtf16(std::string_view text) {
  std::u16string out(text.size() + 1, u'\0');
  int32_t len = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strFromUTF8Lenient(reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()), &len,
                       text.data(), static_cast<int32_t>(text.size()), &err);
  out.resize(U_SUCCESS(err) ? static_cast<size_t>(len) : 0);
  return out;
}

std::string ToUtf8(const std::u16string& text) {
  std::string out(text.size() * 3 + 1, '\0');
  int32_t len = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &len,
              reinterpret_cast<const UChar*>(text.data()), static_cast<int32_t>(text.size()), &err);
  out.resize(U_SUCCESS(err) ? static_cast<size_t>(len) : 0);
  return out;
}

const UNormalizer2* Nfc() {
  UErrorCode err = U_ZERO_ERROR;
  return unorm2_getNFCInstance(&err);  // a singleton owned by ICU; null only if data is missing
}

std::string Hex(UChar32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

// The problem of one code point, or empty.
std::string CodePointProblem(UChar32 c) {
  switch (u_charType(c)) {
    case U_UNASSIGNED:
      return Hex(c) + " is not assigned in Unicode " + std::string(kTextRulesUnicodeVersion);
    case U_CONTROL_CHAR:
      return Hex(c) + " is a control character";
    case U_FORMAT_CHAR:
      return Hex(c) + " is an invisible format character (Cf)";
    case U_PRIVATE_USE_CHAR:
      return Hex(c) + " is a private-use character";
    case U_SURROGATE:
      return Hex(c) + " is a surrogate";
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return Hex(c) + " is a line or paragraph separator";
    default:
      break;
  }
  if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
    return Hex(c) + " is an invisible (default-ignorable) character";
  return {};
}

}  // namespace

bool IsHiddenCodePoint(char32_t c) {
  const UChar32 u = static_cast<UChar32>(c);
  if (c > 0x10FFFF) return true;
  switch (u_charType(u)) {
    case U_UNASSIGNED:
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_SURROGATE:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return true;
    default:
      return u_hasBinaryProperty(u, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
  }
}

std::string LinkedUnicodeVersion() {
  UVersionInfo v;
  u_getUnicodeVersion(v);
  return std::to_string(v[0]) + "." + std::to_string(v[1]);
}

Status CheckTextRulesVersion() {
  const std::string linked = LinkedUnicodeVersion();
  if (linked == kTextRulesUnicodeVersion) return Status::Ok();
  return Status(Code::kInternal,
                "this build's ICU implements Unicode " + linked +
                    ", but the name and memo rules of a version 3 ledger are pinned to Unicode " +
                    std::string(kTextRulesUnicodeVersion) +
                    " (ICU 72): replaying its journal with other tables could decide differently "
                    "(see docs/protocol.md, \"Names and memos\")");
}

std::string TextProblem(std::string_view text) {
  if (!IsPrintableUtf8(text)) return "it is not valid UTF-8 text or has control characters";
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return "it is not valid UTF-8";
    std::string p = CodePointProblem(c);
    if (!p.empty()) return p;
  }
  const std::u16string u = ToUtf16(text);
  UErrorCode err = U_ZERO_ERROR;
  const UBool nfc = unorm2_isNormalized(Nfc(), reinterpret_cast<const UChar*>(u.data()),
                                        static_cast<int32_t>(u.size()), &err);
  if (U_FAILURE(err)) return "it cannot be normalised";
  if (!nfc) return "it is not in Unicode normalisation form C (NFC): compose it first";
  return {};
}

std::string NameProblem(std::string_view name) {
  if (name.empty()) return "it is empty";
  std::string p = TextProblem(name);
  if (!p.empty()) return p;
  if (name.front() == ' ' || name.back() == ' ') return "it starts or ends with a space";
  if (name.find("  ") != std::string_view::npos) return "it has two spaces in a row";
  const auto* s = reinterpret_cast<const uint8_t*>(name.data());
  const int32_t n = static_cast<int32_t>(name.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c != ' ' && u_charType(c) == U_SPACE_SEPARATOR)
      return Hex(c) + " is a space other than U+0020";
    if (c == 0x2800) return Hex(c) + " is a blank pattern";
  }
  return {};
}

std::string NameSkeleton(std::string_view name) {
  // One checker for the process: skeletons are const operations on it (thread-safe in ICU).
  static USpoofChecker* const checker = [] {
    UErrorCode err = U_ZERO_ERROR;
    return uspoof_open(&err);
  }();
  const std::u16string u = ToUtf16(name);
  std::u16string folded(u.size() * 3 + 8, u'\0');
  UErrorCode err = U_ZERO_ERROR;
  int32_t len =
      u_strFoldCase(reinterpret_cast<UChar*>(folded.data()), static_cast<int32_t>(folded.size()),
                    reinterpret_cast<const UChar*>(u.data()), static_cast<int32_t>(u.size()),
                    U_FOLD_CASE_DEFAULT, &err);
  folded.resize(U_SUCCESS(err) ? static_cast<size_t>(len) : 0);
  std::u16string skeleton(folded.size() * 18 + 8, u'\0');  // a mapping is at most 18 units
  err = U_ZERO_ERROR;
  len = uspoof_getSkeleton(checker, 0, reinterpret_cast<const UChar*>(folded.data()),
                           static_cast<int32_t>(folded.size()),
                           reinterpret_cast<UChar*>(skeleton.data()),
                           static_cast<int32_t>(skeleton.size()), &err);
  skeleton.resize(U_SUCCESS(err) ? static_cast<size_t>(len) : 0);
  // The skeleton is in NFD: drop the accents (nonspacing marks), which a glance at a small
  // screen misses ("Rhône", "Rhone", a Cyrillic "Rhоne").
  std::u16string bare;
  bare.reserve(skeleton.size());
  for (size_t i = 0; i < skeleton.size();) {
    UChar32 c;
    U16_NEXT(skeleton.data(), i, skeleton.size(), c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c > 0xFFFF) {
      bare.push_back(static_cast<char16_t>(U16_LEAD(c)));
      bare.push_back(static_cast<char16_t>(U16_TRAIL(c)));
    } else {
      bare.push_back(static_cast<char16_t>(c));
    }
  }
  return ToUtf8(bare);
}

bool IsGuardedNameKind(AccountKind kind) { return kind != AccountKind::kResident; }

std::string ToNfc(std::string_view text) {
  if (!IsPrintableUtf8(text)) return std::string(text);
  const std::u16string u = ToUtf16(text);
  std::u16string out(u.size() * 3 + 8, u'\0');
  UErrorCode err = U_ZERO_ERROR;
  int32_t len = unorm2_normalize(
      Nfc(), reinterpret_cast<const UChar*>(u.data()), static_cast<int32_t>(u.size()),
      reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()), &err);
  if (U_FAILURE(err)) return std::string(text);
  out.resize(static_cast<size_t>(len));
  return ToUtf8(out);
}

namespace {

Status Refuse(Code code, std::string_view what, const std::string& problem, uint32_t item = 0) {
  return Status(code, std::string(what) + " is refused: " + problem, item);
}

Status CheckName(std::string_view name) {
  std::string p = NameProblem(name);
  return p.empty() ? Status::Ok() : Refuse(Code::kBadName, "the account name", p);
}
Status CheckMemoText(std::string_view memo, std::string_view what = "the memo", uint32_t item = 0) {
  std::string p = TextProblem(memo);
  return p.empty() ? Status::Ok() : Refuse(Code::kMemoNotText, what, p, item);
}
Status CheckOther(std::string_view text, Code code, std::string_view what) {
  if (text.empty()) return Status::Ok();  // emptiness is the shape rules' business
  std::string p = TextProblem(text);
  return p.empty() ? Status::Ok() : Refuse(code, what, p);
}

struct TextVisitor {
  Status operator()(const Transfer& t) const { return CheckMemoText(t.memo); }
  Status operator()(const Refund& r) const { return CheckMemoText(r.memo); }
  Status operator()(const Collect& c) const {
    Status s = CheckMemoText(c.memo);
    if (!s.ok()) return s;
    return CheckMemoText(c.mandate.mandate.memo, "the mandate's memo");
  }
  Status operator()(const OpenAccount& o) const { return CheckName(o.name); }
  Status operator()(const MultiTransfer& m) const {
    for (size_t i = 0; i < m.legs.size(); ++i) {
      const std::string what = "leg " + std::to_string(i + 1) + ": the memo";
      Status s = CheckMemoText(m.legs[i].memo, what, static_cast<uint32_t>(i + 1));
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  Status operator()(const GrantAid& g) const {
    Status s = CheckMemoText(g.purpose, "the aid's purpose");
    for (size_t i = 0; s.ok() && i < g.categories.size(); ++i)
      s = CheckMemoText(g.categories[i], "the aid's category " + std::to_string(i + 1));
    for (size_t i = 0; s.ok() && i < g.recipients.size(); ++i)
      s = CheckMemoText(g.recipients[i].memo, "recipient " + std::to_string(i + 1) + ": the memo",
                        static_cast<uint32_t>(i + 1));
    return s;
  }
  Status operator()(const Deposit& d) const {
    return CheckOther(d.reference, Code::kBadReference, "the bank reference");
  }
  Status operator()(const Payout& p) const {
    return CheckOther(p.reference, Code::kBadReference, "the bank reference");
  }
  Status operator()(const FundProgramme& f) const {
    return CheckOther(f.reference, Code::kBadReference, "the bank reference");
  }
  Status operator()(const BankEntry& b) const {
    return CheckOther(b.reference, Code::kBadReference, "the bank reference");
  }
  Status operator()(const SetCard& c) const {
    for (const CardField& f : kCardFields) {
      Status s = CheckOther(c.card.*f.member, Code::kBadCard, "the card's " + std::string(f.name));
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  Status operator()(const Propose& p) const {
    if (const auto* o = std::get_if<OpenAccount>(&p.decision)) return CheckName(o->name);
    if (const auto* f = std::get_if<Freeze>(&p.decision))
      return CheckOther(f->reason, Code::kBadDecision, "the reason");
    if (const auto* x = std::get_if<Pause>(&p.decision))
      return CheckOther(x->reason, Code::kBadDecision, "the reason");
    return Status::Ok();
  }
  template <typename T>
  Status operator()(const T&) const {
    return Status::Ok();
  }
};

}  // namespace

Status CheckOperationText(const Operation& op) { return std::visit(TextVisitor{}, op.payload); }

Status CheckGenesisNames(const Genesis& genesis) {
  std::map<std::string, std::vector<const GenesisAccount*>> by_skeleton;
  for (const auto& a : genesis.accounts) {
    std::string p = NameProblem(a.name);
    if (!p.empty()) return Status(Code::kInvalidArgument, "genesis account '" + a.name + "': " + p);
    auto& same = by_skeleton[NameSkeleton(a.name)];
    for (const GenesisAccount* other : same)
      if (IsGuardedNameKind(a.kind) || IsGuardedNameKind(other->kind))
        return Status(Code::kInvalidArgument, "genesis accounts '" + other->name + "' and '" +
                                                  a.name + "' have names that look alike");
    same.push_back(&a);
  }
  return Status::Ok();
}

}  // namespace liard

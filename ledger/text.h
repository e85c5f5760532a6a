// Text rules of genesis version 3: names and memos a person reads cannot hide characters, and a
// name cannot pass for another's (Unicode TR 15 normalisation, TR 39 confusables, through ICU).
#ifndef LIARD_LEDGER_TEXT_H_
#define LIARD_LEDGER_TEXT_H_

#include <string>
#include <string_view>

#include "ledger/account.h"
#include "ledger/status.h"

namespace liard {

struct Genesis;
struct Operation;

// The Unicode version the rules are pinned to: ICU 72 (Debian 12) implements Unicode 15.0. A
// version 3 ledger refuses to run with another (see CheckTextRulesVersion and docs/protocol.md,
// "Names and memos").
inline constexpr std::string_view kTextRulesUnicodeVersion = "15.0";

// The Unicode version of the ICU linked in, e.g. "15.0".
std::string LinkedUnicodeVersion();

// Ok when the linked ICU implements kTextRulesUnicodeVersion; otherwise kInternal with a message
// saying why a version 3 ledger cannot be replayed with it.
[[nodiscard]] Status CheckTextRulesVersion();

// Why a text is refused, or empty when it is clean. A clean text is printable UTF-8 (see
// IsPrintableUtf8) in NFC whose code points are all assigned (in kTextRulesUnicodeVersion), and
// none a format character (Cf: bidi controls, zero-width joiners...), a private-use character,
// a line or paragraph separator, or a default-ignorable code point (invisible: soft hyphen,
// Hangul fillers, variation selectors, tags...).
std::string TextProblem(std::string_view text);

// As TextProblem, stricter for the name of an account: no space but U+0020, none at either end
// nor two in a row, and no U+2800 BRAILLE PATTERN BLANK (blank in every font).
std::string NameProblem(std::string_view name);

// The key under which names collide: the TR 39 skeleton (uspoof_getSkeleton) of the case-folded
// name, without its nonspacing marks (accents). "Boulangerie du Rhône", its decomposed form,
// "BOULANGERIE DU RHONE" and "Boulangerie du Rhоne" (a Cyrillic о) share one. Defined for any
// valid UTF-8.
std::string NameSkeleton(std::string_view name);

// The kinds whose names are unique by skeleton: merchants, exchange offices, municipalities and
// the association. No account of any kind may take such a name; one of these kinds may not take
// any existing account's name (a resident's included).
bool IsGuardedNameKind(AccountKind kind);

// True for a code point that shows nothing or changes how its neighbours show: controls (C0,
// C1, DEL), format characters (Cf: bidi controls, zero-width joiners...), line and paragraph
// separators, surrogates, unassigned code points and default-ignorable ones. The wallet prints
// these as visible escapes (wallet-cli/format.h, SafeText).
bool IsHiddenCodePoint(char32_t c);

// The NFC form of valid UTF-8 (the wallet normalises what it signs); `text` itself if invalid.
std::string ToNfc(std::string_view text);

// Every text a version 3 operation carries (names of accounts it opens, memos, legs' memos,
// references, reasons): the shape error of the first that is not clean (BAD_NAME for names,
// MEMO_NOT_TEXT for memos, BAD_REFERENCE, BAD_DECISION for reasons).
[[nodiscard]] Status CheckOperationText(const Operation& op);

// The genesis accounts' names of a version 3 genesis: clean, and unique by skeleton among
// themselves as the ledger keeps them later. kInvalidArgument naming the first problem.
[[nodiscard]] Status CheckGenesisNames(const Genesis& genesis);

}  // namespace liard

#endif  // LIARD_LEDGER_TEXT_H_

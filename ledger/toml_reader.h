// TOML reading shared by the readers of liard's TOML files: the node's config and genesis
// (node/config.cc) and the rules tables (ledger/rules_toml.h), used by the node's genesis and the
// wallet's set-rules alike. Strict (unknown keys refused by name), exact (amounts parsed as
// text, never floating point) and specific (every message names the file, line and key).
//
// This header includes toml++: only code that links toml++ itself includes it (liard_ledger
// links it privately; its other headers do not mention it).
#ifndef LIARD_LEDGER_TOML_READER_H_
#define LIARD_LEDGER_TOML_READER_H_

#include <toml++/toml.h>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "ledger/rules_toml.h"
#include "ledger/status.h"

namespace liard {

// "a string", "an integer", ...: a TOML type as a message names it.
std::string_view TomlTypeName(toml::node_type type);

// Reads the keys of one TOML table, refusing by name any key it does not know: a misspelt key
// silently ignored would leave a default the operator did not choose.
class TableReader {
 public:
  TableReader(std::string_view source, const toml::table& table, std::string name)
      : source_(source), table_(table), name_(std::move(name)) {}

  // "file:line: " for a node, or "file: " when the parser gave no position.
  std::string Where(const toml::source_region& region) const;
  std::string Where(const toml::node& node) const { return Where(node.source()); }
  std::string WhereTable() const { return Where(table_); }

  Status Error(const toml::node& node, std::string_view message) const;
  Status TableError(std::string_view message) const;

  const std::string& name() const { return name_; }
  // "[server] listen", or "listen" at the top level.
  std::string Qualified(std::string_view key) const;

  // nullptr if absent. A present key of the wrong type is an error naming both types.
  Status Find(std::string_view key, toml::node_type type, const toml::node** out);
  Status Required(std::string_view key, toml::node_type type, const toml::node** out);
  // A string, required or not; *node (if given) is the key's node, nullptr when absent.
  Status String(std::string_view key, bool required, std::string* out,
                const toml::node** node = nullptr);
  // An optional integer within [min, max]; out of range names the key, the value and the range.
  Status IntegerIn(std::string_view key, int64_t min, int64_t max, int64_t* out);
  Status Boolean(std::string_view key, bool* out);
  Status Integer(std::string_view key, bool required, int64_t* out,
                 const toml::node** node = nullptr);
  // A sub-table; nullptr if absent.
  Status Table(std::string_view key, bool required, const toml::table** out);

  // Declares the keys this table may hold and refuses any other, before anything is read: a
  // misspelt key is then reported as such, not as the required key it was meant to be.
  Status Allow(std::initializer_list<std::string_view> keys);
  Status RefuseUnknown() const;

 private:
  std::string_view source_;
  const toml::table& table_;
  std::string name_;
  std::vector<std::string> allowed_;
};

// Parses a whole TOML document; a syntax error names the file, line and column.
[[nodiscard]] Status ParseTomlDocument(std::string_view text, std::string_view source,
                                       toml::table* out);

// "N/D" or "N", positive decimal integers: a ratio written as a person would.
bool ParseRatio(std::string_view text, int64_t* num, int64_t* den);

// An account kind by the name KindName gives ("resident", "exchange-office", ...).
bool ParseKind(std::string_view text, AccountKind* out);
// Every kind's name, comma-separated: what a message lists as expected.
std::string KindList();

// The amount `text` at `node` of table `r`'s `key`; refused naming the key, the text and `unit`.
[[nodiscard]] Status ParseAmountAt(const TableReader& r, const toml::node& node,
                                   std::string_view key, std::string_view text, int decimals,
                                   std::string_view unit, Amount* out);

// ParseRulesToml (ledger/rules_toml.h) on a document already parsed, for a reader of a file that
// holds other tables too (the node's genesis file).
[[nodiscard]] Status ParseRulesTables(std::string_view source, const toml::table& doc,
                                      RulesDocument document, int decimals, std::string_view unit,
                                      Rules* rules);

}  // namespace liard

#endif  // LIARD_LEDGER_TOML_READER_H_

// TOML reading shared by the node's config and genesis files and the rules tables.
#include "ledger/toml_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace liard {

std::string_view TomlTypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string TableReader::Where(const toml::source_region& region) const {
  if (region.begin.line == 0) return fmt::format("{}: ", source_);
  return fmt::format("{}:{}: ", source_, region.begin.line);
}

Status TableReader::Error(const toml::node& node, std::string_view message) const {
  return Status(Code::kInvalidArgument, Where(node) + std::string(message));
}

Status TableReader::TableError(std::string_view message) const {
  return Status(Code::kInvalidArgument, WhereTable() + std::string(message));
}

std::string TableReader::Qualified(std::string_view key) const {
  return name_.empty() ? std::string(key) : fmt::format("{} {}", name_, key);
}

Status TableReader::Find(std::string_view key, toml::node_type type, const toml::node** out) {
  *out = nullptr;
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  if (node->type() != type)
    return Error(*node, fmt::format("{} must be {}, not {}", Qualified(key), TomlTypeName(type),
                                    TomlTypeName(node->type())));
  *out = node;
  return Status::Ok();
}

Status TableReader::Required(std::string_view key, toml::node_type type, const toml::node** out) {
  Status s = Find(key, type, out);
  if (!s.ok()) return s;
  if (*out == nullptr)
    return TableError(fmt::format("{} is missing: it is required", Qualified(key)));
  return Status::Ok();
}

Status TableReader::String(std::string_view key, bool required, std::string* out,
                           const toml::node** node) {
  const toml::node* n;
  Status s = required ? Required(key, toml::node_type::string, &n)
                      : Find(key, toml::node_type::string, &n);
  if (!s.ok()) return s;
  if (node) *node = n;
  if (n) *out = *n->value<std::string>();
  return Status::Ok();
}

Status TableReader::IntegerIn(std::string_view key, int64_t min, int64_t max, int64_t* out) {
  const toml::node* node = nullptr;
  Status s = Integer(key, false, out, &node);
  if (!s.ok()) return s;
  if (node && (*out < min || *out > max))
    return Error(*node,
                 fmt::format("{} {} must be between {} and {}", Qualified(key), *out, min, max));
  return Status::Ok();
}

Status TableReader::Boolean(std::string_view key, bool* out) {
  const toml::node* n;
  Status s = Find(key, toml::node_type::boolean, &n);
  if (!s.ok()) return s;
  if (n) *out = *n->value<bool>();
  return Status::Ok();
}

Status TableReader::Integer(std::string_view key, bool required, int64_t* out,
                            const toml::node** node) {
  const toml::node* n;
  Status s = required ? Required(key, toml::node_type::integer, &n)
                      : Find(key, toml::node_type::integer, &n);
  if (!s.ok()) return s;
  if (node) *node = n;
  if (n) *out = *n->value<int64_t>();
  return Status::Ok();
}

Status TableReader::Table(std::string_view key, bool required, const toml::table** out) {
  const toml::node* n;
  Status s =
      required ? Required(key, toml::node_type::table, &n) : Find(key, toml::node_type::table, &n);
  if (!s.ok()) return s;
  *out = n ? n->as_table() : nullptr;
  return Status::Ok();
}

Status TableReader::Allow(std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) allowed_.emplace_back(k);
  return RefuseUnknown();
}

Status TableReader::RefuseUnknown() const {
  std::vector<std::string_view> unknown;
  for (auto&& [key, node] : table_) {
    if (std::find(allowed_.begin(), allowed_.end(), key.str()) != allowed_.end()) continue;
    std::string expected;
    for (const auto& u : allowed_) expected += (expected.empty() ? "" : ", ") + u;
    std::string where = Where(key.source().begin.line ? key.source() : node.source());
    std::string in = name_.empty() ? "at the top level" : "in " + name_;
    return Status(Code::kInvalidArgument, fmt::format("{}unknown key '{}' {} (expected one of: {})",
                                                      where, key.str(), in, expected));
  }
  return Status::Ok();
}

Status ParseTomlDocument(std::string_view text, std::string_view source, toml::table* out) {
  try {
    *out = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    std::string where = begin.line ? fmt::format("{}:{}:{}: ", source, begin.line, begin.column)
                                   : fmt::format("{}: ", source);
    return Status(Code::kInvalidArgument,
                  fmt::format("{}not valid TOML: {}", where, e.description()));
  }
  return Status::Ok();
}

// "N/D" or "N", positive decimal integers: a ratio written as a person would.
bool ParseRatio(std::string_view text, int64_t* num, int64_t* den) {
  auto parse = [](std::string_view t, int64_t* v) {
    if (t.empty() || t.size() > 18) return false;
    for (char c : t)
      if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), *v);
    return ec == std::errc() && p == t.data() + t.size() && *v > 0;
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    *den = 1;
    return parse(text, num);
  }
  return parse(text.substr(0, slash), num) && parse(text.substr(slash + 1), den);
}

// Kinds as the operator writes them: the names KindName gives.
bool ParseKind(std::string_view text, AccountKind* out) {
  for (AccountKind k : kAllKinds) {
    if (KindName(k) == text) {
      *out = k;
      return true;
    }
  }
  return false;
}

std::string KindList() {
  std::string list;
  for (AccountKind k : kAllKinds) list += (list.empty() ? "" : ", ") + std::string(KindName(k));
  return list;
}

Status ParseAmountAt(const TableReader& r, const toml::node& node, std::string_view key,
                     std::string_view text, int decimals, std::string_view unit, Amount* out) {
  Status s = ParseAmount(text, decimals, out);
  if (!s.ok())
    return r.Error(node, fmt::format("{} \"{}\" is not an amount of {}: {}", r.Qualified(key), text,
                                     unit, s.message()));
  return Status::Ok();
}

}  // namespace liard

// NodePool: parsing a list of node addresses, and the order in which a write is tried.
#include "wallet-cli/node_pool.h"

#include <algorithm>

#include "wallet-cli/format.h"
#include "wallet-cli/i18n.h"
#include "wallet-cli/node_client.h"

namespace liard::wallet {

CliStatus ParseNodeList(std::string_view text, std::vector<std::string>* out) {
  out->clear();
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    std::string_view one = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    CliStatus s = ValidateTarget(one);
    if (!s.ok()) return s;
    if (std::find(out->begin(), out->end(), one) == out->end()) out->emplace_back(one);
    if (out->size() > kMaxNodes)
      return CliStatus::Usage(Tr("--node names more than {n} nodes", fmt::arg("n", kMaxNodes)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return CliStatus::Ok();
}

std::vector<std::string> WriteCandidates(const std::vector<std::string>& listed,
                                         const std::string& refused_by, const std::string& hint,
                                         const std::vector<std::string>& tried) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& t) {
    if (t.empty() || t == refused_by) return;
    if (std::find(tried.begin(), tried.end(), t) != tried.end()) return;
    if (std::find(out.begin(), out.end(), t) != out.end()) return;
    if (!ValidateTarget(t).ok()) return;
    out.push_back(t);
  };
  add(hint);
  for (const std::string& t : listed) add(t);
  return out;
}

}  // namespace liard::wallet

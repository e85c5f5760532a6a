// Operations: type names, the signed message and the operation id.
#include "ledger/operation.h"

#include "ledger/genesis.h"

namespace liard {

std::string_view OpTypeName(OpType type) {
  switch (type) {
    case OpType::kTransfer:
      return "transfer";
    case OpType::kOpenAccount:
      return "open-account";
  }
  return "unknown";
}

OpType Operation::type() const {
  struct Visitor {
    OpType operator()(const Transfer&) const { return OpType::kTransfer; }
    OpType operator()(const OpenAccount&) const { return OpType::kOpenAccount; }
  };
  return std::visit(Visitor{}, payload);
}

std::string SigningMessage(const Hash& ledger_id, std::string_view body) {
  std::string m;
  m.reserve(kOperationDomain.size() + Hash::size() + body.size());
  m.append(kOperationDomain);
  m.append(ledger_id.view());
  m.append(body);
  return m;
}

Hash OperationId(const Hash& ledger_id, std::string_view body) {
  return Sha256({kOperationDomain, ledger_id.view(), body});
}

}  // namespace liard

// The governance record: its canonical byte layout, its digest hash, and who holds which role.
#include "ledger/governance.h"

#include <algorithm>

#include "ledger/bytes.h"
#include "ledger/journal.h"

namespace liard {
namespace {

// What the rules of a record carry beyond layout 1's (docs/protocol.md, "The governance record").
struct RulesLayout {
  // Layouts 3, 4, 7 and 8: the conversion fields that only version 3 ledgers set (member_kinds,
  // office_cash_ceiling).
  bool conversion_guard = false;
  // Layouts 5 to 8: the default programme, after the limits.
  bool default_programme = false;
  // Layouts 9 to 16: the association's share, after the default programme.
  bool share = false;
  // Layouts 17 to 32: demurrage, after the association's share.
  bool demurrage = false;
};

void PutRules(ByteWriter* w, const Rules& r, RulesLayout layout) {
  const bool conversion_guard = layout.conversion_guard;
  w->I64(r.backing_num);
  w->I64(r.backing_den);
  w->I64(r.conversion.min_euros);
  w->I64(r.conversion.max_euros);
  if (conversion_guard) {
    w->U32(r.conversion.member_kinds);
    w->I64(r.conversion.office_cash_ceiling);
  }
  w->I64(r.reconversion.fee_num);
  w->I64(r.reconversion.fee_den);
  w->I64(r.reconversion.min_units);
  w->U32(static_cast<uint32_t>(r.programmes.size()));
  for (const Programme& p : r.programmes) {
    w->Str(p.name);
    w->Str(p.sponsor);
    w->I64(p.ratio_num);
    w->I64(p.ratio_den);
    w->U8(static_cast<uint8_t>(p.rounding));
    w->I64(p.step);
    w->I64(p.min_euros);
    w->I64(p.starts_ms);
    w->I64(p.ends_ms);
    w->I64(p.monthly_cap);
    w->U32(p.member_kinds);
    w->I64(p.opening_budget);
  }
  w->U32(static_cast<uint32_t>(r.limits.size()));
  for (const KindLimits& l : r.limits) {
    w->U8(static_cast<uint8_t>(l.kind));
    w->I64(l.max_payment);
    w->I64(l.daily_outgoing);
    w->I64(l.balance_ceiling);
  }
  if (layout.default_programme) w->Str(r.default_programme);
  if (layout.share) {
    w->U32(r.share.basis_points);
    w->Str(r.share.programme);
    w->U32(static_cast<uint32_t>(r.share.associations.size()));
    for (const AccountId& a : r.share.associations) w->Key(a);
  }
  if (layout.demurrage) {
    w->U32(r.demurrage.basis_points);
    w->I64(r.demurrage.threshold);
    w->Key(r.demurrage.account);
    w->U32(r.demurrage.first_month);
  }
}

void GetRules(ByteReader* r, Rules* out, RulesLayout layout) {
  const bool conversion_guard = layout.conversion_guard;
  Rules x;
  x.backing_num = r->I64();
  x.backing_den = r->I64();
  x.conversion.min_euros = r->I64();
  x.conversion.max_euros = r->I64();
  if (conversion_guard) {
    x.conversion.member_kinds = r->U32();
    x.conversion.office_cash_ceiling = r->I64();
  }
  x.reconversion.fee_num = r->I64();
  x.reconversion.fee_den = r->I64();
  x.reconversion.min_units = r->I64();
  for (uint32_t n = r->Count(81); n > 0 && r->ok(); --n) {
    Programme p;
    p.name = r->Str();
    p.sponsor = r->Str();
    p.ratio_num = r->I64();
    p.ratio_den = r->I64();
    p.rounding = static_cast<Rounding>(r->U8());
    p.step = r->I64();
    p.min_euros = r->I64();
    p.starts_ms = r->I64();
    p.ends_ms = r->I64();
    p.monthly_cap = r->I64();
    p.member_kinds = r->U32();
    p.opening_budget = r->I64();
    x.programmes.push_back(std::move(p));
  }
  for (uint32_t n = r->Count(25); n > 0 && r->ok(); --n) {
    KindLimits l;
    l.kind = static_cast<AccountKind>(r->U8());
    l.max_payment = r->I64();
    l.daily_outgoing = r->I64();
    l.balance_ceiling = r->I64();
    x.limits.push_back(l);
  }
  if (layout.default_programme) x.default_programme = r->Str();
  if (layout.share) {
    x.share.basis_points = r->U32();
    x.share.programme = r->Str();
    for (uint32_t n = r->Count(32); n > 0 && r->ok(); --n) x.share.associations.push_back(r->Key());
  }
  if (layout.demurrage) {
    x.demurrage.basis_points = r->U32();
    x.demurrage.threshold = r->I64();
    x.demurrage.account = r->Key();
    x.demurrage.first_month = r->U32();
  }
  *out = std::move(x);
}

// A decision is its tag (the variant index + 1) and its fields.
void PutDecision(ByteWriter* w, const Decision& d, RulesLayout layout) {
  w->U8(static_cast<uint8_t>(d.index() + 1));
  struct V {
    ByteWriter* w;
    RulesLayout layout;
    void operator()(const OpenAccount& o) const {
      w->Key(o.id);
      w->U8(static_cast<uint8_t>(o.kind));
      w->Str(o.name);
      w->I64(o.member_until_ms);
      w->I64(o.fee.minor());
    }
    void operator()(const GrantRole& g) const {
      w->Key(g.account);
      w->U8(static_cast<uint8_t>(g.role));
    }
    void operator()(const RevokeRole& g) const {
      w->Key(g.account);
      w->U8(static_cast<uint8_t>(g.role));
    }
    void operator()(const SetRules& s) const { PutRules(w, s.rules, layout); }
    void operator()(const Freeze& f) const {
      w->Key(f.account);
      w->Str(f.reason);
    }
    void operator()(const Unfreeze& u) const { w->Key(u.account); }
    void operator()(const Rekey& k) const {
      w->Key(k.account);
      w->Key(k.new_key);
    }
    void operator()(const Pause& p) const { w->Str(p.reason); }
    void operator()(const Resume&) const {}
    void operator()(const SetThreshold& t) const { w->U32(t.threshold); }
    void operator()(const SetNodeKey& k) const { w->Key(k.node_key); }
    void operator()(const SetNodeKeys& k) const {
      w->U32(static_cast<uint32_t>(k.node_keys.size()));
      for (const PublicKey& key : k.node_keys) w->Key(key);
    }
  };
  std::visit(V{w, layout}, d);
}

void GetDecision(ByteReader* r, Decision* out, RulesLayout layout) {
  switch (r->U8()) {
    case 1: {
      OpenAccount o;
      o.id = r->Key();
      o.kind = static_cast<AccountKind>(r->U8());
      o.name = r->Str();
      o.member_until_ms = r->I64();
      o.fee = Amount(r->I64());
      *out = std::move(o);
      return;
    }
    case 2: {
      GrantRole g;
      g.account = r->Key();
      g.role = static_cast<Role>(r->U8());
      *out = g;
      return;
    }
    case 3: {
      RevokeRole g;
      g.account = r->Key();
      g.role = static_cast<Role>(r->U8());
      *out = g;
      return;
    }
    case 4: {
      SetRules s;
      GetRules(r, &s.rules, layout);
      *out = std::move(s);
      return;
    }
    case 5: {
      Freeze f;
      f.account = r->Key();
      f.reason = r->Str();
      *out = std::move(f);
      return;
    }
    case 6:
      *out = Unfreeze{r->Key()};
      return;
    case 7: {
      Rekey k;
      k.account = r->Key();
      k.new_key = r->Key();
      *out = k;
      return;
    }
    case 8:
      *out = Pause{r->Str()};
      return;
    case 9:
      *out = Resume{};
      return;
    case 10:
      *out = SetThreshold{r->U32()};
      return;
    case 11:
      *out = SetNodeKey{r->Key()};
      return;
    case 12: {
      SetNodeKeys k;
      for (uint32_t n = r->Count(32); n > 0 && r->ok(); --n) k.node_keys.push_back(r->Key());
      *out = std::move(k);
      return;
    }
    default:
      r->Fail();
  }
}

}  // namespace

bool Governance::IsBoardMember(const AccountId& id) const {
  return std::binary_search(board.begin(), board.end(), id);
}

bool Governance::NamesNodeKey(const PublicKey& key) const {
  if (node_key && *node_key == key) return true;
  return std::find(more_node_keys.begin(), more_node_keys.end(), key) != more_node_keys.end();
}

std::vector<PublicKey> Governance::NodeKeys() const {
  std::vector<PublicKey> keys;
  if (!node_key) return keys;
  keys.push_back(*node_key);
  keys.insert(keys.end(), more_node_keys.begin(), more_node_keys.end());
  return keys;
}

const Proposal* Governance::FindProposal(const Hash& id) const {
  for (const auto& p : pending)
    if (p.id == id) return &p;
  return nullptr;
}

namespace {

// Whether `has` holds for the rules in force or those of a pending set_rules.
bool AnyRules(const Governance& g, bool (*has)(const Rules&)) {
  if (has(g.rules)) return true;
  for (const Proposal& p : g.pending)
    if (const auto* s = std::get_if<SetRules>(&p.decision); s && has(s->rules)) return true;
  return false;
}

bool HasDefaultProgramme(const Rules& r) { return !r.default_programme.empty(); }
bool HasShare(const Rules& r) { return !r.share.empty(); }
bool HasDemurrage(const Rules& r) { return !r.demurrage.empty(); }

// Layouts 3 and 4 are 1 and 2 with the conversion fields in every rules(...), and 5 to 8 are 1
// to 4 with the default programme in every rules(...): each written only when some rules in
// the record set them, so that older records stay byte for byte what they were; 9 to 16 are 1
// to 8 with the association's share, 17 to 32 are 1 to 16 with demurrage. The layout byte is
// 1 + (node key ? 1 : 0) + (conversion fields ? 2 : 0) + (default programme ? 4 : 0) + (share ?
// 8 : 0) + (demurrage ? 16 : 0) + (more node keys ? 32 : 0): the last only with a node key, the
// rest of a SetNodeKeys set after it.
RulesLayout LayoutOf(const Governance& g) {
  return RulesLayout{AnyRules(g, HasOfficeConversionRules), AnyRules(g, HasDefaultProgramme),
                     AnyRules(g, HasShare), AnyRules(g, HasDemurrage)};
}

}  // namespace

size_t ProposalCapPerMember(const Governance& g) {
  return std::max<size_t>(1, kMaxPendingProposals / std::max<size_t>(1, g.board.size()));
}

std::string EncodeGovernance(const Governance& g) {
  ByteWriter w;
  const RulesLayout layout = LayoutOf(g);
  const bool more_keys = g.node_key && !g.more_node_keys.empty();
  w.U8(static_cast<uint8_t>(1 + (g.node_key ? 1 : 0) + (layout.conversion_guard ? 2 : 0) +
                            (layout.default_programme ? 4 : 0) + (layout.share ? 8 : 0) +
                            (layout.demurrage ? 16 : 0) + (more_keys ? 32 : 0)));  // layout
  PutRules(&w, g.rules, layout);
  w.U32(static_cast<uint32_t>(g.board.size()));
  for (const auto& m : g.board) w.Key(m);
  w.U32(g.threshold);
  w.U8(g.paused ? 1 : 0);
  w.Str(g.pause_reason);
  w.U32(static_cast<uint32_t>(g.pending.size()));
  for (const Proposal& p : g.pending) {
    w.Key(p.id);
    w.Key(p.proposer);
    w.I64(p.expires_ms);
    PutDecision(&w, p.decision, layout);
    w.U32(static_cast<uint32_t>(p.approvals.size()));
    for (const auto& a : p.approvals) w.Key(a);
  }
  if (g.node_key) w.Key(*g.node_key);
  if (more_keys) {
    w.U32(static_cast<uint32_t>(g.more_node_keys.size()));
    for (const PublicKey& k : g.more_node_keys) w.Key(k);
  }
  return w.Take();
}

bool DecodeGovernance(std::string_view bytes, Governance* out) {
  ByteReader r(bytes);
  const uint8_t layout_byte = r.U8();
  if (layout_byte < 1 || layout_byte > 64) return false;
  const unsigned bits = layout_byte - 1u;
  const RulesLayout layout{(bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0, (bits & 16) != 0};
  Governance g;
  GetRules(&r, &g.rules, layout);
  for (uint32_t n = r.Count(32); n > 0 && r.ok(); --n) g.board.push_back(r.Key());
  g.threshold = r.U32();
  uint8_t paused = r.U8();
  if (paused > 1) r.Fail();
  g.paused = paused == 1;
  g.pause_reason = r.Str();
  for (uint32_t n = r.Count(77); n > 0 && r.ok(); --n) {
    Proposal p;
    p.id = r.Key();
    p.proposer = r.Key();
    p.expires_ms = r.I64();
    GetDecision(&r, &p.decision, layout);
    for (uint32_t k = r.Count(32); k > 0 && r.ok(); --k) p.approvals.push_back(r.Key());
    g.pending.push_back(std::move(p));
  }
  if ((bits & 1) != 0) g.node_key = r.Key();
  if ((bits & 32) != 0) {
    // The rest of a SetNodeKeys set: 1 to kMaxNodeKeys - 1 keys, and only after a first one.
    const uint32_t n = r.Count(32);
    if ((bits & 1) == 0 || n < 1 || n > kMaxNodeKeys - 1) return false;
    for (uint32_t k = n; k > 0 && r.ok(); --k) g.more_node_keys.push_back(r.Key());
  }
  if (!r.Done()) return false;
  *out = std::move(g);
  return true;
}

Hash GovernanceRecordHash(const Governance& g) {
  return Sha256({kStateDomain, "G", EncodeGovernance(g)});
}

uint32_t RolesOf(const Account& account, const Governance& governance) {
  uint32_t roles = account.roles;
  switch (account.kind) {
    case AccountKind::kResident:
      roles |= RoleBit(Role::kResident);
      break;
    case AccountKind::kMerchant:
      roles |= RoleBit(Role::kMerchant);
      break;
    case AccountKind::kExchangeOffice:
      roles |= RoleBit(Role::kExchangeOffice);
      break;
    case AccountKind::kMunicipality:
      roles |= RoleBit(Role::kMunicipality);
      break;
    case AccountKind::kAssociation:
      // The association's own account is operated by its treasurer.
      roles |= RoleBit(Role::kTreasurer);
      break;
  }
  if (governance.IsBoardMember(account.id)) roles |= RoleBit(Role::kBoardMember);
  return roles;
}

}  // namespace liard

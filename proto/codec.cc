// Codec: Protocol Buffers <-> ledger/ types.
#include "proto/codec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/unknown_field_set.h>

#include "liard/v1/ledger.pb.h"

namespace liard::codec {
namespace {

namespace pb = ::liard::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// A signer must never have a clause ignored because this node does not know it.
bool HasUnknownFields(const Message& m) {
  const auto* refl = m.GetReflection();
  if (!refl->GetUnknownFields(m).empty()) return true;
  std::vector<const FieldDescriptor*> fields;
  refl->ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < refl->FieldSize(m, f); ++i)
        if (HasUnknownFields(refl->GetRepeatedMessage(m, f, i))) return true;
    } else if (HasUnknownFields(refl->GetMessage(m, f))) {
      return true;
    }
  }
  return false;
}

Status ParseStrict(std::string_view bytes, Message* m, std::string_view what) {
  if (!m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return Status(Code::kMalformedBody, std::string(what) + " is not a valid protobuf message");
  if (HasUnknownFields(*m))
    return Status(
        Code::kMalformedBody,
        std::string(what) + " has fields this node does not know; refusing to ignore them");
  return Status::Ok();
}

template <size_t N>
Status Take(const std::string& bytes, std::string_view field, Code code, Bytes<N>* out) {
  if (!out->Assign(bytes))
    return Status(code, std::string(field) + " must be " + std::to_string(N) + " bytes, not " +
                            std::to_string(bytes.size()));
  return Status::Ok();
}

AccountKind KindFromWire(int v) {
  // Out-of-range values become 0, which Preflight and genesis validation refuse by name.
  return static_cast<AccountKind>(v >= 0 && v <= 255 ? v : 0);
}

}  // namespace

Status DecodeRules(const pb::Rules& r, Rules* out) {
  Rules rules;
  rules.backing_num = r.backing_num();
  rules.backing_den = r.backing_den();
  if (r.has_conversion()) {
    rules.conversion.min_euros = r.conversion().min_euros();
    rules.conversion.max_euros = r.conversion().max_euros();
    rules.conversion.member_kinds = r.conversion().member_kinds();
    rules.conversion.office_cash_ceiling = r.conversion().office_cash_ceiling();
  }
  if (r.has_reconversion()) {
    rules.reconversion.fee_num = r.reconversion().fee_num();
    rules.reconversion.fee_den = r.reconversion().fee_den();
    rules.reconversion.min_units = r.reconversion().min_units();
  }
  for (const auto& p : r.programmes()) {
    Programme x;
    x.name = p.name();
    x.sponsor = p.sponsor();
    x.ratio_num = p.ratio_num();
    x.ratio_den = p.ratio_den();
    x.rounding = static_cast<Rounding>(p.rounding() >= 0 && p.rounding() <= 255 ? p.rounding() : 0);
    x.step = p.step();
    x.min_euros = p.min_euros();
    x.starts_ms = p.starts_ms();
    x.ends_ms = p.ends_ms();
    x.monthly_cap = p.monthly_cap();
    for (int k : p.member_kinds()) {
      if (!IsValidKind(static_cast<uint32_t>(k)))
        return Status(Code::kInvalidArgument, "programme '" + p.name() + "' names an unknown kind");
      x.member_kinds |= KindBit(static_cast<AccountKind>(k));
    }
    x.opening_budget = p.opening_budget();
    rules.programmes.push_back(std::move(x));
  }
  for (const auto& l : r.limits()) {
    KindLimits x;
    x.kind = KindFromWire(l.kind());
    x.max_payment = l.max_payment();
    x.daily_outgoing = l.daily_outgoing();
    x.balance_ceiling = l.balance_ceiling();
    rules.limits.push_back(x);
  }
  rules.default_programme = r.default_programme();
  if (r.has_association_share()) {
    const pb::AssociationShare& share = r.association_share();
    rules.share.basis_points = share.basis_points();
    rules.share.programme = share.programme();
    if (share.associations_size() > static_cast<int>(kMaxShareAssociations))
      return Status(Code::kBadRules, "the association's share lists more than " +
                                         std::to_string(kMaxShareAssociations) + " associations");
    for (const std::string& a : share.associations()) {
      AccountId id;
      if (!id.Assign(a))
        return Status(Code::kBadRules, "an association of the share must be 32 bytes");
      rules.share.associations.push_back(id);
    }
  }
  if (r.has_demurrage()) {
    const pb::Demurrage& d = r.demurrage();
    rules.demurrage.basis_points = d.basis_points();
    rules.demurrage.threshold = d.threshold();
    rules.demurrage.first_month = d.first_month();
    if (!d.account().empty() && !rules.demurrage.account.Assign(d.account()))
      return Status(Code::kBadRules, "the demurrage account must be 32 bytes");
  }
  *out = std::move(rules);
  return Status::Ok();
}

void EncodeRules(const Rules& rules, pb::Rules* r) {
  r->set_backing_num(rules.backing_num);
  if (!rules.default_programme.empty()) r->set_default_programme(rules.default_programme);
  // Absent when empty, so that rules without it keep their bytes.
  if (!rules.share.empty()) {
    pb::AssociationShare* share = r->mutable_association_share();
    share->set_basis_points(rules.share.basis_points);
    share->set_programme(rules.share.programme);
    for (const AccountId& a : rules.share.associations)
      share->add_associations(std::string(a.view()));
  }
  if (!rules.demurrage.empty()) {  // absent when off, as the share
    pb::Demurrage* d = r->mutable_demurrage();
    d->set_basis_points(rules.demurrage.basis_points);
    d->set_threshold(rules.demurrage.threshold);
    d->set_account(std::string(rules.demurrage.account.view()));
    d->set_first_month(rules.demurrage.first_month);
  }
  r->set_backing_den(rules.backing_den);
  r->mutable_conversion()->set_min_euros(rules.conversion.min_euros);
  r->mutable_conversion()->set_max_euros(rules.conversion.max_euros);
  r->mutable_conversion()->set_member_kinds(rules.conversion.member_kinds);
  r->mutable_conversion()->set_office_cash_ceiling(rules.conversion.office_cash_ceiling);
  r->mutable_reconversion()->set_fee_num(rules.reconversion.fee_num);
  r->mutable_reconversion()->set_fee_den(rules.reconversion.fee_den);
  r->mutable_reconversion()->set_min_units(rules.reconversion.min_units);
  for (const auto& x : rules.programmes) {
    pb::Programme* p = r->add_programmes();
    p->set_name(x.name);
    p->set_sponsor(x.sponsor);
    p->set_ratio_num(x.ratio_num);
    p->set_ratio_den(x.ratio_den);
    p->set_rounding(static_cast<pb::Rounding>(x.rounding));
    p->set_step(x.step);
    p->set_min_euros(x.min_euros);
    p->set_starts_ms(x.starts_ms);
    p->set_ends_ms(x.ends_ms);
    p->set_monthly_cap(x.monthly_cap);
    for (AccountKind k : kAllKinds)
      if (x.member_kinds & KindBit(k)) p->add_member_kinds(static_cast<pb::AccountKind>(k));
    p->set_opening_budget(x.opening_budget);
  }
  for (const auto& x : rules.limits) {
    pb::KindLimits* l = r->add_limits();
    l->set_kind(static_cast<pb::AccountKind>(x.kind));
    l->set_max_payment(x.max_payment);
    l->set_daily_outgoing(x.daily_outgoing);
    l->set_balance_ceiling(x.balance_ceiling);
  }
}

namespace {

Status DecodeOpenAccount(const pb::OpenAccount& m, OpenAccount* out) {
  OpenAccount o;
  Status s = Take(m.id(), "open_account.id", Code::kBadAccountId, &o.id);
  if (!s.ok()) return s;
  o.kind = KindFromWire(m.kind());
  o.name = m.name();
  o.member_until_ms = m.member_until_ms();
  o.fee = Amount(m.fee());
  *out = std::move(o);
  return Status::Ok();
}

void EncodeOpenAccount(const OpenAccount& o, pb::OpenAccount* p) {
  p->set_id(std::string(o.id.view()));
  p->set_kind(static_cast<pb::AccountKind>(o.kind));
  p->set_name(o.name);
  p->set_member_until_ms(o.member_until_ms);
  p->set_fee(o.fee.minor());
}

Role RoleFromWire(int v) { return static_cast<Role>(v >= 0 && v <= 255 ? v : 0); }

}  // namespace

Status DecodeDecision(const pb::Decision& m, Decision* out) {
  Status s;
  switch (m.decision_case()) {
    case pb::Decision::kOpenAccount: {
      OpenAccount o;
      s = DecodeOpenAccount(m.open_account(), &o);
      if (s.ok()) *out = std::move(o);
      return s;
    }
    case pb::Decision::kGrantRole: {
      GrantRole g;
      s = Take(m.grant_role().account(), "grant_role.account", Code::kBadAccountId, &g.account);
      g.role = RoleFromWire(m.grant_role().role());
      if (s.ok()) *out = g;
      return s;
    }
    case pb::Decision::kRevokeRole: {
      RevokeRole g;
      s = Take(m.revoke_role().account(), "revoke_role.account", Code::kBadAccountId, &g.account);
      g.role = RoleFromWire(m.revoke_role().role());
      if (s.ok()) *out = g;
      return s;
    }
    case pb::Decision::kSetRules: {
      SetRules r;
      s = DecodeRules(m.set_rules(), &r.rules);
      if (!s.ok()) return Status(Code::kBadRules, s.message());
      *out = std::move(r);
      return s;
    }
    case pb::Decision::kFreeze: {
      Freeze f;
      s = Take(m.freeze().account(), "freeze.account", Code::kBadAccountId, &f.account);
      f.reason = m.freeze().reason();
      if (s.ok()) *out = std::move(f);
      return s;
    }
    case pb::Decision::kUnfreeze: {
      Unfreeze u;
      s = Take(m.unfreeze().account(), "unfreeze.account", Code::kBadAccountId, &u.account);
      if (s.ok()) *out = u;
      return s;
    }
    case pb::Decision::kRekey: {
      Rekey k;
      s = Take(m.rekey().account(), "rekey.account", Code::kBadAccountId, &k.account);
      if (s.ok()) s = Take(m.rekey().new_key(), "rekey.new_key", Code::kBadAccountId, &k.new_key);
      if (s.ok()) *out = k;
      return s;
    }
    case pb::Decision::kPause:
      *out = Pause{m.pause().reason()};
      return Status::Ok();
    case pb::Decision::kResume:
      *out = Resume{};
      return Status::Ok();
    case pb::Decision::kSetThreshold:
      *out = SetThreshold{m.set_threshold().threshold()};
      return Status::Ok();
    case pb::Decision::kSetNodeKey: {
      SetNodeKey k;
      s = Take(m.set_node_key().node_key(), "set_node_key.node_key", Code::kBadDecision,
               &k.node_key);
      if (s.ok()) *out = k;
      return s;
    }
    case pb::Decision::kSetNodeKeys: {
      const auto& keys = m.set_node_keys().node_keys();
      if (keys.empty() || static_cast<size_t>(keys.size()) > kMaxNodeKeys)
        return Status(Code::kBadDecision, "set_node_keys names 1 to " +
                                              std::to_string(kMaxNodeKeys) + " keys, not " +
                                              std::to_string(keys.size()));
      SetNodeKeys k;
      for (const std::string& key : keys) {
        PublicKey p;
        s = Take(key, "set_node_keys.node_keys", Code::kBadDecision, &p);
        if (!s.ok()) return s;
        k.node_keys.push_back(p);
      }
      *out = std::move(k);
      return Status::Ok();
    }
    case pb::Decision::DECISION_NOT_SET:
      break;
  }
  return Status(Code::kBadDecision, "the proposal carries no decision");
}

void EncodeDecision(const Decision& d, pb::Decision* m) {
  struct V {
    pb::Decision* m;
    void operator()(const OpenAccount& o) const { EncodeOpenAccount(o, m->mutable_open_account()); }
    void operator()(const GrantRole& g) const {
      m->mutable_grant_role()->set_account(std::string(g.account.view()));
      m->mutable_grant_role()->set_role(static_cast<pb::Role>(g.role));
    }
    void operator()(const RevokeRole& g) const {
      m->mutable_revoke_role()->set_account(std::string(g.account.view()));
      m->mutable_revoke_role()->set_role(static_cast<pb::Role>(g.role));
    }
    void operator()(const SetRules& r) const { EncodeRules(r.rules, m->mutable_set_rules()); }
    void operator()(const Freeze& f) const {
      m->mutable_freeze()->set_account(std::string(f.account.view()));
      m->mutable_freeze()->set_reason(f.reason);
    }
    void operator()(const Unfreeze& u) const {
      m->mutable_unfreeze()->set_account(std::string(u.account.view()));
    }
    void operator()(const Rekey& k) const {
      m->mutable_rekey()->set_account(std::string(k.account.view()));
      m->mutable_rekey()->set_new_key(std::string(k.new_key.view()));
    }
    void operator()(const Pause& p) const { m->mutable_pause()->set_reason(p.reason); }
    void operator()(const Resume&) const { m->mutable_resume(); }
    void operator()(const SetThreshold& t) const {
      m->mutable_set_threshold()->set_threshold(t.threshold);
    }
    void operator()(const SetNodeKey& k) const {
      m->mutable_set_node_key()->set_node_key(std::string(k.node_key.view()));
    }
    void operator()(const SetNodeKeys& k) const {
      auto* keys = m->mutable_set_node_keys();
      for (const PublicKey& key : k.node_keys) keys->add_node_keys(std::string(key.view()));
    }
  };
  std::visit(V{m}, d);
}

void DecodeCard(const pb::Card& w, Card* out) {
  Card c;
  c.address = w.address();
  c.postcode = w.postcode();
  c.city = w.city();
  c.category = w.category();
  c.hours = w.hours();
  c.description = w.description();
  c.website = w.website();
  c.phone = w.phone();
  c.has_position = w.has_position();
  if (c.has_position) c.position = {w.position().latitude_e6(), w.position().longitude_e6()};
  *out = std::move(c);
}

void EncodeCard(const Card& c, pb::Card* w) {
  w->set_address(c.address);
  w->set_postcode(c.postcode);
  w->set_city(c.city);
  w->set_category(c.category);
  w->set_hours(c.hours);
  w->set_description(c.description);
  w->set_website(c.website);
  w->set_phone(c.phone);
  if (c.has_position) {
    w->mutable_position()->set_latitude_e6(c.position.latitude_e6);
    w->mutable_position()->set_longitude_e6(c.position.longitude_e6);
  }
}

Status DecodeRequest(std::string_view body, std::string_view public_key, std::string_view signature,
                     SignedRequest* out) {
  SignedRequest r;
  if (!r.key.Assign(public_key))
    return Status(Code::kBadRequest, "the request's public_key must be 32 bytes");
  if (!r.signature.Assign(signature))
    return Status(Code::kBadRequest, "the request's signature must be 64 bytes");
  pb::PaymentRequestBody m;
  Status s = ParseStrict(body, &m, "the payment request");
  if (!s.ok()) return Status(Code::kBadRequest, s.message());
  if (!r.request.ledger_id.Assign(m.ledger_id()))
    return Status(Code::kBadRequest, "the request's ledger_id must be 32 bytes");
  s = Take(m.payee(), "the request's payee", Code::kBadRequest, &r.request.payee);
  if (!s.ok()) return s;
  r.request.amount = Amount(m.amount());
  r.request.memo = m.memo();
  r.request.expires_ms = m.expires_ms();
  r.request.nonce = m.nonce();
  r.request.created_ms = m.created_ms();
  r.body = std::string(body);
  *out = std::move(r);
  return Status::Ok();
}

std::string EncodeRequestBody(const PaymentRequest& r) {
  pb::PaymentRequestBody m;
  m.set_ledger_id(std::string(r.ledger_id.view()));
  m.set_payee(std::string(r.payee.view()));
  m.set_amount(r.amount.minor());
  m.set_memo(r.memo);
  m.set_expires_ms(r.expires_ms);
  m.set_nonce(r.nonce);
  m.set_created_ms(r.created_ms);
  return m.SerializeAsString();
}

SignedRequest SignRequest(const PaymentRequest& request, const KeyPair& key) {
  SignedRequest r;
  r.request = request;
  r.body = EncodeRequestBody(request);
  r.key = key.public_key();
  r.signature = key.Sign(RequestSigningMessage(request.ledger_id, r.body));
  return r;
}

Status DecodeMandateBody(std::string_view body, Mandate* out) {
  Mandate r;
  pb::MandateBody m;
  Status s = ParseStrict(body, &m, "the mandate");
  if (!s.ok()) return Status(Code::kBadMandate, s.message());
  if (!r.ledger_id.Assign(m.ledger_id()))
    return Status(Code::kBadMandate, "the mandate's ledger_id must be 32 bytes");
  s = Take(m.creditor(), "the mandate's creditor", Code::kBadMandate, &r.creditor);
  if (!s.ok()) return s;
  s = Take(m.debtor(), "the mandate's debtor", Code::kBadMandate, &r.debtor);
  if (!s.ok()) return s;
  r.ceiling = Amount(m.ceiling());
  const int period = m.period();
  // An unknown period is kept as 0 so that the preflight refuses it by name.
  r.period =
      static_cast<MandatePeriod>(IsValidMandatePeriod(static_cast<uint32_t>(period)) ? period : 0);
  r.memo = m.memo();
  r.expires_ms = m.expires_ms();
  r.nonce = m.nonce();
  r.created_ms = m.created_ms();
  *out = std::move(r);
  return Status::Ok();
}

Status DecodeMandate(std::string_view body, std::string_view public_key, std::string_view signature,
                     SignedMandate* out) {
  SignedMandate r;
  if (!r.key.Assign(public_key))
    return Status(Code::kBadMandate, "the mandate's public_key must be 32 bytes");
  if (!r.signature.Assign(signature))
    return Status(Code::kBadMandate, "the mandate's signature must be 64 bytes");
  Status s = DecodeMandateBody(body, &r.mandate);
  if (!s.ok()) return s;
  r.body = std::string(body);
  *out = std::move(r);
  return Status::Ok();
}

std::string EncodeMandateBody(const Mandate& r) {
  pb::MandateBody m;
  m.set_ledger_id(std::string(r.ledger_id.view()));
  m.set_creditor(std::string(r.creditor.view()));
  m.set_debtor(std::string(r.debtor.view()));
  m.set_ceiling(r.ceiling.minor());
  m.set_period(static_cast<pb::MandatePeriod>(r.period));
  m.set_memo(r.memo);
  m.set_expires_ms(r.expires_ms);
  m.set_nonce(r.nonce);
  m.set_created_ms(r.created_ms);
  return m.SerializeAsString();
}

SignedMandate SignMandate(const Mandate& mandate, const KeyPair& key) {
  SignedMandate r;
  r.mandate = mandate;
  r.body = EncodeMandateBody(mandate);
  r.key = key.public_key();
  r.signature = key.Sign(MandateSigningMessage(mandate.ledger_id, r.body));
  return r;
}

std::string EncodeSignedMandate(const SignedMandate& r) {
  pb::SignedMandate m;
  m.set_body(r.body);
  m.set_public_key(std::string(r.key.view()));
  m.set_signature(std::string(r.signature.view()));
  return m.SerializeAsString();
}

Status DecodeSignedMandate(std::string_view bytes, SignedMandate* out) {
  pb::SignedMandate m;
  Status s = ParseStrict(bytes, &m, "the signed mandate");
  if (!s.ok()) return Status(Code::kBadMandate, s.message());
  return DecodeMandate(m.body(), m.public_key(), m.signature(), out);
}

Status DecodePlaceOrder(const pb::PlaceOrder& w, PlaceOrder* out) {
  PlaceOrder o;
  o.legs.reserve(std::min<size_t>(static_cast<size_t>(w.legs_size()), kMaxOrderLegs + 1));
  for (const auto& l : w.legs()) {
    Leg leg;
    Status s =
        Take(l.to(), "payee " + std::to_string(o.legs.size() + 1), Code::kBadAccountId, &leg.to);
    if (!s.ok()) return s;
    leg.amount = Amount(l.amount());
    leg.memo = l.memo();
    o.legs.push_back(std::move(leg));
  }
  const int schedule = w.schedule();
  o.schedule = static_cast<OrderSchedule>(
      IsValidOrderSchedule(static_cast<uint32_t>(schedule)) ? schedule : 0);
  o.every = w.every();
  o.first_date = w.first_date();
  o.end_date = w.end_date();
  o.count = w.count();
  o.retries = w.retries();
  o.memo = w.memo();
  *out = std::move(o);
  return Status::Ok();
}

void EncodePlaceOrder(const PlaceOrder& o, pb::PlaceOrder* w) {
  for (const auto& leg : o.legs) {
    auto* l = w->add_legs();
    l->set_to(std::string(leg.to.view()));
    l->set_amount(leg.amount.minor());
    l->set_memo(leg.memo);
  }
  w->set_schedule(static_cast<pb::OrderSchedule>(o.schedule));
  w->set_every(o.every);
  w->set_first_date(o.first_date);
  w->set_end_date(o.end_date);
  w->set_count(o.count);
  w->set_retries(o.retries);
  w->set_memo(o.memo);
}

Status DecodeOperation(std::string_view body, Operation* out) {
  pb::OperationBody m;
  Status s = ParseStrict(body, &m, "the operation body");
  if (!s.ok()) return s;
  Operation op;
  if (!op.ledger_id.Assign(m.ledger_id()))
    return Status(Code::kMalformedBody, "ledger_id must be 32 bytes");
  s = Take(m.account(), "account", Code::kBadAccountId, &op.account);
  if (!s.ok()) return s;
  op.sequence = m.sequence();
  op.not_after_ms = m.not_after_ms();
  switch (m.payload_case()) {
    case pb::OperationBody::kTransfer: {
      Transfer t;
      s = Take(m.transfer().to(), "transfer.to", Code::kBadAccountId, &t.to);
      if (!s.ok()) return s;
      t.amount = Amount(m.transfer().amount());
      t.memo = m.transfer().memo();
      if (m.transfer().has_request()) {
        const pb::SignedRequest& r = m.transfer().request();
        t.request.emplace();
        s = DecodeRequest(r.body(), r.public_key(), r.signature(), &*t.request);
        if (!s.ok()) return s;
      }
      op.payload = std::move(t);
      break;
    }
    case pb::OperationBody::kCancelRequest: {
      CancelRequest c;
      s = Take(m.cancel_request().request_id(), "cancel_request.request_id", Code::kBadRequest,
               &c.request_id);
      if (!s.ok()) return s;
      op.payload = c;
      break;
    }
    case pb::OperationBody::kRefund: {
      Refund r;
      s = Take(m.refund().original(), "refund.original", Code::kMalformedBody, &r.original);
      if (!s.ok()) return s;
      s = Take(m.refund().payer(), "refund.payer", Code::kBadAccountId, &r.payer);
      if (!s.ok()) return s;
      r.amount = Amount(m.refund().amount());
      r.memo = m.refund().memo();
      op.payload = std::move(r);
      break;
    }
    case pb::OperationBody::kAddKey: {
      AddKey a;
      s = Take(m.add_key().key(), "add_key.key", Code::kBadStaffKey, &a.key);
      if (!s.ok()) return s;
      const int scope = m.add_key().scope();
      // An unknown scope is kept as 0 so that the preflight refuses it by name.
      a.scope = static_cast<KeyScope>(IsValidScope(static_cast<uint32_t>(scope)) ? scope : 0);
      a.refund_cap_per_day = m.add_key().refund_cap_per_day();
      a.label = m.add_key().label();
      op.payload = std::move(a);
      break;
    }
    case pb::OperationBody::kRevokeKey: {
      RevokeKey r;
      s = Take(m.revoke_key().key(), "revoke_key.key", Code::kBadStaffKey, &r.key);
      if (!s.ok()) return s;
      op.payload = r;
      break;
    }
    case pb::OperationBody::kSetCard: {
      SetCard c;
      DecodeCard(m.set_card().card(), &c.card);
      op.payload = std::move(c);
      break;
    }
    case pb::OperationBody::kCollect: {
      Collect c;
      const pb::SignedMandate& sm = m.collect().mandate();
      s = DecodeMandate(sm.body(), sm.public_key(), sm.signature(), &c.mandate);
      if (!s.ok()) return s;
      c.amount = Amount(m.collect().amount());
      c.memo = m.collect().memo();
      op.payload = std::move(c);
      break;
    }
    case pb::OperationBody::kChooseAssociation: {
      ChooseAssociation c;
      // Empty: none (all zeros).
      if (!m.choose_association().association().empty()) {
        s = Take(m.choose_association().association(), "choose_association.association",
                 Code::kBadAccountId, &c.association);
        if (!s.ok()) return s;
        if (c.association.IsZero())
          return Status(Code::kBadAccountId,
                        "choose_association.association is all zeros: send it empty for none");
      }
      op.payload = c;
      break;
    }
    case pb::OperationBody::kRevokeMandate: {
      RevokeMandate r;
      s = Take(m.revoke_mandate().mandate_id(), "revoke_mandate.mandate_id", Code::kBadMandate,
               &r.mandate_id);
      if (!s.ok()) return s;
      op.payload = r;
      break;
    }
    case pb::OperationBody::kPlaceOrder: {
      PlaceOrder o;
      s = DecodePlaceOrder(m.place_order(), &o);
      if (!s.ok()) return s;
      op.payload = std::move(o);
      break;
    }
    case pb::OperationBody::kSetOrderState: {
      SetOrderState x;
      s = Take(m.set_order_state().order(), "set_order_state.order", Code::kBadOrder, &x.order);
      if (!s.ok()) return s;
      const int action = m.set_order_state().action();
      x.action =
          static_cast<OrderAction>(IsValidOrderAction(static_cast<uint32_t>(action)) ? action : 0);
      op.payload = x;
      break;
    }
    case pb::OperationBody::kExecuteOrder: {
      ExecuteOrder e;
      const pb::ExecuteOrder& w = m.execute_order();
      e.order_body = w.order_body();
      e.index = w.index();
      e.attempt = w.attempt();
      e.failed = w.failed();
      pb::OperationBody inner;
      s = ParseStrict(e.order_body, &inner, "the order an execution carries");
      if (!s.ok()) return Status(Code::kBadExecution, s.message());
      if (inner.payload_case() != pb::OperationBody::kPlaceOrder)
        return Status(Code::kBadExecution, "an execution carries a PlaceOrder's body");
      if (!e.order_ledger.Assign(inner.ledger_id()))
        return Status(Code::kBadExecution, "the order's ledger_id must be 32 bytes");
      s = Take(inner.account(), "the order's account", Code::kBadExecution, &e.payer);
      if (!s.ok()) return s;
      s = DecodePlaceOrder(inner.place_order(), &e.order);
      if (!s.ok()) return Status(Code::kBadExecution, "the order it carries: " + s.message());
      op.payload = std::move(e);
      break;
    }
    case pb::OperationBody::kOpenAccount: {
      OpenAccount o;
      s = DecodeOpenAccount(m.open_account(), &o);
      if (!s.ok()) return s;
      op.payload = std::move(o);
      break;
    }
    case pb::OperationBody::kRenewMembership: {
      RenewMembership r;
      s = Take(m.renew_membership().member(), "renew_membership.member", Code::kBadAccountId,
               &r.member);
      if (!s.ok()) return s;
      r.until_ms = m.renew_membership().until_ms();
      r.fee = Amount(m.renew_membership().fee());
      op.payload = std::move(r);
      break;
    }
    case pb::OperationBody::kPropose: {
      Propose p;
      s = DecodeDecision(m.propose().decision(), &p.decision);
      if (!s.ok()) return s;
      p.expires_ms = m.propose().expires_ms();
      op.payload = std::move(p);
      break;
    }
    case pb::OperationBody::kApprove: {
      Approve a;
      s = Take(m.approve().proposal(), "approve.proposal", Code::kMalformedBody, &a.proposal);
      if (!s.ok()) return s;
      op.payload = a;
      break;
    }
    case pb::OperationBody::kWithdraw: {
      Withdraw w;
      s = Take(m.withdraw().proposal(), "withdraw.proposal", Code::kMalformedBody, &w.proposal);
      if (!s.ok()) return s;
      op.payload = w;
      break;
    }
    case pb::OperationBody::kConversion: {
      Conversion c;
      s = Take(m.conversion().member(), "conversion.member", Code::kBadAccountId, &c.member);
      if (!s.ok()) return s;
      c.euros = Amount(m.conversion().euros());
      c.programme = m.conversion().programme();
      op.payload = std::move(c);
      break;
    }
    case pb::OperationBody::kNoteSale:
      op.payload = NoteSale{Amount(m.note_sale().euros())};
      break;
    case pb::OperationBody::kNoteRedemption: {
      NoteRedemption n;
      s = Take(m.note_redemption().merchant(), "note_redemption.merchant", Code::kBadAccountId,
               &n.merchant);
      if (!s.ok()) return s;
      n.units = Amount(m.note_redemption().units());
      op.payload = n;
      break;
    }
    case pb::OperationBody::kDeposit: {
      Deposit d;
      s = Take(m.deposit().office(), "deposit.office", Code::kBadAccountId, &d.office);
      if (!s.ok()) return s;
      d.euros = Amount(m.deposit().euros());
      d.reference = m.deposit().reference();
      op.payload = std::move(d);
      break;
    }
    case pb::OperationBody::kReconversion:
      op.payload = Reconversion{Amount(m.reconversion().units())};
      break;
    case pb::OperationBody::kPayout: {
      Payout p;
      s = Take(m.payout().merchant(), "payout.merchant", Code::kBadAccountId, &p.merchant);
      if (!s.ok()) return s;
      p.euros = Amount(m.payout().euros());
      p.reference = m.payout().reference();
      op.payload = std::move(p);
      break;
    }
    case pb::OperationBody::kFundProgramme:
      op.payload = FundProgramme{m.fund_programme().programme(), Amount(m.fund_programme().euros()),
                                 m.fund_programme().reference()};
      break;
    case pb::OperationBody::kBankEntry: {
      // An unknown kind is kept as 0 so that the preflight refuses it (INVALID_ARGUMENT).
      const int kind = m.bank_entry().kind();
      BankEntry b;
      b.kind = static_cast<BankEntryKind>(kind == 1 || kind == 2 ? kind : 0);
      b.euros = Amount(m.bank_entry().euros());
      b.reference = m.bank_entry().reference();
      op.payload = std::move(b);
      break;
    }
    case pb::OperationBody::kMultiTransfer: {
      MultiTransfer mt;
      mt.legs.reserve(m.multi_transfer().legs_size());
      for (const auto& l : m.multi_transfer().legs()) {
        Leg leg;
        s = Take(l.to(), "leg " + std::to_string(mt.legs.size() + 1) + " to", Code::kBadAccountId,
                 &leg.to);
        if (!s.ok()) return s;
        leg.amount = Amount(l.amount());
        leg.memo = l.memo();
        mt.legs.push_back(std::move(leg));
      }
      op.payload = std::move(mt);
      break;
    }
    case pb::OperationBody::kGrantAid: {
      const auto& a = m.grant_aid();
      GrantAid g;
      g.purpose = a.purpose();
      for (const auto& c : a.categories()) g.categories.push_back(c);
      for (const auto& id : a.merchants()) {
        AccountId merchant;
        s = Take(id, "grant_aid.merchants", Code::kBadAccountId, &merchant);
        if (!s.ok()) return s;
        g.merchants.push_back(merchant);
      }
      g.expires_ms = a.expires_ms();
      g.recipients.reserve(a.recipients_size());
      for (const auto& l : a.recipients()) {
        Leg leg;
        s = Take(l.to(), "recipient " + std::to_string(g.recipients.size() + 1) + " to",
                 Code::kBadAccountId, &leg.to);
        if (!s.ok()) return s;
        leg.amount = Amount(l.amount());
        leg.memo = l.memo();
        g.recipients.push_back(std::move(leg));
      }
      op.payload = std::move(g);
      break;
    }
    case pb::OperationBody::kExpireAid: {
      ExpireAid e;
      s = Take(m.expire_aid().grant(), "expire_aid.grant", Code::kMalformedBody, &e.grant);
      if (!s.ok()) return s;
      e.holders.reserve(m.expire_aid().holders_size());
      for (const auto& id : m.expire_aid().holders()) {
        AccountId holder;
        s = Take(id, "expire_aid.holders", Code::kBadAccountId, &holder);
        if (!s.ok()) return s;
        e.holders.push_back(holder);
      }
      op.payload = std::move(e);
      break;
    }
    case pb::OperationBody::kApplyDemurrage: {
      ApplyDemurrage d;
      d.period = m.apply_demurrage().period();
      if (m.apply_demurrage().holders_size() > static_cast<int>(kMaxDemurrageHolders))
        return Status(Code::kBadDemurrage, "a demurrage run names at most " +
                                               std::to_string(kMaxDemurrageHolders) + " holders");
      d.holders.reserve(m.apply_demurrage().holders_size());
      for (const auto& id : m.apply_demurrage().holders()) {
        AccountId holder;
        s = Take(id, "apply_demurrage.holders", Code::kBadAccountId, &holder);
        if (!s.ok()) return s;
        d.holders.push_back(holder);
      }
      op.payload = std::move(d);
      break;
    }
    case pb::OperationBody::PAYLOAD_NOT_SET:
      return Status(Code::kUnknownOperation, "the body carries no operation");
  }
  *out = std::move(op);
  return Status::Ok();
}

std::string EncodeOperation(const Operation& op) {
  pb::OperationBody m;
  m.set_ledger_id(std::string(op.ledger_id.view()));
  m.set_account(std::string(op.account.view()));
  m.set_sequence(op.sequence);
  m.set_not_after_ms(op.not_after_ms);
  struct Visitor {
    pb::OperationBody* m;
    void operator()(const Transfer& t) const {
      auto* p = m->mutable_transfer();
      p->set_to(std::string(t.to.view()));
      p->set_amount(t.amount.minor());
      p->set_memo(t.memo);
      if (t.request) {
        auto* r = p->mutable_request();
        r->set_body(t.request->body);
        r->set_public_key(std::string(t.request->key.view()));
        r->set_signature(std::string(t.request->signature.view()));
      }
    }
    void operator()(const CancelRequest& c) const {
      m->mutable_cancel_request()->set_request_id(std::string(c.request_id.view()));
    }
    void operator()(const Refund& r) const {
      auto* p = m->mutable_refund();
      p->set_original(std::string(r.original.view()));
      p->set_payer(std::string(r.payer.view()));
      p->set_amount(r.amount.minor());
      p->set_memo(r.memo);
    }
    void operator()(const AddKey& a) const {
      auto* p = m->mutable_add_key();
      p->set_key(std::string(a.key.view()));
      p->set_scope(static_cast<pb::KeyScope>(a.scope));
      p->set_refund_cap_per_day(a.refund_cap_per_day);
      p->set_label(a.label);
    }
    void operator()(const RevokeKey& r) const {
      m->mutable_revoke_key()->set_key(std::string(r.key.view()));
    }
    void operator()(const SetCard& c) const {
      EncodeCard(c.card, m->mutable_set_card()->mutable_card());
    }
    void operator()(const Collect& c) const {
      auto* p = m->mutable_collect();
      auto* r = p->mutable_mandate();
      r->set_body(c.mandate.body);
      r->set_public_key(std::string(c.mandate.key.view()));
      r->set_signature(std::string(c.mandate.signature.view()));
      p->set_amount(c.amount.minor());
      p->set_memo(c.memo);
    }
    void operator()(const PlaceOrder& o) const { EncodePlaceOrder(o, m->mutable_place_order()); }
    void operator()(const SetOrderState& x) const {
      auto* p = m->mutable_set_order_state();
      p->set_order(std::string(x.order.view()));
      p->set_action(static_cast<pb::OrderAction>(x.action));
    }
    void operator()(const ExecuteOrder& e) const {
      auto* p = m->mutable_execute_order();
      p->set_order_body(e.order_body);
      p->set_index(e.index);
      p->set_attempt(e.attempt);
      p->set_failed(e.failed);
    }
    void operator()(const RevokeMandate& r) const {
      m->mutable_revoke_mandate()->set_mandate_id(std::string(r.mandate_id.view()));
    }
    void operator()(const ApplyDemurrage& d) const {
      auto* p = m->mutable_apply_demurrage();
      p->set_period(d.period);
      for (const AccountId& h : d.holders) p->add_holders(std::string(h.view()));
    }
    void operator()(const ChooseAssociation& c) const {
      auto* p = m->mutable_choose_association();
      if (!c.association.IsZero()) p->set_association(std::string(c.association.view()));
    }
    void operator()(const OpenAccount& o) const { EncodeOpenAccount(o, m->mutable_open_account()); }
    void operator()(const RenewMembership& r) const {
      auto* p = m->mutable_renew_membership();
      p->set_member(std::string(r.member.view()));
      p->set_until_ms(r.until_ms);
      p->set_fee(r.fee.minor());
    }
    void operator()(const Propose& x) const {
      auto* p = m->mutable_propose();
      EncodeDecision(x.decision, p->mutable_decision());
      p->set_expires_ms(x.expires_ms);
    }
    void operator()(const Approve& a) const {
      m->mutable_approve()->set_proposal(std::string(a.proposal.view()));
    }
    void operator()(const Withdraw& w) const {
      m->mutable_withdraw()->set_proposal(std::string(w.proposal.view()));
    }
    void operator()(const Conversion& c) const {
      auto* p = m->mutable_conversion();
      p->set_member(std::string(c.member.view()));
      p->set_euros(c.euros.minor());
      p->set_programme(c.programme);
    }
    void operator()(const NoteSale& n) const { m->mutable_note_sale()->set_euros(n.euros.minor()); }
    void operator()(const NoteRedemption& n) const {
      auto* p = m->mutable_note_redemption();
      p->set_merchant(std::string(n.merchant.view()));
      p->set_units(n.units.minor());
    }
    void operator()(const Deposit& d) const {
      auto* p = m->mutable_deposit();
      p->set_office(std::string(d.office.view()));
      p->set_euros(d.euros.minor());
      p->set_reference(d.reference);
    }
    void operator()(const Reconversion& r) const {
      m->mutable_reconversion()->set_units(r.units.minor());
    }
    void operator()(const Payout& x) const {
      auto* p = m->mutable_payout();
      p->set_merchant(std::string(x.merchant.view()));
      p->set_euros(x.euros.minor());
      p->set_reference(x.reference);
    }
    void operator()(const FundProgramme& f) const {
      auto* p = m->mutable_fund_programme();
      p->set_programme(f.programme);
      p->set_euros(f.euros.minor());
      p->set_reference(f.reference);
    }
    void operator()(const BankEntry& b) const {
      auto* p = m->mutable_bank_entry();
      p->set_kind(static_cast<pb::BankEntryKind>(b.kind));
      p->set_euros(b.euros.minor());
      p->set_reference(b.reference);
    }
    void operator()(const GrantAid& g) const {
      auto* p = m->mutable_grant_aid();
      p->set_purpose(g.purpose);
      for (const auto& c : g.categories) p->add_categories(c);
      for (const auto& id : g.merchants) p->add_merchants(std::string(id.view()));
      p->set_expires_ms(g.expires_ms);
      for (const auto& leg : g.recipients) {
        auto* l = p->add_recipients();
        l->set_to(std::string(leg.to.view()));
        l->set_amount(leg.amount.minor());
        l->set_memo(leg.memo);
      }
    }
    void operator()(const ExpireAid& e) const {
      auto* p = m->mutable_expire_aid();
      p->set_grant(std::string(e.grant.view()));
      for (const auto& id : e.holders) p->add_holders(std::string(id.view()));
    }
    void operator()(const MultiTransfer& mt) const {
      auto* p = m->mutable_multi_transfer();
      for (const auto& leg : mt.legs) {
        auto* l = p->add_legs();
        l->set_to(std::string(leg.to.view()));
        l->set_amount(leg.amount.minor());
        l->set_memo(leg.memo);
      }
    }
  };
  std::visit(Visitor{&m}, op.payload);
  return m.SerializeAsString();
}

Status DecodeSigned(std::string body, std::string_view public_key, std::string_view signature,
                    SignedOperation* out) {
  SignedOperation so;
  if (!so.key.Assign(public_key))
    return Status(Code::kMalformedBody, "public_key must be 32 bytes");
  if (!so.signature.Assign(signature))
    return Status(Code::kMalformedBody, "signature must be 64 bytes");
  Status s = DecodeOperation(body, &so.op);
  if (!s.ok()) return s;
  so.body = std::move(body);
  *out = std::move(so);
  return Status::Ok();
}

Status DecodeEnvelope(std::string_view bytes, SignedOperation* out) {
  pb::SignedOperation m;
  Status s = ParseStrict(bytes, &m, "the envelope");
  if (!s.ok()) return s;
  // The journal keeps the envelope re-encoded; only the one encoding whose re-encoding is itself
  // is accepted, so that what is kept is what was signed and sent, byte for byte.
  if (m.SerializeAsString() != bytes)
    return Status(Code::kMalformedBody,
                  "the envelope is not encoded canonically (body, public_key and signature once "
                  "each, in field order, with shortest lengths); the node keeps an envelope "
                  "exactly as sent, so it takes only that encoding");
  return DecodeSigned(std::move(*m.mutable_body()), m.public_key(), m.signature(), out);
}

Status SplitEnvelopes(std::string_view request, std::vector<std::string_view>* out) {
  const auto undecodable = [] {
    return Status(Code::kInvalidArgument, "the request is not a valid protobuf message");
  };
  // Field 1, length-delimited: the tag byte 0x0a.
  constexpr uint32_t kEnvelopeTag = (1u << 3) | 2u;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(request.data()),
                                            static_cast<int>(request.size()));
  out->clear();
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) break;  // the end, or a zero tag (never valid): told apart below
    if (tag != kEnvelopeTag)
      return Status(Code::kMalformedBody, "the request has field " + std::to_string(tag >> 3) +
                                              ", which this node does not know; refusing to "
                                              "ignore it");
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return undecodable();
    const int at = in.CurrentPosition();
    if (!in.Skip(static_cast<int>(length))) return undecodable();
    out->push_back(request.substr(static_cast<size_t>(at), length));
  }
  if (static_cast<size_t>(in.CurrentPosition()) != request.size()) return undecodable();
  return Status::Ok();
}

std::string EncodeEnvelope(const SignedOperation& op) {
  pb::SignedOperation m;
  m.set_body(op.body);
  m.set_public_key(std::string(op.key.view()));
  m.set_signature(std::string(op.signature.view()));
  return m.SerializeAsString();
}

SignedOperation SignOperation(const Operation& op, const Hash& ledger_id, const KeyPair& key) {
  SignedOperation so;
  so.body = EncodeOperation(op);
  so.key = key.public_key();
  so.signature = key.Sign(SigningMessage(ledger_id, so.body));
  so.op = op;
  return so;
}

Status DecodeGenesis(std::string_view bytes, Genesis* out) {
  pb::Genesis m;
  Status s = ParseStrict(bytes, &m, "the genesis document");
  if (!s.ok()) return s;
  Genesis g;
  g.version = m.version();
  g.currency_code = m.currency_code();
  g.currency_name = m.currency_name();
  g.decimals = m.decimals();
  g.par_num = m.par_num();
  g.par_den = m.par_den();
  for (const auto& k : m.board_keys()) {
    PublicKey key;
    s = Take(k, "a board key", Code::kInvalidArgument, &key);
    if (!s.ok()) return s;
    g.board_keys.push_back(key);
  }
  g.board_threshold = m.board_threshold();
  g.created_at_ms = m.created_at_ms();
  for (const auto& a : m.accounts()) {
    GenesisAccount ga;
    s = Take(a.id(), "a genesis account id", Code::kInvalidArgument, &ga.id);
    if (!s.ok()) return s;
    ga.kind = KindFromWire(a.kind());
    if (!IsValidKind(static_cast<uint32_t>(ga.kind)))
      return Status(Code::kInvalidArgument, "a genesis account has an unknown kind");
    ga.name = a.name();
    ga.opening_balance = Amount(a.opening_balance());
    g.accounts.push_back(std::move(ga));
  }
  g.opening_fund = Amount(m.opening_fund());
  if (!m.node_key().empty()) {
    PublicKey node_key;
    s = Take(m.node_key(), "the node key", Code::kInvalidArgument, &node_key);
    if (!s.ok()) return s;
    g.node_key = node_key;
  }
  g.time_zone = m.time_zone();
  s = DecodeRules(m.rules(), &g.rules);
  if (!s.ok()) return s;
  *out = std::move(g);
  return Status::Ok();
}

std::string EncodeGenesis(const Genesis& g) {
  pb::Genesis m;
  m.set_version(g.version);
  m.set_currency_code(g.currency_code);
  m.set_currency_name(g.currency_name);
  m.set_decimals(g.decimals);
  m.set_par_num(g.par_num);
  m.set_par_den(g.par_den);
  for (const auto& k : g.board_keys) m.add_board_keys(std::string(k.view()));
  m.set_board_threshold(g.board_threshold);
  m.set_created_at_ms(g.created_at_ms);
  for (const auto& a : g.accounts) {
    auto* p = m.add_accounts();
    p->set_id(std::string(a.id.view()));
    p->set_kind(static_cast<pb::AccountKind>(a.kind));
    p->set_name(a.name);
    p->set_opening_balance(a.opening_balance.minor());
  }
  m.set_opening_fund(g.opening_fund.minor());
  EncodeRules(g.rules, m.mutable_rules());
  if (g.node_key) m.set_node_key(std::string(g.node_key->view()));  // absent in version 1
  if (!g.time_zone.empty()) m.set_time_zone(g.time_zone);           // version 4 on
  return m.SerializeAsString();
}

Status DecodeReadRequest(std::string_view body, ReadRequest* out) {
  pb::ReadRequestBody m;
  Status s = ParseStrict(body, &m, "the read request");
  if (!s.ok()) return Status(Code::kReadRefused, s.message());
  ReadRequest r;
  if (!r.ledger_id.Assign(m.ledger_id()))
    return Status(Code::kReadRefused, "the read request's ledger_id must be 32 bytes");
  if (!r.reader.Assign(m.reader()))
    return Status(Code::kReadRefused, "the read request's reader must be 32 bytes");
  if (!m.target().empty() && !r.target.Assign(m.target()))
    return Status(Code::kReadRefused, "the read request's target must be 32 bytes or empty");
  if (!m.request_digest().empty() && m.request_digest().size() != 32)
    return Status(Code::kReadRefused,
                  "the read request's request_digest must be 32 bytes or empty");
  r.method = m.method();
  r.not_after_ms = m.not_after_ms();
  r.from_sequence = m.from_sequence();
  r.follow = m.follow();
  r.before_sequence = m.before_sequence();
  r.limit = m.limit();
  r.request_digest = m.request_digest();
  r.nonce = m.nonce();
  *out = std::move(r);
  return Status::Ok();
}

std::string EncodeReadRequest(const ReadRequest& r) {
  pb::ReadRequestBody m;
  m.set_ledger_id(std::string(r.ledger_id.view()));
  m.set_reader(std::string(r.reader.view()));
  m.set_method(r.method);
  if (!r.target.IsZero()) m.set_target(std::string(r.target.view()));
  m.set_not_after_ms(r.not_after_ms);
  m.set_from_sequence(r.from_sequence);
  m.set_follow(r.follow);
  m.set_before_sequence(r.before_sequence);
  m.set_limit(r.limit);
  m.set_request_digest(r.request_digest);
  m.set_nonce(r.nonce);
  return m.SerializeAsString();
}

}  // namespace liard::codec

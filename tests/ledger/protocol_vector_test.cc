// Protocol vector: the worked example of docs/protocol.md recomputed from its seeds, and the
// page's tables (rejection codes, permissions, quoted messages) compared with the code, so that
// the contract other-language clients are written from can never drift from what liard does.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/address.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger/memory_state.h"
#include "ledger/permissions.h"
#include "proto/codec.h"
#include "tests/ledger/fixture.h"

namespace liard {
namespace {

// The test vector. docs/protocol.md (section 14, "Test vector") shows these same values: a change
// here is a change of the wire contract, and both must change together.
constexpr std::string_view kPayerKey =
    "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";
constexpr std::string_view kPayeeKey =
    "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394";
constexpr std::string_view kBoardKey =
    "ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1";
constexpr std::string_view kNodeKey =
    "ca93ac1705187071d67b83c7ff0efe8108e8ec4530575d7726879333dbdabe7c";
constexpr std::string_view kPayerAddress =
    "roue1q32yw8ht5p8cetl2jmvknewjawt9xwzdlrk2pyxlnwjyqrdq0dawqt4fnrw";
constexpr std::string_view kPayeeAddress =
    "roue1qsyuhwr4g05t4744r23nvxnr7en9cmz53knhr0gja7c84hr7fkw2qhay79c";
constexpr std::string_view kGenesis =
    "08011204524f55451a076c6120526f75652002280130013a20ed4928c628d1c2c6eae90338905995612959273a5c63"
    "f93636c14614ac8737d140014880d095ffbc31522e0a208a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121b"
    "f3748801b40f6f5c10011a05416c69636520904e523b0a208139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37"
    "a25df60f5b8fc9b39410021a15426f756c616e6765726965206475205268c3b46e6558904e6210080110011a020801"
    "2206080510641801";
constexpr std::string_view kLedgerId =
    "4a077548408d09e00b243819ebaefbbd2b0528de31cff10f3cde04d624083165";
constexpr std::string_view kBody =
    "0a204a077548408d09e00b243819ebaefbbd2b0528de31cff10f3cde04d62408316512208a88e3dd7409f195fd52db"
    "2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c180120c09fbaffbc3152340a208139770ea87d175f56a35466c3"
    "4c7ecccb8d8a91b4ee37a25df60f5b8fc9b39410e2091a0d7061696e20657420636166c3a9";
constexpr std::string_view kSigningMessage =
    "6c696172642f76312f6f7065726174696f6e004a077548408d09e00b243819ebaefbbd2b0528de31cff10f3cde04d6"
    "240831650a204a077548408d09e00b243819ebaefbbd2b0528de31cff10f3cde04d62408316512208a88e3dd7409f1"
    "95fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c180120c09fbaffbc3152340a208139770ea87d175f56"
    "a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b39410e2091a0d7061696e20657420636166c3a9";
constexpr std::string_view kSignature =
    "67ecfc0148fd7b4b75a22896530d68f2434f5bf01d48450d200521179254580589a8865f9007557ddff7e6300d1027"
    "9ea98772de4311fbbcb4ca301d48925a01";
constexpr std::string_view kOperationId =
    "ea51df7256f61331fb0328b726531a7874b1f23564c20991cc12895cbc7248a1";
constexpr std::string_view kEnvelope =
    "0a83010a204a077548408d09e00b243819ebaefbbd2b0528de31cff10f3cde04d62408316512208a88e3dd7409f195"
    "fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c180120c09fbaffbc3152340a208139770ea87d175f56a3"
    "5466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b39410e2091a0d7061696e20657420636166c3a912208a88e3dd74"
    "09f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c1a4067ecfc0148fd7b4b75a22896530d68f2434f"
    "5bf01d48450d200521179254580589a8865f9007557ddff7e6300d10279ea98772de4311fbbcb4ca301d48925a01";
constexpr std::string_view kGenesisDigest =
    "2a993be1f7c81481ca2150ae6a475b83aa429897444937629a4584291630bed5";
constexpr std::string_view kDigestAfterTransfer =
    "4d3bb62d93b1cf965704312a10902b48ee37ee9412b0427d2e8fa3cf926f3b19";
constexpr std::string_view kEntryHash =
    "9772e1196af2c0ec3d23f9bfcb6cbc84265b43cdfb8947d0b216cb13f8212e32";
constexpr std::string_view kCheckpointMessage =
    "6c696172642f76312f636865636b706f696e74004a077548408d09e00b243819ebaefbbd2b0528de31cff10f3cde04"
    "d62408316500000000000000019772e1196af2c0ec3d23f9bfcb6cbc84265b43cdfb8947d0b216cb13f8212e324d3b"
    "b62d93b1cf965704312a10902b48ee37ee9412b0427d2e8fa3cf926f3b190000018bcfe56fd0";
// Rule 2 (version 2 genesis documents): the LtHash state digest. The record-level values were
// also computed with an independent implementation (Python's `cryptography` ChaCha20).
constexpr std::string_view kLtHashDomainHex = "6c696172642f76322f73746174652d6c746861736800";
constexpr std::string_view kLtHashNonceHex = "6c696172642f6c7468617368";
constexpr std::string_view kLtHashEmpty =
    "30071e89f3f9b6f01b38bf929fffcc809f8384e258465b04df690a51f916bea7";
constexpr std::string_view kLtHashAbcRecord =  // SHA-256("abc")
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view kLtHashAbcLanes =  // its expansion's first 32 bytes (lanes 0 to 15)
    "b5873bb9185342345182000200cfd59f672f5ef777c61dd0de1ade4fb5d1e63b";
constexpr std::string_view kLtHashAbcDigest =
    "20985129a5f7931ebd2b528c1b66f478c66c1b9c68cd1f0c65487322dc3e0010";
constexpr std::string_view kLtHashThreeDigest =  // SHA-256("a"), SHA-256("b"), SHA-256("c")
    "917f47999602f1ad2462e99e58aee04992061c6c44a22344d51bab0e3b6b73af";
constexpr std::string_view kLtHashTwoDigest =  // the same without SHA-256("b")
    "58136196d6a43f0a43fd7351de5cbbe479d865d06144e1be17f8a24d798d6f18";
constexpr std::string_view kV2GenesisDigest =
    "daf3893907016ea7d92ab7066972d81882fb488e05317af162f8f29e78b71083";
constexpr std::string_view kV2DigestAfterTransfer =
    "087e3a5d9b698fb64b45461e6208d15ef6c0ebdb5ea557e70c15e4204a9a62d4";
constexpr std::string_view kCheckpointSignature =
    "5bd6744da805f7bc5631f46d0601c8e6b85d6ad93ca2f955108ff8b7522b8c194b30cefbf4026e9002100c5000d537"
    "3840293757f154f55105e873f725551602";

// The pinned address examples of docs/protocol.md, section 9.
constexpr std::string_view kZeroAddress =
    "roue1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqa0t22r";
constexpr std::string_view kCountingAddress =
    "roue1qqqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0s5mqg26";

constexpr int64_t kGenesisTimeMs = 1'700'000'000'000;
constexpr int64_t kNotAfterMs = 1'700'000'600'000;
constexpr int64_t kAppliedAtMs = 1'700'000'001'000;
constexpr int64_t kCheckpointAtMs = 1'700'000'002'000;

KeyPair KeyFromSeedByte(uint8_t byte) {
  Seed seed;
  seed.data.fill(byte);
  return KeyPair::FromSeed(seed);
}

KeyPair Payer() { return KeyFromSeedByte(0x01); }
KeyPair Payee() { return KeyFromSeedByte(0x02); }
KeyPair Board() { return KeyFromSeedByte(0x03); }
KeyPair NodeKey() { return KeyFromSeedByte(0x04); }

Genesis VectorGenesis() {
  Genesis g;
  g.version = 1;
  g.currency_code = "ROUE";
  g.currency_name = "la Roue";
  g.decimals = 2;
  g.par_num = 1;
  g.par_den = 1;
  g.board_keys = {Board().public_key()};
  g.board_threshold = 1;
  g.created_at_ms = kGenesisTimeMs;
  g.accounts = {
      GenesisAccount{Payer().public_key(), AccountKind::kResident, "Alice", Amount(10'000)},
      GenesisAccount{Payee().public_key(), AccountKind::kMerchant, "Boulangerie du Rh\xc3\xb4ne",
                     Amount(0)}};
  g.opening_fund = Amount(10'000);
  g.rules.backing_num = 1;
  g.rules.backing_den = 1;
  g.rules.conversion.min_euros = 1;
  g.rules.conversion.max_euros = 0;
  g.rules.reconversion.fee_num = 5;  // 5 %
  g.rules.reconversion.fee_den = 100;
  g.rules.reconversion.min_units = 1;
  return g;
}

Operation VectorTransfer(const Hash& ledger_id) {
  Operation op;
  op.ledger_id = ledger_id;
  op.account = Payer().public_key();
  op.sequence = 1;
  op.not_after_ms = kNotAfterMs;
  op.payload = Transfer{Payee().public_key(), Amount(1250), "pain et caf\xc3\xa9"};
  return op;
}

std::string Unhex(std::string_view hex) {
  std::string bytes;
  REQUIRE(FromHex(hex, &bytes));
  return bytes;
}

template <size_t N>
Bytes<N> UnhexBytes(std::string_view hex) {
  Bytes<N> b;
  REQUIRE(b.Assign(Unhex(hex)));
  return b;
}

std::unique_ptr<Ledger> VectorLedger() {
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Create(VectorGenesis(), Unhex(kGenesis), &ledger);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return ledger;
}

// Decodes, preflights and applies an envelope at `now_ms`; commits it to `state` if accepted.
Status Submit(const Ledger& ledger, MemoryState* state, std::string_view envelope, int64_t now_ms) {
  SignedOperation so;
  Status s = codec::DecodeEnvelope(envelope, &so);
  if (!s.ok()) return s;
  VerifiedOperation verified;
  s = ledger.Preflight(std::move(so), &verified);
  if (!s.ok()) return s;
  Delta delta;
  s = ledger.Apply(*state, verified, ApplyContext{now_ms}, &delta);
  if (s.ok()) state->Commit(delta);
  return s;
}

MemoryState GenesisState(const Ledger& ledger) {
  MemoryState state(StateDigestRuleOf(ledger.genesis()));
  Delta delta;
  Status s = ledger.GenesisDelta(state, &delta);
  INFO(s.ToString());
  REQUIRE(s.ok());
  state.Commit(delta);
  return state;
}

TEST_CASE("the vector's seeds give the documented public keys", "[ledger][protocol]") {
  CHECK(ToHex(Payer().public_key()) == kPayerKey);
  CHECK(ToHex(Payee().public_key()) == kPayeeKey);
  CHECK(ToHex(Board().public_key()) == kBoardKey);
  CHECK(ToHex(NodeKey().public_key()) == kNodeKey);
}

TEST_CASE("the vector's genesis encodes to the documented bytes and ledger id",
          "[ledger][protocol]") {
  const std::string bytes = codec::EncodeGenesis(VectorGenesis());
  CHECK(ToHex(bytes) == kGenesis);
  CHECK(bytes.size() == 196);
  REQUIRE(ValidateGenesis(VectorGenesis()).ok());

  // The id is the hash of the domain, NUL included, then the exact bytes.
  CHECK(kGenesisDomain.size() == 17);
  CHECK(kGenesisDomain.back() == '\0');
  CHECK(ToHex(LedgerIdOf(bytes)) == kLedgerId);
  CHECK(ToHex(Sha256({std::string_view("liard/v1/genesis\0", 17), bytes})) == kLedgerId);

  // A client decodes the documented bytes back to the documented fields.
  Genesis decoded;
  REQUIRE(codec::DecodeGenesis(Unhex(kGenesis), &decoded).ok());
  CHECK(decoded.currency_code == "ROUE");
  CHECK(decoded.currency_name == "la Roue");
  CHECK(decoded.decimals == 2);
  CHECK(decoded.board_keys == std::vector<PublicKey>{UnhexBytes<32>(kBoardKey)});
  CHECK(decoded.created_at_ms == kGenesisTimeMs);
  REQUIRE(decoded.accounts.size() == 2);
  CHECK(decoded.accounts[1].name == "Boulangerie du Rh\xc3\xb4ne");
  CHECK(decoded.accounts[1].name.size() == 21);
  CHECK(decoded.opening_fund == Amount(10'000));
  CHECK(decoded.rules.reconversion.fee_num == 5);
  CHECK(decoded.rules.reconversion.fee_den == 100);
  CHECK(codec::EncodeGenesis(decoded) == bytes);
}

TEST_CASE("a version 2 genesis names the node key, a version 1 genesis keeps its bytes",
          "[ledger][protocol][genesis]") {
  // Version 1 (the vector) has no node key and encodes exactly as before field 13 existed.
  Genesis v1 = VectorGenesis();
  CHECK(v1.version == kGenesisVersion1);
  CHECK(StateDigestRuleOf(v1) == 1);
  v1.node_key = NodeKey().public_key();
  CHECK(ValidateGenesis(v1).code() == Code::kInvalidArgument);

  Genesis v2 = VectorGenesis();
  v2.version = kGenesisVersion2;
  CHECK(ValidateGenesis(v2).code() == Code::kInvalidArgument);  // no node key named
  v2.node_key = NodeKey().public_key();
  REQUIRE(ValidateGenesis(v2).ok());
  CHECK(StateDigestRuleOf(v2) == 2);
  const std::string bytes = codec::EncodeGenesis(v2);
  // Field 13, length 32, then the key: the ledger id vouches for the node key.
  CHECK(bytes.find(std::string("\x6a\x20", 2) + std::string(NodeKey().public_key().view())) !=
        std::string::npos);
  Genesis decoded;
  REQUIRE(codec::DecodeGenesis(bytes, &decoded).ok());
  REQUIRE(decoded.node_key.has_value());
  CHECK(*decoded.node_key == NodeKey().public_key());
  CHECK(codec::EncodeGenesis(decoded) == bytes);
  CHECK(LedgerIdOf(bytes) != LedgerIdOf(codec::EncodeGenesis(VectorGenesis())));

  Genesis v4 = v2;
  v4.version = kLatestGenesisVersion + 1;
  CHECK(ValidateGenesis(v4).code() == Code::kInvalidArgument);
}

TEST_CASE(
    "the vector's transfer gives the documented body, signing message, signature, id and "
    "envelope",
    "[ledger][protocol]") {
  const Hash ledger_id = UnhexBytes<32>(kLedgerId);
  const Operation op = VectorTransfer(ledger_id);

  const std::string body = codec::EncodeOperation(op);
  CHECK(ToHex(body) == kBody);
  CHECK(body.size() == 131);

  const std::string message = SigningMessage(ledger_id, body);
  CHECK(ToHex(message) == kSigningMessage);
  CHECK(message.size() == 19 + 32 + body.size());
  CHECK(message.substr(0, 19) == std::string_view("liard/v1/operation\0", 19));
  CHECK(message.substr(19, 32) == ledger_id.view());
  CHECK(message.substr(51) == body);

  const Signature signature = Payer().Sign(message);
  CHECK(ToHex(signature) == kSignature);
  CHECK(Verify(Payer().public_key(), message, signature));

  // The id is known before sending: the hash of exactly the signed bytes.
  CHECK(ToHex(OperationId(ledger_id, body)) == kOperationId);
  CHECK(ToHex(Sha256({message})) == kOperationId);

  // What a client sends, built the way the codec's SignOperation builds it.
  const SignedOperation signed_op = codec::SignOperation(op, ledger_id, Payer());
  CHECK(signed_op.body == body);
  CHECK(signed_op.signature == signature);
  CHECK(ToHex(codec::EncodeEnvelope(signed_op)) == kEnvelope);
  CHECK(Unhex(kEnvelope).size() == 234);
}

TEST_CASE("the vector's envelope is accepted and moves 12,50 ROUE to the payee",
          "[ledger][protocol]") {
  auto ledger = VectorLedger();
  CHECK(ToHex(ledger->id()) == kLedgerId);
  MemoryState state = GenesisState(*ledger);
  CHECK(ToHex(state.digest()) == kGenesisDigest);

  // The node's path, from the documented bytes alone.
  SignedOperation decoded;
  REQUIRE(codec::DecodeEnvelope(Unhex(kEnvelope), &decoded).ok());
  CHECK(decoded.body == Unhex(kBody));
  CHECK(decoded.op.sequence == 1);
  CHECK(decoded.op.not_after_ms == kNotAfterMs);
  VerifiedOperation verified;
  REQUIRE(ledger->Preflight(std::move(decoded), &verified).ok());
  CHECK(ToHex(verified.id()) == kOperationId);
  Delta delta;
  Status s = ledger->Apply(state, verified, ApplyContext{kAppliedAtMs}, &delta);
  INFO(s.ToString());
  REQUIRE(s.ok());
  state.Commit(delta);

  const AccountId payer = Payer().public_key();
  const AccountId payee = Payee().public_key();
  CHECK(state.Balance(BookKey::Member(payer)) == 8'750);
  CHECK(state.Balance(BookKey::Member(payee)) == 1'250);
  CHECK(state.FindAccount(payer)->sequence == 1);
  CHECK(state.FindAccount(payee)->sequence == 0);
  CHECK(ToHex(state.digest()) == kDigestAfterTransfer);

  // Entry 1 chains to the ledger id.
  const JournalEntry entry{1, kAppliedAtMs, ledger->id(), Unhex(kEnvelope)};
  const Hash entry_hash = EntryHash(entry);
  CHECK(ToHex(entry_hash) == kEntryHash);

  const Checkpoint checkpoint{1, entry_hash, state.digest(), kCheckpointAtMs};
  const std::string message = CheckpointMessage(ledger->id(), checkpoint);
  CHECK(ToHex(message) == kCheckpointMessage);
  CHECK(message.size() == 132);
  CHECK(ToHex(NodeKey().Sign(message)) == kCheckpointSignature);
  CHECK(Verify(UnhexBytes<32>(kNodeKey), message, UnhexBytes<64>(kCheckpointSignature)));
}

TEST_CASE("rule 2's LtHash gives the documented values", "[ledger][protocol][digest]") {
  CHECK(ToHex(kLtHashDomain) == kLtHashDomainHex);
  CHECK(ToHex(kLtHashNonce) == kLtHashNonceHex);
  StateDigest d(kStateDigestLtHash);
  CHECK(ToHex(d.value()) == kLtHashEmpty);
  CHECK(ToHex(Sha256({kLtHashDomain, std::string(2048, '\0')})) == kLtHashEmpty);

  const Hash abc = Sha256({"abc"});
  CHECK(ToHex(abc) == kLtHashAbcRecord);
  d.Add(abc);
  CHECK(ToHex(std::string_view(d.Stored()).substr(0, 32)) == kLtHashAbcLanes);
  CHECK(ToHex(d.value()) == kLtHashAbcDigest);

  StateDigest three(kStateDigestLtHash);
  for (std::string_view x : {"a", "b", "c"}) three.Add(Sha256({x}));
  CHECK(ToHex(three.value()) == kLtHashThreeDigest);
  three.Remove(Sha256({"b"}));
  CHECK(ToHex(three.value()) == kLtHashTwoDigest);
}

TEST_CASE("the vector's genesis and transfer under version 2 give the documented LtHash digests",
          "[ledger][protocol][digest]") {
  Genesis g = VectorGenesis();
  g.version = kGenesisVersion2;
  g.node_key = NodeKey().public_key();
  const std::string bytes = codec::EncodeGenesis(g);
  std::unique_ptr<Ledger> ledger;
  REQUIRE(Ledger::Create(g, bytes, &ledger).ok());
  MemoryState state = GenesisState(*ledger);
  REQUIRE(state.digest_rule() == kStateDigestLtHash);
  CHECK(ToHex(state.digest()) == kV2GenesisDigest);
  // The same records as version 1's genesis but the governance record, which names the node key
  // (layout 2): only that record and the rule differ.
  MemoryState v1 = GenesisState(*VectorLedger());
  StateDigest recount(kStateDigestLtHash);
  for (const auto& [id, a] : v1.accounts()) recount.Add(AccountRecordHash(a));
  for (const auto& [key, balance] : v1.NonZeroBalances())
    recount.Add(BalanceRecordHash(key, balance));
  Governance named = v1.governance();
  CHECK_FALSE(named.node_key.has_value());
  named.node_key = NodeKey().public_key();
  recount.Add(GovernanceRecordHash(named));
  CHECK(ToHex(recount.value()) == kV2GenesisDigest);

  // The vector's transfer, made for this ledger's id, applied at the same time.
  const std::string envelope = codec::EncodeEnvelope(
      codec::SignOperation(VectorTransfer(ledger->id()), ledger->id(), Payer()));
  REQUIRE(Submit(*ledger, &state, envelope, kAppliedAtMs).ok());
  CHECK(ToHex(state.digest()) == kV2DigestAfterTransfer);
}

TEST_CASE(
    "the vector's envelope is refused when replayed, expired, signed without its domain, or made "
    "for another ledger",
    "[ledger][protocol]") {
  auto ledger = VectorLedger();
  const std::string envelope = Unhex(kEnvelope);

  SECTION("sent again after it was applied, the core sees a used sequence") {
    // The node answers a resent envelope from its operation-id index; the core alone refuses it.
    MemoryState state = GenesisState(*ledger);
    REQUIRE(Submit(*ledger, &state, envelope, kAppliedAtMs).ok());
    const Hash digest = state.digest();
    CHECK(Submit(*ledger, &state, envelope, kAppliedAtMs).code() == Code::kSequenceUsed);
    CHECK(state.digest() == digest);
  }
  SECTION("valid at exactly not_after_ms, expired one millisecond later") {
    MemoryState late = GenesisState(*ledger);
    CHECK(Submit(*ledger, &late, envelope, kNotAfterMs + 1).code() == Code::kExpired);
    CHECK(ToHex(late.digest()) == kGenesisDigest);  // a refusal changes nothing
    MemoryState on_time = GenesisState(*ledger);
    CHECK(Submit(*ledger, &on_time, envelope, kNotAfterMs).ok());
  }
  SECTION("a signature over the body alone, without the domain and ledger id, is refused") {
    SignedOperation so;
    REQUIRE(codec::DecodeEnvelope(envelope, &so).ok());
    so.signature = Payer().Sign(so.body);
    MemoryState state = GenesisState(*ledger);
    CHECK(Submit(*ledger, &state, codec::EncodeEnvelope(so), kAppliedAtMs).code() ==
          Code::kBadSignature);
  }
  SECTION("the same transfer made for another ledger names the wrong ledger") {
    Hash other = UnhexBytes<32>(kLedgerId);
    other.data[0] ^= 1;
    const std::string foreign =
        codec::EncodeEnvelope(codec::SignOperation(VectorTransfer(other), other, Payer()));
    MemoryState state = GenesisState(*ledger);
    CHECK(Submit(*ledger, &state, foreign, kAppliedAtMs).code() == Code::kWrongLedger);
  }
}

TEST_CASE("the documented addresses encode the vector's ids, in either case but never mixed",
          "[ledger][protocol]") {
  PublicKey zero;
  PublicKey counting;
  for (size_t i = 0; i < counting.size(); ++i) counting.data[i] = static_cast<uint8_t>(i);
  CHECK(EncodeAddress("ROUE", zero) == kZeroAddress);
  CHECK(EncodeAddress("roue", counting) == kCountingAddress);
  CHECK(EncodeAddress("ROUE", Payer().public_key()) == kPayerAddress);
  CHECK(EncodeAddress("ROUE", Payee().public_key()) == kPayeeAddress);

  for (std::string_view address : {kZeroAddress, kCountingAddress, kPayerAddress, kPayeeAddress}) {
    CHECK(address.size() == std::string_view("ROUE").size() + 60);
    PublicKey id;
    REQUIRE(DecodeAddress("ROUE", address, &id).ok());
    CHECK(EncodeAddress("roue", id) == address);
    std::string upper(address);
    for (char& c : upper)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    PublicKey from_upper;
    REQUIRE(DecodeAddress("roue", upper, &from_upper).ok());
    CHECK(from_upper == id);
    std::string mixed(address);
    mixed[0] = 'R';
    PublicKey untouched;
    Status s = DecodeAddress("ROUE", mixed, &untouched);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message() ==
          "the address mixes upper and lower case letters; it must be written all in one case");
  }
}

// --- docs/protocol.md itself ------------------------------------------------------------------

// Files of the source tree, found from this file's own path (CMake compiles it by absolute path).
std::string ReadSourceFile(std::string_view relative) {
  const std::filesystem::path root =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  const std::filesystem::path path = root / relative;
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path.string());
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

// The cells of a Markdown table row "| a | `b` | c |", trimmed and without backquotes.
std::vector<std::string> Cells(std::string_view line) {
  std::vector<std::string> cells;
  line.remove_prefix(1);  // the leading '|'
  while (!line.empty()) {
    const size_t bar = line.find('|');
    if (bar == std::string_view::npos) break;
    cells.push_back(Trim(line.substr(0, bar)));
    line.remove_prefix(bar + 1);
  }
  return cells;
}

// The first table after the line `heading`: its header row, then its body rows.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Table TableAfter(const std::string& doc, std::string_view heading) {
  Table table;
  const size_t at = doc.find("\n" + std::string(heading) + "\n");
  INFO("docs/protocol.md has no heading '" << heading << "'");
  REQUIRE(at != std::string::npos);
  std::istringstream lines(doc.substr(at + heading.size() + 2));
  std::string line;
  bool in_table = false;
  int row = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("|", 0) != 0) {
      if (in_table) break;
      continue;
    }
    in_table = true;
    if (row == 0) table.header = Cells(line);
    if (row >= 2) table.rows.push_back(Cells(line));  // row 1 is the |---| line
    ++row;
  }
  return table;
}

std::string_view GroupName(CodeGroup group) {
  switch (group) {
    case CodeGroup::kOk:
      return "ok";
    case CodeGroup::kGeneric:
      return "generic";
    case CodeGroup::kMalformed:
      return "malformed";
    case CodeGroup::kRefused:
      return "refused";
    case CodeGroup::kInvariant:
      return "invariant";
  }
  return "?";
}

TEST_CASE("docs/protocol.md shows every value of the test vector", "[ledger][protocol]") {
  const std::string doc = ReadSourceFile("docs/protocol.md");
  for (std::string_view value : {kPayerKey,        kPayeeKey,          kBoardKey,
                                 kNodeKey,         kPayerAddress,      kPayeeAddress,
                                 kGenesis,         kLedgerId,          kBody,
                                 kSigningMessage,  kSignature,         kOperationId,
                                 kEnvelope,        kGenesisDigest,     kDigestAfterTransfer,
                                 kEntryHash,       kCheckpointMessage, kCheckpointSignature,
                                 kZeroAddress,     kCountingAddress,   kLtHashDomainHex,
                                 kLtHashNonceHex,  kLtHashEmpty,       kLtHashAbcRecord,
                                 kLtHashAbcLanes,  kLtHashAbcDigest,   kLtHashThreeDigest,
                                 kLtHashTwoDigest, kV2GenesisDigest,   kV2DigestAfterTransfer}) {
    INFO(value);
    CHECK(doc.find(value) != std::string::npos);
  }
}

TEST_CASE("docs/protocol.md lists every rejection code with its number, name, group and meaning",
          "[ledger][protocol]") {
  const Table table = TableAfter(ReadSourceFile("docs/protocol.md"), "### Every code");
  REQUIRE(table.header.size() == 6);
  std::map<int, std::vector<std::string>> documented;
  for (const auto& row : table.rows) {
    REQUIRE(row.size() == 6);
    const int number = std::stoi(row[0]);
    CHECK(documented.emplace(number, row).second);
  }
  int known = 0;
  for (int n = 0; n < 1000; ++n) {
    const auto code = static_cast<Code>(n);
    const std::string_view name = CodeName(code);
    if (name == "UNKNOWN_CODE") continue;
    ++known;
    INFO("code " << n << " " << name);
    auto it = documented.find(n);
    REQUIRE(it != documented.end());
    CHECK(it->second[1] == name);
    CHECK(it->second[2] == GroupName(GroupOf(code)));
    CHECK(it->second[3] == CodeDescription(code));
    // Decided without state: malformed codes yes, state and invariant codes no, others n/a.
    const std::string& without_state = it->second[4];
    switch (GroupOf(code)) {
      case CodeGroup::kMalformed:
        CHECK(without_state == "yes");
        break;
      case CodeGroup::kRefused:
      case CodeGroup::kInvariant:
        CHECK(without_state.rfind("no", 0) == 0);
        break;
      default:
        CHECK(without_state == "\u2014");
    }
  }
  // A documented code that status.cc does not name is sent as "UNKNOWN_CODE": say so loudly.
  // Once status.cc names it, the checks above hold it to the documented name and meaning.
  int unnamed = 0;
  for (const auto& [number, row] : documented) {
    if (CodeName(static_cast<Code>(number)) != "UNKNOWN_CODE") continue;
    WARN("docs/protocol.md documents code " << number << " " << row[1]
                                            << ", but ledger/status.cc has no name for it");
    ++unnamed;
  }
  CHECK(documented.size() == static_cast<size_t>(known + unnamed));
}

TEST_CASE("docs/protocol.md names the figures each refusal carries", "[ledger][protocol]") {
  const std::string doc = ReadSourceFile("docs/protocol.md");
  const Table table = TableAfter(doc, "### Every code");
  std::map<std::string, std::string> figures_of;  // code name -> its figures cell, as written
  for (const auto& row : table.rows) {
    REQUIRE(row.size() == 6);
    // The cell with its backquotes (Cells drops a pair around a whole cell): the row's text
    // after its fifth bar.
    const size_t at = doc.find("| `" + row[1] + "` |", doc.find("### Every code"));
    REQUIRE(at != std::string::npos);
    std::string line = doc.substr(at, doc.find('\n', at) - at);
    for (int bar = 0; bar < 5; ++bar) line = line.substr(line.find('|') + 1);
    std::string cell = line.substr(0, line.rfind('|'));
    cell = cell.substr(cell.find_first_not_of(' '));
    cell = cell.substr(0, cell.find_last_not_of(' ') + 1);
    figures_of[row[1]] = cell;
    // Every name the cell shows between backquotes is a figure's name.
    for (size_t open = cell.find('`'); open != std::string::npos;) {
      const size_t close = cell.find('`', open + 1);
      REQUIRE(close != std::string::npos);
      INFO(row[1] << ": " << cell);
      CHECK(IsFigureName(cell.substr(open + 1, close - open - 1)));
      open = cell.find('`', close + 1);
    }
  }
  // A sample of refusals: each figure they carry is listed for their code.
  using testing::Fixture;
  using testing::Member;
  Fixture f({Member{"alice", AccountKind::kResident, 1'000},
             Member{"town", AccountKind::kMunicipality, 500}});
  std::vector<Status> refusals;
  refusals.push_back(f.Submit(f.TransferOp("alice", "town", 1'001)));
  refusals.push_back(f.Submit(f.TransferOp("alice", "town", 1, std::string(257, 'x'))));
  Operation gap = f.TransferOp("alice", "town", 1);
  gap.sequence = 9;
  refusals.push_back(f.Submit(gap));
  Operation late = f.TransferOp("alice", "town", 1);
  late.not_after_ms = 1;
  refusals.push_back(f.Submit(late));
  refusals.push_back(f.Submit(f.MakeOp("town", MultiTransfer{})));
  refusals.push_back(
      f.Submit(f.MakeOp("town", MultiTransfer{{Leg{Fixture::Id("alice"), Amount(300), "a"},
                                               Leg{Fixture::Id("alice"), Amount(300), "b"}}})));
  for (const Status& s : refusals) {
    INFO(s.ToString());
    REQUIRE(!s.ok());
    CHECK(!s.figures().empty());
    const std::string& cell = figures_of[std::string(CodeName(s.code()))];
    for (const Figure& fig : s.figures()) {
      INFO(fig.name);
      CHECK(cell.find("`" + fig.name + "`") != std::string::npos);
    }
  }
}

TEST_CASE("docs/protocol.md shows the permission table of the code", "[ledger][protocol]") {
  const std::string doc = ReadSourceFile("docs/protocol.md");

  const Table signers = TableAfter(doc, "### Who may sign which operation");
  REQUIRE(signers.header.size() == 2 + std::size(kAllRoles));
  for (size_t k = 0; k < std::size(kAllRoles); ++k)
    CHECK(signers.header[2 + k] == RoleName(kAllRoles[k]));
  CHECK(signers.rows.size() == PermissionTable().size());
  for (const Permission& permission : PermissionTable()) {
    const std::string_view op = OpTypeName(permission.op);
    INFO("operation " << op);
    const std::vector<std::string>* row = nullptr;
    for (const auto& r : signers.rows)
      if (r.at(0) == op) row = &r;
    REQUIRE(row != nullptr);
    REQUIRE(row->size() == signers.header.size());
    CHECK(row->at(1) == std::to_string(static_cast<int>(permission.op)));
    for (size_t k = 0; k < std::size(kAllRoles); ++k) {
      INFO("signed by " << RoleName(kAllRoles[k]));
      CHECK(row->at(2 + k) == (MayPerform(RoleBit(kAllRoles[k]), permission.op) ? "yes" : "no"));
    }
  }

  // Staff keys (issue 19): what each scope may sign, StaffMayPerform.
  const Table staff = TableAfter(doc, "### What a staff key may sign");
  constexpr KeyScope kScopes[] = {KeyScope::kReceive, KeyScope::kRefund, KeyScope::kFull};
  REQUIRE(staff.header.size() == 2 + std::size(kScopes));
  for (size_t k = 0; k < std::size(kScopes); ++k)
    CHECK(staff.header[2 + k] == ScopeName(kScopes[k]));
  CHECK(staff.rows.size() == PermissionTable().size());
  for (const Permission& permission : PermissionTable()) {
    const std::string_view op = OpTypeName(permission.op);
    INFO("operation " << op);
    const std::vector<std::string>* row = nullptr;
    for (const auto& r : staff.rows)
      if (r.at(0) == op) row = &r;
    REQUIRE(row != nullptr);
    REQUIRE(row->size() == staff.header.size());
    CHECK(row->at(1) == std::to_string(static_cast<int>(permission.op)));
    for (size_t k = 0; k < std::size(kScopes); ++k) {
      INFO("scope " << ScopeName(kScopes[k]));
      CHECK(row->at(2 + k) == (StaffMayPerform(kScopes[k], permission.op) ? "yes" : "no"));
    }
  }

  const Table openers = TableAfter(doc, "### Who may open which kind of account");
  REQUIRE(openers.header.size() == 1 + std::size(kAllKinds));
  for (size_t k = 0; k < std::size(kAllKinds); ++k)
    CHECK(openers.header[1 + k] == KindName(kAllKinds[k]));
  size_t actors = 0;
  for (Role actor : kAllRoles) {
    bool opens_any = false;
    for (AccountKind target : kAllKinds) opens_any |= MayOpen(RoleBit(actor), target);
    const std::vector<std::string>* row = nullptr;
    for (const auto& r : openers.rows)
      if (r.at(0) == RoleName(actor)) row = &r;
    INFO("actor " << RoleName(actor));
    CHECK((row != nullptr) == opens_any);
    if (row == nullptr) continue;
    ++actors;
    REQUIRE(row->size() == openers.header.size());
    for (size_t k = 0; k < std::size(kAllKinds); ++k) {
      INFO("opening " << KindName(kAllKinds[k]));
      CHECK(row->at(1 + k) == (MayOpen(RoleBit(actor), kAllKinds[k]) ? "yes" : "no"));
    }
  }
  CHECK(openers.rows.size() == actors);
}

TEST_CASE("docs/protocol.md quotes ledger.proto's message definitions verbatim",
          "[ledger][protocol]") {
  const std::string doc = ReadSourceFile("docs/protocol.md");
  const std::string proto = ReadSourceFile("proto/liard/v1/ledger.proto");
  constexpr std::string_view kOpen = "```proto\n";
  int blocks = 0;
  for (size_t at = doc.find(kOpen); at != std::string::npos; at = doc.find(kOpen, at)) {
    at += kOpen.size();
    const size_t end = doc.find("```\n", at);
    REQUIRE(end != std::string::npos);
    const std::string block = doc.substr(at, end - at);
    INFO(block);
    CHECK(proto.find(block) != std::string::npos);
    ++blocks;
    at = end;
  }
  CHECK(blocks >= 4);
}

}  // namespace
}  // namespace liard

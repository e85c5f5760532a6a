// Bytes: the one big-endian encoder (ledger/bytes.h) that the journal's hashes, the store's
// keys and records, the head anchor and the wallet's journal export all lay out bytes with.
#include "ledger/bytes.h"

#include <catch2/catch.hpp>

#include <limits>
#include <random>

namespace liard {
namespace {

TEST_CASE("fixed-width integers are written most significant byte first", "[ledger][bytes]") {
  CHECK(ToHex(Fixed32BE(0x01020304u)) == "01020304");
  CHECK(ToHex(Fixed64BE(0x0102030405060708u)) == "0102030405060708");
  CHECK(ToHex(Fixed32BE(0)) == "00000000");
  CHECK(ToHex(Fixed32BE(0xffffffffu)) == "ffffffff");
  CHECK(ToHex(Fixed64BE(1)) == "0000000000000001");
  CHECK(ToHex(Fixed64BE(std::numeric_limits<uint64_t>::max())) == "ffffffffffffffff");
  // A negative time or balance is written as its two's complement, as the journal hashes it.
  CHECK(ToHex(Fixed64BE(static_cast<uint64_t>(int64_t{-2}))) == "fffffffffffffffe");
  // Put appends to what is there; Encode writes in place.
  std::string s = "x";
  PutFixed32BE(&s, 0xa1b2c3d4u);
  PutFixed64BE(&s, 0x8000000000000001u);
  CHECK(ToHex(s) == "78a1b2c3d48000000000000001");
  char buf[8] = {};
  EncodeFixed32BE(buf + 2, 0x00ff10ffu);
  CHECK(ToHex(std::string_view(buf, 8)) == "000000ff10ff0000");
  EncodeFixed64BE(buf, 0x1122334455667788u);
  CHECK(ToHex(std::string_view(buf, 8)) == "1122334455667788");
}

TEST_CASE("decoding gives back every encoded value, high bits included", "[ledger][bytes]") {
  std::mt19937_64 rng(20261203);
  std::vector<uint64_t> values = {0,
                                  1,
                                  0x80,
                                  0xff,
                                  0x100,
                                  0x7fffffffffffffffu,
                                  0x8000000000000000u,
                                  std::numeric_limits<uint64_t>::max()};
  for (int i = 0; i < 2000; ++i) values.push_back(rng());
  for (uint64_t v : values) {
    INFO(v);
    const std::string b64 = Fixed64BE(v);
    REQUIRE(b64.size() == 8);
    CHECK(DecodeFixed64BE(b64.data()) == v);
    const uint32_t v32 = static_cast<uint32_t>(v);
    const std::string b32 = Fixed32BE(v32);
    REQUIRE(b32.size() == 4);
    CHECK(DecodeFixed32BE(b32.data()) == v32);
    // Byte order is the numeric order: keys sort as their sequences do.
    const uint64_t w = rng();
    CHECK((Fixed64BE(v) < Fixed64BE(w)) == (v < w));
  }
  CHECK(DecodeFixed64BE("\x01\x02\x03\x04\x05\x06\x07\x08") == 0x0102030405060708u);
  CHECK(DecodeFixed32BE("\xfe\xdc\xba\x98") == 0xfedcba98u);
}

TEST_CASE("the record writer and reader round-trip and refuse to read past the end",
          "[ledger][bytes]") {
  Bytes<32> key;
  for (size_t i = 0; i < 32; ++i) key.data[i] = static_cast<uint8_t>(i);
  ByteWriter w;
  w.U8(7);
  w.U32(0xdeadbeefu);
  w.U64(0x0102030405060708u);
  w.I64(-5);
  w.Str("héllo");
  w.Key(key);
  const std::string bytes = w.Take();
  CHECK(ToHex(bytes.substr(0, 1 + 4 + 8 + 8 + 4)) ==
        "07deadbeef0102030405060708fffffffffffffffb00000006");
  {
    ByteReader r(bytes);
    CHECK(r.U8() == 7);
    CHECK(r.U32() == 0xdeadbeefu);
    CHECK(r.U64() == 0x0102030405060708u);
    CHECK(r.I64() == -5);
    CHECK(r.Str() == "héllo");
    CHECK(r.Key() == key);
    CHECK(r.Done());
  }
  // Every truncation is noticed, never read beyond: the reader fails and returns zeros.
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut);
    ByteReader r(std::string_view(bytes).substr(0, cut));
    (void)r.U8();
    (void)r.U32();
    (void)r.U64();
    (void)r.I64();
    (void)r.Str();
    (void)r.Key();
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.Done());
  }
  ByteReader short_u64(std::string_view("\x01\x02\x03", 3));
  CHECK(short_u64.U64() == 0);
  CHECK_FALSE(short_u64.ok());
  // A count larger than the input could hold is refused before anything is allocated.
  ByteWriter c;
  c.U32(1'000'000);
  const std::string counted = c.Take() + std::string(10, '\0');
  ByteReader rc(counted);
  CHECK(rc.Count(8) == 0);
  CHECK_FALSE(rc.ok());
  // Trailing bytes are not Done.
  ByteReader trailing(std::string_view("\x05\x06", 2));
  CHECK(trailing.U8() == 5);
  CHECK(trailing.ok());
  CHECK_FALSE(trailing.Done());
}

}  // namespace
}  // namespace liard

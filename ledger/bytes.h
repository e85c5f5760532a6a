// Bytes: the one big-endian encoder of liard (the model is leveldb's util/coding.h). Free
// functions for fixed-width integers, used by every layer that lays out bytes (journal hashing,
// the store's keys and records, the head anchor file, the wallet's journal export), and the
// writer and bounds-checked reader of liard's own record layouts (the governance record, replay
// snapshots), simple enough to write again in any language.
#ifndef LIARD_LEDGER_BYTES_H_
#define LIARD_LEDGER_BYTES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/crypto.h"

namespace liard {

// Writes v into dst[0..3] / dst[0..7], most significant byte first.
inline void EncodeFixed32BE(char* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst[i] = static_cast<char>(v >> (24 - 8 * i));
}
inline void EncodeFixed64BE(char* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>(v >> (56 - 8 * i));
}

// Reads what Encode wrote: src must hold at least 4 / 8 bytes (the caller checks).
inline uint32_t DecodeFixed32BE(const char* src) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(src[i]);
  return v;
}
inline uint64_t DecodeFixed64BE(const char* src) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(src[i]);
  return v;
}

// Appends v to *dst, most significant byte first.
inline void PutFixed32BE(std::string* dst, uint32_t v) {
  char b[4];
  EncodeFixed32BE(b, v);
  dst->append(b, 4);
}
inline void PutFixed64BE(std::string* dst, uint64_t v) {
  char b[8];
  EncodeFixed64BE(b, v);
  dst->append(b, 8);
}

// The 4 or 8 bytes of v, for hashing as one part of a message.
inline std::string Fixed32BE(uint32_t v) {
  std::string s;
  PutFixed32BE(&s, v);
  return s;
}
inline std::string Fixed64BE(uint64_t v) {
  std::string s;
  PutFixed64BE(&s, v);
  return s;
}

// Big-endian integers, u32-length-prefixed strings, fixed 32-byte keys.
class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { PutFixed32BE(&out_, v); }
  void U64(uint64_t v) { PutFixed64BE(&out_, v); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void Key(const Bytes<32>& k) { out_.append(k.view()); }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint8_t U8() { return static_cast<uint8_t>(Raw(1)[0]); }
  uint32_t U32() { return DecodeFixed32BE(Raw(4).data()); }
  uint64_t U64() { return DecodeFixed64BE(Raw(8).data()); }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  std::string Str() {
    uint32_t n = U32();
    return std::string(Raw(n));
  }
  Bytes<32> Key() {
    Bytes<32> k;
    std::string_view b = Raw(32);
    if (b.size() == 32) (void)k.Assign(b);
    return k;
  }
  // A count of items that each take at least `min_bytes`: refuses counts the input cannot hold.
  uint32_t Count(size_t min_bytes) {
    uint32_t n = U32();
    if (static_cast<uint64_t>(n) * min_bytes > in_.size() - pos_) failed_ = true;
    return failed_ ? 0 : n;
  }
  void Fail() { failed_ = true; }
  bool ok() const { return !failed_; }
  bool Done() const { return !failed_ && pos_ == in_.size(); }

 private:
  std::string_view Raw(size_t n) {
    static const char kZeros[8] = {};
    if (failed_ || in_.size() - pos_ < n) {
      failed_ = true;
      return std::string_view(kZeros, n <= 8 ? n : 0);
    }
    std::string_view b = in_.substr(pos_, n);
    pos_ += n;
    return b;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace liard

#endif  // LIARD_LEDGER_BYTES_H_

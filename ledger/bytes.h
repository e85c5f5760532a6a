// Bytes: the big-endian writer and bounds-checked reader of liard's own record layouts (the
// governance record, replay snapshots), simple enough to write again in any language.
#ifndef LIARD_LEDGER_BYTES_H_
#define LIARD_LEDGER_BYTES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/crypto.h"

namespace liard {

// Big-endian integers, u32-length-prefixed strings, fixed 32-byte keys.
class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    for (int i = 3; i >= 0; --i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 7; i >= 0; --i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
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
  uint32_t U32() {
    std::string_view b = Raw(4);
    uint32_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }
  uint64_t U64() {
    std::string_view b = Raw(8);
    uint64_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }
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

// A small non-negative big integer (1024 bits) for the exact arithmetic oracle: add, sub,
// mul, shifts and comparison, nothing clever. Never calls lowp.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>

namespace lowp_test {

class bigint {
 public:
  static constexpr int kWords = 32;

  bigint() = default;
  explicit bigint(std::uint64_t v) {
    w_[0] = static_cast<std::uint32_t>(v);
    w_[1] = static_cast<std::uint32_t>(v >> 32);
    used_ = w_[1] ? 2 : (w_[0] ? 1 : 0);
  }

  bool is_zero() const { return used_ == 0; }

  friend int compare(const bigint& a, const bigint& b) {
    if (a.used_ != b.used_) return a.used_ < b.used_ ? -1 : 1;
    for (int i = a.used_ - 1; i >= 0; --i)
      if (a.w_[i] != b.w_[i]) return a.w_[i] < b.w_[i] ? -1 : 1;
    return 0;
  }

  friend bigint operator+(const bigint& a, const bigint& b) {
    bigint r;
    std::uint64_t carry = 0;
    const int n = a.used_ > b.used_ ? a.used_ : b.used_;
    for (int i = 0; i < n || carry; ++i) {
      if (i >= kWords) throw std::overflow_error("bigint overflow");
      const std::uint64_t s = std::uint64_t{a.w_[i]} + b.w_[i] + carry;
      r.w_[i] = static_cast<std::uint32_t>(s);
      carry = s >> 32;
    }
    r.trim(n + 1);
    return r;
  }

  /// a - b, requires a >= b.
  friend bigint operator-(const bigint& a, const bigint& b) {
    if (compare(a, b) < 0) throw std::underflow_error("bigint negative");
    bigint r;
    std::int64_t borrow = 0;
    for (int i = 0; i < a.used_; ++i) {
      std::int64_t d = std::int64_t{a.w_[i]} - b.w_[i] - borrow;
      borrow = d < 0 ? 1 : 0;
      if (d < 0) d += std::int64_t{1} << 32;
      r.w_[i] = static_cast<std::uint32_t>(d);
    }
    r.trim(a.used_);
    return r;
  }

  friend bigint operator*(const bigint& a, const bigint& b) {
    bigint r;
    if (a.is_zero() || b.is_zero()) return r;
    if (a.used_ + b.used_ > kWords + 1) throw std::overflow_error("bigint overflow");
    for (int i = 0; i < a.used_; ++i) {
      std::uint64_t carry = 0;
      for (int j = 0; j < b.used_ || carry; ++j) {
        if (i + j >= kWords) {
          if (carry) throw std::overflow_error("bigint overflow");
          break;
        }
        const std::uint64_t cur =
            r.w_[i + j] + std::uint64_t{a.w_[i]} * (j < b.used_ ? b.w_[j] : 0) + carry;
        r.w_[i + j] = static_cast<std::uint32_t>(cur);
        carry = cur >> 32;
      }
    }
    r.trim(kWords);
    return r;
  }

  friend bigint operator<<(const bigint& a, int s) {
    bigint r;
    if (a.is_zero()) return r;
    const int ws = s / 32, bs = s % 32;
    if (a.used_ + ws + 1 > kWords + 1) throw std::overflow_error("bigint overflow");
    for (int i = a.used_ - 1; i >= 0; --i) {
      const std::uint64_t v = std::uint64_t{a.w_[i]} << bs;
      if (i + ws + 1 < kWords)
        r.w_[i + ws + 1] |= static_cast<std::uint32_t>(v >> 32);
      else if ((v >> 32) != 0)
        throw std::overflow_error("bigint overflow");
      r.w_[i + ws] |= static_cast<std::uint32_t>(v);
    }
    r.trim(kWords);
    return r;
  }

  /// Floor of a / 2^s.
  friend bigint operator>>(const bigint& a, int s) {
    bigint r;
    const int ws = s / 32, bs = s % 32;
    for (int i = ws; i < a.used_; ++i) {
      std::uint64_t v = a.w_[i] >> bs;
      if (bs && i + 1 < a.used_) v |= (std::uint64_t{a.w_[i + 1]} << (32 - bs)) & 0xFFFFFFFFu;
      r.w_[i - ws] = static_cast<std::uint32_t>(v);
    }
    r.trim(kWords);
    return r;
  }

 private:
  void trim(int hint) {
    used_ = hint > kWords ? kWords : hint;
    while (used_ > 0 && w_[used_ - 1] == 0) --used_;
  }
  std::array<std::uint32_t, kWords> w_{};
  int used_ = 0;
};

}  // namespace lowp_test

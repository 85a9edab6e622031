/// \file span.hpp
/// lowp::span: std::span in C++20, a minimal contiguous view in C++17.
#pragma once

#include <cstddef>
#include <type_traits>

#include "lowp/config.hpp"

#if LOWP_CPP20 && __has_include(<span>)
#include <span>
namespace lowp {
/// A view of contiguous elements (std::span).
template <class T>
using span = std::span<T>;
}  // namespace lowp
#else
namespace lowp {
/// A view of contiguous elements (the subset of std::span lowp uses).
template <class T>
class span {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  constexpr span() noexcept = default;
  constexpr span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  template <class C, class = decltype(std::declval<C&>().data()),
            class = std::enable_if_t<std::is_convertible_v<
                std::remove_pointer_t<decltype(std::declval<C&>().data())> (*)[], T (*)[]>>>
  constexpr span(C& c) noexcept : data_(c.data()), size_(c.size()) {}  // NOLINT: implicit
  template <std::size_t N>
  constexpr span(T (&a)[N]) noexcept : data_(a), size_(N) {}  // NOLINT: implicit
  template <class U, class = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  constexpr span(const span<U>& s) noexcept : data_(s.data()), size_(s.size()) {}  // NOLINT

  constexpr T* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }
  constexpr span subspan(std::size_t offset, std::size_t count) const noexcept {
    return span(data_ + offset, count);
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};
}  // namespace lowp
#endif

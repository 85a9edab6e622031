/// \file parallel.hpp
/// Splitting an array conversion across threads: contiguous pieces, each converted exactly as
/// the single-thread call converts it (identical results).
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace lowp {

/// Runs a conversion on several threads: the array is split into contiguous pieces, each
/// converted as the single-thread call would convert it (identical results).
struct parallel {
  unsigned threads = 0;                   ///< 0: std::thread::hardware_concurrency()
  std::size_t min_per_thread = 1u << 16;  ///< fewer elements per thread run on fewer threads
};

namespace detail {

/// Calls body(begin, end) over [0, count) on up to par.threads threads; piece boundaries are
/// multiples of `align` elements. The calling thread runs the first piece, and any piece whose
/// thread could not be started. Every thread is joined before this returns or throws; if pieces
/// threw, the exception of the lowest piece is rethrown (the one a single-thread call, going
/// front to back, would meet first).
template <class Body>
void run_parallel(const parallel& par, std::size_t count, std::size_t align, Body body) {
  unsigned threads = par.threads != 0 ? par.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  const std::size_t min_piece = std::max<std::size_t>(par.min_per_thread, 1);
  const std::size_t by_size = std::max<std::size_t>(count / min_piece, 1);
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, by_size));
  if (threads <= 1) {
    body(std::size_t{0}, count);
    return;
  }
  std::size_t piece = (count + threads - 1) / threads;
  piece = (piece + align - 1) / align * align;
  const std::size_t pieces = (count + piece - 1) / piece;
  std::vector<std::exception_ptr> errors(pieces);  // one slot per piece: no lock needed
  std::vector<std::size_t> here{0};                // pieces the calling thread runs
  here.reserve(pieces);
  std::vector<std::thread> pool;
  pool.reserve(pieces);
  auto run_piece = [&body, &errors, piece, count](std::size_t k) noexcept {
    try {
      body(k * piece, std::min(count, (k + 1) * piece));
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  for (std::size_t k = 1; k < pieces; ++k) {
    try {
      pool.emplace_back(run_piece, k);
    } catch (...) {  // std::system_error: no more threads; this one runs the piece itself
      here.push_back(k);
    }
  }
  for (const std::size_t k : here) run_piece(k);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace detail
}  // namespace lowp

/// \file parallel.hpp
/// Splitting an array conversion across threads: contiguous pieces, each converted exactly as
/// the single-thread call converts it (identical results).
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
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
/// multiples of `align` elements.
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
  std::vector<std::thread> pool;
  pool.reserve(threads);
  std::exception_ptr error;
  std::mutex error_mutex;
  for (std::size_t begin = piece; begin < count; begin += piece) {
    const std::size_t end = std::min(count, begin + piece);
    pool.emplace_back([&body, &error, &error_mutex, begin, end] {
      try {
        body(begin, end);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    });
  }
  body(std::size_t{0}, std::min(count, piece));
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace detail
}  // namespace lowp

// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>

#include "basic_ring.hpp"
#include "config.hpp"

namespace ringmpsc {

/// A BasicRing whose N slots live inside the object: no allocation, and the slots sit
/// next to the indices. N * sizeof(T) bytes large, so a big one belongs in static storage
/// or on the heap rather than on a thread's stack.
template <class T, std::size_t N, WaitPolicy Wait = default_wait>
class StackRing : public BasicRing<T, Wait> {
  static_assert(N > 0, "ringmpsc::StackRing<T, N>: N must not be 0");
  static_assert(std::has_single_bit(N), "ringmpsc::StackRing<T, N>: N must be a power of two");

 public:
  explicit StackRing(MetricsMode metrics = MetricsMode::off) noexcept
      : BasicRing<T, Wait>(slots_(), N, metrics) {}
  ~StackRing() { this->destroy_remaining_(); }

  [[nodiscard]] static constexpr std::size_t static_capacity() noexcept { return N; }

 private:
  T* slots_() noexcept { return reinterpret_cast<T*>(storage_); }

  // Its own cache-line block, so slot 0 never shares a line with the consumer's state.
  alignas(std::max(alignof(T), detail::cache_line)) std::byte storage_[N * sizeof(T)];
};

}  // namespace ringmpsc

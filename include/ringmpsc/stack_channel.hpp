// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <utility>

#include "basic_channel.hpp"
#include "config.hpp"
#include "stack_ring.hpp"

namespace ringmpsc {

/// A channel whose P rings of N slots live inside the object: no allocation at all. The
/// consumer API is BasicChannel's; register_producer() hands out at most P live
/// producers. P * N * sizeof(T) bytes large: put a big one in static storage or on the
/// heap.
template <class T, std::size_t N, std::size_t P, WaitPolicy Wait = default_wait>
class StackChannel : public BasicChannel<T, Wait> {
  static_assert(P >= 1 && P <= Config::max_producers_limit,
                "ringmpsc::StackChannel<T, N, P>: P must be in [1, 1024]");
  static_assert(N >= 2 && std::has_single_bit(N) && N <= (std::size_t{1} << Config::max_ring_bits),
                "ringmpsc::StackChannel<T, N, P>: N must be a power of two in [2, 2^32]");
  using Base = BasicChannel<T, Wait>;
  using ring_type = StackRing<T, N, Wait>;

 public:
  explicit StackChannel(MetricsMode metrics = MetricsMode::off)
      : Base(Config{.ring_bits = static_cast<std::uint32_t>(std::countr_zero(N)),
                    .max_producers = static_cast<std::uint32_t>(P),
                    .metrics = metrics}),
        rings_(make_rings_(metrics, std::make_index_sequence<P>{})) {
    this->attach_slots_(slots_.data());
    for (std::uint32_t i = 0; i < P; ++i) this->preinstall_(i, rings_[i]);
  }

  /// As Channel::register_producer, without any allocation.
  [[nodiscard]] Result<typename Base::producer_type> register_producer() {
    return this->register_with_([this](std::uint32_t i) -> ring_type& { return rings_[i]; });
  }

 private:
  template <std::size_t... I>
  static std::array<ring_type, P> make_rings_(MetricsMode m, std::index_sequence<I...>) {
    return {{(static_cast<void>(I), ring_type(m))...}};
  }

  std::array<typename Base::Slot, P> slots_;
  std::array<ring_type, P> rings_;
};

}  // namespace ringmpsc

// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>

namespace ringmpsc {

/// Counters of one ring or, summed, of a channel. All zero unless Config::enable_metrics.
struct Metrics {
  std::uint64_t messages_sent = 0;      ///< items published by producers
  std::uint64_t batches_sent = 0;       ///< publications (one per push, send or commit)
  std::uint64_t messages_received = 0;  ///< items consumed
  std::uint64_t batches_received = 0;   ///< head updates (one per consume call or advance)
  std::uint64_t reserve_spins = 0;      ///< backoff steps producers took on a full ring
  std::uint64_t waits = 0;              ///< times a thread parked in a blocking wait
  std::uint64_t wakeups = 0;            ///< wake calls that found a parked thread

  Metrics& operator+=(const Metrics& o) noexcept {
    messages_sent += o.messages_sent;
    batches_sent += o.batches_sent;
    messages_received += o.messages_received;
    batches_received += o.batches_received;
    reserve_spins += o.reserve_spins;
    waits += o.waits;
    wakeups += o.wakeups;
    return *this;
  }
  friend bool operator==(const Metrics&, const Metrics&) = default;
};

namespace detail {
/// A counter with a single writer: a relaxed load and store (no read-modify-write), so the
/// owner pays a plain add and other threads may read it without a data race.
class Counter {
 public:
  void add(std::uint64_t n) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t get() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};
}  // namespace detail

}  // namespace ringmpsc

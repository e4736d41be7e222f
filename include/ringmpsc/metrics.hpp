// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace ringmpsc {

/// Counters of one ring or, summed, of a channel. All zero unless metrics are on
/// (MetricsMode::on in the Config or the stack type's constructor).
struct Metrics {
  std::uint64_t messages_sent = 0;      ///< items published by producers
  std::uint64_t batches_sent = 0;       ///< publications (one per push, send or commit)
  std::uint64_t messages_received = 0;  ///< items consumed
  std::uint64_t batches_received = 0;   ///< head updates (one per pop, recv, consume or advance)
  std::uint64_t waits = 0;              ///< times a thread parked in a blocking wait
  std::uint64_t wakeups = 0;            ///< wake calls that found a parked thread

  Metrics& operator+=(const Metrics& o) noexcept {
    messages_sent += o.messages_sent;
    batches_sent += o.batches_sent;
    messages_received += o.messages_received;
    batches_received += o.batches_received;
    waits += o.waits;
    wakeups += o.wakeups;
    return *this;
  }
  friend bool operator==(const Metrics&, const Metrics&) = default;
};

}  // namespace ringmpsc

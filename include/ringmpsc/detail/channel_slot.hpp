// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>

#include "event_count.hpp"
#include "platform.hpp"
#include "ring_core.hpp"

namespace ringmpsc::detail {

/// free -> active (register_producer) -> retired (Producer dropped) -> active again once
/// the consumer has drained the ring (a later register_producer).
enum class SlotState : std::uint8_t { free, active, retired };

/// One producer's place in a channel: its ring (allocated on first use, kept for reuse)
/// and the event count a producer waiting for space parks on.
template <class T>
struct alignas(cache_line) ChannelSlot {
  std::atomic<BasicRing<T>*> ring{nullptr};
  std::atomic<SlotState> state{SlotState::free};
  EventCount space;
};

}  // namespace ringmpsc::detail

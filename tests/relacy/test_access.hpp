// The Relacy tests' view of library internals (the library declares TestAccess and makes
// it a friend; each test program defines it). Include after the library's headers.
#pragma once

#include <cstdint>

#include <ringmpsc/basic_channel.hpp>
#include <ringmpsc/basic_ring.hpp>

namespace ringmpsc::detail {
struct TestAccess {
  /// Starts a ring, before any thread uses it, at sequence `seq`.
  template <class T, class W>
  static void set_sequence(BasicRing<T, W>& ring, std::uint64_t seq) {
    RingCore<T>& r = ring.core_;
    r.p_.tail.store(seq, std::memory_order_relaxed);
    r.p_.cached_head = seq;
    r.c_.head.store(seq, std::memory_order_relaxed);
    r.c_.cached_tail = seq;
  }
  /// The event count a channel's consumer parks on.
  template <class T, class W>
  static const EventCount& data_event(const BasicChannel<T, W>& ch) {
    return ch.core_.data_counts();
  }
};
}  // namespace ringmpsc::detail

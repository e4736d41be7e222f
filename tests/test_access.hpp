// TestAccess: the tests' view of library internals (the library declares it and makes it
// a friend; only the tests define it). Shared by the Catch2 suites and the Relacy tests.
#pragma once

#include <cstdint>
#include <optional>

#include <ringmpsc/basic_channel.hpp>
#include <ringmpsc/basic_ring.hpp>

namespace ringmpsc::detail {
/// Defined only here: lets tests start a ring at any sequence and read its indices.
struct TestAccess {
  template <class T>
  static RingCore<T>& core(RingCore<T>& r) { return r; }
  template <class T>
  static const RingCore<T>& core(const RingCore<T>& r) { return r; }
  template <class T, class W>
  static RingCore<T>& core(BasicRing<T, W>& r) { return r.core_; }
  template <class T, class W>
  static const RingCore<T>& core(const BasicRing<T, W>& r) { return r.core_; }

  template <class R>
  static void set_sequence(R& ring, std::uint64_t seq) {
    auto& r = core(ring);
    r.p_.tail.store(seq);
    r.p_.write_end.store(seq);  // no write in flight: the marker at the tail
    r.p_.limit = seq + r.capacity();
    r.c_.head.store(seq);
    r.c_.pos = seq;
    r.c_.hand_back_at = seq + r.c_.quantum;
    r.c_.cached_tail = seq;
  }
  /// The head the consumer has handed back to the producer.
  template <class R>
  static std::uint64_t head(const R& r) { return core(r).c_.head.load(); }
  /// Sets how often the consumer hands slots back (tests of the hand-back rule on small rings;
  /// q < 2^63, the mark is head + q).
  template <class R>
  static void set_quantum(R& r, std::uint64_t q) {
    auto& c = core(r).c_;
    c.hand_back_at = c.head.load() + q;
    c.quantum = q;
  }
  /// Where the consumer is (head <= position).
  template <class R>
  static std::uint64_t position(const R& r) { return core(r).c_.pos; }
  template <class R>
  static std::uint64_t tail(const R& r) { return core(r).p_.tail.load(); }
  template <class R>
  static std::uint64_t cached_head(const R& r) {
    const auto& c = core(r);
    return (c.reservation_open() ? c.p_.saved_limit : c.p_.limit) - c.capacity();
  }
  template <class R>
  static std::uint64_t cached_tail(const R& r) { return core(r).c_.cached_tail; }
  /// The ring core of a channel's producer slot (nullptr before its first registration).
  template <class T, class W>
  static RingCore<T>* ring_of(BasicChannel<T, W>& ch, std::uint32_t slot) {
    return ch.core_.slot(slot).ring.load();
  }
  /// The channel consumer's poll across rings with a caller's take(ring, want) (what the
  /// consumer API passes it), so a test can see which rings one call asks.
  template <class T, class W, class Take>
  static std::size_t poll(BasicChannel<T, W>& ch, std::size_t max, Take&& take) {
    return ch.core_.poll(max, take);
  }
  /// A channel slot's state (free, active, retired: ChannelSlot::state).
  template <class T, class W>
  static SlotState slot_state(BasicChannel<T, W>& ch, std::uint32_t slot) {
    return ch.core_.slot(slot).state.load();
  }
  /// Whether a registration has ever succeeded (one that close() refused does not count).
  template <class T, class W>
  static bool had_producer(BasicChannel<T, W>& ch) { return ch.core_.shared_.had_producer.load(); }
  /// The consumer's check without a wait (what Readiness::check() reports): ok, closed,
  /// disconnected, or nullopt (wait on).
  template <class T, class W>
  static std::optional<Status> settle(BasicChannel<T, W>& ch) { return ch.settle_(); }
  /// Whether close() has sealed the channel (every write in flight published).
  template <class T, class W>
  static bool sealed(BasicChannel<T, W>& ch) { return ch.core_.sealed(); }
  /// Whether a Producer dropped before the ring's open reservation ended (the reservation
  /// retires the slot when it ends).
  template <class R>
  static bool orphaned(const R& r) { return core(r).p_.on_release != nullptr; }
  /// Whether the ring's writes use full fences for F3 and F1 (its write mode's fence bit).
  template <class R>
  static bool full_fences(const R& r) {
    const auto& c = core(r);
    return (c.p_.mode.load() & c.mode_full_fence) != 0;
  }
  /// Whether a write is in flight: the in-flight marker lies beyond the tail.
  template <class R>
  static bool write_in_flight(const R& r) { return core(r).write_in_flight_(); }
  /// The in-flight marker: the end of the last write that set it (the tail when no write
  /// is in flight).
  template <class R>
  static std::uint64_t write_end(const R& r) { return core(r).p_.write_end.load(); }
  /// The event count a channel's consumer parks on.
  template <class T, class W>
  static const EventCount& data_event(const BasicChannel<T, W>& ch) {
    return ch.core_.data_counts();
  }
  /// The slot that holds sequence `seq` (the consumer's view, without changing any state).
  template <class R>
  static const auto& peek(const R& ring, std::uint64_t seq) {
    const auto& r = core(ring);
    return r.c_.slots[seq & r.c_.mask];
  }
};
}  // namespace ringmpsc::detail

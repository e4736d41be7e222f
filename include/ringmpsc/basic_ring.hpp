// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "config.hpp"
#include "consumer_api.hpp"
#include "detail/asymmetric_fence.hpp"
#include "detail/event_count.hpp"
#include "detail/platform.hpp"
#include "detail/ring_core.hpp"
#include "error.hpp"
#include "metrics.hpp"
#include "producer_api.hpp"
#include "wait.hpp"

namespace ringmpsc {

template <class T, class Wait>
class BasicChannel;

namespace detail {
/// Where a ring's waiting consumer and producer park; empty for policies that never park.
template <bool Parks>
struct RingEvents {
  EventCount* data() noexcept { return nullptr; }
  EventCount* space() noexcept { return nullptr; }
  std::uint64_t parks() const noexcept { return 0; }
  std::uint64_t wakeups() const noexcept { return 0; }
};
template <>
struct RingEvents<true> {
  EventCount data_, space_;
  EventCount* data() noexcept { return &data_; }
  EventCount* space() noexcept { return &space_; }
};

/// A ring's counters, with the waits of its producer side (the consumer side's event
/// count may be a channel's, shared by every ring: its owner adds it once).
template <class T>
Metrics producer_side_metrics(const RingCore<T>& core) noexcept {
  const auto c = core.counts();
  Metrics m;
  m.messages_sent = c.sent;
  m.batches_sent = c.publications;
  m.messages_received = c.received;
  m.batches_received = c.releases;
  if (const EventCount* space = core.space_event()) {
    m.waits = space->parks();
    m.wakeups = space->wakeups();
  }
  return m;
}
}  // namespace detail

/// The capacity-free core of Ring<T, Wait, Allocator> and StackRing<T, N, Wait>: a bounded
/// single-producer single-consumer ring over slots its owner provides, with the whole
/// producer API (ProducerApi) and consumer API (ConsumerApi). A routine that takes
/// `BasicRing<T, Wait>&` works with either ring type.
///
/// Threads: producer-side members from one producer thread at a time, consumer-side
/// members from one consumer thread at a time, close/is_closed/was_*/capacity/metrics
/// from any thread.
template <class T, WaitPolicy Wait = default_wait>
class BasicRing : public ProducerApi<BasicRing<T, Wait>, T, Wait>,
                  public ConsumerApi<BasicRing<T, Wait>, T, Wait> {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using wait_policy = Wait;

  BasicRing(const BasicRing&) = delete;
  BasicRing& operator=(const BasicRing&) = delete;

  // ---------------------------------------------------------- consumer: zero-copy ---

  /// The published items from the oldest up to the end of the ring, to read in place
  /// (never blocks; empty when nothing is readable). Reads the producer's index only when
  /// the cached copy shows nothing.
  [[nodiscard]] std::span<const T> readable() noexcept { return core_.readable(); }
  /// Consumes (destroys) the n oldest items. n may be anything up to the published items
  /// (not only what readable() showed); beyond that it throws Error(advance_too_large)
  /// and consumes nothing.
  void advance(size_type n) {
    if (!core_.advance(n)) throw Error(Errc::advance_too_large);
  }

  // ---------------------------------------------------------------------- any thread ---

  [[nodiscard]] bool was_empty() const noexcept { return this->was_size() == 0; }
  [[nodiscard]] bool was_full() const noexcept { return this->was_size() == this->capacity(); }

  /// Every later write fails; once the writes in flight have published, a consumer
  /// receives everything that was published and then Status::closed; every waiter wakes.
  /// Waits for writes in flight (each is one construction or copy). Idempotent.
  void close() noexcept {
    core_.mark_closed();
    detail::AsymmetricFence::heavy();  // F4: pairs with F3 in every write
    core_.wait_writers();
    core_.seal();
    if (auto* e = events_.data()) e->notify();
    if (auto* e = events_.space()) e->notify();
  }

  /// Counters (all zero unless metrics were turned on at construction).
  [[nodiscard]] Metrics metrics() const noexcept {
    Metrics m = detail::producer_side_metrics(core_);
    if (const detail::EventCount* data = core_.data_event()) {
      m.waits += data->parks();
      m.wakeups += data->wakeups();
    }
    return m;
  }

  /// Layout contract (tests/contract_test.cpp): producer and consumer state each own
  /// whole 128-byte blocks.
  static constexpr std::size_t producer_block_size = detail::RingCore<T>::producer_block_size;
  static constexpr std::size_t consumer_block_size = detail::RingCore<T>::consumer_block_size;
  static constexpr std::size_t block_alignment = detail::RingCore<T>::block_alignment;

 protected:
  BasicRing(T* slots, size_type capacity, MetricsMode metrics) noexcept
      : core_(slots, capacity, metrics == MetricsMode::on) {
    core_.attach(events_.data(), events_.space());
  }
  ~BasicRing() = default;

  /// Destroys the items still in the ring; the owner calls it while the slots are alive.
  void destroy_remaining_() noexcept { core_.destroy_remaining(); }

 private:
  friend class ProducerApi<BasicRing, T, Wait>;
  friend class ConsumerApi<BasicRing, T, Wait>;
  friend class BasicChannel<T, Wait>;
  friend struct detail::TestAccess;
  friend struct detail::ReadinessAccess;

  // ProducerApi's ring.
  detail::RingCore<T>& producer_core_() noexcept { return core_; }
  const detail::RingCore<T>& producer_core_() const noexcept { return core_; }

  // ConsumerApi's primitives.
  RINGMPSC_ALWAYS_INLINE bool pop_(T& out) noexcept(std::is_nothrow_move_assignable_v<T>) {
    return core_.try_pop(out);
  }
  RINGMPSC_ALWAYS_INLINE size_type recv_(T* out, size_type max) noexcept(std::is_nothrow_move_assignable_v<T>) {
    return core_.try_recv(out, max);
  }
  template <class H>
  RINGMPSC_ALWAYS_INLINE size_type drain_(size_type max, H& h) {
    return core_.drain(max, h);
  }
  // Sealed first (A10): once sealed, what it finds readable after is everything.
  std::optional<Status> settle_() noexcept {
    const bool sealed = core_.is_sealed();
    if (core_.has_readable()) return Status::ok;
    if (sealed) return Status::closed;
    return std::nullopt;
  }
  detail::EventCount* data_event_() noexcept { return events_.data(); }

  detail::RingCore<T> core_;
  [[no_unique_address]] detail::RingEvents<Wait::parks> events_;
};

}  // namespace ringmpsc

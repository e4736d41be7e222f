// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "basic_ring.hpp"
#include "config.hpp"
#include "consumer_api.hpp"
#include "detail/channel_core.hpp"
#include "detail/platform.hpp"
#include "error.hpp"
#include "metrics.hpp"
#include "producer.hpp"
#include "result.hpp"
#include "wait.hpp"

namespace ringmpsc {

/// What Channel and StackChannel share: producer registration and ring reuse, and the
/// whole consumer API (ConsumerApi) across every producer's ring, round robin. A routine
/// that takes `BasicChannel<T, Wait>&` works with either channel type.
///
/// Threads: register_producer, close, is_closed and the queries from any thread; the
/// consumer API from one consumer thread at a time. FIFO holds per producer; items of
/// different producers are not ordered.
template <class T, class Wait>
class BasicChannel : public ConsumerApi<BasicChannel<T, Wait>, T, Wait> {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using producer_type = Producer<T, Wait>;
  using wait_policy = Wait;

  BasicChannel(const BasicChannel&) = delete;
  BasicChannel& operator=(const BasicChannel&) = delete;

  // ---------------------------------------------------------------------- any thread ---

  /// Stops registration and every producer's writes. Once the writes in flight have
  /// published (each is one construction or copy), the consumer receives everything
  /// that was published and then Status::closed; every waiter wakes. Idempotent.
  void close() noexcept { core_.close(); }
  [[nodiscard]] bool is_closed() const noexcept { return core_.is_closed(); }
  /// True while no producer is live although at least one has registered.
  [[nodiscard]] bool is_disconnected() const noexcept { return core_.disconnected(); }
  /// Live producers (a snapshot): registered and not dropped, or dropped with a
  /// reservation still open.
  [[nodiscard]] std::uint32_t producer_count() const noexcept { return core_.live(); }
  [[nodiscard]] std::uint32_t max_producers() const noexcept { return core_.max_producers(); }
  /// Slots of each ring.
  [[nodiscard]] size_type capacity() const noexcept { return config_.capacity(); }
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  /// Rings that exist: Channel allocates one on a registration that finds no ring to
  /// reuse; StackChannel has all P from construction.
  [[nodiscard]] std::uint32_t ring_count() const noexcept { return core_.ring_count(); }

  /// Counters summed over all rings, plus waits and wake-ups (zero unless metrics are on).
  [[nodiscard]] Metrics metrics() const noexcept {
    Metrics m;
    if (config_.metrics == MetricsMode::off) return m;
    for (std::uint32_t i = 0; i < core_.max_producers(); ++i) {
      if (const auto* r = core_.slot(i).ring.load(std::memory_order_acquire))
        m += detail::producer_side_metrics(*r);
    }
    m.waits += core_.data_counts().parks();
    m.wakeups += core_.data_counts().wakeups();
    return m;
  }

 protected:
  using Slot = detail::ChannelSlot<T>;

  explicit BasicChannel(const Config& config)
      : config_(config.validate()), core_(config_.max_producers, Wait::parks) {}
  ~BasicChannel() = default;

  /// The derived channel's array of max_producers slots.
  void attach_slots_(Slot* slots) noexcept { core_.attach_slots(slots); }

  /// A Producer bound to a free ring, or: Errc::too_many_producers, Errc::channel_closed,
  /// Errc::rings_not_drained. make(i) returns the ring of slot i the first time it is used
  /// (what it throws, such as std::bad_alloc, propagates).
  template <class MakeRing>
  Result<producer_type> register_with_(MakeRing&& make) {
    const auto claimed = core_.claim([&](std::uint32_t i) { return &make(i).core_; });
    switch (claimed.outcome) {
      case detail::ChannelCore<T>::Outcome::ok: break;
      case detail::ChannelCore<T>::Outcome::too_many_producers: return Errc::too_many_producers;
      case detail::ChannelCore<T>::Outcome::rings_not_drained: return Errc::rings_not_drained;
      case detail::ChannelCore<T>::Outcome::closed: return Errc::channel_closed;
    }
    auto& slot = core_.slot(claimed.index);
    return producer_type(slot.ring.load(std::memory_order_acquire), &slot, claimed.index);
  }

  /// Wires a ring made up front (StackChannel) as a registration would.
  void preinstall_(std::uint32_t i, BasicRing<T, Wait>& ring) noexcept {
    core_.install(ring.core_);
    core_.slot(i).ring.store(&ring.core_, std::memory_order_release);
  }

 private:
  friend class ConsumerApi<BasicChannel, T, Wait>;
  friend struct detail::TestAccess;
  friend struct detail::ReadinessAccess;

  // ConsumerApi's primitives.
  // The take callbacks are forced inline like poll (detail/platform.hpp).
  RINGMPSC_ALWAYS_INLINE bool pop_(T& out) noexcept(std::is_nothrow_move_assignable_v<T>) {
    return core_.poll(1, [&out](detail::RingCore<T>& r, size_type) RINGMPSC_LAMBDA_INLINE {
      return static_cast<size_type>(r.try_pop(out));
    }) != 0;
  }
  RINGMPSC_ALWAYS_INLINE size_type recv_(T* out, size_type max) noexcept(
      std::is_nothrow_move_assignable_v<T>) {
    return core_.poll(max, [&out](detail::RingCore<T>& r, size_type want) RINGMPSC_LAMBDA_INLINE {
      const size_type n = r.try_recv(out, want);
      out += n;
      return n;
    });
  }
  template <class H>
  RINGMPSC_ALWAYS_INLINE size_type drain_(size_type max, H& h) {
    return core_.poll(max, [&h](detail::RingCore<T>& r, size_type want) RINGMPSC_LAMBDA_INLINE {
      return r.drain(want, h);
    });
  }
  // Sealed (A10) and disconnected (A5) first: what is readable after them is everything.
  std::optional<Status> settle_() noexcept {
    const bool sealed = core_.sealed();
    const bool gone = core_.disconnected();
    if (core_.any_readable()) return Status::ok;
    if (sealed) return Status::closed;
    if (gone) return Status::disconnected;
    return std::nullopt;  // nothing to report yet (a producer may have registered again)
  }
  detail::EventCount* data_event_() noexcept { return core_.data_event(); }

  Config config_;
  detail::ChannelCore<T> core_;
};

}  // namespace ringmpsc

// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>

#include "../config.hpp"
#include "../error.hpp"
#include "../metrics.hpp"
#include "../producer.hpp"
#include "../wait.hpp"
#include "channel_slot.hpp"
#include "event_count.hpp"
#include "ring_core.hpp"

namespace ringmpsc {

/// How far a blocking receive got.
struct [[nodiscard]] RecvResult {
  Status status;     ///< ok, timed_out, or closed (closed and drained)
  std::size_t count; ///< items moved out
};

/// The MPSC front shared by Channel and StackChannel: producer registration and ring
/// reuse, polling consumption across rings, blocking waits, close.
///
/// Threads: register_producer from any thread; the consume_*, recv*, wait* members from
/// one consumer thread at a time; close/is_closed/producer_count/metrics from any thread.
/// FIFO holds per producer; items of different producers are not ordered.
template <class T, class Wait>
class ChannelBase {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using producer_type = Producer<T, Wait>;
  using wait_policy = Wait;

  ChannelBase(const ChannelBase&) = delete;
  ChannelBase& operator=(const ChannelBase&) = delete;

  // ------------------------------------------------------------------ consumer side ---

  /// Drains every ring, handing h(const T&) each item; one acquire and one head update per
  /// ring. Returns the count.
  template <class H>
  size_type consume_all(H&& h) {
    return poll_<false>(max_batch_, h);
  }
  /// At most max items. Starts at a different ring each call (round robin), so one busy
  /// producer cannot starve the others.
  template <class H>
  size_type consume_all_up_to(size_type max, H&& h) {
    return poll_<false>(max, h);
  }
  /// As consume_all, handing h(T&&).
  template <class H>
  size_type consume_all_owned(H&& h) {
    return poll_<true>(max_batch_, h);
  }
  template <class H>
  size_type consume_all_up_to_owned(size_type max, H&& h) {
    return poll_<true>(max, h);
  }
  /// Moves up to out.size() items into out (round robin across rings); returns the count.
  [[nodiscard]] size_type recv(std::span<T> out)
    requires std::is_move_assignable_v<T>
  {
    T* dst = out.data();
    auto move_out = [&dst](T&& v) { *dst++ = std::move(v); };
    return poll_<true>(out.size(), move_out);
  }

  /// Moves one item into out (round robin across rings). False when every ring is empty.
  [[nodiscard]] bool try_pop(T& out)
    requires std::is_move_assignable_v<T>
  {
    return recv(std::span<T>(&out, 1)) == 1;
  }

  /// Waits until an item is readable (ok), the channel is closed and drained (closed),
  /// every producer has gone and everything is drained (disconnected: at least one
  /// producer registered, none is live now; a later registration reconnects), or the
  /// deadline passes (timed_out). Items published before close() or before their
  /// producer went are still delivered: wait returns ok while any remain.
  [[nodiscard]] Status wait_until(Deadline deadline) {
    for (;;) {
      const Status s = detail::wait_until<Wait>(
          &data_,
          [this] {
            const bool gone = disconnected_();  // first: its acquire makes the last items visible
            return gone || any_readable_() || closed_.load(std::memory_order_acquire);
          },
          deadline);
      if (s != Status::ok) return s;
      const bool gone = disconnected_();
      if (any_readable_()) return Status::ok;
      if (closed_.load(std::memory_order_acquire)) return Status::closed;
      if (gone) return Status::disconnected;
      // A producer registered again between the two checks: wait on.
    }
  }
  template <class Rep, class Period>
  [[nodiscard]] Status wait_for(std::chrono::duration<Rep, Period> timeout) {
    return wait_until(detail::deadline_after(timeout));
  }
  [[nodiscard]] Status wait() { return wait_until(detail::no_deadline); }

  /// recv(), waiting until at least one item arrives.
  RecvResult recv_until(std::span<T> out, Deadline deadline)
    requires std::is_move_assignable_v<T>
  {
    for (;;) {
      if (const size_type n = recv(out); n != 0 || out.empty()) return {Status::ok, n};
      if (const Status s = wait_until(deadline); s != Status::ok) return {s, 0};
    }
  }
  template <class Rep, class Period>
  RecvResult recv_for(std::span<T> out, std::chrono::duration<Rep, Period> timeout)
    requires std::is_move_assignable_v<T>
  {
    return recv_until(out, detail::deadline_after(timeout));
  }

  // ---------------------------------------------------------------------- any thread ---

  /// Stops registration and every producer's writes, and wakes every blocked thread.
  /// The consumer still receives everything published before; a write racing with close()
  /// either fails with closed or is published (and then delivered to a later drain).
  void close() noexcept {
    closed_.store(true, std::memory_order_seq_cst);  // pairs with the seq_cst load in
                                                     // register_with_ (registration race)
    for (std::uint32_t i = 0; i < max_producers_; ++i) {
      if (BasicRing<T>* r = slots_[i].ring.load(std::memory_order_seq_cst)) r->close();
    }
    if constexpr (Wait::parks) {
      data_.notify();
      for (std::uint32_t i = 0; i < max_producers_; ++i) slots_[i].space.notify();
    }
  }
  [[nodiscard]] bool is_closed() const noexcept {
    return closed_.load(std::memory_order_acquire);
  }
  /// True while no producer is live although at least one has registered.
  [[nodiscard]] bool is_disconnected() const noexcept { return disconnected_(); }
  /// Live producers (registered and not yet dropped).
  [[nodiscard]] std::uint32_t producer_count() const noexcept {
    return live_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint32_t max_producers() const noexcept { return max_producers_; }
  /// Slots of each ring.
  [[nodiscard]] size_type capacity() const noexcept { return config_.capacity(); }
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  /// Rings allocated so far (rings are created on first registration and then reused).
  [[nodiscard]] std::uint32_t ring_count() const noexcept {
    std::uint32_t n = 0;
    for (std::uint32_t i = 0; i < max_producers_; ++i)
      n += slots_[i].ring.load(std::memory_order_acquire) != nullptr;
    return n;
  }

  /// Counters summed over all rings (zero unless Config::enable_metrics).
  [[nodiscard]] Metrics metrics() const noexcept {
    Metrics m;
    if (!config_.enable_metrics) return m;
    for (std::uint32_t i = 0; i < max_producers_; ++i) {
      if (const BasicRing<T>* r = slots_[i].ring.load(std::memory_order_acquire))
        m += r->metrics();
      m.waits += slots_[i].space.parks();
      m.wakeups += slots_[i].space.wakeups();
    }
    m.waits += data_.parks();
    m.wakeups += data_.wakeups();
    return m;
  }

 protected:
  using Slot = detail::ChannelSlot<T>;

  explicit ChannelBase(const Config& config) : config_(config.validate()) {
    max_producers_ = config_.max_producers;
  }
  ~ChannelBase() {
    RINGMPSC_ASSERT(live_.load(std::memory_order_acquire) == 0,
                    "channel destroyed while producers are alive");
  }

  /// The derived channel's slot array, max_producers long.
  void attach_slots_(Slot* slots) noexcept { slots_ = slots; }
  Slot* slots_data_() const noexcept { return slots_; }

  /// Claims a free slot (or a drained retired one) and binds a Producer to its ring;
  /// make(i) creates the ring of slot i the first time it is used.
  template <class MakeRing>
  Result<producer_type> register_with_(MakeRing&& make) {
    if (closed_.load(std::memory_order_acquire)) return Errc::channel_closed;
    std::uint32_t live = live_.load(std::memory_order_acquire);
    do {
      if (live >= max_producers_) return Errc::too_many_producers;
    } while (!live_.compare_exchange_weak(live, live + 1, std::memory_order_acq_rel,
                                          std::memory_order_acquire));
    for (std::uint32_t i = 0; i < max_producers_; ++i) {
      Slot& slot = slots_[i];
      detail::SlotState st = slot.state.load(std::memory_order_acquire);  // A4: pairs with R4
      if (st == detail::SlotState::active) continue;
      if (st == detail::SlotState::retired && !drained_(slot)) continue;
      if (!slot.state.compare_exchange_strong(st, detail::SlotState::active,
                                              std::memory_order_acq_rel))
        continue;
      BasicRing<T>* ring = slot.ring.load(std::memory_order_acquire);
      if (ring == nullptr) {
        try {
          ring = make(i);
        } catch (...) {
          slot.state.store(st, std::memory_order_release);
          unreserve_live_();
          throw;
        }
        install_(slot, *ring);
        slot.ring.store(ring, std::memory_order_seq_cst);  // release for the consumer
      }
      raise_high_water_(i + 1);
      had_producer_.store(true, std::memory_order_release);
      // Registration racing close(): either close() saw this ring (and closed it) or this
      // load sees the flag (seq_cst store and loads on both sides).
      if (closed_.load(std::memory_order_seq_cst)) {
        slot.state.store(st, std::memory_order_release);
        unreserve_live_();
        return Errc::channel_closed;
      }
      return producer_type(ring, &slot, &live_, i);
    }
    unreserve_live_();
    return Errc::rings_not_drained;
  }

  /// Ring slots preinstalled by StackChannel go through the same wiring. (Metrics are
  /// already on or off in every ring: Ring and StackRing take the flag when built.)
  void install_(Slot& slot, BasicRing<T>& ring) noexcept {
    if constexpr (Wait::parks) {
      ring.p_.notify_consumer = &data_;
      ring.c_.notify_producer = &slot.space;
    }
  }

 private:
  friend struct detail::TestAccess;
  static constexpr size_type max_batch_ = ~size_type{0};

  static bool drained_(const Slot& slot) noexcept {
    const BasicRing<T>* r = slot.ring.load(std::memory_order_acquire);
    // head (acquire) == tail: the consumer has consumed and destroyed every item.
    return r == nullptr || r->c_.head.load(std::memory_order_acquire) ==
                               r->p_.tail.load(std::memory_order_acquire);
  }

  void raise_high_water_(std::uint32_t n) noexcept {
    std::uint32_t hw = high_water_.load(std::memory_order_relaxed);
    while (hw < n &&
           !high_water_.compare_exchange_weak(hw, n, std::memory_order_release,
                                              std::memory_order_relaxed)) {
    }
  }

  // Gives back a live count reserved by a registration that then failed. A consumer may
  // have seen the reserved count and parked; if this makes the channel disconnected again,
  // wake it (as ~Producer does for the last producer).
  void unreserve_live_() noexcept {
    if (live_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      if constexpr (Wait::parks) data_.notify();
    }
  }

  bool disconnected_() const noexcept {
    // live_ acquire pairs with the release decrement in ~Producer: what the last producer
    // published before it went is visible to the readability check that follows.
    return live_.load(std::memory_order_acquire) == 0 && had_producer_.load(std::memory_order_acquire);
  }

  bool any_readable_() const noexcept {
    const std::uint32_t hw = high_water_.load(std::memory_order_acquire);
    for (std::uint32_t i = 0; i < hw; ++i) {
      const BasicRing<T>* r = slots_[i].ring.load(std::memory_order_acquire);
      if (r != nullptr && r->p_.tail.load(std::memory_order_acquire) !=  // A1
                              r->c_.head.load(std::memory_order_relaxed))
        return true;
    }
    return false;
  }

  template <bool Owned, class H>
  size_type poll_(size_type max, H& h) {
    const std::uint32_t hw = high_water_.load(std::memory_order_acquire);
    if (hw == 0 || max == 0) return 0;
    const std::uint32_t start = next_start_ < hw ? next_start_ : 0;
    next_start_ = start + 1;
    size_type total = 0;
    for (std::uint32_t k = 0; k < hw && total < max; ++k) {
      const std::uint32_t i = start + k < hw ? start + k : start + k - hw;
      if (BasicRing<T>* r = slots_[i].ring.load(std::memory_order_acquire))
        total += r->template drain_<Owned>(max - total, h);
    }
    return total;
  }

  Config config_;
  Slot* slots_ = nullptr;
  std::uint32_t max_producers_ = 0;
  std::uint32_t next_start_ = 0;  // consumer-owned round-robin cursor
  alignas(detail::cache_line) std::atomic<std::uint32_t> high_water_{0};
  std::atomic<std::uint32_t> live_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> had_producer_{false};
  detail::EventCount data_;  // the consumer parks here; producers notify after R1
};

}  // namespace ringmpsc

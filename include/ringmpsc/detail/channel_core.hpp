// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>

#include "asymmetric_fence.hpp"
#include "contract.hpp"
#include "event_count.hpp"
#include "platform.hpp"
#include "ring_core.hpp"

namespace ringmpsc::detail {

/// free -> active (registration) -> retired (its Producer dropped, and any reservation that
/// Producer left open ended) -> active again once the consumer has drained the ring.
enum class SlotState : std::uint8_t { free, active, retired };

/// What every producer of a channel shares: the live count and where the consumer parks.
struct ChannelShared {
  std::atomic<std::uint32_t> live{0};
  std::atomic<bool> had_producer{false};
  EventCount* data_event = nullptr;  // nullptr for channels that never park
};

/// One producer's place in a channel: its ring (allocated on first use, kept for reuse) and
/// its state.
template <class T>
struct alignas(cache_line) ChannelSlot {
  std::atomic<RingCore<T>*> ring{nullptr};  // R7/A7 (and SC1/SC2 with close)
  std::atomic<SlotState> state{SlotState::free};
  ChannelShared* shared = nullptr;

  /// Hands the ring back: R4 then R5, and wakes the consumer when this was the last live
  /// producer (it may be waiting for `disconnected`). Runs when a Producer is dropped, or
  /// when the reservation a dropped Producer left open ends.
  void retire() noexcept {
    // R4: hands the producer side (tail, cached head) to the next owner; pairs with A4.
    state.store(SlotState::retired, std::memory_order_release);
    // R5: what this producer published is visible to whoever sees the count drop (A5).
    if (shared->live.fetch_sub(1, std::memory_order_acq_rel) == 1 && shared->data_event)
      shared->data_event->notify();
  }
  static void retire_thunk(void* slot) noexcept { static_cast<ChannelSlot*>(slot)->retire(); }
};

/// The channel protocol: registration and ring reuse, the consumer's poll across rings,
/// disconnection, and close. Owns no ring; the public channel types make them.
///
/// Labels (docs/memory-ordering.md): R4/A4 slot state, R5/A5 live count, R7/A7 ring
/// pointers, R8/A8 high-water mark, F4/A9 close waiting for writers (each ring's tail up to
/// its in-flight marker), R10/A10 the seal, SC1/SC2 registration racing close.
template <class T>
class ChannelCore {
 public:
  using size_type = std::size_t;
  enum class Outcome : std::uint8_t { ok, too_many_producers, rings_not_drained, closed };
  struct Claimed {
    Outcome outcome;
    std::uint32_t index;
  };

  ChannelCore(std::uint32_t max_producers, bool parks) noexcept : max_producers_(max_producers) {
    shared_.data_event = parks ? &data_ : nullptr;
  }
  /// The owner's array of max_producers slots; set before the channel is shared.
  void attach_slots(ChannelSlot<T>* slots) noexcept {
    slots_ = slots;
    for (std::uint32_t i = 0; i < max_producers_; ++i) slots_[i].shared = &shared_;
  }
  ChannelCore(const ChannelCore&) = delete;
  ChannelCore& operator=(const ChannelCore&) = delete;
  ~ChannelCore() {
    if (shared_.live.load(std::memory_order_acquire) != 0)
      fatal_violation("channel destroyed while producers (or reservations they left open) live");
  }

  /// Makes `ring` (the core of slot i, just constructed) notify this channel's consumer.
  void install(RingCore<T>& ring) noexcept {
    if (shared_.data_event != nullptr) ring.attach(&data_, ring.space_event());
  }

  /// Claims a free slot, or a retired one whose ring is drained, for a new producer.
  /// make(i) returns the core of slot i's ring the first time the slot is used (it may
  /// throw: the claim is then undone and the exception propagates).
  template <class MakeRing>
  Claimed claim(MakeRing&& make) {
    if (closed_.load(std::memory_order_acquire)) return {Outcome::closed, 0};
    std::uint32_t live = shared_.live.load(std::memory_order_acquire);
    do {
      if (live >= max_producers_) return {Outcome::too_many_producers, 0};
    } while (!shared_.live.compare_exchange_weak(live, live + 1, std::memory_order_acq_rel,
                                                 std::memory_order_acquire));
    for (std::uint32_t i = 0; i < max_producers_; ++i) {
      ChannelSlot<T>& slot = slots_[i];
      SlotState st = slot.state.load(std::memory_order_acquire);  // A4: pairs with R4
      if (st == SlotState::active) continue;
      if (st == SlotState::retired && !drained_(slot)) continue;
      if (!slot.state.compare_exchange_strong(st, SlotState::active, std::memory_order_acq_rel))
        continue;
      // The CAS only says the state was `retired` again: another registration may have
      // claimed the slot after the check above, written, and dropped its producer. Now the
      // slot is ours and nobody else writes its ring, so a drained ring stays drained.
      if (st == SlotState::retired && !drained_(slot)) {
        slot.state.store(st, std::memory_order_release);
        continue;
      }
      if (slot.ring.load(std::memory_order_acquire) == nullptr) {  // A7
        RingCore<T>* ring = nullptr;
        try {
          ring = make(i);
        } catch (...) {
          slot.state.store(st, std::memory_order_release);
          give_back_live_();
          throw;
        }
        install(*ring);
        slot.ring.store(ring, std::memory_order_seq_cst);  // R7, and SC1 with close()
      }
      raise_high_water_(i + 1);
      // SC1: either close() saw this ring (and closed it) or this load sees the flag.
      if (closed_.load(std::memory_order_seq_cst)) {
        slot.state.store(st, std::memory_order_release);
        give_back_live_();
        return {Outcome::closed, 0};
      }
      // Only a registration that succeeds counts as a producer that came (disconnection).
      shared_.had_producer.store(true, std::memory_order_release);
      return {Outcome::ok, i};
    }
    give_back_live_();
    return {Outcome::rings_not_drained, 0};
  }

  [[nodiscard]] ChannelSlot<T>& slot(std::uint32_t i) noexcept { return slots_[i]; }
  [[nodiscard]] const ChannelSlot<T>& slot(std::uint32_t i) const noexcept { return slots_[i]; }

  // ------------------------------------------------------------------ consumer side ---

  /// How many items in a row calls for fewer items (try_pop, a small try_recv or
  /// try_consume) take from one ring before moving on to the next, even while that ring
  /// has more: one busy producer cannot starve the others, and a consumer taking a few
  /// items at a time stays on one ring's hot lines meanwhile.
  static constexpr size_type streak_limit = 256;

  /// Calls take(ring, want) on the rings in round-robin order; take returns how many it
  /// took. A call for streak_limit items or more visits every ring once, starting one ring
  /// further on each call, and takes up to what is left of `max` from each. A smaller call
  /// stays on the ring the previous one ended on while that ring gives what is asked and
  /// its streak is below streak_limit, and otherwise moves on to the next ring that has
  /// items (asking each ring at most once).
  template <class Take>
  RINGMPSC_ALWAYS_INLINE size_type poll(size_type max, Take&& take) {
    if (max == 0) return 0;
    if (max >= streak_limit) return poll_every_ring_(max, take);
    size_type total = 0;
    std::uint32_t asked = 0;  // rings this call has asked already
    if (current_ != nullptr) {  // the fast path: no look-up at all
      const size_type want = std::min(max, streak_limit - streak_);
      total = take(*current_, want);
      streak_ += total;
      if (total == want && streak_ < streak_limit) return total;
      current_ = nullptr;  // dry, or its streak is over: on to the next ring
      ++cursor_;
      asked = 1;  // the scan below visits the others only: asking a dry ring twice would
                  // read its producer's tail line twice in one call
    }
    const std::uint32_t hw = high_water_.load(std::memory_order_acquire);  // A8: pairs with R8
    for (std::uint32_t visited = asked; visited < hw && total < max; ++visited, ++cursor_) {
      if (cursor_ >= hw) cursor_ = 0;
      RingCore<T>* r = slots_[cursor_].ring.load(std::memory_order_acquire);  // A7: pairs with R7
      if (r == nullptr) continue;
      const size_type want = max - total;
      const size_type n = take(*r, want);
      total += n;
      if (n == want) {  // it has more: stay on it
        current_ = r;
        streak_ = n;
        return total;
      }
    }
    return total;
  }

  /// Consumer thread: whether any ring has a published item.
  [[nodiscard]] bool any_readable() noexcept {
    const std::uint32_t hw = high_water_.load(std::memory_order_acquire);  // A8
    for (std::uint32_t i = 0; i < hw; ++i) {
      RingCore<T>* r = slots_[i].ring.load(std::memory_order_acquire);  // A7
      if (r != nullptr && r->has_readable()) return true;
    }
    return false;
  }

  /// No live producer although one registered. A5: the acquire pairs with R5, so what the
  /// departed producers published is visible to a readability check made after this.
  [[nodiscard]] bool disconnected() const noexcept {
    // had_producer first: it never goes back to false, so a registration completing
    // between the two loads cannot make a channel that never lost a producer look
    // disconnected.
    return shared_.had_producer.load(std::memory_order_acquire) &&
           shared_.live.load(std::memory_order_acquire) == 0;
  }

  [[nodiscard]] EventCount* data_event() noexcept { return shared_.data_event; }

  // ---------------------------------------------------------------------- any thread ---

  /// Stops registration and every write; once every write that passed its check has
  /// published, seals the channel (the consumer may then report `closed` once drained)
  /// and wakes every waiter. Idempotent.
  void close() noexcept {
    closed_.store(true, std::memory_order_seq_cst);  // SC2: pairs with SC1 in claim()
    for (std::uint32_t i = 0; i < max_producers_; ++i) {
      if (RingCore<T>* r = slots_[i].ring.load(std::memory_order_seq_cst)) r->mark_closed();
    }
    AsymmetricFence::heavy();  // F4: pairs with F3 in every write
    for (std::uint32_t i = 0; i < max_producers_; ++i) {
      if (RingCore<T>* r = slots_[i].ring.load(std::memory_order_acquire)) r->wait_writers();
    }
    sealed_.store(true, std::memory_order_release);  // R10: pairs with A10 in sealed()
    data_.notify();
    for (std::uint32_t i = 0; i < max_producers_; ++i) {
      RingCore<T>* r = slots_[i].ring.load(std::memory_order_acquire);
      if (r != nullptr && r->space_event() != nullptr) r->space_event()->notify();
    }
  }
  [[nodiscard]] bool is_closed() const noexcept {
    return closed_.load(std::memory_order_acquire);
  }
  [[nodiscard]] bool sealed() const noexcept {
    return sealed_.load(std::memory_order_acquire);  // A10: pairs with R10
  }

  [[nodiscard]] std::uint32_t live() const noexcept {
    return shared_.live.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint32_t max_producers() const noexcept { return max_producers_; }
  [[nodiscard]] std::uint32_t ring_count() const noexcept {
    std::uint32_t n = 0;
    for (std::uint32_t i = 0; i < max_producers_; ++i)
      n += slots_[i].ring.load(std::memory_order_acquire) != nullptr;
    return n;
  }
  [[nodiscard]] const EventCount& data_counts() const noexcept { return data_; }

 private:
  friend struct TestAccess;

  static bool drained_(const ChannelSlot<T>& slot) noexcept {
    const RingCore<T>* r = slot.ring.load(std::memory_order_acquire);  // A7
    return r == nullptr || r->drained();
  }

  void raise_high_water_(std::uint32_t n) noexcept {
    std::uint32_t hw = high_water_.load(std::memory_order_relaxed);
    while (hw < n && !high_water_.compare_exchange_weak(hw, n, std::memory_order_release,  // R8
                                                        std::memory_order_relaxed)) {
    }
  }

  // Gives back a live count reserved by a registration that then failed. A consumer may
  // have seen the reserved count and parked; if this makes the channel disconnected again,
  // wake it (as ChannelSlot::retire does for the last producer).
  void give_back_live_() noexcept {
    if (shared_.live.fetch_sub(1, std::memory_order_acq_rel) == 1 && shared_.data_event)
      data_.notify();
  }

  // A large call: every ring once, as much as each holds up to what is left of max,
  // starting one ring further on each call.
  template <class Take>
  RINGMPSC_ALWAYS_INLINE size_type poll_every_ring_(size_type max, Take& take) {
    current_ = nullptr;
    streak_ = 0;
    const std::uint32_t hw = high_water_.load(std::memory_order_acquire);  // A8: pairs with R8
    if (hw == 0) return 0;
    const std::uint32_t start = cursor_ < hw ? cursor_ : 0;
    cursor_ = start + 1;
    size_type total = 0;
    for (std::uint32_t k = 0; k < hw && total < max; ++k) {
      const std::uint32_t i = start + k < hw ? start + k : start + k - hw;
      if (RingCore<T>* r = slots_[i].ring.load(std::memory_order_acquire))  // A7: pairs with R7
        total += take(*r, max - total);
    }
    return total;
  }

  ChannelSlot<T>* slots_ = nullptr;
  std::uint32_t max_producers_;
  // Consumer-owned: the ring at cursor_ that the consumer stays on (nullptr: none; look
  // rings up from cursor_), and how many items in a row it took from it.
  std::uint32_t cursor_ = 0;
  RingCore<T>* current_ = nullptr;
  size_type streak_ = 0;
  alignas(cache_line) std::atomic<std::uint32_t> high_water_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> sealed_{false};
  ChannelShared shared_;
  EventCount data_;  // the consumer parks here; producers notify after R1
};

}  // namespace ringmpsc::detail

// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include "../error.hpp"
#include "../metrics.hpp"
#include "../reservation.hpp"
#include "event_count.hpp"
#include "platform.hpp"

namespace ringmpsc {

template <class T, class Wait>
class Producer;
template <class T, class Wait>
class ChannelBase;

namespace detail {
struct TestAccess;  // defined only by the test suite (starts a ring at a chosen sequence)

#if RINGMPSC_DEBUG
/// Debug-only: reports two threads inside one side of a ring at the same time.
class RoleGuard {
 public:
  RoleGuard(std::atomic<bool>& busy, const char* message) noexcept
      : busy_(busy), entered_(!busy.exchange(true, std::memory_order_acquire)) {
    if (!entered_) contract_violation(message);
  }
  ~RoleGuard() {
    if (entered_) busy_.store(false, std::memory_order_release);
  }
  RoleGuard(const RoleGuard&) = delete;
  RoleGuard& operator=(const RoleGuard&) = delete;

 private:
  std::atomic<bool>& busy_;
  bool entered_;
};
#define RINGMPSC_ROLE_GUARD(flag, message) \
  const ::ringmpsc::detail::RoleGuard ringmpsc_role_guard_{flag, message}
#else
#define RINGMPSC_ROLE_GUARD(flag, message) static_cast<void>(0)
#endif
}  // namespace detail

/// The capacity-free core of Ring<T, Allocator> and StackRing<T, N>: a bounded
/// single-producer single-consumer ring over slots it does not own. A routine that takes
/// `BasicRing<T>&` works with either ring type.
///
/// Threads: producer-side members (reserve, try_push, try_emplace, send) from one producer
/// thread at a time; consumer-side members (readable, advance, consume_*, recv) from one
/// consumer thread at a time; size/empty/full/capacity/close/is_closed/metrics from any.
///
/// Sequences are unbounded u64 counters (slot = sequence & mask): at 10^10 messages per
/// second they wrap after 58 years, so head and tail never alias (no ABA).
template <class T>
class BasicRing {
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T> && std::is_object_v<T>,
                "ringmpsc: T must be a non-const object type");
  static_assert(std::is_nothrow_destructible_v<T>,
                "ringmpsc: T must be nothrow destructible (std::is_nothrow_destructible_v<T>)");

 public:
  using value_type = T;
  using size_type = std::size_t;
  using reservation_type = Reservation<T>;

  BasicRing(const BasicRing&) = delete;
  BasicRing& operator=(const BasicRing&) = delete;

  // ------------------------------------------------------------------ producer side ---

  /// Claims up to n contiguous free slots. Returns an empty reservation when the ring is
  /// full or closed (or n == 0); fewer than n slots at the end of the ring (loop to get the
  /// rest). Throws Error(reservation_too_large) if n > capacity(), and
  /// Error(reservation_pending) if this ring already has an open reservation.
  [[nodiscard]] Reservation<T> reserve(size_type n) {
    if (n > capacity()) throw Error(Errc::reservation_too_large);
    if (p_.reserving.load(std::memory_order_relaxed)) throw Error(Errc::reservation_pending);
    RINGMPSC_ROLE_GUARD(p_.busy, "two threads used one producer at once");
    if (n == 0 || is_closed_relaxed_()) return {};
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);  // own variable
    const size_type free = free_slots_(tail, n);
    if (free == 0) return {};
    const size_type idx = static_cast<size_type>(tail & p_.mask);
    const size_type len = std::min({n, free, static_cast<size_type>(p_.mask + 1 - idx)});
    p_.reserving.store(true, std::memory_order_relaxed);
    return Reservation<T>(p_.slots + idx, len, this);
  }

  /// Constructs one element in place. False if full or closed (nothing is constructed).
  /// If T's constructor throws, nothing is published.
  template <class... Args>
  [[nodiscard]] bool try_emplace(Args&&... args) noexcept(
      std::is_nothrow_constructible_v<T, Args&&...>) {
    RINGMPSC_ROLE_GUARD(p_.busy, "two threads used one producer at once");
    if (!may_write_()) return false;
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);
    if (free_slots_(tail, 1) == 0) return false;
    ::new (static_cast<void*>(p_.slots + (tail & p_.mask))) T(std::forward<Args>(args)...);
    publish_(tail, 1);
    return true;
  }

  /// Copies v in. False if full or closed.
  [[nodiscard]] bool try_push(const T& v) noexcept(std::is_nothrow_copy_constructible_v<T>)
    requires std::is_copy_constructible_v<T>
  {
    return try_emplace(v);
  }
  /// Moves v in; v is left untouched when this returns false.
  [[nodiscard]] bool try_push(T&& v) noexcept(std::is_nothrow_move_constructible_v<T>) {
    return try_emplace(std::move(v));
  }

  /// Copies as many of `items` as fit, in order, with one publication; returns how many.
  /// Trivially copyable T is copied with memcpy. If a copy constructor throws, nothing of
  /// this call is published.
  [[nodiscard]] size_type send(std::span<const T> items) noexcept(
      std::is_nothrow_copy_constructible_v<T>)
    requires std::is_copy_constructible_v<T>
  {
    RINGMPSC_ROLE_GUARD(p_.busy, "two threads used one producer at once");
    if (items.empty() || !may_write_()) return 0;
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);
    const size_type n = std::min(items.size(), free_slots_(tail, items.size()));
    if (n == 0) return 0;
    const size_type idx = static_cast<size_type>(tail & p_.mask);
    const size_type first = std::min(n, static_cast<size_type>(p_.mask + 1 - idx));
    if constexpr (std::is_trivially_copyable_v<T>) {
      std::memcpy(static_cast<void*>(p_.slots + idx), items.data(), first * sizeof(T));
      std::memcpy(static_cast<void*>(p_.slots), items.data() + first, (n - first) * sizeof(T));
    } else {
      std::uninitialized_copy_n(items.data(), first, p_.slots + idx);
      try {
        std::uninitialized_copy_n(items.data() + first, n - first, p_.slots);
      } catch (...) {
        std::destroy_n(p_.slots + idx, first);
        throw;
      }
    }
    publish_(tail, n);
    return n;
  }

  // ------------------------------------------------------------------ consumer side ---

  /// The published items from head up to the end of the ring, oldest first. Reads the
  /// producer's tail (acquire) only when the cached copy shows nothing.
  [[nodiscard]] std::span<const T> readable() noexcept {
    RINGMPSC_ROLE_GUARD(c_.busy, "two threads used one consumer at once");
    const std::uint64_t head = c_.head.load(std::memory_order_relaxed);  // own variable
    std::uint64_t avail = c_.cached_tail - head;
    if (avail == 0) avail = refresh_tail_() - head;
    const size_type idx = static_cast<size_type>(head & c_.mask);
    const size_type len = static_cast<size_type>(
        std::min<std::uint64_t>(avail, c_.mask + 1 - idx));
    return {c_.slots + idx, len};
  }

  /// Moves the oldest item into out. False when empty. Reads the producer's tail (acquire)
  /// only when the cached copy shows nothing.
  [[nodiscard]] bool try_pop(T& out) noexcept(std::is_nothrow_move_assignable_v<T>)
    requires std::is_move_assignable_v<T>
  {
    RINGMPSC_ROLE_GUARD(c_.busy, "two threads used one consumer at once");
    const std::uint64_t head = c_.head.load(std::memory_order_relaxed);
    if (c_.cached_tail == head && refresh_tail_() == head) return false;
    out = std::move(c_.slots[head & c_.mask]);
    release_(head, 1);
    return true;
  }

  /// Consumes (destroys) the n oldest items. n may not exceed what the last readable()
  /// (or consume call) saw: throws Error(advance_too_large) and consumes nothing.
  void advance(size_type n) {
    RINGMPSC_ROLE_GUARD(c_.busy, "two threads used one consumer at once");
    const std::uint64_t head = c_.head.load(std::memory_order_relaxed);
    if (n > c_.cached_tail - head) throw Error(Errc::advance_too_large);
    release_(head, n);
  }

  /// Calls h(const T&) for every published item, oldest first; at most one acquire load
  /// of the tail and one head update for the whole batch. Returns the count. If h throws, the
  /// items before the throwing one are consumed and the rest stay in the ring.
  template <class H>
  size_type consume_batch(H&& h) {
    return consume_up_to(max_batch_, std::forward<H>(h));
  }
  /// As consume_batch, at most max items.
  template <class H>
  size_type consume_up_to(size_type max, H&& h) {
    return drain_<false>(max, h);
  }
  /// As consume_batch, handing h(T&&) so items can be moved out.
  template <class H>
  size_type consume_batch_owned(H&& h) {
    return consume_up_to_owned(max_batch_, std::forward<H>(h));
  }
  template <class H>
  size_type consume_up_to_owned(size_type max, H&& h) {
    return drain_<true>(max, h);
  }

  /// Moves up to out.size() items into out; returns the count.
  [[nodiscard]] size_type recv(std::span<T> out)
    requires std::is_move_assignable_v<T>
  {
    T* dst = out.data();
    auto move_out = [&dst](T&& v) { *dst++ = std::move(v); };
    return drain_<true>(out.size(), move_out);
  }

  // ---------------------------------------------------------------------- any thread ---

  /// Items in the ring. Exact when neither side is active; otherwise a snapshot in
  /// [0, capacity()].
  [[nodiscard]] size_type size() const noexcept {
    const std::uint64_t head = c_.head.load(std::memory_order_acquire);
    const std::uint64_t tail = p_.tail.load(std::memory_order_acquire);
    return static_cast<size_type>(std::min<std::uint64_t>(tail - head, p_.mask + 1));
  }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] bool full() const noexcept { return size() == capacity(); }
  [[nodiscard]] size_type capacity() const noexcept {
    return static_cast<size_type>(p_.mask + 1);
  }

  /// Producers' further writes fail; items already published stay readable.
  void close() noexcept { closed_.store(true, std::memory_order_seq_cst); }
  [[nodiscard]] bool is_closed() const noexcept {
    return closed_.load(std::memory_order_acquire);
  }

  /// Counters (all zero unless metrics were enabled at construction).
  [[nodiscard]] Metrics metrics() const noexcept {
    Metrics m;
    m.messages_sent = p_.sent.get();
    m.batches_sent = p_.publications.get();
    m.reserve_spins = p_.spins.get();
    m.messages_received = c_.received.get();
    m.batches_received = c_.releases.get();
    return m;
  }

 protected:
  BasicRing(T* slots, size_type capacity, bool metrics) noexcept {
    p_.slots = c_.slots = slots;
    p_.mask = c_.mask = capacity - 1;
    p_.metrics = c_.metrics = metrics;
  }
  ~BasicRing() = default;

  /// Destroys the items still in the ring. Called by the owning type's destructor while
  /// the slots are still alive.
  void destroy_remaining_() noexcept {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      const std::uint64_t head = c_.head.load(std::memory_order_acquire);
      const std::uint64_t tail = p_.tail.load(std::memory_order_acquire);
      for (std::uint64_t s = head; s != tail; ++s) std::destroy_at(c_.slots + (s & c_.mask));
    }
  }

 private:
  friend class Reservation<T>;
  friend struct detail::TestAccess;
  template <class, class>
  friend class Producer;
  template <class, class>
  friend class ChannelBase;

  static constexpr size_type max_batch_ = ~size_type{0};

  // Free slots for a request of `want`, refreshing the cached head (A2) only when the
  // cached copy shows fewer than `want` free.
  size_type free_slots_(std::uint64_t tail, size_type want) noexcept {
    const std::uint64_t cap = p_.mask + 1;
    std::uint64_t free = cap - (tail - p_.cached_head);
    if (free < want) {
      p_.cached_head = c_.head.load(std::memory_order_acquire);  // A2: pairs with R2
      free = cap - (tail - p_.cached_head);
      RINGMPSC_ASSERT(tail - p_.cached_head <= cap, "ring invariant: tail - head > capacity");
    }
    return static_cast<size_type>(free);
  }

  bool is_closed_relaxed_() const noexcept {
    // Relaxed: closing orders no data; it only stops further writes.
    return closed_.load(std::memory_order_relaxed);
  }

  bool may_write_() noexcept {
    if (RINGMPSC_UNLIKELY(p_.reserving.load(std::memory_order_relaxed))) {
      detail::contract_violation("write to a ring while its reservation is open");
      return false;
    }
    return !is_closed_relaxed_();
  }

  void publish_(std::uint64_t tail, size_type n) noexcept {
    RINGMPSC_ASSERT(tail + n - p_.cached_head <= p_.mask + 1,
                    "ring invariant: publish past capacity");
    p_.tail.store(tail + n, std::memory_order_release);  // R1: publishes the slots; pairs
                                                         // with A1 in the consumer
    if (p_.metrics) {
      p_.sent.add(n);
      p_.publications.add(1);
    }
    if (p_.notify_consumer != nullptr) p_.notify_consumer->notify();  // F1 inside
  }

  void close_reservation_(size_type k) noexcept {
    const std::uint64_t tail = p_.tail.load(std::memory_order_relaxed);
    p_.reserving.store(false, std::memory_order_relaxed);
    if (k != 0) publish_(tail, k);
  }

  std::uint64_t refresh_tail_() noexcept {
    const std::uint64_t tail = p_.tail.load(std::memory_order_acquire);  // A1: pairs with R1
    // Modular: sequences may cross 2^64; tail only grows and stays within a ring of head.
    RINGMPSC_ASSERT(tail - c_.cached_tail <= c_.mask + 1, "ring invariant: tail moved backwards");
    c_.cached_tail = tail;
    return tail;
  }

  template <bool Owned, class H>
  size_type drain_(size_type max, H& h) {
    RINGMPSC_ROLE_GUARD(c_.busy, "two threads used one consumer at once");
    const std::uint64_t head = c_.head.load(std::memory_order_relaxed);
    // Reads the producer's tail (A1, at most once per batch) only when the cached copy
    // shows fewer items than wanted, the producer's rule mirrored.
    std::uint64_t avail = c_.cached_tail - head;
    if (avail < max) avail = refresh_tail_() - head;
    const size_type n = static_cast<size_type>(std::min<std::uint64_t>(avail, max));
    if (n == 0) return 0;
    // On exit, normal or by exception, consume exactly the items the handler finished.
    struct Release {
      BasicRing& ring;
      std::uint64_t head;
      size_type done = 0;
      ~Release() { ring.release_(head, done); }
    } release{*this, head};
    const size_type idx = static_cast<size_type>(head & c_.mask);
    const size_type first = std::min(n, static_cast<size_type>(c_.mask + 1 - idx));
    for (T* p = c_.slots + idx; release.done < first; ++p, ++release.done) call_<Owned>(h, *p);
    for (T* p = c_.slots; release.done < n; ++p, ++release.done) call_<Owned>(h, *p);
    return n;
  }

  template <bool Owned, class H>
  static void call_(H& h, T& item) {
    if constexpr (Owned) {
      h(std::move(item));
    } else {
      h(std::as_const(item));
    }
  }

  void release_(std::uint64_t head, size_type n) noexcept {
    if (n == 0) return;
    RINGMPSC_ASSERT(n <= c_.cached_tail - head, "ring invariant: consume outside [head, tail)");
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::uint64_t s = head; s != head + n; ++s) std::destroy_at(c_.slots + (s & c_.mask));
    }
    c_.head.store(head + n, std::memory_order_release);  // R2: frees the slots; pairs with
                                                         // A2 in the producer
    if (c_.metrics) {
      c_.received.add(n);
      c_.releases.add(1);
    }
    if (c_.notify_producer != nullptr) c_.notify_producer->notify();  // F1 inside
  }

  // Producer-owned: written only by the producer; the consumer reads `tail` (A1).
  struct alignas(detail::cache_line) ProducerState {
    std::atomic<std::uint64_t> tail{0};
    std::uint64_t cached_head = 0;  // producer's last view of head; <= real head
    T* slots = nullptr;
    std::uint64_t mask = 0;
    detail::EventCount* notify_consumer = nullptr;  // set by blocking channels only
    std::atomic<bool> reserving{false};  // a Reservation is open (relaxed: same thread)
    bool metrics = false;
#if RINGMPSC_DEBUG
    std::atomic<bool> busy{false};
#endif
    detail::Counter sent, publications, spins;
  };
  // Consumer-owned: written only by the consumer; the producer reads `head` (A2).
  struct alignas(detail::cache_line) ConsumerState {
    std::atomic<std::uint64_t> head{0};
    std::uint64_t cached_tail = 0;  // consumer's last view of tail; <= real tail
    T* slots = nullptr;
    std::uint64_t mask = 0;
    detail::EventCount* notify_producer = nullptr;  // set by blocking channels only
    bool metrics = false;
#if RINGMPSC_DEBUG
    std::atomic<bool> busy{false};
#endif
    detail::Counter received, releases;
  };

  static_assert(alignof(ProducerState) == detail::cache_line &&
                    sizeof(ProducerState) % detail::cache_line == 0,
                "producer state must own whole 128-byte blocks");
  static_assert(alignof(ConsumerState) == detail::cache_line &&
                    sizeof(ConsumerState) % detail::cache_line == 0,
                "consumer state must own whole 128-byte blocks");
  static_assert(offsetof(ProducerState, tail) == 0 && offsetof(ConsumerState, head) == 0,
                "the hot index leads its block");

  ProducerState p_;
  ConsumerState c_;
  alignas(detail::cache_line) std::atomic<bool> closed_{false};  // cold: written once

 public:
  /// Layout contract, checked by tests/layout_test.cpp.
  static constexpr std::size_t producer_block_size = sizeof(ProducerState);
  static constexpr std::size_t consumer_block_size = sizeof(ConsumerState);
  static constexpr std::size_t block_alignment = alignof(ProducerState);
};

}  // namespace ringmpsc

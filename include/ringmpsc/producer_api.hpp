// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

#include "detail/clock.hpp"
#include "detail/platform.hpp"
#include "detail/ring_core.hpp"
#include "detail/wait_loop.hpp"
#include "error.hpp"
#include "reservation.hpp"
#include "result.hpp"
#include "wait.hpp"

namespace ringmpsc {

/// The producer side of a ring, written once for every type that has one: Ring,
/// StackRing (through BasicRing) and a channel's Producer. `Derived` hands over its ring
/// through `producer_core_()`.
///
/// The verb rule (docs/api.md): `try_X` never blocks; `X` blocks until done or closed;
/// `try_X_for(…, duration)` and `try_X_until(…, time_point)` block up to a limit. Blocking
/// and timed calls wait with the `Wait` policy and return Status::ok, Status::timed_out or
/// Status::closed; a value is moved from only when the status is ok. They throw
/// Error(reservation_pending) when this ring has an open reservation (nothing else could
/// ever make them succeed).
///
/// Threads: one producer thread at a time.
template <class Derived, class T, class Wait>
class ProducerApi {
 public:
  using value_type = T;
  using size_type = std::size_t;

  // ------------------------------------------------------------------- non-blocking ---

  /// Constructs one item in place. False when the ring is full or closed (nothing is
  /// constructed). If T's constructor throws, nothing is published.
  template <class... Args>
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool try_emplace(Args&&... args) noexcept(
      std::is_nothrow_constructible_v<T, Args&&...>) {
    return core_().try_emplace(std::forward<Args>(args)...);
  }
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool try_push(const T& v) noexcept(
      std::is_nothrow_copy_constructible_v<T>)
    requires std::is_copy_constructible_v<T>
  {
    return core_().try_emplace(v);
  }
  /// Moves v in; v is left untouched when this returns false.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool try_push(T&& v) noexcept(
      std::is_nothrow_move_constructible_v<T>) {
    return core_().try_emplace(std::move(v));
  }
  /// Copies as many of `items` as fit, in order, with one publication (memcpy for
  /// trivially copyable T); returns how many. 0 when full or closed.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE size_type try_send(std::span<const T> items) noexcept(
      std::is_nothrow_copy_constructible_v<T>)
    requires std::is_copy_constructible_v<T>
  {
    return core_().try_send(items);
  }
  /// Claims up to n contiguous free slots to write in place. Empty when the ring is full
  /// or closed, or n == 0; shorter than n at the end of the ring (reserve again for the
  /// rest). Throws Error(reservation_too_large) if n > capacity() and
  /// Error(reservation_pending) if this ring already has an open reservation.
  [[nodiscard]] Reservation<T> try_reserve(size_type n) {
    auto& core = core_();
    if (n > core.capacity()) throw Error(Errc::reservation_too_large);
    if (core.reservation_open()) throw Error(Errc::reservation_pending);
    if (n == 0) return {};
    return Reservation<T>(core, core.claim(n));
  }

  // ----------------------------------------------------------------------- blocking ---

  template <class... Args>
  [[nodiscard]] Status emplace(Args&&... args) {
    return try_emplace_until(detail::no_deadline, std::forward<Args>(args)...);
  }
  [[nodiscard]] Status push(const T& v)
    requires std::is_copy_constructible_v<T>
  {
    return try_push_until(v, detail::no_deadline);
  }
  [[nodiscard]] Status push(T&& v) { return try_push_until(std::move(v), detail::no_deadline); }
  /// Sends every item, waiting for space as needed; `count` items were published whatever
  /// the status.
  BatchResult send(std::span<const T> items)
    requires std::is_copy_constructible_v<T>
  {
    return try_send_until(items, detail::no_deadline);
  }
  /// Waits until at least one slot is free, then reserves up to n (as try_reserve).
  ReserveResult<T> reserve(size_type n) { return try_reserve_until(n, detail::no_deadline); }

  // -------------------------------------------------------------------------- timed ---

  template <class Rep, class Period, class... Args>
  [[nodiscard]] Status try_emplace_for(std::chrono::duration<Rep, Period> timeout,
                                       Args&&... args) {
    return try_emplace_until(detail::deadline_after(timeout), std::forward<Args>(args)...);
  }
  template <class... Args>
  [[nodiscard]] Status try_emplace_until(Deadline deadline, Args&&... args) {
    // A failed attempt constructs nothing, so the arguments are still intact to retry.
    return until_(deadline, [&] { return core_().try_emplace(std::forward<Args>(args)...); });
  }

  template <class Rep, class Period>
  [[nodiscard]] Status try_push_for(const T& v, std::chrono::duration<Rep, Period> timeout)
    requires std::is_copy_constructible_v<T>
  {
    return try_push_until(v, detail::deadline_after(timeout));
  }
  template <class Rep, class Period>
  [[nodiscard]] Status try_push_for(T&& v, std::chrono::duration<Rep, Period> timeout) {
    return try_push_until(std::move(v), detail::deadline_after(timeout));
  }
  [[nodiscard]] Status try_push_until(const T& v, Deadline deadline)
    requires std::is_copy_constructible_v<T>
  {
    return until_(deadline, [&] { return core_().try_emplace(v); });
  }
  [[nodiscard]] Status try_push_until(T&& v, Deadline deadline) {
    return until_(deadline, [&] { return core_().try_emplace(std::move(v)); });
  }

  template <class Rep, class Period>
  BatchResult try_send_for(std::span<const T> items, std::chrono::duration<Rep, Period> timeout)
    requires std::is_copy_constructible_v<T>
  {
    return try_send_until(items, detail::deadline_after(timeout));
  }
  BatchResult try_send_until(std::span<const T> items, Deadline deadline)
    requires std::is_copy_constructible_v<T>
  {
    size_type sent = 0;
    const Status s = until_(deadline, [&] {
      sent += core_().try_send(items.subspan(sent));
      return sent == items.size();
    });
    return {s, sent};
  }

  template <class Rep, class Period>
  ReserveResult<T> try_reserve_for(size_type n, std::chrono::duration<Rep, Period> timeout) {
    return try_reserve_until(n, detail::deadline_after(timeout));
  }
  ReserveResult<T> try_reserve_until(size_type n, Deadline deadline) {
    Reservation<T> r;
    const Status s = until_(deadline, [&] {
      r = try_reserve(n);
      return !r.empty() || n == 0;
    });
    return {s, std::move(r)};
  }

  // ---------------------------------------------------------------------- the ring ---

  /// Slots of the ring this side writes.
  [[nodiscard]] size_type capacity() const noexcept { return core_().capacity(); }
  /// Items in the ring at some moment during the call (a snapshot, in [0, capacity()]).
  [[nodiscard]] size_type was_size() const noexcept { return core_().was_size(); }
  [[nodiscard]] bool is_closed() const noexcept { return core_().is_closed(); }

 protected:
  ProducerApi() = default;
  ~ProducerApi() = default;

 private:
  detail::RingCore<T>& core_() noexcept {
    return static_cast<Derived*>(this)->producer_core_();
  }
  const detail::RingCore<T>& core_() const noexcept {
    return static_cast<const Derived*>(this)->producer_core_();
  }

  // Tries `attempt` until it succeeds, the ring is closed, or the deadline passes; waits
  // for free space in between with the policy (parking on the ring's space event count).
  // Throws Error(reservation_pending) when the ring's reservation is open.
  template <class Attempt>
  Status until_(Deadline deadline, Attempt&& attempt) {
    auto& core = core_();
    // A write while this ring's reservation is open could never succeed: say so.
    if (core.reservation_open()) throw Error(Errc::reservation_pending);
    for (;;) {
      if (attempt()) return Status::ok;
      if (core.is_closed()) return Status::closed;
      const bool ready = detail::wait_until<Wait>(
          core.space_event(), [&core] { return core.is_closed() || core.free_slots(1) != 0; },
          deadline);
      if (!ready) return Status::timed_out;
    }
  }
};

}  // namespace ringmpsc

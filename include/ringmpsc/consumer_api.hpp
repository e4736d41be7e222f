// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

#include "detail/clock.hpp"
#include "detail/platform.hpp"
#include "detail/wait_loop.hpp"
#include "result.hpp"
#include "wait.hpp"

namespace ringmpsc {

/// The consumer side, written once for every type that has one: Ring and StackRing
/// (through BasicRing) and Channel and StackChannel (through BasicChannel). `Derived`
/// supplies the non-blocking primitives (pop_, recv_, drain_), the readiness check
/// (settle_) and the event count a waiting consumer parks on (data_event_).
///
/// The verb rule (docs/api.md): `try_X` never blocks; `X` blocks until done, or until
/// nothing more can come (closed, or for a channel disconnected); `try_X_for` and
/// `try_X_until` block up to a limit. Once a blocking call reports Status::closed or
/// Status::disconnected, every write that succeeded has been delivered.
///
/// Handlers are called as h(T&) for each item, oldest first per producer; h may move
/// from the item, which is destroyed right after. If h throws, the items before it are
/// consumed and the rest stay.
///
/// Threads: one consumer thread at a time.
template <class Derived, class T, class Wait>
class ConsumerApi {
 public:
  using value_type = T;
  using size_type = std::size_t;
  /// `max` of a consume call that takes everything published.
  static constexpr size_type unlimited = ~size_type{0};

  // ------------------------------------------------------------------- non-blocking ---

  /// Moves one item into out. False when nothing is readable.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE bool try_pop(T& out) noexcept(
      std::is_nothrow_move_assignable_v<T>)
    requires std::is_move_assignable_v<T>
  {
    return self_().pop_(out);
  }
  /// Moves up to out.size() items into out (memcpy for trivially copyable T); returns how
  /// many.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE size_type try_recv(std::span<T> out) noexcept(
      std::is_nothrow_move_assignable_v<T>)
    requires std::is_move_assignable_v<T>
  {
    return self_().recv_(out.data(), out.size());
  }
  /// Hands up to max published items to h(T&) in place, with one acquire and one index
  /// update per ring; returns how many.
  template <class H>
  RINGMPSC_ALWAYS_INLINE size_type try_consume(H&& h, size_type max = unlimited) {
    return self_().drain_(max, h);
  }

  // ----------------------------------------------------------------------- blocking ---

  /// Waits for an item and moves it into out: ok, closed or disconnected.
  [[nodiscard]] Status pop(T& out)
    requires std::is_move_assignable_v<T>
  {
    return try_pop_until(out, detail::no_deadline);
  }
  /// Waits for at least one item, then moves up to out.size() into out.
  BatchResult recv(std::span<T> out)
    requires std::is_move_assignable_v<T>
  {
    return try_recv_until(out, detail::no_deadline);
  }
  /// Waits for at least one item, then hands up to max to h.
  template <class H>
  BatchResult consume(H&& h, size_type max = unlimited) {
    return try_consume_until(h, detail::no_deadline, max);
  }
  /// Waits until an item is readable (ok), or nothing more can come: closed (closed, and
  /// every item delivered) or, for a channel, disconnected (every producer has gone after
  /// at least one came, and every item delivered; a later registration reconnects).
  [[nodiscard]] Status wait() { return wait_until(detail::no_deadline); }

  // -------------------------------------------------------------------------- timed ---

  template <class Rep, class Period>
  [[nodiscard]] Status try_pop_for(T& out, std::chrono::duration<Rep, Period> timeout)
    requires std::is_move_assignable_v<T>
  {
    return try_pop_until(out, detail::deadline_after(timeout));
  }
  [[nodiscard]] Status try_pop_until(T& out, Deadline deadline)
    requires std::is_move_assignable_v<T>
  {
    return until_(deadline, [&] { return self_().pop_(out); });
  }

  template <class Rep, class Period>
  BatchResult try_recv_for(std::span<T> out, std::chrono::duration<Rep, Period> timeout)
    requires std::is_move_assignable_v<T>
  {
    return try_recv_until(out, detail::deadline_after(timeout));
  }
  BatchResult try_recv_until(std::span<T> out, Deadline deadline)
    requires std::is_move_assignable_v<T>
  {
    size_type n = 0;
    const Status s = until_(deadline, [&] {
      n = self_().recv_(out.data(), out.size());
      return n != 0 || out.empty();
    });
    return {s, n};
  }

  template <class H, class Rep, class Period>
  BatchResult try_consume_for(H&& h, std::chrono::duration<Rep, Period> timeout,
                              size_type max = unlimited) {
    return try_consume_until(h, detail::deadline_after(timeout), max);
  }
  template <class H>
  BatchResult try_consume_until(H&& h, Deadline deadline, size_type max = unlimited) {
    size_type n = 0;
    const Status s = until_(deadline, [&] {
      n = self_().drain_(max, h);
      return n != 0 || max == 0;
    });
    return {s, n};
  }

  template <class Rep, class Period>
  [[nodiscard]] Status wait_for(std::chrono::duration<Rep, Period> timeout) {
    return wait_until(detail::deadline_after(timeout));
  }
  [[nodiscard]] Status wait_until(Deadline deadline) {
    // The wait's predicate is the settling check itself, so the status it found is the
    // answer: one sweep of the rings per check, none repeated after the wait.
    Derived& d = self_();
    std::optional<Status> settled;
    const bool ready = detail::wait_until<Wait>(
        d.data_event_(),
        [&d, &settled] {
          settled = d.settle_();
          return settled.has_value();
        },
        deadline);
    return ready ? *settled : Status::timed_out;
  }

 protected:
  ConsumerApi() = default;
  ~ConsumerApi() = default;

 private:
  Derived& self_() noexcept { return static_cast<Derived&>(*this); }

  // Tries `attempt` until it succeeds, or waits with wait_until() and returns its status
  // when that is not ok.
  template <class Attempt>
  Status until_(Deadline deadline, Attempt&& attempt) {
    for (;;) {
      if (attempt()) return Status::ok;
      if (const Status s = wait_until(deadline); s != Status::ok) return s;
    }
  }
};

}  // namespace ringmpsc

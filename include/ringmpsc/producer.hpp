// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <utility>

#include "detail/channel_slot.hpp"
#include "detail/ring_core.hpp"
#include "error.hpp"
#include "wait.hpp"

namespace ringmpsc {

/// What a blocking reserve returned: a reservation when status == Status::ok.
template <class T>
struct [[nodiscard]] ReserveResult {
  Status status;
  Reservation<T> reservation;
};

/// How far a blocking send got: `sent` items were published whatever the status.
struct [[nodiscard]] SendResult {
  Status status;
  std::size_t sent;
};

/// A channel's handle for one producer thread, bound to its own ring. Move-only RAII:
/// destroying it stops its ring accepting, the consumer drains what is left, and the ring
/// then serves a later register_producer(). Must not outlive its channel.
///
/// Threads: one thread at a time (it may move between threads). Blocking calls wait with
/// the channel's wait policy and return Status::ok, Status::timed_out or Status::closed.
template <class T, class Wait>
class Producer {
 public:
  using value_type = T;
  using size_type = std::size_t;

  Producer(Producer&& o) noexcept
      : ring_(std::exchange(o.ring_, nullptr)),
        slot_(std::exchange(o.slot_, nullptr)),
        live_(std::exchange(o.live_, nullptr)),
        id_(o.id_) {}
  Producer& operator=(Producer&& o) noexcept {
    if (this != &o) {
      release_();
      ring_ = std::exchange(o.ring_, nullptr);
      slot_ = std::exchange(o.slot_, nullptr);
      live_ = std::exchange(o.live_, nullptr);
      id_ = o.id_;
    }
    return *this;
  }
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  ~Producer() { release_(); }

  /// The slot index of this producer's ring, in [0, max_producers). A later producer may
  /// get the same id after this one is dropped.
  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
  [[nodiscard]] size_type capacity() const noexcept { return ring_->capacity(); }
  [[nodiscard]] bool is_closed() const noexcept { return ring_->is_closed(); }
  /// Items of this producer not yet consumed (a snapshot).
  [[nodiscard]] size_type size() const noexcept { return ring_->size(); }

  // Non-blocking: as BasicRing.
  [[nodiscard]] Reservation<T> reserve(size_type n) { return ring_->reserve(n); }
  template <class... Args>
  [[nodiscard]] bool try_emplace(Args&&... args) noexcept(
      std::is_nothrow_constructible_v<T, Args&&...>) {
    return ring_->try_emplace(std::forward<Args>(args)...);
  }
  [[nodiscard]] bool try_push(const T& v) noexcept(std::is_nothrow_copy_constructible_v<T>)
    requires std::is_copy_constructible_v<T>
  {
    return ring_->try_push(v);
  }
  [[nodiscard]] bool try_push(T&& v) noexcept(std::is_nothrow_move_constructible_v<T>) {
    return ring_->try_push(std::move(v));
  }
  [[nodiscard]] size_type send(std::span<const T> items) noexcept(
      std::is_nothrow_copy_constructible_v<T>)
    requires std::is_copy_constructible_v<T>
  {
    return ring_->send(items);
  }

  /// reserve(n), retrying with Backoff (spin, then yield) while the ring is full; empty
  /// if the ring stays full once the backoff completes, or is closed.
  [[nodiscard]] Reservation<T> reserve_with_backoff(size_type n) {
    Backoff backoff;
    for (;;) {
      Reservation<T> r = ring_->reserve(n);
      if (r || n == 0 || ring_->is_closed() || backoff.is_completed()) return r;
      backoff.snooze();
      if (ring_->p_.metrics) ring_->p_.spins.add(1);
    }
  }

  // Blocking: wait for space. The value is moved from only when the status is ok.
  [[nodiscard]] Status push(T&& v) { return push_until(std::move(v), detail::no_deadline); }
  [[nodiscard]] Status push(const T& v)
    requires std::is_copy_constructible_v<T>
  {
    return push_until(v, detail::no_deadline);
  }
  template <class Rep, class Period>
  [[nodiscard]] Status push_for(T&& v, std::chrono::duration<Rep, Period> timeout) {
    return push_until(std::move(v), detail::deadline_after(timeout));
  }
  template <class Rep, class Period>
  [[nodiscard]] Status push_for(const T& v, std::chrono::duration<Rep, Period> timeout)
    requires std::is_copy_constructible_v<T>
  {
    return push_until(v, detail::deadline_after(timeout));
  }
  [[nodiscard]] Status push_until(T&& v, Deadline deadline) {
    return until_(deadline, [&] { return ring_->try_push(std::move(v)); });
  }
  [[nodiscard]] Status push_until(const T& v, Deadline deadline)
    requires std::is_copy_constructible_v<T>
  {
    return until_(deadline, [&] { return ring_->try_push(v); });
  }

  /// Sends every item, waiting for space as needed.
  SendResult send_until(std::span<const T> items, Deadline deadline)
    requires std::is_copy_constructible_v<T>
  {
    size_type sent = 0;
    const Status s = until_(deadline, [&] {
      sent += ring_->send(items.subspan(sent));
      return sent == items.size();
    });
    return {s, sent};
  }
  template <class Rep, class Period>
  SendResult send_for(std::span<const T> items, std::chrono::duration<Rep, Period> timeout)
    requires std::is_copy_constructible_v<T>
  {
    return send_until(items, detail::deadline_after(timeout));
  }

  /// Waits until at least one slot is free, then reserves up to n.
  ReserveResult<T> reserve_until(size_type n, Deadline deadline) {
    Reservation<T> r;
    const Status s = until_(deadline, [&] {
      r = ring_->reserve(n);
      return !r.empty() || n == 0;
    });
    return {s, std::move(r)};
  }
  template <class Rep, class Period>
  ReserveResult<T> reserve_for(size_type n, std::chrono::duration<Rep, Period> timeout) {
    return reserve_until(n, detail::deadline_after(timeout));
  }

 private:
  template <class, class>
  friend class ChannelBase;

  Producer(BasicRing<T>* ring, detail::ChannelSlot<T>* slot, std::atomic<std::uint32_t>* live,
           std::uint32_t id) noexcept
      : ring_(ring), slot_(slot), live_(live), id_(id) {}

  // Tries `attempt` until it succeeds, the ring is closed, or the deadline passes; waits
  // for free space in between with the channel's policy.
  template <class Attempt>
  Status until_(Deadline deadline, Attempt&& attempt) {
    for (;;) {
      if (ring_->is_closed()) return Status::closed;
      if (attempt()) return Status::ok;
      const Status s = detail::wait_until<Wait>(
          &slot_->space,
          [this] {
            return ring_->is_closed() ||
                   ring_->free_slots_(ring_->p_.tail.load(std::memory_order_relaxed), 1) != 0;
          },
          deadline);
      if (s == Status::timed_out) return s;
    }
  }

  void release_() noexcept {
    if (ring_ == nullptr) return;
    if (ring_->p_.reserving.load(std::memory_order_relaxed))
      detail::contract_violation("Producer destroyed while its reservation is open");
    // R4: hands the producer side (tail, cached head) to the next owner; pairs with the
    // acquire of the slot state in register_producer().
    slot_->state.store(detail::SlotState::retired, std::memory_order_release);
    const bool last = live_->fetch_sub(1, std::memory_order_acq_rel) == 1;
    // The last producer going may end a consumer's wait (disconnected): wake it.
    if (last && ring_->p_.notify_consumer != nullptr) ring_->p_.notify_consumer->notify();
    ring_ = nullptr;
  }

  BasicRing<T>* ring_;
  detail::ChannelSlot<T>* slot_;
  std::atomic<std::uint32_t>* live_;
  std::uint32_t id_;
};

}  // namespace ringmpsc

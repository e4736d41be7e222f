// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <utility>

#include "basic_channel.hpp"
#include "basic_ring.hpp"
#include "detail/event_count.hpp"
#include "detail/eventfd.hpp"
#include "error.hpp"
#include "producer.hpp"
#include "result.hpp"

/// \file
/// Readiness file descriptors (docs/async.md): a file descriptor that becomes readable when
/// a waiting side should look again, so a channel's consumer, or a producer waiting for
/// space, can live in an event loop (epoll, io_uring, Asio) instead of a blocked thread.
///
///   consumer side of a channel or ring: items readable, closed, or (channel) disconnected
///   producer side (Producer, or a ring's):  space, or closed
///
/// Linux only (eventfd): RINGMPSC_HAS_READINESS_FD says whether the system has it.
/// Elsewhere the functions below do not compile, with a message saying so.

namespace ringmpsc {

#if RINGMPSC_HAS_READINESS_FD

namespace detail {
/// Reaches the event counts and readiness checks of the public types.
struct ReadinessAccess {
  template <class T, class W>
  static EventCount* event(BasicChannel<T, W>& ch) noexcept { return ch.data_event_(); }
  template <class T, class W>
  static std::optional<Status> check(BasicChannel<T, W>& ch) noexcept { return ch.settle_(); }
  template <class T, class W>
  static EventCount* event(BasicRing<T, W>& r) noexcept { return r.data_event_(); }
  template <class T, class W>
  static std::optional<Status> check(BasicRing<T, W>& r) noexcept { return r.settle_(); }
  template <class T, class W>
  static RingCore<T>& core(Producer<T, W>& p) noexcept { return p.producer_core_(); }
  template <class T, class W>
  static RingCore<T>& core(BasicRing<T, W>& r) noexcept { return r.core_; }

  // The producer side's check: closed first (a closed ring may still have space), then a
  // free slot (refreshing the cached head, A2). Producer thread only.
  template <class T>
  static std::optional<Status> check_space(RingCore<T>& core) noexcept {
    if (core.is_closed()) return Status::closed;
    if (core.free_slots(1) != 0) return Status::ok;
    return std::nullopt;
  }
};
}  // namespace detail

/// One side's readiness fd and its arming: a move-only handle of 32 bytes (three pointers,
/// the fd number, a flag).
/// The fd belongs to the ring or channel (created on the first request, closed when it is
/// destroyed); the handle owns only its arming, and withdraws it when destroyed.
///
/// The protocol (never wait on fd() without it):
///
///     if (auto s = r.check()) { handle *s; }        // ready now: no fence, no system call
///     else if (!r.arm()) { /* became ready: poll */ }
///     else { wait until fd() is readable (epoll, io_uring, Asio); r.disarm(); poll }
///
/// arm() announces the waiter, fences (F2) and checks again, so a publication either is
/// seen by that check or makes fd() readable. While nobody is armed, publishing writes
/// nothing and costs what it costs without a readiness fd; while armed, the first
/// publication (or close(), or the last producer leaving) writes the fd once. fd() may be
/// readable spuriously (a write that raced a disarm): after disarm(), check() decides.
///
/// Threads: check, arm and disarm from the waiting side's thread (the consumer's, or the
/// producer's); fd() from any thread. The ring or channel must outlive the handle, and a
/// producer's handle must be disarmed before that Producer is dropped.
class Readiness {
 public:
  Readiness() noexcept = default;
  Readiness(Readiness&& o) noexcept
      : ev_(std::exchange(o.ev_, nullptr)),
        source_(o.source_),
        check_(o.check_),
        fd_(std::exchange(o.fd_, -1)),
        armed_(std::exchange(o.armed_, false)) {}
  Readiness& operator=(Readiness&& o) noexcept {
    if (this != &o) {
      withdraw_();
      ev_ = std::exchange(o.ev_, nullptr);
      source_ = o.source_;
      check_ = o.check_;
      fd_ = std::exchange(o.fd_, -1);
      armed_ = std::exchange(o.armed_, false);
    }
    return *this;
  }
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;
  /// Disarms if armed: no armed waiter is left behind.
  ~Readiness() { withdraw_(); }

  /// The eventfd to wait on for readability (-1 for an empty handle). Never read or write
  /// it yourself: disarm() drains it.
  [[nodiscard]] int fd() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return ev_ != nullptr; }

  /// What the side would report now: Status::ok (items readable, or space), closed, or for
  /// a channel consumer disconnected; nullopt when it should wait. No fence, no system call.
  [[nodiscard]] std::optional<Status> check() noexcept { return check_(source_); }

  /// W2 (announce), F2 (fence), check again. true: armed, wait until fd() is readable, then
  /// disarm(). false: ready now, not armed (check() tells what). Throws
  /// Error(Errc::already_armed) when this side is armed already (by this handle or another).
  [[nodiscard]] bool arm() {
    if (armed_ || !ev_->claim_arming()) throw Error(Errc::already_armed);
    if (!ev_->arm_fd([this] { return check_(source_).has_value(); })) {
      ev_->release_arming();
      return false;
    }
    armed_ = true;
    return true;
  }

  /// Ends the arming: withdraws it (if no publication took it) and drains fd(). Poll after.
  /// Throws Error(Errc::not_armed) when not armed.
  void disarm() {
    if (!armed_) throw Error(Errc::not_armed);
    withdraw_();
  }

  [[nodiscard]] bool is_armed() const noexcept { return armed_; }

 private:
  template <class T, class W>
  friend Readiness consumer_readiness(BasicChannel<T, W>&);
  template <class T, class W>
  friend Readiness consumer_readiness(BasicRing<T, W>&);
  template <class T, class W>
  friend Readiness producer_readiness(Producer<T, W>&);
  template <class T, class W>
  friend Readiness producer_readiness(BasicRing<T, W>&);

  using Check = std::optional<Status> (*)(void*) noexcept;

  Readiness(detail::EventCount* ev, void* source, Check check_fn)
      : ev_(ev), source_(source), check_(check_fn), fd_(ev->open_fd()) {}

  void withdraw_() noexcept {
    if (!armed_) return;
    ev_->disarm_fd();
    ev_->release_arming();
    armed_ = false;
  }

  detail::EventCount* ev_ = nullptr;
  void* source_ = nullptr;
  Check check_ = nullptr;
  int fd_ = -1;
  bool armed_ = false;
};

// The check functions the handles call, one per kind of side.
namespace detail {
template <class Source>
std::optional<Status> check_consumer(void* s) noexcept {
  return ReadinessAccess::check(*static_cast<Source*>(s));
}
template <class T>
std::optional<Status> check_producer(void* core) noexcept {
  return ReadinessAccess::check_space(*static_cast<RingCore<T>*>(core));
}
template <class W>
constexpr void require_parking_policy() noexcept {
  static_assert(W::parks,
                "ringmpsc: a readiness fd needs a wait policy that parks (wait::Blocking, "
                "wait::Phased): spin-only policies never notify, so nothing would write the fd");
}
}  // namespace detail

/// The consumer side of a channel: readable when items are readable, the channel is
/// closed, or every producer has gone. Throws std::system_error when the eventfd cannot be
/// created (EMFILE, ENFILE, ENOMEM): the channel is unchanged and fully usable, and a later
/// call tries again. A compile error for a wait policy that does not park.
template <class T, class W>
[[nodiscard]] Readiness consumer_readiness(BasicChannel<T, W>& ch) {
  detail::require_parking_policy<W>();
  return Readiness(detail::ReadinessAccess::event(ch), &ch,
                   &detail::check_consumer<BasicChannel<T, W>>);
}

/// The consumer side of a ring (Ring, StackRing): items readable, or closed. As above.
template <class T, class W>
[[nodiscard]] Readiness consumer_readiness(BasicRing<T, W>& ring) {
  detail::require_parking_policy<W>();
  return Readiness(detail::ReadinessAccess::event(ring), &ring,
                   &detail::check_consumer<BasicRing<T, W>>);
}

/// A channel producer's side: a free slot in its ring, or closed. The handle follows the
/// ring, not the Producer object (moving the Producer does not matter); disarm it before
/// the Producer is dropped. As above otherwise.
template <class T, class W>
[[nodiscard]] Readiness producer_readiness(Producer<T, W>& p) {
  detail::require_parking_policy<W>();
  detail::RingCore<T>& core = detail::ReadinessAccess::core(p);
  return Readiness(core.space_event(), &core, &detail::check_producer<T>);
}

/// The producer side of a ring: a free slot, or closed. As above.
template <class T, class W>
[[nodiscard]] Readiness producer_readiness(BasicRing<T, W>& ring) {
  detail::require_parking_policy<W>();
  detail::RingCore<T>& core = detail::ReadinessAccess::core(ring);
  return Readiness(core.space_event(), &core, &detail::check_producer<T>);
}

#else  // no eventfd on this system: a request for a readiness fd is a compile error

namespace detail {
template <class>
inline constexpr bool readiness_fd_available = false;
}  // namespace detail

template <class Side>
void consumer_readiness(Side&) {
  static_assert(detail::readiness_fd_available<Side>,
                "ringmpsc: readiness fds need Linux eventfd, which this system lacks; wait "
                "with the blocking calls on a thread instead (docs/async.md)");
}
template <class Side>
void producer_readiness(Side&) {
  static_assert(detail::readiness_fd_available<Side>,
                "ringmpsc: readiness fds need Linux eventfd, which this system lacks; wait "
                "with the blocking calls on a thread instead (docs/async.md)");
}

#endif

}  // namespace ringmpsc

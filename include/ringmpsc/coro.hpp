// SPDX-License-Identifier: MIT
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <utility>

#include "readiness.hpp"
#include "result.hpp"

/// \file
/// C++20 coroutine awaitables over readiness fds (docs/async.md), with no scheduler: they
/// suspend by handing the fd to the user's event loop through a small adapter (FdLoop),
/// and come back when the side is ready. ringmpsc/asio.hpp is the adapter for Asio.
///
///     Status s = co_await ringmpsc::async_readable(channel, loop);    // consumer
///     BatchResult r = co_await ringmpsc::async_consume(channel, loop, handler);
///     Status s = co_await ringmpsc::async_writable(producer, loop);   // space, or closed
///
/// Destroying a coroutine suspended in one of them withdraws its watch and its arming: no
/// armed waiter is left behind, and nothing is taken from the channel (items are only
/// taken by async_consume, after the coroutine has been resumed).

namespace ringmpsc {

#if RINGMPSC_HAS_READINESS_FD

/// A one-shot wait for a readable file descriptor that an awaitable hands to an event loop
/// adapter. The loop calls fire() when fd() is readable.
class FdWatch {
 public:
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// Ends the watch and lets its awaitable look: it may resume the awaiting coroutine,
  /// which may destroy this watch, or it may call watch() again for the same object.
  void fire() noexcept { on_fire_(*this); }

 protected:
  using OnFire = void (*)(FdWatch&) noexcept;
  FdWatch(int fd, OnFire on_fire) noexcept : fd_(fd), on_fire_(on_fire) {}
  FdWatch(const FdWatch&) = delete;
  FdWatch& operator=(const FdWatch&) = delete;
  ~FdWatch() = default;

 private:
  int fd_;
  OnFire on_fire_;
};

/// What an event loop must provide so that the awaitables can suspend on it:
///
/// - `loop.watch(w)`: from now on, call `w.fire()` once when `w.fd()` is readable. Level-
///   or edge-triggered: the awaitable watches before it arms, so the write it waits for
///   always comes after watch() returned. May throw (the co_await then throws).
/// - `loop.unwatch(w)` (noexcept): cancel a watch that has not fired; fire() must not be
///   called for it afterwards.
///
/// The loop calls fire() on the thread that runs the awaiting coroutine (the consumer's or
/// the producer's thread), never while that coroutine runs: a single-threaded loop.
template <class L>
concept FdLoop = requires(L& loop, FdWatch& w) {
  loop.watch(w);
  { loop.unwatch(w) } noexcept;
};

/// `co_await` gives the side's Status once it is ready: for a consumer ok (readable),
/// closed or disconnected; for a producer ok (space) or closed.
template <FdLoop Loop>
class ReadinessAwaitable : private FdWatch {
 public:
  ReadinessAwaitable(Readiness r, Loop& loop) noexcept
      : FdWatch(r.fd(), &fire_), r_(std::move(r)), loop_(loop) {}
  ReadinessAwaitable(const ReadinessAwaitable&) = delete;
  ReadinessAwaitable& operator=(const ReadinessAwaitable&) = delete;
  /// A coroutine destroyed while suspended here: the loop forgets the watch, and the
  /// Readiness withdraws the arming and drains the fd.
  ~ReadinessAwaitable() {
    if (watching_) loop_.unwatch(*this);
  }

  bool await_ready() noexcept {
    status_ = r_.check();
    return status_.has_value();
  }
  bool await_suspend(std::coroutine_handle<> h) {
    h_ = h;
    return wait_();
  }
  Status await_resume() {
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    return *status_;
  }

 private:
  // Watch, arm (W2, F2, check): true when suspended on the loop. Else the side is ready
  // (status_ set) and the watch is withdrawn again.
  bool wait_() {
    for (;;) {
      loop_.watch(*this);
      watching_ = true;
      bool armed = false;
      try {
        armed = r_.arm();
      } catch (...) {
        unwatch_();
        throw;
      }
      if (armed) return true;
      unwatch_();
      if ((status_ = r_.check())) return false;
    }
  }
  void unwatch_() noexcept {
    loop_.unwatch(*this);
    watching_ = false;
  }

  static void fire_(FdWatch& w) noexcept {
    auto& self = static_cast<ReadinessAwaitable&>(w);
    self.watching_ = false;
    self.r_.disarm();  // armed: wait_() returned true
    if (!(self.status_ = self.r_.check())) {
      try {
        if (self.wait_()) return;  // spurious (a write that raced an earlier disarm)
      } catch (...) {
        self.error_ = std::current_exception();
      }
    }
    self.h_.resume();  // may destroy *this: nothing after
  }

  Readiness r_;
  Loop& loop_;
  std::coroutine_handle<> h_;
  std::optional<Status> status_;
  std::exception_ptr error_;
  bool watching_ = false;
};

/// `co_await` waits as ReadinessAwaitable, then hands up to max items to h(T&) with
/// try_consume: BatchResult{ok, n >= 1}, or {closed | disconnected, 0}.
template <class Source, class H, FdLoop Loop>
class ConsumeAwaitable : public ReadinessAwaitable<Loop> {
 public:
  ConsumeAwaitable(Source& src, Loop& loop, H h, std::size_t max)
      : ReadinessAwaitable<Loop>(consumer_readiness(src), loop),
        src_(src),
        h_(std::move(h)),
        max_(max) {}
  BatchResult await_resume() {
    const Status s = ReadinessAwaitable<Loop>::await_resume();
    if (s != Status::ok) return {s, 0};
    return {s, src_.try_consume(h_, max_)};
  }

 private:
  Source& src_;
  H h_;
  std::size_t max_;
};

/// Until the channel's consumer side is ready: ok, closed or disconnected.
template <class T, class W, FdLoop Loop>
[[nodiscard]] ReadinessAwaitable<Loop> async_readable(BasicChannel<T, W>& ch, Loop& loop) {
  return ReadinessAwaitable<Loop>(consumer_readiness(ch), loop);
}
/// Until the ring's consumer side is ready: ok or closed.
template <class T, class W, FdLoop Loop>
[[nodiscard]] ReadinessAwaitable<Loop> async_readable(BasicRing<T, W>& ring, Loop& loop) {
  return ReadinessAwaitable<Loop>(consumer_readiness(ring), loop);
}
/// Until the producer's ring has a free slot (ok) or is closed.
template <class T, class W, FdLoop Loop>
[[nodiscard]] ReadinessAwaitable<Loop> async_writable(Producer<T, W>& p, Loop& loop) {
  return ReadinessAwaitable<Loop>(producer_readiness(p), loop);
}
/// Until the ring has a free slot (ok) or is closed.
template <class T, class W, FdLoop Loop>
[[nodiscard]] ReadinessAwaitable<Loop> async_writable(BasicRing<T, W>& ring, Loop& loop) {
  return ReadinessAwaitable<Loop>(producer_readiness(ring), loop);
}

/// Until readable, then up to max items to h (as try_consume).
template <class T, class W, FdLoop Loop, class H>
[[nodiscard]] ConsumeAwaitable<BasicChannel<T, W>, H, Loop> async_consume(
    BasicChannel<T, W>& ch, Loop& loop, H h, std::size_t max = ~std::size_t{0}) {
  return {ch, loop, std::move(h), max};
}
template <class T, class W, FdLoop Loop, class H>
[[nodiscard]] ConsumeAwaitable<BasicRing<T, W>, H, Loop> async_consume(
    BasicRing<T, W>& ring, Loop& loop, H h, std::size_t max = ~std::size_t{0}) {
  return {ring, loop, std::move(h), max};
}

#endif  // RINGMPSC_HAS_READINESS_FD

}  // namespace ringmpsc

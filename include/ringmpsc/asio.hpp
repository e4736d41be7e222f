// SPDX-License-Identifier: MIT
#pragma once

// The adapter for standalone Asio (1.22 or later; Debian: libasio-dev). Optional: this
// header compiles only where Asio is installed, and nothing else in ringmpsc includes it.
#if !__has_include(<asio/version.hpp>)
#error "ringmpsc/asio.hpp needs standalone Asio 1.22 or later (Debian: libasio-dev)"
#endif
#include <asio/version.hpp>
#if ASIO_VERSION < 102200
#error "ringmpsc/asio.hpp needs standalone Asio 1.22 or later"
#endif

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/compose.hpp>
#include <asio/error.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>

#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "readiness.hpp"
#include "result.hpp"

#if !RINGMPSC_HAS_READINESS_FD
#error "ringmpsc/asio.hpp needs readiness fds (Linux eventfd)"
#endif

namespace ringmpsc {

/// A Readiness registered with an Asio I/O executor: async_wait(token) completes with
/// (std::error_code, Status) once the side is ready, with any completion token
/// (asio::use_awaitable, asio::deferred, a callback, ...):
///
///     ringmpsc::AsioReadiness ready(co_await asio::this_coro::executor,
///                                   ringmpsc::consumer_readiness(channel));
///     while (co_await ready.async_wait(asio::use_awaitable) == ringmpsc::Status::ok)
///       channel.try_consume(handler);
///
/// The status is the side's (ok, closed, disconnected). Cancellation (cancel(), the
/// destructor, a terminal cancellation through the token's slot such as
/// asio::experimental::awaitable_operators' `||`) completes a pending wait with
/// asio::error::operation_aborted and Status::timed_out; destroying the io_context with a
/// wait pending (its handler is then destroyed, not run) also withdraws the arming: no
/// armed waiter is left behind, and a wait never takes items.
///
/// Threads: the waiting side's role, as Readiness: one wait at a time, and its handler on
/// the thread (or strand) that owns the side. With a multi-threaded io_context, run the
/// waits on a strand. One AsioReadiness per side and io_context (Asio registers the fd
/// with its reactor once). The ring or channel must outlive it and its pending wait.
class AsioReadiness {
 public:
  using executor_type = ::asio::any_io_executor;

  /// Registers r's fd with the reactor of `ex` (an I/O executor or an io_context); throws
  /// std::system_error on failure.
  template <class ExecutorOrContext>
  AsioReadiness(ExecutorOrContext&& ex, Readiness r)
      : core_(std::make_shared<Core>(std::forward<ExecutorOrContext>(ex), std::move(r))) {}
  AsioReadiness(AsioReadiness&&) noexcept = default;
  AsioReadiness& operator=(AsioReadiness&& o) noexcept {
    if (this != &o) {
      cancel();
      core_ = std::move(o.core_);
    }
    return *this;
  }
  AsioReadiness(const AsioReadiness&) = delete;
  AsioReadiness& operator=(const AsioReadiness&) = delete;
  ~AsioReadiness() { cancel(); }

  /// Completes with (error_code, Status) when the side is ready; see the class comment.
  template <class Token>
  auto async_wait(Token&& token) {
    return ::asio::async_compose<Token, void(std::error_code, Status)>(
        WaitOp{core_}, token, core_->stream);
  }

  /// Completes a pending wait with operation_aborted (and withdraws its arming).
  void cancel() noexcept {
    if (!core_) return;
    std::error_code ignored;
    core_->stream.cancel(ignored);
  }

  [[nodiscard]] executor_type get_executor() noexcept { return core_->stream.get_executor(); }
  [[nodiscard]] Readiness& readiness() noexcept { return core_->readiness; }

 private:
  // Shared with a pending wait, so that the handle may go first (its wait then completes
  // with operation_aborted and still finds the arming to withdraw).
  struct Core {
    template <class ExecutorOrContext>
    Core(ExecutorOrContext&& ex, Readiness r)
        : readiness(std::move(r)), stream(std::forward<ExecutorOrContext>(ex), readiness.fd()) {}
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;
    // Unregisters the fd from the reactor without closing it (it belongs to the channel);
    // then `readiness` withdraws its arming, if any.
    ~Core() { static_cast<void>(stream.release()); }

    Readiness readiness;
    ::asio::posix::stream_descriptor stream;
    bool ready_at_arm = false;  // the wait was cancelled by arm() finding the side ready
    std::error_code failure;    // arm() threw (another handle holds the arming)
  };

  struct WaitOp {
    std::shared_ptr<Core> core;
    bool started = false;

    template <class Self>
    void operator()(Self& self, std::error_code ec = {}) {
      Core& c = *core;
      if (!started) {
        started = true;
        // Ready now: complete through the executor (never inside the initiating call).
        if (c.readiness.check()) return ::asio::post(c.stream.get_executor(), std::move(self));
        return wait_(self);
      }
      if (c.readiness.is_armed()) c.readiness.disarm();
      const bool ready_at_arm = std::exchange(c.ready_at_arm, false);
      if (const std::error_code f = std::exchange(c.failure, {})) return self.complete(f, Status::timed_out);
      if (ec && !(ec == ::asio::error::operation_aborted && ready_at_arm))
        return self.complete(ec, Status::timed_out);
      if (const std::optional<Status> s = c.readiness.check()) return self.complete(std::error_code{}, *s);
      wait_(self);  // the fd was readable spuriously (a write that raced a disarm)
    }

    // Watch first, then arm: the reactor registers the fd edge-triggered, so the write the
    // arming leads to must come after the wait is queued (else another thread's reactor
    // run could take the edge with no wait queued).
    template <class Self>
    void wait_(Self& self) {
      const std::shared_ptr<Core> c = core;  // `self`, and this op with it, moves away
      c->stream.async_wait(::asio::posix::stream_descriptor::wait_read, std::move(self));
      bool armed = false;
      try {
        armed = c->readiness.arm();
      } catch (const Error& e) {
        c->failure = e.code();
      }
      if (!armed) {
        c->ready_at_arm = !c->failure;
        std::error_code ignored;
        c->stream.cancel(ignored);  // completes the queued wait with operation_aborted
      }
    }
  };

  std::shared_ptr<Core> core_;
};

}  // namespace ringmpsc

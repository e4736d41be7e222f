// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "detail/platform.hpp"

namespace ringmpsc {

/// Why an operation could not be done. Every code has a fixed message (`what()`).
enum class Errc : int {
  invalid_config = 1,        ///< a Config field is out of its documented range
  too_many_producers,        ///< max_producers live producers are registered already
  rings_not_drained,         ///< a producer slot is free but its ring still holds items
  channel_closed,            ///< close() was called
  reservation_too_large,     ///< reserve(n) with n > capacity()
  commit_too_large,          ///< commit(k) with k greater than what the reservation holds
  advance_too_large,         ///< advance(n) past the items readable() showed
  reservation_pending,       ///< a second reservation while one is still open
  misaligned_allocation,     ///< the allocator returned storage not aligned for the type
};

/// The outcome of a blocking or status-returning operation.
enum class Status : std::uint8_t {
  ok,         ///< done
  would_block,///< full (producer) or empty (consumer); only from non-blocking calls
  timed_out,  ///< the deadline passed first
  closed,     ///< the channel or ring is closed (for a consumer: closed and drained)
  disconnected,  ///< consumer only: every producer has gone (after at least one came) and all is drained
};

[[nodiscard]] constexpr const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::ok: return "ok";
    case Status::would_block: return "would_block";
    case Status::timed_out: return "timed_out";
    case Status::closed: return "closed";
    case Status::disconnected: return "disconnected";
  }
  return "unknown";
}

namespace detail {
class ErrorCategory final : public std::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "ringmpsc"; }
  [[nodiscard]] std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::invalid_config: return "invalid ringmpsc::Config";
      case Errc::too_many_producers: return "too many producers: max_producers are live";
      case Errc::rings_not_drained:
        return "no ring is free: rings of dropped producers still hold items the consumer "
               "has not drained";
      case Errc::channel_closed: return "channel is closed";
      case Errc::reservation_too_large: return "reserve(n): n exceeds the ring capacity";
      case Errc::commit_too_large:
        return "commit(k): k exceeds the slots the reservation holds (nothing was published)";
      case Errc::advance_too_large: return "advance(n): n exceeds the readable items";
      case Errc::reservation_pending:
        return "a reservation on this ring is still open; commit or drop it first";
      case Errc::misaligned_allocation:
        return "the allocator returned storage that is not aligned for the element type";
    }
    return "unknown ringmpsc error";
  }
};
}  // namespace detail

[[nodiscard]] inline const std::error_category& error_category() noexcept {
  static const detail::ErrorCategory category;
  return category;
}

[[nodiscard]] inline std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// The one exception type ringmpsc throws (besides std::bad_alloc and whatever T throws).
class Error : public std::system_error {
 public:
  explicit Error(Errc e) : std::system_error(make_error_code(e)) {}
  Error(Errc e, const std::string& detail) : std::system_error(make_error_code(e), detail) {}
  [[nodiscard]] Errc errc() const noexcept { return static_cast<Errc>(code().value()); }
};

/// Either a value or the Errc that explains its absence. value() throws Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)  // NOLINT: implicit by design
      : has_(true) {
    ::new (static_cast<void*>(&storage_)) T(std::move(value));
  }
  Result(Errc error) noexcept : error_(error) {}  // NOLINT: implicit by design
  Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>)
      : has_(o.has_), error_(o.error_) {
    if (has_) ::new (static_cast<void*>(&storage_)) T(std::move(*o));
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &o) {
      reset_();
      if (o.has_) ::new (static_cast<void*>(&storage_)) T(std::move(*o));
      has_ = o.has_;
      error_ = o.error_;
    }
    return *this;
  }
  ~Result() { reset_(); }

  [[nodiscard]] bool has_value() const noexcept { return has_; }
  explicit operator bool() const noexcept { return has_; }
  /// The error; meaningful only when !has_value().
  [[nodiscard]] Errc error() const noexcept { return error_; }

  [[nodiscard]] T& value() & {
    if (!has_) throw Error(error_);
    return **this;
  }
  [[nodiscard]] T&& value() && {
    if (!has_) throw Error(error_);
    return std::move(**this);
  }
  T& operator*() noexcept { return *std::launder(reinterpret_cast<T*>(&storage_)); }
  const T& operator*() const noexcept {
    return *std::launder(reinterpret_cast<const T*>(&storage_));
  }
  T* operator->() noexcept { return &**this; }
  const T* operator->() const noexcept { return &**this; }

 private:
  void reset_() noexcept {
    if (has_) (**this).~T();
    has_ = false;
  }

  alignas(T) unsigned char storage_[sizeof(T)];
  bool has_ = false;
  Errc error_{};
};

/// Called when the calling code breaks a documented precondition that cannot be reported
/// through a return value (for example try_push() while a reservation is open, or two
/// threads in one producer at once). The default prints the message and aborts. A handler
/// that returns lets the operation fail safely (it publishes and consumes nothing).
using ViolationHandler = void (*)(const char* message) noexcept;

namespace detail {
inline void default_violation_handler(const char* message) noexcept {
  std::fprintf(stderr, "ringmpsc: contract violation: %s\n", message);
  std::abort();
}
inline std::atomic<ViolationHandler>& violation_handler_slot() noexcept {
  static std::atomic<ViolationHandler> handler{&default_violation_handler};
  return handler;
}
[[gnu::cold]] inline void contract_violation(const char* message) noexcept {
  violation_handler_slot().load(std::memory_order_acquire)(message);
}
}  // namespace detail

/// Installs `h` (nullptr restores the default) and returns the previous handler.
inline ViolationHandler set_violation_handler(ViolationHandler h) noexcept {
  return detail::violation_handler_slot().exchange(
      h ? h : &detail::default_violation_handler, std::memory_order_acq_rel);
}

}  // namespace ringmpsc

template <>
struct std::is_error_code_enum<ringmpsc::Errc> : std::true_type {};

// Debug-only invariant check; the condition is not evaluated in release builds.
#if RINGMPSC_DEBUG
#define RINGMPSC_ASSERT(cond, msg)                                          \
  do {                                                                      \
    if (RINGMPSC_UNLIKELY(!(cond))) ::ringmpsc::detail::contract_violation(msg); \
  } while (0)
#else
#define RINGMPSC_ASSERT(cond, msg) \
  do {                             \
  } while (0)
#endif

// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <system_error>
#include <type_traits>

#include "detail/contract.hpp"

namespace ringmpsc {

/// Why an operation could not be done. Every code has a fixed message (`what()`).
enum class Errc : int {
  invalid_config = 1,        ///< a Config field is out of its documented range
  too_many_producers,        ///< max_producers live producers are registered already
  rings_not_drained,         ///< a producer slot is free but its ring still holds items
  channel_closed,            ///< close() was called
  reservation_too_large,     ///< try_reserve(n) with n > capacity()
  commit_too_large,          ///< commit(k) with k greater than what the reservation holds
  advance_too_large,         ///< advance(n) past the published items
  reservation_pending,       ///< a second reservation while one is still open
  misaligned_allocation,     ///< the allocator returned storage not aligned for the type
  reservation_full,          ///< emplace_back() on a reservation whose slots are all written
  already_armed,             ///< Readiness::arm() while this side is armed already
  not_armed,                 ///< Readiness::disarm() without an arming
};

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
      case Errc::reservation_too_large: return "try_reserve(n): n exceeds the ring capacity";
      case Errc::commit_too_large:
        return "commit(k): k exceeds the slots the reservation holds (nothing was published)";
      case Errc::advance_too_large:
        return "advance(n): n exceeds the published items (nothing was consumed)";
      case Errc::reservation_pending:
        return "a reservation on this ring is still open; commit or drop it first";
      case Errc::misaligned_allocation:
        return "the allocator returned storage that is not aligned for the element type";
      case Errc::reservation_full:
        return "emplace_back: every slot of the reservation is written (nothing was constructed)";
      case Errc::already_armed:
        return "arm(): this side's readiness fd is armed already; disarm() first";
      case Errc::not_armed: return "disarm(): the readiness fd is not armed";
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

/// Called when the calling code breaks a documented precondition that no return value can
/// report (docs/api.md lists them: a write while a reservation is open, two threads in one
/// side of a ring in debug builds, a channel destroyed under its producers). The default
/// prints the message and aborts. If the handler returns, the operation fails without
/// effect, except where nothing can be undone (a channel destroyed under its producers):
/// there the process aborts after the handler returns.
using ViolationHandler = void (*)(const char* message) noexcept;

/// Installs `h` (nullptr restores the default) and returns the previous handler.
inline ViolationHandler set_violation_handler(ViolationHandler h) noexcept {
  return detail::violation_handler_slot().exchange(
      h ? h : &detail::default_violation_handler, std::memory_order_acq_rel);
}

}  // namespace ringmpsc

template <>
struct std::is_error_code_enum<ringmpsc::Errc> : std::true_type {};

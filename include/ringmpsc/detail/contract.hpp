// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "checker.hpp"
#include "platform.hpp"

namespace ringmpsc::detail {

using ViolationHandlerFn = void (*)(const char* message) noexcept;

inline void default_violation_handler(const char* message) noexcept {
  std::fprintf(stderr, "ringmpsc: contract violation: %s\n", message);
  std::abort();
}

inline std::atomic<ViolationHandlerFn>& violation_handler_slot() noexcept {
  static std::atomic<ViolationHandlerFn> handler{&default_violation_handler};
  return handler;
}

/// A caller broke a documented precondition that no return value can report. If the
/// installed handler returns, the caller makes its operation fail without effect.
[[gnu::cold]] inline void contract_violation(const char* message) noexcept {
  if constexpr (checker::enabled) checker::contract_violation(message);
  violation_handler_slot().load(std::memory_order_acquire)(message);
}

/// A violation that cannot be undone (a channel destroyed under its producers) or an
/// internal invariant that no longer holds: reported, then the process aborts even if
/// the handler returns.
[[gnu::cold, noreturn]] inline void fatal_violation(const char* message) noexcept {
  contract_violation(message);
  std::abort();
}

#if RINGMPSC_DEBUG
/// Debug builds: reports two threads inside one side of a ring at the same time. The
/// operation it guards fails without effect when the guard is not entered.
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
  explicit operator bool() const noexcept { return entered_; }

 private:
  std::atomic<bool>& busy_;
  bool entered_;
};
#define RINGMPSC_ROLE_GUARD(name, flag, message) \
  const ::ringmpsc::detail::RoleGuard name { flag, message }
#else
/// Release builds: always entered, and the branch on it folds away.
struct NoRoleGuard {
  constexpr explicit operator bool() const noexcept { return true; }
};
#define RINGMPSC_ROLE_GUARD(name, flag, message) \
  constexpr ::ringmpsc::detail::NoRoleGuard name {}
#endif

}  // namespace ringmpsc::detail

// Debug-only invariant check; the condition is not evaluated in release builds.
#if RINGMPSC_DEBUG
#define RINGMPSC_ASSERT(cond, msg)                                                  \
  do {                                                                              \
    if (RINGMPSC_UNLIKELY(!(cond))) ::ringmpsc::detail::fatal_violation(msg);       \
  } while (0)
#else
#define RINGMPSC_ASSERT(cond, msg) \
  do {                             \
  } while (0)
#endif

// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <thread>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#endif

#include "checker.hpp"
#include "clock.hpp"

namespace ringmpsc::detail {

/// Sleeps while `word == expected`, until woken, until `deadline`, or spuriously.
/// The caller re-checks its condition and the deadline after every return.
inline void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                       Deadline deadline) noexcept {
#if defined(RINGMPSC_CHECKER)
  checker::futex_wait(word, expected, deadline);
#elif defined(__linux__)
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  auto* addr = reinterpret_cast<std::uint32_t*>(&word);
  if (deadline == no_deadline) {
    ::syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
    return;
  }
  // steady_clock is CLOCK_MONOTONIC on Linux; FUTEX_WAIT_BITSET takes an absolute time on it.
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      deadline.time_since_epoch())
                      .count();
  if (ns <= 0) return;
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  ::syscall(SYS_futex, addr, FUTEX_WAIT_BITSET_PRIVATE, expected, &ts, nullptr,
            FUTEX_BITSET_MATCH_ANY);
#else
  // Portable fallback: std::atomic::wait has no timeout, so a timed wait polls in short
  // sleeps. Correct everywhere; Linux gets the exact futex path above.
  if (deadline == no_deadline) {
    word.wait(expected, std::memory_order_acquire);
    return;
  }
  while (word.load(std::memory_order_acquire) == expected && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(100));
#endif
}

inline void futex_wake_all(std::atomic<std::uint32_t>& word) noexcept {
#if defined(RINGMPSC_CHECKER)
  checker::futex_wake_all(word);
#elif defined(__linux__)
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX,
            nullptr, nullptr, 0);
#else
  word.notify_all();
#endif
}

}  // namespace ringmpsc::detail

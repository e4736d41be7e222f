// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdlib>

#include "platform.hpp"

#if defined(__linux__) && !defined(RINGMPSC_NO_MEMBARRIER) && !defined(RINGMPSC_TSAN_BUILD)
#define RINGMPSC_MEMBARRIER 1
#endif

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ringmpsc::detail {

/// Asymmetric fences for the wake-up protocol (docs/memory-ordering.md, "F1/F2").
///
/// The notifier runs on every publication of a blocking channel; the waiter runs only
/// before it parks. On Linux the heavy side issues membarrier(PRIVATE_EXPEDITED), which
/// makes every running thread of the process execute a full barrier, so the light side
/// needs only a compiler barrier: publishing costs nothing extra. Where membarrier is not
/// available (other systems, old kernels, seccomp, RINGMPSC_NO_MEMBARRIER, TSan builds)
/// both sides fall back to std::atomic_thread_fence(seq_cst), which is always correct.
///
/// The light side runs on every write (F3) and every publication of a parking policy (F1),
/// inlined into the caller's loop, and takes which fence to be as an argument the ring read
/// once: a call there (a function-local static's guard) made the compiler spill the writer's
/// live values around it on every write, about half the single-item throughput of a
/// channel on 2 vCPUs (docs/benchmarks.md, "The write path's cost"); reading the flag once
/// per ring also spares every write a load of it.
class AsymmetricFence {
 public:
  [[nodiscard]] static bool uses_membarrier() noexcept { return state().membarrier; }

  /// Registers with membarrier now (one system call per process, which takes milliseconds
  /// and stalls every thread of the process), so the first publication does not pay it.
  /// Every ring calls it when constructed.
  static void prepare() noexcept { static_cast<void>(state()); }

  /// Whether the light side must be a full fence: true before the registration (or without
  /// membarrier), false for good after it. A ring reads it once, when it is constructed
  /// (after prepare()), and keeps it in its write mode, so a write does not load it; the
  /// rarer notifications (hand-back, retire, close) read it on each call.
  [[nodiscard]] RINGMPSC_ALWAYS_INLINE static bool light_is_full() noexcept {
#if defined(RINGMPSC_MEMBARRIER)
    return !registered_.load(std::memory_order_relaxed);
#else
    return true;
#endif
  }

  /// The notifier's side (F1): after the release store, before loading the waiter count.
  /// Also F3 (a write, before it reads `closed`). `full` is a value light_is_full() returned:
  /// a compiler barrier once registered, a full fence before (or without membarrier). A full
  /// fence on this side is correct with either heavy side, and once `registered_` reads true
  /// every heavy() uses membarrier, so a value read once stays correct.
  RINGMPSC_ALWAYS_INLINE static void light(bool full) noexcept {
#if defined(RINGMPSC_MEMBARRIER)
    if (RINGMPSC_LIKELY(!full)) {
      std::atomic_signal_fence(std::memory_order_seq_cst);
      return;
    }
#else
    static_cast<void>(full);  // always true here
#endif
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }

  /// The waiter's side (F2): after announcing itself, before re-checking the condition.
  static void heavy() noexcept {
#if defined(RINGMPSC_MEMBARRIER)
    if (state().membarrier) {
      if (::syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0) return;
      // Cannot fail once registered; if it ever does, the full fence below is still sound
      // only with full fences on both sides, so make the failure loud rather than subtle.
      std::abort();
    }
#endif
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }

 private:
  struct State {
    bool membarrier = false;
  };
#if defined(RINGMPSC_MEMBARRIER)
  // Set once, by state(), after the registration succeeded; never cleared.
  static inline std::atomic<bool> registered_{false};
#endif
  static const State& state() noexcept {
    static const State s = [] {
      State st;
#if defined(RINGMPSC_MEMBARRIER)
      const long cmds = ::syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
      if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
          (cmds & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) &&
          ::syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0) {
        st.membarrier = true;
        registered_.store(true, std::memory_order_relaxed);
      }
#endif
      return st;
    }();
    return s;
  }
};

}  // namespace ringmpsc::detail

// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <thread>

#include "detail/clock.hpp"
#include "detail/platform.hpp"

namespace ringmpsc {

using Clock = detail::Clock;
using Deadline = detail::Deadline;

/// Exponential backoff for retry loops: spin 2^k pause instructions (k up to 6), then
/// yield the CPU; is_completed() says when it is time to park or give up.
class Backoff {
 public:
  static constexpr unsigned spin_limit = 6;
  static constexpr unsigned yield_limit = 10;

  /// Spins only (for retrying a lock-free operation that lost a race).
  void spin() noexcept {
    for (unsigned i = 0, n = 1u << (step_ < spin_limit ? step_ : spin_limit); i < n; ++i)
      detail::cpu_relax();
    if (step_ <= spin_limit) ++step_;
  }
  /// Spins while the step is small, then yields (for waiting on another thread).
  void snooze() noexcept {
    if (step_ <= spin_limit) {
      for (unsigned i = 0, n = 1u << step_; i < n; ++i) detail::cpu_relax();
    } else {
      std::this_thread::yield();
    }
    if (step_ <= yield_limit) ++step_;
  }
  [[nodiscard]] bool is_completed() const noexcept { return step_ > yield_limit; }
  [[nodiscard]] unsigned step() const noexcept { return step_; }
  void reset() noexcept { step_ = 0; }

 private:
  unsigned step_ = 0;
};

/// Wait policies: how a blocking call waits, chosen per ring or channel as a template
/// argument. A policy with `parks = true` makes producers and consumer notify each other
/// after publishing (F1: a compiler barrier where membarrier is available, else a seq_cst
/// fence, then a load of the waiter count); the others add nothing to the publishing path.
///
/// Each policy has a `State` whose step() waits a little and returns true when the
/// caller should park on the channel's event count (only policies that park).
namespace wait {

/// Pause instruction in a loop: lowest latency, a full core while waiting.
struct BusySpin {
  static constexpr bool parks = false;
  struct State {
    bool step() noexcept {
      detail::cpu_relax();
      return false;
    }
  };
};

/// Spin with backoff, then std::this_thread::yield(): low latency, a busy core when idle.
struct Yielding {
  static constexpr bool parks = false;
  struct State {
    Backoff backoff;
    bool step() noexcept {
      backoff.snooze();
      return false;
    }
  };
};

/// Spin, yield, then sleep in 50 us steps: little CPU when idle, ~50 us wake-up latency.
struct Sleeping {
  static constexpr bool parks = false;
  struct State {
    Backoff backoff;
    bool step() noexcept {
      if (backoff.is_completed()) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      } else {
        backoff.snooze();
      }
      return false;
    }
  };
};

/// Park on a futex at once: no CPU while idle, a system call per wait and per wake.
struct Blocking {
  static constexpr bool parks = true;
  struct State {
    static bool step() noexcept { return true; }
  };
};

/// Spin, then yield, then park: the latency of spinning for short waits, no CPU for long
/// ones. The default for channels that block.
struct Phased {
  static constexpr bool parks = true;
  struct State {
    Backoff backoff;
    bool step() noexcept {
      if (backoff.is_completed()) return true;
      backoff.snooze();
      return false;
    }
  };
};

}  // namespace wait

/// The policy rings and channels use unless told otherwise.
using default_wait = wait::Phased;

template <class P>
concept WaitPolicy = requires(typename P::State s) {
  { P::parks } -> std::convertible_to<bool>;
  { s.step() } -> std::same_as<bool>;
};

}  // namespace ringmpsc

// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>

#include "asymmetric_fence.hpp"
#include "checker.hpp"
#include "futex.hpp"
#include "platform.hpp"

namespace ringmpsc::detail {

/// The wake-up protocol of blocking channels (docs/memory-ordering.md, tla/Wakeup.qnt).
///
/// Notifier (after a release store that makes the condition true: R1 tail, R2 head, or
/// the close flag):       F1 fence; if (waiters > 0) { R3 epoch += 1; wake }
/// Waiter (park):         W1 waiters += 1; F2 fence; A3 e = epoch (acquire);
///                        if (!ready()) futex_wait(epoch, e); waiters -= 1
///
/// F1/F2 are an asymmetric pair (asymmetric_fence.hpp): membarrier on the waiter's side
/// and a compiler barrier on the notifier's where Linux allows, else seq_cst fences on
/// both. Either way the two are ordered against each other (membarrier forces a full
/// barrier into every running thread, and a descheduled thread passes one when switched).
///
/// No lost wake-up: F1 and F2 are ordered as if in the single total order of seq_cst fences.
/// If F1 comes first, ready() after F2 sees the store made before F1, and the waiter does
/// not sleep. If F2 comes first, the notifier's waiters load after F1 sees W1, so it bumps
/// the epoch and wakes; the waiter either read the old epoch (futex_wait then returns at
/// once or is woken) or read the new one, which (A3 pairs with R3) makes the store made
/// before the bump visible to ready(). Without F1, the notifier's load of `waiters` may be
/// satisfied before its own store is visible (store-load reordering): the lost wake-up
/// that the Wakeup.qnt variant NoFence exhibits.
class alignas(cache_line) EventCount {
 public:
  /// Called by the thread that has just published (tail, head or close).
  void notify() noexcept {
    AsymmetricFence::light();  // F1: pairs with F2
    if (waiters_.load(std::memory_order_relaxed) != 0) wake_();
  }

  /// Sleeps unless ready() holds, until notified, the deadline, or spuriously.
  template <class Ready>
  void park(Ready&& ready, Deadline deadline) noexcept(noexcept(ready())) {
    waiters_.fetch_add(1, std::memory_order_seq_cst);       // W1
    if constexpr (checker::keep_f2) AsymmetricFence::heavy();  // F2: pairs with F1
    const std::uint32_t e = epoch_.load(std::memory_order_acquire);  // A3: pairs with R3
    if (!ready()) {
      parks_.fetch_add(1, std::memory_order_relaxed);
      futex_wait(epoch_, e, deadline);
    }
    waiters_.fetch_sub(1, std::memory_order_relaxed);
  }

  [[nodiscard]] std::uint64_t parks() const noexcept {
    return parks_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t wakeups() const noexcept {
    return wakeups_.load(std::memory_order_relaxed);
  }

 private:
  [[gnu::noinline]] void wake_() noexcept {
    epoch_.fetch_add(1, std::memory_order_release);  // R3: pairs with A3
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    futex_wake_all(epoch_);
  }

  std::atomic<std::uint32_t> epoch_{0};
  std::atomic<std::uint32_t> waiters_{0};
  std::atomic<std::uint64_t> parks_{0};
  std::atomic<std::uint64_t> wakeups_{0};
};

}  // namespace ringmpsc::detail

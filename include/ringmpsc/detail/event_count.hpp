// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>

#include "asymmetric_fence.hpp"
#include "checker.hpp"
#include "eventfd.hpp"
#include "futex.hpp"
#include "platform.hpp"

namespace ringmpsc::detail {

struct ReadinessAccess;  // readiness.hpp: the public types' event counts and checks

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
///
/// The readiness fd (readiness.hpp, docs/async.md) is a second kind of waiter on the same
/// word: the top bit of `waiters` is the fd's token, the other bits count futex sleepers.
///
/// Arm (waiting side):    W2 waiters |= FD (seq_cst); F2 fence; if ready(): withdraw
/// Notifier, when the bit is set (after the same F1 and load):
///                        R11 waiters &= ~FD (acq_rel); if it held FD: write the eventfd
/// Disarm (waiting side): A11 waiters &= ~FD (acq_rel); drain the eventfd
///
/// The argument for W1 holds word for word for W2: either ready() after F2 sees the store,
/// or the notifier's load after F1 sees the bit, and then the bit is taken by exactly one
/// notifier (which writes the fd once) or withdrawn by the waiter (which polls after). The
/// waiter's A11 reads the value R11 left, or a later one (every write to `waiters` is a
/// read-modify-write, so it continues R11's release sequence): what the notifier that wrote
/// the fd published before is visible to the poll after disarm. Only the notifier that
/// takes the token writes, so an armed waiter costs one write per arming, not per message;
/// the epoch bump and futex wake run only when a futex sleeper is counted.
class alignas(cache_line) EventCount {
 public:
  EventCount() = default;
  EventCount(const EventCount&) = delete;
  EventCount& operator=(const EventCount&) = delete;
  ~EventCount() {
#if RINGMPSC_HAS_READINESS_FD
    if (const int fd = fd_.load(std::memory_order_acquire); fd >= 0) eventfd_close(fd);
#endif
  }

  /// Called by the thread that has just published (tail, head or close).
  RINGMPSC_ALWAYS_INLINE void notify() noexcept { notify(AsymmetricFence::light_is_full()); }
  /// The same, for a caller that has read AsymmetricFence::light_is_full() already.
  RINGMPSC_ALWAYS_INLINE void notify(bool full_fence) noexcept {
    AsymmetricFence::light(full_fence);  // F1: pairs with F2
    const std::uint32_t w = waiters_.load(std::memory_order_relaxed);
    if (w != 0) wake_(w);
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

#if RINGMPSC_HAS_READINESS_FD
  /// The readiness fd, created by the first caller (any thread) and closed with the event
  /// count. Throws std::system_error when eventfd(2) fails (EMFILE, ...); nothing changes.
  [[nodiscard]] int open_fd() {
    int fd = fd_.load(std::memory_order_acquire);  // A12: pairs with R12
    if (fd >= 0) return fd;
    const int mine = eventfd_open();
    // R12: publishes the fd number (a plain int, so the pair is only for tidiness); pairs
    // with A12 here, in the notifier and in the destructor.
    if (fd_.compare_exchange_strong(fd, mine, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      return mine;
    eventfd_close(mine);  // another thread created it first
    return fd;
  }

  /// Takes the one arming of this event count (the waiting side's role): false when
  /// another arming holds it. acq_rel: a handle that moved threads sees its own claim.
  [[nodiscard]] bool claim_arming() noexcept {
    return !fd_owned_.exchange(true, std::memory_order_acq_rel);
  }
  void release_arming() noexcept { fd_owned_.store(false, std::memory_order_release); }

  /// Arms the fd (open_fd() was called): true when armed (a notifier will write the fd),
  /// false when ready() held after F2 (not armed; the caller polls instead of waiting).
  template <class Ready>
  [[nodiscard]] bool arm_fd(Ready&& ready) {
    waiters_.fetch_or(fd_armed, std::memory_order_seq_cst);  // W2: announces the armed fd
    AsymmetricFence::heavy();                                // F2: pairs with F1
    if (ready()) {
      withdraw_fd_(false);
      return false;
    }
    parks_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  /// Ends an arming: withdraws the token if no notifier took it and drains the fd.
  void disarm_fd() noexcept { withdraw_fd_(true); }
#endif

  [[nodiscard]] std::uint64_t parks() const noexcept {
    return parks_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t wakeups() const noexcept {
    return wakeups_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr std::uint32_t fd_armed = 0x8000'0000u;  // the fd's token
  static constexpr std::uint32_t sleepers = fd_armed - 1;  // futex waiters (W1)

  [[gnu::noinline]] void wake_(std::uint32_t w) noexcept {
    if ((w & sleepers) != 0) {
      epoch_.fetch_add(1, std::memory_order_release);  // R3: pairs with A3
      wakeups_.fetch_add(1, std::memory_order_relaxed);
      futex_wake_all(epoch_);
    }
#if RINGMPSC_HAS_READINESS_FD
    if ((w & fd_armed) != 0) signal_fd_();
#endif
  }

#if RINGMPSC_HAS_READINESS_FD
  void signal_fd_() noexcept {
    // R11: takes the token (one notifier per arming); the release makes this notifier's
    // publication visible to the waiter whose disarm (A11) reads this value or a later one.
    if ((waiters_.fetch_and(~fd_armed, std::memory_order_acq_rel) & fd_armed) == 0) return;
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    eventfd_signal(fd_.load(std::memory_order_acquire));  // A12: pairs with R12
  }

  // `always_drain`: a disarm drains whatever the fd holds; a withdrawal by arm_fd() drains
  // only when a notifier took this arming's token (its write may be there already).
  void withdraw_fd_(bool always_drain) noexcept {
    // A11: pairs with R11 in signal_fd_().
    const std::uint32_t prev = waiters_.fetch_and(~fd_armed, std::memory_order_acq_rel);
    if (always_drain || (prev & fd_armed) == 0)
      eventfd_drain(fd_.load(std::memory_order_acquire));  // A12: pairs with R12
  }
#endif

  std::atomic<std::uint32_t> epoch_{0};
  std::atomic<std::uint32_t> waiters_{0};  // futex sleepers (W1), plus the fd token (W2)
  std::atomic<std::uint64_t> parks_{0};
  std::atomic<std::uint64_t> wakeups_{0};
#if RINGMPSC_HAS_READINESS_FD
  std::atomic<int> fd_{-1};              // R12/A12: created once, closed with the count
  std::atomic<bool> fd_owned_{false};    // an arming is held (Readiness::arm .. disarm)
#endif
};

}  // namespace ringmpsc::detail

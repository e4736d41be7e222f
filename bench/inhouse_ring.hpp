// The hand-off ceiling: a minimal cached-index SPSC ring with nothing else (no close, no
// metrics, no reservations, no parking), and the bare ring-per-producer consumer built on
// it. ringmpsc is measured against them to show what its features cost. Both have the
// member names of ringmpsc's consumer API (try_pop, try_recv, try_consume, try_recv_for)
// so that one consumer routine drives either.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <thread>
#include <type_traits>
#include <vector>

#include <ringmpsc/detail/platform.hpp>  // RINGMPSC_ALWAYS_INLINE, as for every queue here

#include "cpu.hpp"

namespace bench {

/// What a design without parking does for a timed receive: polls try_recv, pausing and
/// then yielding, until something arrives or the timeout has passed. Returns the count.
template <class C, class T>
std::size_t poll_recv_for(C& c, std::span<T> out, std::chrono::nanoseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (unsigned step = 0;; ++step) {
    if (const std::size_t n = c.try_recv(out)) return n;
    if (step < 7) {
      for (unsigned i = 0; i < 1u << step; ++i) cpu_pause();
    } else {
      if (std::chrono::steady_clock::now() >= deadline) return 0;
      std::this_thread::yield();
    }
  }
}

/// One producer thread, one consumer thread. Each side reads the other's index (acquire)
/// only when its cached copy says full or empty; bulk calls copy with memcpy.
template <class T>
class InhouseRing {
  static_assert(std::is_trivially_copyable_v<T>, "the in-house ring copies with memcpy");

 public:
  static constexpr std::size_t unlimited = ~std::size_t{0};

  explicit InhouseRing(std::size_t capacity_pow2)
      : mask_(capacity_pow2 - 1), slots_(new T[capacity_pow2]) {}

  // ------------------------------------------------------------------ producer thread ---

  RINGMPSC_ALWAYS_INLINE bool try_push(const T& v) noexcept {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - cached_head_ > mask_) [[unlikely]] {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (t - cached_head_ > mask_) return false;
    }
    slots_[t & mask_] = v;
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  /// Copies as many of v as fit; returns how many.
  RINGMPSC_ALWAYS_INLINE std::size_t try_send(std::span<const T> v) noexcept {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    std::uint64_t free = mask_ + 1 - (t - cached_head_);
    if (free < v.size()) {
      cached_head_ = head_.load(std::memory_order_acquire);
      free = mask_ + 1 - (t - cached_head_);
    }
    const std::size_t n = std::min<std::size_t>(v.size(), free);
    const std::size_t idx = t & mask_, first = std::min<std::size_t>(n, mask_ + 1 - idx);
    std::memcpy(&slots_[idx], v.data(), first * sizeof(T));
    std::memcpy(&slots_[0], v.data() + first, (n - first) * sizeof(T));
    if (n) tail_.store(t + n, std::memory_order_release);
    return n;
  }

  // ------------------------------------------------------------------ consumer thread ---

  RINGMPSC_ALWAYS_INLINE bool try_pop(T& v) noexcept {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (h == cached_tail_) [[unlikely]] {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (h == cached_tail_) return false;
    }
    v = slots_[h & mask_];
    head_.store(h + 1, std::memory_order_release);
    return true;
  }
  /// Copies up to out.size() items out; returns how many.
  RINGMPSC_ALWAYS_INLINE std::size_t try_recv(std::span<T> out) noexcept {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    const std::size_t n = available_(h, out.size());
    const std::size_t idx = h & mask_, first = std::min<std::size_t>(n, mask_ + 1 - idx);
    std::memcpy(out.data(), &slots_[idx], first * sizeof(T));
    std::memcpy(out.data() + first, &slots_[0], (n - first) * sizeof(T));
    if (n) head_.store(h + n, std::memory_order_release);
    return n;
  }
  /// Calls f on up to max published items in place, then one head update.
  template <class F>
  RINGMPSC_ALWAYS_INLINE std::size_t try_consume(F&& f, std::size_t max = unlimited) {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    const std::size_t n = available_(h, max);
    for (std::size_t i = 0; i < n; ++i) f(slots_[(h + i) & mask_]);
    if (n) head_.store(h + n, std::memory_order_release);
    return n;
  }
  std::size_t try_recv_for(std::span<T> out, std::chrono::nanoseconds timeout) {
    return poll_recv_for(*this, out, timeout);
  }

 private:
  // Reads the producer's tail only when the cached copy shows fewer than wanted.
  RINGMPSC_ALWAYS_INLINE std::size_t available_(std::uint64_t h, std::size_t max) noexcept {
    if (cached_tail_ - h < max) cached_tail_ = tail_.load(std::memory_order_acquire);
    return static_cast<std::size_t>(std::min<std::uint64_t>(max, cached_tail_ - h));
  }

  alignas(128) std::atomic<std::uint64_t> tail_{0};
  std::uint64_t cached_head_ = 0;
  alignas(128) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;
  alignas(128) const std::uint64_t mask_;
  std::unique_ptr<T[]> slots_;
};

/// The bare ring-per-producer consumer: one InhouseRing per producer. Every call starts at
/// the ring that served last and stays on it while it has items, up to `quantum` items in
/// a row, then moves on; each ring is asked at most once per call. So no producer waits
/// longer than (producers - 1) x quantum items.
template <class T>
class InhouseFanIn {
 public:
  static constexpr std::size_t unlimited = ~std::size_t{0};
  static constexpr std::size_t quantum = 256;

  InhouseFanIn(unsigned producers, std::size_t capacity_pow2) {
    for (unsigned i = 0; i < producers; ++i)
      rings_.push_back(std::make_unique<InhouseRing<T>>(capacity_pow2));
  }

  /// Producer i's ring (producer i's thread pushes into it).
  InhouseRing<T>& ring(unsigned i) noexcept { return *rings_[i]; }

  RINGMPSC_ALWAYS_INLINE bool try_pop(T& out) noexcept {
    return take_(1, [&out](InhouseRing<T>& r, std::size_t) {
             return static_cast<std::size_t>(r.try_pop(out));
           }) != 0;
  }
  RINGMPSC_ALWAYS_INLINE std::size_t try_recv(std::span<T> out) noexcept {
    T* at = out.data();
    return take_(out.size(), [&at](InhouseRing<T>& r, std::size_t want) {
      const std::size_t n = r.try_recv({at, want});
      at += n;
      return n;
    });
  }
  template <class F>
  RINGMPSC_ALWAYS_INLINE std::size_t try_consume(F&& f, std::size_t max = unlimited) {
    return take_(max, [&f](InhouseRing<T>& r, std::size_t want) { return r.try_consume(f, want); });
  }
  std::size_t try_recv_for(std::span<T> out, std::chrono::nanoseconds timeout) {
    return poll_recv_for(*this, out, timeout);
  }

 private:
  template <class Take>
  RINGMPSC_ALWAYS_INLINE std::size_t take_(std::size_t max, Take&& take) {
    std::size_t total = 0;
    for (std::size_t k = 0; k < rings_.size() && total < max; ++k) {
      const std::size_t want = max - total;
      const std::size_t n = take(*rings_[current_], want);
      total += n;
      taken_ += n;
      if (n == want && taken_ < quantum) break;  // the ring may hold more: stay on it
      current_ = current_ + 1 == rings_.size() ? 0 : current_ + 1;
      taken_ = 0;
    }
    return total;
  }

  std::vector<std::unique_ptr<InhouseRing<T>>> rings_;
  std::size_t current_ = 0;  // the ring the next call starts at
  std::size_t taken_ = 0;    // items taken from it since the consumer arrived there
};

}  // namespace bench

// The hand-off ceiling: a minimal cached-index SPSC ring with nothing else (no close, no
// metrics, no reservations). ringmpsc is measured against it to show what its features cost.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace bench {

template <class T>
class InhouseRing {
 public:
  explicit InhouseRing(std::size_t capacity_pow2)
      : mask_(capacity_pow2 - 1), slots_(new T[capacity_pow2]) {}

  bool push(const T& v) noexcept {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - cached_head_ > mask_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (t - cached_head_ > mask_) return false;
    }
    slots_[t & mask_] = v;
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  std::size_t push_bulk(const T* v, std::size_t n) noexcept {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    std::uint64_t free = mask_ + 1 - (t - cached_head_);
    if (free < n) {
      cached_head_ = head_.load(std::memory_order_acquire);
      free = mask_ + 1 - (t - cached_head_);
    }
    n = std::min<std::size_t>(n, free);
    const std::size_t idx = t & mask_, first = std::min<std::size_t>(n, mask_ + 1 - idx);
    std::memcpy(&slots_[idx], v, first * sizeof(T));
    std::memcpy(&slots_[0], v + first, (n - first) * sizeof(T));
    if (n) tail_.store(t + n, std::memory_order_release);
    return n;
  }
  bool pop(T& v) noexcept {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (h == cached_tail_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (h == cached_tail_) return false;
    }
    v = slots_[h & mask_];
    head_.store(h + 1, std::memory_order_release);
    return true;
  }
  std::size_t pop_bulk(T* out, std::size_t max) noexcept {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    cached_tail_ = tail_.load(std::memory_order_acquire);
    const std::size_t n = std::min<std::size_t>(max, cached_tail_ - h);
    const std::size_t idx = h & mask_, first = std::min<std::size_t>(n, mask_ + 1 - idx);
    std::memcpy(out, &slots_[idx], first * sizeof(T));
    std::memcpy(out + first, &slots_[0], (n - first) * sizeof(T));
    if (n) head_.store(h + n, std::memory_order_release);
    return n;
  }
  /// Calls f on each published item in place (no copy out), one head update.
  template <class F>
  std::size_t consume(F&& f, std::size_t max = ~std::size_t{0}) noexcept {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (cached_tail_ - h < max) cached_tail_ = tail_.load(std::memory_order_acquire);
    const std::size_t n = std::min<std::size_t>(max, cached_tail_ - h);
    for (std::size_t i = 0; i < n; ++i) f(slots_[(h + i) & mask_]);
    if (n) head_.store(h + n, std::memory_order_release);
    return n;
  }

 private:
  alignas(128) std::atomic<std::uint64_t> tail_{0};
  std::uint64_t cached_head_ = 0;
  alignas(128) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;
  alignas(128) const std::uint64_t mask_;
  std::unique_ptr<T[]> slots_;
};

}  // namespace bench

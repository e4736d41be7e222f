// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>

namespace ringmpsc::detail {

/// A counter with a single writer: a relaxed load and store (no read-modify-write), so the
/// owner pays a plain add and other threads may read it without a data race.
class Counter {
 public:
  void add(std::uint64_t n) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t get() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace ringmpsc::detail

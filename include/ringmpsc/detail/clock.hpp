// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>

namespace ringmpsc::detail {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
inline constexpr Deadline no_deadline = Deadline::max();

/// now + timeout, saturating at no_deadline (so duration::max() means "forever"); a zero
/// or negative timeout is "now" (poll once).
template <class Rep, class Period>
Deadline deadline_after(std::chrono::duration<Rep, Period> timeout) noexcept {
  const auto now = Clock::now();
  if (timeout <= timeout.zero()) return now;
  using Nanos = std::chrono::duration<double, std::nano>;
  if (Nanos(timeout) >= Nanos(no_deadline - now)) return no_deadline;
  return now + std::chrono::ceil<Clock::duration>(timeout);
}

}  // namespace ringmpsc::detail

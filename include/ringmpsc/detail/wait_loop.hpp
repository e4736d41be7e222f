// SPDX-License-Identifier: MIT
#pragma once

#include "clock.hpp"
#include "event_count.hpp"

namespace ringmpsc::detail {

/// The one wait loop of the library: true once ready() holds, false once the deadline has
/// passed. Each round asks the policy's State to wait a little; a policy that parks then
/// sleeps on `ev` (the event count the other side notifies after it publishes).
template <class Policy, class Ready>
bool wait_until(EventCount* ev, Ready&& ready, Deadline deadline) {
  typename Policy::State state;
  for (;;) {
    if (ready()) return true;
    if (deadline != no_deadline && Clock::now() >= deadline) return false;
    if (state.step()) {
      if constexpr (Policy::parks) ev->park(ready, deadline);
    }
  }
}

}  // namespace ringmpsc::detail

// Ping-pong round-trip latency: one item bounced between CPU 0 and CPU 1 through two
// queues, pause on every failed poll. Unlike throughput, only one item is ever in flight,
// so this shows what a change to a ring costs a consumer that waits for each item.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "cpu.hpp"
#include "peers.hpp"
#include "protocol.hpp"
#include "stats.hpp"

namespace bench {

/// One run: CPU 0 sends k (1, 2, ...) through `ping`, CPU 1 returns k + 1 through `pong`,
/// and CPU 0 checks it and reads the clock; for about `duration`. Q is a peers.hpp adapter
/// of u64 (producer(0).push, pop). Sample::value is the median round trip in ns (each
/// includes one steady_clock read); items is the number of round trips.
template <class Q>
Sample round_trips(const QueueSpec& spec, std::chrono::nanoseconds duration) {
  // Both queues on the heap, each in its own allocation. As locals, they shared pages with
  // the measuring thread's stack frames (run_pinned runs it on this thread), and a queue's
  // round trip then depended on how its state fell among them: ringmpsc::Ring measured
  // 941-971 ns there and 731-862 on the heap in the far placement, the in-house ring
  // 821-842 either way (docs/benchmarks.md, "Bulk and round trip").
  const auto ping_owner = std::make_unique<Q>(spec), pong_owner = std::make_unique<Q>(spec);
  Q &ping = *ping_owner, &pong = *pong_owner;
  std::vector<double> rtt;
  rtt.reserve(std::size_t{1} << 20);
  bool echoed_right = true;
  const auto echoes = run_pinned(
      1,
      [&](unsigned, std::atomic<bool>&) {
        auto back = pong.producer(0);
        std::uint64_t n = 0;
        for (std::uint64_t v;; ++n) {
          while (!ping.pop(v)) cpu_pause();
          if (v == 0) return n;  // the end
          while (!back.push(v + 1)) cpu_pause();
        }
      },
      [&](std::atomic<bool>&) {
        auto out = ping.producer(0);
        const auto deadline = Clock::now() + duration;
        auto t0 = Clock::now();
        for (std::uint64_t k = 1;; ++k) {
          while (!out.push(k)) cpu_pause();
          std::uint64_t v = 0;
          while (!pong.pop(v)) cpu_pause();
          echoed_right &= v == k + 1;
          const auto t1 = Clock::now();
          rtt.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
          t0 = t1;
          if (t1 >= deadline && k >= 100) break;
        }
        while (!out.push(0)) cpu_pause();
      });
  Sample s;
  s.items = rtt.size();
  s.value = median(std::move(rtt));
  s.verified = echoed_right && echoes[0] == s.items;
  s.ordered = true;
  if (!s.verified) s.problem = "an echo was lost or wrong";
  return s;
}

}  // namespace bench

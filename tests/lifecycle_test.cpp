// Producer lifecycle: RAII release, ring reuse after drain, churn, lazy allocation,
// fairness of try_consume(h, max).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "support.hpp"

using ringmpsc::Config;
using ringmpsc::Errc;

namespace {
struct AllocStats {
  std::atomic<std::size_t> bytes{0};
  std::atomic<std::size_t> calls{0};
};

// Counts what a channel allocates through its allocator (rings: slots and ring objects).
template <class T>
struct CountingAllocator {
  using value_type = T;
  AllocStats* stats;
  explicit CountingAllocator(AllocStats* s) noexcept : stats(s) {}
  template <class U>
  CountingAllocator(const CountingAllocator<U>& o) noexcept : stats(o.stats) {}  // NOLINT
  T* allocate(std::size_t n) {
    stats->bytes += n * sizeof(T);
    ++stats->calls;
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    stats->bytes -= n * sizeof(T);
    std::allocator<T>{}.deallocate(p, n);
  }
  template <class U>
  friend bool operator==(const CountingAllocator& a, const CountingAllocator<U>& b) noexcept {
    return a.stats == b.stats;
  }
};
}  // namespace

TEST_CASE("rings are allocated on first registration, not up front", "[lifecycle][memory]") {
  AllocStats stats;
  {
    ringmpsc::Channel<std::uint64_t, ringmpsc::default_wait, CountingAllocator<std::uint64_t>> ch(
        Config{}, CountingAllocator<std::uint64_t>(&stats));
    REQUIRE(stats.bytes == 0);
    REQUIRE(ch.ring_count() == 0);
    auto p = ch.register_producer().value();
    const std::size_t one_ring = Config{}.capacity() * sizeof(std::uint64_t);
    REQUIRE(ch.ring_count() == 1);
    REQUIRE(stats.bytes >= one_ring);
    REQUIRE(stats.bytes < 2 * one_ring);  // 16 rings would be 16 * 512 KiB
    REQUIRE(ch.get_allocator().stats == &stats);
  }
  REQUIRE(stats.bytes == 0);  // everything returned
}

TEST_CASE("a dropped producer's ring is drained, then reused", "[lifecycle]") {
  ringmpsc::Channel<std::uint64_t> ch(Config{.ring_bits = 4, .max_producers = 1});
  std::uint32_t first_id = 0;
  {
    auto p = ch.register_producer().value();
    first_id = p.id();
    REQUIRE(p.try_push(1));
    REQUIRE(p.try_push(2));
  }
  REQUIRE(ch.producer_count() == 0);
  // The only ring still holds items of the dropped producer: not reusable yet.
  auto early = ch.register_producer();
  REQUIRE_FALSE(early);
  REQUIRE(early.error() == Errc::rings_not_drained);
  std::vector<std::uint64_t> got;
  ch.try_consume([&](const std::uint64_t& v) { got.push_back(v); });
  REQUIRE(got == std::vector<std::uint64_t>{1, 2});  // left-over items are delivered
  auto next = ch.register_producer().value();
  REQUIRE(next.id() == first_id);
  REQUIRE(ch.ring_count() == 1);
  REQUIRE(next.try_push(3));
  got.clear();
  ch.try_consume([&](const std::uint64_t& v) { got.push_back(v); });
  REQUIRE(got == std::vector<std::uint64_t>{3});  // never mixed with the old producer's
}

TEST_CASE("producer churn: 10^5 register/drop cycles with max_producers = 4", "[lifecycle][stress]") {
  ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Yielding> ch(
      Config{.ring_bits = 4, .max_producers = 4});
  constexpr int kThreads = 4;
  constexpr int kCycles = 100'000 / kThreads;
  std::atomic<int> finished{0};
  std::atomic<std::uint64_t> sent_sum{0};
  std::atomic<int> unexpected{0}, mixed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int c = 0; c < kCycles; ++c) {
        auto r = ch.register_producer();
        while (!r) {  // a free ring may still hold a dropped producer's items
          if (r.error() != Errc::rings_not_drained) ++unexpected;
          std::this_thread::yield();
          r = ch.register_producer();
        }
        // Claimed only when drained, and nobody else writes it: it must be empty.
        if (r->was_size() != 0) ++mixed;
        const std::uint64_t v = static_cast<std::uint64_t>(t) * kCycles + c;
        while (!r->try_push(v)) std::this_thread::yield();
        sent_sum += v;
      }
      ++finished;
    });
  }
  std::uint64_t received = 0;
  std::uint64_t sum = 0;
  while (finished < kThreads || received < 100'000) {
    if (ch.try_consume([&](const std::uint64_t& v) { sum += v; ++received; }) == 0)
      std::this_thread::yield();
  }
  for (auto& th : threads) th.join();
  REQUIRE(unexpected == 0);
  REQUIRE(mixed == 0);
  REQUIRE(received == 100'000);
  REQUIRE(sum == sent_sum);
  REQUIRE(ch.producer_count() == 0);
  REQUIRE(ch.ring_count() <= 4);  // never more rings than live producers allowed
}

TEST_CASE("large consumer calls start one ring further on each call (deterministic)",
          "[lifecycle][fairness]") {
  // Calls for streak_limit (256) items or more visit every ring once per call.
  ringmpsc::Channel<std::uint64_t> ch(Config{.ring_bits = 10, .max_producers = 4});
  std::vector<ringmpsc::Channel<std::uint64_t>::producer_type> ps;
  for (int i = 0; i < 4; ++i) ps.push_back(ch.register_producer().value());
  for (auto& p : ps)
    while (p.try_push(p.id())) {
    }
  std::vector<std::vector<std::uint64_t>> calls;
  for (int call = 0; call < 8; ++call) {
    std::vector<std::uint64_t> share(4, 0);
    REQUIRE(ch.try_consume([&](const std::uint64_t& v) { ++share[v]; }, 256) == 256);
    calls.push_back(share);
  }
  // Every ring holds 1024: each call takes all 256 from the ring it starts at, and the
  // start moves on by one ring each call.
  for (std::size_t call = 0; call < calls.size(); ++call)
    for (std::uint64_t ring = 0; ring < 4; ++ring)
      REQUIRE(calls[call][ring] == (ring == call % 4 ? 256u : 0u));
}

TEST_CASE("small consumer calls stay on a ring for at most 256 items in a row (deterministic)",
          "[lifecycle][fairness]") {
  ringmpsc::Channel<std::uint64_t> ch(Config{.ring_bits = 10, .max_producers = 3});
  std::vector<ringmpsc::Channel<std::uint64_t>::producer_type> ps;
  for (int i = 0; i < 3; ++i) ps.push_back(ch.register_producer().value());
  for (auto& p : ps)
    for (int k = 0; k < 600; ++k) REQUIRE(p.try_push(p.id()));
  // try_pop: 256 from ring 0, 256 from ring 1, 256 from ring 2, then back to ring 0.
  std::vector<std::uint64_t> order;
  std::uint64_t v = 0;
  for (int k = 0; k < 4 * 256; ++k) {
    REQUIRE(ch.try_pop(v));
    order.push_back(v);
  }
  for (int k = 0; k < 4 * 256; ++k) REQUIRE(order[static_cast<std::size_t>(k)] == static_cast<std::uint64_t>((k / 256) % 3));
  // try_consume(h, 64): the streak carries over between calls; a dry ring is left at once.
  std::vector<std::uint64_t> share(3, 0);
  std::size_t calls = 0;
  while (ch.try_consume([&](const std::uint64_t& x) { ++share[x]; }, 64) != 0) ++calls;
  REQUIRE(share == std::vector<std::uint64_t>{600 - 512, 600 - 256, 600 - 256});
  REQUIRE(calls <= (88 + 344 + 344) / 64 + 3);  // whole calls, but for the one per ring that ran dry
}

TEST_CASE("one consumer call asks each ring at most once (deterministic)",
          "[lifecycle][fairness]") {
  // Asking a ring reads its producer's tail line when the consumer's copy shows nothing:
  // a call that asked a dry ring twice would pull that line from the producer twice.
  ringmpsc::Channel<std::uint64_t> ch(Config{.ring_bits = 10, .max_producers = 3});
  std::vector<ringmpsc::Channel<std::uint64_t>::producer_type> ps;
  for (int i = 0; i < 3; ++i) ps.push_back(ch.register_producer().value());
  for (int k = 0; k < 5; ++k) REQUIRE(ps[0].try_push(0));
  for (int k = 0; k < 300; ++k) REQUIRE(ps[2].try_push(2));
  std::vector<const ringmpsc::detail::RingCore<std::uint64_t>*> rings;
  for (std::uint32_t i = 0; i < 3; ++i) rings.push_back(test::TestAccess::ring_of(ch, i));
  std::uint64_t taken0 = 0, taken2 = 0;
  auto count = [&](std::uint64_t& v) { ++(v == 0 ? taken0 : taken2); };
  for (const std::size_t max : {std::size_t{1}, std::size_t{16}, std::size_t{256}}) {
    for (int call = 0; call < 40; ++call) {
      std::vector<int> asks(3, 0);
      test::TestAccess::poll(ch, max, [&](ringmpsc::detail::RingCore<std::uint64_t>& r,
                                          std::size_t want) {
        const auto i = static_cast<std::size_t>(
            std::find(rings.begin(), rings.end(), &r) - rings.begin());
        REQUIRE(i < 3);
        ++asks[i];
        return r.drain(want, count);
      });
      INFO("call " << call << " for " << max << " items");
      for (const int a : asks) REQUIRE(a <= 1);
    }
  }
  REQUIRE(taken0 == 5);
  REQUIRE(taken2 == 300);
}

TEST_CASE("every one of 8 busy producers gets a share", "[lifecycle][fairness]") {
  // Producers block on a full ring instead of spinning, so 9 threads on a small machine do
  // not starve each other of CPU: what is measured is the consumer's rotation.
  ringmpsc::Channel<std::uint64_t, ringmpsc::wait::Blocking> ch(
      Config{.ring_bits = 8, .max_producers = 8});
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto p = ch.register_producer().value();
      ++ready;
      while (!stop && p.push(p.id()) == ringmpsc::Status::ok) {
      }
    });
  }
  while (ready < 8) std::this_thread::yield();
  std::vector<std::uint64_t> share(8, 0);
  std::uint64_t total = 0;
  // At least 400,000 items and 300 ms: 400,000 items can take 20 ms on 2 CPUs, less than
  // one scheduling period for 9 threads, and a producer the scheduler has not run yet
  // would then look starved by the consumer.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (total < 400'000 || std::chrono::steady_clock::now() < until) {
    const auto n = ch.try_consume([&](const std::uint64_t& v) { ++share[v]; }, 64);
    if (n == 0) std::this_thread::yield();
    total += n;
  }
  stop = true;
  ch.close();  // wakes producers parked on a full ring
  for (auto& th : threads) th.join();
  for (std::uint64_t s : share) {
    INFO("share " << s << " of " << total);
    REQUIRE(s >= total / 100);  // fair would be 1/8; starvation would be ~0
  }
}
